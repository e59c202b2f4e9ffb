//! GitHub Actions: a workflow-command annotation for each rule that fails or warns, and the
//! Markdown step summary (the verdict table, then the evidence of every rule that did not
//! pass) that `check` appends to `$GITHUB_STEP_SUMMARY`.

use std::fmt::Write as _;
use std::time::Duration;

use super::evidence::rule_evidence;
use super::style::Style;
use crate::duration::human;
use crate::outcome::RunOutcome;
use crate::rules::{Level, RuleResult, Verdict};

/// Whether the run is on GitHub Actions (`GITHUB_ACTIONS=true`, as its runners set it).
pub fn detected() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

/// A workflow command's message: `%`, CR and LF escaped as the runner decodes them.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: the message's escapes, and `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// How a verdict is annotated: a failure, or an inconclusive must rule (which fails the run
/// too), is an error; a warning, or an inconclusive should rule, a warning.
fn command(r: &RuleResult) -> Option<&'static str> {
    match (r.verdict, r.level) {
        (Verdict::Fail, _) | (Verdict::Inconclusive, Level::Must) => Some("error"),
        (Verdict::Warn, _) | (Verdict::Inconclusive, Level::Should) => Some("warning"),
        _ => None,
    }
}

/// One `::error title=...::reason` or `::warning ...` line per rule that did not pass.
pub fn annotations(rules: &[RuleResult]) -> String {
    let mut out = String::new();
    for r in rules {
        if let Some(cmd) = command(r) {
            let title = format!(
                "suno-mock {} ({}, {})",
                r.id,
                r.level.name(),
                r.verdict.name()
            );
            let _ = writeln!(
                out,
                "::{cmd} title={}::{}",
                escape_property(&title),
                escape_data(&format!("{} · suno-mock explain {}", r.reason, r.id))
            );
        }
    }
    out
}

/// A table cell: one line, pipes escaped.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\r', '\n'], " ")
}

fn mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "✅ pass",
        Verdict::Fail => "❌ fail",
        Verdict::Warn => "⚠️ warn",
        Verdict::Inconclusive => "❔ inconclusive",
        Verdict::Skip => "➖ skip",
    }
}

/// The step summary (after a blank line, since other steps append to the same file): a
/// heading with the counts, the verdict table, the evidence of each rule
/// that failed, warned or stayed inconclusive.
pub fn summary(run: &RunOutcome, rules: &[RuleResult], exit_code: i32) -> String {
    let mut out = String::new();
    let n = |v| super::check::count(rules, v);
    let _ = writeln!(
        out,
        "\n## suno-mock check: {}\n",
        if exit_code == 0 { "passed" } else { "failed" }
    );
    let _ = writeln!(
        out,
        "Receiver `{}` · family {} · seed {} · {} · exit status {exit_code}\n",
        run.receiver,
        run.families().join(", "),
        run.seed,
        human(Duration::from_secs_f64(run.duration_ms / 1000.0)),
    );
    let _ = writeln!(
        out,
        "**{} rules: {} pass, {} fail, {} warn, {} inconclusive, {} skip**\n",
        rules.len(),
        n(Verdict::Pass),
        n(Verdict::Fail),
        n(Verdict::Warn),
        n(Verdict::Inconclusive),
        n(Verdict::Skip)
    );
    out.push_str("| rule | level | verdict | reason |\n|---|---|---|---|\n");
    for r in rules {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            r.id,
            r.level.name(),
            mark(r.verdict),
            cell(&r.reason)
        );
    }
    let shown: Vec<&RuleResult> = rules
        .iter()
        .filter(|r| r.verdict.needs_evidence())
        .collect();
    if !shown.is_empty() {
        out.push_str("\n### Evidence\n");
    }
    let plain = Style::default();
    for r in shown {
        let _ = writeln!(
            out,
            "\n#### `{}` ({}, {})\n\n{}\n",
            r.id,
            r.level.name(),
            r.verdict.name(),
            r.reason
        );
        let text = rule_evidence(r, "", &plain, 8);
        if !text.is_empty() {
            let _ = write!(out, "```text\n{text}```\n");
        }
        let _ = writeln!(out, "\nHow to fix: `suno-mock explain {}`", r.id);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_properties_are_escaped_as_the_runner_decodes_them() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a: b, c"), "a%3A b%2C c");
        assert_eq!(cell("a | b\nc"), "a \\| b c");
    }
}
