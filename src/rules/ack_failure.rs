//! `ack-failure`: failure callbacks, with each code the family documents, are answered HTTP 200.

use super::judge::{Context, Finding, Judged, first_and_more, not_200};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};

pub const ID: &str = "ack-failure";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Must,
    summary: "failure callbacks, with each code the family documents, are answered HTTP 200",
    explain: Explain {
        does: "delivers a well-formed failure callback for each code ({codes}), as the family's failure body gives them",
        passes: "each is answered HTTP 200 on the first attempt",
        why: "a failed task is not a failed delivery. The page sends failures to the same URL and expects 200 for every callback; answering 500 makes the sender retry a callback that was received fine, and after 3 retries it gives up (the task is then marked CALLBACK_EXCEPTION)",
        fix: "record the failure (code, msg) and answer 200; never mirror the callback's `code` into the HTTP status",
    },
    whole_run: false,
    plan: Plan {
        phase: Phase::WellFormed,
        needs: Needs::Nothing,
        rewrite: Rewrite::EveryFailureCode,
    },
    judge,
};

fn judge(ctx: &Context<'_>) -> Judged {
    if ctx.scenario(ID).is_none() {
        return Judged::new(Context::not_run(ID));
    }
    let ds = ctx.deliveries(ID);
    if ds.is_empty() {
        return Judged::new(Finding::Inconclusive(
            "no failure callback was delivered".into(),
        ));
    }
    let bad = not_200(&ds);
    let finding = if bad.is_empty() {
        // `failure 451`, or `error 400` for a staged family: the code is the last word.
        let codes: Vec<_> = ds
            .iter()
            .map(|d| {
                d.template
                    .rsplit(' ')
                    .next()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        let kind = if ctx.setup.family.error_stage {
            "error callbacks"
        } else {
            "failure callbacks"
        };
        Finding::Ok(format!(
            "answered 200 to {kind} with code {}",
            codes.join(", ")
        ))
    } else {
        Finding::Bad(first_and_more(&bad) + "; a failed task is still a delivered callback")
    };
    Judged::with(finding, ds)
}
