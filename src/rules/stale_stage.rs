//! `stale-stage`: a stage that arrives after `complete` (a late retry) changes nothing.

use super::compare::{Comparison, Expect, Watch};
use super::judge::{Context, Finding, Judged, before_judging};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};
use crate::wire::Role;

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

/// `complete` must act; the late `first` after it must change nothing.
const COMPARISON: Comparison = Comparison {
    rule: ID,
    control: (Role::Before, Role::Acted),
    judged: (Role::Acted, Role::After),
    expect: Expect::Unchanged,
    watch: Watch::Everything,
    control_is: "complete itself",
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
            "the late first changed nothing ({})",
            c.judged.1.summary()
        ))
    } else {
        Finding::Bad(format!(
            "the late first changed the finished task: after complete {}; after the late first {}",
            c.judged.0.summary(),
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

    fn stale(before: u64, done: u64, after: u64) -> crate::rules::RuleResult {
        let ok = |stage| Step::Sent(vec![delivery("late", stage, Some(200), 2.0)]);
        let r = run(vec![(
            super::ID,
            vec![
                ok("text"),
                Step::Seen(seen(Role::Before, "late", before, None)),
                ok("complete"),
                Step::Seen(seen(Role::Acted, "late", done, None)),
                ok("first"),
                Step::Seen(seen(Role::After, "late", after, None)),
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
