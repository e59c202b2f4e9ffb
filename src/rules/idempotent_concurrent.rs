//! `idempotent-concurrent`: copies of one callback released at the same instant are processed once.

use super::compare::{Comparison, Expect, Watch};
use super::judge::{Context, Finding, Judged};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};
use crate::wire::Role;

pub const ID: &str = "idempotent-concurrent";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Must,
    summary: "copies arriving at once are processed once",
    explain: Explain {
        does: "delivers one task's callback once and observes its side effects; then releases 5 identical copies of another task's callback at the same instant and observes those",
        passes: "no copy is answered 5xx or left unanswered, every copy is answered 200, and the side effects of the burst equal those of the single delivery",
        why: "the page asks for idempotent processing, and a retry after a timeout arrives while the first attempt is still being processed. A check-then-insert without a lock or a unique constraint lets both through",
        fix: "make the database enforce it (unique index on task_id, insert first and treat a conflict as 'already done'), or take a per-task lock; an in-memory `if seen` check is not enough",
    },
    whole_run: false,
    plan: Plan {
        phase: Phase::WellFormed,
        needs: Needs::Nothing,
        rewrite: Rewrite::Nothing,
    },
    judge,
};

/// One delivery of a control task must act; a burst of copies of another task must do what
/// it did, the values the harness made up for each task set aside.
const COMPARISON: Comparison = Comparison {
    rule: ID,
    control: (Role::ControlBefore, Role::ControlAfter),
    judged: (Role::Before, Role::After),
    expect: Expect::AsControl,
    watch: Watch::Everything,
    control_is: "one delivery",
};

fn judge(ctx: &Context<'_>) -> Judged {
    if ctx.scenario(ID).is_none() {
        return Judged::new(Context::not_run(ID));
    }
    let c = match COMPARISON.run(ctx) {
        Ok(c) => c,
        Err(j) => return j,
    };
    let burst = c.deliveries.iter().filter(|d| d.concurrent).count();
    let finding = if c.held {
        Finding::Ok(format!(
            "{burst} concurrent copies had the effect of one ({})",
            c.judged.1.summary()
        ))
    } else {
        Finding::Bad(format!(
            "{burst} copies released together: {}; one delivery: {} (the ids, URLs and other values the harness made up for each task set aside)",
            c.judged.1.summary(),
            c.control.1.summary()
        ))
    };
    c.judged(finding)
}

#[cfg(test)]
mod tests {
    use crate::rules::Verdict;
    use crate::rules::testkit::{Step, assert_verdict, delivery, judge, run, seen, setup};
    use crate::wire::Role;

    fn burst(single: u64, after: u64) -> crate::rules::RuleResult {
        let mut copies: Vec<_> = (0..5)
            .map(|_| delivery("burst", "success", Some(200), 2.0))
            .collect();
        for (i, d) in copies.iter_mut().enumerate() {
            d.concurrent = true;
            d.copy = i as u32 + 1;
        }
        let r = run(vec![(
            super::ID,
            vec![
                Step::Seen(seen(Role::ControlBefore, "single", 0, None)),
                Step::Sent(vec![delivery("single", "success", Some(200), 2.0)]),
                Step::Seen(seen(Role::ControlAfter, "single", single, None)),
                Step::Seen(seen(Role::Before, "burst", 0, None)),
                Step::Sent(copies),
                Step::Seen(seen(Role::After, "burst", after, None)),
            ],
        )]);
        judge(super::ID, &r, &setup("video"))
    }

    #[test]
    fn a_burst_that_does_what_one_delivery_does_passes_only_when_one_delivery_did_something() {
        assert_verdict(
            &burst(1, 1),
            Verdict::Pass,
            "5 concurrent copies had the effect of one",
        );
        assert_verdict(
            &burst(0, 0),
            Verdict::Inconclusive,
            "one delivery changed nothing",
        );
        assert_verdict(&burst(1, 5), Verdict::Fail, "5 copies released together");
    }

    /// Issue 28: a receiver whose state echoes what it stored (per-task clip ids the harness
    /// made up) passes; one that really acted twice still fails.
    #[test]
    fn values_the_harness_made_up_for_each_task_are_not_taken_for_a_difference() {
        let body = |task: &str, clip: &str| {
            serde_json::json!({"code": 200, "data": {"task_id": format!("task_{task}"),
                "video_url": format!("http://127.0.0.1:9/{clip}.mp4"), "clip": clip}})
            .to_string()
        };
        let state = |task: &str, clip: &str, n: u32| {
            format!(
                r#"{{"task_id":"task_{task}","id":"{clip}","url":"http://127.0.0.1:9/{clip}.mp4","processed":{n}}}"#
            )
        };
        let judged = |burst_processed: u32| {
            let mut single = delivery("single", "success", Some(200), 2.0);
            single.request.body = body("single", "6512e3f7-e067");
            let copies: Vec<_> = (0..5)
                .map(|i| {
                    let mut d = delivery("burst", "success", Some(200), 2.0);
                    d.request.body = body("burst", "c4f33c6a-c94f");
                    d.concurrent = true;
                    d.copy = i + 1;
                    d
                })
                .collect();
            let r = run(vec![(
                super::ID,
                vec![
                    Step::Seen(seen(
                        Role::ControlBefore,
                        "single",
                        0,
                        Some(r#"{"status":404}"#),
                    )),
                    Step::Sent(vec![single]),
                    Step::Seen(seen(
                        Role::ControlAfter,
                        "single",
                        1,
                        Some(&state("single", "6512e3f7-e067", 1)),
                    )),
                    Step::Seen(seen(Role::Before, "burst", 0, Some(r#"{"status":404}"#))),
                    Step::Sent(copies),
                    Step::Seen(seen(
                        Role::After,
                        "burst",
                        1,
                        Some(&state("burst", "c4f33c6a-c94f", burst_processed)),
                    )),
                ],
            )]);
            judge(super::ID, &r, &setup("video"))
        };
        assert_verdict(&judged(1), Verdict::Pass, "had the effect of one");
        assert_verdict(&judged(2), Verdict::Fail, "5 copies released together");
    }
}
