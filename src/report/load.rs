//! The reports of `load` and `merge`: the header, the human text, the JSON report (typed,
//! with its schema), JUnit (one testcase per threshold) and the HTML page.

use std::fmt::Write as _;

use std::time::Duration;

use super::Rendered;
use super::junit::{Case, CaseKind};
use super::style::Style;
use crate::duration::Dur;
use crate::outcome::load::{LoadHead, LoadReport, LoadResult, Threshold};

/// `load`'s first line: the receiver, the family when not the default, the shard, the seed,
/// the plan and pace, the deadline and retries.
pub fn head(h: &LoadHead) -> String {
    let plan = match (h.tasks, h.duration) {
        (Some(n), _) => format!("{n} tasks"),
        (None, Some(d)) => format!("tasks for {}", Dur(d)),
        (None, None) => String::new(),
    };
    let pace = h
        .rate
        .map(|r| format!("at {r}/s"))
        .unwrap_or_else(|| "as fast as possible".into());
    let mut family = if h.run.family == crate::family::DEFAULT {
        String::new()
    } else {
        format!(" · family {}", h.run.family)
    };
    if let Some(sh) = h.shard {
        family.push_str(&format!(" · shard {}/{}", sh.index, sh.count));
    }
    format!(
        "suno-mock load · receiver {}{family} · seed {} · {plan} {pace}, concurrency {} · deadline {}, {} retries\n",
        h.run.receiver,
        h.run.seed,
        h.concurrency,
        Dur(h.run.deadline),
        h.run.retry_delays.len()
    )
}

/// `merge`'s first line: the receiver, the seed and the shards it adds up.
pub fn merge_head(r: &LoadResult) -> String {
    format!(
        "suno-mock merge · receiver {} · seed {} · {}\n",
        r.receiver,
        r.seed,
        shards_line(r)
    )
}

/// Every report of a load result (`command` is `load` or `merge`) that exits with `code`.
pub fn render(
    command: &str,
    head: String,
    r: LoadResult,
    checks: Vec<Threshold>,
    code: i32,
    st: &Style,
) -> Result<Rendered, serde_json::Error> {
    let human = head + &report(&r, &checks, st);
    let total = Duration::from_secs_f64(r.duration_s);
    let case = |name: String, time: Duration, kind: CaseKind| Case {
        name,
        classname: format!("suno-mock.{command}"),
        time,
        kind,
    };
    let mut cases: Vec<Case> = checks
        .iter()
        .map(|t| {
            case(
                t.name.clone(),
                Duration::ZERO,
                if t.passed {
                    CaseKind::Pass
                } else {
                    CaseKind::Failure {
                        message: t.detail.clone(),
                        text: t.detail.clone(),
                    }
                },
            )
        })
        .collect();
    if let Some(p) = r.partial() {
        cases.push(case(
            "shards".into(),
            Duration::ZERO,
            CaseKind::Warning {
                message: p.clone(),
                text: p,
            },
        ));
    }
    if cases.is_empty() {
        cases.push(case(command.into(), total, CaseKind::Pass));
    }
    let junit = super::junit::render(&format!("suno-mock {command}"), cases, total);
    let html = super::html::load_page(command, &r, &checks, code);
    let json = LoadReport::new(command, r, checks, code).to_json()?;
    Ok(Rendered {
        human,
        json,
        junit,
        html: Some(html),
    })
}

fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.2}ms")
    } else if v < 1000.0 {
        format!("{v:.1}ms")
    } else {
        format!("{:.3}s", v / 1000.0)
    }
}

/// Which shards a merged report adds up: "shards 1, 2 of 2", or with the missing ones named.
pub fn shards_line(r: &LoadResult) -> String {
    let given: Vec<String> = r.merged_shards.iter().map(u32::to_string).collect();
    let count = r.merged_shards.len() + r.missing_shards.len();
    let mut line = format!(
        "{} {} of {count}",
        if given.len() == 1 { "shard" } else { "shards" },
        given.join(", ")
    );
    if let Some(p) = r.partial() {
        line.push_str(" · ");
        line.push_str(&p);
    }
    line
}

pub fn report(r: &LoadResult, verdicts: &[Threshold], st: &Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "deliveries: {} sent ({} tasks, {}{} duplicates, {} failure callbacks) · {} acknowledged · {} failed · {} ambiguous · {} retries",
        r.counts.sent,
        r.counts.tasks,
        if r.counts.later_stages > 0 {
            format!("{} later stages, ", r.counts.later_stages)
        } else {
            String::new()
        },
        r.counts.duplicates,
        r.counts.failure_callbacks,
        st.good(&r.counts.acknowledged.to_string()),
        if r.counts.failed > 0 {
            st.bad(&r.counts.failed.to_string())
        } else {
            "0".into()
        },
        if r.counts.ambiguous > 0 {
            st.warn(&r.counts.ambiguous.to_string())
        } else {
            "0".into()
        },
        r.counts.retried
    );
    if !r.failed_by_class.is_empty() {
        let parts: Vec<String> = r
            .failed_by_class
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect();
        let _ = writeln!(
            out,
            "failed by class of the last attempt: {}",
            parts.join(", ")
        );
    }
    if !r.statuses.is_empty() {
        let parts: Vec<String> = r
            .statuses
            .iter()
            .map(|(s, n)| format!("{s} x{n}"))
            .collect();
        let _ = writeln!(
            out,
            "statuses other than 200 (every attempt): {}",
            parts.join(", ")
        );
    }
    if r.counts.unsent > 0 {
        let _ = writeln!(
            out,
            "scheduled but not sent (interrupted): {}",
            crate::wire::words::count(r.counts.unsent as usize, "delivery", "deliveries")
        );
    }
    let l = &r.latency;
    if r.latency_histogram.0.is_empty() {
        out.push_str("latency from intended send time: no deliveries\n");
    } else {
        let _ = writeln!(
            out,
            "latency from intended send time: p50 {}  p90 {}  p99 {}  p99.9 {}  max {}",
            ms(l.p50_ms),
            ms(l.p90_ms),
            ms(l.p99_ms),
            ms(l.p999_ms),
            ms(l.max_ms)
        );
    }
    let _ = writeln!(
        out,
        "achieved: {:.0} deliveries/s over {:.3}s ({} attempts)",
        r.rate_per_s, r.duration_s, r.counts.attempts
    );
    let _ = writeln!(
        out,
        "{}: {} requests, {} completed downloads · of {} tasks that ended in a success callback: {} downloaded once, {} more than once, {}{} never",
        // The video family's word, so its report reads as it always has.
        if r.family == crate::family::DEFAULT {
            "video"
        } else {
            "media"
        },
        r.video_requests,
        r.video_downloads,
        r.counts.success_tasks,
        r.tasks_downloaded_once,
        if r.tasks_downloaded_more > 0 {
            st.warn(&r.tasks_downloaded_more.to_string())
        } else {
            "0".into()
        },
        if r.tasks_downloaded_partly > 0 {
            st.warn(&format!("{} partly, ", r.tasks_downloaded_partly))
        } else {
            String::new()
        },
        r.tasks_downloaded_never
    );
    for t in verdicts {
        let tag = if t.passed {
            st.good("pass")
        } else {
            st.bad("FAIL")
        };
        let _ = writeln!(out, "{tag} {}: {}", t.name, t.detail);
    }
    if r.tasks_downloaded_never > 0 && r.tasks_downloaded_never == r.counts.success_tasks {
        let _ = writeln!(
            out,
            "{}: no task's media was downloaded. If the receiver keeps state and this run reused an earlier --seed, it had seen these task ids already: use a new seed",
            st.warn("hint")
        );
    }
    if let Some(p) = r.partial() {
        let _ = writeln!(out, "{}", st.warn(&p));
    }
    if r.interrupted {
        out.push_str("interrupted: the result covers what was sent before Ctrl-C\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::load::RunPlan;

    fn result() -> LoadResult {
        let plan = RunPlan {
            tasks: Some(10),
            duration_s: None,
            rate_per_s: None,
            concurrency: 1,
            duplicates: 0.0,
            failures: 0.0,
        };
        LoadResult::new(1, "r".into(), plan)
    }

    #[test]
    fn a_run_with_no_delivery_shows_no_latency_figures() {
        let text = report(&result(), &[], &Style::default());
        assert!(
            text.contains("latency from intended send time: no deliveries"),
            "{text}"
        );
        assert!(!text.contains("p50"), "{text}");
    }

    #[test]
    fn tasks_none_of_which_downloaded_get_the_seed_hint() {
        let mut r = result();
        r.counts.success_tasks = 4000;
        r.tasks_downloaded_never = 4000;
        let text = report(&r, &[], &Style::default());
        assert!(text.contains("use a new seed"), "{text}");
        r.tasks_downloaded_never = 3999;
        r.tasks_downloaded_once = 1;
        assert!(!report(&r, &[], &Style::default()).contains("use a new seed"));
    }
}

#[cfg(test)]
mod head_tests {
    use std::time::Duration;

    use super::*;
    use crate::outcome::head::RunHead;
    use crate::outcome::load::Shard;

    #[test]
    fn the_head_says_the_plan_the_pace_and_the_shard() {
        let h = LoadHead {
            run: RunHead {
                receiver: "http://127.0.0.1:3000/callback?token=***".into(),
                family: "music",
                seed: 9,
                deadline: Duration::from_secs(15),
                retry_delays: vec![Duration::from_secs(1); 3],
            },
            tasks: None,
            duration: Some(Duration::from_secs(30)),
            rate: Some(200.0),
            concurrency: 32,
            shard: Some(Shard { index: 2, count: 4 }),
        };
        assert_eq!(
            head(&h),
            "suno-mock load · receiver http://127.0.0.1:3000/callback?token=*** · family music · shard 2/4 · seed 9 · tasks for 30s at 200/s, concurrency 32 · deadline 15s, 3 retries\n"
        );
    }
}
