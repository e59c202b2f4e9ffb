//! `record-failure`: a failure callback leaves a trace: the task is recorded as failed.

use super::judge::{Context, Finding, Judged, first_and_more, not_200};
use super::{Explain, Level, Needs, Phase, Plan, Rule};
use crate::outcome::Observation;

pub const ID: &str = "record-failure";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Should,
    summary: "a failure callback is recorded",
    explain: Explain {
        does: "delivers a success callback for one task and a failure callback (the `error` stage for staged families) for another, probing each before and after",
        passes: "the failure changes what the probe shows for its task. Inconclusive without a probe (downloads cannot show a failure being recorded) or when the success changes nothing the probe shows either",
        why: "a failed task gets no other callback. A receiver that answers 200 and drops it leaves its user waiting on a task that will never finish",
        fix: "store the failure (code, msg) on the task and tell whoever waits on it; then answer 200",
    },
    whole_run: false,
    plan: Plan {
        phase: Phase::WellFormed,
        needs: Needs::Nothing,
        rewrite: None,
    },
    judge,
};

/// The probes alone: downloads say nothing about a failure.
fn probed_same(a: &Observation, b: &Observation) -> bool {
    a.probe_http == b.probe_http && a.probe_cmd == b.probe_cmd
}

fn judge(ctx: &Context<'_>) -> Judged {
    if ctx.scenario(ID).is_none() {
        return Judged::new(Context::not_run(ID));
    }
    let ds = ctx.deliveries(ID);
    if !ctx.probe {
        return Judged::with(
            Finding::Inconclusive(
                "downloads cannot show a failure being recorded; pass --probe-url URL/{task_id} (a GET that shows what the receiver stored) or --probe-cmd".into(),
            ),
            ds,
        );
    }
    let obs = |n| ctx.observation(ID, n);
    let (Some(ob), Some(oa), Some(fb), Some(fa)) = (
        obs("ok_before"),
        obs("ok_after"),
        obs("failed_before"),
        obs("failed_after"),
    ) else {
        return Judged::new(Finding::Inconclusive(
            "the scenario did not keep its four observations".into(),
        ));
    };
    let observations = vec![ob.clone(), oa.clone(), fb.clone(), fa.clone()];
    let bad = not_200(&ds);
    let finding = if !bad.is_empty() {
        Finding::Bad(first_and_more(&bad))
    } else if probed_same(&oa, &ob) {
        Finding::Inconclusive(format!(
            "the success callback changed nothing the probe shows either ({}): the probe does not show what the receiver stores",
            oa.summary()
        ))
    } else if probed_same(&fa, &fb) {
        Finding::Bad(format!(
            "the failure callback changed nothing the probe shows ({}): the task's failure was not recorded",
            fa.summary()
        ))
    } else {
        Finding::Ok(format!("the failure was recorded ({})", fa.summary()))
    };
    Judged {
        finding,
        deliveries: ds,
        observations,
    }
}
