//! What the reference receiver accepts: its family's documented body and nothing less, in every
//! variant the docs allow, each documented field of a type the docs give it. Shaped as a receiver author would write it, with the reason for
//! every refusal.

use serde_json::Value;

use crate::family::Family;

/// A callback that passed validation.
pub struct Callback {
    pub code: i64,
    pub task_id: String,
    /// `text`, `first`, `complete`, `error` for staged families; `success` or `failure` else.
    pub stage: String,
    /// The task failed (a failure code, the `error` stage, a voice `status` of fail).
    pub failed: bool,
    /// Every media URL the body carries, in order, without repeats.
    pub media: Vec<String>,
}

/// Why the reference receiver refuses a body: the kind of fault and the field it is at, as a
/// type. `fuzz` names an accepted-invalid body by [`Refusal::field`] and leaves
/// [`Refusal::TooDeep`] out by its variant; nothing reads the text, which is for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("body is not JSON: {0}")]
    NotJson(String),
    /// Valid JSON nested deeper than serde_json parses (128 levels): refused by the
    /// reference receiver, yet not invalid.
    #[error(
        "body nests more than {MAX_DEPTH} levels deep, more than the reference receiver parses"
    )]
    TooDeep,
    #[error("body is not a JSON object")]
    NotObject,
    #[error("`{field}` missing or not {expected}")]
    Missing {
        field: String,
        expected: &'static str,
    },
    #[error("{0}")]
    Mistyped(crate::family::shape::Mistyped),
    #[error("unknown `data.callbackType` `{0}`")]
    UnknownStage(String),
    #[error("`data.callbackType` missing")]
    NoStage,
}

/// serde_json's recursion limit.
pub const MAX_DEPTH: usize = 128;

impl Refusal {
    /// The status the reference receiver answers it with.
    pub fn status(&self) -> u16 {
        match self {
            Refusal::NotJson(_) | Refusal::TooDeep => 400,
            _ => 422,
        }
    }

    /// The field at fault, as a dotted path, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Refusal::Missing { field, .. } => Some(field),
            Refusal::Mistyped(m) => Some(&m.path),
            Refusal::UnknownStage(_) | Refusal::NoStage => Some("data.callbackType"),
            Refusal::NotJson(_) | Refusal::TooDeep | Refusal::NotObject => None,
        }
    }
}

/// How deep `body`'s arrays and objects nest, reading it as JSON text (strings skipped).
fn depth(body: &[u8]) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in body {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// How far along a task a stage is: a stage never undoes one of a higher rank.
pub fn rank(stage: &str) -> u8 {
    match stage {
        "text" => 1,
        "first" => 2,
        "error" => 4,
        _ => 3,
    }
}

fn at<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    v.pointer(&format!("/{}", path.replace('.', "/")))
}

/// The JSON paths where this family's task id may sit: its own, and where a documented
/// variant moves it (MIDI's `data.taskId`).
fn task_id_paths(family: &Family) -> Vec<&'static str> {
    let mut paths = vec![family.task_id_path];
    for v in family.variants {
        for (path, value) in v.set {
            if *value == r#""{task_id}""# && !paths.contains(path) {
                paths.push(path);
            }
        }
    }
    paths
}

fn urls(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s)
            if (s.starts_with("http://") || s.starts_with("https://")) && !out.contains(s) =>
        {
            out.push(s.clone());
        }
        Value::Array(items) => items.iter().for_each(|x| urls(x, out)),
        Value::Object(map) => map.values().for_each(|x| urls(x, out)),
        _ => {}
    }
}

/// The callback in `body`, or why to refuse it.
pub fn validate(body: &[u8], family: &Family) -> Result<(Callback, Value), Refusal> {
    let missing = |field: &str, expected| Refusal::Missing {
        field: field.to_string(),
        expected,
    };
    let v: Value = serde_json::from_slice(body).map_err(|e| {
        if depth(body) >= MAX_DEPTH {
            Refusal::TooDeep
        } else {
            Refusal::NotJson(e.to_string())
        }
    })?;
    let obj = v.as_object().ok_or(Refusal::NotObject)?;
    let code = obj
        .get("code")
        .and_then(Value::as_i64)
        .ok_or_else(|| missing("code", "an integer"))?;
    obj.get("msg")
        .and_then(Value::as_str)
        .ok_or_else(|| missing("msg", "a string"))?;
    match obj.get("data") {
        Some(Value::Object(_)) => {}
        // MIDI's failure carries `data: null`; everywhere else `data` is an object.
        Some(Value::Null) if code != 200 && family.task_id_path == "task_id" => {}
        _ => return Err(missing("data", "an object")),
    }
    let paths = task_id_paths(family);
    let task_id = paths
        .iter()
        .find_map(|p| at(&v, p).and_then(Value::as_str))
        .filter(|t| !t.is_empty())
        .ok_or_else(|| missing(family.task_id_path, "a string"))?
        .to_string();
    if let Some(m) = crate::family::shape::mistyped(&v, family) {
        return Err(Refusal::Mistyped(m));
    }
    let declared = at(&v, "data.callbackType").and_then(Value::as_str);
    let stage = match declared {
        Some(s) if family.stage(s).is_some() || (s == "error" && family.error_stage) => {
            s.to_string()
        }
        Some(s) => return Err(Refusal::UnknownStage(s.to_string())),
        None if family.staged() || family.error_stage => return Err(Refusal::NoStage),
        None if code == 200 => family.final_stage().name.to_string(),
        None => "failure".to_string(),
    };
    let status = at(&v, "data.status").and_then(Value::as_str);
    let failed = code != 200
        || stage == "error"
        || matches!(status, Some("fail" | "processing_validate_fail"));
    let mut media = Vec::new();
    if !failed && let Some(data) = obj.get("data") {
        urls(data, &mut media);
    }
    Ok((
        Callback {
            code,
            task_id,
            stage,
            failed,
            media,
        },
        v,
    ))
}

/// The body has no field the family's documented bodies lack (the `strict-fields` flaw).
pub fn only_known_fields(v: &Value, family: &Family) -> bool {
    let mut known_top = Vec::new();
    let mut known_data = Vec::new();
    let templates = family
        .stages
        .iter()
        .map(|s| s.body)
        .chain([family.failure_body]);
    for t in templates {
        if let Ok(Value::Object(m)) = serde_json::from_str::<Value>(t) {
            known_top.extend(m.keys().cloned());
            if let Some(Value::Object(d)) = m.get("data") {
                known_data.extend(d.keys().cloned());
            }
        }
    }
    let top_ok = v
        .as_object()
        .is_some_and(|m| m.keys().all(|k| known_top.contains(k)));
    let data_ok = match v.get("data") {
        Some(Value::Object(d)) => d.keys().all(|k| known_data.contains(k)),
        _ => true,
    };
    top_ok && data_ok
}

/// The body has exactly the shape of the family's template for its stage: every field there,
/// of the same JSON type, the same `msg` (the `refuse-variants` flaw: a receiver that reads
/// one example of the docs as a schema).
pub fn exactly_as_documented(v: &Value, family: &Family, stage: &str) -> bool {
    let template = match family.stage(stage) {
        Some(s) => s.body,
        None => return true,
    };
    let Ok(t) = serde_json::from_str::<Value>(template) else {
        return true;
    };
    fn same_shape(t: &Value, v: &Value) -> bool {
        match (t, v) {
            (Value::Object(a), Value::Object(b)) => a
                .iter()
                .all(|(k, x)| b.get(k).is_some_and(|y| same_shape(x, y))),
            (Value::Array(a), Value::Array(b)) => match (a.first(), b.first()) {
                (Some(x), Some(y)) => same_shape(x, y),
                (Some(_), None) => false,
                _ => true,
            },
            (Value::Number(_), Value::Number(_)) | (Value::Bool(_), Value::Bool(_)) => true,
            (Value::String(_), Value::String(_)) | (Value::Null, Value::Null) => true,
            // `duration: null` in a template takes a number later.
            (Value::Null, Value::Number(_)) => true,
            _ => false,
        }
    }
    same_shape(&t, v) && t.get("msg") == v.get("msg")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_carry_their_field_and_status() {
        let video = crate::family::video();
        let refuse = |body: &str| validate(body.as_bytes(), video).err().expect("refused");
        assert_eq!(refuse("{").status(), 400);
        let r = refuse(r#"{"code":200,"msg":"success","data":{}}"#);
        assert_eq!((r.status(), r.field()), (422, Some("data.task_id")));
        let r = refuse(r#"{"code":200,"msg":"success","data":{"task_id":"t","video_url":7}}"#);
        assert_eq!(r.field(), Some("data.video_url"));
        assert!(r.to_string().contains("is a number"), "{r}");
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert_eq!(refuse(&deep), Refusal::TooDeep);
        // Brackets inside strings are not nesting.
        assert_eq!(depth(br#"{"a":"[[[[\"[["}"#), 1);
    }
}
