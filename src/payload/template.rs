//! Callback bodies: a family's template for the step's stage (or its failure), the documented
//! variant it names, and the step's changes to it (`code`, `msg`, `set`, `remove`).

use serde_json::{Value, json};

use crate::family::{self, Family, Fill, MediaKind};
use crate::scenario::{DeliverStep, Resolved};
use crate::wire::json_path;

/// A request body ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub bytes: Vec<u8>,
    /// The JSON it was made from, when it is JSON.
    pub json: Option<Value>,
}

/// Where a task's media live: the URL of a slot of a kind.
pub type MediaUrl<'a> = &'a (dyn Fn(MediaKind, &str) -> String + Sync);

/// What a custom body writes where the run's media host goes (`http://127.0.0.1:PORT`), so a
/// file that points at the harness's media replays on any later run: the one placeholder an
/// exact `body` / `body_base64` gets, every other byte is sent as written.
pub const MEDIA_HOST: &str = "{media_host}";

/// Why a step's body could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("`body_base64` is not base64: {0}")]
    NotBase64(#[from] base64::DecodeError),
    #[error(transparent)]
    Stage(#[from] crate::scenario::NoSuchStage),
    #[error("the {family} family has no variant `{name}`")]
    NoVariant { family: &'static str, name: String },
    #[error(transparent)]
    Render(#[from] family::RenderError),
    #[error(transparent)]
    Path(#[from] json_path::PathError),
    #[error("the body does not serialise: {0}")]
    Json(#[from] serde_json::Error),
}

/// The step's body for `task_id` in `family`, its media pointing where `media_url` says
/// (`media_host` is the host those URLs are on).
pub fn build_body(
    step: &DeliverStep,
    family: &Family,
    task_id: &str,
    media_url: MediaUrl<'_>,
    media_host: &str,
) -> Result<Body, BodyError> {
    if let Some(b64) = &step.body_base64 {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD.decode(b64.trim())?;
        let bytes = replace_bytes(bytes, MEDIA_HOST.as_bytes(), media_host.as_bytes());
        return Ok(Body {
            json: serde_json::from_slice(&bytes).ok(),
            bytes,
        });
    }
    if let Some(raw) = &step.body {
        let raw = raw.replace(MEDIA_HOST, media_host);
        return Ok(Body {
            json: serde_json::from_str(&raw).ok(),
            bytes: raw.into_bytes(),
        });
    }
    let fill = Fill {
        task_id,
        media_url,
        failure: None,
    };
    let resolved = step.deliver.resolve(family)?;
    let mut v = match resolved {
        Resolved::Stage(stage) => {
            let variant = match &step.variant {
                Some(name) => Some(
                    family
                        .variants
                        .iter()
                        .find(|v| v.stage == stage.name && v.name == name)
                        .ok_or_else(|| BodyError::NoVariant {
                            family: family.id,
                            name: name.clone(),
                        })?,
                ),
                None => None,
            };
            let mut v = family::body(family, Ok(stage), variant, &fill)?;
            if let Some(code) = step.code {
                json_path::set(&mut v, "code", json!(code))?;
            }
            v
        }
        Resolved::Failure => {
            let code = step.code.unwrap_or(family.default_failure_code());
            family::body(family, Err((code, family.failure_msg(code))), None, &fill)?
        }
        Resolved::Custom => step.json.clone().unwrap_or(Value::Null),
    };
    if let Some(msg) = &step.msg {
        json_path::set(&mut v, "msg", json!(msg))?;
    }
    let fills = Fills {
        task_id,
        video_url: &media_url(MediaKind::Mp4, "video"),
        media_host,
    };
    for (path, value) in &step.set {
        json_path::set(&mut v, path, fills.substitute(value))?;
    }
    for path in &step.remove {
        json_path::remove(&mut v, path)?;
    }
    if matches!(resolved, Resolved::Custom) {
        v = fills.substitute(&v);
    }
    let bytes = serde_json::to_vec(&v)?;
    Ok(Body {
        bytes,
        json: Some(v),
    })
}

/// What the placeholders of custom bodies and `set` values stand for in this delivery.
struct Fills<'a> {
    task_id: &'a str,
    video_url: &'a str,
    media_host: &'a str,
}

impl Fills<'_> {
    /// `{task_id}`, `{video_url}` and `{media_host}` in strings of custom bodies and `set`
    /// values are filled in.
    fn substitute(&self, v: &Value) -> Value {
        match v {
            Value::String(s) if s.contains('{') => Value::String(
                s.replace("{task_id}", self.task_id)
                    .replace("{video_url}", self.video_url)
                    .replace(MEDIA_HOST, self.media_host),
            ),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.substitute(x)).collect()),
            Value::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, x)| (k.clone(), self.substitute(x)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

/// `bytes` with every `from` replaced by `to` (bodies that need not be text).
pub fn replace_bytes(bytes: Vec<u8>, from: &[u8], to: &[u8]) -> Vec<u8> {
    if from.is_empty() || !bytes.windows(from.len()).any(|w| w == from) {
        return bytes;
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = &bytes[..];
    while let Some(at) = rest.windows(from.len()).position(|w| w == from) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(to);
        rest = &rest[at + from.len()..];
    }
    out.extend_from_slice(rest);
    out
}
