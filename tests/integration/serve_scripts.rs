//! Scripted situations and the music-like operations on `serve`: a plan's families, stages,
//! duplicates per stage and late stages reach a real receiver and show in record-info and
//! `/_mock/deliveries`, as an application's own test suite would use them.

use std::time::Duration;

use serde_json::{Value, json};
use suno_mock::mock_api::ServeConfig;
use suno_mock::mock_api::operations::OPERATIONS;
use suno_mock::receiver::ReceiverConfig;
use suno_mock::scenario::{ServePlan, parse_serve_plan};

use crate::mock_client::*;

use crate::harness::{answering, builtin_receiver};

fn plan(text: &str) -> ServePlan {
    let (plan, warnings) = parse_serve_plan("plan.yaml", text).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    plan
}

/// The `/_mock/deliveries` entries of a task once there are `n`, as (stage, copy).
async fn stages_of(base: &str, task: &str, n: usize) -> Vec<(String, u64)> {
    attempts_for(base, task, n)
        .await
        .iter()
        .map(|a| {
            (
                a["stage"].as_str().unwrap().to_string(),
                a["copy"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The bodies `rx` received for `task` (its id at `data.task_id`).
async fn bodies_for(rx: &wiremock::MockServer, task: &str) -> Vec<Value> {
    rx.received_requests()
        .await
        .unwrap()
        .iter()
        .filter_map(|r| serde_json::from_slice::<Value>(&r.body).ok())
        .filter(|b| b["data"]["task_id"] == task)
        .collect()
}

fn music_body(callback: &str) -> Value {
    json!({"customMode": false, "instrumental": false, "model": "V4_5", "prompt": "a calm piano piece", "callBackUrl": callback})
}

#[tokio::test(flavor = "multi_thread")]
async fn a_music_task_fails_after_first_with_the_planned_code() {
    let (_api, base) = serve(ServeConfig {
        plan: Some(plan(
            "name: fails after first\ntasks:\n  - family: music\n    stages: [text, first, {stage: error, code: 531}]\n",
        )),
        ..fast()
    })
    .await;
    let rx = answering(200).await;
    let (status, v) = post_json(&base, "/api/v1/generate", &music_body(&rx.uri())).await;
    assert_eq!(status, 200, "{v}");
    let task = v["data"]["taskId"].as_str().unwrap().to_string();
    let (record, seen) = poll_music(&base, &task, "GENERATE_AUDIO_FAILED").await;
    assert_eq!(record["data"]["errorCode"], 531, "{record}");
    assert_eq!(
        record["data"]["errorMessage"],
        "Generation failed, credits refunded"
    );
    assert!(!seen.contains(&"SUCCESS".to_string()), "{seen:?}");
    assert_eq!(
        stages_of(&base, &task, 3).await,
        [("text".into(), 1), ("first".into(), 1), ("error".into(), 1)]
    );
    // What the receiver got last: the error callback with code 531.
    let bodies: Vec<Value> = rx
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    let last = bodies.last().unwrap();
    assert_eq!(last["code"], 531, "{last}");
    assert_eq!(last["data"]["callbackType"], "error", "{last}");
    assert_eq!(last["data"]["task_id"], task.as_str(), "{last}");
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicates_per_stage_and_a_late_first_leave_a_correct_receiver_at_complete() {
    // The application's receiver: the built-in correct one, for music.
    let rcfg = ReceiverConfig {
        family: suno_mock::family::find("music").unwrap(),
        ..ReceiverConfig::default()
    };
    let rec = builtin_receiver(&rcfg).await;
    let (_api, base) = serve(ServeConfig {
        plan: Some(plan(
            "name: a duplicated first, then a late one\ntasks:\n  - family: music\n    stages:\n      - text\n      - stage: first\n        duplicates: 1\n      - complete\n      - first\n",
        )),
        ..fast()
    })
    .await;
    let (_, v) = post_json(
        &base,
        "/api/v1/generate",
        &music_body(&rec.callback_url(&rcfg)),
    )
    .await;
    let task = v["data"]["taskId"].as_str().unwrap().to_string();
    assert_eq!(
        stages_of(&base, &task, 5).await,
        [
            ("text".into(), 1),
            ("first".into(), 1),
            ("first".into(), 2),
            ("complete".into(), 1),
            ("first".into(), 1)
        ]
    );
    // The late first moved nothing back: still SUCCESS with both tracks.
    let (record, _) = poll_music(&base, &task, "SUCCESS").await;
    assert_eq!(
        record["data"]["response"]["sunoData"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "{record}"
    );
    let state: Value = get_json(&rec.probe_url().replace("{task_id}", &task)).await;
    assert_eq!(state["stage"], "complete", "{state}");
    assert_eq!(state["processed"], 3, "one per stage: {state}");
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_entries_drive_the_tasks_of_their_own_family_in_order() {
    let (_api, base) = serve(ServeConfig {
        plan: Some(plan(
            "name: per family\ntasks:\n  - outcome: failure\n    code: 451\n  - family: wav\n    outcome: failure\n    msg: disk full\n",
        )),
        ..fast()
    })
    .await;
    let rx = answering(200).await;
    // Music first: the plan has no music entry, so the flags (success) apply.
    let (_, v) = post_json(&base, "/api/v1/generate", &music_body(&rx.uri())).await;
    let music = v["data"]["taskId"].as_str().unwrap().to_string();
    let (_, v) = create(&base, task_body(&rx.uri(), "m-1")).await;
    let video1 = v["data"]["taskId"].as_str().unwrap().to_string();
    let (_, v) = create(&base, task_body(&rx.uri(), "m-2")).await;
    let video2 = v["data"]["taskId"].as_str().unwrap().to_string();
    let (_, v) = post_json(
        &base,
        "/api/v1/wav/generate",
        &json!({"taskId": music, "audioId": "a-1", "callBackUrl": rx.uri()}),
    )
    .await;
    let wav = v["data"]["taskId"].as_str().unwrap().to_string();
    assert_eq!(poll(&base, &video1, None).await["data"]["errorCode"], 451);
    assert_eq!(
        poll(&base, &video2, None).await["data"]["successFlag"],
        "SUCCESS"
    );
    poll_music(&base, &music, "SUCCESS").await;
    let record = poll_until(
        &base,
        "/api/v1/wav/record-info",
        &wav,
        "successFlag",
        "GENERATE_WAV_FAILED",
    )
    .await;
    assert_eq!(record["data"]["errorMessage"], "disk full", "{record}");
    let sent = attempts_for(&base, &wav, 1).await;
    assert_eq!(
        (sent[0]["family"].as_str(), sent[0]["stage"].as_str()),
        (Some("wav"), Some("failure"))
    );
}

/// A valid create body for each operation.
fn operation_body(path: &str, callback: &str) -> Value {
    let mut body = json!({"callBackUrl": callback, "model": "V4_5", "uploadUrl": "https://example.com/a.mp3",
        "customMode": false, "instrumental": false, "prompt": "more of it", "defaultParamFlag": false,
        "audioId": "a-1", "taskId": "t-1", "title": "Iron Man", "tags": "rock", "negativeTags": "jazz",
        "style": "rock", "infillStartS": 10.0, "infillEndS": 20.5});
    if path.ends_with("add-instrumental") || path.ends_with("add-vocals") {
        body.as_object_mut().unwrap().remove("model");
    }
    if path.ends_with("mashup") {
        body["uploadUrlList"] = json!(["https://example.com/a.mp3", "https://example.com/b.mp3"]);
    }
    if path.ends_with("sounds") {
        body["model"] = json!("V5");
    }
    body
}

#[tokio::test(flavor = "multi_thread")]
async fn every_music_operation_creates_calls_back_and_polls() {
    let (_api, base) = serve(fast()).await;
    let rx = answering(200).await;
    for op in OPERATIONS {
        let (status, v) = post_json(&base, op.path, &operation_body(op.path, &rx.uri())).await;
        assert_eq!(status, 200, "{}: {v}", op.path);
        let task = v["data"]["taskId"].as_str().unwrap().to_string();
        let (record, _) = poll_music(&base, &task, "SUCCESS").await;
        assert_eq!(
            record["data"]["operationType"], op.operation_type,
            "{record}"
        );
        let expected: Vec<(String, u64)> = if op.family.id == "music" {
            vec![
                ("text".into(), 1),
                ("first".into(), 1),
                ("complete".into(), 1),
            ]
        } else {
            vec![("complete".into(), 1)]
        };
        assert_eq!(
            stages_of(&base, &task, expected.len()).await,
            expected,
            "{}",
            op.path
        );
        // record-info shows the very tracks the complete callback carried.
        let complete = bodies_for(&rx, &task)
            .await
            .into_iter()
            .find(|b| b["data"]["callbackType"] == "complete")
            .unwrap();
        let from_callback: Vec<(Value, Value, Value)> = complete["data"]["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["id"].clone(),
                    t["audio_url"].clone(),
                    t["duration"].clone(),
                )
            })
            .collect();
        let from_record: Vec<(Value, Value, Value)> = record["data"]["response"]["sunoData"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["id"].clone(),
                    t["audioUrl"].clone(),
                    t["duration"].clone(),
                )
            })
            .collect();
        assert_eq!(from_record, from_callback, "{}", op.path);
        // Each required field left out is refused with 400, naming it.
        for (name, _) in op.required {
            let mut body = operation_body(op.path, &rx.uri());
            body.as_object_mut().unwrap().remove(*name);
            let (status, v) = post_json(&base, op.path, &body).await;
            assert_eq!(status, 400, "{} without {name}: {v}", op.path);
            assert!(
                v["msg"].as_str().unwrap().contains(name),
                "{} without {name}: {v}",
                op.path
            );
        }
    }
    // Extend with its own parameters needs continueAt; replace-section a real range.
    let mut extend = operation_body("/api/v1/generate/extend", &rx.uri());
    extend["defaultParamFlag"] = json!(true);
    let (status, v) = post_json(&base, "/api/v1/generate/extend", &extend).await;
    assert_eq!(status, 400, "{v}");
    assert!(v["msg"].as_str().unwrap().contains("continueAt"), "{v}");
    let mut replace = operation_body("/api/v1/generate/replace-section", &rx.uri());
    replace["infillEndS"] = json!(5);
    let (status, v) = post_json(&base, "/api/v1/generate/replace-section", &replace).await;
    assert_eq!(status, 400, "{v}");
    assert!(v["msg"].as_str().unwrap().contains("infillEndS"), "{v}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_operation_says_so_in_its_own_words() {
    let (_api, base) = serve(ServeConfig {
        outcome: Some(suno_mock::scenario::Outcome::Failure),
        failure_code: 400,
        ..fast()
    })
    .await;
    let rx = answering(200).await;
    for (path, msg) in [
        ("/api/v1/generate/extend", "Music extension failed"),
        ("/api/v1/generate/upload-cover", "Audio covering failed"),
        ("/api/v1/generate/add-vocals", "Vocal generation failed"),
    ] {
        let (_, v) = post_json(&base, path, &operation_body(path, &rx.uri())).await;
        let task = v["data"]["taskId"].as_str().unwrap().to_string();
        let (record, _) = poll_music(&base, &task, "GENERATE_AUDIO_FAILED").await;
        assert_eq!(record["data"]["errorMessage"], msg, "{record}");
    }
    // Replace-section's failure carries `data.error` and no `data.data`.
    let path = "/api/v1/generate/replace-section";
    let (_, v) = post_json(&base, path, &operation_body(path, &rx.uri())).await;
    let task = v["data"]["taskId"].as_str().unwrap().to_string();
    poll_music(&base, &task, "GENERATE_AUDIO_FAILED").await;
    attempts_for(&base, &task, 1).await;
    let body = bodies_for(&rx, &task).await.pop().unwrap();
    assert_eq!(body["data"]["callbackType"], "error", "{body}");
    assert!(body["data"]["error"].is_string(), "{body}");
    assert!(body["data"].get("data").is_none(), "{body}");
}

#[test]
fn replace_section_callbacks_get_their_10s_deadline_unless_timeout_is_given() {
    let find = |id| suno_mock::family::find(id).unwrap();
    let cfg = ServeConfig::default();
    assert_eq!(
        cfg.policy_for(find("replace-section")).timeout,
        Duration::from_secs(10)
    );
    assert_eq!(
        cfg.policy_for(find("music")).timeout,
        Duration::from_secs(15)
    );
    let cfg = ServeConfig {
        timeout: Some(Duration::from_secs(3)),
        ..ServeConfig::default()
    };
    assert_eq!(
        cfg.policy_for(find("replace-section")).timeout,
        Duration::from_secs(3)
    );
}
