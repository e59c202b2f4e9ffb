//! `suno-mock record` end to end: real deliveries made by `serve` (every stage of a music
//! task and a duplicate, signed) and by `send` (a signed video callback) pass through the
//! recorder to a receiver; the files replay byte for byte, re-signed, and a correct receiver
//! gives the answers that were recorded. Plus the bad input: a body that is not JSON, an
//! oversized one, a receiver that is down.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use suno_mock::mock_api::{self, ServeConfig};
use suno_mock::receiver::ReceiverConfig;
use suno_mock::record::{self, RecordConfig, RunningRecorder};
use suno_mock::scenario::parse_serve_plan;
use suno_mock::sender::{ClientOptions, Sender};
use wiremock::{MockServer, ResponseTemplate};

use crate::harness::{answering_with, builtin_receiver, redact, sigint, suno};
use crate::mock_client::{fast, post_json};

async fn recorder(out: &Path, forward_to: Option<String>) -> RunningRecorder {
    record::start(
        RecordConfig {
            forward_to: forward_to.map(|u| url::Url::parse(&u).unwrap()),
            answer: 200,
            out: out.to_path_buf(),
            keep_secrets: false,
            timeout: Duration::from_secs(2),
            max_body: 4096,
            log: false,
            ui_listen: None,
        },
        ([127, 0, 0, 1], 0).into(),
    )
    .await
    .unwrap()
}

async fn until_recorded(r: &RunningRecorder, n: usize) {
    let start = Instant::now();
    while r.recorded() < n {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{} recorded",
            r.recorded()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Every body a server received, sorted (replays of several files interleave).
async fn bodies(s: &MockServer) -> Vec<Vec<u8>> {
    let mut b: Vec<Vec<u8>> = s
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.body.clone())
        .collect();
    b.sort();
    b
}

#[tokio::test(flavor = "multi_thread")]
async fn a_recorded_session_replays_byte_for_byte_and_re_signed() {
    let original =
        answering_with(ResponseTemplate::new(200).set_body_string(r#"{"status":"received"}"#))
            .await;
    let out = tempfile::tempdir().unwrap();
    let rec = recorder(out.path(), Some(format!("{}/callback", original.uri()))).await;
    let callback = format!("{}/callback", rec.server.url());
    // serve: a music task, every stage, the complete one twice, signed with key k.
    let (plan, _) = parse_serve_plan(
        "plan.yaml",
        "name: p\ntasks:\n  - family: music\n    stages: [text, first, {stage: complete, duplicates: 1}]\n",
    )
    .unwrap();
    let signer = Sender::new(&ClientOptions {
        hmac_key: Some("k".into()),
        ..ClientOptions::default()
    })
    .unwrap();
    let api = mock_api::start(
        ServeConfig {
            plan: Some(plan),
            ..fast()
        },
        signer,
        ([127, 0, 0, 1], 0).into(),
        None,
    )
    .await
    .unwrap();
    let (status, v) = post_json(
        &api.server.url(),
        "/api/v1/generate",
        &json!({"customMode": false, "instrumental": false, "model": "V5", "prompt": "p", "callBackUrl": callback}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let music = v["data"]["taskId"].as_str().unwrap().to_string();
    // send: one signed video callback.
    let sent = suno(&[
        "send",
        "success",
        "--receiver",
        &callback,
        "--hmac-key",
        "k",
        "--task",
        "video-1",
    ])
    .await;
    assert_eq!(sent.code, 0, "{}", sent.stderr);
    until_recorded(&rec, 5).await;
    let file = out.path().join(format!("{music}.yaml"));
    let text = std::fs::read_to_string(&file).unwrap();
    let stable = regex::Regex::new(
        r"wait: \d+ms|\d{4}-\d\d-\d\dT[\d:]+Z|task_[0-9a-f]{12}|[0-9a-f]{8}-[0-9a-f]{4}",
    )
    .unwrap()
    .replace_all(&text, "[varies]")
    .into_owned();
    insta::assert_snapshot!("recorded_music_task", redact(&stable));
    assert!(!text.contains("X-Webhook-Signature") && !text.contains("x-webhook-signature"));
    assert_eq!(text.matches("auth: genuine").count(), 4, "{text}");
    let originals = bodies(&original).await;
    assert_eq!(originals.len(), 5);
    // Replay every file to a fresh server: the same bytes, signed afresh with the key.
    let replay =
        answering_with(ResponseTemplate::new(200).set_body_string(r#"{"status":"received"}"#))
            .await;
    let dir = out.path().to_str().unwrap();
    let r = suno(&["run", dir, "--receiver", &replay.uri(), "--hmac-key", "k"]).await;
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(bodies(&replay).await, originals);
    for req in replay.received_requests().await.unwrap() {
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        let id = body["data"]["task_id"].as_str().unwrap();
        let ts: i64 = req.headers["x-webhook-timestamp"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(
            req.headers["x-webhook-signature"].to_str().unwrap(),
            suno_mock::wire::signing::signature("k", id, ts)
        );
    }
    // Against the built-in correct receivers, the recorded answers come again.
    for (family, name) in [
        ("music", format!("{music}.yaml")),
        ("video", "video-1.yaml".into()),
    ] {
        let cfg = ReceiverConfig {
            family: suno_mock::family::find(family).unwrap(),
            hmac_key: Some("k".into()),
            ..ReceiverConfig::default()
        };
        let rx = builtin_receiver(&cfg).await;
        let path = out.path().join(&name);
        let r = suno(&[
            "run",
            path.to_str().unwrap(),
            "--receiver",
            &rx.callback_url(&cfg),
            "--hmac-key",
            "k",
        ])
        .await;
        assert_eq!(r.code, 0, "{family}: {}{}", r.stdout, r.stderr);
    }
    // The drift report: these bodies are the documented ones.
    let d = suno(&["drift", dir]).await;
    assert_eq!(d.code, 0, "{}", d.stdout);
    assert!(
        d.stdout
            .contains("music complete (2 bodies):\n  matches the docs"),
        "{}",
        d.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_recorded_or_refused_and_never_crashes() {
    let out = tempfile::tempdir().unwrap();
    // The receiver it forwards to is down.
    let down = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let down_url = format!("http://{}/callback", down.local_addr().unwrap());
    drop(down);
    let rec = recorder(out.path(), Some(down_url)).await;
    let url = format!("{}/callback", rec.server.url());
    let client = reqwest::Client::new();
    let r = client
        .post(&url)
        .header("content-type", "application/json")
        .body(r#"{"code":200,"msg":"success","data":{"task_id":"t-1","video_url":"http://x/v.mp4","lyric":"la"}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 502);
    // Not JSON, not even text: kept byte for byte.
    let raw: Vec<u8> = vec![0xff, 0x00, b'{', 0x80];
    let r = client.post(&url).body(raw.clone()).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 502);
    // Over the cap: 413, not recorded.
    let r = client
        .post(&url)
        .body(vec![b'x'; 5000])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 413);
    until_recorded(&rec, 2).await;
    assert_eq!(rec.recorded(), 2);
    let t1 = std::fs::read_to_string(out.path().join("t-1.yaml")).unwrap();
    assert!(
        t1.contains("could not be reached") && t1.contains("answered 502"),
        "{t1}"
    );
    assert!(
        !t1.contains("expect:"),
        "a 502 of the recorder's own is no expectation: {t1}"
    );
    let raw_file = std::fs::read_to_string(out.path().join("unidentified-1.yaml")).unwrap();
    assert!(raw_file.contains("body_base64: \"/wB7gA==\""), "{raw_file}");
    // Replayed byte for byte, with a warning for the body no family documents.
    let replay =
        answering_with(ResponseTemplate::new(200).set_body_string(r#"{"status":"received"}"#))
            .await;
    let r = suno(&[
        "run",
        out.path().to_str().unwrap(),
        "--receiver",
        &replay.uri(),
    ])
    .await;
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let got = bodies(&replay).await;
    assert!(got.contains(&raw), "{got:?}");
    // The drift report names the field the docs do not know.
    let d = suno(&["drift", out.path().to_str().unwrap()]).await;
    assert_eq!(d.code, 1);
    assert!(
        d.stdout.contains(
            "video success (1 body):\n  fields the docs do not know: data.lyric (1 of 1)"
        ),
        "{}",
        d.stdout
    );
    // The file whose body is not JSON is named, not skipped in silence.
    assert!(
        d.stdout.contains("skipped (no JSON body to compare): ")
            && d.stdout.contains("unidentified-1.yaml"),
        "{}",
        d.stdout
    );
    // Without a receiver, it answers itself and records.
    let out2 = tempfile::tempdir().unwrap();
    let alone = recorder(out2.path(), None).await;
    let r = client
        .post(format!("{}/cb", alone.server.url()))
        .header("content-type", "application/json")
        .body(r#"{"task_id":"m-1","code":200,"msg":"success","data":{"state":"complete","instruments":[]}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    until_recorded(&alone, 1).await;
    let m = std::fs::read_to_string(out2.path().join("m-1.yaml")).unwrap();
    assert!(m.contains("family: midi"), "{m}");
    // A GET (a tunnel's health check) is answered and never written as a scenario.
    let r = client
        .get(format!("{}/cb", alone.server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(alone.recorded(), 1);
    assert_eq!(std::fs::read_dir(out2.path()).unwrap().count(), 1);
}

const VIDEO_BODY: &str =
    r#"{"code":200,"msg":"success","data":{"task_id":"t-1","video_url":"http://x/v.mp4"}}"#;

/// Runs the binary's `record` forwarding to `target`, posts one callback through it, stops it
/// with Ctrl-C, and returns everything it wrote: the answer to the provider, stdout, stderr
/// and every file in `--out`, as one text.
async fn record_once(target: &str, timeout: &str) -> (u16, String) {
    use tokio::io::AsyncBufReadExt as _;
    let out = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_suno-mock"))
        .args(["record", "--listen", "127.0.0.1:0", "--forward-to", target])
        .args(["--timeout", timeout, "--out", out.path().to_str().unwrap()])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next_line().await.unwrap().expect("a first line");
    let base = regex::Regex::new(r"http://127\.0\.0\.1:\d+")
        .unwrap()
        .find(&first)
        .expect("the listening address")
        .as_str()
        .to_string();
    let answer = reqwest::Client::new()
        .post(format!("{base}/callback?token=FROMPROVIDER"))
        .header("content-type", "application/json")
        .body(VIDEO_BODY)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let mut all = format!("{first}\n{}\n", answer.text().await.unwrap());
    until_file(&out.path().join("t-1.yaml")).await;
    sigint(&child);
    while let Some(l) = lines.next_line().await.unwrap() {
        all.push_str(&l);
        all.push('\n');
    }
    let rest = child.wait_with_output().await.unwrap();
    all.push_str(&String::from_utf8_lossy(&rest.stderr));
    for f in std::fs::read_dir(out.path()).unwrap() {
        all.push_str(&std::fs::read_to_string(f.unwrap().path()).unwrap());
    }
    (status, all)
}

async fn until_file(path: &Path) {
    let start = Instant::now();
    while !path.exists() {
        assert!(start.elapsed() < Duration::from_secs(10), "{path:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_in_the_forwarding_address_is_never_written_on_any_failure_path() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    // Accepts and never answers: the 504 path.
    let hang = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hang_at = hang.local_addr().unwrap();
    let _hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = hang.accept().await {
            held.push(s);
        }
    });
    // Promises 100 bytes and sends 3: the "broke off" path.
    let broken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let broken_at = broken.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = broken.accept().await {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf).await;
            let _ = s
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nabc")
                .await;
        }
    });
    // Nothing listens: the 502 "could not be reached" path.
    let down = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let down_at = down.local_addr().unwrap();
    drop(down);
    for (addr, status, what) in [
        (hang_at, 504, "did not answer within"),
        (broken_at, 502, "broke off"),
        (down_at, 502, "could not be reached"),
    ] {
        let target = format!("http://{addr}/callback?token=TOPSECRET&user=ME");
        let (got, all) = record_once(&target, "300ms").await;
        assert_eq!(got, status, "{all}");
        assert!(all.contains(what), "{all}");
        assert!(all.contains("token=***&user=***"), "{all}");
        assert!(
            !all.contains("TOPSECRET"),
            "{what}: the secret was written:\n{all}"
        );
        assert!(!all.contains("FROMPROVIDER"), "{what}:\n{all}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restarted_recorder_keeps_what_the_earlier_one_wrote() {
    let out = tempfile::tempdir().unwrap();
    let complete = r#"{"code":200,"msg":"All generated successfully.","data":{"callbackType":"complete","task_id":"m-9","data":[]}}"#;
    let text = r#"{"code":200,"msg":"Text generation completed successfully.","data":{"callbackType":"text","task_id":"m-9","data":[]}}"#;
    let client = reqwest::Client::new();
    for (round, body) in [(1, complete), (2, text), (3, text)] {
        let rec = recorder(out.path(), None).await;
        for b in [body, r#"not json"#] {
            let r = client
                .post(format!("{}/cb", rec.server.url()))
                .header("content-type", "application/json")
                .body(b)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 200);
        }
        until_recorded(&rec, 2).await;
        drop(rec);
        let mut files: Vec<String> = std::fs::read_dir(out.path())
            .unwrap()
            .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let want: Vec<String> = match round {
            1 => vec!["m-9.yaml", "unidentified-1.yaml"],
            2 => vec![
                "m-9-2.yaml",
                "m-9.yaml",
                "unidentified-1.yaml",
                "unidentified-2.yaml",
            ],
            _ => vec![
                "m-9-2.yaml",
                "m-9-3.yaml",
                "m-9.yaml",
                "unidentified-1.yaml",
                "unidentified-2.yaml",
                "unidentified-3.yaml",
            ],
        }
        .into_iter()
        .map(String::from)
        .collect();
        assert_eq!(files, want, "round {round}");
    }
    let first = std::fs::read_to_string(out.path().join("m-9.yaml")).unwrap();
    assert!(first.contains("callbackType\\\":\\\"complete"), "{first}");
    let second = std::fs::read_to_string(out.path().join("m-9-2.yaml")).unwrap();
    assert!(second.contains("callbackType\\\":\\\"text"), "{second}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_replay_sends_exactly_the_recorded_deliveries_and_no_retries_of_its_own() {
    // The provider tried four times, and the receiver answered 500 every time.
    let failing = answering_with(ResponseTemplate::new(500)).await;
    let out = tempfile::tempdir().unwrap();
    let rec = recorder(out.path(), Some(format!("{}/callback", failing.uri()))).await;
    let client = reqwest::Client::new();
    for _ in 0..4 {
        let r = client
            .post(format!("{}/callback", rec.server.url()))
            .header("content-type", "application/json")
            .body(VIDEO_BODY)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 500);
    }
    until_recorded(&rec, 4).await;
    let file = std::fs::read_to_string(out.path().join("t-1.yaml")).unwrap();
    assert!(file.contains("sender: {retries: 0}"), "{file}");
    let replay = answering_with(ResponseTemplate::new(500)).await;
    let r = suno(&[
        "run",
        out.path().to_str().unwrap(),
        "--receiver",
        &replay.uri(),
    ])
    .await;
    assert_eq!(
        r.code, 0,
        "the recorded 500s came again: {}{}",
        r.stdout, r.stderr
    );
    assert_eq!(replay.received_requests().await.unwrap().len(), 4);
}
