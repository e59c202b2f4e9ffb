//! The text of a delivery's evidence, shared by every human-facing report: the request and each
//! attempt with its timing, status or error class.

use std::fmt::Write as _;
use std::time::Duration;

use super::style::Style;
use crate::duration::human;
use crate::outcome::{Attempt, Delivery};

pub fn attempt_line(a: &Attempt, st: &Style) -> String {
    let took = human(Duration::from_secs_f64(a.duration_ms / 1000.0));
    let at = format!("+{:.3}s", a.at_ms / 1000.0);
    let what = match (a.status, a.error) {
        (Some(s), None) => st.good(&s.to_string()),
        (Some(s), Some(_)) => st.bad(&s.to_string()),
        (None, Some(e)) => st.bad(e.name()),
        (None, None) => "?".into(),
    };
    let mut line = format!("attempt {}  {}  {what}  in {took}", a.number, st.dim(&at));
    if let Some(c) = a.connect_ms {
        let _ = write!(
            line,
            " {}",
            st.dim(&format!(
                "(connect {})",
                human(Duration::from_secs_f64(c / 1000.0))
            ))
        );
    }
    if let Some(m) = &a.message
        && a.status.is_none_or(|_| a.error.is_some())
    {
        let _ = write!(line, "  {}", st.dim(m));
    }
    if a.ambiguous {
        line.push_str("  (ambiguous: the receiver may have processed it)");
    }
    line
}

/// The request line and every attempt, indented by `indent`.
pub fn delivery_block(d: &Delivery, indent: &str, st: &Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{indent}{} {} {}  {}",
        d.request.method,
        d.request.url,
        d.label(),
        st.dim(&format!("task_id {}", d.task_id))
    );
    for a in &d.attempts {
        let _ = writeln!(out, "{indent}  {}", attempt_line(a, st));
    }
    out
}

/// A rule's evidence as text, every line after `indent`: its deliveries (the first `limit`,
/// then how many more the JSON report has) and the observations it compared.
pub fn rule_evidence(
    r: &crate::rules::RuleResult,
    indent: &str,
    st: &Style,
    limit: usize,
) -> String {
    let mut out = String::new();
    let ds = &r.evidence.deliveries;
    for d in ds.iter().take(limit) {
        out.push_str(&delivery_block(d, indent, st));
    }
    if ds.len() > limit {
        let _ = writeln!(
            out,
            "{indent}... {} more in the JSON report",
            super::count(ds.len() - limit, "delivery", "deliveries")
        );
    }
    for o in &r.evidence.observations {
        let name = o
            .name
            .as_deref()
            .map(|n| format!(" `{n}`"))
            .unwrap_or_default();
        let _ = writeln!(out, "{indent}observed{name} {}: {}", o.task_id, o.summary());
    }
    out
}
