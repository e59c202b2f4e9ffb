//! The human report of `check`: one line per rule (printed as each verdict is decided when the
//! run streams), then the evidence of every verdict that is not a pass, then a summary line and,
//! loudly, the must rules that could not be verified.

use std::fmt::Write as _;
use std::time::Duration;

use super::evidence::rule_evidence;
use super::style::Style;
use super::{count as words, plural};
use crate::duration::human;
use crate::outcome::RunOutcome;
use crate::outcome::head::RunHead;
use crate::rules::{RuleResult, Verdict};

/// `check`'s first line: the receiver, the family when not the default, the seed, the
/// deadline and the retries with their delays.
pub fn header(h: &RunHead) -> String {
    let delays: Vec<String> = h
        .retry_delays
        .iter()
        .map(|d| crate::duration::Dur(*d).to_string())
        .collect();
    let retries = match delays.len() {
        0 => "no retries".to_string(),
        n => format!("{n} retries after {}", delays.join(", ")),
    };
    // The default family goes unsaid, so video's header reads as it always has.
    let family = if h.family == crate::family::DEFAULT {
        String::new()
    } else {
        format!(" · family {}", h.family)
    };
    format!(
        "suno-mock check · receiver {}{family} · seed {} · deadline {}, {retries}\n",
        h.receiver,
        h.seed,
        crate::duration::Dur(h.deadline),
    )
}

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

/// The column the rule ids are padded to, from the ids that will be shown.
pub fn id_width<'a>(ids: impl IntoIterator<Item = &'a str>) -> usize {
    ids.into_iter().map(str::len).max().unwrap_or(0)
}

/// One line of the verdict table.
pub fn rule_line(r: &RuleResult, width: usize, st: &Style) -> String {
    format!(
        "  {} {:<6} {:<width$}  {}\n",
        tag(r.verdict, st),
        r.level.name(),
        r.id,
        r.reason
    )
}

/// A rule the end of the run left unjudged: its scenario never finished (no evidence, nothing
/// to fix), or Ctrl-C cut one of its attempts (that attempt is its evidence).
fn cut_short(run: &RunOutcome, r: &RuleResult) -> bool {
    (run.interrupted || run.cut_short.is_some())
        && r.verdict == Verdict::Inconclusive
        && (r.evidence.deliveries.is_empty()
            || r.evidence.deliveries.iter().any(|d| d.interrupted()))
}

pub use crate::rules::unverified_must;

/// The whole report: the table in catalogue order, then [`details`].
pub fn report(run: &RunOutcome, rules: &[RuleResult], st: &Style) -> String {
    let width = id_width(rules.iter().map(|r| r.id));
    let mut out: String = rules.iter().map(|r| rule_line(r, width, st)).collect();
    out.push_str(&details(run, rules, st));
    out
}

/// Everything after the verdict table: evidence, summary, unverified must rules.
pub fn details(run: &RunOutcome, rules: &[RuleResult], st: &Style) -> String {
    let mut out = String::new();
    let shown: Vec<_> = rules
        .iter()
        // A rule that never ran has nothing to show; a cut attempt is shown.
        .filter(|r| {
            r.verdict.needs_evidence() && !(cut_short(run, r) && r.evidence.deliveries.is_empty())
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
        out.push_str(&rule_evidence(r, "    ", st, 8));
        let _ = writeln!(out, "    how to fix: suno-mock explain {}", r.id);
    }
    let deliveries = run.deliveries().count();
    let attempts: usize = run.deliveries().map(|d| d.attempts.len()).sum();
    let _ = writeln!(
        out,
        "\n{}: {} pass, {} fail, {} warn, {} inconclusive, {} skip · {}, {} · {} · seed {}",
        plural(rules.len(), "rule"),
        count(rules, Verdict::Pass),
        count(rules, Verdict::Fail),
        count(rules, Verdict::Warn),
        count(rules, Verdict::Inconclusive),
        count(rules, Verdict::Skip),
        words(deliveries, "delivery", "deliveries"),
        plural(attempts, "attempt"),
        human(Duration::from_secs_f64(run.duration_ms / 1000.0)),
        run.seed
    );
    let cut: Vec<&str> = rules
        .iter()
        .filter(|r| cut_short(run, r))
        .map(|r| r.id)
        .collect();
    if run.interrupted {
        let _ = writeln!(
            out,
            "interrupted: {} did not finish and {} inconclusive: {}{}",
            plural(cut.len(), "rule"),
            if cut.len() == 1 { "is" } else { "are" },
            if cut.is_empty() {
                "none".to_string()
            } else {
                cut.join(", ")
            },
            in_flight(run)
        );
    }
    if let Some(why) = &run.cut_short {
        let _ = writeln!(
            out,
            "{} {why}; {} not judged: {}",
            st.bad("CUT SHORT:"),
            plural(cut.len(), "rule"),
            cut.join(", ")
        );
    }
    if let Some(p) = &run.probe {
        let state = match p.state {
            crate::outcome::ProbeState::Working => st.good(p.state.name()),
            crate::outcome::ProbeState::Unproven => st.warn(p.state.name()),
            crate::outcome::ProbeState::Broke => st.bad(p.state.name()),
        };
        let _ = writeln!(
            out,
            "{} {}: {state}, {}",
            st.bold("probe:"),
            p.probe,
            p.detail
        );
    }
    for hint in &run.hints {
        let _ = writeln!(out, "{} {hint}", st.bold("hint:"));
    }
    let unverified: Vec<&RuleResult> = unverified_must(rules)
        .into_iter()
        .filter(|r| !cut_short(run, r))
        .collect();
    if !unverified.is_empty() {
        let ids: Vec<&str> = unverified.iter().map(|r| r.id).collect();
        let _ = writeln!(
            out,
            "{} {} {} NOT verified: {}. Nothing this run could observe shows whether {} hold{}, so the run fails (exit 1).\n  to verify: pass --probe-url 'http://RECEIVER/state/{{task_id}}' (a GET that shows what the receiver stored for the task) or --probe-cmd 'CMD {{task_id}}', or let the receiver download the video; to leave {} out on purpose: --only with the other rules",
            st.bad("UNVERIFIED:"),
            words(ids.len(), "must rule", "must rules"),
            if ids.len() == 1 { "was" } else { "were" },
            ids.join(", "),
            if ids.len() == 1 { "it" } else { "they" },
            if ids.len() == 1 { "s" } else { "" },
            if ids.len() == 1 { "it" } else { "them" },
        );
    }
    out
}

/// `; 2 deliveries were in flight ...` when Ctrl-C cut some: they count, and are ambiguous.
pub fn in_flight(run: &RunOutcome) -> String {
    match run.cut_in_flight() {
        0 => String::new(),
        n => format!(
            "; {} in flight, cut (ambiguous: the receiver may have processed {})",
            words(n, "delivery was", "deliveries were"),
            if n == 1 { "it" } else { "them" }
        ),
    }
}
