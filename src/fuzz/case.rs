//! Fuzz cases: case N of a seed is one documented body of the family (a stage's, or a failure
//! with a documented code) and one to three mutations of it, drawn from the case's own random
//! numbers, so the same seed sends the same cases whatever order they go out in.

use serde_json::{Value, json};

use super::mutation::{Change, Mutation, Payload, apply};
use super::rng::Rng;
use crate::family::{Family, Fill, MediaKind};

/// The documented body a case starts from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Base {
    Stage(&'static str),
    /// A failure callback with this documented code.
    Failure(i64),
}

impl Base {
    pub fn describe(&self) -> String {
        match self {
            Base::Stage(s) => format!("the documented `{s}` body"),
            Base::Failure(c) => format!("the documented failure body (code {c})"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub index: u64,
    pub task_id: String,
    pub base: Base,
    pub mutations: Vec<Mutation>,
}

/// A request ready to go: its body and content type.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub body: Vec<u8>,
    pub content_type: Option<String>,
}

/// The task id of case `index`: unique within a run, so no receiver takes a case for a
/// duplicate of another.
pub fn task_id(seed: u64, index: u64) -> String {
    format!(
        "fuzz{:08x}{index:06}",
        crate::payload::ids::mix(seed) as u32
    )
}

/// Characters receivers trip on: controls, bidirectional marks, a BOM, emoji (one with a
/// zero-width joiner), the last code point, quotes and backslashes, format strings, markup.
const EXOTIC: &[&str] = &[
    "\u{0}",
    "\u{7}",
    "\r\n",
    "\u{202e}",
    "\u{200f}",
    "\u{feff}",
    "🎵",
    "👩\u{200d}👩\u{200d}👧",
    "\u{10ffff}",
    "\"",
    "\\",
    "%s%n",
    "<script>",
    "${jndi:x}",
    "../../",
    "' OR 1=1 --",
    "Ωé中",
];

/// Units of long strings.
const UNITS: &[&str] = &["a", "é", "🎵", "\u{202e}", "\\"];

/// JSON number text no double holds, or on the edge of what one does.
const NUMBERS_RAW: &[&str] = &[
    "1e999",
    "-1e999",
    "1.7976931348623157e308",
    "-0",
    "9223372036854775808",
    "123456789012345678901234567890",
    "4.9e-325",
];

/// Numbers as a parser would meet them in a string, or out of range.
const NUMBERS_JSON: &[&str] = &[
    r#""NaN""#,
    r#""Infinity""#,
    r#""-Infinity""#,
    r#""1e999""#,
    "-1",
    "0",
    "-9223372036854775808",
    "1.5",
];

/// Request content types a receiver may refuse or mishandle.
const CONTENT_TYPES: &[Option<&str>] = &[
    Some("text/plain"),
    Some("application/x-www-form-urlencoded"),
    Some("application/octet-stream"),
    Some("APPLICATION/JSON"),
    Some("application/json; charset=iso-8859-1"),
    None,
];

/// Names of added fields.
const EXTRA_KEYS: &[&str] = &[
    "fuzz_extra",
    "__proto__",
    "constructor",
    "ключ",
    "😀",
    "$where",
];

/// Every path of a body (dotted, with array indices), parents before children.
fn paths(v: &Value) -> Vec<(String, Value)> {
    fn walk(v: &Value, at: String, out: &mut Vec<(String, Value)>) {
        if !at.is_empty() {
            out.push((at.clone(), v.clone()));
        }
        let join = |k: &str| {
            if at.is_empty() {
                k.to_string()
            } else {
                format!("{at}.{k}")
            }
        };
        match v {
            Value::Object(o) => o.iter().for_each(|(k, x)| walk(x, join(k), out)),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, x)| walk(x, join(&i.to_string()), out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, String::new(), &mut out);
    out
}

/// A value of another JSON type than `v`.
fn other_type(v: &Value, rng: &mut Rng) -> Value {
    let options = [
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(""),
        json!("x"),
        json!([]),
        json!({}),
        json!([v]),
        json!({ "value": v }),
    ];
    loop {
        let o = rng.pick(&options);
        if std::mem::discriminant(o) != std::mem::discriminant(v) {
            return o.clone();
        }
    }
}

/// One mutation of `base`, drawn by `rng`; `cap` bounds the sizes of long things.
fn mutation(base: &Value, rng: &mut Rng, cap: usize) -> Mutation {
    let all = paths(base);
    let strings: Vec<&(String, Value)> = all.iter().filter(|(_, v)| v.is_string()).collect();
    let objects: Vec<String> = std::iter::once(String::new())
        .chain(
            all.iter()
                .filter(|(_, v)| v.is_object())
                .map(|(p, _)| p.clone()),
        )
        .collect();
    let any = |rng: &mut Rng| -> (String, Value) {
        // Now and then the whole body.
        if rng.chance(3) || all.is_empty() {
            (String::new(), base.clone())
        } else {
            rng.pick(&all).clone()
        }
    };
    // A new field under one of the body's objects (or at its top).
    let added = |rng: &mut Rng| {
        let parent = rng.pick(&objects);
        let key = rng.pick(EXTRA_KEYS);
        if parent.is_empty() {
            key.to_string()
        } else {
            format!("{parent}.{key}")
        }
    };
    let set = |kind, path: String, to| Mutation {
        kind,
        change: Change::Set { path, to },
    };
    let sizes = |rng: &mut Rng, unit: usize| {
        let n = *rng.pick(&[64usize, 1_000, 10_000, 100_000, 1_000_000]);
        n.min(cap / unit.max(1)).max(1)
    };
    match rng.below(100) {
        0..=21 => {
            let (path, v) = any(rng);
            let to = other_type(&v, rng);
            set("type-swap", path, Payload::Json(to))
        }
        22..=31 => {
            let (path, _) = any(rng);
            set("null", path, Payload::Json(Value::Null))
        }
        32..=41 => {
            let (path, _) = any(rng);
            Mutation {
                kind: "removed",
                change: Change::Remove { path },
            }
        }
        42..=53 => {
            let (path, _) = any(rng);
            let unit = rng.pick(UNITS).to_string();
            let count = sizes(rng, unit.len());
            set("long-string", path, Payload::Repeat { unit, count })
        }
        54..=68 => {
            let (path, v) = match strings.is_empty() {
                true => any(rng),
                false => (*rng.pick(&strings)).clone(),
            };
            let mut text = v.as_str().unwrap_or("").to_string();
            let add = match rng.below(3) {
                0 => rng.pick(EXOTIC).to_string(),
                _ => (0..1 + rng.below(3)).map(|_| *rng.pick(EXOTIC)).collect(),
            };
            let at = rng.below(text.chars().count() + 1);
            let byte = text.char_indices().nth(at).map_or(text.len(), |(b, _)| b);
            text.insert_str(byte, &add);
            set("exotic-string", path, Payload::Text(text))
        }
        69..=78 => {
            let (path, _) = any(rng);
            if rng.chance(50) {
                set(
                    "number",
                    path,
                    Payload::Raw(rng.pick(NUMBERS_RAW).to_string()),
                )
            } else {
                let text: &&str = rng.pick(NUMBERS_JSON);
                let v: Value = serde_json::from_str(text).unwrap_or_default();
                set("number", path, Payload::Json(v))
            }
        }
        79..=84 => {
            let (path, v) = any(rng);
            let item = match &v {
                Value::Array(a) => a.first().cloned().unwrap_or(Value::Null),
                other => other.clone(),
            };
            if rng.chance(30) {
                set("array", path, Payload::Json(json!([])))
            } else {
                let unit = serde_json::to_vec(&item).map_or(8, |b| b.len() + 1);
                let count = sizes(rng, unit);
                set("array", path, Payload::Many { item, count })
            }
        }
        85..=88 => {
            let path = added(rng);
            let depth = *rng.pick(&[32usize, 128, 1_000, 10_000]);
            set("nesting", path, Payload::Nest { depth })
        }
        89..=92 => {
            let path = added(rng);
            let v = rng
                .pick(&[
                    json!("x"),
                    json!(1),
                    json!([1, 2]),
                    json!({"k": "v"}),
                    json!(null),
                ])
                .clone();
            set("extra-field", path, Payload::Json(v))
        }
        93..=96 => {
            let (path, v) = match strings.is_empty() {
                true => any(rng),
                false => (*rng.pick(&strings)).clone(),
            };
            let mut bytes = v.as_str().unwrap_or("x").as_bytes().to_vec();
            let invalid: [&[u8]; 4] = [&[0xc3, 0x28], &[0xff], &[0xed, 0xa0, 0x80], &[0x80]];
            let bad = *rng.pick(&invalid);
            let at = rng.below(bytes.len() + 1);
            bytes.splice(at..at, bad.iter().copied());
            set("invalid-utf8", path, Payload::Bytes(bytes))
        }
        _ => Mutation {
            kind: "content-type",
            change: Change::ContentType(rng.pick(CONTENT_TYPES).map(str::to_string)),
        },
    }
}

/// Case `index` of a run seeded `seed` against `family`.
pub fn generate(family: &Family, seed: u64, index: u64, cap: usize) -> Case {
    let mut rng = Rng::for_case(seed, index);
    let base = if rng.chance(25) && !family.failure_codes.is_empty() {
        Base::Failure(rng.pick(family.failure_codes).code)
    } else {
        Base::Stage(rng.pick(family.stages).name)
    };
    let task_id = task_id(seed, index);
    let doc = base_body(family, base, &task_id, &placeholder_media);
    let n = 1 + usize::from(rng.chance(30)) + usize::from(rng.chance(10));
    let mutations = (0..n).map(|_| mutation(&doc, &mut rng, cap)).collect();
    Case {
        index,
        task_id,
        base,
        mutations,
    }
}

/// Where a case's changes see media while it is generated: a host that never resolves, so
/// the cases of a seed are the same whatever port the run's media host has. A changed string
/// that still holds one of these URLs gets the real one when the case is sent.
fn placeholder_media(kind: MediaKind, slot: &str) -> String {
    format!("http://fuzz.invalid/{slot}.{}", kind.ext())
}

/// Every placeholder URL of `family`'s bodies, with the URL `media_url` gives it.
fn media_swaps(
    family: &Family,
    media_url: &(dyn Fn(MediaKind, &str) -> String + Sync),
) -> Vec<(String, String)> {
    let mut swaps: Vec<(String, String)> = Vec::new();
    let templates = family.stages.iter().map(|s| s.body);
    for r in templates.flat_map(crate::family::media_refs) {
        let fake = placeholder_media(r.kind, &r.slot);
        if !swaps.iter().any(|(f, _)| *f == fake) {
            swaps.push((fake, media_url(r.kind, &r.slot)));
        }
    }
    swaps
}

/// `body` with every placeholder URL of `swaps` replaced by its real one.
fn swap_all(body: Vec<u8>, swaps: &[(String, String)]) -> Vec<u8> {
    // Most bodies are text without a placeholder left in them: one fast search says so.
    let body = match String::from_utf8(body) {
        Ok(text) if !text.contains("http://fuzz.invalid/") => return text.into_bytes(),
        Ok(text) => {
            let swapped = swaps
                .iter()
                .fold(text, |t, (from, to)| t.replace(from.as_str(), to));
            return swapped.into_bytes();
        }
        Err(e) => e.into_bytes(),
    };
    // Bytes that are not UTF-8 (a few hundred at most: the invalid-utf8 mutation's).
    swaps.iter().fold(body, |body, (from, to)| {
        crate::payload::replace_bytes(body, from.as_bytes(), to.as_bytes())
    })
}

/// The documented body a case starts from, with its task id and media URLs filled in.
pub fn base_body(
    family: &Family,
    base: Base,
    task_id: &str,
    media_url: &(dyn Fn(MediaKind, &str) -> String + Sync),
) -> Value {
    let fill = Fill {
        task_id,
        media_url,
        failure: None,
    };
    let which = match base {
        Base::Stage(s) => Ok(family.stage(s).unwrap_or(family.final_stage())),
        Base::Failure(c) => Err((c, family.failure_msg(c))),
    };
    crate::family::body(family, which, None, &fill).unwrap_or(Value::Null)
}

impl Case {
    /// The request of this case, media URLs pointing at `media_url`; a body over `cap` has its
    /// sized payloads halved until it fits.
    pub fn request(
        &mut self,
        family: &Family,
        media_url: &(dyn Fn(MediaKind, &str) -> String + Sync),
        cap: usize,
    ) -> Request {
        let doc = base_body(family, self.base, &self.task_id, media_url);
        let swaps = media_swaps(family, media_url);
        loop {
            let (body, content_type) = apply(&doc, &self.mutations);
            let body = swap_all(body, &swaps);
            if body.len() <= cap {
                return Request { body, content_type };
            }
            let mut shrunk = false;
            for m in &mut self.mutations {
                if let Some(smaller) = m.smaller().into_iter().next() {
                    *m = smaller;
                    shrunk = true;
                }
            }
            if !shrunk {
                // Nothing left to halve (cannot happen for the bodies generated here): send
                // the documented body with the cheap changes only.
                self.mutations.retain(|m| m.smaller().is_empty());
                let (body, content_type) = apply(&doc, &self.mutations);
                let body = swap_all(body, &swaps);
                return Request { body, content_type };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_string_that_still_holds_a_media_url_points_at_the_run_s_host() {
        use super::super::mutation::{Change, Payload};
        let f = crate::family::video();
        let real = |_: MediaKind, s: &str| format!("http://127.0.0.1:9/media/{s}");
        let video = placeholder_media(MediaKind::Mp4, "video");
        for text in [format!("{video}🎵"), format!("{video}\u{0}")] {
            let mut c = Case {
                index: 0,
                task_id: "t".into(),
                base: Base::Stage("success"),
                mutations: vec![Mutation {
                    kind: "exotic-string",
                    change: Change::Set {
                        path: "data.video_url".into(),
                        to: Payload::Text(text.clone()),
                    },
                }],
            };
            let body = String::from_utf8(c.request(f, &real, 1 << 20).body).unwrap();
            assert!(body.contains("http://127.0.0.1:9/media/video"), "{body}");
            assert!(!body.contains("fuzz.invalid"), "{body}");
        }
        let mut bytes = video.clone().into_bytes();
        bytes.push(0xff);
        let mut c = Case {
            index: 0,
            task_id: "t".into(),
            base: Base::Stage("success"),
            mutations: vec![Mutation {
                kind: "invalid-utf8",
                change: Change::Set {
                    path: "data.video_url".into(),
                    to: Payload::Bytes(bytes),
                },
            }],
        };
        let body = c.request(f, &real, 1 << 20).body;
        let lossy = String::from_utf8_lossy(&body);
        assert!(lossy.contains("http://127.0.0.1:9/media/video"), "{lossy}");
    }

    #[test]
    fn the_same_seed_and_index_give_the_same_case_and_others_differ() {
        let f = crate::family::video();
        let a: Vec<Case> = (0..200).map(|i| generate(f, 42, i, 1 << 20)).collect();
        let b: Vec<Case> = (0..200).map(|i| generate(f, 42, i, 1 << 20)).collect();
        assert_eq!(a, b);
        let c: Vec<Case> = (0..200).map(|i| generate(f, 43, i, 1 << 20)).collect();
        let same = a
            .iter()
            .zip(&c)
            .filter(|(x, y)| x.mutations == y.mutations)
            .count();
        assert!(same < 20, "{same} of 200 cases equal under another seed");
    }

    #[test]
    fn every_kind_of_mutation_is_drawn_and_bodies_respect_the_cap() {
        for f in crate::family::CATALOGUE {
            let mut kinds = std::collections::BTreeSet::new();
            for i in 0..500 {
                let mut c = generate(f, 1, i, 64 * 1024);
                let r = c.request(f, &|_, s| format!("http://m/{s}"), 64 * 1024);
                assert!(
                    r.body.len() <= 64 * 1024,
                    "{} case {i}: {}",
                    f.id,
                    r.body.len()
                );
                kinds.extend(c.mutations.iter().map(|m| m.kind));
            }
            let all: std::collections::BTreeSet<&str> =
                super::super::mutation::KINDS.iter().copied().collect();
            assert_eq!(kinds, all, "{}", f.id);
        }
    }
}
