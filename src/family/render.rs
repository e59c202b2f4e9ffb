//! Templates to bodies: the placeholders of a family's JSON templates filled in for one task.

use serde_json::Value;

use super::MediaKind;

/// A media placeholder of a template, with the JSON path it sits at.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaRef {
    pub kind: MediaKind,
    pub slot: String,
    /// `data.data.0.audio_url`
    pub path: String,
}

/// What one rendering fills in.
pub struct Fill<'a> {
    pub task_id: &'a str,
    /// The URL of a media slot of this task.
    pub media_url: &'a (dyn Fn(MediaKind, &str) -> String + Sync),
    /// `{code}` and `{msg}` of a failure body.
    pub failure: Option<(i64, &'a str)>,
}

fn parse(template: &str) -> Value {
    // Templates are constants of this crate; a test renders every one of them.
    serde_json::from_str(template).unwrap_or(Value::Null)
}

fn media_placeholder(s: &str) -> Option<(MediaKind, &str)> {
    let inner = s.strip_prefix("{media:")?.strip_suffix('}')?;
    let (kind, slot) = inner.split_once(':')?;
    Some((MediaKind::from_ext(kind)?, slot))
}

/// A short, stable id for item `n` of a task (track ids and the like).
fn item_id(task_id: &str, n: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in task_id.bytes().chain([b'/']).chain(n.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}-{:04x}", h >> 32, h & 0xffff)
}

fn fill(v: &mut Value, f: &Fill<'_>) {
    match v {
        Value::String(s) => {
            if s == "{task_id}" {
                *s = f.task_id.to_string();
            } else if let Some((kind, slot)) = media_placeholder(s) {
                *s = (f.media_url)(kind, slot);
            } else if let Some(n) = s.strip_prefix("{id:").and_then(|r| r.strip_suffix('}')) {
                *s = item_id(f.task_id, n);
            } else if s == "{code}" {
                *v = Value::from(f.failure.map(|(c, _)| c).unwrap_or(500));
            } else if s == "{msg}" {
                *s = f.failure.map(|(_, m)| m).unwrap_or_default().to_string();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|x| fill(x, f)),
        Value::Object(map) => map.values_mut().for_each(|x| fill(x, f)),
        _ => {}
    }
}

/// The template with every placeholder filled in.
pub fn render(template: &str, f: &Fill<'_>) -> Value {
    let mut v = parse(template);
    fill(&mut v, f);
    v
}

/// Every media placeholder of a template, in document order.
pub fn media_refs(template: &str) -> Vec<MediaRef> {
    fn walk(v: &Value, path: &mut Vec<String>, out: &mut Vec<MediaRef>) {
        match v {
            Value::String(s) => {
                if let Some((kind, slot)) = media_placeholder(s) {
                    out.push(MediaRef {
                        kind,
                        slot: slot.to_string(),
                        path: path.join("."),
                    });
                }
            }
            Value::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    path.push(i.to_string());
                    walk(x, path, out);
                    path.pop();
                }
            }
            Value::Object(map) => {
                for (k, x) in map {
                    path.push(k.clone());
                    walk(x, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&parse(template), &mut Vec::new(), &mut out);
    out
}

/// A variant of the catalogue that does not apply (a test renders every variant, so this is a
/// catalogue mistake caught before release, not something a user causes).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("variant `{variant}`: {path}: {source}")]
    Value {
        variant: &'static str,
        path: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error(transparent)]
    Path(#[from] crate::wire::json_path::PathError),
}

/// Applies a variant's changes to a template value (before its placeholders are filled).
fn apply(v: &mut Value, variant: &super::Variant) -> Result<(), RenderError> {
    for (path, json) in variant.set {
        let value: Value = serde_json::from_str(json).map_err(|source| RenderError::Value {
            variant: variant.name,
            path,
            source,
        })?;
        crate::wire::json_path::set(v, path, value)?;
    }
    for path in variant.remove {
        crate::wire::json_path::remove(v, path)?;
    }
    Ok(())
}

/// A body of `family`: a stage's (`Ok(stage)`) or the failure body (`Err((code, msg))`),
/// changed by `variant`, placeholders filled.
pub fn body(
    family: &super::Family,
    which: Result<&super::Stage, (i64, &str)>,
    variant: Option<&super::Variant>,
    f: &Fill<'_>,
) -> Result<Value, RenderError> {
    let template = match which {
        Ok(stage) => stage.body,
        Err(_) => family.failure_body,
    };
    let mut v = parse(template);
    if let Some(var) = variant {
        apply(&mut v, var)?;
    }
    let fill_with = Fill {
        task_id: f.task_id,
        media_url: f.media_url,
        failure: which.err().or(f.failure),
    };
    fill(&mut v, &fill_with);
    Ok(v)
}
