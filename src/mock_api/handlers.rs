//! The provider's endpoints and the mock's inspection endpoints. Every answer uses the
//! provider's envelope `{code, msg, data}`; nothing a client sends makes a handler panic.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::fields::{callback_url, required_text};
use super::store::{PENDING, Task, now_ms};
use super::{Api, worker};
use crate::payload::ids;

/// The provider's limit on `author` and `domainName`.
const MAX_FIELD: usize = 50;

/// The id of the `index`-th task of `family` a run of `serve` creates: the same for the same
/// `--seed`, so a client's tests can expect it. (Video's scope keeps the name it had before
/// the other families came.)
pub(super) fn created_task_id(api: &Api, family: &str, index: usize) -> String {
    let scope = if family == "video" {
        "serve".to_string()
    } else {
        format!("serve-{family}")
    };
    ids::task_id(api.cfg.seed, &scope, &index.to_string())
}

pub(super) fn envelope(api: &Api, code: u16, msg: &str, data: Value) -> Response {
    let status = if api.cfg.mirror_status {
        StatusCode::from_u16(code).unwrap_or(StatusCode::OK)
    } else {
        StatusCode::OK
    };
    (
        status,
        axum::Json(json!({"code": code, "msg": msg, "data": data})),
    )
        .into_response()
}

pub(super) fn log(api: &Api, line: String) {
    if api.cfg.log {
        let t = api.sender.started().elapsed().as_secs_f64();
        crate::console::outln!("{t:>9.3}s  {line}");
    }
}

/// `Authorization: Bearer KEY`: any non-empty key, or exactly `--api-key`.
pub(super) fn authorized(api: &Api, headers: &HeaderMap) -> bool {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    match &api.cfg.api_key {
        _ if key.is_empty() => false,
        Some(required) => key == required,
        None => true,
    }
}

pub(super) fn unauthorized(api: &Api, path: &str) -> Response {
    log(
        api,
        format!("{path} -> 401 (missing or wrong Authorization: Bearer)"),
    );
    envelope(
        api,
        401,
        "Unauthorized access: send Authorization: Bearer <API_KEY>",
        Value::Null,
    )
}

const CREATE: &str = "POST /api/v1/mp4/generate";

fn bad(api: &Api, code: u16, msg: String) -> Response {
    bad_at(api, CREATE, code, msg)
}

/// A refused request in the provider's envelope, logged under `path`.
pub(super) fn bad_at(api: &Api, path: &str, code: u16, msg: String) -> Response {
    log(api, format!("{path} -> {code} {msg}"));
    envelope(api, code, &msg, Value::Null)
}

/// A create's body as JSON: the content type checked, an oversized or unreadable body and
/// malformed JSON refused in the envelope (never axum's plain text).
pub(super) fn read_json(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Value, (u16, String)> {
    let body = match body {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return Err((
                413,
                "the request body is too large (the limit is 2 MB)".into(),
            ));
        }
        Err(e) => return Err((400, format!("the request body could not be read: {e}"))),
    };
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !crate::wire::is_json_content_type(ct) {
        return Err((
            400,
            format!("Content-Type must be application/json, got `{ct}`"),
        ));
    }
    serde_json::from_slice(&body).map_err(|e| (400, format!("the body is not valid JSON: {e}")))
}

/// The start of every create: the key, then the body as a JSON object; any refusal is the
/// envelope's answer, logged under `path`.
pub(super) fn create_body(
    api: &Api,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    path: &str,
) -> Result<Map<String, Value>, Box<Response>> {
    if !authorized(api, headers) {
        return Err(Box::new(unauthorized(api, path)));
    }
    match read_json(headers, body) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(Box::new(bad_at(
            api,
            path,
            400,
            "the body must be a JSON object".into(),
        ))),
        Err((code, msg)) => Err(Box::new(bad_at(api, path, code, msg))),
    }
}

pub(super) async fn generate(
    State(api): State<Api>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let obj = match create_body(&api, &headers, body, CREATE) {
        Ok(o) => o,
        Err(r) => return *r,
    };
    let fields = required_text(&obj, "taskId").and_then(|task| {
        let audio = required_text(&obj, "audioId")?;
        Ok((task, audio, callback_url(&obj)?))
    });
    let (music_id, audio_id, callback) = match fields {
        Ok(f) => f,
        Err((code, msg)) => return bad(&api, code, msg),
    };
    let mut optional = HashMap::new();
    for name in ["author", "domainName"] {
        match obj.get(name) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s.chars().count() > MAX_FIELD => {
                return bad(
                    &api,
                    413,
                    format!("{name} is longer than {MAX_FIELD} characters"),
                );
            }
            Some(Value::String(s)) => {
                optional.insert(name, s.clone());
            }
            Some(_) => return bad(&api, 400, format!("{name} must be a string")),
        }
    }
    // A refused create (409, the rate limit, the balance) leaves nothing behind.
    if api.store.has_pair(&music_id, &audio_id) {
        return bad(&api, 409, "Conflict - Mp4 record already exists".into());
    }
    if let Err((code, msg)) = api.admission.admit("video") {
        return bad(&api, code, msg);
    }
    if !api.store.claim_pair(&music_id, &audio_id) {
        return bad(&api, 409, "Conflict - Mp4 record already exists".into());
    }
    let (index, task_id) = api.store.create(|index| Task {
        family: "video",
        task_id: created_task_id(&api, "video", index),
        music_id,
        audio_id,
        callback_url: callback,
        author: optional.remove("author"),
        domain_name: optional.remove("domainName"),
        create_time: now_ms(),
        complete_time: None,
        response: None,
        success_flag: PENDING,
        error_code: None,
        error_message: None,
    });
    log(&api, format!("{CREATE} -> 200 taskId {task_id}"));
    tokio::spawn(worker::run(api.clone(), index, task_id.clone()));
    envelope(&api, 200, "success", json!({"taskId": task_id}))
}

pub(super) async fn record_info(
    State(api): State<Api>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if !authorized(&api, &headers) {
        return unauthorized(&api, "GET /api/v1/mp4/record-info");
    }
    let Some(id) = q.get("taskId").filter(|s| !s.is_empty()) else {
        log(
            &api,
            "GET /api/v1/mp4/record-info -> 400 taskId is required".into(),
        );
        return envelope(&api, 400, "taskId is required", Value::Null);
    };
    match api.store.get(id) {
        Some(t) => {
            log(
                &api,
                format!(
                    "GET /api/v1/mp4/record-info?taskId={id} -> 200 {}",
                    t.success_flag
                ),
            );
            envelope(&api, 200, "success", json!(t))
        }
        None => {
            log(
                &api,
                format!("GET /api/v1/mp4/record-info?taskId={id} -> 400 no such task"),
            );
            envelope(
                &api,
                400,
                &format!("no music-video task with taskId {id}"),
                Value::Null,
            )
        }
    }
}

/// `GET /api/v1/generate/credit`: the balance, as the provider answers it (`data` an integer).
pub(super) async fn credit(State(api): State<Api>, headers: HeaderMap) -> Response {
    if !authorized(&api, &headers) {
        return unauthorized(&api, "GET /api/v1/generate/credit");
    }
    let balance = api.admission.balance();
    log(
        &api,
        format!("GET /api/v1/generate/credit -> 200 {balance}"),
    );
    envelope(&api, 200, "success", json!(balance))
}

/// Every task of every family, video first, each with its `family` (a field of the mock's,
/// not of the provider's record-info).
pub(super) async fn tasks(State(api): State<Api>) -> Response {
    let with_family = |family: &str, mut v: Value| {
        if let Some(o) = v.as_object_mut() {
            o.insert("family".into(), family.into());
        }
        v
    };
    let mut all: Vec<Value> = api
        .store
        .tasks()
        .iter()
        .map(|t| with_family(t.family, json!(t)))
        .collect();
    all.extend(
        api.music
            .all()
            .iter()
            .map(|t| with_family(t.family, json!(t))),
    );
    all.extend(
        api.single
            .all()
            .into_iter()
            .map(|t| with_family(t.family, t.record)),
    );
    axum::Json(all).into_response()
}

pub(super) async fn deliveries(State(api): State<Api>) -> Response {
    axum::Json(api.store.attempts()).into_response()
}

pub(super) async fn wrong_method(State(api): State<Api>) -> Response {
    envelope(&api, 404, "Invalid request method or path", Value::Null)
}

pub(super) async fn not_found(State(api): State<Api>, uri: axum::http::Uri) -> Response {
    log(&api, format!("{uri} -> 404"));
    envelope(&api, 404, "Invalid request method or path", Value::Null)
}
