//! `tolerate-extra-fields`: unknown fields in the body are ignored.

use super::judge::{Context, Judged, answered_200};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};

pub const ID: &str = "tolerate-extra-fields";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Should,
    summary: "unknown fields are ignored",
    explain: Explain {
        does: "delivers a success callback with extra fields at the top level and inside `data`",
        passes: "it is still answered 200",
        why: "the provider's callbacks grow: its other families add `callbackType`, `source_*` URLs and more. A receiver that refuses unknown fields breaks the day a field is added",
        fix: "read the fields you need and ignore the rest; drop `additionalProperties: false`, `deny_unknown_fields` or strict serializer settings on the callback model",
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
        "answered 200 to a body with unknown fields",
        "; unknown fields should be ignored",
    )
}
