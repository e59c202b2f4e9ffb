//! `record-failure`: a failure callback leaves a trace: the task is recorded as failed.

use super::compare::{Comparison, Expect, Watch};
use super::judge::{Context, Finding, Judged};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};
use crate::wire::Role;

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

/// A success callback must change what the probe shows (the control); a failure callback for
/// another task must too.
const COMPARISON: Comparison = Comparison {
    rule: ID,
    control: (Role::ControlBefore, Role::ControlAfter),
    judged: (Role::Before, Role::After),
    expect: Expect::Changed,
    watch: Watch::Probes,
    control_is: "the success callback",
};

fn judge(ctx: &Context<'_>) -> Judged {
    if ctx.scenario(ID).is_none() {
        return Judged::new(Context::not_run(ID));
    }
    if !ctx.setup.probe {
        return Judged::with(
            Finding::Inconclusive(
                "downloads cannot show a failure being recorded; pass --probe-url 'URL/{task_id}' (a GET that shows what the receiver stored for the task) or --probe-cmd 'CMD {task_id}' (say, its status in your database)".into(),
            ),
            ctx.deliveries(ID),
        );
    }
    let c = match COMPARISON.run(ctx) {
        Ok(c) => c,
        Err(j) => return j,
    };
    let finding = if c.held {
        Finding::Ok(format!(
            "the failure was recorded ({})",
            c.judged.1.summary()
        ))
    } else {
        Finding::Bad(format!(
            "the failure callback changed nothing the probe shows ({}): the task's failure was not recorded",
            c.judged.1.summary()
        ))
    };
    c.judged(finding)
}

#[cfg(test)]
mod tests {
    use crate::rules::Verdict;
    use crate::rules::testkit::{Step, assert_verdict, delivery, judge, run, seen, setup};
    use crate::wire::Role;

    fn recorded(ok_after: &str, failed_after: &str) -> crate::rules::RuleResult {
        let none = r#"{"processed":0}"#;
        let r = run(vec![(
            super::ID,
            vec![
                Step::Seen(seen(Role::ControlBefore, "ok", 0, Some(none))),
                Step::Sent(vec![delivery("ok", "success", Some(200), 2.0)]),
                Step::Seen(seen(Role::ControlAfter, "ok", 0, Some(ok_after))),
                Step::Seen(seen(Role::Before, "failed", 0, Some(none))),
                Step::Sent(vec![delivery("failed", "failure 500", Some(200), 2.0)]),
                Step::Seen(seen(Role::After, "failed", 0, Some(failed_after))),
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
            "the success callback changed nothing the probe shows",
        );
    }
}
