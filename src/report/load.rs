//! The human report of `load`.

use std::fmt::Write as _;

use super::style::Style;
use crate::load::LoadResult;
use crate::load::report::Threshold;

fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.2}ms")
    } else if v < 1000.0 {
        format!("{v:.1}ms")
    } else {
        format!("{:.3}s", v / 1000.0)
    }
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
            "scheduled but not sent (interrupted): {} deliveries",
            r.counts.unsent
        );
    }
    let l = &r.latency;
    let _ = writeln!(
        out,
        "latency from intended send time: p50 {}  p90 {}  p99 {}  p99.9 {}  max {}",
        ms(l.p50_ms),
        ms(l.p90_ms),
        ms(l.p99_ms),
        ms(l.p999_ms),
        ms(l.max_ms)
    );
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
    if r.interrupted {
        out.push_str("interrupted: the result covers what was sent before Ctrl-C\n");
    }
    out
}
