//! `survive-bad-input`: after all the bad input, a well-formed callback is still answered.

use super::judge::{Context, Finding, Judged, what};
use super::{Explain, Level, Rule};
use crate::wire::Input;
use crate::wire::describe;

pub const ID: &str = "survive-bad-input";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Should,
    summary: "the receiver still works after bad input",
    explain: Explain {
        does: "after every bad-input and forged delivery of the run, delivers a well-formed success callback",
        passes: "it is answered 200 within the deadline",
        why: "a receiver that dies on a bad request loses every real callback after it, and the sender gives up after 3 retries",
        fix: "catch errors per request (an error handler or middleware that answers 4xx/5xx and keeps serving); run the receiver under a supervisor that restarts it",
    },
    whole_run: true,
    judge,
};

fn judge(ctx: &Context<'_>) -> Judged {
    let Some(s) = ctx.scenario(ID) else {
        return Judged::new(Context::not_run(ID));
    };
    let bad_before = ctx
        .run
        .scenarios
        .iter()
        .take_while(|x| !std::ptr::eq(*x, s))
        .flat_map(|x| x.deliveries())
        .filter(|d| d.input == Input::Bad)
        .count();
    let ds = ctx.deliveries(ID);
    let Some(d) = ds.first() else {
        return Judged::new(Finding::Inconclusive("nothing was delivered".into()));
    };
    if bad_before == 0 {
        return Judged::with(
            Finding::Inconclusive("no bad input was sent before it; run it together with reject-malformed and reject-invalid".into()),
            ds,
        );
    }
    let a = &d.attempts[0];
    let finding = if a.status == Some(200) {
        Finding::Ok(format!(
            "after {bad_before} bad deliveries, answered {}",
            crate::wire::took(a)
        ))
    } else {
        Finding::Bad(format!(
            "after {bad_before} bad deliveries, the {} {}: the receiver did not survive the bad input",
            what(d),
            describe(a)
        ))
    };
    Judged::with(finding, ds)
}
