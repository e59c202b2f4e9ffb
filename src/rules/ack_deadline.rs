//! `ack-deadline`: every answer to a well-formed callback arrives within the deadline (15 s).

use super::judge::{Context, Finding, Judged, what};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};
use crate::duration::Dur;
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
    let late: Vec<_> = ds
        .iter()
        .filter(|d| {
            d.attempts
                .iter()
                .any(|a| a.error == Some(ErrorClass::Timeout))
        })
        .cloned()
        .collect();
    let deadline = Dur(ctx.deadline);
    let finding = match late.first() {
        None => Finding::Ok(format!(
            "all {attempts} attempts of {} well-formed callbacks answered within {deadline}",
            ds.len()
        )),
        Some(d) => {
            let a = d
                .attempts
                .iter()
                .find(|a| a.error == Some(ErrorClass::Timeout))
                .unwrap_or(&d.attempts[0]);
            Finding::Bad(format!(
                "{} went unanswered past the {deadline} deadline: attempt {} {}{}",
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
