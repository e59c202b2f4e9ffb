//! `idempotent-concurrent`: copies of one callback released at the same instant are processed once.

use super::judge::{Context, Finding, Judged, first_and_more, normalized};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};

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

fn judge(ctx: &Context<'_>) -> Judged {
    if ctx.scenario(ID).is_none() {
        return Judged::new(Context::not_run(ID));
    }
    let all = ctx.deliveries(ID);
    let burst: Vec<_> = all.iter().filter(|d| d.concurrent).cloned().collect();
    let obs = |n| ctx.observation(ID, n);
    let (Some(single_before), Some(single), Some(burst_after)) =
        (obs("single_before"), obs("single"), obs("burst"))
    else {
        return Judged::new(Finding::Inconclusive(
            "the scenario did not keep the observations `single_before`, `single` and `burst`"
                .into(),
        ));
    };
    let observations = vec![single_before.clone(), single.clone(), burst_after.clone()];
    let bad: Vec<_> = burst
        .iter()
        .filter_map(|d| {
            let a = d.attempts.first()?;
            (a.status != Some(200)).then(|| (d, crate::wire::describe(a)))
        })
        .collect();
    let finding = if !bad.is_empty() {
        Finding::Bad(first_and_more(&bad))
    } else if !(single.settled && burst_after.settled) {
        Finding::Inconclusive("the side effects never settled; raise --max-wait or --settle".into())
    } else if single.same_effects(&single_before) {
        Finding::Inconclusive(format!(
            "one delivery changed nothing the harness can observe ({}); {}",
            single.summary(),
            super::judge::observe_hint(ctx.setup)
        ))
    } else if normalized(&burst_after) != normalized(&single) {
        Finding::Bad(format!(
            "{} copies released together: {}; one delivery: {}",
            burst.len(),
            burst_after.summary(),
            single.summary()
        ))
    } else {
        Finding::Ok(format!(
            "{} concurrent copies had the effect of one ({})",
            burst.len(),
            burst_after.summary()
        ))
    };
    Judged {
        finding,
        deliveries: all,
        observations,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::Verdict;
    use crate::rules::testkit::{Step, assert_verdict, delivery, judge, run, seen, setup};

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
                Step::Seen(seen("single_before", "single", 0, None)),
                Step::Sent(vec![delivery("single", "success", Some(200), 2.0)]),
                Step::Seen(seen("single", "single", single, None)),
                Step::Seen(seen("burst_before", "burst", 0, None)),
                Step::Sent(copies),
                Step::Seen(seen("burst", "burst", after, None)),
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
}
