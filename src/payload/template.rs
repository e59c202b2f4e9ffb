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

/// The step's body for `task_id` in `family`, its media pointing where `media_url` says.
pub fn build_body(
    step: &DeliverStep,
    family: &Family,
    task_id: &str,
    media_url: MediaUrl<'_>,
) -> Result<Body, String> {
    if let Some(b64) = &step.body_base64 {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map_err(|e| format!("`body_base64` is not base64: {e}"))?;
        return Ok(Body {
            json: serde_json::from_slice(&bytes).ok(),
            bytes,
        });
    }
    if let Some(raw) = &step.body {
        return Ok(Body {
            bytes: raw.as_bytes().to_vec(),
            json: serde_json::from_str(raw).ok(),
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
                        .ok_or_else(|| {
                            format!("the {} family has no variant `{name}`", family.id)
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
    let legacy_video_url = media_url(MediaKind::Mp4, "video");
    for (path, value) in &step.set {
        json_path::set(&mut v, path, substitute(value, task_id, &legacy_video_url))?;
    }
    for path in &step.remove {
        json_path::remove(&mut v, path)?;
    }
    if matches!(resolved, Resolved::Custom) {
        v = substitute(&v, task_id, &legacy_video_url);
    }
    let bytes = serde_json::to_vec(&v).map_err(|e| e.to_string())?;
    Ok(Body {
        bytes,
        json: Some(v),
    })
}

/// `{task_id}` and `{video_url}` in strings of custom bodies and `set` values are filled in.
fn substitute(v: &Value, task_id: &str, video_url: &str) -> Value {
    match v {
        Value::String(s) if s.contains('{') => Value::String(
            s.replace("{task_id}", task_id)
                .replace("{video_url}", video_url),
        ),
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|x| substitute(x, task_id, video_url))
                .collect(),
        ),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), substitute(x, task_id, video_url)))
                .collect(),
        ),
        other => other.clone(),
    }
}
