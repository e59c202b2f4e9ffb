//! `ack-deadline`: every answer to a well-formed callback arrives within the deadline (15 s).

use std::time::Duration;

use super::judge::{Context, Finding, Judged, what};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};
use crate::duration::Dur;
use crate::duration::human;
use crate::wire::ErrorClass;
use crate::wire::describe;

pub const ID: &str = "ack-deadline";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Must,
    summary: "every well-formed callback is answered within the deadline (15 s)",
    explain: Explain {
        does: "times every attempt of every well-formed callback in the run (its own scenario adds a few)",
        passes: "no attempt ran into the deadline",
        why: "the page: \"Server must respond within 15 seconds, otherwise it will be considered a timeout\". A timed-out delivery is retried, so a slow receiver gets duplicates and, after 3 retries, no callback at all",
        fix: "answer first, work later: store the body, answer 200, then download and process in a queue or background task",
    },
    whole_run: true,
    plan: Plan {
        phase: Phase::WellFormed,
        needs: Needs::Nothing,
        rewrite: Rewrite::Nothing,
    },
    judge,
};

fn judge(ctx: &Context<'_>) -> Judged {
    let ds: Vec<_> = ctx.well_formed().cloned().collect();
    if ds.is_empty() {
        return Judged::new(Finding::Inconclusive(
            "no well-formed callback was delivered".into(),
        ));
    }
    let attempts: usize = ds.iter().map(|d| d.attempts.len()).sum();
    // Connecting counts: the provider's deadline covers it too. A connection that never
    // came up within the deadline is as unanswered as an answer that never came.
    let past = |a: &crate::outcome::Attempt| {
        matches!(
            a.error,
            Some(ErrorClass::Timeout | ErrorClass::ConnectTimeout)
        )
    };
    let late: Vec<_> = ds
        .iter()
        .filter(|d| d.attempts.iter().any(past))
        .cloned()
        .collect();
    let deadline = Dur(ctx.setup.deadline);
    let all: Vec<&crate::outcome::Attempt> = ds.iter().flat_map(|d| d.attempts.iter()).collect();
    let (unanswered, why) = super::fast_ack::unmeasured(&all);
    let cut = all
        .iter()
        .filter(|a| a.error == Some(ErrorClass::Interrupted))
        .count();
    let silent = ds
        .iter()
        .filter(|d| d.attempts.iter().all(|a| a.status.is_none() && !past(a)))
        .count();
    let finding = match late.first() {
        None if unanswered > 0 && cut == unanswered => Finding::Inconclusive(format!(
            "{} of {attempts} attempts answered within {deadline}; {} cut by the interruption, so {} answer is unknown",
            attempts - unanswered,
            crate::wire::words::count(cut, "was", "were"),
            if cut == 1 { "its" } else { "their" }
        )),
        // A refused or closed connection is no answer at all, not a late one: which rules
        // that fails (ack-success, survive-bad-input) is theirs to say. A callback none of
        // whose attempts was answered was never timed, so "every callback within the
        // deadline" cannot be said of the run (a receiver killed mid-run).
        None if silent > 0 => Finding::Inconclusive(format!(
            "{silent} of {} well-formed callbacks got no answer at all ({why}), so whether the receiver answers them within {deadline} is unknown; the {} answered attempts were all within it",
            ds.len(),
            attempts - unanswered,
        )),
        None if unanswered > 0 => Finding::Ok(format!(
            "all {} answered attempts of {} well-formed callbacks answered within {deadline}; {} more got no answer at all ({why}) before a later attempt of the same callback was answered",
            attempts - unanswered,
            ds.len(),
            unanswered
        )),
        None => Finding::Ok(format!(
            "all {attempts} attempts of {} well-formed callbacks answered within {deadline}",
            ds.len()
        )),
        Some(d) => {
            let a = d
                .attempts
                .iter()
                .find(|a| past(a))
                .unwrap_or(&d.attempts[0]);
            // What the receiver controls, said apart from connecting (issue 19).
            let connecting = match (a.error, a.connect_ms) {
                (Some(ErrorClass::ConnectTimeout), _) => {
                    "; it never connected: the receiver did not accept the connection (a full listen queue, a firewall)".to_string()
                }
                (_, Some(c)) if c >= 1000.0 => format!(
                    "; {} of it went to connecting (the receiver's listen queue), not to its handler",
                    human(Duration::from_secs_f64(c / 1000.0))
                ),
                _ => String::new(),
            };
            Finding::Bad(format!(
                "{} went unanswered past the {deadline} deadline: attempt {} {}{}{connecting}",
                what(d),
                a.number,
                describe(a),
                if late.len() > 1 {
                    format!(" ({} deliveries in all)", late.len())
                } else {
                    String::new()
                }
            ))
        }
    };
    Judged::with(finding, late)
}

#[cfg(test)]
mod tests {
    use crate::rules::Verdict;
    use crate::rules::testkit::{Step, assert_verdict, delivery, judge, run, setup};
    use crate::wire::ErrorClass;

    fn with(classes: &[ErrorClass]) -> crate::rules::RuleResult {
        let mut ds: Vec<_> = (0..4)
            .map(|_| delivery("done", "success", Some(200), 20.0))
            .collect();
        for c in classes {
            let mut d = delivery("cut", "success", None, 4999.0);
            d.attempts[0].error = Some(*c);
            ds.push(d);
        }
        judge(
            super::ID,
            &run(vec![(super::ID, vec![Step::Sent(ds)])]),
            &setup("video"),
        )
    }

    #[test]
    fn all_answered_is_said_only_when_all_were() {
        assert_verdict(&with(&[]), Verdict::Pass, "all 4 attempts");
        assert_verdict(
            &with(&[ErrorClass::Interrupted]),
            Verdict::Inconclusive,
            "1 was cut by the interruption",
        );
        // Callbacks never answered at all were never timed: a dead receiver is no pass.
        let dead = with(&[ErrorClass::Refused, ErrorClass::Closed]);
        assert_verdict(
            &dead,
            Verdict::Inconclusive,
            "2 of 6 well-formed callbacks got no answer at all (1 closed, 1 refused)",
        );
        // A refused first attempt whose retry was answered in time is a pass, said apart.
        let mut d = delivery("retried", "success", Some(200), 20.0);
        let mut refused = d.attempts[0].clone();
        refused.status = None;
        refused.error = Some(ErrorClass::Refused);
        d.attempts.insert(0, refused);
        let retried = judge(
            super::ID,
            &run(vec![(super::ID, vec![Step::Sent(vec![d])])]),
            &setup("video"),
        );
        assert_verdict(
            &retried,
            Verdict::Pass,
            "1 more got no answer at all (1 refused) before a later attempt",
        );
        assert_verdict(
            &with(&[ErrorClass::Timeout]),
            Verdict::Fail,
            "past the 15s deadline",
        );
    }
}
