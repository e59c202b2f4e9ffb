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

use crate::harness::{answering_with, builtin_receiver, redact, suno};
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
}
