//! `--report-html FILE`: one self-contained page a person opens after a CI run. For `check`
//! and `run`: the verdicts (or scenarios), each rule's evidence, and an SVG timeline of every
//! delivery and attempt. For `load`: the latency percentile curve and deliveries per second.
//! No script, no external asset; a Content-Security-Policy forbids any request the page might
//! make. Every drawn element carries the numbers it was drawn from (`data-*`), so a test can
//! hold the drawing to the report's data.

use std::fmt::Write as _;
use std::time::Duration;

use super::evidence::rule_evidence;
use super::style::Style;
use crate::duration::human;
use crate::outcome::load::LoadResult;
use crate::outcome::load::Threshold;
use crate::outcome::{Attempt, Delivery, RunOutcome, ScenarioStatus};
use crate::rules::RuleResult;

/// At most this many deliveries are drawn; the JSON report has all of them.
const MAX_ROWS: usize = 400;
const WIDTH: f64 = 1000.0;
const LABEL: f64 = 330.0;
/// The most characters of a row's label that fit left of the plot (11px monospace is about
/// 6.6 units a character); a longer label is cut with `…` and shown whole on hover.
const LABEL_CHARS: usize = 46;
const ROW: f64 = 18.0;

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1280px; padding: 0 1em; color: #1d2125; overflow-wrap: break-word; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; } h3 { font-size: 1em; }
table { border-collapse: collapse; max-width: 100%; } td, th { border-bottom: 1px solid #dde; padding: 3px 10px; text-align: left; vertical-align: top; }
code, pre { font: 12px/1.4 ui-monospace, monospace; } td code { white-space: nowrap; }
/* In a narrow window the long cells wrap anywhere; the short ones never break a word. */
#verdicts td:nth-child(2), #verdicts td:nth-child(3), #scenarios td:nth-child(2), #scenarios td:nth-child(3) { white-space: nowrap; }
#verdicts td:last-child, #scenarios td:first-child, #scenarios td small code, #accepted-invalid td { overflow-wrap: anywhere; white-space: normal; } pre { background: #f5f6f8; padding: 8px; overflow-x: auto; }
.pass, .passed { color: #1a7f37; } .fail, .failed, .error { color: #cf222e; } .warn, .inconclusive, .not_run { color: #9a6700; } .skip { color: #6e7781; }
svg text { font: 11px ui-monospace, monospace; fill: #1d2125; }
.ok { fill: #2da44e; } .declined { fill: #8c959f; } .refused { fill: #cf222e; } .noanswer { fill: #bf8700; }
.delay { stroke: #8c959f; stroke-dasharray: 3 2; } .deadline { stroke: #cf222e; stroke-width: 1; stroke-dasharray: 2 2; }
.counts span { margin-right: 1em; } a { color: #0969da; }
.grid { stroke: #eaeef2; } .curve { fill: none; stroke: #0969da; stroke-width: 2; } .bar { fill: #0969da; } .point { fill: #0969da; }
.legend span { display: inline-block; margin-right: 1.5em; } .sw { display: inline-block; width: 12px; height: 12px; vertical-align: -2px; margin-right: 4px; }
/* A phone held upright: a table of four columns leaves its reason three letters a line, so each
   row becomes a block: the short cells on one line, the sentence under them at full width, and a
   row of figures as labelled figures that wrap. */
@media (max-width: 640px) {
  table, tbody, tr, td { display: block; } tr.head { display: none; }
  tr { border-bottom: 1px solid #dde; padding: 4px 0; } td { border: 0; padding: 1px 4px; }
  #verdicts td:nth-child(-n+3), #scenarios td:nth-child(n+2), #thresholds td:nth-child(-n+2) { display: inline-block; white-space: nowrap; }
  .figures td { display: inline-block; margin-right: 1em; } td[data-label]::before { content: attr(data-label) " "; color: #57606a; }
  #timeline text.label { font-size: 10px; }
}
"#;

pub(crate) fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

/// The `#counts` table: one row of labelled figures, each `(label, value, class)`. In a narrow
/// window the header row hides and each figure carries its label (`data-label`).
pub(crate) fn figures(cells: &[(&str, String, &str)]) -> String {
    let mut b = String::from("<table id=\"counts\" class=\"figures\"><tr class=\"head\">");
    for (label, _, _) in cells {
        let _ = write!(b, "<th>{}</th>", escape(label));
    }
    b.push_str("</tr>\n<tr>");
    for (label, value, class) in cells {
        let class = if class.is_empty() {
            String::new()
        } else {
            format!(" class=\"{class}\"")
        };
        let _ = write!(
            b,
            "<td data-label=\"{}\"{class}>{}</td>",
            escape(label),
            escape(value)
        );
    }
    b.push_str("</tr></table>\n");
    b
}

fn secs(ms: f64) -> String {
    human(Duration::from_secs_f64(ms.max(0.0) / 1000.0))
}

/// An axis label in seconds: `0s`, `0.5s`, `12s`.
fn axis_secs(ms: f64) -> String {
    let s = format!("{:.3}", ms / 1000.0);
    format!("{}s", s.trim_end_matches('0').trim_end_matches('.'))
}

/// A round step for an axis spanning `span` with about `n` ticks.
fn nice_step(span: f64, n: f64) -> f64 {
    let raw = (span / n).max(f64::MIN_POSITIVE);
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
}

/// What an attempt came to, as a class of the drawing: accepted; a 4xx (the receiver refused
/// the request, which is right for bad input, so never drawn as an error); another answer the
/// sender does not accept (5xx, 3xx, a 2xx other than 200); no answer.
fn outcome(a: &Attempt) -> &'static str {
    match (a.accepted, a.status) {
        (true, _) => "ok",
        (false, Some(s)) if (400..500).contains(&s) => "declined",
        (false, Some(_)) => "refused",
        (false, None) => "noanswer",
    }
}

/// A row's label cut to fit left of the plot.
fn fitted(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_string();
    }
    let head: String = label.chars().take(LABEL_CHARS - 1).collect();
    format!("{}…", head.trim_end())
}

/// The timeline: a row per delivery, a bar per attempt from when it went out for as long as
/// it took, the wait before each retry dashed, the deadline of each attempt that reached it
/// marked in red.
pub fn timeline(rows: &[(String, &Delivery)], deadline: Duration) -> String {
    let shown = &rows[..rows.len().min(MAX_ROWS)];
    let end_ms = shown
        .iter()
        .flat_map(|(_, d)| d.attempts.iter())
        .map(|a| a.at_ms + a.duration_ms)
        .fold(1.0_f64, f64::max);
    let deadline_ms = deadline.as_secs_f64() * 1000.0;
    let plot = WIDTH - LABEL - 40.0;
    let x = |ms: f64| LABEL + ms / end_ms * plot;
    let height = 30.0 + ROW * shown.len() as f64 + 10.0;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" role=\"img\" aria-label=\"every delivery and attempt over time\" data-end-ms=\"{end_ms:.1}\">"
    );
    let step = nice_step(end_ms, 8.0);
    let mut t = 0.0;
    while t <= end_ms {
        let _ = writeln!(
            svg,
            "<line class=\"grid\" x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"20\" y2=\"{1:.1}\"/><text x=\"{0:.1}\" y=\"14\" text-anchor=\"middle\">{2}</text>",
            x(t),
            height - 10.0,
            axis_secs(t)
        );
        t += step;
    }
    for (i, (label, d)) in shown.iter().enumerate() {
        let y = 30.0 + ROW * i as f64;
        let _ = writeln!(
            svg,
            "<g class=\"delivery\" data-delivery=\"{i}\" data-task-id=\"{}\" data-attempts=\"{}\">\n<text class=\"label\" x=\"4\" y=\"{:.1}\"><title>{}</title>{}</text>",
            escape(&d.task_id),
            d.attempts.len(),
            y + 12.0,
            escape(label),
            escape(&fitted(label))
        );
        let mut previous_end: Option<f64> = None;
        for a in &d.attempts {
            if let Some(pe) = previous_end {
                let _ = writeln!(
                    svg,
                    "<line class=\"delay\" x1=\"{:.2}\" x2=\"{:.2}\" y1=\"{2:.1}\" y2=\"{2:.1}\" data-delay-ms=\"{3:.1}\"/>",
                    x(pe),
                    x(a.at_ms),
                    y + 8.0,
                    a.at_ms - pe
                );
            }
            let w = (a.duration_ms / end_ms * plot).max(2.0);
            let _ = writeln!(
                svg,
                "<rect class=\"attempt {cls}\" x=\"{:.2}\" y=\"{:.1}\" width=\"{w:.2}\" height=\"{:.1}\" data-attempt=\"{}\" data-at-ms=\"{:.1}\" data-duration-ms=\"{:.1}\" data-connect-ms=\"{:.1}\" data-outcome=\"{cls}\"><title>attempt {} at +{:.3}s: {}{}</title></rect>",
                x(a.at_ms),
                y + 2.0,
                ROW - 6.0,
                a.number,
                a.at_ms,
                a.duration_ms,
                a.connect_ms.unwrap_or(0.0),
                a.number,
                a.at_ms / 1000.0,
                escape(&crate::wire::took(a)),
                a.connect_ms
                    .map(|c| format!(
                        " (connect {})",
                        crate::duration::human(std::time::Duration::from_secs_f64(c / 1000.0))
                    ))
                    .unwrap_or_default(),
                cls = outcome(a),
            );
            // An attempt that ran to the deadline: the deadline, where it cut.
            if a.status.is_none() && deadline_ms > 0.0 && a.duration_ms >= deadline_ms * 0.95 {
                let dx = x(a.at_ms + deadline_ms).min(WIDTH - 10.0);
                let _ = writeln!(
                    svg,
                    "<line class=\"deadline\" x1=\"{dx:.2}\" x2=\"{dx:.2}\" y1=\"{:.1}\" y2=\"{:.1}\" data-deadline-ms=\"{deadline_ms:.0}\"><title>the {} deadline</title></line>",
                    y - 2.0,
                    y + ROW + 2.0,
                    escape(&secs(deadline_ms))
                );
            }
            previous_end = Some(a.at_ms + a.duration_ms);
        }
        svg.push_str("</g>\n");
    }
    svg.push_str("</svg>\n");
    let mut out = String::from(
        "<p class=\"legend\"><span><i class=\"sw\" style=\"background:#2da44e\"></i>200, accepted</span><span><i class=\"sw\" style=\"background:#8c959f\"></i>4xx, refused the request</span><span><i class=\"sw\" style=\"background:#cf222e\"></i>another answer (5xx, 3xx, a 2xx other than 200)</span><span><i class=\"sw\" style=\"background:#bf8700\"></i>no answer</span><span>- - - wait before a retry</span><span style=\"color:#cf222e\">┆ where the deadline cut an attempt</span></p>\n",
    );
    out.push_str(&svg);
    if rows.len() > shown.len() {
        let _ = writeln!(
            out,
            "<p>The first {} of {} deliveries are drawn; the JSON report has every one.</p>",
            shown.len(),
            rows.len()
        );
    }
    out
}

/// The counts at the top of a page: the verdicts by kind (`check`), the scenarios by status
/// (`run`), and the deliveries.
fn counts(run: &RunOutcome, rules: Option<&[RuleResult]>) -> String {
    use crate::wire::words::{count, plural};
    let mut parts: Vec<String> = Vec::new();
    match rules {
        Some(rs) => {
            parts.push(plural(rs.len(), "rule"));
            for v in [
                crate::rules::Verdict::Pass,
                crate::rules::Verdict::Fail,
                crate::rules::Verdict::Warn,
                crate::rules::Verdict::Inconclusive,
                crate::rules::Verdict::Skip,
            ] {
                let n = rs.iter().filter(|r| r.verdict == v).count();
                parts.push(format!(
                    "<span class=\"{0}\" data-count=\"{0}\">{n} {0}</span>",
                    v.name()
                ));
            }
        }
        None => {
            parts.push(plural(run.scenarios.len(), "scenario"));
            for (status, name) in [
                (ScenarioStatus::Passed, "passed"),
                (ScenarioStatus::Failed, "failed"),
                (ScenarioStatus::Error, "error"),
                (ScenarioStatus::NotRun, "not_run"),
            ] {
                let n = run.count(status);
                parts.push(format!(
                    "<span class=\"{name}\" data-count=\"{name}\">{n} {}</span>",
                    name.replace('_', " ")
                ));
            }
        }
    }
    let deliveries = run.deliveries().count();
    let attempts: usize = run.deliveries().map(|d| d.attempts.len()).sum();
    format!(
        "<p class=\"counts\" id=\"counts\"><strong>{}</strong> · {} · {}</p>\n",
        parts.join(" "),
        count(deliveries, "delivery", "deliveries"),
        plural(attempts, "attempt")
    )
}

/// The page of a `check` (with `rules`) or a `run` (without).
pub fn run_page(
    command: &str,
    run: &RunOutcome,
    rules: Option<&[RuleResult]>,
    deadline: Duration,
    exit_code: i32,
) -> String {
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<h1>suno-mock {}</h1>\n<p>Receiver <code>{}</code> · family {} · seed {} · {} · exit status <strong>{exit_code}</strong>{}</p>",
        escape(command),
        escape(&run.receiver),
        escape(&run.families().join(", ")),
        run.seed,
        escape(&secs(run.duration_ms)),
        if run.interrupted {
            " · interrupted"
        } else {
            ""
        }
    );
    b.push_str(&counts(run, rules));
    if let Some(p) = &run.probe {
        let _ = writeln!(
            b,
            "<p id=\"probe\" class=\"probe-{0}\">Probe <code>{1}</code>: <strong>{0}</strong>, {2}</p>",
            p.state.name(),
            escape(&p.probe),
            escape(&p.detail)
        );
    }
    if let Some(rules) = rules {
        b.push_str("<h2>Verdicts</h2>\n<table id=\"verdicts\">\n<tr class=\"head\"><th>rule</th><th>level</th><th>verdict</th><th>reason</th></tr>\n");
        for r in rules {
            let v = r.verdict.name();
            // A verdict with evidence below links to it.
            let id = if r.verdict.needs_evidence() {
                format!("<a href=\"#evidence-{0}\"><code>{0}</code></a>", r.id)
            } else {
                format!("<code>{}</code>", r.id)
            };
            let _ = writeln!(
                b,
                "<tr data-rule=\"{}\" data-verdict=\"{v}\"><td>{id}</td><td>{}</td><td class=\"{v}\">{v}</td><td>{}</td></tr>",
                r.id,
                r.level.name(),
                escape(&r.reason)
            );
        }
        b.push_str("</table>\n");
        let shown: Vec<&RuleResult> = rules
            .iter()
            .filter(|r| r.verdict.needs_evidence())
            .collect();
        if !shown.is_empty() {
            b.push_str("<h2>Evidence</h2>\n");
        }
        for r in shown {
            let _ = writeln!(
                b,
                "<h3 id=\"evidence-{}\"><code>{}</code> ({}, <span class=\"{}\">{}</span>)</h3>\n<p>{}</p>",
                r.id,
                r.id,
                r.level.name(),
                r.verdict.name(),
                r.verdict.name(),
                escape(&r.reason)
            );
            let text = rule_evidence(r, "", &Style::default(), usize::MAX);
            if !text.is_empty() {
                let _ = writeln!(b, "<pre>{}</pre>", escape(&text));
            }
            let _ = writeln!(
                b,
                "<p>How to fix: <code>suno-mock explain {}</code></p>",
                r.id
            );
        }
    } else {
        b.push_str("<h2>Scenarios</h2>\n<table id=\"scenarios\">\n<tr class=\"head\"><th>scenario</th><th>status</th><th>took</th></tr>\n");
        for s in &run.scenarios {
            let status = match s.status {
                ScenarioStatus::Passed => "passed",
                ScenarioStatus::Failed => "failed",
                ScenarioStatus::Error => "error",
                ScenarioStatus::NotRun => "not_run",
            };
            let _ = writeln!(
                b,
                "<tr data-status=\"{status}\"><td>{} <small><code>{}</code></small></td><td class=\"{status}\">{}</td><td>{}</td></tr>",
                escape(&s.name),
                escape(&s.file),
                status.replace('_', " "),
                escape(&secs(s.duration_ms))
            );
        }
        b.push_str("</table>\n");
    }
    let rows: Vec<(String, &Delivery)> = run
        .scenarios
        .iter()
        .flat_map(|s| {
            s.deliveries().map(move |d| {
                // A rule id is short and comes first; a scenario's name is a sentence, so
                // what the delivery was comes first and the name is cut to fit.
                let label = match &s.rule {
                    Some(rule) => format!("{rule} · {}", d.label()),
                    None => format!("{} · {}", d.label(), s.name),
                };
                (label, d)
            })
        })
        .collect();
    let _ = writeln!(
        b,
        "<h2>Timeline</h2>\n<p>{}, {}; deadline {} per attempt. Hover a bar for its answer.</p>",
        crate::wire::words::count(rows.len(), "delivery", "deliveries"),
        crate::wire::words::plural(
            rows.iter().map(|(_, d)| d.attempts.len()).sum::<usize>(),
            "attempt"
        ),
        escape(&secs(deadline.as_secs_f64() * 1000.0))
    );
    b.push_str(&timeline(&rows, deadline));
    page(&format!("suno-mock {command}"), &b)
}

/// The quantiles the latency curve is drawn through.
const QUANTILES: &[f64] = &[
    0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9999, 1.0,
];

/// The page of a `load` run: its counts, the latency percentile curve, deliveries per second.
pub fn load_page(command: &str, r: &LoadResult, checks: &[Threshold], exit_code: i32) -> String {
    let mut b = String::new();
    let title = format!("suno-mock {command}");
    let _ = writeln!(
        b,
        "<h1>{title}</h1>\n<p>Receiver <code>{}</code> · family {} · seed {} · {:.1} s · {:.0} deliveries/s · exit status <strong>{exit_code}</strong></p>",
        escape(&r.receiver),
        escape(&r.family),
        r.seed,
        r.duration_s,
        r.rate_per_s
    );
    if r.interrupted {
        // What the human report says of Ctrl-C, said here too (issue 30): the figures cover
        // part of the run.
        let _ = writeln!(
            b,
            "<p id=\"interrupted\" class=\"warn\">interrupted: the result covers what was sent before Ctrl-C; {} scheduled but not sent</p>",
            super::count(r.counts.unsent as usize, "delivery", "deliveries")
        );
    }
    if !r.merged_shards.is_empty() {
        let _ = writeln!(
            b,
            "<p id=\"shards\">{}</p>",
            escape(&crate::report::load::shards_line(r))
        );
    }
    if !checks.is_empty() {
        b.push_str(
            "<table id=\"thresholds\"><tr class=\"head\"><th>threshold</th><th>verdict</th><th>detail</th></tr>\n",
        );
        for t in checks {
            let (class, word) = if t.passed {
                ("pass", "pass")
            } else {
                ("fail", "FAIL")
            };
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td class=\"{class}\">{word}</td><td>{}</td></tr>",
                escape(&t.name),
                escape(&t.detail)
            );
        }
        b.push_str("</table>\n");
    }
    let c = &r.counts;
    let ms = |v: f64| format!("{v:.2} ms");
    b.push_str(&figures(&[
        ("sent", c.sent.to_string(), ""),
        ("acknowledged", c.acknowledged.to_string(), ""),
        ("failed", c.failed.to_string(), ""),
        ("ambiguous", c.ambiguous.to_string(), ""),
        ("attempts", c.attempts.to_string(), ""),
        ("retried", c.retried.to_string(), ""),
        ("p50", ms(r.latency.p50_ms), ""),
        ("p99", ms(r.latency.p99_ms), ""),
        ("max", ms(r.latency.max_ms), ""),
    ]));
    b.push_str("<h2>Latency by percentile</h2>\n<p>From each delivery's intended send time to its answer; the x axis stretches the tail (90%, 99%, 99.9%...).</p>\n");
    b.push_str(&latency_curve(r));
    b.push_str("<h2>Deliveries per second</h2>\n");
    b.push_str(&per_second(&r.per_second));
    page(&title, &b)
}

/// x of a quantile on the tail-stretching axis: log10(1 / (1 - q)), capped at 99.99%.
fn tail_x(q: f64) -> f64 {
    (1.0 / (1.0 - q.min(0.9999))).log10()
}

fn latency_curve(r: &LoadResult) -> String {
    let h = &r.latency_histogram.0;
    let points: Vec<(f64, f64)> = QUANTILES
        .iter()
        .map(|q| (*q, h.value_at_quantile(*q) as f64 / 1000.0))
        .collect();
    let (w, hgt, left, top) = (WIDTH, 320.0, 70.0, 20.0);
    let (pw, ph) = (w - left - 20.0, hgt - top - 40.0);
    let max_x = tail_x(1.0);
    let max_y = points.iter().map(|p| p.1).fold(0.001_f64, f64::max);
    let x = |q: f64| left + tail_x(q) / max_x * pw;
    let y = |ms: f64| top + ph - ms / max_y * ph;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg id=\"latency\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {hgt}\" width=\"100%\" role=\"img\" aria-label=\"latency by percentile\">"
    );
    let step = nice_step(max_y, 5.0);
    let mut v = 0.0;
    while v <= max_y * 1.0001 {
        let _ = writeln!(
            s,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{:.1}\" y1=\"{1:.1}\" y2=\"{1:.1}\"/><text x=\"{2:.1}\" y=\"{3:.1}\" text-anchor=\"end\">{v} ms</text>",
            left + pw,
            y(v),
            left - 6.0,
            y(v) + 4.0
        );
        v += step;
    }
    for (q, label) in [
        (0.0, "0%"),
        (0.9, "90%"),
        (0.99, "99%"),
        (0.999, "99.9%"),
        (0.9999, "99.99%"),
    ] {
        let _ = writeln!(
            s,
            "<line class=\"grid\" x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{top}\" y2=\"{1:.1}\"/><text x=\"{0:.1}\" y=\"{2:.1}\" text-anchor=\"middle\">{label}</text>",
            x(q),
            top + ph,
            top + ph + 16.0
        );
    }
    let line: Vec<String> = points
        .iter()
        .map(|(q, ms)| format!("{:.2},{:.2}", x(*q), y(*ms)))
        .collect();
    let _ = writeln!(
        s,
        "<polyline class=\"curve\" points=\"{}\"/>",
        line.join(" ")
    );
    for (name, q, ms) in [
        ("p50", 0.5, r.latency.p50_ms),
        ("p90", 0.9, r.latency.p90_ms),
        ("p99", 0.99, r.latency.p99_ms),
        ("p99.9", 0.999, r.latency.p999_ms),
    ] {
        let _ = writeln!(
            s,
            "<circle class=\"point\" cx=\"{:.2}\" cy=\"{:.2}\" r=\"4\" data-percentile=\"{name}\" data-ms=\"{ms}\"><title>{name}: {ms:.2} ms</title></circle>",
            x(q),
            y(ms)
        );
    }
    s.push_str("</svg>\n");
    s
}

fn per_second(series: &[u64]) -> String {
    if series.is_empty() {
        return "<p>No delivery finished.</p>\n".into();
    }
    let (w, hgt, left, top) = (WIDTH, 240.0, 70.0, 20.0);
    let (pw, ph) = (w - left - 20.0, hgt - top - 40.0);
    let max = series.iter().copied().max().unwrap_or(1).max(1) as f64;
    let bw = pw / series.len() as f64;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg id=\"per-second\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {hgt}\" width=\"100%\" role=\"img\" aria-label=\"deliveries per second\">"
    );
    let step = nice_step(max, 4.0);
    let mut v = 0.0;
    while v <= max * 1.0001 {
        let yy = top + ph - v / max * ph;
        let _ = writeln!(
            s,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{:.1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{v}/s</text>",
            left + pw,
            left - 6.0,
            yy + 4.0
        );
        v += step;
    }
    let label_every = (series.len() / 10).max(1);
    for (i, n) in series.iter().enumerate() {
        let bh = *n as f64 / max * ph;
        let _ = writeln!(
            s,
            "<rect class=\"bar\" x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{bh:.2}\" data-second=\"{i}\" data-count=\"{n}\"><title>second {i}: {n} deliveries</title></rect>",
            left + bw * i as f64 + bw * 0.1,
            top + ph - bh,
            bw * 0.8
        );
        if i % label_every == 0 {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{i}s</text>",
                left + bw * (i as f64 + 0.5),
                top + ph + 16.0
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_steps_are_round() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(nice_step(1000.0, 8.0), 200.0);
        assert_eq!(nice_step(67_000.0, 8.0), 10_000.0);
        assert_eq!(nice_step(3.0, 5.0), 1.0);
        assert_eq!(axis_secs(0.0), "0s");
        assert_eq!(axis_secs(1500.0), "1.5s");
        assert_eq!(axis_secs(20_000.0), "20s");
    }
}

#[cfg(test)]
mod load_page_tests {
    use super::*;
    use crate::outcome::load::RunPlan;

    /// Issue 30: the page of an interrupted load says so, with what was never sent, as the
    /// human and JSON reports do.
    #[test]
    fn an_interrupted_load_says_so_and_what_was_not_sent() {
        let plan = RunPlan {
            tasks: Some(100),
            duration_s: None,
            rate_per_s: Some(10.0),
            concurrency: 4,
            duplicates: 0.0,
            failures: 0.0,
        };
        let mut r = LoadResult::new(1, "http://127.0.0.1:3000/callback".into(), plan);
        r.interrupted = true;
        r.counts.unsent = 33;
        let page = load_page("load", &r, &[], 130);
        assert!(
            page.contains("interrupted: the result covers what was sent before Ctrl-C; 33 deliveries scheduled but not sent"),
            "{page}"
        );
        r.interrupted = false;
        assert!(!load_page("load", &r, &[], 0).contains("id=\"interrupted\""));
    }
}
