//! Issue 28: no verdict on evidence the harness never checked. A probe that cannot show a
//! change stops the run; one that breaks makes its rules inconclusive; a receiver whose state
//! echoes the values the harness made up passes; https media for a receiver that wants them.

use serde_json::Value;
use suno_mock::exit;
use suno_mock::receiver::{Flaw, Flaws, ReceiverConfig};

use crate::harness::{builtin_receiver, suno, suno_env};
use crate::stdlib_receiver::{Receiver, check_every_family};

fn verdict(report: &Value, id: &str) -> (String, String) {
    let r = report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no rule {id}: {report:#}"));
    (
        r["verdict"].as_str().unwrap().to_string(),
        r["reason"].as_str().unwrap().to_string(),
    )
}

fn json(out: &crate::harness::Out) -> Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", out.stdout, out.stderr))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_probe_that_cannot_show_a_change_stops_the_run_with_a_usage_error() {
    let cfg = ReceiverConfig {
        flaws: Flaws(vec![Flaw::NoDedup]),
        ..ReceiverConfig::default()
    };
    let r = builtin_receiver(&cfg).await;
    let url = r.callback_url(&cfg);
    let only = "idempotent-duplicate,idempotent-concurrent";
    // The right probe: the receiver that counts every copy fails both rules.
    let right = suno(&[
        "check",
        "--receiver",
        &url,
        "--probe-url",
        &r.probe_url(),
        "--only",
        only,
    ])
    .await;
    assert_eq!(right.code, exit::FAILED, "{}{}", right.stdout, right.stderr);
    assert!(
        right.stdout.contains("probe: --probe-url"),
        "{}",
        right.stdout
    );
    assert!(
        right.stdout.contains(": working, answered"),
        "{}",
        right.stdout
    );
    // A one-letter typo in the path: a 404 for every task is no evidence.
    let typo = r.probe_url().replace("/state/", "/states/");
    let out = suno(&[
        "check",
        "--receiver",
        &url,
        "--probe-url",
        &typo,
        "--only",
        only,
    ])
    .await;
    assert_eq!(out.code, exit::USAGE, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("shows nothing that changes"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("404") && out.stderr.contains("wrong path"),
        "{}",
        out.stderr
    );
    assert!(!out.stdout.contains("pass "), "{}", out.stdout);
    // A command that is not found: its stderr is shown.
    let out = suno(&[
        "check",
        "--receiver",
        &url,
        "--probe-cmd",
        "psqll -tAc {task_id}",
        "--only",
        only,
    ])
    .await;
    assert_eq!(out.code, exit::USAGE, "{}", out.stderr);
    assert!(
        out.stderr.contains("exited 127") && out.stderr.contains("psqll: not found"),
        "{}",
        out.stderr
    );
    // A URL without {task_id} answers the same for every task.
    let fixed = r.probe_url().replace("{task_id}", "x");
    let out = suno(&["check", "--receiver", &url, "--probe-url", &fixed]).await;
    assert_eq!(out.code, exit::USAGE, "{}", out.stderr);
    assert!(out.stderr.contains("it has no {task_id}"), "{}", out.stderr);
}

/// A probe that works while it is checked, then fails for every other task (its database
/// went away): the rules that needed it are inconclusive, the report says it broke.
#[tokio::test(flavor = "multi_thread")]
async fn a_probe_that_breaks_mid_run_makes_its_rules_inconclusive_never_pass() {
    let cfg = ReceiverConfig::default();
    let r = builtin_receiver(&cfg).await;
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    let state = r.probe_url().replace("{task_id}", "");
    let cmd = format!(
        r#"if [ -e {f} ] && [ "$(cat {f})" != {{task_id}} ]; then echo 'the database went away' >&2; exit 3; fi; out=$(python3 -c 'import sys,urllib.request
try: print(urllib.request.urlopen(sys.argv[1]+sys.argv[2]).read().decode())
except Exception as e: print(e)' {state} {{task_id}}); case "$out" in *'"processed":1'*) [ -e {f} ] || printf %s {{task_id}} > {f};; esac; echo "$out""#,
        f = first.display(),
    );
    let out = suno(&[
        "check",
        "--receiver",
        &r.callback_url(&cfg),
        "--probe-cmd",
        &cmd,
        "--only",
        "idempotent-duplicate,record-failure",
        "--format",
        "json",
    ])
    .await;
    let report = json(&out);
    // The harness could not observe what it needed: exit 4, as for any harness error.
    assert_eq!(out.code, exit::HARNESS, "{report:#}");
    assert_eq!(report["probe"]["state"], "broke", "{report:#}");
    for id in ["idempotent-duplicate", "record-failure"] {
        let (v, reason) = verdict(&report, id);
        assert_eq!(v, "inconclusive", "{id}: {reason}");
        assert!(reason.contains("the database went away"), "{id}: {reason}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_whose_state_echoes_every_stored_field_passes_every_rule_in_every_family() {
    for (f, out) in check_every_family(Some("echo-stored")).await {
        let report = json(&out);
        for r in report["rules"].as_array().unwrap() {
            let v = r["verdict"].as_str().unwrap();
            assert!(
                matches!(v, "pass" | "skip"),
                "{} {}: {v} {}",
                f.id,
                r["id"],
                r["reason"]
            );
        }
        assert_eq!(out.code, exit::SUCCESS, "{}", f.id);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_that_refuses_http_media_is_checked_with_media_tls() {
    let caroot = tempfile::tempdir().unwrap();
    let root = caroot.path().display().to_string();
    let env = [("SUNO_MOCK_CAROOT", root.as_str())];
    let ca = suno_env(&["ca", "--path"], &env).await;
    assert_eq!(ca.code, exit::SUCCESS, "{}", ca.stderr);
    let ca_path = ca.stdout.trim().to_string();
    assert!(std::path::Path::new(&ca_path).exists(), "{ca_path}");
    let r = Receiver::start_with(Some("https-only"), &[("SSL_CERT_FILE", &ca_path)]).await;
    let args = |tls: bool| {
        let mut a = vec![
            "check".to_string(),
            "--receiver".into(),
            r.url(),
            "--probe-url".into(),
            r.probe(),
            "--only".into(),
            "download-media,idempotent-duplicate".into(),
            "--format".into(),
            "json".into(),
        ];
        if tls {
            a.push("--media-tls".into());
        }
        a
    };
    let plain: Vec<String> = args(false);
    let plain: Vec<&str> = plain.iter().map(String::as_str).collect();
    let report = json(&suno_env(&plain, &env).await);
    let (v, reason) = verdict(&report, "download-media");
    assert_eq!(v, "warn", "{reason}");
    assert!(
        reason.contains("http://") && reason.contains("--media-tls"),
        "{reason}"
    );
    let tls: Vec<String> = args(true);
    let tls: Vec<&str> = tls.iter().map(String::as_str).collect();
    let out = suno_env(&tls, &env).await;
    let report = json(&out);
    assert_eq!(verdict(&report, "download-media").0, "pass", "{report:#}");
    assert_eq!(
        verdict(&report, "idempotent-duplicate").0,
        "pass",
        "{report:#}"
    );
    assert!(out.stderr.contains("media host: https"), "{}", out.stderr);
    assert!(
        out.stdout.contains(r#"\"video_url\":\"https://127.0.0.1:"#)
            && !out.stdout.contains(r#"\"video_url\":\"http:"#),
        "the bodies carry https links only"
    );
}

/// A rerun with the same --seed against a receiver that keeps state: every diagnosis the
/// reuse can cause says so.
#[tokio::test(flavor = "multi_thread")]
async fn a_reused_seed_is_named_by_every_diagnosis_it_can_cause() {
    let cfg = ReceiverConfig::default();
    let r = builtin_receiver(&cfg).await;
    let run = || async {
        json(
            &suno(&[
                "check",
                "--receiver",
                &r.callback_url(&cfg),
                "--probe-url",
                &r.probe_url(),
                "--seed",
                "7",
                "--only",
                "idempotent-duplicate,record-failure,download-media",
                "--max-wait",
                "2s",
                "--format",
                "json",
            ])
            .await,
        )
    };
    let first = run().await;
    assert_eq!(
        verdict(&first, "idempotent-duplicate").0,
        "pass",
        "{first:#}"
    );
    let again = run().await;
    for id in ["idempotent-duplicate", "record-failure", "download-media"] {
        let (v, reason) = verdict(&again, id);
        assert_ne!(v, "pass", "{id}: {reason}");
        assert!(
            reason.contains("reused an earlier --seed"),
            "{id}: {v} {reason}"
        );
    }
}

/// A receiver that answers its first `answered` callbacks with 200 and then dies as a killed
/// process does: the connection in hand is closed without an answer and the port is closed, so
/// every later attempt is refused.
async fn dies_after(answered: usize) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        for _ in 0..answered {
            let Ok((mut s, _)) = l.accept().await else {
                return;
            };
            // One request per connection: read the head and the body its length announces.
            let mut seen = Vec::new();
            let mut buf = [0u8; 8192];
            while let Ok(n @ 1..) = s.read(&mut buf).await {
                seen.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&seen).to_lowercase();
                if let Some(head_end) = text.find("\r\n\r\n") {
                    let len = text[..head_end]
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if seen.len() >= head_end + 4 + len {
                        break;
                    }
                }
            }
            let _ = s
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .await;
        }
        // The next connection is taken and dropped unanswered, then the port goes away.
        if let Ok((s, _)) = l.accept().await {
            drop(s);
        }
    });
    format!("http://{addr}/callback")
}

/// Issue 28: a receiver killed mid-run. `fast-ack` times the answered attempts only and says
/// the rest apart; `ack-deadline` never says every attempt was answered.
#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_that_dies_mid_run_is_never_timed_at_the_deadline() {
    let url = dies_after(4).await;
    // Short retry waits: what is judged is the kind of attempt, not the provider's schedule.
    let out = suno(&[
        "check",
        "--receiver",
        &url,
        "--only",
        "fast-ack,ack-deadline",
        "--retry-delays",
        "10ms",
        "--format",
        "json",
    ])
    .await;
    let report = json(&out);
    let (fast, why) = verdict(&report, "fast-ack");
    assert!(why.contains("got no answer ("), "{fast}: {why}");
    assert!(why.contains("refused"), "{fast}: {why}");
    assert!(!why.contains("15.000s"), "{fast}: {why}");
    let (deadline, why) = verdict(&report, "ack-deadline");
    assert_eq!(deadline, "inconclusive", "{why}");
    assert!(why.contains("got no answer at all ("), "{why}");
    assert_ne!(out.code, exit::SUCCESS, "{}", out.stdout);
}
