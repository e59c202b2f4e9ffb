//! What a new user tripped over in the first hour (issue 9), each pinned as it now behaves.

use std::io::{BufRead, BufReader};
use std::time::Duration;

use serde_json::Value;
use suno_mock::exit;
use suno_mock::receiver::ReceiverConfig;
use suno_mock::wire::signing;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::harness::{answering, builtin_receiver, scenario_file, suno};

/// A child process killed when the test ends, passed or failed.
struct Reaped(std::process::Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `check --only verify-source --hmac-key k` as JSON, against a receiver answering `status`.
async fn verify_source_json(status: u16) -> Value {
    let server = answering(status).await;
    let out = suno(&[
        "check",
        "--receiver",
        &server.uri(),
        "--only",
        "verify-source",
        "--hmac-key",
        "k",
        "--format",
        "json",
        "--retries",
        "0",
    ])
    .await;
    serde_json::from_str(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn send_keeps_the_video_up_until_a_background_download_has_finished() {
    // The built-in receiver answers first and downloads in the background, as
    // `explain download-video` recommends; `send` used to stop its video host at the answer.
    let cfg = ReceiverConfig::default();
    let r = builtin_receiver(&cfg).await;
    for i in 0..5 {
        let task = format!("task_bg_{i}");
        let out = suno(&[
            "send",
            "success",
            "--receiver",
            &r.callback_url(&cfg),
            "--task",
            &task,
            "--probe-url",
            &r.probe_url(),
            "--format",
            "json",
        ])
        .await;
        assert_eq!(out.code, exit::SUCCESS, "{}{}", out.stdout, out.stderr);
        let rec = r.record(&task).expect("processed");
        assert_eq!(rec.download_error, None, "run {i}");
        assert_eq!(rec.video_bytes, 10240, "run {i}: the whole video arrived");
        let v: Value = serde_json::from_str(&out.stdout).unwrap();
        let o = &v["scenarios"][0]["steps"][0]["observation"];
        assert_eq!(o["downloads"]["completed"], 1, "{o}");
        assert_eq!(o["probe_http"]["video_bytes"], 10240, "{o}");
    }
    let human = suno(&[
        "send",
        "success",
        "--receiver",
        &r.callback_url(&cfg),
        "--probe-url",
        &r.probe_url(),
    ])
    .await;
    assert!(
        human
            .stdout
            .contains("downloads 1 completed of 1 requested, probe-url"),
        "{}",
        human.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unverified_must_rules_fail_the_run_and_say_what_to_add() {
    let server = answering(200).await;
    let out = suno(&[
        "check",
        "--receiver",
        &server.uri(),
        "--only",
        "idempotent-duplicate,ack-success",
        "--settle",
        "100ms",
        "--timeout",
        "2s",
    ])
    .await;
    assert_eq!(out.code, exit::FAILED, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("UNVERIFIED: 1 must rule was NOT verified: idempotent-duplicate"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("--probe-url"), "{}", out.stdout);
    let help = suno(&["check", "--help"]).await.stdout;
    assert!(help.contains("inconclusive"), "{help}");
}

#[tokio::test(flavor = "multi_thread")]
async fn junit_carries_warnings_and_real_times() {
    let server = answering(200).await;
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("j.xml").display().to_string();
    let out = suno(&[
        "check",
        "--receiver",
        &server.uri(),
        "--only",
        "reject-malformed,ack-success",
        "--report-junit",
        &xml,
    ])
    .await;
    assert_eq!(out.code, exit::SUCCESS, "{}", out.stdout);
    let x = std::fs::read_to_string(&xml).unwrap();
    let case = x
        .split("<testcase")
        .find(|c| c.contains("name=\"reject-malformed\""))
        .unwrap();
    assert!(case.contains("<system-out>warning: accepted"), "{case}");
    assert!(case.contains("name=\"verdict\" value=\"warn\""), "{case}");
    let times: Vec<f64> = regex::Regex::new(r#"<testcase [^>]*time="([0-9.]+)""#)
        .unwrap()
        .captures_iter(&x)
        .map(|c| c[1].parse().unwrap())
        .collect();
    assert_eq!(times.len(), 2, "{x}");
    assert!(times.iter().all(|t| *t > 0.0), "{x}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_signatures_that_went_out_are_shown_exactly() {
    let v = verify_source_json(401).await;
    let ds = v["rules"][0]["evidence"]["deliveries"].as_array().unwrap();
    let by_auth = |auth: &str| {
        ds.iter()
            .find(|d| d["auth"] == auth)
            .map(|d| &d["attempts"][0])
            .unwrap()
    };
    assert!(by_auth("unsigned").get("signature").is_none());
    for auth in ["wrong-key", "stale-timestamp"] {
        let a = by_auth(auth);
        let sig = a["signature"].as_str().unwrap();
        let ts = a["signed_at"].as_i64().unwrap();
        let task = ds.iter().find(|d| d["auth"] == auth).unwrap()["task_id"]
            .as_str()
            .unwrap();
        let right = signing::signature("k", task, ts);
        assert_eq!(auth == "stale-timestamp", sig == right, "{auth}: {a}");
    }
    // `send -v`: the real header values of every attempt.
    let server = answering(401).await;
    let out = suno(&[
        "send",
        "success",
        "--receiver",
        &server.uri(),
        "--hmac-key",
        "k",
        "--task",
        "task_sig",
        "--retries",
        "1",
        "--retry-delays",
        "10ms",
        "-v",
        "--settle",
        "50ms",
    ])
    .await;
    let re =
        regex::Regex::new(r"X-Webhook-Timestamp: (\d+)\n.*X-Webhook-Signature: (\S+)").unwrap();
    let shown: Vec<(i64, String)> = re
        .captures_iter(&out.stdout)
        .map(|c| (c[1].parse().unwrap(), c[2].to_string()))
        .collect();
    assert_eq!(shown.len(), 2, "both attempts: {}", out.stdout);
    for (ts, sig) in shown {
        assert_eq!(sig, signing::signature("k", "task_sig", ts));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn check_prints_each_verdict_while_it_runs() {
    // Success callbacks are answered after 300 ms, failure callbacks after 2 s: ack-success's
    // scenario ends well before ack-failure's, which runs beside it.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(wiremock::matchers::body_partial_json(
            serde_json::json!({"code": 200}),
        ))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(300)))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(2000)))
        .with_priority(2)
        .mount(&server)
        .await;
    let uri = server.uri();
    let mut child = Reaped(
        std::process::Command::new(env!("CARGO_BIN_EXE_suno-mock"))
            .args([
                "check",
                "--receiver",
                &uri,
                "--only",
                "ack-success,ack-failure",
            ])
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let lines_task = tokio::task::spawn_blocking(move || {
        let header = lines.next().unwrap().unwrap();
        let first = lines.next().unwrap().unwrap();
        (header, first, lines)
    });
    let (header, first, _rest) = lines_task.await.unwrap();
    // ack-failure's deliveries (2 s) are still running when ack-success's verdict has been
    // read.
    let still_running = child.0.try_wait().unwrap().is_none();
    let _ = child.0.wait();
    assert!(header.starts_with("suno-mock check · receiver"), "{header}");
    assert!(
        first.contains("pass") && first.contains("ack-success"),
        "{first}"
    );
    assert!(still_running, "the verdict came only at the end");
}

#[tokio::test(flavor = "multi_thread")]
async fn check_verbose_shows_every_step() {
    let server = answering(200).await;
    let out = suno(&[
        "check",
        "--receiver",
        &server.uri(),
        "--only",
        "ack-success",
        "-v",
    ])
    .await;
    assert!(
        out.stdout
            .contains("step 1 (line 4): deliver success (task done)"),
        "{}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn https_to_a_plain_http_port_is_a_tls_error_that_says_so() {
    let server = answering(200).await;
    let url = server.uri().replace("http://", "https://");
    let out = suno(&[
        "check",
        "--receiver",
        &url,
        "--only",
        "ack-success",
        "--retries",
        "0",
        "--format",
        "json",
    ])
    .await;
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let rule = &v["rules"][0];
    let a = &rule["evidence"]["deliveries"][0]["attempts"][0];
    assert_eq!(a["error"], "tls", "{a}");
    assert!(a["message"].as_str().unwrap().contains("plain HTTP"), "{a}");
    let reason = rule["reason"].as_str().unwrap();
    assert!(reason.contains("got no answer (tls)"), "{reason}");
    assert!(!reason.contains("answered no answer"), "{reason}");
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_outlives_a_closed_stdout() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    drop(listener);
    let mut child = Reaped(
        std::process::Command::new(env!("CARGO_BIN_EXE_suno-mock"))
            .args(["serve", "--listen", &addr, "--generation-time", "10ms"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    // `serve | head -1`: read one line, then close the pipe.
    let mut out = BufReader::new(child.0.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    drop(out);
    assert!(first.contains("mock provider API"), "{first}");
    let client = reqwest::Client::new();
    for _ in 0..3 {
        // Each request logs a line to the closed stdout.
        let r = client
            .get(format!("http://{addr}/api/v1/mp4/record-info?taskId=x"))
            .header("Authorization", "Bearer k")
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error(), "{}", r.status());
    }
    assert!(child.0.try_wait().unwrap().is_none(), "serve died");
    child.0.kill().unwrap();
    let mut stderr = String::new();
    if let Some(mut e) = child.0.stderr.take() {
        std::io::Read::read_to_string(&mut e, &mut stderr).unwrap();
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn failure_codes_outside_the_documented_ones() {
    let server = answering(200).await;
    let out = suno(&[
        "send",
        "failure",
        "--code",
        "200",
        "--receiver",
        &server.uri(),
    ])
    .await;
    assert_eq!(out.code, exit::USAGE, "{}", out.stderr);
    assert!(out.stderr.contains("success callback"), "{}", out.stderr);
    let out = suno(&[
        "send",
        "failure",
        "--code",
        "999",
        "--receiver",
        &server.uri(),
    ])
    .await;
    assert_eq!(out.code, exit::SUCCESS, "{}", out.stderr);
    assert!(out.stderr.contains("warning: --code"), "{}", out.stderr);
    assert!(out.stderr.contains("500, 400, 451"), "{}", out.stderr);
    let out = suno(&["serve", "--failure-code", "200"]).await;
    assert_eq!(out.code, exit::USAGE, "{}", out.stderr);
    let dir = tempfile::tempdir().unwrap();
    let bad = scenario_file(
        &dir,
        "f.yaml",
        "name: f\nsteps:\n  - deliver: failure\n    code: 200\n",
    );
    let out = suno(&["validate", &bad]).await;
    assert_eq!(out.code, exit::INVALID_SCENARIO);
    assert!(out.stderr.contains("f.yaml:4:11"), "{}", out.stderr);
    let odd = scenario_file(
        &dir,
        "g.yaml",
        "name: g\nsteps:\n  - deliver: failure\n    code: 418\n",
    );
    let out = suno(&["validate", &odd]).await;
    assert_eq!(out.code, exit::SUCCESS, "{}", out.stderr);
    assert!(out.stderr.contains("warning: code 418"), "{}", out.stderr);
    assert!(out.stdout.contains("(1 warning)"), "{}", out.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unwritable_report_path_stops_before_the_first_delivery() {
    let server = answering(200).await;
    for cmd in [
        &["check"][..],
        &["send", "success"],
        &["load", "--tasks", "5"],
    ] {
        let mut args = cmd.to_vec();
        let uri = server.uri();
        args.extend([
            "--receiver",
            &uri,
            "--report-junit",
            "/nonexistent/dir/x.xml",
        ]);
        let out = suno(&args).await;
        assert_eq!(out.code, exit::HARNESS, "{cmd:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("/nonexistent/dir/x.xml"),
            "{}",
            out.stderr
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn smaller_findings() {
    // Plurals.
    let server = answering(200).await;
    let dir = tempfile::tempdir().unwrap();
    let one = scenario_file(
        &dir,
        "one.yaml",
        "name: one\nsteps:\n  - deliver: success\n",
    );
    let out = suno(&["run", &one, "--receiver", &server.uri()]).await;
    assert!(
        out.stdout
            .contains("1 scenario: 1 passed, 0 failed · 1 delivery, 1 attempt"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.starts_with("suno-mock run · receiver"),
        "{}",
        out.stdout
    );
    let out = suno(&["validate", &one]).await;
    assert!(out.stdout.contains("(1 step)"), "{}", out.stdout);
    let out = suno(&[
        "check",
        "--receiver",
        &server.uri(),
        "--only",
        "ack-success",
    ])
    .await;
    assert!(out.stdout.contains("\n1 rule: 1 pass"), "{}", out.stdout);
    // Rule ids in any case, with did-you-mean.
    let out = suno(&["explain", "VERIFY_SOURCE"]).await;
    assert_eq!(out.code, exit::SUCCESS, "{}", out.stderr);
    let out = suno(&["check", "--receiver", &server.uri(), "--only", "ack-succes"]).await;
    assert_eq!(out.code, exit::USAGE);
    assert!(
        out.stderr.contains("did you mean `ack-success`"),
        "{}",
        out.stderr
    );
    // A JSON file's syntax error says JSON.
    let json = scenario_file(&dir, "s.json", "{\"name\": \"x\", \"steps\": [}");
    let out = suno(&["validate", &json]).await;
    assert!(out.stderr.contains("not valid JSON"), "{}", out.stderr);
    // A custom body is reported under the task_id it carries.
    let custom = scenario_file(
        &dir,
        "c.yaml",
        "name: c\nsteps:\n  - deliver: custom\n    json: { code: 200, msg: success, data: { task_id: my_own_id, video_url: null } }\n",
    );
    let out = suno(&[
        "run",
        &custom,
        "--receiver",
        &server.uri(),
        "--format",
        "json",
    ])
    .await;
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        v["scenarios"][0]["steps"][0]["deliveries"][0]["task_id"],
        "my_own_id"
    );
    // The contract a user reads is in the repository.
    let readme = std::fs::read_to_string(crate::harness::repo("README.md")).unwrap();
    assert!(
        !readme.contains("../shared"),
        "the README cites files users do not have"
    );
    assert!(std::path::Path::new(&crate::harness::repo("docs/contract.md")).exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_source_names_each_forged_callback_once() {
    let v = verify_source_json(200).await;
    let reason = v["rules"][0]["reason"].as_str().unwrap();
    assert!(!reason.contains("more)"), "{reason}");
    assert!(
        reason.contains("the unsigned callback was answered 200")
            && reason.contains("also wrong: the wrong-key, stale-timestamp callbacks"),
        "{reason}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn streamed_verdicts_are_the_final_ones() {
    // Verdicts printed early must be the ones the report ends with, for receivers right and wrong.
    use suno_mock::receiver::Flaw;
    let runs = [
        vec![],
        vec![
            Flaw::NoDedup,
            Flaw::CrashOnBadInput,
            Flaw::FailOnFailure,
            Flaw::NoVerify,
        ],
        vec![Flaw::Answer202, Flaw::StrictFields, Flaw::StrictContentType],
    ]
    .map(|flaws| tokio::spawn(streamed_equals_final(flaws)));
    for r in runs {
        r.await.unwrap();
    }
}

async fn streamed_equals_final(flaws: Vec<suno_mock::receiver::Flaw>) {
    use suno_mock::receiver::Flaws;
    {
        let cfg = ReceiverConfig {
            hmac_key: Some("k".into()),
            flaws: Flaws(flaws.clone()),
            ..ReceiverConfig::default()
        };
        let r = builtin_receiver(&cfg).await;
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("c.json").display().to_string();
        let out = suno(&[
            "check",
            "--receiver",
            &r.callback_url(&cfg),
            "--hmac-key",
            "k",
            "--probe-url",
            &r.probe_url(),
            "--timeout",
            "1s",
            "--retry-delays",
            "10ms",
            "--max-wait",
            "3s",
            "--report-json",
            &json,
        ])
        .await;
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        let table: Vec<&str> = out
            .stdout
            .lines()
            .skip(1)
            .take_while(|l| !l.is_empty())
            .collect();
        assert_eq!(table.len(), 19, "{flaws:?}: {}", out.stdout);
        for rule in v["rules"].as_array().unwrap() {
            let id = rule["id"].as_str().unwrap();
            let line = table
                .iter()
                .find(|l| l.split_whitespace().nth(2) == Some(id))
                .unwrap_or_else(|| panic!("{id} not printed: {}", out.stdout));
            let verdict = line.split_whitespace().next().unwrap();
            assert_eq!(verdict, rule["verdict"], "{flaws:?} {id}: {line}");
            assert!(
                line.ends_with(rule["reason"].as_str().unwrap()),
                "{flaws:?} {id}: {line} / {}",
                rule["reason"]
            );
        }
    }
}

/// Issue 30: `serve`'s log names the method of a path it does not know, keeps the query of a
/// poll it refuses, and counts one task as one.
#[tokio::test(flavor = "multi_thread")]
async fn serve_logs_method_and_query_and_counts_in_words() {
    use tokio::io::AsyncReadExt as _;
    let addr = format!("127.0.0.1:{}", crate::harness::free_port());
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_suno-mock"))
        .args(["serve", "--listen", &addr, "--generation-time", "10s"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    // The banner's first line says the server is up.
    let mut seen = crate::harness::read_until(&mut stdout, "Ctrl-C stops").await;
    let client = reqwest::Client::new();
    let key = ("Authorization", "Bearer k");
    let r = client
        .get(format!("http://{addr}/api/v1/nothing"))
        .header(key.0, key.1)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = client
        .get(format!(
            "http://{addr}/api/v1/lyrics/record-info?taskId=nope"
        ))
        .header(key.0, key.1)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = client
        .post(format!("http://{addr}/api/v1/lyrics"))
        .header(key.0, key.1)
        .json(&serde_json::json!({"prompt": "rain", "callBackUrl": "http://127.0.0.1:9/cb"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    crate::harness::sigint(&child);
    stdout.read_to_end(&mut seen).await.unwrap();
    let log = String::from_utf8_lossy(&seen);
    assert!(log.contains("GET /api/v1/nothing -> 404"), "{log}");
    assert!(
        log.contains(
            "GET /api/v1/lyrics/record-info?taskId=nope -> 400 no task with taskId nope here"
        ),
        "{log}"
    );
    assert!(
        log.contains("stopped: 1 task, 0 callback attempts"),
        "{log}"
    );
    assert_eq!(child.wait().await.unwrap().code(), Some(0));
}
