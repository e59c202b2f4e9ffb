//! The human report of `run` and `send`: one line per scenario, the evidence of every failed
//! expectation (scenario file, step, expected against actual, every attempt), a summary line.

use std::fmt::Write as _;
use std::time::Duration;

use super::evidence::{attempt_line, delivery_block};
use super::style::Style;
use super::{count, plural};
use crate::duration::human;
use crate::outcome::*;

pub fn run_report(run: &RunOutcome, verbose: bool, st: &Style) -> String {
    let mut out: String = run
        .scenarios
        .iter()
        .map(|s| scenario_block(s, verbose, st))
        .collect();
    out.push_str(&summary(run, st));
    out
}

/// One scenario's line, then (for a step that did not pass, or every step with `verbose`) the
/// step, its checks, deliveries and observation.
pub fn scenario_block(s: &ScenarioOutcome, verbose: bool, st: &Style) -> String {
    let mut out = String::new();
    {
        let tag = match s.status {
            ScenarioStatus::Passed => st.good("PASS "),
            ScenarioStatus::Failed => st.bad("FAIL "),
            ScenarioStatus::Error => st.warn("ERROR"),
            ScenarioStatus::NotRun => st.dim("SKIP "),
        };
        let took = human(Duration::from_secs_f64(s.duration_ms / 1000.0));
        let _ = writeln!(out, "{tag} {}  {}  {}", s.file, s.name, st.dim(&took));
        for step in &s.steps {
            let interesting = step.status != StepStatus::Passed;
            if !(interesting || verbose) {
                continue;
            }
            let _ = writeln!(
                out,
                "      step {} (line {}): {}{}",
                step.index,
                step.line,
                step.label,
                match step.status {
                    StepStatus::NotRun => " - not run".to_string(),
                    _ => String::new(),
                }
            );
            if let Some(e) = &step.error {
                let _ = writeln!(out, "        {} {e}", st.warn("harness error:"));
            }
            for c in step.checks.iter().filter(|c| !c.passed || verbose) {
                let copy = c
                    .copy
                    .filter(|_| step.deliveries.len() > 1)
                    .map(|n| format!(" (copy {n})"))
                    .unwrap_or_default();
                let mark = if c.passed {
                    st.good("ok")
                } else {
                    st.bad("expected")
                };
                let _ = writeln!(out, "        {mark} {}{copy}: {}", c.what, c.expected);
                if !c.passed {
                    let _ = writeln!(out, "             got: {}", c.actual);
                }
            }
            if interesting || verbose {
                for d in &step.deliveries {
                    out.push_str(&delivery_block(d, "        ", st));
                }
                if let Some(o) = &step.observation {
                    let _ = writeln!(out, "        observed {}: {}", o.task_id, o.summary());
                }
            }
        }
    }
    out
}

pub fn summary(run: &RunOutcome, st: &Style) -> String {
    let deliveries = run.deliveries().count();
    let attempts: usize = run.deliveries().map(|d| d.attempts.len()).sum();
    let (p, f, e, n) = (
        run.count(ScenarioStatus::Passed),
        run.count(ScenarioStatus::Failed),
        run.count(ScenarioStatus::Error),
        run.count(ScenarioStatus::NotRun),
    );
    let mut parts = vec![st.good(&format!("{p} passed"))];
    parts.push(if f > 0 {
        st.bad(&format!("{f} failed"))
    } else {
        format!("{f} failed")
    });
    if e > 0 {
        parts.push(st.warn(&count(e, "harness error", "harness errors")));
    }
    if n > 0 {
        parts.push(format!("{n} not run"));
    }
    let mut line = format!(
        "{}: {} · {}, {} · {} · seed {}\n",
        plural(run.scenarios.len(), "scenario"),
        parts.join(", "),
        count(deliveries, "delivery", "deliveries"),
        plural(attempts, "attempt"),
        human(Duration::from_secs_f64(run.duration_ms / 1000.0)),
        run.seed
    );
    if run.interrupted {
        line.push_str(&format!(
            "interrupted: steps after the interruption were not run{}\n",
            super::check::in_flight(run)
        ));
    }
    line
}

/// `send`: the exchange itself: the request with the headers that really went out (the
/// signing headers of the first attempt; with `verbose`, of every retry too), every attempt of
/// every copy, then what was observed afterwards.
pub fn exchange(run: &RunOutcome, verbose: bool, st: &Style) -> String {
    let mut out = String::new();
    for s in &run.scenarios {
        for step in &s.steps {
            if let Some(e) = &step.error {
                let _ = writeln!(out, "{} {e}", st.warn("harness error:"));
            }
            for (i, d) in step.deliveries.iter().enumerate() {
                if i == 0 {
                    let _ = writeln!(out, "> {} {}", d.request.method, d.request.url);
                    // Every header as it went out, the first attempt's signing among them.
                    for (k, v) in &d.request.headers {
                        let _ = writeln!(out, "> {k}: {v}");
                    }
                    let _ = writeln!(out, ">\n> {}\n", d.request.body);
                }
                if step.deliveries.len() > 1 {
                    let _ = writeln!(out, "copy {}:", d.copy);
                }
                for a in &d.attempts {
                    if verbose && (a.number > 1 || i > 0) {
                        out.push_str(&signing_lines(a, &format!("> attempt {} ", a.number)));
                    }
                    let _ = writeln!(out, "< {}", attempt_line(a, st));
                    if let Some(b) = &a.body {
                        // The JSON report keeps the whole excerpt; a terminal gets one line.
                        let line: String = b.trim_end().chars().take(160).collect();
                        let more = if b.trim_end().chars().count() > 160 {
                            "…"
                        } else {
                            ""
                        };
                        let _ = writeln!(out, "<   {line}{more}");
                    }
                }
                let verdict = if d.acknowledged {
                    st.good("acknowledged")
                } else {
                    st.bad("not acknowledged")
                };
                let _ = writeln!(
                    out,
                    "= {verdict} after {}",
                    plural(d.attempts.len(), "attempt")
                );
            }
            if let Some(o) = &step.observation {
                let state = if o.settled {
                    format!(
                        "settled after {}",
                        human(Duration::from_secs_f64(o.waited_ms / 1000.0))
                    )
                } else {
                    st.warn(&format!(
                        "still changing when --max-wait ran out after {}",
                        human(Duration::from_secs_f64(o.waited_ms / 1000.0))
                    ))
                };
                let _ = writeln!(out, "~ observed {} ({state}): {}", o.task_id, o.summary());
            }
        }
    }
    out
}

/// The signing headers one attempt sent, one line each, or nothing when it was unsigned.
fn signing_lines(a: &Attempt, prefix: &str) -> String {
    use crate::wire::signing::{SIGNATURE_HEADER, TIMESTAMP_HEADER};
    let mut out = String::new();
    if let Some(ts) = a.signed_at {
        let _ = writeln!(out, "{prefix}{TIMESTAMP_HEADER}: {ts}");
    }
    if let Some(sig) = &a.signature {
        let _ = writeln!(out, "{prefix}{SIGNATURE_HEADER}: {sig}");
    }
    out
}

/// `run`'s first line.
pub fn run_header(receiver: &str, seed: u64) -> String {
    format!("suno-mock run · receiver {receiver} · seed {seed}\n")
}

/// `validate`'s line for one valid file.
pub fn valid_line(v: &crate::outcome::validate::Valid) -> String {
    use crate::outcome::validate::Valid;
    match v {
        Valid::Plan { file, tasks, .. } => {
            format!(
                "ok  {file}  (serve plan, {})\n",
                super::plural(*tasks, "task")
            )
        }
        Valid::Scenario { file, steps, .. } => {
            format!("ok  {file}  ({})\n", super::plural(*steps, "step"))
        }
    }
}

/// `validate`'s last line: how many plans and scenario files are valid, with how many
/// warnings (of the scenario files).
pub fn valid_total(valid: &[crate::outcome::validate::Valid]) -> String {
    use crate::outcome::validate::Valid;
    let plans = valid
        .iter()
        .filter(|v| matches!(v, Valid::Plan { .. }))
        .count();
    let scenarios = valid.len() - plans;
    let warnings: usize = valid
        .iter()
        .filter(|v| matches!(v, Valid::Scenario { .. }))
        .map(|v| v.warnings().len())
        .sum();
    let plans = if plans > 0 {
        format!("{} and ", super::count(plans, "serve plan", "serve plans"))
    } else {
        String::new()
    };
    format!(
        "{plans}{} valid{}\n",
        super::count(scenarios, "scenario file", "scenario files"),
        if warnings > 0 {
            format!(" ({})", super::plural(warnings, "warning"))
        } else {
            String::new()
        }
    )
}
