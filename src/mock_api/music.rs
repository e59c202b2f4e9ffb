//! Music generation and its sibling operations on the mock API (`operations.rs` says what each
//! create requires): two tracks per task, the `text`, `first` and `complete` callbacks spread
//! over the generation time (or an `error` one, or what the plan scripts), and
//! `GET /api/v1/generate/record-info` moving through `PENDING`, `TEXT_SUCCESS`,
//! `FIRST_SUCCESS`, `SUCCESS` as they go out. Replace-section tasks live here too: same
//! polling path, one `complete` callback.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use serde_json::{Value, json};

use super::Api;
use super::handlers::{
    authorized, bad_at, create_body, created_task_id, envelope, log, unauthorized,
};
use super::operations::Operation;
use super::store::{Keyed, TaskList, now_ms};
use super::worker::{Failed, fate, play};
use crate::family::{Family, Fill};
use crate::scenario::Template;

/// A music task, shaped like the polling endpoint's `data` (camelCase, `response.sunoData`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MusicTask {
    /// Shown by `/_mock/tasks` only, as for video tasks.
    #[serde(skip)]
    pub family: &'static str,
    /// The operation's failure `msg` (code 400), for the callback and the record.
    #[serde(skip)]
    pub failure_msg: &'static str,
    pub task_id: String,
    pub parent_music_id: String,
    /// The create request, as a JSON string (as the provider keeps it).
    pub param: String,
    pub response: MusicResponse,
    pub status: &'static str,
    #[serde(rename = "type")]
    pub model: Option<String>,
    pub operation_type: &'static str,
    pub create_time: i64,
    pub error_code: Option<i64>,
    pub error_message: Option<String>,
    #[serde(skip)]
    pub callback_url: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MusicResponse {
    pub task_id: String,
    pub suno_data: Vec<Value>,
}

impl Keyed for MusicTask {
    fn task_id(&self) -> &str {
        &self.task_id
    }
}

/// The music tasks created, in order.
pub type MusicStore = TaskList<MusicTask>;

/// `POST` on one of the music-like operations (`operations::OPERATIONS`): validated, paid for,
/// then played in the background.
pub(super) async fn create(
    op: &'static Operation,
    State(api): State<Api>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let path = format!("POST {}", op.path);
    let obj = match create_body(&api, &headers, body, &path) {
        Ok(o) => o,
        Err(r) => return *r,
    };
    let (model, callback) = match op.validate(&obj) {
        Ok(x) => x,
        Err((code, msg)) => return bad_at(&api, &path, code, msg),
    };
    if let Err((code, msg)) = api.admission.admit(op.family) {
        return bad_at(&api, &path, code, msg);
    }
    let parent = ["taskId", "audioId"]
        .iter()
        .find_map(|k| obj.get(*k).and_then(Value::as_str))
        .unwrap_or_default()
        .to_string();
    let (index, task_id) = api.music.with(|tasks| {
        let index = tasks.iter().filter(|t| t.family == op.family).count();
        let id = created_task_id(&api, op.family, index);
        tasks.push(MusicTask {
            family: op.family,
            failure_msg: op.failure_msg,
            task_id: id.clone(),
            parent_music_id: parent,
            param: Value::Object(obj.clone()).to_string(),
            response: MusicResponse {
                task_id: id.clone(),
                suno_data: Vec::new(),
            },
            status: "PENDING",
            model,
            operation_type: op.operation_type,
            create_time: now_ms(),
            error_code: None,
            error_message: None,
            callback_url: callback,
        });
        (index, id)
    });
    log(&api, format!("{path} -> 200 taskId {task_id}"));
    tokio::spawn(run(api.clone(), index, task_id.clone()));
    envelope(&api, 200, "success", json!({"taskId": task_id}))
}

pub(super) async fn record_info(
    State(api): State<Api>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    const PATH: &str = "GET /api/v1/generate/record-info";
    if !authorized(&api, &headers) {
        return unauthorized(&api, PATH);
    }
    let Some(id) = q.get("taskId").filter(|s| !s.is_empty()) else {
        return bad_at(&api, PATH, 400, "taskId is required".into());
    };
    match api.music.get(id) {
        Some(t) => {
            log(&api, format!("{PATH}?taskId={id} -> 200 {}", t.status));
            envelope(&api, 200, "success", json!(t))
        }
        None => bad_at(&api, PATH, 400, format!("no music task with taskId {id}")),
    }
}

/// The tracks a stage's callback carries, as the polling endpoint shows them: the same items
/// (ids, URLs, durations) with camelCase keys (`audio_url` becomes `audioUrl`), so an
/// application that matches a callback's tracks with record-info's finds every one.
fn suno_data(api: &Api, family: &Family, stage: &str, task_id: &str) -> Vec<Value> {
    let Some(stage) = family.stage(stage) else {
        return Vec::new();
    };
    let media = |kind, slot: &str| api.host.media_url(task_id, kind, slot);
    let fill = Fill {
        task_id,
        media_url: &media,
        failure: None,
    };
    let body = crate::family::body(family, Ok(stage), None, &fill).unwrap_or(Value::Null);
    let camel = |key: &str| {
        let mut out = String::new();
        let mut upper = false;
        for c in key.chars() {
            match c {
                '_' => upper = true,
                c if upper => {
                    out.extend(c.to_uppercase());
                    upper = false;
                }
                c => out.push(c),
            }
        }
        out
    };
    body["data"]["data"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_object)
                .map(|o| Value::Object(o.iter().map(|(k, v)| (camel(k), v.clone())).collect()))
                .collect()
        })
        .unwrap_or_default()
}

/// How far along a status is: a stage sent late (`first` after `complete`) never moves the
/// record back.
fn progress(status: &str) -> u8 {
    match status {
        "PENDING" => 0,
        "TEXT_SUCCESS" => 1,
        "FIRST_SUCCESS" => 2,
        _ => 3,
    }
}

/// One task's life: its callbacks (`text`, `first`, `complete`, or what the plan says), each
/// sent after record-info shows the status that reports it.
async fn run(api: Api, index: usize, task_id: String) {
    let Some(task) = api.music.get(&task_id) else {
        return;
    };
    let family = crate::family::find(task.family).expect("operations name catalogue families");
    let f = fate(&api, family, index);
    // A 400 failure carries the operation's own message ("Music extension failed").
    let own = task.failure_msg;
    let wording = move |code| {
        if code == 400 {
            own.to_string()
        } else {
            family.failure_msg(code).to_string()
        }
    };
    let acknowledged = play(
        &api,
        family,
        &task_id,
        &task.callback_url,
        &f,
        wording,
        |stage, failed| {
            let (status, tracks) = match stage.stage {
                Template::Text => ("TEXT_SUCCESS", None),
                Template::First => ("FIRST_SUCCESS", Some("first")),
                Template::Failure | Template::Error => ("GENERATE_AUDIO_FAILED", None),
                _ => ("SUCCESS", Some(family.final_stage().name)),
            };
            api.music.update(&task_id, |t| {
                if progress(status) < progress(t.status) {
                    return;
                }
                t.status = status;
                if let Some(stage) = tracks {
                    t.response.suno_data = suno_data(&api, family, stage, &task_id);
                }
                if let Some(Failed { code, msg }) = failed {
                    t.error_code = Some(code);
                    t.error_message = Some(msg);
                }
            });
        },
    )
    .await;
    if !acknowledged {
        api.music
            .update(&task_id, |t| t.status = "CALLBACK_EXCEPTION");
    }
}
