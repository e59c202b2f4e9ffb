//! `--report-html`, opened in a real headless chromium: it renders with no console error and no
//! request blocked, and what it draws is the report's data (every attempt of every delivery in
//! order, each verdict; the load percentiles and per-second counts). A screenshot of each page
//! is kept under `target/html-report/` for a person to look at.

use std::path::PathBuf;

use serde_json::Value;
use suno_mock::receiver::{Flaw, Flaws, ReceiverConfig};

use crate::browser::{render, render_at};
use crate::harness::{builtin_receiver, suno};

fn shots() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/html-report")
}

/// What the check page draws, read back from the rendered DOM.
const CHECK_PAGE: &str = r#"({
  attempts: [...document.querySelectorAll('#timeline rect[data-attempt]')].map(r => ({
    delivery: +r.closest('g').dataset.delivery,
    attempt: +r.dataset.attempt,
    at: +r.dataset.atMs,
    outcome: r.dataset.outcome,
    width: r.getBoundingClientRect().width,
    fill: getComputedStyle(r).fill,
  })),
  rows: document.querySelectorAll('#timeline g.delivery').length,
  deadlines: document.querySelectorAll('#timeline line.deadline').length,
  delays: document.querySelectorAll('#timeline line.delay').length,
  verdicts: [...document.querySelectorAll('#verdicts tr[data-rule]')].map(t => [t.dataset.rule, t.dataset.verdict]),
  timelineHeight: document.getElementById('timeline').getBoundingClientRect().height,
  links: [...document.querySelectorAll('#verdicts a')].map(a => [a.closest('tr').dataset.rule, !!document.querySelector(a.getAttribute('href'))]),
  counts: document.getElementById('counts').textContent,
  overlaps: OVERLAPS,
})"#;

/// Every row of the timeline whose label runs into one of its bars or past the 0 s axis, as
/// the browser laid them out (boxes on the screen, not attributes).
const OVERLAPS: &str = r#"[...document.querySelectorAll('#timeline g.delivery')].filter(g => {
    const label = g.querySelector('text.label').getBoundingClientRect();
    const axis = document.querySelector('#timeline line.grid').getBoundingClientRect().left;
    return label.right > axis || [...g.querySelectorAll('rect')].some(r => r.getBoundingClientRect().left < label.right);
  }).map(g => g.querySelector('text.label').textContent)"#;

/// The page in a narrow window: nothing wider than the window (no sideways scrolling), and
/// every table cell with text in it at least `min` pixels wide, so a reason reads as lines of
/// words rather than a column of three letters.
const NARROW: &str = r#"({
  page: document.documentElement.scrollWidth,
  window: window.innerWidth,
  beyond: [...document.body.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5).map(e => e.tagName + ' ' + e.textContent.slice(0, 40)),
  cramped: [...document.querySelectorAll('td')].filter(td => td.textContent.trim().length > 12 && td.getBoundingClientRect().width < MIN).map(td => [Math.round(td.getBoundingClientRect().width), td.textContent.slice(0, 40)]),
})"#;

/// Renders `html` 600 and 400 pixels wide (a phone held upright) and asserts nothing sticks
/// out sideways and no cell with a sentence in it is squeezed under 120 pixels.
async fn fits_a_narrow_window(html: &std::path::Path, name: &str) {
    for width in [600, 400] {
        let expression = NARROW.replace("MIN", "120");
        let shot = shots().join(format!("{name}-{width}.png"));
        let narrow = render_at(html, &expression, &shot, width).await;
        let v = &narrow.value;
        assert!(narrow.errors.is_empty(), "{width} px: {:?}", narrow.errors);
        assert!(
            v["page"].as_f64().unwrap() <= v["window"].as_f64().unwrap(),
            "{width} px: {v}"
        );
        assert_eq!(
            v["beyond"],
            serde_json::json!([]),
            "{width} px: off the right edge"
        );
        assert_eq!(
            v["cramped"],
            serde_json::json!([]),
            "{width} px: squeezed cells"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_check_page_renders_every_attempt_and_verdict_in_a_real_browser() {
    // Failures get 500 (a retry ladder), the video is downloaded before answering (an
    // attempt cut at the deadline).
    let cfg = ReceiverConfig {
        flaws: Flaws(vec![Flaw::FailOnFailure, Flaw::BlockingDownload]),
        ..ReceiverConfig::default()
    };
    let rec = builtin_receiver(&cfg).await;
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("check.html");
    let json = dir.path().join("check.json");
    let out = suno(&[
        "check",
        "--receiver",
        &rec.callback_url(&cfg),
        "--only",
        "ack-success,ack-failure,async-processing,idempotent-duplicate",
        "--timeout",
        "1s",
        "--retries",
        "2",
        "--retry-delays",
        "50ms,100ms",
        "--seed",
        "5",
        "--report-html",
        html.to_str().unwrap(),
        "--report-json",
        json.to_str().unwrap(),
    ])
    .await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let page = render(
        &html,
        &CHECK_PAGE.replace("OVERLAPS", OVERLAPS),
        &shots().join("check.png"),
    )
    .await;
    assert!(page.errors.is_empty(), "{:?}", page.errors);
    let drawn = &page.value;
    // Every attempt of every delivery, in report order, with its time and outcome.
    let mut expected = Vec::new();
    for (i, d) in report["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["steps"].as_array().unwrap())
        // An observe step has no deliveries key.
        .flat_map(|st| st["deliveries"].as_array().into_iter().flatten())
        .enumerate()
    {
        for a in d["attempts"].as_array().unwrap() {
            let outcome = match (
                a["accepted"].as_bool().unwrap(),
                a.get("status").and_then(Value::as_u64),
            ) {
                (true, _) => "ok",
                (false, Some(400..=499)) => "declined",
                (false, Some(_)) => "refused",
                (false, None) => "noanswer",
            };
            expected.push((
                i as u64,
                a["number"].as_u64().unwrap(),
                a["at_ms"].as_f64().unwrap(),
                outcome.to_string(),
            ));
        }
    }
    let got: Vec<(u64, u64, f64, String)> = drawn["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["delivery"].as_u64().unwrap(),
                a["attempt"].as_u64().unwrap(),
                a["at"].as_f64().unwrap(),
                a["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // The drawing keeps one decimal of a millisecond.
    assert_eq!(got.len(), expected.len(), "{got:?}\n{expected:?}");
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!((g.0, g.1, &g.3), (e.0, e.1, &e.3), "{got:?}\n{expected:?}");
        assert!(
            (g.2 - e.2).abs() <= 0.051,
            "{g:?} drawn at another time than {e:?}"
        );
    }
    assert_eq!(
        drawn["rows"].as_u64(),
        Some(expected.iter().map(|e| e.0).max().unwrap() + 1)
    );
    // Drawn, not only present: every bar has a width and a colour of its outcome.
    for a in drawn["attempts"].as_array().unwrap() {
        assert!(a["width"].as_f64().unwrap() >= 1.0, "{a}");
        let fill = a["fill"].as_str().unwrap();
        let want = match a["outcome"].as_str().unwrap() {
            "ok" => "rgb(45, 164, 78)",
            "declined" => "rgb(140, 149, 159)",
            "refused" => "rgb(207, 34, 46)",
            _ => "rgb(191, 135, 0)",
        };
        assert_eq!(fill, want, "{a}");
    }
    // The ladder: 500, wait, 500, wait, 500 for each failure code; the deadline where the
    // blocking download was cut.
    let retries: u64 = expected.iter().filter(|e| e.1 > 1).count() as u64;
    assert!(retries >= 6, "{expected:?}");
    assert_eq!(drawn["delays"].as_u64(), Some(retries));
    assert!(drawn["deadlines"].as_u64().unwrap() >= 1, "{drawn}");
    assert!(drawn["timelineHeight"].as_f64().unwrap() > 50.0);
    let verdicts: Vec<(String, String)> = report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let shown: Vec<(String, String)> = serde_json::from_value(drawn["verdicts"].clone()).unwrap();
    assert_eq!(shown, verdicts);
    // Each verdict with evidence links to it, and the link lands.
    let links: Vec<(String, bool)> = serde_json::from_value(drawn["links"].clone()).unwrap();
    let with_evidence: Vec<String> = verdicts
        .iter()
        .filter(|(_, v)| v != "pass" && v != "skip")
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(
        links.iter().map(|l| l.0.clone()).collect::<Vec<_>>(),
        with_evidence
    );
    assert!(links.iter().all(|l| l.1), "{links:?}");
    let counts = drawn["counts"].as_str().unwrap();
    assert!(
        counts.starts_with("4 rules") && counts.contains("fail"),
        "{counts}"
    );
    assert_eq!(
        drawn["overlaps"],
        serde_json::json!([]),
        "labels run into bars"
    );
    fits_a_narrow_window(&html, "check").await;
    // Self-contained: nothing in it reaches the network.
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(!text.contains("http-equiv=\"refresh\"") && !text.contains("<script"));
    assert!(
        !text.contains(" src=") && !text.contains("<link"),
        "no external asset"
    );
}

const LOAD_PAGE: &str = r#"({
  points: [...document.querySelectorAll('#latency circle[data-percentile]')].map(c => [c.dataset.percentile, +c.dataset.ms, c.getBoundingClientRect().width]),
  bars: [...document.querySelectorAll('#per-second rect[data-second]')].map(r => [+r.dataset.second, +r.dataset.count, r.getBoundingClientRect().height]),
  curve: document.querySelector('#latency polyline').getAttribute('points').split(' ').length,
})"#;

#[tokio::test(flavor = "multi_thread")]
async fn the_load_page_draws_the_percentiles_and_every_second() {
    let cfg = ReceiverConfig::default();
    let rec = builtin_receiver(&cfg).await;
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("load.html");
    let out = suno(&[
        "load",
        "--receiver",
        &rec.callback_url(&cfg),
        "--tasks",
        "600",
        "--rate",
        "400",
        "--seed",
        "2",
        "--no-progress",
        "--format",
        "json",
        "--report-html",
        html.to_str().unwrap(),
    ])
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    let r = &report["result"];
    let page = render(&html, LOAD_PAGE, &shots().join("load.png")).await;
    assert!(page.errors.is_empty(), "{:?}", page.errors);
    let points = page.value["points"].as_array().unwrap();
    for (name, key) in [
        ("p50", "p50_ms"),
        ("p90", "p90_ms"),
        ("p99", "p99_ms"),
        ("p99.9", "p999_ms"),
    ] {
        let p = points.iter().find(|p| p[0] == name).unwrap();
        assert_eq!(p[1].as_f64(), r["latency"][key].as_f64(), "{name}");
        assert!(p[2].as_f64().unwrap() > 0.0, "{name} is drawn");
    }
    let per_second: Vec<u64> = serde_json::from_value(r["per_second"].clone()).unwrap();
    let bars = page.value["bars"].as_array().unwrap();
    assert_eq!(bars.len(), per_second.len());
    for (bar, n) in bars.iter().zip(&per_second) {
        assert_eq!(bar[1].as_u64(), Some(*n));
        assert_eq!(bar[2].as_f64().unwrap() > 0.0, *n > 0, "{bar}");
    }
    assert_eq!(per_second.iter().sum::<u64>(), r["sent"].as_u64().unwrap());
    assert!(
        per_second.len() >= 2,
        "600 tasks at 400/s span two seconds: {per_second:?}"
    );
    assert!(page.value["curve"].as_u64().unwrap() >= 10);
    fits_a_narrow_window(&html, "load").await;
}

/// The browser harness itself can fail: a page that loads something from outside, under the
/// report's own Content-Security-Policy, shows up as an error.
#[tokio::test(flavor = "multi_thread")]
async fn a_page_that_reaches_out_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("bad.html");
    let page = suno_mock::report::html::run_page(
        "check",
        &suno_mock::outcome::RunOutcome {
            seed: 1,
            receiver: "http://127.0.0.1:9/cb".into(),
            duration_ms: 0.0,
            interrupted: false,
            cut_short: None,
            probe: None,
            hints: Vec::new(),
            scenarios: Vec::new(),
        },
        Some(&[]),
        std::time::Duration::from_secs(15),
        0,
    )
    .replace("</body>", "<img src=\"http://127.0.0.1:9/x.png\"></body>");
    std::fs::write(&html, page).unwrap();
    let shown = render(&html, "1", &shots().join("bad.png")).await;
    assert!(
        shown.errors.iter().any(|e| e.contains("127.0.0.1:9")),
        "{:?}",
        shown.errors
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_run_page_lists_every_scenario_and_draws_its_attempts() {
    let cfg = ReceiverConfig {
        flaws: Flaws(vec![Flaw::FailOnFailure]),
        ..ReceiverConfig::default()
    };
    let rec = builtin_receiver(&cfg).await;
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("run.html");
    let json = dir.path().join("run.json");
    let out = suno(&[
        "run",
        &crate::harness::repo("scenarios/examples"),
        "--receiver",
        &rec.callback_url(&cfg),
        "--retries",
        "1",
        "--retry-delays",
        "20ms",
        "--report-html",
        html.to_str().unwrap(),
        "--report-json",
        json.to_str().unwrap(),
    ])
    .await;
    assert!(matches!(out.code, 0 | 1), "{}", out.stderr);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let page = render(
        &html,
        &r#"({
          scenarios: [...document.querySelectorAll('#scenarios tr[data-status]')].map(t => t.dataset.status),
          attempts: document.querySelectorAll('#timeline rect[data-attempt]').length,
          overlaps: OVERLAPS,
          family: document.querySelector('h1 + p').textContent,
        })"#
            .replace("OVERLAPS", OVERLAPS),
        &shots().join("run.png"),
    )
    .await;
    assert!(page.errors.is_empty(), "{:?}", page.errors);
    let statuses: Vec<String> = report["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap().to_string())
        .collect();
    let shown: Vec<String> = serde_json::from_value(page.value["scenarios"].clone()).unwrap();
    assert_eq!(shown, statuses);
    assert_eq!(
        page.value["attempts"].as_u64(),
        report["summary"]["attempts"].as_u64()
    );
    // The scenario names are long: cut to fit, never over the bars or the axis.
    assert_eq!(
        page.value["overlaps"],
        serde_json::json!([]),
        "labels run into bars"
    );
    assert!(
        page.value["family"]
            .as_str()
            .unwrap()
            .contains("family video"),
        "{}",
        page.value["family"]
    );
    fits_a_narrow_window(&html, "run").await;
}
