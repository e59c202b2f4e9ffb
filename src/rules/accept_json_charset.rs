//! `accept-json-charset`: `application/json; charset=utf-8` is accepted like `application/json`.

use super::judge::{Context, Judged, answered_200};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};

pub const ID: &str = "accept-json-charset";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Should,
    summary: "`application/json; charset=utf-8` is accepted",
    explain: Explain {
        does: "delivers a success callback with `Content-Type: application/json; charset=utf-8`",
        passes: "it is still answered 200",
        why: "the page says the content type is application/json; many HTTP clients add a charset parameter, and a proxy may too. Comparing the whole header string refuses a valid callback",
        fix: "compare the media type only (the part before `;`), case-insensitively, or let your framework's JSON body parser decide",
    },
    whole_run: false,
    plan: Plan {
        phase: Phase::WellFormed,
        needs: Needs::Nothing,
        rewrite: Rewrite::Nothing,
    },
    judge,
};

fn judge(ctx: &Context<'_>) -> Judged {
    answered_200(
        ctx,
        ID,
        "answered 200 with a charset parameter on the content type",
        "; compare the media type, not the whole header",
    )
}
