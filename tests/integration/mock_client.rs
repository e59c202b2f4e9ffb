//! A small client of the mock provider API, as an application would write one: start `serve`
//! on loopback, create tasks, poll their records, read the mock's delivery log.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use suno_mock::mock_api::{self, RunningApi, ServeConfig};

use crate::harness::{policy, sender};

/// A configuration for tests: quick generation, a 2 s deadline, 2 quick retries, seed 1.
pub fn fast() -> ServeConfig {
    ServeConfig {
        generation_time: Duration::from_millis(50),
        policy: policy(2000, 2, 10),
        timeout: Some(Duration::from_millis(2000)),
        seed: 1,
        ..ServeConfig::default()
    }
}

/// The tests' music videos name their track ids directly (`--any-track-ids`); the one
/// test of the provider's rule starts its server with [`serve_strict`].
pub async fn serve(mut cfg: ServeConfig) -> (RunningApi, String) {
    cfg.any_track_ids = true;
    serve_strict(cfg).await
}

/// A server as `serve` starts it: a video only of a finished track of its own.
pub async fn serve_strict(cfg: ServeConfig) -> (RunningApi, String) {
    let api = mock_api::start(cfg, sender(), ([127, 0, 0, 1], 0).into(), None)
        .await
        .unwrap();
    let url = api.server.url();
    (api, url)
}

/// GETs `url` with the test key and reads its JSON answer.
pub async fn get_json(url: &str) -> Value {
    client()
        .get(url)
        .bearer_auth("test-key")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

pub fn client() -> reqwest::Client {
    reqwest::Client::new()
}

pub async fn create(base: &str, body: Value) -> (u16, Value) {
    let r = client()
        .post(format!("{base}/api/v1/mp4/generate"))
        .bearer_auth("test-key")
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

pub fn task_body(callback: &str, music: &str) -> Value {
    json!({"taskId": music, "audioId": "e231-8cadc7dc", "callBackUrl": callback, "author": "Test"})
}

/// Polls record-info, as the provider's docs tell applications to, until the flag leaves
/// PENDING (and, when `until` is given, reaches it).
pub async fn poll(base: &str, task_id: &str, until: Option<&str>) -> Value {
    let start = Instant::now();
    loop {
        let v: Value = get_json(&format!("{base}/api/v1/mp4/record-info?taskId={task_id}")).await;
        let flag = v["data"]["successFlag"].as_str().unwrap_or("").to_string();
        let done = match until {
            Some(u) => flag == u,
            None => flag != "PENDING",
        };
        if done {
            return v;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "still {flag}: {v}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub async fn attempts_for(base: &str, task_id: &str, n: usize) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let all: Vec<Value> =
            serde_json::from_value(get_json(&format!("{base}/_mock/deliveries")).await).unwrap();
        let mine: Vec<Value> = all.into_iter().filter(|a| a["taskId"] == task_id).collect();
        if mine.len() >= n {
            return mine;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "only {} attempts",
            mine.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub async fn balance(base: &str) -> u64 {
    let v: Value = get_json(&format!("{base}/api/v1/generate/credit")).await;
    assert_eq!(v["code"], 200, "{v}");
    v["data"].as_u64().unwrap()
}

pub async fn task_count(base: &str) -> usize {
    let v: Value = get_json(&format!("{base}/_mock/tasks")).await;
    v.as_array().unwrap().len()
}

pub async fn post_json(base: &str, path: &str, body: &Value) -> (u16, Value) {
    let r = client()
        .post(format!("{base}{path}"))
        .bearer_auth("test-key")
        .json(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

/// Polls music record-info until `status`, keeping every status seen on the way.
pub async fn poll_music(base: &str, task_id: &str, status: &str) -> (Value, Vec<String>) {
    let start = Instant::now();
    let mut seen: Vec<String> = Vec::new();
    loop {
        let v: Value = get_json(&format!(
            "{base}/api/v1/generate/record-info?taskId={task_id}"
        ))
        .await;
        let s = v["data"]["status"].as_str().unwrap().to_string();
        if seen.last() != Some(&s) {
            seen.push(s.clone());
        }
        if s == status {
            return (v, seen);
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "stuck at {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Polls a record-info `path` until `data[flag]` is `value`.
pub async fn poll_until(base: &str, path: &str, task_id: &str, flag: &str, value: &str) -> Value {
    let start = Instant::now();
    loop {
        let v: Value = get_json(&format!("{base}{path}?taskId={task_id}")).await;
        if v["data"][flag] == value {
            return v;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "{path}: {v}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
