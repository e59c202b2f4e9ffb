//! The binary as users run it: every exit status pinned, `send` and `run` against wiremock.

use serde_json::Value;
use suno_mock::exit;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::harness::{answering, repo, scenario_file, suno};

async fn bodies(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_0_when_every_expectation_holds() {
    let out = suno(&[
        "run",
        &repo("scenarios/examples"),
        "--receiver",
        "builtin",
        "--seed",
        "1",
    ])
    .await;
    assert_eq!(out.code, exit::SUCCESS, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("13 scenarios: 13 passed, 0 failed"),
        "{}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_1_when_an_expectation_fails_with_file_step_and_attempts() {
    let server = answering(500).await;
    let out = suno(&[
        "run",
        &repo("scenarios/examples/failure-451.yaml"),
        "--receiver",
        &server.uri(),
        "--retries",
        "1",
        "--retry-delays",
        "10ms",
    ])
    .await;
    assert_eq!(out.code, exit::FAILED, "{}", out.stdout);
    assert!(out.stdout.contains("FAIL  "), "{}", out.stdout);
    assert!(out.stdout.contains("failure-451.yaml"));
    assert!(
        out.stdout
            .contains("step 1 (line 4): deliver failure 451 (task main)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("expected status: 200"));
    assert!(out.stdout.contains("got: 500"));
    assert!(
        out.stdout.contains("attempt 2"),
        "every attempt is shown: {}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_2_for_usage_errors_with_the_reason() {
    let out = suno(&[
        "run",
        &repo("scenarios/examples"),
        "--receiver",
        "not a url",
    ])
    .await;
    assert_eq!(out.code, exit::USAGE);
    assert!(out.stderr.contains("is not a URL"), "{}", out.stderr);
    let out = suno(&["run", &repo("scenarios/examples")]).await;
    assert_eq!(out.code, exit::USAGE);
    assert!(
        out.stderr.contains("--receiver"),
        "never a silent default: {}",
        out.stderr
    );
    let out = suno(&["run", "/no/such/path", "--receiver", "builtin"]).await;
    assert_eq!(out.code, exit::USAGE);
    assert!(out.stderr.contains("/no/such/path"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_3_for_an_invalid_scenario_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = scenario_file(&dir, "bad.yaml", "name: x\nsteps:\n  - delivr: success\n");
    let out = suno(&["validate", &f]).await;
    assert_eq!(out.code, exit::INVALID_SCENARIO);
    assert!(out.stderr.contains("bad.yaml:3:5"), "{}", out.stderr);
    let out = suno(&["run", &f, "--receiver", "builtin"]).await;
    assert_eq!(out.code, exit::INVALID_SCENARIO);
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_4_when_the_receiver_is_down_before_the_first_delivery() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/cb");
    let out = suno(&[
        "run",
        &repo("scenarios/examples/success.yaml"),
        "--receiver",
        &url,
    ])
    .await;
    assert_eq!(out.code, exit::HARNESS);
    assert!(
        out.stderr
            .contains("not reachable before the first delivery"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_4_when_a_report_cannot_be_written() {
    let out = suno(&[
        "run",
        &repo("scenarios/examples/success.yaml"),
        "--receiver",
        "builtin",
        "--report-json",
        "/no/such/dir/r.json",
    ])
    .await;
    assert_eq!(out.code, exit::HARNESS);
    assert!(
        out.stderr
            .contains("cannot write the report /no/such/dir/r.json"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn send_failure_delivers_the_documented_body() {
    let server = answering(200).await;
    let out = suno(&[
        "send",
        "failure",
        "--code",
        "451",
        "--task",
        "task_mine",
        "--receiver",
        &server.uri(),
    ])
    .await;
    assert_eq!(out.code, exit::SUCCESS, "{}{}", out.stdout, out.stderr);
    let b = bodies(&server).await;
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["code"], 451);
    assert_eq!(b[0]["data"]["task_id"], "task_mine");
    assert_eq!(b[0]["data"]["video_url"], Value::Null);
    assert!(
        out.stdout.contains("acknowledged after 1 attempt"),
        "{}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn send_success_points_at_a_downloadable_video_and_applies_set() {
    let server = answering(200).await;
    let out = suno(&[
        "send",
        "success",
        "--set",
        "data.extra=1",
        "--set",
        "msg=\"MP4 generated successfully.\"",
        "--receiver",
        &server.uri(),
    ])
    .await;
    assert_eq!(out.code, exit::SUCCESS, "{}", out.stderr);
    let b = bodies(&server).await;
    assert_eq!(b[0]["code"], 200);
    assert_eq!(b[0]["msg"], "MP4 generated successfully.");
    assert_eq!(b[0]["data"]["extra"], 1);
    assert!(
        b[0]["data"]["video_url"]
            .as_str()
            .unwrap()
            .ends_with(".mp4")
    );
    let bad = suno(&[
        "send",
        "success",
        "--set",
        "data.x=not json",
        "--receiver",
        &server.uri(),
    ])
    .await;
    assert_eq!(bad.code, exit::USAGE);
    assert!(bad.stderr.contains("quote strings"), "{}", bad.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_copies_all_arrive_with_one_task_id() {
    let server = answering(200).await;
    let out = suno(&[
        "send",
        "success",
        "--copies",
        "4",
        "--concurrent",
        "--receiver",
        &server.uri(),
    ])
    .await;
    assert_eq!(out.code, exit::SUCCESS, "{}", out.stderr);
    let b = bodies(&server).await;
    assert_eq!(b.len(), 4);
    assert!(
        b.iter()
            .all(|x| x["data"]["task_id"] == b[0]["data"]["task_id"])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_duplicate_scenario_sends_the_same_task_again() {
    let server = answering(200).await;
    let out = suno(&[
        "run",
        &repo("scenarios/examples/duplicate.yaml"),
        "--receiver",
        &server.uri(),
        "--settle",
        "50ms",
    ])
    .await;
    let b = bodies(&server).await;
    assert_eq!(b.len(), 3, "{}", out.stdout);
    assert!(b.iter().all(|x| x == &b[0]), "identical copies");
    // wiremock never downloads the video: nothing observable changed, so the run says so.
    assert_eq!(out.code, exit::FAILED);
    assert!(
        out.stdout.contains("expected changed_from"),
        "{}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_seed_replays_the_same_task_ids() {
    let server = answering(200).await;
    for _ in 0..2 {
        suno(&[
            "run",
            &repo("scenarios/examples/success.yaml"),
            "--receiver",
            &server.uri(),
            "--seed",
            "42",
        ])
        .await;
    }
    let b = bodies(&server).await;
    assert_eq!(b[0]["data"]["task_id"], b[1]["data"]["task_id"]);
    let other = answering(200).await;
    suno(&[
        "run",
        &repo("scenarios/examples/success.yaml"),
        "--receiver",
        &other.uri(),
        "--seed",
        "43",
    ])
    .await;
    assert_ne!(
        bodies(&other).await[0]["data"]["task_id"],
        b[0]["data"]["task_id"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn report_files_are_written_and_secrets_never_appear() {
    let server = answering(200).await;
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json").display().to_string();
    let xml = dir.path().join("r.xml").display().to_string();
    let url = format!("{}/cb?token=tok-SECRET-1", server.uri());
    let out = suno(&[
        "run",
        &repo("scenarios/examples/success.yaml"),
        "--receiver",
        &url,
        "--token-param",
        "token",
        "--hmac-key",
        "hmac-SECRET-2",
        "--report-json",
        &json,
        "--report-junit",
        &xml,
        "-v",
    ])
    .await;
    assert_eq!(out.code, exit::SUCCESS, "{}", out.stderr);
    let j = std::fs::read_to_string(&json).unwrap();
    let x = std::fs::read_to_string(&xml).unwrap();
    for text in [&out.stdout, &out.stderr, &j, &x] {
        assert!(!text.contains("SECRET"), "a secret leaked: {text}");
    }
    assert!(out.stdout.contains("token=***"), "{}", out.stdout);
    let v: Value = serde_json::from_str(&j).unwrap();
    assert_eq!(v["schema_version"], 2);
    assert!(
        x.contains("<testcase name=\"a success callback is acknowledged with 200\""),
        "{x}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_exits_4_when_its_port_is_taken_and_3_for_a_bad_plan() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = suno(&["serve", "--listen", &addr]).await;
    assert_eq!(out.code, exit::HARNESS);
    assert!(out.stderr.contains("cannot listen on"), "{}", out.stderr);
    let dir = tempfile::tempdir().unwrap();
    let plan = scenario_file(&dir, "plan.yaml", "name: p\ntasks:\n  - outcome: sucess\n");
    let out = suno(&["serve", "--plan", &plan]).await;
    assert_eq!(out.code, exit::INVALID_SCENARIO);
    assert!(
        out.stderr.contains("plan.yaml:3:14") && out.stderr.contains("did you mean `success`?"),
        "{}",
        out.stderr
    );
    // A stage the family lacks is refused where it is written, before anything listens.
    let plan = scenario_file(
        &dir,
        "stages.yaml",
        "name: p\ntasks:\n  - family: wav\n    stages: [success, first]\n",
    );
    let out = suno(&["serve", "--plan", &plan, "--listen", &addr]).await;
    assert_eq!(out.code, exit::INVALID_SCENARIO, "{}", out.stderr);
    assert!(
        out.stderr.contains("stages.yaml:4:23")
            && out.stderr.contains("the wav family has no `first` stage"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_never_appear_in_any_output_format() {
    // The receiver echoes everything it was sent, token and signature included.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(|req: &wiremock::Request| {
            let echo = format!(
                "{} {:?} {}",
                req.url,
                req.headers,
                String::from_utf8_lossy(&req.body)
            );
            ResponseTemplate::new(500).set_body_string(echo)
        })
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{}/cb?token=tok-SECRET-1", server.uri());
    let common = [
        "--receiver",
        url.as_str(),
        "--token-param",
        "token",
        "--hmac-key",
        "hmac-SECRET-2",
        "--retries",
        "0",
    ];
    let mut outputs = Vec::new();
    // `load` observes nothing and prints no steps: it takes neither --settle nor -v.
    for (i, cmd) in [
        &[
            "check",
            "--only",
            "ack-success,verify-source",
            "--settle",
            "100ms",
            "-v",
        ][..],
        &["send", "success", "--settle", "100ms", "-v"],
        &["load", "--tasks", "20"],
        &[
            "run",
            &repo("scenarios/examples/success.yaml"),
            "--settle",
            "100ms",
            "-v",
        ],
    ]
    .iter()
    .enumerate()
    {
        let json = dir.path().join(format!("{i}.json")).display().to_string();
        let xml = dir.path().join(format!("{i}.xml")).display().to_string();
        for format in ["human", "json"] {
            let mut args: Vec<&str> = cmd.to_vec();
            args.extend(common);
            args.extend([
                "--format",
                format,
                "--report-json",
                &json,
                "--report-junit",
                &xml,
            ]);
            let out = suno(&args).await;
            outputs.push((format!("{cmd:?} {format} stdout"), out.stdout));
            outputs.push((format!("{cmd:?} {format} stderr"), out.stderr));
            outputs.push((
                format!("{cmd:?} json file"),
                std::fs::read_to_string(&json).unwrap_or_default(),
            ));
            outputs.push((
                format!("{cmd:?} junit file"),
                std::fs::read_to_string(&xml).unwrap_or_default(),
            ));
        }
    }
    assert!(
        outputs.iter().any(|(_, t)| t.contains("token=***")),
        "the URL is shown masked"
    );
    for (what, text) in outputs {
        assert!(
            !text.contains("SECRET"),
            "a secret leaked in {what}:\n{text}"
        );
    }
    assert!(
        server.received_requests().await.unwrap().len() > 20,
        "the commands really ran"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn completions_and_man_pages_come_from_the_same_definitions() {
    let bash = suno(&["completions", "bash"]).await;
    assert_eq!(bash.code, exit::SUCCESS);
    assert!(bash.stdout.contains("--hmac-key") && bash.stdout.contains("serve"));
    // The script is valid bash.
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("suno-mock.bash");
    std::fs::write(&script, &bash.stdout).unwrap();
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(syntax.status.success(), "{syntax:?}");
    // What bash offers at a TAB: the values the parser knows, not file names.
    let script_path = script.to_str().unwrap();
    for (line, want) in [
        ("check --family m", "music midi"),
        ("receiver --flaw never-", "never-download"),
        ("check --only stale", "stale-stage"),
        ("explain ack-f", "ack-failure"),
        ("check --hmac", "--hmac-key"),
    ] {
        let words: Vec<&str> = std::iter::once("suno-mock")
            .chain(line.split(' '))
            .collect();
        let prog = format!(
            "source {script_path}; COMP_WORDS=({}); COMP_CWORD={}; _suno__mock suno-mock {} {}; echo \"${{COMPREPLY[*]}}\"",
            words.join(" "),
            words.len() - 1,
            words[words.len() - 1],
            words[words.len() - 2]
        );
        let out = std::process::Command::new("bash")
            .args(["-c", &prog])
            .output()
            .unwrap();
        let offered = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            offered.trim(),
            want,
            "{line}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for shell in ["zsh", "fish"] {
        let out = suno(&["completions", shell]).await;
        assert_eq!(out.code, exit::SUCCESS);
        assert!(out.stdout.contains("report-junit"), "{shell}");
    }
    assert_eq!(suno(&["completions", "tcsh"]).await.code, exit::USAGE);
    let man = suno(&["man"]).await;
    assert!(man.stdout.starts_with(".ie") && man.stdout.contains(".TH suno-mock 1"));
    let pages = dir.path().join("man");
    let out = suno(&["man", "--dir", pages.to_str().unwrap()]).await;
    assert_eq!(out.code, exit::SUCCESS, "{}", out.stderr);
    let check = std::fs::read_to_string(pages.join("suno-mock-check.1")).unwrap();
    assert!(check.contains(r"\-\-github"), "{check}");
}

#[tokio::test(flavor = "multi_thread")]
async fn rules_and_explain_speak_the_family_s_words() {
    let out = suno(&["explain", "ack-failure", "--family", "music"]).await;
    assert_eq!(out.code, exit::SUCCESS, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("for each code (400, 451, 500, 408, 413, 501 and 531)"),
        "{}",
        out.stdout
    );
    let out = suno(&["explain", "async-processing", "--family", "wav"]).await;
    assert!(
        out.stdout.contains("whose media (audioWavUrl)"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("video_url"), "{}", out.stdout);
    let out = suno(&["explain", "stale-stage", "--family", "video"]).await;
    assert!(
        out.stdout.contains("For the video family, check skips it"),
        "{}",
        out.stdout
    );
    let out = suno(&["rules", "--family", "music"]).await;
    assert!(
        out.stdout
            .contains("a slow media download does not hold up the answer"),
        "{}",
        out.stdout
    );
    let out = suno(&["check", "--family", "musc", "--receiver", "builtin"]).await;
    assert_eq!(out.code, exit::USAGE);
    assert!(
        out.stderr.contains("did you mean `music`?"),
        "{}",
        out.stderr
    );
}

/// Issue 30: a misspelt stage gets the "did you mean" scenarios and plans get, and the shell
/// completes `send`'s stage.
#[tokio::test]
async fn send_suggests_the_stage_meant_and_completes_stages() {
    let out = suno(&[
        "send",
        "frist",
        "--family",
        "music",
        "--receiver",
        "builtin",
    ])
    .await;
    assert_eq!(out.code, exit::USAGE, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("`frist` is not something to send; did you mean `first`?"),
        "{}",
        out.stderr
    );
    let bash = suno(&["completions", "bash"]).await;
    assert!(
        bash.stdout
            .contains("success failure text first complete error"),
        "{}",
        bash.stdout
    );
}
