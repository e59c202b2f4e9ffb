//! `stages-not-duplicates`: a task's `complete` after its `text` and `first` is processed,
//! not taken for a copy of them.

use super::compare::{Comparison, Expect, Watch};
use super::judge::{Context, Finding, Judged, before_judging};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};
use crate::wire::Role;

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

/// A control task's `complete` alone must act; the staged task's `complete` must change what
/// it shows too.
const COMPARISON: Comparison = Comparison {
    rule: ID,
    control: (Role::ControlBefore, Role::ControlAfter),
    judged: (Role::Before, Role::After),
    expect: Expect::Changed,
    watch: Watch::Everything,
    control_is: "the control task's complete",
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
    let c = match COMPARISON.run(ctx) {
        Ok(c) => c,
        Err(j) => return j,
    };
    let finding = if c.held {
        Finding::Ok(format!(
            "complete after text and first was processed ({})",
            c.judged.1.summary()
        ))
    } else {
        Finding::Bad(format!(
            "the staged task's complete changed nothing ({}), while the control's did ({}): after text and first, complete was taken for a duplicate",
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

    fn staged(control_after: u64, staged_after: u64) -> crate::rules::RuleResult {
        let ok = |task, stage| Step::Sent(vec![delivery(task, stage, Some(200), 2.0)]);
        let r = run(vec![(
            super::ID,
            vec![
                Step::Seen(seen(Role::ControlBefore, "control", 0, None)),
                ok("control", "complete"),
                Step::Seen(seen(Role::ControlAfter, "control", control_after, None)),
                ok("staged", "text"),
                ok("staged", "first"),
                Step::Seen(seen(Role::Before, "staged", 6, None)),
                ok("staged", "complete"),
                Step::Seen(seen(Role::After, "staged", staged_after, None)),
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
