//! What the harness is waiting on right now (answers in flight, a download it waits for), so a
//! long wait is never silent: the commands print it while nothing else is printed (issue 19).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::duration::{Dur, human};

/// Waits under way, shared by the sender and the observer of one run.
#[derive(Debug, Default)]
pub struct Activity {
    next: AtomicU64,
    waits: Mutex<BTreeMap<u64, Wait>>,
}

#[derive(Debug, Clone)]
struct Wait {
    /// `answer`: an attempt in flight; else what is awaited, said in full.
    what: Option<String>,
    since: Instant,
    up_to: Duration,
}

/// Ends its wait when dropped.
pub struct Waiting {
    activity: Arc<Activity>,
    id: u64,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.activity.lock().remove(&self.id);
    }
}

impl Activity {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Wait>> {
        self.waits.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn begin(self: &Arc<Self>, what: Option<String>, up_to: Duration) -> Waiting {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(
            id,
            Wait {
                what,
                since: Instant::now(),
                up_to,
            },
        );
        Waiting {
            activity: self.clone(),
            id,
        }
    }

    /// An attempt in flight, for at most its deadline.
    pub fn answer(self: &Arc<Self>, deadline: Duration) -> Waiting {
        self.begin(None, deadline)
    }

    /// Anything else: `what` reads after "waiting up to 10s for".
    pub fn other(self: &Arc<Self>, what: String, up_to: Duration) -> Waiting {
        self.begin(Some(what), up_to)
    }

    /// One line on what is awaited now, the longest-running wait first; `None` when nothing
    /// has been waited on for at least `min`.
    pub fn describe(&self, min: Duration) -> Option<String> {
        let waits: Vec<Wait> = self.lock().values().cloned().collect();
        let now = Instant::now();
        let mut parts = Vec::new();
        let answers: Vec<&Wait> = waits.iter().filter(|w| w.what.is_none()).collect();
        if let Some(oldest) = answers.iter().min_by_key(|w| w.since)
            && now - oldest.since >= min
        {
            parts.push(format!(
                "waiting for the receiver to answer {} attempt{} in flight (the oldest for {} of its {} deadline)",
                answers.len(),
                if answers.len() == 1 { "" } else { "s" },
                human(now - oldest.since),
                Dur(oldest.up_to)
            ));
        }
        for w in waits.iter().filter(|w| now - w.since >= min) {
            if let Some(what) = &w.what {
                parts.push(format!(
                    "waiting up to {} for {what} ({} so far)",
                    Dur(w.up_to),
                    human(now - w.since)
                ));
            }
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_what_is_awaited_and_forgets_it_when_done() {
        let a = Arc::new(Activity::default());
        assert_eq!(a.describe(Duration::ZERO), None);
        let w = a.answer(Duration::from_secs(15));
        let d = a.other(
            "a download of task_1's media".into(),
            Duration::from_secs(10),
        );
        let text = a.describe(Duration::ZERO).unwrap();
        assert!(
            text.starts_with("waiting for the receiver to answer 1 attempt in flight"),
            "{text}"
        );
        assert!(text.contains("of its 15s deadline"), "{text}");
        assert!(
            text.contains("waiting up to 10s for a download of task_1's media"),
            "{text}"
        );
        assert_eq!(
            a.describe(Duration::from_secs(3600)),
            None,
            "too recent to mention"
        );
        drop((w, d));
        assert_eq!(a.describe(Duration::ZERO), None);
    }
}
