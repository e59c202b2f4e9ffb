//! `ack-success`: a success callback is answered with exactly HTTP 200.

use super::judge::{Context, Finding, Judged, first_and_more, not_200};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};
use crate::wire::took;

pub const ID: &str = "ack-success";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Must,
    summary: "a success callback is answered HTTP 200",
    explain: Explain {
        does: "delivers a well-formed success callback (code 200, msg \"success\", its media on the harness's host); for a family that calls back in stages, every stage in order for one task (music: text, first, complete)",
        passes: "the first attempt of each is answered HTTP 200. Another 2xx (202, 204) fails too, and so does a 500 to any one stage",
        why: "the provider's page: the server \"must respond within 15 seconds\" and its examples \"return 200 status code to confirm callback received\". A sender that checks for 200 treats 202 or 204 as a failed delivery and retries, so the same task arrives again and again",
        fix: "answer 200 as soon as the body is parsed and stored, before any other work; return `res.status(200)`, not 201/202/204",
    },
    whole_run: false,
    plan: Plan {
        phase: Phase::WellFormed,
        needs: Needs::Nothing,
        rewrite: Rewrite::EveryStage,
    },
    judge,
};

fn judge(ctx: &Context<'_>) -> Judged {
    let Some(_) = ctx.scenario(ID) else {
        return Judged::new(Context::not_run(ID));
    };
    let ds = ctx.deliveries(ID);
    if ds.is_empty() {
        return Judged::new(Finding::Inconclusive(
            "no success callback was delivered".into(),
        ));
    }
    let bad = not_200(&ds);
    let finding = if bad.is_empty() && ds.len() == 1 {
        Finding::Ok(format!("answered {}", took(&ds[0].attempts[0])))
    } else if bad.is_empty() {
        let each: Vec<String> = ds
            .iter()
            .map(|d| format!("{} {}", d.template, took(&d.attempts[0])))
            .collect();
        Finding::Ok(format!("answered every stage: {}", each.join(", ")))
    } else {
        let two_xx = bad.iter().any(|(d, _)| {
            d.attempts[0]
                .status
                .is_some_and(|s| (201..300).contains(&s))
        });
        let mut r = first_and_more(&bad);
        if two_xx {
            r.push_str("; the page asks for exactly 200, and a sender that checks for 200 retries on any other status");
        }
        Finding::Bad(r)
    };
    Judged::with(finding, ds)
}

#[cfg(test)]
mod tests {
    use crate::rules::Verdict;
    use crate::rules::testkit::{Step, assert_verdict, delivery, judge, run, setup};

    #[test]
    fn every_stage_is_judged_and_the_failing_one_named() {
        let stages = |text| {
            Step::Sent(vec![
                delivery("done", "text", Some(text), 2.0),
                delivery("done", "first", Some(200), 2.0),
                delivery("done", "complete", Some(200), 2.0),
            ])
        };
        let r = run(vec![(super::ID, vec![stages(200)])]);
        assert_verdict(
            &judge(super::ID, &r, &setup("music")),
            Verdict::Pass,
            "answered every stage",
        );
        let r = run(vec![(super::ID, vec![stages(500)])]);
        assert_verdict(
            &judge(super::ID, &r, &setup("music")),
            Verdict::Fail,
            "text callback",
        );
    }
}
