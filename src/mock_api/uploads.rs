//! The provider's file-upload API (on its own host, `sunoapiorg.redpandaai.co`; `serve`
//! answers it on the same listener): a stream (multipart), base64 or URL upload, each
//! answered with the six documented `data` keys, and the `downloadUrl` serving the file until
//! it is deleted three days later, so a client can pass it to upload-cover or upload-extend.
//! Its envelope is its own: `success`, and the HTTP status equal to `code`.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::Api;
use super::envelope::{authorized, log};
use super::fields::Refusal;

/// How long an uploaded file is kept (the provider deletes them after 3 days).
const KEPT: Duration = Duration::from_secs(3 * 86_400);
/// The largest upload the mock takes (the URL upload advises about 100 MB).
pub(super) const MAX_UPLOAD: usize = 100 * 1024 * 1024;

struct File {
    bytes: Bytes,
    mime: String,
    until: Instant,
}

/// The uploaded files, by `filePath`.
#[derive(Default)]
pub struct Uploads {
    files: Mutex<HashMap<String, File>>,
}

impl std::fmt::Debug for Uploads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Uploads")
    }
}

fn answer(api: &Api, path: &str, result: Result<Value, Refusal>) -> Response {
    let (code, body) = match result {
        Ok(data) => (
            200,
            json!({"success": true, "code": 200, "msg": "File uploaded successfully", "data": data}),
        ),
        Err(Refusal { status: code, msg }) => {
            (code, json!({"success": false, "code": code, "msg": msg}))
        }
    };
    log(api, format!("POST {path} -> {code}"));
    (
        StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        axum::Json(body),
    )
        .into_response()
}

/// The media type of a file, from its name.
fn mime_of(name: &str) -> &'static str {
    match name
        .rsplit('.')
        .next()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("mp3") => "audio/mpeg",
        Some("wav") => "audio/wav",
        Some("m4a") => "audio/mp4",
        Some("mp4") => "video/mp4",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("json") => "application/json",
        Some("txt") => "text/plain",
        _ => "application/octet-stream",
    }
}

/// `uploadPath`: required, no leading or trailing slash.
fn upload_path(o: &Map<String, Value>) -> Result<String, Refusal> {
    match o.get("uploadPath").and_then(Value::as_str).map(str::trim) {
        None | Some("") => Err(Refusal::new(400, "uploadPath is required")),
        Some(p) if p.starts_with('/') || p.ends_with('/') => Err(Refusal::new(
            400,
            "uploadPath must not start or end with a slash",
        )),
        Some(p) => Ok(p.to_string()),
    }
}

/// Keeps the file and says where it is, with the six documented keys.
fn keep(api: &Api, dir: &str, name: &str, bytes: Bytes, mime: Option<&str>) -> Value {
    let mime = mime
        .filter(|m| !m.is_empty() && *m != "application/octet-stream")
        .unwrap_or_else(|| mime_of(name))
        .to_string();
    let path = format!("{dir}/{name}");
    let size = bytes.len();
    api.uploads
        .files
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(
            path.clone(),
            File {
                bytes,
                mime: mime.clone(),
                until: Instant::now() + KEPT,
            },
        );
    json!({
        "fileName": name,
        "filePath": path,
        "downloadUrl": format!("{}/files/{path}", api.host.base_url()),
        "fileSize": size,
        "mimeType": mime,
        "uploadedAt": humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string(),
    })
}

/// A name for a file the request did not name: seeded, with the type's extension.
fn made_up_name(api: &Api, mime: &str, bytes: &[u8]) -> String {
    let ext = match mime {
        "audio/mpeg" => "mp3",
        "audio/wav" | "audio/x-wav" => "wav",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "video/mp4" => "mp4",
        _ => "bin",
    };
    let id = crate::payload::ids::task_id(api.cfg.seed, "upload", &bytes.len().to_string());
    format!("{id}.{ext}")
}

fn json_body(headers: &HeaderMap, body: &Bytes) -> Result<Map<String, Value>, Refusal> {
    match super::envelope::read_json(headers, Ok(body.clone())) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(Refusal::new(400, "the body must be a JSON object")),
        Err(e) => Err(e),
    }
}

/// `POST /api/file-base64-upload`: `base64Data` (plain or a `data:` URL) and `uploadPath`.
pub(super) async fn base64_upload(
    State(api): State<Api>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    const PATH: &str = "/api/file-base64-upload";
    if !authorized(&api, &headers) {
        return answer(&api, PATH, Err(Refusal::new(401, "Unauthorized")));
    }
    let result = json_body(&headers, &body).and_then(|o| {
        let dir = upload_path(&o)?;
        let data = o
            .get("base64Data")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or(Refusal::new(400, "base64Data is required"))?;
        let (mime, b64) = match data
            .strip_prefix("data:")
            .and_then(|d| d.split_once(";base64,"))
        {
            Some((m, rest)) => (Some(m.to_string()), rest),
            None => (None, data),
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map_err(|e| Refusal::new(400, format!("base64Data is not base64: {e}")))?;
        let name = match o
            .get("fileName")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            Some(n) => n.to_string(),
            None => made_up_name(&api, mime.as_deref().unwrap_or(""), &bytes),
        };
        Ok(keep(&api, &dir, &name, Bytes::from(bytes), mime.as_deref()))
    });
    answer(&api, PATH, result)
}

/// `POST /api/file-url-upload`: the file at `fileUrl` (http or https, 30 s to download).
pub(super) async fn url_upload(
    State(api): State<Api>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    const PATH: &str = "/api/file-url-upload";
    if !authorized(&api, &headers) {
        return answer(&api, PATH, Err(Refusal::new(401, "Unauthorized")));
    }
    let request = json_body(&headers, &body).and_then(|o| {
        let dir = upload_path(&o)?;
        let url = o
            .get("fileUrl")
            .and_then(Value::as_str)
            .and_then(|u| url::Url::parse(u).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or(Refusal::new(400, "fileUrl must be an http or https URL"))?;
        let name = o
            .get("fileName")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .or_else(|| {
                url.path_segments()?
                    .next_back()
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            })
            .unwrap_or_else(|| made_up_name(&api, "", &[]));
        Ok((dir, url, name))
    });
    let result = match request {
        Err(e) => Err(e),
        Ok((dir, url, name)) => fetch(&url)
            .await
            .map(|(bytes, mime)| keep(&api, &dir, &name, bytes, mime.as_deref())),
    };
    answer(&api, PATH, result)
}

async fn fetch(url: &url::Url) -> Result<(Bytes, Option<String>), Refusal> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| Refusal::new(500, format!("cannot download: {e}")))?;
    let r =
        client.get(url.clone()).send().await.map_err(|e| {
            Refusal::new(400, format!("cannot download fileUrl: {}", e.without_url()))
        })?;
    if !r.status().is_success() {
        return Err(Refusal::new(
            400,
            format!("fileUrl answered {}", r.status().as_u16()),
        ));
    }
    let mime = r
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|m| m.split(';').next().unwrap_or(m).trim().to_string());
    let bytes = r
        .bytes()
        .await
        .map_err(|e| Refusal::new(400, format!("cannot download fileUrl: {}", e.without_url())))?;
    if bytes.len() > MAX_UPLOAD {
        return Err(Refusal::new(400, "the file is larger than 100 MB"));
    }
    Ok((bytes, mime))
}

/// `POST /api/file-stream-upload`: multipart, `file` and `uploadPath` (`fileName` optional:
/// the file's own name).
pub(super) async fn stream_upload(
    State(api): State<Api>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    const PATH: &str = "/api/file-stream-upload";
    if !authorized(&api, &headers) {
        return answer(&api, PATH, Err(Refusal::new(401, "Unauthorized")));
    }
    let result = match multipart {
        Err(e) => Err(Refusal::new(
            400,
            format!("the body must be multipart/form-data: {e}"),
        )),
        Ok(m) => read_parts(&api, m).await,
    };
    answer(&api, PATH, result)
}

async fn read_parts(api: &Api, mut m: Multipart) -> Result<Value, Refusal> {
    let mut fields = Map::new();
    let mut file: Option<(Bytes, Option<String>, Option<String>)> = None;
    while let Some(part) = m
        .next_field()
        .await
        .map_err(|e| Refusal::new(400, format!("unreadable multipart body: {e}")))?
    {
        let name = part.name().unwrap_or_default().to_string();
        if name == "file" {
            let original = part.file_name().map(str::to_string);
            let mime = part.content_type().map(str::to_string);
            let bytes = part
                .bytes()
                .await
                .map_err(|e| Refusal::new(400, format!("unreadable file part: {e}")))?;
            file = Some((bytes, original, mime));
        } else {
            let text = part
                .text()
                .await
                .map_err(|e| Refusal::new(400, format!("unreadable field {name}: {e}")))?;
            fields.insert(name, Value::from(text));
        }
    }
    let dir = upload_path(&fields)?;
    let (bytes, original, mime) = file.ok_or(Refusal::new(400, "file is required"))?;
    let name = fields
        .get("fileName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or(original)
        .unwrap_or_else(|| made_up_name(api, mime.as_deref().unwrap_or(""), &bytes));
    Ok(keep(api, &dir, &name, bytes, mime.as_deref()))
}

/// `GET /files/<filePath>`: an uploaded file, until it is deleted.
pub(super) async fn download(State(api): State<Api>, Path(path): Path<String>) -> Response {
    let files = api
        .uploads
        .files
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    match files.get(&path).filter(|f| Instant::now() < f.until) {
        Some(f) => ([(header::CONTENT_TYPE, f.mime.clone())], f.bytes.clone()).into_response(),
        None => (StatusCode::NOT_FOUND, "no such file\n").into_response(),
    }
}
