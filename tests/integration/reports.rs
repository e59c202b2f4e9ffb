//! Snapshots of every report format, with ports and durations redacted.

use wiremock::matchers::{body_partial_json, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

use serde_json::Value;
use suno_mock::exit;

use crate::harness::{redact, repo, suno, suno_env};

/// Answers 200 to everything but failure callbacks with code 451, which get a 500.
async fn half_broken() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_partial_json(serde_json::json!({"code": 451})))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"status":"received"}"#))
        .with_priority(2)
        .mount(&server)
        .await;
    server
}

async fn run(format: &str, extra: &[&str]) -> (crate::harness::Out, tempfile::TempDir) {
    let server = half_broken().await;
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec![
        "run".to_string(),
        repo("scenarios/examples/failure-451.yaml"),
        repo("scenarios/examples/success.yaml"),
        "--receiver".into(),
        format!("{}/callback", server.uri()),
        "--seed".into(),
        "42".into(),
        "--retries".into(),
        "1".into(),
        "--retry-delays".into(),
        "10ms".into(),
        "--format".into(),
        format.into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = suno(&argv).await;
    (out, dir)
}

fn relative(text: &str) -> String {
    text.replace(env!("CARGO_MANIFEST_DIR"), "[repo]")
}

#[tokio::test(flavor = "multi_thread")]
async fn human_report() {
    let (out, _dir) = run("human", &[]).await;
    assert_eq!(out.code, 1);
    insta::assert_snapshot!(relative(&redact(&out.stdout)));
}

#[tokio::test(flavor = "multi_thread")]
async fn json_report() {
    let (out, _dir) = run("json", &[]).await;
    insta::assert_snapshot!(relative(&redact(&out.stdout)));
}

#[tokio::test(flavor = "multi_thread")]
async fn junit_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junit.xml").display().to_string();
    let (out, _d) = run("human", &["--report-junit", &path]).await;
    assert_eq!(out.code, 1);
    let xml = std::fs::read_to_string(&path).unwrap();
    insta::assert_snapshot!(relative(&redact(&xml)));
}

#[tokio::test(flavor = "multi_thread")]
async fn check_reports() {
    let server = half_broken().await;
    let url = format!("{}/callback", server.uri());
    let args = [
        "check",
        "--receiver",
        &url,
        "--seed",
        "9",
        "--only",
        "ack-failure,ack-success,reject-malformed",
        "--retries",
        "0",
    ];
    let human = suno(&args).await;
    assert_eq!(human.code, 1);
    insta::assert_snapshot!("check_human", redact(&human.stdout));
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let json = suno(&json_args).await;
    insta::assert_snapshot!("check_json", redact(&json.stdout));
}

#[tokio::test(flavor = "multi_thread")]
async fn github_annotations_and_step_summary() {
    let server = half_broken().await;
    let url = format!("{}/callback", server.uri());
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let args = [
        "check",
        "--receiver",
        &url,
        "--seed",
        "9",
        "--only",
        "ack-failure,ack-success,reject-malformed,record-failure",
        "--retries",
        "0",
    ];
    let env = [
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
    ];
    let out = suno_env(&args, &env).await;
    assert_eq!(out.code, 1);
    let notes: String = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("::"))
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!("github_annotations", redact(&notes));
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.starts_with("earlier step\n\n## suno-mock check"),
        "appended: {md}"
    );
    insta::assert_snapshot!("github_summary", redact(&md));
    // Under --format json the annotations go to stderr and stdout stays one JSON document;
    // --github turns it all on without the variable.
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json", "--github"]);
    let out = suno(&json_args).await;
    serde_json::from_str::<serde_json::Value>(&out.stdout).unwrap();
    assert!(
        out.stderr.contains("::error title=suno-mock ack-failure"),
        "{}",
        out.stderr
    );
    // Off the runner, none of it.
    let out = suno(&args).await;
    assert!(!out.stdout.contains("::error"), "{}", out.stdout);
}

/// Issue 30: a run that cannot do its job after its arguments were read (nothing listens at
/// the receiver) still writes every report it was asked for, each saying why, and under
/// `--format json` prints the JSON too; the exit status is the documented 4.
#[tokio::test]
async fn every_requested_report_is_written_when_the_receiver_is_unreachable() {
    // A port bound and closed again: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    for command in [
        vec!["check"],
        vec!["send", "success"],
        vec!["load", "--tasks", "5"],
    ] {
        let receiver = format!("http://127.0.0.1:{port}/callback?token=tok-secret-1");
        let mut args: Vec<&str> = command.clone();
        let (json, xml, html) = (path("r.json"), path("r.xml"), path("r.html"));
        args.extend([
            "--receiver",
            &receiver,
            "--token-param",
            "token",
            "--format",
            "json",
            "--report-json",
            &json,
            "--report-junit",
            &xml,
            "--report-html",
            &html,
        ]);
        let o = suno(&args).await;
        assert_eq!(o.code, exit::HARNESS, "{command:?}: {}", o.stderr);
        let printed: Value = serde_json::from_str(&o.stdout).unwrap();
        let written: Value =
            serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        assert_eq!(printed, written, "{command:?}");
        assert_eq!(written["command"], command[0]);
        assert_eq!(written["exit_code"], 4);
        let error = written["error"].as_str().unwrap();
        assert!(
            error.contains("is not reachable before the first delivery"),
            "{error}"
        );
        let junit = std::fs::read_to_string(&xml).unwrap();
        assert!(
            junit.contains("<error message=\"the receiver at 127.0.0.1:"),
            "{junit}"
        );
        let page = std::fs::read_to_string(&html).unwrap();
        assert!(page.contains("error: the receiver at 127.0.0.1:"), "{page}");
        for text in [&o.stdout, &o.stderr, &junit, &page] {
            assert!(!text.contains("tok-secret-1"), "{command:?}: {text}");
        }
        for f in [&json, &xml, &html] {
            std::fs::remove_file(f).unwrap();
        }
    }
}
