//! What one callback exchange of `serve` or `record` shows against the contract, judged as soon as it ends
//! (the page's inline marks): a success or failure callback acknowledged with a 2xx
//! (`ack-success`, `ack-failure`), an answer within the deadline (`ack-deadline`) and within a
//! second (`fast-ack`). The rules that need more than one exchange (duplicates, side effects)
//! are `check`'s.

use std::time::Duration;

use crate::outcome::Attempt;
use crate::outcome::events::Mark;
use crate::outcome::verdict::Level;
use crate::wire::ErrorClass;

/// `fast-ack`'s limit on one answer (the rule's own is on the 95th percentile of a run).
const FAST: Duration = Duration::from_secs(1);

/// The marks of one attempt of a stage's callback. An edited body is no callback the provider
/// could send, so only its timing is judged.
pub fn judge(failure: bool, edited: bool, a: &Attempt, deadline: Duration) -> Vec<Mark> {
    let mut marks = Vec::new();
    let ms = a.answer_ms();
    match a.status {
        Some(status) => {
            let ok = (200..300).contains(&status);
            if !edited {
                let (rule, kind) = if failure {
                    ("ack-failure", "failure")
                } else {
                    ("ack-success", "success")
                };
                marks.push(mark(
                    rule,
                    ok,
                    format!("answered {status} to a {kind} callback"),
                ));
            }
            let within = ms <= deadline.as_secs_f64() * 1000.0;
            marks.push(mark(
                "ack-deadline",
                within,
                format!(
                    "answered in {} ({} allowed)",
                    took(ms),
                    crate::duration::human(deadline)
                ),
            ));
            let fast = ms <= FAST.as_secs_f64() * 1000.0;
            marks.push(mark(
                "fast-ack",
                fast,
                format!(
                    "answered in {}{}",
                    took(ms),
                    if fast { "" } else { ", over 1 s" }
                ),
            ));
        }
        None if a.error == Some(ErrorClass::Timeout) => marks.push(mark(
            "ack-deadline",
            false,
            format!("no answer within {}", crate::duration::human(deadline)),
        )),
        // Refused, reset...: the receiver was not there to judge.
        None => {}
    }
    marks
}

fn took(ms: f64) -> String {
    crate::duration::human(Duration::from_secs_f64(ms / 1000.0))
}

fn mark(rule: &'static str, passed: bool, reason: String) -> Mark {
    let found = crate::rules::find(rule);
    let level = found.map(|r| r.level).unwrap_or(Level::Must);
    let verdict = match (passed, level) {
        (true, _) => "pass",
        (false, Level::Must) => "fail",
        (false, _) => "warn",
    };
    Mark {
        rule: rule.to_string(),
        verdict: verdict.to_string(),
        reason,
        fix: (!passed)
            .then(|| found.map(|r| r.explain.fix.to_string()))
            .flatten(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(status: u16, ms: f64) -> Attempt {
        Attempt {
            number: 1,
            duration_ms: ms,
            status: Some(status),
            accepted: (200..300).contains(&status),
            ..Attempt::default()
        }
    }

    fn verdict(marks: &[Mark], rule: &str) -> Option<String> {
        marks
            .iter()
            .find(|m| m.rule == rule)
            .map(|m| m.verdict.clone())
    }

    #[test]
    fn a_500_to_a_failure_callback_is_marked_with_its_fix() {
        let marks = judge(true, false, &answered(500, 3.0), Duration::from_secs(15));
        let m = marks.iter().find(|m| m.rule == "ack-failure").unwrap();
        assert_eq!(m.verdict, "fail");
        assert_eq!(m.reason, "answered 500 to a failure callback");
        assert!(m.fix.as_deref().is_some_and(|f| !f.is_empty()));
        assert_eq!(verdict(&marks, "ack-success"), None);
        assert_eq!(verdict(&marks, "ack-deadline").as_deref(), Some("pass"));
    }

    #[test]
    fn a_slow_answer_warns_fast_ack_and_a_timeout_fails_the_deadline() {
        let slow = judge(
            false,
            false,
            &answered(200, 1500.0),
            Duration::from_secs(15),
        );
        assert_eq!(verdict(&slow, "ack-success").as_deref(), Some("pass"));
        assert_eq!(verdict(&slow, "fast-ack").as_deref(), Some("warn"));
        let mut timeout = answered(200, 15_000.0);
        timeout.status = None;
        timeout.error = Some(ErrorClass::Timeout);
        let marks = judge(false, false, &timeout, Duration::from_secs(15));
        assert_eq!(verdict(&marks, "ack-deadline").as_deref(), Some("fail"));
        assert_eq!(marks.len(), 1);
    }

    #[test]
    fn an_edited_body_is_judged_on_its_timing_alone() {
        let marks = judge(false, true, &answered(400, 2.0), Duration::from_secs(15));
        assert_eq!(verdict(&marks, "ack-success"), None);
        assert_eq!(verdict(&marks, "ack-deadline").as_deref(), Some("pass"));
    }
}
