//! `fast-ack`: answers are fast: p95 latency of well-formed callbacks at most 1 s.

use std::time::Duration;

use super::judge::{Context, Finding, Judged};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};
use crate::duration::{Dur, human};
use crate::outcome::Attempt;
use crate::wire::ErrorClass;

pub const ID: &str = "fast-ack";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Should,
    summary: "answers are fast (p95 at most 1 s)",
    explain: Explain {
        does: "measures how long the receiver took to answer every attempt of every well-formed callback in the run (its own scenario adds a handful), from the connection being ready to the whole answer; an attempt without an answer counts as its deadline. The time spent connecting is measured apart",
        passes: "the 95th percentile of answers is at most 1 s (`--fast-ack-p95`), and so is that of connecting (a connection that waits in a full listen queue is retried by the kernel after 1 s: a backlog too small for the connections `check` opens at once, `--connections`)",
        why: "the page: \"Callback processing should return a 200 status code as quickly as possible to avoid timeout\". A receiver that takes seconds on a quiet day misses the 15 s deadline under load",
        fix: "answer before doing any work that waits on the network or a disk; move downloads and processing to a background job",
    },
    whole_run: true,
    plan: Plan {
        phase: Phase::WellFormed,
        needs: Needs::Nothing,
        rewrite: Rewrite::Nothing,
    },
    judge,
};

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Attempts that got no answer and are no measurement of the receiver's speed, by why: a
/// refused or closed connection ended before any answer could be timed, and Ctrl-C cut the
/// rest. A timeout is kept: it is a measurement (at least the deadline).
pub fn unmeasured(attempts: &[&Attempt]) -> (usize, String) {
    let mut by: std::collections::BTreeMap<&'static str, usize> = Default::default();
    for a in attempts {
        if a.status.is_none()
            && !matches!(
                a.error,
                Some(ErrorClass::Timeout | ErrorClass::ConnectTimeout)
            )
        {
            *by.entry(a.error.map_or("other", ErrorClass::name))
                .or_default() += 1;
        }
    }
    let n: usize = by.values().sum();
    let parts: Vec<String> = by.iter().map(|(k, v)| format!("{v} {k}")).collect();
    (n, parts.join(", "))
}

fn judge(ctx: &Context<'_>) -> Judged {
    let attempts: Vec<_> = ctx.well_formed().flat_map(|d| d.attempts.iter()).collect();
    // What the receiver controls: from the connection being ready to the whole answer. An
    // attempt that ran into the deadline counts as the deadline; one that got no answer for
    // another reason (refused, closed, interrupted) was never timed and is said apart.
    let (unanswered, why) = unmeasured(&attempts);
    let mut lat: Vec<f64> = attempts
        .iter()
        .filter_map(|a| match (a.status, a.error) {
            (Some(_), _) => Some(a.answer_ms()),
            (None, Some(ErrorClass::Timeout | ErrorClass::ConnectTimeout)) => {
                Some(a.duration_ms.max(ctx.setup.deadline.as_secs_f64() * 1000.0))
            }
            _ => None,
        })
        .collect();
    let apart = if unanswered > 0 {
        format!(
            "; {} got no answer ({why}) and {} not counted",
            crate::wire::words::count(unanswered, "attempt", "attempts"),
            if unanswered == 1 { "is" } else { "are" }
        )
    } else {
        String::new()
    };
    if lat.is_empty() {
        return Judged::new(Finding::Inconclusive(format!(
            "no answer to a well-formed callback was timed{apart}"
        )));
    }
    lat.sort_by(f64::total_cmp);
    let mut connects: Vec<f64> = attempts.iter().filter_map(|a| a.connect_ms).collect();
    connects.sort_by(f64::total_cmp);
    let ms = |v: f64| human(Duration::from_secs_f64(v / 1000.0));
    let (p50, p95, max) = (
        percentile(&lat, 50.0),
        percentile(&lat, 95.0),
        lat[lat.len() - 1],
    );
    let connect_p95 = percentile(&connects, 95.0);
    let text = format!(
        "p95 {} (p50 {}, max {}) over {} timed attempts; connecting apart, p95 {}{apart}",
        ms(p95),
        ms(p50),
        ms(max),
        lat.len(),
        ms(connect_p95)
    );
    let limit = ctx.setup.fast_ack_p95.as_secs_f64() * 1000.0;
    let finding = if p95 > limit {
        Finding::Bad(format!("{text}; more than {}", Dur(ctx.setup.fast_ack_p95)))
    } else if connect_p95 > limit {
        // Its own finding: the handler is fast, the listen queue is not.
        let at_once = ctx
            .setup
            .connections
            .map_or("the connections".to_string(), |n| n.to_string());
        Finding::Bad(format!(
            "connections waited {} in the receiver's listen queue (p95 {} over {} connections, at most {at_once} at once): its backlog is too small for {at_once} at once; answers themselves took p95 {}",
            ms(connects[connects.len() - 1]),
            ms(connect_p95),
            connects.len(),
            ms(p95)
        ))
    } else {
        Finding::Ok(text)
    };
    let slow = ctx
        .well_formed()
        .filter(|d| {
            d.attempts
                .iter()
                .any(|a| a.answer_ms() > limit || a.connect_ms.is_some_and(|c| c > limit))
        })
        .take(3)
        .cloned()
        .collect();
    Judged::with(finding, slow)
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 95.0), 95.0);
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&[7.0], 95.0), 7.0);
    }
}

#[cfg(test)]
mod truth {
    use crate::rules::Verdict;
    use crate::rules::testkit::{Step, assert_verdict, delivery, judge, run, setup};

    /// Twenty answers of `answer_ms`, each after connecting for `connect_ms`.
    fn timed(answer_ms: f64, connect_ms: f64) -> crate::rules::RuleResult {
        let ds = (0..20)
            .map(|_| {
                let mut d = delivery("done", "success", Some(200), answer_ms + connect_ms);
                d.attempts[0].connect_ms = Some(connect_ms);
                d
            })
            .collect();
        judge(
            super::ID,
            &run(vec![(super::ID, vec![Step::Sent(ds)])]),
            &setup("video"),
        )
    }

    #[test]
    fn connecting_is_not_answering() {
        assert_verdict(&timed(20.0, 0.3), Verdict::Pass, "p95 20ms");
        // Issue 19: a full listen queue (the kernel retries the SYN after 1 s) is said as
        // such, not as a slow handler.
        let queued = timed(20.0, 1003.0);
        assert_verdict(&queued, Verdict::Warn, "in the receiver's listen queue");
        assert_verdict(&queued, Verdict::Warn, "answers themselves took p95 20ms");
        assert_verdict(&timed(1200.0, 0.3), Verdict::Warn, "more than 1s");
    }

    #[test]
    fn an_attempt_without_an_answer_is_no_latency_unless_it_ran_into_the_deadline() {
        use crate::wire::ErrorClass;
        let mut ds: Vec<_> = (0..5)
            .map(|_| delivery("done", "success", Some(200), 20.0))
            .collect();
        for (i, class) in [
            ErrorClass::Interrupted,
            ErrorClass::Refused,
            ErrorClass::Closed,
        ]
        .into_iter()
        .enumerate()
        {
            let mut d = delivery("cut", "success", None, 4999.0);
            d.attempts[0].error = Some(class);
            ds[i] = d;
        }
        let r = judge(
            super::ID,
            &run(vec![(super::ID, vec![Step::Sent(ds.clone())])]),
            &setup("video"),
        );
        assert_verdict(&r, Verdict::Pass, "p95 19ms");
        assert_verdict(
            &r,
            Verdict::Pass,
            "3 attempts got no answer (1 closed, 1 interrupted, 1 refused) and are not counted",
        );
        // A timeout is a measurement: at least the deadline.
        ds[0].attempts[0].error = Some(ErrorClass::Timeout);
        let r = judge(
            super::ID,
            &run(vec![(super::ID, vec![Step::Sent(ds)])]),
            &setup("video"),
        );
        assert_verdict(&r, Verdict::Warn, "max 15.000s");
    }
}
