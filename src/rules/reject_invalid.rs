//! `reject-invalid`: JSON that lacks required fields, or has them with the wrong type, gets a 4xx.

use super::judge::{Context, Judged, answered_4xx};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};

pub const ID: &str = "reject-invalid";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Should,
    summary: "JSON missing required fields gets a 4xx",
    explain: Explain {
        does: "delivers JSON without `data`, without `data.task_id`, and with `code` as a string (sent once each, no retries)",
        passes: "each is answered 4xx",
        why: "`code`, `msg` and `data.task_id` are required by the page. The page's own Node example reads `data.task_id` without a check and throws on a body without `data`: a 500, or worse, a crashed process",
        fix: "validate the body against the documented shape before using it (a schema, a typed model) and answer 400 or 422 when it does not match",
    },
    whole_run: false,
    plan: Plan {
        phase: Phase::BadInput,
        needs: Needs::Nothing,
        rewrite: Rewrite::TaskIdWhereTheFamilyKeepsIt,
    },
    judge,
};

fn judge(ctx: &Context<'_>) -> Judged {
    answered_4xx(ctx, ID)
}
