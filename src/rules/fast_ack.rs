//! `fast-ack`: answers are fast: p95 latency of well-formed callbacks at most 1 s.

use std::time::Duration;

use super::judge::{Context, Finding, Judged};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};
use crate::duration::{Dur, human};

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

fn judge(ctx: &Context<'_>) -> Judged {
    let attempts: Vec<_> = ctx.well_formed().flat_map(|d| d.attempts.iter()).collect();
    // What the receiver controls: from the connection being ready to the whole answer. An
    // attempt without an answer counts as its deadline.
    let mut lat: Vec<f64> = attempts
        .iter()
        .map(|a| {
            if a.status.is_some() {
                a.answer_ms()
            } else {
                a.duration_ms.max(ctx.setup.deadline.as_secs_f64() * 1000.0)
            }
        })
        .collect();
    if lat.is_empty() {
        return Judged::new(Finding::Inconclusive(
            "no well-formed callback was delivered".into(),
        ));
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
        "p95 {} (p50 {}, max {}) over {} attempts; connecting apart, p95 {}",
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
}
