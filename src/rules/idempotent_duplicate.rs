//! `idempotent-duplicate`: a callback delivered again changes nothing.

use super::judge::{Context, Finding, Judged, first_and_more, not_200};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};

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

fn judge(ctx: &Context<'_>) -> Judged {
    if ctx.scenario(ID).is_none() {
        return Judged::new(Context::not_run(ID));
    }
    let ds = ctx.deliveries(ID);
    let obs = |n| ctx.observation(ID, n);
    let (Some(before), Some(first), Some(after)) = (obs("before"), obs("first"), obs("after"))
    else {
        return Judged::new(Finding::Inconclusive(
            "the scenario did not keep the observations `before`, `first` and `after`".into(),
        ));
    };
    let observations = vec![before.clone(), first.clone(), after.clone()];
    let bad = not_200(&ds);
    let finding = if !bad.is_empty() {
        Finding::Bad(first_and_more(&bad))
    } else if !(before.settled && first.settled && after.settled) {
        Finding::Inconclusive("the side effects never settled; raise --max-wait or --settle".into())
    } else if first.same_effects(&before) {
        Finding::Inconclusive(format!(
            "the first delivery changed nothing the harness can observe ({}); {}",
            first.summary(),
            super::judge::observe_hint(ctx.setup)
        ))
    } else if !after.same_effects(&first) {
        Finding::Bad(format!(
            "the duplicates changed the side effects: after the first delivery {}; after {} more copies {}",
            first.summary(),
            ds.len().saturating_sub(1),
            after.summary()
        ))
    } else {
        Finding::Ok(format!(
            "{} more copies changed nothing ({})",
            ds.len().saturating_sub(1),
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
                Step::Seen(seen("before", "dup", before, None)),
                sent(1),
                Step::Seen(seen("first", "dup", first, None)),
                sent(2),
                Step::Seen(seen("after", "dup", after, None)),
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
