//! The documented callback bodies (CONTRACT.md S1, S2) and the step's changes to them.

use serde_json::{Value, json};

use crate::scenario::{DeliverStep, Template};
use crate::wire::json_path;

/// The `code`s the provider documents for a failed music-video task.
pub const FAILURE_CODES: [i64; 3] = [500, 400, 451];

/// Whether a failure callback may carry `code`: never 200 (that is a success), and a warning
/// (not a refusal: other senders exist) for a code the provider does not document.
pub fn check_failure_code(code: i64) -> Result<Option<String>, String> {
    if code == 200 {
        return Err(
            "a failure callback with code 200 is a success callback; use success, or a failure code: 500, 400, 451".into(),
        );
    }
    if FAILURE_CODES.contains(&code) {
        Ok(None)
    } else {
        Ok(Some(format!(
            "code {code} is not a failure code the provider documents (500, 400, 451); it is sent as written"
        )))
    }
}

/// The provider's `msg` for each failure code it documents.
pub fn failure_msg(code: i64) -> &'static str {
    match code {
        400 => "Music video generation failed",
        451 => "Failed to download the source audio",
        _ => "Internal Error - Please try again later",
    }
}

/// A request body ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub bytes: Vec<u8>,
    /// The JSON it was made from, when it is JSON.
    pub json: Option<Value>,
}

/// The template filled in for `task_id`, with the step's `code`, `msg`, `set` and `remove`.
pub fn build_body(step: &DeliverStep, task_id: &str, video_url: &str) -> Result<Body, String> {
    if let Some(raw) = &step.body {
        return Ok(Body {
            bytes: raw.as_bytes().to_vec(),
            json: serde_json::from_str(raw).ok(),
        });
    }
    let mut v = match step.deliver {
        Template::Success => json!({
            "code": step.code.unwrap_or(200),
            "msg": step.msg.as_deref().unwrap_or("success"),
            "data": {"task_id": task_id, "video_url": video_url},
        }),
        Template::Failure => {
            let code = step.code.unwrap_or(500);
            json!({
                "code": code,
                "msg": step.msg.as_deref().unwrap_or(failure_msg(code)),
                "data": {"task_id": task_id, "video_url": null},
            })
        }
        Template::Custom => step.json.clone().unwrap_or(Value::Null),
    };
    for (path, value) in &step.set {
        json_path::set(&mut v, path, substitute(value, task_id, video_url))?;
    }
    for path in &step.remove {
        json_path::remove(&mut v, path)?;
    }
    if step.deliver == Template::Custom {
        v = substitute(&v, task_id, video_url);
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
