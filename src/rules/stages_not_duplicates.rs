//! `stages-not-duplicates`: a task's `complete` after its `text` and `first` is processed,
//! not taken for a copy of them.

use super::judge::{Context, Finding, Judged, before_judging, first_and_more, not_200};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};

pub const ID: &str = "stages-not-duplicates";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Must,
    summary: "a task's later stages are not mistaken for duplicates of its earlier ones",
    explain: Explain {
        does: "delivers `complete` alone for a control task; delivers `text`, `first`, then `complete` for another task, observing before and after its `complete`",
        passes: "the staged task's `complete` changes what the receiver shows, as the control's did. Inconclusive when the control's `complete` changes nothing observable",
        why: "one music task sends up to three success callbacks with the same task_id (`data.callbackType` text, first, complete). A receiver that deduplicates by task_id alone processes `text` and drops the `complete` that carries the tracks",
        fix: "deduplicate by task_id and callbackType (a unique key on both), and let a later stage update the task",
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
    let (Some(cb), Some(ca), Some(sb), Some(sa)) = (
        obs("control_before"),
        obs("control_after"),
        obs("staged_before"),
        obs("staged_after"),
    ) else {
        return Judged::new(Finding::Inconclusive(
            "the scenario did not keep its four observations".into(),
        ));
    };
    let observations = vec![cb.clone(), ca.clone(), sb.clone(), sa.clone()];
    let bad = not_200(&ds);
    let finding = if !bad.is_empty() {
        Finding::Bad(first_and_more(&bad))
    } else if ca.same_effects(&cb) {
        Finding::Inconclusive(format!(
            "the control task's complete changed nothing the harness can observe ({}); {}",
            ca.summary(),
            super::judge::observe_hint(ctx.setup)
        ))
    } else if sa.same_effects(&sb) {
        Finding::Bad(format!(
            "the staged task's complete changed nothing ({}), while the control's did ({}): after text and first, complete was taken for a duplicate",
            sa.summary(),
            ca.summary()
        ))
    } else {
        Finding::Ok(format!(
            "complete after text and first was processed ({})",
            sa.summary()
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

    fn staged(control_after: u64, staged_after: u64) -> crate::rules::RuleResult {
        let ok = |task, stage| Step::Sent(vec![delivery(task, stage, Some(200), 2.0)]);
        let r = run(vec![(
            super::ID,
            vec![
                Step::Seen(seen("control_before", "control", 0, None)),
                ok("control", "complete"),
                Step::Seen(seen("control_after", "control", control_after, None)),
                ok("staged", "text"),
                ok("staged", "first"),
                Step::Seen(seen("staged_before", "staged", 6, None)),
                ok("staged", "complete"),
                Step::Seen(seen("staged_after", "staged", staged_after, None)),
            ],
        )]);
        judge(super::ID, &r, &setup("music"))
    }

    #[test]
    fn a_complete_taken_for_a_duplicate_fails_only_when_the_control_complete_acted() {
        assert_verdict(&staged(12, 18), Verdict::Pass, "was processed");
        assert_verdict(&staged(12, 6), Verdict::Fail, "taken for a duplicate");
        assert_verdict(
            &staged(0, 6),
            Verdict::Inconclusive,
            "the control task's complete changed nothing",
        );
    }
}
