//! `record-failure`: a failure callback leaves a trace: the task is recorded as failed.

use super::judge::{Context, Finding, Judged, first_and_more, not_200};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};
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
        rewrite: Rewrite::Nothing,
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
    if !ctx.setup.probe {
        return Judged::with(
            Finding::Inconclusive(
                "downloads cannot show a failure being recorded; pass --probe-url 'URL/{task_id}' (a GET that shows what the receiver stored for the task) or --probe-cmd 'CMD {task_id}' (say, its status in your database)".into(),
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

#[cfg(test)]
mod tests {
    use crate::rules::Verdict;
    use crate::rules::testkit::{Step, assert_verdict, delivery, judge, run, seen, setup};

    fn recorded(ok_after: &str, failed_after: &str) -> crate::rules::RuleResult {
        let none = r#"{"processed":0}"#;
        let r = run(vec![(
            super::ID,
            vec![
                Step::Seen(seen("ok_before", "ok", 0, Some(none))),
                Step::Sent(vec![delivery("ok", "success", Some(200), 2.0)]),
                Step::Seen(seen("ok_after", "ok", 0, Some(ok_after))),
                Step::Seen(seen("failed_before", "failed", 0, Some(none))),
                Step::Sent(vec![delivery("failed", "failure 500", Some(200), 2.0)]),
                Step::Seen(seen("failed_after", "failed", 0, Some(failed_after))),
            ],
        )]);
        judge(super::ID, &r, &setup("video"))
    }

    #[test]
    fn a_failure_recorded_passes_only_when_the_probe_shows_a_success_being_recorded() {
        let stored = r#"{"processed":1}"#;
        let none = r#"{"processed":0}"#;
        assert_verdict(
            &recorded(stored, stored),
            Verdict::Pass,
            "the failure was recorded",
        );
        assert_verdict(&recorded(stored, none), Verdict::Warn, "was not recorded");
        assert_verdict(
            &recorded(none, none),
            Verdict::Inconclusive,
            "the probe does not show",
        );
    }
}
