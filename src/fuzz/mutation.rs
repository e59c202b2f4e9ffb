//! What a fuzz case changes in a documented body: a place (a JSON path, or the request's
//! content type) and what goes there. Each change knows how to say itself, how to render into
//! the request's bytes (some values are no JSON a serializer would write: `1e999`, a lone
//! surrogate, bytes that are not UTF-8) and how to get smaller while shrinking.

use std::fmt::Write as _;

pub use crate::outcome::fuzz::short;
use serde_json::Value;

/// What is put at a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// A JSON value as is: another type, null, an empty array.
    Json(Value),
    /// A string of unusual characters; shrinks by dropping characters.
    Text(String),
    /// `unit` repeated `count` times; shrinks by halving `count`.
    Repeat { unit: String, count: usize },
    /// JSON text spliced in verbatim: a number no double holds, a lone surrogate escape.
    Raw(String),
    /// A string whose bytes are not UTF-8 (the body is then not JSON text at all); shrinks by
    /// dropping bytes.
    Bytes(Vec<u8>),
    /// An array of `count` copies of `item`; shrinks by halving `count`.
    Many { item: Value, count: usize },
    /// Objects nested `depth` deep; shrinks by halving `depth`.
    Nest { depth: usize },
}

/// Where the change is made.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// `path` in the small path language of `set:` (`data.data.0.audio_url`); empty: the
    /// whole body.
    Set {
        path: String,
        to: Payload,
    },
    Remove {
        path: String,
    },
    /// The request's `Content-Type`; `None` sends none.
    ContentType(Option<String>),
}

/// One change and the kind of mutation it is (`long-string`, `type-swap`, ...): what a
/// finding's "where" and "what" are made of.
#[derive(Debug, Clone, PartialEq)]
pub struct Mutation {
    pub kind: &'static str,
    pub change: Change,
}

/// Every kind of mutation, as reports name them.
pub const KINDS: &[&str] = &[
    "type-swap",
    "null",
    "removed",
    "long-string",
    "exotic-string",
    "number",
    "array",
    "nesting",
    "extra-field",
    "invalid-utf8",
    "content-type",
];

/// A path with array positions folded (`data.data[].audio_url`), the body for `""`: how a
/// finding's place is named, so the same defect at `data.data.0` and `data.data.1` is one.
pub fn folded(path: &str) -> String {
    if path.is_empty() {
        return "(the whole body)".into();
    }
    crate::family::detect::fold(path)
}

impl Payload {
    /// `a string of 1024 × "a"`, `null`, `1e999`.
    pub fn describe(&self) -> String {
        match self {
            Payload::Json(v) => {
                let text = serde_json::to_string(v).unwrap_or_default();
                let kind = crate::family::shape::Kind::of(v);
                if text.len() > 40 {
                    format!("{} ({} characters of JSON)", kind.article(), text.len())
                } else if kind == crate::family::shape::Kind::Null {
                    text
                } else {
                    format!("{text} ({})", kind.article())
                }
            }
            Payload::Text(s) => short(s, 60),
            Payload::Repeat { unit, count } => {
                format!("a string of {count} × {}", short(unit, 20))
            }
            Payload::Raw(r) => r.clone(),
            Payload::Bytes(b) => {
                let mut hex = String::new();
                for x in b.iter().filter(|x| !x.is_ascii()).take(8) {
                    let _ = write!(hex, " {x:02x}");
                }
                format!("a string of {} bytes, not UTF-8 (bytes{hex})", b.len())
            }
            Payload::Many { item, count } => format!(
                "an array of {count} × {}",
                short(&serde_json::to_string(item).unwrap_or_default(), 30)
            ),
            Payload::Nest { depth } => format!("objects nested {depth} deep"),
        }
    }

    /// The JSON type of what is put there (raw text here is always a number, bytes a string).
    pub fn json_kind(&self) -> Option<crate::family::shape::Kind> {
        use crate::family::shape::Kind;
        Some(match self {
            Payload::Json(v) => Kind::of(v),
            Payload::Text(_) | Payload::Repeat { .. } | Payload::Bytes(_) => Kind::String,
            Payload::Raw(_) => Kind::Number,
            Payload::Many { .. } => Kind::Array,
            Payload::Nest { .. } => Kind::Object,
        })
    }

    /// The JSON text of the value, for the payloads a serializer would not write.
    fn raw(&self) -> Option<Vec<u8>> {
        match self {
            Payload::Raw(r) => Some(r.as_bytes().to_vec()),
            Payload::Bytes(b) => {
                let mut out = vec![b'"'];
                for &x in b {
                    // Keep the JSON string closed: escape what would end or break it.
                    match x {
                        b'"' => out.extend_from_slice(b"\\\""),
                        b'\\' => out.extend_from_slice(b"\\\\"),
                        0..=0x1f => out.extend_from_slice(format!("\\u{x:04x}").as_bytes()),
                        _ => out.push(x),
                    }
                }
                out.push(b'"');
                Some(out)
            }
            Payload::Nest { depth } => {
                let mut s = String::with_capacity(depth * 6 + 2);
                for _ in 0..*depth {
                    s.push_str("{\"a\":");
                }
                s.push_str("{}");
                s.push_str(&"}".repeat(*depth));
                Some(s.into_bytes())
            }
            _ => None,
        }
    }

    /// The value a serializer writes; `None` for the ones spliced in as raw text.
    fn value(&self) -> Option<Value> {
        match self {
            Payload::Json(v) => Some(v.clone()),
            Payload::Text(s) => Some(Value::String(s.clone())),
            Payload::Repeat { unit, count } => Some(Value::String(unit.repeat(*count))),
            Payload::Many { item, count } => Some(Value::Array(vec![item.clone(); *count])),
            _ => None,
        }
    }

    /// Smaller versions of this payload, most promising first: halved sizes, or the text with
    /// a piece cut out. Empty when nothing smaller is meaningful.
    pub fn smaller(&self) -> Vec<Payload> {
        match self {
            Payload::Repeat { unit, count } if *count > 1 => vec![Payload::Repeat {
                unit: unit.clone(),
                count: count / 2,
            }],
            Payload::Many { item, count } if *count > 1 => vec![Payload::Many {
                item: item.clone(),
                count: count / 2,
            }],
            Payload::Nest { depth } if *depth > 1 => vec![Payload::Nest { depth: depth / 2 }],
            Payload::Text(s) => {
                let chars: Vec<char> = s.chars().collect();
                cuts(chars.len())
                    .map(|(a, b)| Payload::Text(chars[..a].iter().chain(&chars[b..]).collect()))
                    .collect()
            }
            Payload::Bytes(bytes) => cuts(bytes.len())
                .map(|(a, b)| Payload::Bytes([&bytes[..a], &bytes[b..]].concat()))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The ranges to try cutting out of a sequence of `n`: halves, then quarters, down to single
/// items, so a text shrinks to the one character that matters in about 2·log n + n tries.
fn cuts(n: usize) -> impl Iterator<Item = (usize, usize)> {
    let mut sizes = Vec::new();
    let mut size = n / 2;
    while size >= 1 {
        sizes.push(size);
        size /= 2;
    }
    sizes
        .into_iter()
        .flat_map(move |size| (0..n).step_by(size).map(move |a| (a, (a + size).min(n))))
        .filter(move |(a, b)| b - a < n)
}

impl Mutation {
    /// `data.task_id set to a string of 1024 × "a"`.
    pub fn describe(&self) -> String {
        match &self.change {
            Change::Set { path, to } if self.kind == "extra-field" || self.kind == "nesting" => {
                format!("`{}` added: {}", display_path(path), to.describe())
            }
            Change::Set { path, to } => {
                format!("`{}` set to {}", display_path(path), to.describe())
            }
            Change::Remove { path } if path.is_empty() => {
                "the body removed (an empty request)".into()
            }
            Change::Remove { path } => format!("`{}` removed", display_path(path)),
            Change::ContentType(Some(ct)) => format!("Content-Type `{ct}`"),
            Change::ContentType(None) => "no Content-Type".into(),
        }
    }

    /// Where it is: the folded path, or `Content-Type`. An added field is named by where it
    /// was added (`data.*`): its name is the fuzzer's choice, not the receiver's weakness.
    pub fn place(&self) -> String {
        match &self.change {
            Change::Set { path, .. } if matches!(self.kind, "extra-field" | "nesting") => {
                match path.rsplit_once('.') {
                    Some((parent, _)) => format!("{}.*", folded(parent)),
                    None => "*".into(),
                }
            }
            Change::Set { path, .. } | Change::Remove { path } => folded(path),
            Change::ContentType(_) => "Content-Type".into(),
        }
    }

    /// What the change amounts to for `family`, the part of a finding's key after its place:
    /// `wrong type` when the value's JSON type is one the docs never give that field (so
    /// `""`, `null`, `[]` and `4.9e-325` at `data` are one defect: `data` is not an object),
    /// else the mutation's kind.
    pub fn effect(&self, family: &crate::family::Family) -> String {
        use crate::family::shape::{Kind, shape};
        if let Change::Set { path, to } = &self.change
            && let Some(k) = to.json_kind()
        {
            let fits = if path.is_empty() {
                // Every documented body is an object.
                Some(k == Kind::Object)
            } else {
                shape(family).get(&folded(path)).map(|d| d.contains(&k))
            };
            if fits == Some(false) {
                return "wrong type".into();
            }
        }
        self.kind.to_string()
    }

    /// The form a shrunk mutation is reported in: a long string cut down to one repetition
    /// is the exotic string it repeats.
    pub fn canonical(self) -> Mutation {
        match self.change {
            Change::Set {
                path,
                to: Payload::Repeat { unit, count: 1 },
            } if !unit.chars().all(|c| c.is_ascii_alphanumeric()) => Mutation {
                kind: "exotic-string",
                change: Change::Set {
                    path,
                    to: Payload::Text(unit),
                },
            },
            change => Mutation {
                kind: self.kind,
                change,
            },
        }
    }

    /// This mutation with a smaller payload, one per way of getting smaller.
    pub fn smaller(&self) -> Vec<Mutation> {
        match &self.change {
            Change::Set { path, to } => to
                .smaller()
                .into_iter()
                .map(|p| Mutation {
                    kind: self.kind,
                    change: Change::Set {
                        path: path.clone(),
                        to: p,
                    },
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

fn display_path(path: &str) -> &str {
    if path.is_empty() {
        "(the whole body)"
    } else {
        path
    }
}

/// The bytes and content type of a request: `base` with `mutations` applied in order. A
/// mutation whose path no longer leads anywhere (an earlier one replaced its parent with a
/// list) is left out, the same way every time.
pub fn apply(base: &Value, mutations: &[Mutation]) -> (Vec<u8>, Option<String>) {
    let mut v = base.clone();
    let mut content_type = Some("application/json".to_string());
    let mut spliced: Vec<(String, Vec<u8>)> = Vec::new();
    let mut empty = false;
    for m in mutations {
        match &m.change {
            Change::ContentType(ct) => content_type = ct.clone(),
            Change::Remove { path } => {
                if path.is_empty() {
                    // No body at all: an empty request.
                    empty = true;
                } else {
                    let _ = crate::wire::json_path::remove(&mut v, path);
                }
            }
            Change::Set { path, to } => {
                let value = match (to.value(), to.raw()) {
                    (Some(x), _) => x,
                    (None, Some(raw)) => {
                        // A string no body contains stands in for the raw text until the end.
                        let marker = format!("\u{1}fuzz-splice-{}\u{1}", spliced.len());
                        spliced.push((marker.clone(), raw));
                        Value::String(marker)
                    }
                    (None, None) => continue,
                };
                if path.is_empty() {
                    v = value;
                    empty = false;
                } else {
                    // Never through what an earlier change removed or replaced: setting
                    // `data.data.0.audio_url` on an emptied list would make up an item that
                    // holds nothing else, and the finding would be misnamed.
                    let _ = crate::wire::json_path::set_within(&mut v, path, value);
                }
            }
        }
    }
    if empty {
        return (Vec::new(), content_type);
    }
    let mut bytes = serde_json::to_vec(&v).unwrap_or_default();
    for (marker, raw) in spliced {
        let quoted = serde_json::to_vec(&Value::String(marker)).unwrap_or_default();
        if let Some(at) = find(&bytes, &quoted) {
            bytes.splice(at..at + quoted.len(), raw);
        }
    }
    (bytes, content_type)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(path: &str, to: Payload) -> Mutation {
        Mutation {
            kind: "test",
            change: Change::Set {
                path: path.into(),
                to,
            },
        }
    }

    #[test]
    fn a_change_below_what_an_earlier_change_removed_is_left_out() {
        let base = json!({"data": {"data": [{"audio_url": "a", "id": "1"}]}});
        let removed = Mutation {
            kind: "removed",
            change: Change::Remove {
                path: "data.data.0".into(),
            },
        };
        let long = set("data.data.0.audio_url", Payload::Text("x".repeat(3)));
        let (b, _) = apply(&base, &[removed, long]);
        assert_eq!(String::from_utf8(b).unwrap(), r#"{"data":{"data":[]}}"#);
        let swapped = set("data.data", Payload::Json(json!("s")));
        let deep = set("data.data.0.id", Payload::Text("y".into()));
        let (b, _) = apply(&base, &[swapped, deep]);
        assert_eq!(String::from_utf8(b).unwrap(), r#"{"data":{"data":"s"}}"#);
    }

    #[test]
    fn raw_values_are_spliced_in_verbatim() {
        let base = json!({"code": 200, "data": {"task_id": "t"}});
        let (b, ct) = apply(
            &base,
            &[
                set("code", Payload::Raw("1e999".into())),
                set("data.task_id", Payload::Bytes(vec![b'a', 0xc3, 0x28, b'"'])),
                set("data.deep", Payload::Nest { depth: 2 }),
            ],
        );
        assert_eq!(ct.as_deref(), Some("application/json"));
        let mut want = br#"{"code":1e999,"data":{"task_id":"a"#.to_vec();
        want.extend_from_slice(&[0xc3, 0x28]);
        want.extend_from_slice(br#"\"","deep":{"a":{"a":{}}}}}"#);
        assert_eq!(String::from_utf8_lossy(&b), String::from_utf8_lossy(&want));
        assert_eq!(b, want);
    }

    #[test]
    fn removing_content_type_and_replacing_the_whole_body() {
        let base = json!({"code": 200});
        let m = [
            Mutation {
                kind: "content-type",
                change: Change::ContentType(None),
            },
            set("", Payload::Json(json!([1]))),
        ];
        assert_eq!(apply(&base, &m), (b"[1]".to_vec(), None));
        let gone = Mutation {
            kind: "removed",
            change: Change::Remove { path: "".into() },
        };
        assert_eq!(apply(&base, &[gone]).0, b"");
    }

    #[test]
    fn payloads_get_smaller_down_to_the_part_that_matters() {
        let t = Payload::Text("ab\u{202e}c".into());
        let smaller = t.smaller();
        assert!(smaller.contains(&Payload::Text("\u{202e}c".into())));
        assert!(smaller.contains(&Payload::Text("abc".into())));
        assert!(
            smaller
                .iter()
                .all(|p| matches!(p, Payload::Text(s) if !s.is_empty()))
        );
        let r = Payload::Repeat {
            unit: "a".into(),
            count: 1024,
        };
        assert_eq!(
            r.smaller(),
            [Payload::Repeat {
                unit: "a".into(),
                count: 512
            }]
        );
        assert!(Payload::Json(json!(null)).smaller().is_empty());
    }

    #[test]
    fn places_fold_array_positions() {
        assert_eq!(folded("data.data.1.audio_url"), "data.data[].audio_url");
        assert_eq!(folded(""), "(the whole body)");
        let added = |path: &str| Mutation {
            kind: "nesting",
            change: Change::Set {
                path: path.into(),
                to: Payload::Nest { depth: 2 },
            },
        };
        assert_eq!(added("data.ключ").place(), "data.*");
        assert_eq!(added("__proto__").place(), "*");
    }

    #[test]
    fn every_type_the_docs_never_give_a_field_is_one_effect() {
        let video = crate::family::video();
        let at = |path: &str, to: Payload| Mutation {
            kind: "type-swap",
            change: Change::Set {
                path: path.into(),
                to,
            },
        };
        for to in [
            Payload::Json(json!(null)),
            Payload::Json(json!("x")),
            Payload::Json(json!([])),
            Payload::Raw("4.9e-325".into()),
        ] {
            assert_eq!(at("data", to.clone()).effect(video), "wrong type", "{to:?}");
            assert_eq!(at("", to).effect(video), "wrong type");
        }
        assert_eq!(
            at("data", Payload::Json(json!({}))).effect(video),
            "type-swap"
        );
        assert_eq!(
            at("data.extra", Payload::Json(json!(1))).effect(video),
            "type-swap"
        );
    }
}
