//! The small JSON path language of `set:` and `remove:`: dotted keys with optional `$.` prefix
//! and numeric indices into arrays (`data.items.0`).

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// Why a path is not one, or leads nowhere a value can go.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PathError {
    #[error("the path is empty")]
    Empty,
    #[error("the path has an empty segment (`..` or a trailing `.`)")]
    EmptySegment,
    #[error("`{path}`: index {index} into something that is not a list")]
    NotAList { path: String, index: usize },
    #[error("`{path}`: index {index} is past the end of a list of {len}")]
    PastTheEnd {
        path: String,
        index: usize,
        len: usize,
    },
    #[error("`{path}`: no `{key}` there")]
    NoKey { path: String, key: String },
    #[error("`{path}`: no item {index} there")]
    NoItem { path: String, index: usize },
    #[error("`{path}`: not an object")]
    NotAnObject { path: String },
}

pub fn parse(path: &str) -> Result<Vec<Segment>, PathError> {
    let p = path.strip_prefix("$.").unwrap_or(path);
    if p.is_empty() || p == "$" {
        return Err(PathError::Empty);
    }
    p.split('.')
        .map(|s| {
            if s.is_empty() {
                Err(PathError::EmptySegment)
            } else if let Ok(i) = s.parse::<usize>() {
                Ok(Segment::Index(i))
            } else {
                Ok(Segment::Key(s.to_string()))
            }
        })
        .collect()
}

/// Puts `value` at `path`, creating objects on the way. Setting inside a non-object replaces it.
pub fn set(root: &mut Value, path: &str, value: Value) -> Result<(), PathError> {
    let segs = parse(path)?;
    let mut cur = root;
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        cur = match seg {
            Segment::Key(k) => {
                if !cur.is_object() {
                    *cur = Value::Object(serde_json::Map::new());
                }
                let obj = cur
                    .as_object_mut()
                    .ok_or_else(|| PathError::NotAnObject { path: path.into() })?;
                if last {
                    obj.insert(k.clone(), value);
                    return Ok(());
                }
                obj.entry(k.clone()).or_insert(Value::Null)
            }
            Segment::Index(idx) => {
                let Some(arr) = cur.as_array_mut() else {
                    return Err(PathError::NotAList {
                        path: path.into(),
                        index: *idx,
                    });
                };
                if *idx > arr.len() {
                    return Err(PathError::PastTheEnd {
                        path: path.into(),
                        index: *idx,
                        len: arr.len(),
                    });
                }
                if *idx == arr.len() {
                    arr.push(Value::Null);
                }
                if last {
                    arr[*idx] = value;
                    return Ok(());
                }
                &mut arr[*idx]
            }
        };
    }
    Ok(())
}

/// Sets `path` to `value` only where the path leads through what is there: every parent an
/// object (for a key) or a list long enough (for an index); only the last key may be new.
/// Unlike [`set`], nothing is made up on the way.
pub fn set_within(root: &mut Value, path: &str, value: Value) -> Result<(), PathError> {
    let segs = parse(path)?;
    let Some((last, parents)) = segs.split_last() else {
        return Err(PathError::Empty);
    };
    let mut cur = root;
    for seg in parents {
        cur = match seg {
            Segment::Key(k) => cur
                .as_object_mut()
                .and_then(|o| o.get_mut(k))
                .ok_or_else(|| PathError::NoKey {
                    path: path.into(),
                    key: k.clone(),
                })?,
            Segment::Index(i) => {
                cur.as_array_mut()
                    .and_then(|a| a.get_mut(*i))
                    .ok_or_else(|| PathError::NoItem {
                        path: path.into(),
                        index: *i,
                    })?
            }
        };
    }
    match last {
        Segment::Key(k) => {
            let obj = cur
                .as_object_mut()
                .ok_or_else(|| PathError::NotAnObject { path: path.into() })?;
            obj.insert(k.clone(), value);
        }
        Segment::Index(i) => {
            let slot = cur
                .as_array_mut()
                .and_then(|a| a.get_mut(*i))
                .ok_or_else(|| PathError::NoItem {
                    path: path.into(),
                    index: *i,
                })?;
            *slot = value;
        }
    }
    Ok(())
}

/// Removes what is at `path`; a path that leads nowhere is left alone.
pub fn remove(root: &mut Value, path: &str) -> Result<(), PathError> {
    let segs = parse(path)?;
    let Some((last, parents)) = segs.split_last() else {
        return Ok(());
    };
    let mut cur = root;
    for seg in parents {
        let next = match seg {
            Segment::Key(k) => cur.get_mut(k.as_str()),
            Segment::Index(i) => cur.get_mut(*i),
        };
        match next {
            Some(n) => cur = n,
            None => return Ok(()),
        }
    }
    match (last, cur) {
        (Segment::Key(k), Value::Object(o)) => {
            o.shift_remove(k);
        }
        (Segment::Index(i), Value::Array(a)) if *i < a.len() => {
            a.remove(*i);
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sets_nested_and_top_level() {
        let mut v = json!({"code": 200, "data": {"task_id": "t"}});
        set(&mut v, "data.extra", json!(1)).unwrap();
        set(&mut v, "$.code", json!("200")).unwrap();
        set(&mut v, "new.deep.key", json!(true)).unwrap();
        assert_eq!(
            v,
            json!({"code": "200", "data": {"task_id": "t", "extra": 1}, "new": {"deep": {"key": true}}})
        );
    }

    #[test]
    fn removes_and_ignores_missing() {
        let mut v = json!({"data": {"task_id": "t", "video_url": null}});
        remove(&mut v, "data.task_id").unwrap();
        remove(&mut v, "nothing.here").unwrap();
        assert_eq!(v, json!({"data": {"video_url": null}}));
    }

    #[test]
    fn refuses_empty_segments() {
        assert!(parse("data..x").is_err());
        assert!(parse("").is_err());
    }
}
