//! The provider's synchronous calls (no callback, the answer is the result): boost a music
//! style, the timestamped lyrics of a track, a persona from a track, and whether a custom
//! voice is available. Each reads the tasks `serve` made, so an application's flow through
//! them behaves as against the provider.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::Api;
use super::envelope::{bad_at, create_body, envelope, log};
use super::fields::{Kind, Refusal, require, required_text, typed};
use crate::payload::ids;

/// What a synchronous call answers, from the request's JSON object.
pub(super) type Call = fn(&Api, &Map<String, Value>) -> Result<Value, Refusal>;

/// Every synchronous call, by path.
pub(super) static CALLS: &[(&str, Call)] = &[
    ("/api/v1/style/generate", boost_style),
    (
        "/api/v1/generate/get-timestamped-lyrics",
        timestamped_lyrics,
    ),
    ("/api/v1/generate/generate-persona", persona),
    ("/api/v1/voice/check-voice", check_voice),
];

/// A synchronous call: the key and the JSON body checked, then `call`'s answer in the
/// envelope.
pub(super) async fn answer(
    path: &'static str,
    call: Call,
    State(api): State<Api>,
    headers: HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let at = format!("POST {path}");
    match create_body(&api, &headers, body, &at) {
        Ok(o) => reply(&api, &at, call(&api, &o)),
        Err(r) => *r,
    }
}

fn reply(api: &Api, path: &str, result: Result<Value, Refusal>) -> Response {
    match result {
        Ok(data) => {
            log(api, format!("{path} -> 200"));
            envelope(api, 200, "success", data)
        }
        Err(Refusal { status: code, msg }) => bad_at(api, path, code, msg),
    }
}

/// A finished music track of a task `serve` made: its record-info item.
fn track(api: &Api, task_id: &str, audio_id: &str) -> Result<Value, Refusal> {
    let found = api.store.read(task_id, |t| {
        (t.family.polling.layout == crate::family::Layout::Music).then(|| t.record.value())
    });
    let record = match found {
        Some(Some(r)) => r,
        _ => {
            return Err(Refusal::new(
                404,
                format!("no music task with taskId {task_id}"),
            ));
        }
    };
    if record["status"] != "SUCCESS" {
        return Err(Refusal::new(
            400,
            format!(
                "the music of task {task_id} is still generating ({})",
                record["status"].as_str().unwrap_or("?")
            ),
        ));
    }
    record["response"]["sunoData"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["id"] == audio_id).cloned())
        .ok_or_else(|| {
            Refusal::new(
                404,
                format!("task {task_id} has no track with audioId {audio_id}"),
            )
        })
}

/// `POST /api/v1/style/generate`: a style description expanded. Choice: the mock charges no
/// credits for it (the provider's fractional price has no place in an integer balance) and
/// says `creditsConsumed: 0`.
fn boost_style(api: &Api, o: &Map<String, Value>) -> Result<Value, Refusal> {
    required_text(o, "content").map(|content| {
        json!({
            "taskId": ids::task_id(api.cfg.seed, "style", &content),
            "param": Value::Object(o.clone()).to_string(),
            "result": format!("{content}, with a warm analog texture, a steady groove and a memorable hook"),
            "creditsConsumed": 0,
            "creditsRemaining": api.admission.balance(),
            "successFlag": "1",
            "errorCode": 0,
            "errorMessage": "",
            "createTime": super::records::time(crate::family::Layout::Wav, super::store::now_ms()),
        })
    })
}

/// `POST /api/v1/generate/get-timestamped-lyrics`: the track's lyrics word by word with their
/// times (none for an instrumental), a waveform, the alignment score.
fn timestamped_lyrics(api: &Api, o: &Map<String, Value>) -> Result<Value, Refusal> {
    required_text(o, "taskId").and_then(|task| {
        let audio = required_text(o, "audioId")?;
        let t = track(api, &task, &audio)?;
        let duration = t["duration"].as_f64().unwrap_or(180.0);
        let words: Vec<&str> = t["prompt"].as_str().unwrap_or("").split_whitespace().collect();
        let step = duration / (words.len().max(1) as f64 + 1.0);
        let aligned: Vec<Value> = words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let start = step * (i as f64 + 0.5);
                json!({"word": w, "success": true, "startS": (start * 100.0).round() / 100.0,
                       "endS": ((start + step * 0.9) * 100.0).round() / 100.0, "palign": 0})
            })
            .collect();
        let waveform: Vec<f64> = if words.is_empty() {
            Vec::new()
        } else {
            (0..64).map(|i| ((i * 37 % 100) as f64) / 100.0).collect()
        };
        Ok(json!({"alignedWords": aligned, "waveformData": waveform, "hootCer": 0.92, "isStreamed": false}))
    })
}

/// `POST /api/v1/generate/generate-persona`: a persona from a finished track, one per
/// track (409 for a second), its vocal span 10 to 30 s inside the track.
fn persona(api: &Api, o: &Map<String, Value>) -> Result<Value, Refusal> {
    let task = required_text(o, "taskId")?;
    let audio = required_text(o, "audioId")?;
    let name = required_text(o, "name")?;
    let description = required_text(o, "description")?;
    typed(o, "vocalStart", Kind::Number)?;
    typed(o, "vocalEnd", Kind::Number)?;
    typed(o, "style", Kind::Text)?;
    let t = track(api, &task, &audio)?;
    let at = |k: &str, d: f64| o.get(k).and_then(Value::as_f64).unwrap_or(d);
    let (start, end) = (at("vocalStart", 0.0), at("vocalEnd", 30.0));
    let duration = t["duration"].as_f64().unwrap_or(f64::MAX);
    if !(10.0..=30.0).contains(&(end - start)) || start < 0.0 || end > duration {
        return Err(Refusal::new(
            422,
            format!(
                "the vocal span {start}-{end} s must last 10 to 30 s inside the track ({duration} s)"
            ),
        ));
    }
    if !api.store.claim_persona(&task, &audio) {
        return Err(Refusal::new(
            409,
            format!("a persona already exists for audioId {audio}"),
        ));
    }
    Ok(json!({
        "personaId": ids::task_id(api.cfg.seed, "persona", &audio),
        "name": name,
        "description": description,
    }))
}

/// `POST /api/v1/voice/check-voice` (`task_id`, snake_case): whether the custom voice of that
/// task is ready to use.
fn check_voice(api: &Api, o: &Map<String, Value>) -> Result<Value, Refusal> {
    require(o, "task_id", Kind::Text, "").map(|()| {
        let id = o["task_id"].as_str().unwrap_or_default();
        let ready = api
            .store
            .read(id, |t| {
                t.family.id == "voice" && t.record.value()["status"] == "success"
            })
            .unwrap_or(false);
        json!({"isAvailable": ready})
    })
}
