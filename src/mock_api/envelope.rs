//! The provider's envelope `{code, msg, data}` and its key check, shared by every endpoint:
//! nothing a client sends makes a handler panic, and every refusal is logged.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::Api;
use super::fields::Refusal;
use crate::family::Family;
use crate::payload::ids;

/// The largest request body the mock reads (axum's default, which the provider's own limit
/// is said to match).
pub(super) const MAX_BODY: usize = 2 * 1024 * 1024;

/// Reads every request's whole body before any handler answers. A handler that answers early
/// (a 404 to a path the provider lacks, a 401) would otherwise leave unread bytes on a
/// kept-alive connection, which the server then closes without saying `Connection: close`,
/// and a client pooling connections fails its next, unrelated call. A body over the limit is
/// refused in the envelope, with `Connection: close`.
pub(super) async fn read_whole_body<const MAX: usize>(
    axum::extract::State(api): axum::extract::State<Api>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, MAX).await {
        Ok(bytes) => {
            next.run(axum::extract::Request::from_parts(
                parts,
                axum::body::Body::from(bytes),
            ))
            .await
        }
        Err(_) => {
            let path = format!("{} {}", parts.method, parts.uri.path());
            let mut r = bad_at(
                &api,
                &path,
                413,
                format!(
                    "the request body is too large (the limit is {} MB)",
                    MAX / (1024 * 1024)
                ),
            );
            r.headers_mut().insert(
                header::CONNECTION,
                header::HeaderValue::from_static("close"),
            );
            r
        }
    }
}

/// The id of the `index`-th task of `family` a run of `serve` creates: the same for the same
/// `--seed`, so a client's tests can expect it.
pub(super) fn created_task_id(api: &Api, family: &Family, index: usize) -> String {
    ids::task_id(api.cfg.seed, family.polling.id_scope, &index.to_string())
}

/// The HTTP status of an answer whose body says `code`: the same, unless `--always-http-200`.
fn http_status(api: &Api, code: u16) -> StatusCode {
    if api.cfg.mirror_status {
        StatusCode::from_u16(code).unwrap_or(StatusCode::OK)
    } else {
        StatusCode::OK
    }
}

pub(super) fn envelope(api: &Api, code: u16, msg: &str, data: Value) -> Response {
    (
        http_status(api, code),
        axum::Json(json!({"code": code, "msg": msg, "data": data})),
    )
        .into_response()
}

/// [`envelope`] around a `data` that is JSON text already (a kept record), sent as it is.
pub(super) fn envelope_raw(api: &Api, code: u16, msg: &str, data: &str) -> Response {
    let head = json!({"code": code, "msg": msg}).to_string();
    let body = format!("{},\"data\":{data}}}", &head[..head.len() - 1]);
    (
        http_status(api, code),
        [(header::CONTENT_TYPE, "application/json")],
        body,
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
) -> Result<Value, Refusal> {
    let body = match body {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return Err(Refusal::new(
                413,
                "the request body is too large (the limit is 2 MB)",
            ));
        }
        Err(e) => {
            return Err(Refusal::new(
                400,
                format!("the request body could not be read: {e}"),
            ));
        }
    };
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !crate::wire::is_json_content_type(ct) {
        return Err(Refusal::new(
            400,
            format!("Content-Type must be application/json, got `{ct}`"),
        ));
    }
    serde_json::from_slice(&body)
        .map_err(|e| Refusal::new(400, format!("the body is not valid JSON: {e}")))
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
        Err(Refusal { status: code, msg }) => Err(Box::new(bad_at(api, path, code, msg))),
    }
}
