//! `doctor`'s reports: the checklist under the page's headings for a person, and the same
//! lines as JSON under the envelope of the other commands.

use serde::Serialize;

use super::json::Head;
use super::style::Style;
use crate::outcome::doctor::{Line, Report};
use crate::rules::Verdict;

fn verdict_word(v: Verdict, st: &Style) -> String {
    // An inconclusive line is one this machine could not check: said as such.
    let name = if v == Verdict::Inconclusive {
        "unchecked"
    } else {
        v.name()
    };
    let w = format!("{name:<4}");
    match v {
        Verdict::Inconclusive => st.warn(&w),
        Verdict::Pass => st.good(&w),
        Verdict::Fail => st.bad(&w),
        Verdict::Warn => st.warn(&w),
        _ => st.dim(&w),
    }
}

/// The checklist under its headings, then one summary line.
pub fn human(r: &Report, family: &str, st: &Style) -> String {
    let mut out = format!(
        "suno-mock doctor {}\nthe test callback: a {family} failure for task {}\n",
        r.url, r.task_id
    );
    let mut heading = None;
    for l in &r.lines {
        if heading != Some(l.heading) {
            heading = Some(l.heading);
            out.push_str(&format!("\n{}\n", st.bold(l.heading.title())));
        }
        out.push_str(&format!(
            "  {}  {:<14}{}\n",
            verdict_word(l.verdict, st),
            l.id,
            l.fact
        ));
        if let Some(a) = &l.advice {
            let label = if matches!(l.verdict, Verdict::Skip | Verdict::Inconclusive) {
                "why:"
            } else {
                "do: "
            };
            out.push_str(&format!("        {:<14}{}\n", st.dim(label), a));
        }
    }
    let verdict = if r.failed() {
        "the provider's callbacks would not arrive as things are: fix the failed lines, from the top"
    } else if r.unchecked() {
        "the URL is UNCHECKED: nothing could be connected to from this machine, so nothing here says whether the provider's callbacks arrive"
    } else if r.count(Verdict::Warn) > 0 {
        "nothing here stops the provider's callbacks; the warnings are worth fixing"
    } else {
        "nothing here stops the provider's callbacks"
    };
    out.push_str(&format!(
        "\n{} pass, {} warn, {} fail, {} skip{} in {}: {verdict}\n",
        r.count(Verdict::Pass),
        r.count(Verdict::Warn),
        r.count(Verdict::Fail),
        r.count(Verdict::Skip),
        match r.count(Verdict::Inconclusive) {
            0 => String::new(),
            n => format!(", {n} unchecked"),
        },
        crate::duration::human(r.took)
    ));
    out
}

#[derive(Serialize)]
struct Counts {
    total: usize,
    pass: usize,
    warn: usize,
    fail: usize,
    skip: usize,
    /// Lines that could not be checked from this machine (no route): `inconclusive`.
    unchecked: usize,
}

#[derive(Serialize)]
struct Envelope<'a> {
    #[serde(flatten)]
    head: Head<'static>,
    receiver: &'a str,
    families: [&'a str; 1],
    task_id: &'a str,
    duration_ms: f64,
    exit_code: i32,
    summary: Counts,
    checks: &'a [Line],
}

/// The report under the envelope of the other commands' JSON.
pub fn json(r: &Report, family: &str, exit_code: i32) -> String {
    let env = Envelope {
        head: Head::new("doctor"),
        receiver: &r.url,
        families: [family],
        task_id: &r.task_id,
        duration_ms: r.took.as_secs_f64() * 1000.0,
        exit_code,
        summary: Counts {
            total: r.lines.len(),
            pass: r.count(Verdict::Pass),
            warn: r.count(Verdict::Warn),
            fail: r.count(Verdict::Fail),
            skip: r.count(Verdict::Skip),
            unchecked: r.count(Verdict::Inconclusive),
        },
        checks: &r.lines,
    };
    super::json::pretty(&env)
}
