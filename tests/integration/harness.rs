//! Helpers that keep each test to a few lines: run the binary, build a sender, redact what
//! changes between runs (ports, durations) before snapshots.

use std::path::PathBuf;
use std::time::Duration;

use suno_mock::sender::{ClientOptions, Policy, Prepared, Sender};
use suno_mock::wire::Auth;

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the built binary with `args`, no colour, no standard input.
pub async fn suno(args: &[&str]) -> Out {
    suno_env(args, &[]).await
}

/// [`suno`] with these environment variables set. The CI's own GitHub Actions variables are
/// removed, so a run on GitHub prints what a run anywhere else does.
pub async fn suno_env(args: &[&str], env: &[(&str, &str)]) -> Out {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_suno-mock"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("SUNO_MOCK_HMAC_KEY")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .expect("the binary runs");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn repo(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(path)
        .display()
        .to_string()
}

/// Replaces what differs between runs: ports, durations, timestamps, signatures.
pub fn redact(text: &str) -> String {
    let rules: &[(&str, &str)] = &[
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[port]"),
        (
            r#""(duration_ms|connect_ms|at_ms|waited_ms)": [0-9.]+"#,
            r#""$1": 0"#,
        ),
        (r#""signed_at": \d+"#, r#""signed_at": 0"#),
        (r#"time="[0-9.]+""#, r#"time="0""#),
        (r"\+\d+\.\d+s", "+[t]"),
        (r"\b\d+(\.\d+)?(ms|s)\b", "[dur]"),
    ];
    let mut out = text.to_string();
    for (pattern, with) in rules {
        out = regex::Regex::new(pattern)
            .expect("valid pattern")
            .replace_all(&out, *with)
            .into_owned();
    }
    out
}

pub fn policy(timeout_ms: u64, retries: u32, delay_ms: u64) -> Policy {
    Policy {
        timeout: Duration::from_millis(timeout_ms),
        retries,
        retry_delays: vec![Duration::from_millis(delay_ms)],
        ..Policy::default()
    }
}

pub fn sender() -> Sender {
    Sender::new(&ClientOptions::default()).expect("client")
}

pub fn prepared(url: &str, body: &str) -> Prepared {
    let url = url::Url::parse(url).expect("url");
    Prepared {
        display_url: url.to_string(),
        url,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: bytes::Bytes::from(body.to_string()),
        task_id: "task_test".into(),
        auth: Auth::Genuine,
    }
}

/// A scenario file written to a temporary folder.
pub fn scenario_file(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).expect("write scenario");
    p.display().to_string()
}

/// A loopback port nothing listens on now.
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A built-in receiver with `cfg`, on a loopback port of its own.
pub async fn builtin_receiver(
    cfg: &suno_mock::receiver::ReceiverConfig,
) -> suno_mock::receiver::RunningReceiver {
    suno_mock::receiver::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("the built-in receiver binds a loopback port")
}

/// Sends SIGINT (Ctrl-C) to `child` and returns when it was sent.
pub fn sigint(child: &tokio::process::Child) -> std::time::Instant {
    signal(child, "INT")
}

/// Reads `from` until what it printed contains `text` (a server's banner); all it read.
pub async fn read_until(from: &mut (impl tokio::io::AsyncRead + Unpin), text: &str) -> Vec<u8> {
    use tokio::io::AsyncReadExt as _;
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains(text) {
        let n = from.read(&mut buf).await.unwrap();
        assert!(n > 0, "it ended first: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
    }
    seen
}

/// Sends the signal `name` (`INT`, `TERM`) to the child; the instant it was sent.
pub fn signal(child: &tokio::process::Child, name: &str) -> std::time::Instant {
    let pid = child.id().expect("the child is running").to_string();
    let sent = std::time::Instant::now();
    let status = std::process::Command::new("kill")
        .args([&format!("-{name}"), &pid])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -{name} {pid} failed");
    sent
}

/// A wiremock receiver that answers every POST with `status`: the one helper the tests that
/// need a plain receiver share.
pub async fn answering(status: u16) -> wiremock::MockServer {
    answering_with(wiremock::ResponseTemplate::new(status)).await
}

/// [`answering`] with a whole answer (a delay, a body).
pub async fn answering_with(answer: wiremock::ResponseTemplate) -> wiremock::MockServer {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(answer)
        .mount(&server)
        .await;
    server
}
