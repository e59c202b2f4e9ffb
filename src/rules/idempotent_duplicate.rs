//! `idempotent-duplicate`: a callback delivered again changes nothing.

use super::compare::{Comparison, Expect, Watch};
use super::judge::{Context, Finding, Judged};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};
use crate::wire::Role;

pub const ID: &str = "idempotent-duplicate";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Must,
    summary: "a repeated callback changes nothing",
    explain: Explain {
        does: "delivers a success callback, waits for side effects to settle, then delivers the identical callback twice more",
        passes: "every copy is answered 200 and the observed side effects (downloads, probes) after the copies equal those after the first",
        why: "the page: \"The same task_id may receive multiple callbacks, ensure processing logic is idempotent\". Retries after a timeout deliver callbacks the receiver already processed",
        fix: "key the work on task_id: insert with a unique constraint (or `INSERT ... ON CONFLICT DO NOTHING`) and skip the work when the row already existed; still answer 200",
    },
    whole_run: false,
    plan: Plan {
        phase: Phase::WellFormed,
        needs: Needs::Nothing,
        rewrite: Rewrite::Nothing,
    },
    judge,
};

/// The first delivery must act; the copies after it must change nothing.
const COMPARISON: Comparison = Comparison {
    rule: ID,
    control: (Role::Before, Role::Acted),
    judged: (Role::Acted, Role::After),
    expect: Expect::Unchanged,
    watch: Watch::Everything,
    control_is: "the first delivery",
};

fn judge(ctx: &Context<'_>) -> Judged {
    if ctx.scenario(ID).is_none() {
        return Judged::new(Context::not_run(ID));
    }
    let c = match COMPARISON.run(ctx) {
        Ok(c) => c,
        Err(j) => return j,
    };
    let copies = c.deliveries.len().saturating_sub(1);
    let finding = if c.held {
        Finding::Ok(format!(
            "{copies} more copies changed nothing ({})",
            c.judged.1.summary()
        ))
    } else {
        Finding::Bad(format!(
            "the duplicates changed the side effects: after the first delivery {}; after {copies} more copies {}",
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

    fn dup(before: u64, first: u64, after: u64) -> crate::rules::RuleResult {
        let sent = |n| {
            Step::Sent(
                (0..n)
                    .map(|_| delivery("dup", "success", Some(200), 2.0))
                    .collect(),
            )
        };
        let r = run(vec![(
            super::ID,
            vec![
                Step::Seen(seen(Role::Before, "dup", before, None)),
                sent(1),
                Step::Seen(seen(Role::Acted, "dup", first, None)),
                sent(2),
                Step::Seen(seen(Role::After, "dup", after, None)),
            ],
        )]);
        judge(super::ID, &r, &setup("video"))
    }

    #[test]
    fn duplicates_that_change_nothing_pass_only_after_the_first_delivery_was_seen_to_act() {
        assert_verdict(
            &dup(0, 1, 1),
            Verdict::Pass,
            "2 more copies changed nothing",
        );
        assert_verdict(
            &dup(0, 0, 0),
            Verdict::Inconclusive,
            "the first delivery changed nothing",
        );
        assert_verdict(
            &dup(0, 1, 3),
            Verdict::Fail,
            "the duplicates changed the side effects",
        );
    }
}
