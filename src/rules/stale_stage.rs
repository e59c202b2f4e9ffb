//! `stale-stage`: a stage that arrives after `complete` (a late retry) changes nothing.

use super::judge::{Context, Finding, Judged, before_judging, first_and_more, not_200};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};

pub const ID: &str = "stale-stage";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Should,
    summary: "a late stage never overwrites a later one",
    explain: Explain {
        does: "delivers `text` and `complete` for a task, observing before and after `complete`, then its `first` (a retry that arrives late)",
        passes: "the late `first` is answered 200 and changes nothing the receiver shows, on a receiver seen to act on `complete` (the control). Inconclusive when `complete` itself changed nothing observable: then a late `first` that changes nothing proves nothing",
        why: "deliveries are retried after timeouts, so a task's stages can arrive out of order. A receiver that applies every stage as it comes moves a finished task back to half done",
        fix: "keep the task's stage and ignore a callback whose callbackType is earlier than it (text < first < complete); still answer 200",
    },
    whole_run: false,
    plan: Plan {
        phase: Phase::WellFormed,
        needs: Needs::Stages,
        rewrite: Rewrite::Nothing,
    },
    judge,
};

fn judge(ctx: &Context<'_>) -> Judged {
    if let Some(j) = before_judging(
        ctx,
        ID,
        ctx.setup.family.staged(),
        "sends one callback per task",
    ) {
        return j;
    }
    let ds = ctx.deliveries(ID);
    let obs = |n| ctx.observation(ID, n);
    let (Some(before), Some(done), Some(after)) =
        (obs("before_complete"), obs("done"), obs("after_late"))
    else {
        return Judged::new(Finding::Inconclusive(
            "the scenario did not keep `before_complete`, `done` and `after_late`".into(),
        ));
    };
    let observations = vec![before.clone(), done.clone(), after.clone()];
    let bad = not_200(&ds);
    let finding = if !bad.is_empty() {
        Finding::Bad(first_and_more(&bad))
    } else if !(before.settled && done.settled && after.settled) {
        Finding::Inconclusive("the side effects never settled; raise --max-wait or --settle".into())
    } else if done.same_effects(&before) {
        Finding::Inconclusive(format!(
            "complete itself changed nothing the harness can observe ({}), so a late first that changes nothing proves nothing (if complete should have changed something, stages-not-duplicates says why it did not); {}",
            done.summary(),
            super::judge::observe_hint(ctx.setup)
        ))
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

#[cfg(test)]
mod tests {
    use crate::rules::Verdict;
    use crate::rules::testkit::{Step, assert_verdict, delivery, judge, run, seen, setup};

    fn stale(before: u64, done: u64, after: u64) -> crate::rules::RuleResult {
        let ok = |stage| Step::Sent(vec![delivery("late", stage, Some(200), 2.0)]);
        let r = run(vec![(
            super::ID,
            vec![
                ok("text"),
                Step::Seen(seen("before_complete", "late", before, None)),
                ok("complete"),
                Step::Seen(seen("done", "late", done, None)),
                ok("first"),
                Step::Seen(seen("after_late", "late", after, None)),
            ],
        )]);
        judge(super::ID, &r, &setup("music"))
    }

    #[test]
    fn a_late_first_that_changes_nothing_passes_only_after_complete_was_seen_to_act() {
        assert_verdict(
            &stale(0, 12, 12),
            Verdict::Pass,
            "the late first changed nothing",
        );
        // dedup-by-task: complete was dropped, so nothing could have changed (issue 19).
        assert_verdict(
            &stale(0, 0, 0),
            Verdict::Inconclusive,
            "complete itself changed nothing",
        );
        assert_verdict(
            &stale(0, 12, 18),
            Verdict::Warn,
            "changed the finished task",
        );
    }
}
