//! `ack-success`: a success callback is answered with exactly HTTP 200.

use super::judge::{Context, Finding, Judged, first_and_more, not_200};
use super::{Explain, Level, Rule};
use crate::wire::took;

pub const ID: &str = "ack-success";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Must,
    summary: "a success callback is answered HTTP 200",
    explain: Explain {
        does: "delivers a well-formed success callback (code 200, msg \"success\", a video_url on the harness's video host)",
        passes: "the first attempt is answered HTTP 200. Another 2xx (202, 204) fails too",
        why: "the provider's page: the server \"must respond within 15 seconds\" and its examples \"return 200 status code to confirm callback received\". A sender that checks for 200 treats 202 or 204 as a failed delivery and retries, so the same task arrives again and again",
        fix: "answer 200 as soon as the body is parsed and stored, before any other work; return `res.status(200)`, not 201/202/204",
    },
    whole_run: false,
    judge,
};

fn judge(ctx: &Context<'_>) -> Judged {
    let Some(_) = ctx.scenario(ID) else {
        return Judged::new(Context::not_run(ID));
    };
    let ds = ctx.deliveries(ID);
    if ds.is_empty() {
        return Judged::new(Finding::Inconclusive(
            "no success callback was delivered".into(),
        ));
    }
    let bad = not_200(&ds);
    let finding = if bad.is_empty() {
        Finding::Ok(format!("answered {}", took(&ds[0].attempts[0])))
    } else {
        let two_xx = bad.iter().any(|(d, _)| {
            d.attempts[0]
                .status
                .is_some_and(|s| (201..300).contains(&s))
        });
        let mut r = first_and_more(&bad);
        if two_xx {
            r.push_str("; the page asks for exactly 200, and a sender that checks for 200 retries on any other status");
        }
        Finding::Bad(r)
    };
    Judged::with(finding, ds)
}
