//! Music generation on the mock API: `POST /api/v1/generate` validated as the provider
//! documents it, two tracks per task, the `text`, `first` and `complete` callbacks spread over
//! the generation time (or an `error` one), and `GET /api/v1/generate/record-info` moving
//! through `PENDING`, `TEXT_SUCCESS`, `FIRST_SUCCESS`, `SUCCESS` as they go out.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use serde_json::{Value, json};

use super::Api;
use super::handlers::{authorized, bad_at, envelope, log, read_json, unauthorized};
use super::store::{Keyed, TaskList, now_ms};
use super::worker::{fate, send};
use crate::family::MediaKind;
use crate::payload::ids;
use crate::scenario::{DeliverStep, Outcome, Template};

const CREATE: &str = "POST /api/v1/generate";
const MODELS: &[&str] = &["V4", "V4_5", "V4_5PLUS", "V4_5ALL", "V5", "V5_5"];

/// A music task, shaped like the polling endpoint's `data` (camelCase, `response.sunoData`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MusicTask {
    /// Shown by `/_mock/tasks` only, as for video tasks.
    #[serde(skip)]
    pub family: &'static str,
    pub task_id: String,
    pub parent_music_id: String,
    /// The create request, as a JSON string (as the provider keeps it).
    pub param: String,
    pub response: MusicResponse,
    pub status: &'static str,
    #[serde(rename = "type")]
    pub model: String,
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

/// The documented checks of a music create, in order; `Err((code, msg))` names the field.
fn validate(o: &serde_json::Map<String, Value>) -> Result<(String, String), (u16, String)> {
    let boolean = |name: &str| match o.get(name) {
        Some(Value::Bool(b)) => Ok(*b),
        None | Some(Value::Null) => Err((400, format!("{name} is required"))),
        Some(_) => Err((400, format!("{name} must be true or false"))),
    };
    let text = |name: &str| match o.get(name) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(_)) => Ok(None),
        Some(_) => Err((400, format!("{name} must be a string"))),
    };
    let custom = boolean("customMode")?;
    let instrumental = boolean("instrumental")?;
    let model = text("model")?.ok_or((400, "model is required".to_string()))?;
    if !MODELS.contains(&model.as_str()) {
        return Err((
            400,
            format!("model `{model}` is not one of {}", MODELS.join(", ")),
        ));
    }
    let callback = text("callBackUrl")?.ok_or((400, "callBackUrl is required".to_string()))?;
    match url::Url::parse(&callback) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {}
        _ => return Err((400, "callBackUrl must be an http or https URL".into())),
    }
    let (prompt, style, title) = (text("prompt")?, text("style")?, text("title")?);
    let over = |name: &str, v: &Option<String>, max: usize| match v {
        Some(s) if s.chars().count() > max => Err((
            413,
            format!("{name} is longer than {max} characters for model {model}"),
        )),
        _ => Ok(()),
    };
    if custom {
        style
            .as_ref()
            .ok_or((400, "style is required in custom mode".to_string()))?;
        title
            .as_ref()
            .ok_or((400, "title is required in custom mode".to_string()))?;
        if !instrumental {
            prompt.as_ref().ok_or((
                400,
                "prompt is required in custom mode unless instrumental".to_string(),
            ))?;
        }
        let v4 = model == "V4";
        over("prompt", &prompt, if v4 { 3000 } else { 5000 })?;
        over("style", &style, if v4 { 200 } else { 1000 })?;
        over(
            "title",
            &title,
            if v4 || model == "V4_5ALL" { 80 } else { 100 },
        )?;
    } else {
        prompt
            .as_ref()
            .ok_or((400, "prompt is required".to_string()))?;
        over("prompt", &prompt, 500)?;
    }
    Ok((model, callback))
}

pub(super) async fn generate(
    State(api): State<Api>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if !authorized(&api, &headers) {
        return unauthorized(&api, CREATE);
    }
    let v = match read_json(&headers, body) {
        Ok(v) => v,
        Err((code, msg)) => return bad_at(&api, CREATE, code, msg),
    };
    let Some(obj) = v.as_object() else {
        return bad_at(&api, CREATE, 400, "the body must be a JSON object".into());
    };
    let (model, callback) = match validate(obj) {
        Ok(x) => x,
        Err((code, msg)) => return bad_at(&api, CREATE, code, msg),
    };
    if let Err((code, msg)) = api.admission.admit("music") {
        return bad_at(&api, CREATE, code, msg);
    }
    let (index, task_id) = api.music.create(|index| {
        let id = ids::task_id(api.cfg.seed, "serve-music", &index.to_string());
        MusicTask {
            family: "music",
            task_id: id.clone(),
            parent_music_id: String::new(),
            param: v.to_string(),
            response: MusicResponse {
                task_id: id,
                suno_data: Vec::new(),
            },
            status: "PENDING",
            model,
            operation_type: "generate",
            create_time: now_ms(),
            error_code: None,
            error_message: None,
            callback_url: callback,
        }
    });
    log(&api, format!("{CREATE} -> 200 taskId {task_id}"));
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

/// The tracks of a finished task as the polling endpoint shows them (camelCase), pointing at
/// the same files as the callbacks.
fn suno_data(api: &Api, task_id: &str) -> Vec<Value> {
    (1..=2)
        .map(|n| {
            let url = |kind, slot: String| api.host.media_url(task_id, kind, &slot);
            json!({
                "id": format!("{task_id}-{n}"),
                "audioUrl": url(MediaKind::Mp3, format!("track{n}")),
                "streamAudioUrl": url(MediaKind::Mp3, format!("track{n}-stream")),
                "imageUrl": url(MediaKind::Jpeg, format!("cover{n}")),
                "prompt": "[Verse] Neon rain on the avenue",
                "modelName": "chirp-v3-5",
                "title": "Iron Man",
                "tags": "electrifying, rock",
                "createTime": "2025-01-01 00:00:00",
                "duration": 198.44,
            })
        })
        .collect()
}

/// One task's life: the stages spread over the generation time, each sent before the status
/// that reports it; the duplicates the operator asked for are copies of the last callback.
async fn run(api: Api, index: usize, task_id: String) {
    let f = fate(&api, index);
    let Some(task) = api.music.get(&task_id) else {
        return;
    };
    let family = crate::family::find("music").expect("music is in the catalogue");
    api.host.set_mode(&task_id, f.video);
    api.host
        .expire_after(&task_id, api.cfg.retention_for(family));
    let total = f
        .generation_time
        .map(|d| d.0)
        .unwrap_or(api.cfg.generation_time);
    let third = total / 3;
    let stages: &[(Template, &'static str, &'static str)] = match f.outcome {
        Outcome::Success => &[
            (Template::Text, "text", "TEXT_SUCCESS"),
            (Template::First, "first", "FIRST_SUCCESS"),
            (Template::Complete, "complete", "SUCCESS"),
        ],
        Outcome::Failure => &[(Template::Error, "error", "GENERATE_AUDIO_FAILED")],
    };
    for (i, (template, stage, status)) in stages.iter().enumerate() {
        tokio::time::sleep(third).await;
        let last = i + 1 == stages.len();
        let mut step = DeliverStep::new(*template, "task");
        if *template == Template::Error {
            step.code = f.code.or(Some(family.default_failure_code()));
        }
        step.msg = f.msg.clone().filter(|_| last);
        if last {
            step.copies = Some(1 + f.duplicates);
            step.concurrent = f.concurrent && f.duplicates > 0;
        }
        api.music.update(&task_id, |t| {
            t.status = status;
            if *stage == "complete" {
                t.response.suno_data = suno_data(&api, &task_id);
            }
            if *stage == "error" {
                let code = step.code.unwrap_or(400);
                t.error_code = Some(code);
                t.error_message = Some(
                    step.msg
                        .clone()
                        .unwrap_or_else(|| family.failure_msg(code).to_string()),
                );
            }
        });
        let acknowledged = send(
            &api,
            &task_id,
            &task.callback_url,
            &step,
            family,
            Some(stage),
        )
        .await;
        if !acknowledged {
            api.music
                .update(&task_id, |t| t.status = "CALLBACK_EXCEPTION");
            return;
        }
    }
}
