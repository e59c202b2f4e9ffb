//! The JSON types the docs give each field of a family's callbacks (every stage, the failure
//! body, every documented variant), and the check that a body keeps them: a `video_url` that
//! is a number or a `data.data` that is an object is a body the docs rule out. The reference
//! receiver refuses such a body, and `fuzz` calls a receiver that accepts one
//! `accepted-invalid`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Family, Fill, body};

/// A JSON type as the docs use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl Kind {
    pub fn of(v: &Value) -> Kind {
        match v {
            Value::Null => Kind::Null,
            Value::Bool(_) => Kind::Bool,
            Value::Number(_) => Kind::Number,
            Value::String(_) => Kind::String,
            Value::Array(_) => Kind::Array,
            Value::Object(_) => Kind::Object,
        }
    }

    /// `a number`, as a sentence says it.
    pub fn article(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
        }
    }
}

/// Every documented field path (array positions folded: `data.data[].audio_url`) with the
/// types the docs show there.
pub type Shape = BTreeMap<String, BTreeSet<Kind>>;

fn walk(v: &Value, out: &mut Shape) {
    super::detect::walk_fields(v, &mut |path, x, _| {
        out.entry(path.to_string()).or_default().insert(Kind::of(x));
    });
}

fn documented(f: &Family) -> Shape {
    let fill = Fill {
        task_id: "t",
        media_url: &|_, _| String::from("http://x/m"),
        failure: None,
    };
    let mut out = Shape::new();
    for s in f.stages {
        if let Ok(v) = body(f, Ok(s), None, &fill) {
            walk(&v, &mut out);
        }
        for var in f.variants.iter().filter(|v| v.stage == s.name) {
            if let Ok(v) = body(f, Ok(s), Some(var), &fill) {
                walk(&v, &mut out);
            }
        }
    }
    for c in f.failure_codes {
        if let Ok(v) = body(f, Err((c.code, c.msg)), None, &fill) {
            walk(&v, &mut out);
        }
    }
    out
}

/// The documented shape of `f`, computed once per family for the life of the process.
pub fn shape(f: &Family) -> &'static Shape {
    static SHAPES: std::sync::OnceLock<Vec<Shape>> = std::sync::OnceLock::new();
    super::per_family(&SHAPES, f, documented)
}

/// The first documented field of `v` whose type the docs never give it, said as a reason:
/// ``data.video_url` is a number; the docs have a string or null there`. A field the docs
/// only ever show as `null` (a `duration` not known yet) admits any scalar; fields the docs do not know are not judged
/// here (extra fields are allowed).
pub fn mistyped(v: &Value, f: &Family) -> Option<Mistyped> {
    let docs = shape(f);
    // Checked as the walk goes (the reference receiver runs this on every callback): no map of
    // the body's own paths is built. The first path in sorted order is named, then its
    // first kind, as a report of several mistyped fields always has.
    let mut first: Option<(String, Kind)> = None;
    super::detect::walk_fields(v, &mut |path, x, _| {
        let Some(allowed) = docs.get(path) else {
            return;
        };
        let k = Kind::of(x);
        // Only ever `null` in the docs: its type is not known, so any scalar fits.
        let unknown = allowed.iter().all(|k| *k == Kind::Null);
        let fits = allowed.contains(&k) || (unknown && !matches!(k, Kind::Array | Kind::Object));
        let earlier = first
            .as_ref()
            .is_some_and(|(p, pk)| (p.as_str(), *pk) <= (path, k));
        if !fits && !earlier {
            first = Some((path.to_string(), k));
        }
    });
    let (path, k) = first?;
    let docs = docs[&path].iter().map(|k| k.article()).collect();
    Some(Mistyped {
        path,
        found: k.article(),
        docs,
    })
}

/// A documented field of a type the docs never give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mistyped {
    /// Where, as a dotted path with `[]` for array items.
    pub path: String,
    /// What it is: `a number`.
    pub found: &'static str,
    /// What the docs have there: `a string`, `null`.
    pub docs: Vec<&'static str>,
}

impl std::fmt::Display for Mistyped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` is {}; the docs have {} there",
            self.path,
            self.found,
            self.docs.join(" or ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_documented_body_and_variant_keeps_its_shape() {
        let fill = Fill {
            task_id: "t",
            media_url: &|_, _| String::from("http://x/m"),
            failure: None,
        };
        for f in crate::family::CATALOGUE {
            for s in f.stages {
                let v = body(f, Ok(s), None, &fill).unwrap();
                assert_eq!(mistyped(&v, f), None, "{} {}", f.id, s.name);
            }
            for var in f.variants {
                let s = f.stage(var.stage).unwrap();
                let v = body(f, Ok(s), Some(var), &fill).unwrap();
                assert_eq!(mistyped(&v, f), None, "{} {}", f.id, var.name);
            }
        }
    }

    #[test]
    fn a_swapped_type_is_named_with_what_the_docs_have() {
        let f = crate::family::video();
        let mut v = json!({"code": 200, "msg": "ok", "data": {"task_id": "t", "video_url": 5}});
        assert_eq!(
            mistyped(&v, f).map(|m| m.to_string()).as_deref(),
            Some("`data.video_url` is a number; the docs have null or a string there")
        );
        v["msg"] = json!(7);
        assert_eq!(
            mistyped(&v, f).map(|m| m.to_string()).as_deref(),
            Some("`data.video_url` is a number; the docs have null or a string there"),
            "of several, the first path in sorted order"
        );
        v["msg"] = json!("ok");
        v["data"]["video_url"] = json!("http://x");
        v["data"]["extra"] = json!([1, {"deep": true}]);
        assert_eq!(mistyped(&v, f), None, "extra fields are not judged");
    }
}
