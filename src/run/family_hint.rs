//! The family hint (issue 19): a receiver that refuses most well-formed callbacks with a 4xx
//! was most likely given the wrong `--family`, or wants an auth the run did not declare. The
//! run says which, instead of `answered 422` on every rule and nothing else.

use std::time::Duration;

use super::deliver::{Target, TaskRef, deliver};
use super::engine::Engine;
use crate::family::{CATALOGUE, Family};
use crate::outcome::{Delivery, RunOutcome, usual_answer};
use crate::scenario::{DeliverStep, Template};
use crate::sender::Policy;

/// The longest a hint's own delivery may take.
const HINT_DEADLINE: Duration = Duration::from_secs(5);

/// The genuine well-formed deliveries of the run with an answer, and how many of them were
/// refused with a 4xx; `None` unless that is more than half of them.
fn mostly_refused(run: &RunOutcome) -> Option<(Vec<&Delivery>, Vec<&Delivery>)> {
    let answered: Vec<&Delivery> = run
        .deliveries()
        .filter(|d| d.genuine() && d.first_status().is_some())
        .collect();
    let refused: Vec<&Delivery> = answered
        .iter()
        .copied()
        .filter(|d| d.first_status().is_some_and(|s| (400..500).contains(&s)))
        .collect();
    (refused.len() * 2 > answered.len()).then_some((answered, refused))
}

impl Engine {
    /// What the run suggests about its own set-up, when the receiver refused most of its
    /// well-formed callbacks with a 4xx. To name a family it delivers one success callback of
    /// every other family (a task id of its own, no retries) and names those accepted.
    pub async fn family_hint(&self, family: &'static Family, run: &RunOutcome) -> Option<String> {
        let (answered, refused) = mostly_refused(run)?;
        let status = usual_answer(refused.iter().copied())
            .flatten()
            .unwrap_or_default();
        let share = format!(
            "the receiver refused {} of the {} well-formed {} callbacks with a 4xx (mostly {status})",
            refused.len(),
            answered.len(),
            family.id
        );
        if matches!(status, 401 | 403) {
            return Some(format!(
                "{share}: it wants the provider to authenticate; if it checks a signature pass --hmac-key KEY, if its URL carries a secret pass --token-param NAME"
            ));
        }
        let mut takes = Vec::new();
        for other in CATALOGUE.iter().filter(|f| f.id != family.id) {
            if self.accepts(other).await {
                takes.push(other.id);
            }
        }
        Some(match takes.as_slice() {
            [] => format!(
                "{share}, and refused a success callback of every other family too: check what it validates (the reasons it gave are in the evidence)"
            ),
            [one] => format!(
                "{share}; this receiver looks like it takes {one} callbacks: pass `--family {one}`"
            ),
            several if several.len() + 1 == CATALOGUE.len() => format!(
                "{share}, but accepted a success callback of every other family: check what it validates for {} callbacks",
                family.id
            ),
            several => format!(
                "{share}; this receiver looks like it takes {} callbacks: pass `--family {}` (or one of the others)",
                several.join(" or "),
                several[0]
            ),
        })
    }

    /// Whether the receiver answers one success callback of `family` with a 2xx.
    async fn accepts(&self, family: &'static Family) -> bool {
        let task_id = format!(
            "hint-{}-{:08x}",
            family.id,
            self.cfg.seed.wrapping_mul(0x9e37_79b9) as u32
        );
        let step = DeliverStep::new(Template::Success, "hint");
        let media = |kind, slot: &str| self.host.media_url(&task_id, kind, slot);
        let task = TaskRef {
            family,
            id: &task_id,
            media: &media,
            media_host: self.host.base_url(),
        };
        let target = Target {
            receiver: &self.cfg.receiver,
            token_param: self.cfg.token_param.as_deref(),
        };
        let policy = Policy {
            timeout: HINT_DEADLINE.min(self.cfg.policy.timeout),
            retries: 0,
            ..self.cfg.policy.clone()
        };
        match deliver(&self.sender, &target, &step, &task, &policy, None).await {
            Ok(ds) => ds.iter().any(|d| {
                d.attempts
                    .first()
                    .and_then(|a| a.status)
                    .is_some_and(|s| (200..300).contains(&s))
            }),
            Err(_) => false,
        }
    }
}
