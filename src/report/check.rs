//! The human report of `check`: one line per rule, then the evidence of every verdict that is
//! not a pass, then a summary line.

use std::fmt::Write as _;
use std::time::Duration;

use super::evidence::delivery_block;
use super::style::Style;
use crate::duration::human;
use crate::outcome::RunOutcome;
use crate::rules::{RuleResult, Verdict};

fn tag(v: Verdict, st: &Style) -> String {
    let t = format!("{:<12}", v.name());
    match v {
        Verdict::Pass => st.good(&t),
        Verdict::Fail => st.bad(&t),
        Verdict::Warn | Verdict::Inconclusive => st.warn(&t),
        Verdict::Skip => st.dim(&t),
    }
}

pub fn count(rules: &[RuleResult], v: Verdict) -> usize {
    rules.iter().filter(|r| r.verdict == v).count()
}

pub fn report(run: &RunOutcome, rules: &[RuleResult], st: &Style) -> String {
    let mut out = String::new();
    let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in rules {
        let _ = writeln!(
            out,
            "  {} {:<6} {:<width$}  {}",
            tag(r.verdict, st),
            r.level.name(),
            r.id,
            r.reason
        );
    }
    let shown: Vec<_> = rules
        .iter()
        .filter(|r| {
            matches!(
                r.verdict,
                Verdict::Fail | Verdict::Warn | Verdict::Inconclusive
            )
        })
        .collect();
    if !shown.is_empty() {
        let _ = writeln!(out, "\n{}", st.bold("evidence"));
    }
    for r in shown {
        let _ = writeln!(
            out,
            "\n  {} ({}, {})",
            st.bold(r.id),
            r.level.name(),
            r.verdict.name()
        );
        let _ = writeln!(out, "    {}", r.reason);
        for d in r.evidence.deliveries.iter().take(8) {
            out.push_str(&delivery_block(d, "    ", st));
        }
        if r.evidence.deliveries.len() > 8 {
            let _ = writeln!(
                out,
                "    ... {} more deliveries in the JSON report",
                r.evidence.deliveries.len() - 8
            );
        }
        for o in &r.evidence.observations {
            let name = o
                .name
                .as_deref()
                .map(|n| format!(" `{n}`"))
                .unwrap_or_default();
            let _ = writeln!(out, "    observed{name} {}: {}", o.task_id, o.summary());
        }
        let _ = writeln!(out, "    how to fix: suno-mock explain {}", r.id);
    }
    let deliveries = run.deliveries().count();
    let attempts: usize = run.deliveries().map(|d| d.attempts.len()).sum();
    let _ = writeln!(
        out,
        "\n{} rules: {} pass, {} fail, {} warn, {} inconclusive, {} skip · {deliveries} deliveries, {attempts} attempts · {} · seed {}",
        rules.len(),
        count(rules, Verdict::Pass),
        count(rules, Verdict::Fail),
        count(rules, Verdict::Warn),
        count(rules, Verdict::Inconclusive),
        count(rules, Verdict::Skip),
        human(Duration::from_secs_f64(run.duration_ms / 1000.0)),
        run.seed
    );
    if run.interrupted {
        out.push_str("interrupted: rules whose scenarios did not finish are inconclusive\n");
    }
    out
}
