//! `fuzz` against a receiver with three planted defects (a 500 on a long task id, a hang on
//! the right-to-left override, a crashed handler when `code` is a string): each is found,
//! shrunk and reproduced by its written scenario; against the reference receiver, thousands of
//! cases and no false alarm; the same seed sends the same cases.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;

use crate::harness::{Out, builtin_receiver, sigint, suno};

fn contains_char(v: &Value, c: char) -> bool {
    match v {
        Value::String(s) => s.contains(c),
        Value::Array(a) => a.iter().any(|x| contains_char(x, c)),
        Value::Object(o) => o.iter().any(|(k, x)| k.contains(c) || contains_char(x, c)),
        _ => false,
    }
}

/// The receiver with the planted defects; a body that is not JSON is refused, as it should be.
async fn planted(body: Bytes) -> StatusCode {
    let Ok(v) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    if v.get("code").is_some_and(Value::is_string) {
        // The handler dies; the server drops the connection without an answer.
        panic!("planted defect: `code` is a string");
    }
    if contains_char(&v, '\u{202e}') {
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
    let long_id = v
        .pointer("/data/task_id")
        .and_then(Value::as_str)
        .is_some_and(|t| t.chars().count() > 1000);
    if long_id {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    StatusCode::OK
}

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/callback")
}

/// `suno-mock fuzz` against `url`: `cases` cases of `seed`, as fast as the receiver answers,
/// findings written under `out`, then the `extra` flags.
async fn fuzz(url: &str, seed: &str, cases: &str, out: &std::path::Path, extra: &[&str]) -> Out {
    let out = out.display().to_string();
    let mut args = vec![
        "fuzz",
        "--receiver",
        url,
        "--seed",
        seed,
        "--cases",
        cases,
        "--rate",
        "100000",
        "--out",
        &out,
    ];
    args.extend(extra);
    suno(&args).await
}

fn finding<'a>(report: &'a Value, kind: &str, place: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["kind"] == kind
                && f["changes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c["place"] == place)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn planted_defects_are_found_shrunk_and_reproduced_by_their_scenarios() {
    let url = serve(Router::new().route("/callback", post(planted))).await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("findings");
    let json = dir.path().join("fuzz.json");
    let xml = dir.path().join("fuzz.xml");
    let o = suno(&[
        "fuzz",
        "--receiver",
        &url,
        "--seed",
        "3",
        "--cases",
        "150",
        "--rate",
        "2000",
        // Each hanging case and each shrinking step of one waits this long: short, and safe
        // because a timeout that does not happen again on a re-send is no finding.
        "--timeout",
        "500ms",
        "--out",
        &out.display().to_string(),
        "--report-json",
        &json.display().to_string(),
        "--report-junit",
        &xml.display().to_string(),
    ])
    .await;
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let findings = report["findings"].as_array().unwrap();

    // The 500: shrunk to one change, a task id just over the 1000 characters that break it.
    let long = finding(&report, "server-error", "data.task_id");
    assert!(!long.is_empty(), "{}", o.stdout);
    for f in &long {
        assert_eq!(f["changes"].as_array().unwrap().len(), 1, "{f}");
        assert_eq!(f["changes"][0]["kind"], "long-string");
        let body: Value = serde_json::from_str(f["body"].as_str().unwrap()).unwrap();
        let id = body["data"]["task_id"].as_str().unwrap().chars().count();
        assert!((1001..=2000).contains(&id), "halving stops within 2x: {id}");
        assert_eq!(f["shrunk"], true);
    }
    // The hang: every timeout shrunk to the one character that causes it.
    let hangs: Vec<&Value> = findings.iter().filter(|f| f["kind"] == "timeout").collect();
    assert!(!hangs.is_empty(), "{}", o.stdout);
    for f in &hangs {
        assert_eq!(f["changes"].as_array().unwrap().len(), 1, "{f}");
        let change = f["changes"][0]["change"].as_str().unwrap();
        assert!(
            change.ends_with("set to \"\u{202e}\"") || change.ends_with("1 × \"\u{202e}\""),
            "{change}"
        );
    }
    // The crash: `code` a string, the connection dropped.
    let crash = finding(&report, "connection", "code");
    assert!(!crash.is_empty(), "{}", o.stdout);
    // Nothing else: every finding is one of the three defects.
    assert_eq!(
        findings.len(),
        long.len() + hangs.len() + crash.len(),
        "{}",
        o.stdout
    );
    assert_eq!(report["cases"]["sent"], 150);

    // Each file reproduces its finding against the broken receiver and passes against the
    // reference receiver, which has none of the defects. The replays wait out the hangs'
    // deadlines, so they run at once.
    let replays = findings.iter().map(|f| {
        let file = f["file"].as_str().unwrap().to_string();
        let url = url.clone();
        async move {
            let replay = suno(&["run", &file, "--receiver", &url]).await;
            assert_eq!(replay.code, 1, "{file} must fail:\n{}", replay.stdout);
            let fixed = suno(&["run", &file, "--receiver", "builtin"]).await;
            assert_eq!(fixed.code, 0, "{file} must pass:\n{}", fixed.stdout);
        }
    });
    futures_util::future::join_all(replays).await;
    let junit = std::fs::read_to_string(&xml).unwrap();
    assert_eq!(junit.matches("<failure").count(), findings.len(), "{junit}");
    assert!(o.stdout.contains("replay: suno-mock run"), "{}", o.stdout);
}

/// The reference receiver has no finding over 2500 cases of `family` (signed with `key`).
async fn no_finding_in(family: &str, key: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let mut extra = vec!["--family", family, "--concurrency", "8", "--format", "json"];
    if let Some(k) = key {
        extra.extend(["--hmac-key", k]);
    }
    let o = fuzz("builtin", "11", "2500", dir.path(), &extra).await;
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let r: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(r["cases"]["sent"], 2500);
    assert_eq!(r["findings"], Value::Array(vec![]), "{family}");
    assert_eq!(r["accepted_invalid"], Value::Array(vec![]), "{family}");
    // Both answers occurred: the cases are neither all valid nor all refused.
    assert!(
        r["cases"]["refused"].as_u64().unwrap() > 500,
        "{}",
        o.stdout
    );
    assert!(
        r["cases"]["accepted"].as_u64().unwrap() > 200,
        "{}",
        o.stdout
    );
    assert!(dir.path().exists(), "a folder that was there is left alone");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_reference_receiver_has_no_finding_over_thousands_of_video_cases() {
    no_finding_in("video", None).await;
}

/// Music signed: the reference receiver verifies every signature before it answers 200.
#[tokio::test(flavor = "multi_thread")]
async fn the_reference_receiver_has_no_finding_over_thousands_of_signed_music_cases() {
    no_finding_in("music", Some("fuzz-key")).await;
}

type Seen = Arc<Mutex<BTreeMap<u64, Vec<u8>>>>;

/// Runs fuzz against a receiver that accepts everything and keeps each body by its case
/// number (the `X-Suno-Mock-Fuzz-Case` header), the media host's port masked.
async fn bodies(seed: &str) -> BTreeMap<u64, Vec<u8>> {
    let seen: Seen = Arc::default();
    let keep = seen.clone();
    let app = Router::new().route(
        "/callback",
        post(move |h: HeaderMap, body: Bytes| {
            let keep = keep.clone();
            async move {
                let case = h["x-suno-mock-fuzz-case"].to_str().unwrap().to_string();
                if let Ok(n) = case.rsplit('/').next().unwrap().parse::<u64>() {
                    // The media host's port is the one thing a run changes in a body.
                    let port = regex::bytes::Regex::new(r"127\.0\.0\.1:\d+").unwrap();
                    let body = port.replace_all(&body, &b"127.0.0.1:PORT"[..]).into_owned();
                    keep.lock().unwrap().insert(n, body);
                }
                StatusCode::OK
            }
        }),
    );
    let url = serve(app).await;
    let dir = tempfile::tempdir().unwrap();
    let o = fuzz(&url, seed, "300", dir.path(), &["--concurrency", "8"]).await;
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    // It accepts everything, bodies the docs rule out included: said, and not a finding.
    assert!(o.stdout.contains("accepted-invalid:"), "{}", o.stdout);
    seen.lock().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_seed_sends_the_same_cases() {
    let a = bodies("5").await;
    let b = bodies("5").await;
    // Every case once, under its own number (liveness checks are labelled `alive-K`).
    assert!(a.keys().copied().eq(0..300), "{:?}", a.keys());
    assert!(a == b, "seed 5 sent other bodies the second time");
    let c = bodies("6").await;
    let same = a.iter().filter(|(k, v)| c.get(k) == Some(v)).count();
    assert!(same < 30, "{same} of 300 cases equal under another seed");
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_stops_at_once_with_the_findings_so_far_written() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let url = serve(Router::new().route("/callback", post(planted))).await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("findings");
    let json = dir.path().join("fuzz.json");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_suno-mock"))
        .args([
            "fuzz",
            "--receiver",
            &url,
            "--seed",
            "3",
            "--cases",
            "100000",
            "--rate",
            "500",
            "--timeout",
            "1s",
            "--out",
            &out.display().to_string(),
            "--report-json",
            &json.display().to_string(),
        ])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    // The first finding is announced on stderr once its file is written.
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = loop {
        let line = lines
            .next_line()
            .await
            .unwrap()
            .expect("a finding before the end");
        if line.starts_with("finding 1:") {
            break line;
        }
    };
    let sent = sigint(&child);
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("stops after SIGINT")
        .unwrap();
    assert_eq!(status.code(), Some(suno_mock::exit::INTERRUPTED));
    // At once: a shrink in progress or a hanging case (60 s) is not waited out; the bound
    // leaves room for a loaded 2-core CI machine writing the reports.
    assert!(
        sent.elapsed() < Duration::from_secs(6),
        "{:?}",
        sent.elapsed()
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["interrupted"], true);
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty(), "{report}");
    for f in findings {
        assert!(
            std::path::Path::new(f["file"].as_str().unwrap()).exists(),
            "{f}"
        );
    }
    let file = first.split(" · wrote ").nth(1).unwrap();
    assert!(std::path::Path::new(file).exists(), "{first}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_budget_ends_the_run_and_an_unused_findings_folder_is_not_left_behind() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("not-yet");
    let o = suno(&[
        "fuzz",
        "--receiver",
        "builtin",
        "--seed",
        "2",
        "--budget",
        "1s",
        "--rate",
        "50",
        "--format",
        "json",
        "--out",
        &out.display().to_string(),
    ])
    .await;
    assert_eq!(o.code, 0, "{}", o.stderr);
    let r: Value = serde_json::from_str(&o.stdout).unwrap();
    let sent = r["cases"]["sent"].as_u64().unwrap();
    // At most 50 requests a second for a second, the first liveness check among them: the
    // rate bounds what the receiver gets, and the budget ends the sending.
    assert!((1..=51).contains(&sent), "{sent}");
    assert!(!out.exists());
}

/// The built-in receiver that dies on a body it cannot parse (answers 503 to everything
/// after), on a port of its own.
async fn dying() -> (suno_mock::receiver::RunningReceiver, String) {
    use suno_mock::receiver::{Flaw, Flaws, ReceiverConfig};
    let cfg = ReceiverConfig {
        flaws: Flaws(vec![Flaw::CrashOnBadInput]),
        ..ReceiverConfig::default()
    };
    let r = builtin_receiver(&cfg).await;
    let url = r.callback_url(&cfg);
    (r, url)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_that_dies_is_one_unresponsive_finding_and_the_run_stops() {
    let (_r, url) = dying().await;
    let dir = tempfile::tempdir().unwrap();
    let o = fuzz(&url, "1", "500", dir.path(), &["--format", "json"]).await;
    assert_eq!(o.code, 1, "{}", o.stderr);
    let r: Value = serde_json::from_str(&o.stdout).unwrap();
    // What broke after it died is part of the one finding, not findings of its own.
    let findings = r["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{}", o.stdout);
    assert_eq!(findings[0]["kind"], "unresponsive");
    assert!(
        r["stopped"].as_str().unwrap().ends_with("fuzzing stopped"),
        "{}",
        o.stdout
    );
    assert!(r["cases"]["sent"].as_u64().unwrap() < 500);
    // The file brings a fresh copy of the receiver down, and the reference one survives it.
    let file = findings[0]["file"].as_str().unwrap();
    let (_fresh, fresh_url) = dying().await;
    let replay = suno(&["run", file, "--receiver", &fresh_url]).await;
    assert_eq!(replay.code, 1, "{}", replay.stdout);
    assert!(replay.stdout.contains("got: 503"), "{}", replay.stdout);
    // The file names its family: its broken bodies are broken on purpose, no warning each.
    assert!(
        !replay.stderr.contains("matches no documented family"),
        "{}",
        replay.stderr
    );
    let fixed = suno(&["run", file, "--receiver", "builtin"]).await;
    assert_eq!(fixed.code, 0, "{}", fixed.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_breakage_that_does_not_happen_again_is_flaky_not_a_finding() {
    use std::sync::atomic::{AtomicBool, Ordering};
    // A 500 to the first body whose `code` is not a number, a 400 to every later one.
    let failed_once = Arc::new(AtomicBool::new(false));
    let app = Router::new().route(
        "/callback",
        post(move |body: Bytes| {
            let failed_once = failed_once.clone();
            async move {
                let v: Value = serde_json::from_slice(&body).unwrap_or_default();
                match v.get("code") {
                    Some(Value::Number(_)) => StatusCode::OK,
                    _ if !failed_once.swap(true, Ordering::SeqCst) => {
                        StatusCode::INTERNAL_SERVER_ERROR
                    }
                    _ => StatusCode::BAD_REQUEST,
                }
            }
        }),
    );
    let url = serve(app).await;
    let dir = tempfile::tempdir().unwrap();
    let o = fuzz(&url, "4", "200", dir.path(), &[]).await;
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(
        o.stdout.contains(
            "1 case broke the receiver once but not when re-sent (flaky, not findings): case "
        ),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("no findings over 200 cases"),
        "{}",
        o.stdout
    );
}

/// Answers 500 to a body whose `code` is not a number, 200 to the rest.
async fn fails_on_a_non_numeric_code(body: Bytes) -> StatusCode {
    match serde_json::from_slice::<Value>(&body) {
        Ok(v) if !v.get("code").is_some_and(Value::is_number) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::OK,
    }
}

/// Every file of a folder, by name.
fn files(dir: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|f| {
            let f = f.unwrap();
            (
                f.file_name().to_string_lossy().into_owned(),
                std::fs::read(f.path()).unwrap(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_seed_writes_byte_identical_findings_that_replay_on_any_later_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut runs = Vec::new();
    // Two runs, each with its own receiver and its own media host (another port).
    for k in ["a", "b"] {
        let url = serve(Router::new().route("/callback", post(fails_on_a_non_numeric_code))).await;
        let out = dir.path().join(k);
        let html = dir.path().join(format!("{k}.html"));
        let html_arg = html.to_str().unwrap();
        let o = fuzz(
            &url,
            "11",
            "60",
            &out,
            &["--concurrency", "1", "--report-html", html_arg],
        )
        .await;
        assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
        runs.push(files(&out));
        // The page fuzz --help offers: every finding, with its body and how to replay it.
        let page = std::fs::read_to_string(&html).unwrap();
        assert!(
            page.contains("<section class=\"finding\" id=\"finding-1\">")
                && page.contains("Replay: <code>suno-mock run"),
            "{page}"
        );
    }
    assert!(!runs[0].is_empty());
    assert_eq!(runs[0], runs[1], "the same seed writes the same files");
    let all: String = runs[0]
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(all.contains("{media_host}/"), "{all}");
    assert!(!all.contains("127.0.0.1"), "no run's port in a file: {all}");
    // A later run fills in its own media host: the reference receiver downloads the media
    // the body names and the finding passes.
    for name in runs[0].keys() {
        let file = dir.path().join("a").join(name);
        let fixed = suno(&["run", file.to_str().unwrap(), "--receiver", "builtin", "-v"]).await;
        assert_eq!(fixed.code, 0, "{name}:\n{}{}", fixed.stdout, fixed.stderr);
        assert!(!fixed.stdout.contains("{media_host}"), "{}", fixed.stdout);
    }
}
