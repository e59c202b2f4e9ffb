//! What the reference receiver accepts: the documented body and nothing less. Shaped as a
//! receiver author would write it, with the reason for every refusal.

use serde_json::Value;

/// A callback that passed validation.
pub struct Callback {
    pub code: i64,
    pub task_id: String,
    pub video_url: Option<String>,
}

/// `Err((status, reason))` for a body to refuse.
pub fn validate(body: &[u8], strict_fields: bool) -> Result<Callback, (u16, String)> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| (400, format!("body is not JSON: {e}")))?;
    let obj = v
        .as_object()
        .ok_or((422, "body is not a JSON object".to_string()))?;
    let code = obj
        .get("code")
        .and_then(Value::as_i64)
        .ok_or((422, "`code` missing or not an integer".to_string()))?;
    obj.get("msg")
        .and_then(Value::as_str)
        .ok_or((422, "`msg` missing or not a string".to_string()))?;
    let data = obj
        .get("data")
        .and_then(Value::as_object)
        .ok_or((422, "`data` missing or not an object".to_string()))?;
    let task_id = data
        .get("task_id")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or((422, "`data.task_id` missing or not a string".to_string()))?;
    let video_url = match data.get("video_url") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err((422, "`data.video_url` is not a string".into())),
    };
    if strict_fields {
        let extra = obj
            .keys()
            .any(|k| !matches!(k.as_str(), "code" | "msg" | "data"))
            || data
                .keys()
                .any(|k| !matches!(k.as_str(), "task_id" | "video_url"));
        if extra {
            return Err((400, "unexpected field".into()));
        }
    }
    Ok(Callback {
        code,
        task_id: task_id.to_string(),
        video_url,
    })
}
