//! The sender's settings for one delivery: deadline, retry schedule and acceptance policy, and
//! how run-wide flags, a scenario's `sender:` and a step's `sender:` combine.

use std::time::Duration;

use crate::scenario::SenderOverrides;
use crate::wire::StatusMatch;

/// The provider's documented deadline per attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
/// "If 3 consecutive retries fail, the system will stop sending callbacks."
pub const DEFAULT_RETRIES: u32 = 3;
/// Response bodies are read up to this many bytes and never more.
pub const DEFAULT_BODY_CAP: usize = 64 * 1024;

/// The spacing is undocumented; these are our defaults (CONTRACT.md S5).
pub fn default_delays() -> Vec<Duration> {
    vec![
        Duration::from_secs(1),
        Duration::from_secs(2),
        Duration::from_secs(4),
    ]
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub timeout: Duration,
    pub retries: u32,
    pub retry_delays: Vec<Duration>,
    pub accept: StatusMatch,
    pub body_cap: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            timeout: DEFAULT_TIMEOUT,
            retries: DEFAULT_RETRIES,
            retry_delays: default_delays(),
            accept: StatusMatch::Code(200),
            body_cap: DEFAULT_BODY_CAP,
        }
    }
}

impl Policy {
    /// The wait before each retry, in order; the last listed delay repeats. A plain iterator,
    /// so the schedule is tested without sleeping.
    pub fn delays(&self) -> impl Iterator<Item = Duration> + '_ {
        (0..self.retries as usize).map(|i| {
            self.retry_delays
                .get(i)
                .or(self.retry_delays.last())
                .copied()
                .unwrap_or_default()
        })
    }

    /// This policy with a scenario's or step's overrides applied on top.
    pub fn with(&self, o: Option<&SenderOverrides>) -> Policy {
        let mut p = self.clone();
        if let Some(o) = o {
            if let Some(t) = o.timeout {
                p.timeout = t.0;
            }
            if let Some(r) = o.retries {
                p.retries = r;
            }
            if let Some(d) = &o.retry_delays {
                p.retry_delays = d.iter().map(|d| d.0).collect();
            }
            if let Some(a) = &o.accept {
                p.accept = a.clone();
            }
        }
        p
    }

    /// The longest one delivery can take: every attempt at its deadline plus every wait.
    pub fn worst_case(&self) -> Duration {
        self.timeout * (self.retries + 1) + self.delays().sum::<Duration>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duration::Dur;

    #[test]
    fn default_schedule_is_three_retries_1_2_4() {
        let p = Policy::default();
        let d: Vec<_> = p.delays().collect();
        assert_eq!(d, default_delays());
        assert_eq!(p.worst_case(), Duration::from_secs(15 * 4 + 7));
    }

    #[test]
    fn last_delay_repeats_and_overrides_apply() {
        let p = Policy::default().with(Some(&SenderOverrides {
            retries: Some(5),
            retry_delays: Some(vec![Dur::from_millis(10), Dur::from_millis(20)]),
            ..Default::default()
        }));
        let d: Vec<_> = p.delays().map(|d| d.as_millis()).collect();
        assert_eq!(d, [10, 20, 20, 20, 20]);
        assert_eq!(p.timeout, DEFAULT_TIMEOUT);
    }

    #[test]
    fn zero_retries_means_one_attempt() {
        let p = Policy {
            retries: 0,
            ..Policy::default()
        };
        assert_eq!(p.delays().count(), 0);
    }
}
