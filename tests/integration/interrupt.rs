//! Ctrl-C during `run`, `check` and `load`: sending stops, attempts in flight get a moment,
//! unfinished steps are marked not run, and every requested report file is still written.

use std::time::{Duration, Instant};

use serde_json::Value;
use suno_mock::exit;
use wiremock::{MockServer, ResponseTemplate};

use crate::harness::{answering_with, scenario_file, sigint};

/// Starts the binary, waits until the receiver has seen a callback, sends SIGINT, and returns
/// the exit status and how long the binary took to stop after the signal.
async fn interrupt(args: &[&str], server: &MockServer) -> (i32, Duration) {
    let (code, took, _) = interrupt_out(args, server).await;
    (code, took)
}

/// [`interrupt`], with what the binary printed on stdout.
async fn interrupt_out(args: &[&str], server: &MockServer) -> (i32, Duration, String) {
    stop_out(args, server, How::Signal("INT")).await
}

/// How a test stops the binary.
#[derive(Clone, Copy)]
enum How {
    /// `kill -<name>`.
    Signal(&'static str),
    /// Closes the binary's standard input, started with `SUNO_MOCK_STOP_ON_STDIN_EOF=1`, as
    /// the Python and Node wrappers start it: what a wrapper killed by SIGKILL leaves behind.
    CloseStdin,
}

/// Starts the binary, waits until the receiver has seen a callback, stops it `how`, and
/// returns the exit status, how long it took to stop, and what it printed on stdout.
async fn stop_out(args: &[&str], server: &MockServer, how: How) -> (i32, Duration, String) {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_suno-mock"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    match how {
        How::Signal(_) => cmd.stdin(std::process::Stdio::null()),
        How::CloseStdin => cmd
            .env("SUNO_MOCK_STOP_ON_STDIN_EOF", "1")
            .stdin(std::process::Stdio::piped()),
    };
    let mut child = cmd.spawn().unwrap();
    let stdin = child.stdin.take();
    let start = Instant::now();
    while server.received_requests().await.unwrap().is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no callback arrived"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let sent = match how {
        How::Signal(name) => crate::harness::signal(&child, name),
        How::CloseStdin => {
            drop(stdin);
            Instant::now()
        }
    };
    let out = tokio::time::timeout(Duration::from_secs(10), child.wait_with_output())
        .await
        .expect("stops once asked")
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        sent.elapsed(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn run_marks_unfinished_steps_and_writes_every_report() {
    let server =
        answering_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(100))).await;
    let dir = tempfile::tempdir().unwrap();
    let f = scenario_file(
        &dir,
        "long.yaml",
        "name: long\nsteps:\n  - deliver: success\n    expect: { status: 200 }\n  - wait: 60s\n  - deliver: success\n",
    );
    let json = dir.path().join("r.json").display().to_string();
    let xml = dir.path().join("r.xml").display().to_string();
    let (code, took) = interrupt(
        &[
            "run",
            &f,
            "--receiver",
            &server.uri(),
            "--report-json",
            &json,
            "--report-junit",
            &xml,
        ],
        &server,
    )
    .await;
    assert_eq!(code, exit::INTERRUPTED);
    assert!(took < Duration::from_secs(5), "{took:?}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["interrupted"], true);
    let steps = v["scenarios"][0]["steps"].as_array().unwrap();
    let statuses: Vec<&str> = steps
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["passed", "not-run", "not-run"]);
    assert!(
        std::fs::read_to_string(&xml).unwrap().contains("<skipped"),
        "not-run scenario is skipped in JUnit"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn check_writes_its_reports_with_unfinished_rules_inconclusive() {
    let server =
        answering_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(100))).await;
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("c.json").display().to_string();
    let xml = dir.path().join("c.xml").display().to_string();
    let (code, _, stdout) = interrupt_out(
        &[
            "check",
            "--receiver",
            &server.uri(),
            "--report-json",
            &json,
            "--report-junit",
            &xml,
            "--settle",
            "2s",
        ],
        &server,
    )
    .await;
    assert_eq!(code, exit::INTERRUPTED);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["interrupted"], true);
    let verdicts: Vec<&str> = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["verdict"].as_str().unwrap())
        .collect();
    assert!(verdicts.contains(&"inconclusive"), "{verdicts:?}");
    assert!(
        !verdicts.iter().all(|v| *v == "pass"),
        "an interrupted check is not a pass"
    );
    assert!(std::path::Path::new(&xml).exists());
    // Rules that never ran get no evidence block and no "how to fix": they are listed once.
    let with_evidence = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["verdict"] != "pass" && r["verdict"] != "skip")
        .filter(|r| !r["evidence"]["deliveries"].as_array().unwrap().is_empty())
        .count();
    assert_eq!(
        stdout.matches("how to fix").count(),
        with_evidence,
        "{stdout}"
    );
    assert!(
        stdout.contains("interrupted: ") && stdout.contains("did not finish"),
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn load_prints_the_partial_result() {
    let server =
        answering_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(100))).await;
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("l.json").display().to_string();
    let (code, took) = interrupt(
        &[
            "load",
            "--receiver",
            &server.uri(),
            "--duration",
            "60s",
            "--rate",
            "50",
            "--duplicates",
            "0.5",
            "--report-json",
            &json,
        ],
        &server,
    )
    .await;
    assert_eq!(code, exit::INTERRUPTED);
    assert!(took < Duration::from_secs(5), "{took:?}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let r = &v["result"];
    assert_eq!(r["interrupted"], true);
    let n = |k: &str| r[k].as_u64().unwrap();
    assert!(n("sent") > 0);
    assert_eq!(n("sent"), n("acknowledged") + n("failed") + n("ambiguous"));
    // Only what went out is counted: tasks and duplicates add up to the deliveries sent, and
    // tasks never sent are not reported as never downloaded (issue 9).
    assert_eq!(n("sent"), n("tasks") + n("duplicates"), "{r}");
    assert_eq!(
        n("tasks_downloaded_never") + n("tasks_downloaded_once") + n("tasks_downloaded_more"),
        n("success_tasks"),
        "{r}"
    );
    assert_eq!(
        server.received_requests().await.unwrap().len() as u64,
        n("attempts")
    );
}

/// Issue 20: Ctrl-C during `demo` is an interruption (130), not a mismatch of planted flaws.
#[tokio::test(flavor = "multi_thread")]
async fn demo_interrupted_says_so_and_exits_130() {
    use tokio::io::AsyncBufReadExt as _;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_suno-mock"))
        .args(["demo", "--seed", "1"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    // The first line is printed as both checks start.
    let first = lines.next_line().await.unwrap().unwrap_or_default();
    assert!(first.starts_with("suno-mock demo: checking"), "{first}");
    sigint(&child);
    let mut rest = String::new();
    while let Ok(Some(l)) = lines.next_line().await {
        rest.push_str(&l);
        rest.push('\n');
    }
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("stops after SIGINT")
        .unwrap();
    assert_eq!(status.code(), Some(exit::INTERRUPTED), "{rest}");
    assert!(rest.contains("interrupted: the demo was stopped"), "{rest}");
    assert!(!rest.contains("MISMATCH"), "{rest}");
}

#[tokio::test(flavor = "multi_thread")]
async fn deliveries_in_flight_at_ctrl_c_are_reported_as_ambiguous() {
    // Every callback hangs: at Ctrl-C the first ones are in flight, none answered.
    let server =
        answering_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(60))).await;
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("c.json").display().to_string();
    let (code, took, stdout) = interrupt_out(
        &["check", "--receiver", &server.uri(), "--report-json", &json],
        &server,
    )
    .await;
    assert_eq!(code, exit::INTERRUPTED, "{stdout}");
    assert!(took < Duration::from_secs(8), "stopped after {took:?}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let deliveries = v["summary"]["deliveries"].as_u64().unwrap();
    assert!(deliveries > 0, "{stdout}");
    let cut: Vec<&Value> = v["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["steps"].as_array().into_iter().flatten())
        .flat_map(|s| s["deliveries"].as_array().into_iter().flatten())
        .flat_map(|d| d["attempts"].as_array().into_iter().flatten())
        .filter(|a| a["error"] == "interrupted")
        .collect();
    assert!(!cut.is_empty(), "{stdout}");
    assert!(cut.iter().all(|a| a["ambiguous"] == true));
    assert!(
        stdout.contains("in flight, cut (ambiguous: the receiver may have processed"),
        "{stdout}"
    );
}

/// Issue 28: Ctrl-C while the slow-media attempt of `async-processing` is in flight makes the
/// rule inconclusive ("interrupted"), never `fail`, in every report format. The receiver answers
/// every POST in 8 s, which passes uninterrupted; the signal comes while it is still waiting.
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_during_a_slow_attempt_is_inconclusive_not_fail() {
    let server = answering_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(8))).await;
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("c.json").display().to_string();
    let xml = dir.path().join("c.xml").display().to_string();
    let html = dir.path().join("c.html").display().to_string();
    let (code, _, stdout) = interrupt_out(
        &[
            "check",
            "--receiver",
            &server.uri(),
            "--only",
            "async-processing",
            "--report-json",
            &json,
            "--report-junit",
            &xml,
            "--report-html",
            &html,
        ],
        &server,
    )
    .await;
    assert_eq!(code, exit::INTERRUPTED, "{stdout}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let rule = v["rules"]
        .as_array()
        .unwrap_or_else(|| panic!("no rules in {v}"))
        .iter()
        .find(|r| r["id"] == "async-processing")
        .unwrap();
    assert_eq!(rule["verdict"], "inconclusive", "{rule}");
    assert!(
        rule["reason"].as_str().unwrap().contains("interrupted"),
        "{rule}"
    );
    let cut = &rule["evidence"]["deliveries"][0]["attempts"][0];
    assert_eq!(
        cut["error"], "interrupted",
        "the cut attempt is the evidence: {rule}"
    );
    assert!(stdout.contains("inconclusive"), "{stdout}");
    assert!(!stdout.contains("fail must async-processing"), "{stdout}");
    // The summary counts it among the rules the interruption left, and asks for no probe.
    assert!(
        stdout.contains("interrupted: 1 rule did not finish and is inconclusive: async-processing"),
        "{stdout}"
    );
    assert!(!stdout.contains("UNVERIFIED"), "{stdout}");
    let junit = std::fs::read_to_string(&xml).unwrap();
    assert!(!junit.contains("<failure"), "{junit}");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("inconclusive"), "the HTML says inconclusive");
}

/// Issue 30: SIGTERM (a process manager, `docker stop`) and the end of standard input (the
/// wrapper that started the tool killed, even by SIGKILL) stop `check` as Ctrl-C does: sending
/// stops and every requested report is written.
#[tokio::test(flavor = "multi_thread")]
async fn sigterm_and_a_closed_wrapper_pipe_stop_check_with_its_reports() {
    for how in [How::Signal("TERM"), How::CloseStdin] {
        let server =
            answering_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(100))).await;
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("c.json").display().to_string();
        let (code, took, _) = stop_out(
            &[
                "check",
                "--receiver",
                &server.uri(),
                "--report-json",
                &json,
                "--settle",
                "2s",
            ],
            &server,
            how,
        )
        .await;
        assert_eq!(code, exit::INTERRUPTED);
        assert!(took < Duration::from_secs(5), "{took:?}");
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        assert_eq!(v["interrupted"], true);
    }
}

/// Issue 30: `serve` started by a wrapper stops when the wrapper's pipe closes (the wrapper
/// died), with its last line and exit 0, and lets go of its port; SIGTERM stops it the same way.
#[tokio::test(flavor = "multi_thread")]
async fn serve_stops_when_its_wrapper_is_gone_or_on_sigterm() {
    use tokio::io::AsyncReadExt as _;
    for how in [How::CloseStdin, How::Signal("TERM")] {
        let addr = format!("127.0.0.1:{}", crate::harness::free_port());
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_suno-mock"));
        cmd.args(["serve", "--listen", &addr])
            .env("SUNO_MOCK_STOP_ON_STDIN_EOF", "1")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        let mut child = cmd.spawn().unwrap();
        let stdin = child.stdin.take();
        let mut stdout = child.stdout.take().unwrap();
        let mut seen = crate::harness::read_until(&mut stdout, "Ctrl-C stops").await;
        match how {
            How::CloseStdin => drop(stdin),
            How::Signal(name) => {
                crate::harness::signal(&child, name);
            }
        }
        let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
            .await
            .expect("serve stops once asked")
            .unwrap();
        stdout.read_to_end(&mut seen).await.unwrap();
        let log = String::from_utf8_lossy(&seen);
        assert_eq!(status.code(), Some(0), "{log}");
        assert!(log.contains("stopped: 0 tasks"), "{log}");
        std::net::TcpListener::bind(&addr).expect("the port is free once serve has stopped");
    }
}
