//! The values the harness made up for each task (its id, clip and audio ids, media URLs,
//! titles, lyrics, durations: every leaf of the bodies it sent), set aside before two tasks'
//! observations are compared. A receiver that shows what it stored differs between two tasks
//! in exactly those values, and that difference is the harness's, not the receiver's (issue 28).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::outcome::{Delivery, Observation};

/// Shorter strings are only replaced where they are a whole JSON value, never inside text:
/// `"1"` or `"ok"` inside a larger answer is far more likely the receiver's own.
const MIN_IN_TEXT: usize = 4;

/// One task's generated values: each leaf of each body sent for it, by JSON path.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    task_id: String,
    leaves: BTreeMap<String, Value>,
}

impl Generated {
    /// What the harness sent for `task_id` among `deliveries` (their bodies that are JSON).
    pub fn of(task_id: &str, deliveries: &[Delivery]) -> Generated {
        let mut leaves = BTreeMap::new();
        for d in deliveries.iter().filter(|d| d.task_id == task_id) {
            if let Ok(body) = serde_json::from_str::<Value>(&d.request.body) {
                walk(&body, "", &mut |path, v| {
                    leaves.entry(path.to_string()).or_insert_with(|| v.clone());
                });
            }
        }
        Generated {
            task_id: task_id.to_string(),
            leaves,
        }
    }
}

fn walk(v: &Value, path: &str, f: &mut dyn FnMut(&str, &Value)) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(x, &p, f);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                walk(x, &format!("{path}[{i}]"), f);
            }
        }
        leaf => f(path, leaf),
    }
}

/// The replacements for one task: each value that differs from the other task's at the same
/// path becomes `{path}`, longest first so a URL is replaced before the id inside it.
fn replacements(mine: &Generated, other: &Generated) -> Vec<(Value, String)> {
    let mut out: Vec<(Value, String)> =
        vec![(Value::String(mine.task_id.clone()), "{task_id}".to_string())];
    for (path, v) in &mine.leaves {
        if other.leaves.get(path) != Some(v) && !v.is_null() && !matches!(v, Value::Bool(_)) {
            out.push((v.clone(), format!("{{{path}}}")));
        }
    }
    out.sort_by_key(|(v, _)| std::cmp::Reverse(text_of(v).len()));
    out
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn replace_text(s: &str, with: &[(Value, String)]) -> String {
    let mut out = s.to_string();
    for (v, name) in with {
        let t = text_of(v);
        if t.len() >= MIN_IN_TEXT || t == out {
            out = out.replace(&t, name);
        }
    }
    out
}

fn replace_value(v: &Value, with: &[(Value, String)]) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (replace_text(k, with), replace_value(x, with)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|x| replace_value(x, with)).collect()),
        Value::String(s) => Value::String(replace_text(s, with)),
        Value::Number(_) => match with.iter().find(|(g, _)| g == v) {
            Some((_, name)) => Value::String(name.clone()),
            None => v.clone(),
        },
        other => other.clone(),
    }
}

/// What an observation shows once the harness's own values for its task are set aside: the
/// completed downloads and each probe's answer with those values named by their path.
#[derive(Debug, Clone, PartialEq)]
pub struct Effects {
    pub downloads: u64,
    pub probe_http: Option<Value>,
    pub probe_cmd: Option<String>,
}

fn effects(o: &Observation, with: &[(Value, String)]) -> Effects {
    Effects {
        downloads: o.downloads.completed,
        probe_http: o.probe_http.as_ref().map(|v| replace_value(v, with)),
        probe_cmd: o.probe_cmd.as_deref().map(|c| replace_text(c, with)),
    }
}

/// Two tasks' observations made comparable: `a` of the task `ga` describes, `b` of `gb`'s.
pub fn comparable(
    a: &Observation,
    ga: &Generated,
    b: &Observation,
    gb: &Generated,
) -> (Effects, Effects) {
    (
        effects(a, &replacements(ga, gb)),
        effects(b, &replacements(gb, ga)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testkit::{delivery, seen};
    use crate::wire::Role;

    fn sent(task: &str, body: Value) -> Delivery {
        let mut d = delivery(task, "success", Some(200), 2.0);
        d.request.body = body.to_string();
        d
    }

    fn body(task: &str, clip: &str, dur: f64) -> Value {
        serde_json::json!({"code": 200, "msg": "success", "data": {"task_id": format!("task_{task}"),
            "data": [{"id": clip, "audio_url": format!("http://127.0.0.1:9/{clip}.mp3"), "duration": dur, "title": "Song"}]}})
    }

    #[test]
    fn what_a_receiver_stored_of_two_tasks_compares_equal_once_the_harness_values_are_named() {
        let ds = vec![
            sent("one", body("one", "6512e3f7-e067", 198.44)),
            sent("two", body("two", "c4f33c6a-c94f", 201.5)),
        ];
        let (g1, g2) = (
            Generated::of("task_one", &ds),
            Generated::of("task_two", &ds),
        );
        let stored = |task: &str, clip: &str, dur: f64, n: u32| {
            format!(
                r#"{{"task":"task_{task}","processed":{n},"clips":[{{"id":"{clip}","url":"http://127.0.0.1:9/{clip}.mp3","duration":{dur},"title":"Song"}}]}}"#
            )
        };
        let mut a = seen(
            Role::After,
            "one",
            1,
            Some(&stored("one", "6512e3f7-e067", 198.44, 1)),
        );
        let b = seen(
            Role::After,
            "two",
            1,
            Some(&stored("two", "c4f33c6a-c94f", 201.5, 1)),
        );
        a.task_id = "task_one".into();
        let (ea, eb) = comparable(&a, &g1, &b, &g2);
        assert_eq!(ea, eb);
        // A receiver that really acted twice still differs.
        let twice = seen(
            Role::After,
            "two",
            1,
            Some(&stored("two", "c4f33c6a-c94f", 201.5, 2)),
        );
        let (ea, eb) = comparable(&a, &g1, &twice, &g2);
        assert_ne!(ea, eb);
    }

    #[test]
    fn short_values_are_replaced_only_as_whole_values_and_shared_constants_never() {
        let ds = vec![
            sent("one", serde_json::json!({"code": 200, "data": {"n": "ab"}})),
            sent("two", serde_json::json!({"code": 200, "data": {"n": "cd"}})),
        ];
        let (g1, g2) = (
            Generated::of("task_one", &ds),
            Generated::of("task_two", &ds),
        );
        let a = seen(
            Role::After,
            "one",
            0,
            Some(r#"{"n":"ab","note":"abc","code":200}"#),
        );
        let b = seen(
            Role::After,
            "two",
            0,
            Some(r#"{"n":"cd","note":"abc","code":200}"#),
        );
        let (ea, eb) = comparable(&a, &g1, &b, &g2);
        assert_eq!(ea, eb);
        assert_eq!(
            ea.probe_http,
            Some(serde_json::json!({"n":"{data.n}","note":"abc","code":200}))
        );
    }
}
