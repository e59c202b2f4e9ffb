//! Which family a callback body belongs to, read from its fields: each family's documented
//! bodies (every stage, the failure, the variants) give the set of field paths it knows; the
//! family whose set covers the body best, and that finds its task id where it keeps it, wins.
//! What the body has that the family does not know is the drift `record` and `run` report.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{CATALOGUE, Family, Fill, render};

/// Calls `visit` with every value below the root of `v` and its path, array positions folded
/// (`data.data[].audio_url`); `field` is false for the items of an array (`data.data[]`).
pub fn walk_fields(v: &Value, visit: &mut impl FnMut(&str, &Value, bool)) {
    fn walk(v: &Value, at: &str, visit: &mut impl FnMut(&str, &Value, bool)) {
        match v {
            Value::Object(o) => {
                for (k, x) in o {
                    let p = if at.is_empty() {
                        k.clone()
                    } else {
                        format!("{at}.{k}")
                    };
                    visit(&p, x, true);
                    walk(x, &p, visit);
                }
            }
            Value::Array(a) => {
                let p = format!("{at}[]");
                for x in a {
                    visit(&p, x, false);
                    walk(x, &p, visit);
                }
            }
            _ => {}
        }
    }
    walk(v, "", visit);
}

/// A field path with array positions folded: `data.data[].audio_url`.
pub fn paths(v: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    walk_fields(v, &mut |p, _, field| {
        if field {
            out.insert(p.to_string());
        }
    });
    out
}

/// A path of `set:`'s language with its array positions folded: `data.data.0.createTime` is
/// `data.data[].createTime`.
pub fn fold(path: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    for seg in path.split('.') {
        match (seg.parse::<usize>(), parts.last_mut()) {
            (Ok(_), Some(last)) => last.push_str("[]"),
            _ => parts.push(seg.to_string()),
        }
    }
    parts.join(".")
}

/// Every field path a family's documented bodies carry (stages, failure, variants' fields),
/// rendered once per family for the life of the process.
pub fn known_paths(f: &Family) -> &'static BTreeSet<String> {
    static KNOWN: std::sync::OnceLock<Vec<BTreeSet<String>>> = std::sync::OnceLock::new();
    super::per_family(&KNOWN, f, render_known)
}

fn render_known(f: &Family) -> BTreeSet<String> {
    let fill = Fill {
        task_id: "t",
        media_url: &|_, _| String::from("http://x/m"),
        failure: Some((500, "m")),
    };
    let mut out = BTreeSet::new();
    for s in f.stages {
        out.extend(paths(&render(s.body, &fill)));
    }
    out.extend(paths(&render(f.failure_body, &fill)));
    for v in f.variants {
        for (p, _) in v.set {
            out.insert(fold(p));
        }
    }
    out
}

/// The paths of one stage's documented body (`None`: the failure body).
pub fn stage_paths(f: &Family, stage: Option<&str>) -> BTreeSet<String> {
    let fill = Fill {
        task_id: "t",
        media_url: &|_, _| String::from("http://x/m"),
        failure: Some((500, "m")),
    };
    match stage.and_then(|s| f.stage(s)) {
        Some(s) => paths(&render(s.body, &fill)),
        None => paths(&render(f.failure_body, &fill)),
    }
}

/// The task id of a body where `f` keeps it.
pub fn task_id<'a>(f: &Family, body: &'a Value) -> Option<&'a str> {
    body.pointer(&format!("/{}", f.task_id_path.replace('.', "/")))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// What a body was found to be.
#[derive(Debug, Clone)]
pub struct Detected {
    pub family: &'static Family,
    /// The stage (`text`, `first`, `complete`, `success`), or `None` for a failure.
    pub stage: Option<&'static str>,
    /// Fields of the body the family's docs do not know.
    pub unknown: Vec<String>,
}

/// The family a body belongs to, if any finds its task id in it.
pub fn detect(body: &Value) -> Option<Detected> {
    let have = paths(body);
    let mut best: Option<(i64, &'static Family)> = None;
    for f in CATALOGUE {
        if task_id(f, body).is_none() {
            continue;
        }
        let known = known_paths(f);
        let matched = have.intersection(known).count() as i64;
        let extra = have.difference(known).count() as i64;
        let score = matched * 2 - extra;
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, f));
        }
    }
    let (_, family) = best?;
    let known = known_paths(family);
    let code = body.get("code").and_then(Value::as_i64);
    let kind = body
        .pointer("/data/callbackType")
        .and_then(Value::as_str)
        .or_else(|| body.pointer("/data/status").and_then(Value::as_str));
    let stage = if code.is_some_and(|c| c != 200) || kind == Some("error") || kind == Some("fail") {
        None
    } else {
        family
            .stages
            .iter()
            .find(|s| Some(s.name) == kind)
            .or(family.stages.last())
            .map(|s| s.name)
    };
    Some(Detected {
        family,
        stage,
        unknown: have.difference(known).cloned().collect(),
    })
}
