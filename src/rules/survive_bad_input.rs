//! `survive-bad-input`: after all the bad input, a well-formed callback is still answered.

use super::judge::{Context, Finding, Judged, what};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};
use crate::wire::Input;
use crate::wire::describe;

pub const ID: &str = "survive-bad-input";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Should,
    summary: "the receiver still works after bad input",
    explain: Explain {
        does: "after every bad-input and forged delivery of the run, delivers a well-formed success callback",
        passes: "it is answered 200 within the deadline",
        why: "a receiver that dies on a bad request loses every real callback after it, and the sender gives up after 3 retries",
        fix: "catch errors per request (an error handler or middleware that answers 4xx/5xx and keeps serving); run the receiver under a supervisor that restarts it",
    },
    whole_run: true,
    plan: Plan {
        phase: Phase::AfterBadInput,
        needs: Needs::Nothing,
        rewrite: Rewrite::Nothing,
    },
    judge,
};

fn judge(ctx: &Context<'_>) -> Judged {
    let Some(s) = ctx.scenario(ID) else {
        return Judged::new(Context::not_run(ID));
    };
    let bad_before = ctx
        .run
        .scenarios
        .iter()
        .take_while(|x| !std::ptr::eq(*x, s))
        .flat_map(|x| x.deliveries())
        .filter(|d| d.input == Input::Bad)
        .count();
    let ds = ctx.deliveries(ID);
    let Some(d) = ds.first() else {
        return Judged::new(Finding::Inconclusive("nothing was delivered".into()));
    };
    if bad_before == 0 {
        return Judged::with(
            Finding::Inconclusive("no bad input was sent before it; run it together with reject-malformed and reject-invalid".into()),
            ds,
        );
    }
    let a = &d.attempts[0];
    // The receiver's own answer to well-formed callbacks before any bad input: what "still
    // works" is measured against (a receiver that answers 202 to everything survived).
    let baseline = baseline(ctx, s);
    let finding = if a.status == Some(200) {
        Finding::Ok(format!(
            "after {}, answered {}",
            crate::wire::words::count(bad_before, "bad delivery", "bad deliveries"),
            crate::wire::took(a)
        ))
    } else if a.status.is_some_and(|s| s < 300) && baseline == Some(a.status) {
        Finding::Ok(format!(
            "after {}, answered {}: {} throughout, as before the bad input (ack-success judges the {})",
            crate::wire::words::count(bad_before, "bad delivery", "bad deliveries"),
            crate::wire::took(a),
            a.status.unwrap_or_default(),
            a.status.unwrap_or_default(),
        ))
    } else if let Some(before) = baseline.filter(|s| s.is_none_or(|s| s >= 300)) {
        Finding::Inconclusive(format!(
            "after {}, the {} {}; but well-formed callbacks before the bad input were not accepted either ({}), so nothing shows what the bad input changed",
            crate::wire::words::count(bad_before, "bad delivery", "bad deliveries"),
            what(d),
            describe(a),
            before.map_or("mostly no answer".to_string(), |s| format!("mostly {s}"))
        ))
    } else {
        Finding::Bad(format!(
            "after {}, the {} {}: the receiver did not survive the bad input",
            crate::wire::words::count(bad_before, "bad delivery", "bad deliveries"),
            what(d),
            describe(a)
        ))
    };
    Judged::with(finding, ds)
}

/// How the receiver answered most first attempts of genuine well-formed callbacks before the
/// scenario `last`: `Some(None)` with no answer; `None` when there were none.
fn baseline(ctx: &Context<'_>, last: &crate::outcome::ScenarioOutcome) -> Option<Option<u16>> {
    crate::outcome::usual_answer(
        ctx.run
            .scenarios
            .iter()
            .take_while(|x| !std::ptr::eq(*x, last))
            .flat_map(|x| x.deliveries())
            .filter(|d| d.genuine()),
    )
}

#[cfg(test)]
mod tests {
    use crate::rules::Verdict;
    use crate::rules::testkit::{Step, assert_verdict, delivery, judge, run, setup};

    use crate::wire::Input;

    /// Well-formed callbacks answered `before`, bad input, then the last callback answered
    /// `after`.
    fn survived(before: Option<u16>, after: u16) -> crate::rules::RuleResult {
        let mut bad = delivery("bad", "custom", Some(400), 1.0);
        bad.input = Input::Bad;
        let mut scenarios = Vec::new();
        if let Some(b) = before {
            let ds = (0..3)
                .map(|_| delivery("done", "success", Some(b), 2.0))
                .collect();
            scenarios.push(("ack-success", vec![Step::Sent(ds)]));
        }
        scenarios.push(("reject-malformed", vec![Step::Sent(vec![bad])]));
        scenarios.push((
            super::ID,
            vec![Step::Sent(vec![delivery(
                "after",
                "success",
                Some(after),
                2.0,
            )])],
        ));
        judge(super::ID, &run(scenarios), &setup("video"))
    }

    #[test]
    fn still_working_is_measured_against_the_receivers_own_answers_before_the_bad_input() {
        assert_verdict(
            &survived(Some(200), 200),
            Verdict::Pass,
            "after 1 bad delivery,",
        );
        assert_verdict(&survived(Some(202), 202), Verdict::Pass, "202 throughout");
        assert_verdict(&survived(Some(200), 503), Verdict::Warn, "did not survive");
        assert_verdict(&survived(None, 503), Verdict::Warn, "did not survive");
        assert_verdict(
            &survived(Some(422), 422),
            Verdict::Inconclusive,
            "not accepted either",
        );
    }
}
