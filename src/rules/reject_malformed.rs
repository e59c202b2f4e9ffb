//! `reject-malformed`: a body that is not JSON (or is empty) gets a 4xx.

use super::judge::{Context, Judged, answered_4xx};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};

pub const ID: &str = "reject-malformed";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Should,
    summary: "a body that is not JSON gets a 4xx",
    explain: Explain {
        does: "delivers a body that is not JSON and an empty body (sent once each, no retries)",
        passes: "each is answered 4xx: not 2xx, not 5xx, not a hang",
        why: "the page: \"ensure the stability of callback processing logic to avoid callback failures due to exceptions\". A 5xx says the receiver crashed on input; a 2xx says it accepted garbage",
        fix: "parse inside a try/except (or use the framework's parser, which answers 400) and answer 400 with a short reason",
    },
    whole_run: false,
    plan: Plan {
        phase: Phase::BadInput,
        needs: Needs::Nothing,
        rewrite: Rewrite::Nothing,
    },
    judge,
};

fn judge(ctx: &Context<'_>) -> Judged {
    answered_4xx(ctx, ID)
}
