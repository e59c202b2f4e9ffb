//! `accept-documented-variants`: every variant of the body the provider's docs allow is
//! answered 200.

use super::judge::{Context, Judged, answered_200};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};

pub const ID: &str = "accept-documented-variants";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Should,
    summary: "every variant of the body the docs allow is accepted",
    explain: Explain {
        does: "delivers each documented variant of the family's bodies: the msg texts of both doc sets, source_* fields present and absent, createTime as a string and as epoch ms, MIDI start/end as numbers and strings, a text stage whose data.data is [] or null, the task id where the sibling docs put it (`suno-mock rules --family ID` lists them)",
        passes: "every variant is answered 200",
        why: "the provider's doc sets disagree on these details and its sender may send any of them. A receiver written against one example refuses the others, and a refused callback is retried and then lost",
        fix: "read only the fields you need, accept both spellings where the docs differ (a number or a string, a field present or absent, an empty or null list), and ignore the rest",
    },
    whole_run: false,
    plan: Plan {
        phase: Phase::WellFormed,
        needs: Needs::Nothing,
        rewrite: Rewrite::EveryVariant,
    },
    judge,
};

fn judge(ctx: &Context<'_>) -> Judged {
    answered_200(
        ctx,
        ID,
        &format!(
            "answered 200 to {} of the {} family",
            match ctx.setup.family.variants.len() {
                1 => "the one documented variant".to_string(),
                n => format!("all {n} documented variants"),
            },
            ctx.setup.family.id
        ),
        ": a variant the provider's docs allow was refused",
    )
}
