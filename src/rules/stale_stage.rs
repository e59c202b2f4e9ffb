//! `stale-stage`: a stage that arrives after `complete` (a late retry) changes nothing.

use super::judge::{
    Context, Finding, Judged, OBSERVE_HINT, before_judging, first_and_more, not_200,
};
use super::{Explain, Level, Rule};

pub const ID: &str = "stale-stage";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Should,
    summary: "a late stage never overwrites a later one",
    explain: Explain {
        does: "delivers `text` and `complete` for a task, then its `first` (a retry that arrives late)",
        passes: "the late `first` is answered 200 and changes nothing the receiver shows",
        why: "deliveries are retried after timeouts, so a task's stages can arrive out of order. A receiver that applies every stage as it comes moves a finished task back to half done",
        fix: "keep the task's stage and ignore a callback whose callbackType is earlier than it (text < first < complete); still answer 200",
    },
    whole_run: false,
    judge,
};

fn judge(ctx: &Context<'_>) -> Judged {
    if let Some(j) = before_judging(ctx, ID, ctx.family.staged(), "sends one callback per task") {
        return j;
    }
    let ds = ctx.deliveries(ID);
    let (Some(done), Some(after)) = (
        ctx.observation(ID, "done"),
        ctx.observation(ID, "after_late"),
    ) else {
        return Judged::new(Finding::Inconclusive(
            "the scenario did not keep `done` and `after_late`".into(),
        ));
    };
    let observations = vec![done.clone(), after.clone()];
    let bad = not_200(&ds);
    let finding = if !bad.is_empty() {
        Finding::Bad(first_and_more(&bad))
    } else if !ctx.probe && done.downloads.completed == 0 {
        Finding::Inconclusive(format!("nothing shows the task's state; {OBSERVE_HINT}"))
    } else if !after.same_effects(&done) {
        Finding::Bad(format!(
            "the late first changed the finished task: after complete {}; after the late first {}",
            done.summary(),
            after.summary()
        ))
    } else {
        Finding::Ok(format!(
            "the late first changed nothing ({})",
            after.summary()
        ))
    };
    Judged {
        finding,
        deliveries: ds,
        observations,
    }
}
