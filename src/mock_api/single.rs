//! The families with one callback per task on the mock API (WAV, stems, MIDI, lyrics, cover,
//! custom voice),
//! all from the catalogue's data: the create path and its required fields, the callback, and
//! the polling path with its status key and values (the integer `successFlag` of MIDI and
//! cover). The polling answer carries the callback's `data` as `response`.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};

use super::Api;
use super::fields::{callback_url, required_text};
use super::handlers::{
    authorized, bad_at, create_body, created_task_id, envelope, log, unauthorized,
};
use super::store::{Keyed, TaskList, now_ms};
use super::worker::{Failed, documented_msg, fate, play};
use crate::family::{Family, Fill};

/// One task of a one-callback family, kept as the JSON its polling endpoint answers.
#[derive(Debug, Clone)]
pub struct SingleTask {
    pub family: &'static str,
    pub task_id: String,
    pub callback_url: String,
    pub record: Value,
}

impl Keyed for SingleTask {
    fn task_id(&self) -> &str {
        &self.task_id
    }
}

/// The tasks of the one-callback families, in order (ids differ across families).
pub type SingleStore = TaskList<SingleTask>;

/// Puts `value` at `key` of a task's polling record.
fn set(store: &SingleStore, id: &str, key: &str, value: Value) {
    store.update(id, |x| {
        if let Some(o) = x.record.as_object_mut() {
            o.insert(key.to_string(), value);
        }
    });
}

/// A status value as the family's polling endpoint writes it: a number for MIDI and cover.
fn flag(value: &str) -> Value {
    value
        .parse::<i64>()
        .map(Value::from)
        .unwrap_or_else(|_| Value::from(value))
}

/// Whether `serve` offers this family through this module.
pub fn served(f: &Family) -> bool {
    !f.polling.create.is_empty() && !matches!(f.id, "video" | "music" | "replace-section")
}

pub(super) async fn create(
    family: &'static Family,
    State(api): State<Api>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let path = format!("POST {}", family.polling.create);
    let obj = match create_body(&api, &headers, body, &path) {
        Ok(o) => o,
        Err(r) => return *r,
    };
    let checked = family
        .polling
        .required
        .iter()
        .try_for_each(|name| required_text(&obj, name).map(|_| ()))
        .and_then(|()| callback_url(&obj));
    let callback = match checked {
        Ok(c) => c,
        Err((code, msg)) => return bad_at(&api, &path, code, msg),
    };
    if let Err((code, msg)) = api.admission.admit(family.id) {
        return bad_at(&api, &path, code, msg);
    }
    let (index, task_id) = api.single.with(|tasks| {
        let index = tasks.iter().filter(|t| t.family == family.id).count();
        let id = created_task_id(&api, family.id, index);
        tasks.push(SingleTask {
            family: family.id,
            task_id: id.clone(),
            callback_url: callback.clone(),
            record: json!({
                "taskId": id,
                "param": Value::Object(obj.clone()).to_string(),
                "callbackUrl": callback,
                "response": null,
                family.polling.flag: flag(family.polling.pending),
                "createTime": now_ms(),
                "completeTime": null,
                "errorCode": null,
                "errorMessage": null,
            }),
        });
        (index, id)
    });
    log(&api, format!("{path} -> 200 taskId {task_id}"));
    tokio::spawn(run(api.clone(), family, index, task_id.clone()));
    envelope(&api, 200, "success", json!({"taskId": task_id}))
}

pub(super) async fn record_info(
    family: &'static Family,
    State(api): State<Api>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let path = format!("GET {}", family.polling.path);
    if !authorized(&api, &headers) {
        return unauthorized(&api, &path);
    }
    let Some(id) = q.get("taskId").filter(|s| !s.is_empty()) else {
        return bad_at(&api, &path, 400, "taskId is required".into());
    };
    match api.single.get(id).filter(|t| t.family == family.id) {
        Some(t) => {
            log(
                &api,
                format!(
                    "{path}?taskId={id} -> 200 {}",
                    match &t.record[family.polling.flag] {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    }
                ),
            );
            envelope(&api, 200, "success", t.record)
        }
        None => bad_at(
            &api,
            &path,
            400,
            format!("no {} task with taskId {id}", family.id),
        ),
    }
}

/// The task's life: its callback (or what the plan scripts), what it carries written where
/// polling shows it before it goes out.
async fn run(api: Api, family: &'static Family, index: usize, task_id: String) {
    let f = fate(&api, family, index);
    let Some(task) = api.single.get(&task_id) else {
        return;
    };
    let media = |kind, slot: &str| api.host.media_url(&task_id, kind, slot);
    let acknowledged = play(
        &api,
        family,
        &task_id,
        &task.callback_url,
        &f,
        documented_msg(family),
        |_, failed| {
            let fill = Fill {
                task_id: &task_id,
                media_url: &media,
                failure: None,
            };
            let which = match &failed {
                Some(Failed { code, msg }) => Err((*code, msg.as_str())),
                None => Ok(family.final_stage()),
            };
            let body = crate::family::body(family, which, None, &fill).unwrap_or(Value::Null);
            set(
                &api.single,
                &task_id,
                "response",
                body.get("data").cloned().unwrap_or(Value::Null),
            );
            set(&api.single, &task_id, "completeTime", json!(now_ms()));
            let status = match failed {
                Some(_) => family.polling.failed,
                None => family.polling.success,
            };
            set(&api.single, &task_id, family.polling.flag, flag(status));
            if let Some(Failed { code, msg }) = failed {
                set(&api.single, &task_id, "errorCode", json!(code));
                set(&api.single, &task_id, "errorMessage", json!(msg));
            }
        },
    )
    .await;
    // The integer flags (MIDI, cover) have no value for it.
    if !acknowledged && !family.polling.statuses.contains(&"0") {
        set(
            &api.single,
            &task_id,
            family.polling.flag,
            json!("CALLBACK_EXCEPTION"),
        );
    }
}
