//! What the page (`/_mock/ui`) can do to a task, each also an endpoint of the inspection API so
//! a test does what a click does: `Resend` a stage's callback, `Duplicate` it (one copy after
//! another or all at once), `Fail` a pending task with a code its family documents, `Expire`
//! its media, `Edit` a body and send it; and, to read, the task's exchanges, a callback as a
//! `curl` command and the task as a scenario file that `suno-mock run` replays.
//!
//! An action needs the page's token (printed with the page's URL at start) or the API key
//! given with `--api-key`, and a request another origin made is refused: a page elsewhere in
//! the user's browser cannot fire one.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::Api;
use super::callback::{self, Callback};
use super::store::{Sent, TaskState};
use crate::live::{Refused, SendRequest, sh};

fn refuse(status: u16, msg: impl Into<String>) -> Refused {
    Refused::new(status, msg)
}

type Answer = Result<Response, Refused>;

/// Refuses an action that lacks the page's token (or the configured key), or that a page of
/// another origin sent.
fn guard(api: &Api, headers: &HeaderMap) -> Result<(), Refused> {
    crate::live::guard(&api.ui_token, api.cfg.api_key.as_deref(), headers)
}

/// The JSON object of an action's body (an empty body is an empty object).
fn body<T: for<'de> Deserialize<'de>>(bytes: &Bytes) -> Result<T, Refused> {
    crate::live::request(bytes)
}

/// What an action needs of a task.
struct Target {
    family: &'static crate::family::Family,
    url: Option<String>,
    sent: Vec<Sent>,
}

fn target(api: &Api, id: &str) -> Result<Target, Refused> {
    api.store
        .read(id, |t| Target {
            family: t.family,
            url: t.callback_url.clone(),
            sent: t.sent.clone(),
        })
        .ok_or_else(|| refuse(404, format!("no task {id} (never created, or forgotten)")))
}

impl Target {
    /// The stage asked for, else the last one generated.
    fn stage(&self, id: &str, stage: Option<&str>) -> Result<Sent, Refused> {
        let found = match stage {
            Some(s) => self.sent.iter().rev().find(|x| x.stage == s),
            None => self.sent.last(),
        };
        found.cloned().ok_or_else(|| {
            let generated: Vec<&str> = self.sent.iter().map(|s| s.stage).collect();
            refuse(
                409,
                match stage {
                    Some(s) if generated.is_empty() => {
                        format!("task {id} has no stage {s} yet: none generated")
                    }
                    Some(s) => format!(
                        "task {id} has no stage {s} yet (generated: {})",
                        generated.join(", ")
                    ),
                    None => format!("task {id} has no stage generated yet"),
                },
            )
        })
    }

    fn url(&self, id: &str) -> Result<String, Refused> {
        self.url.clone().ok_or_else(|| {
            refuse(
                409,
                format!("task {id} was created without a callBackUrl: nothing to send to"),
            )
        })
    }
}

/// Sends a stage's callback again (`resend`), several copies of it (`duplicate`) or an edited
/// body (`edit`), through the same sender, deadline and retries as the task's own.
pub(super) async fn send(
    action: &'static str,
    State(api): State<Api>,
    Path(id): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Answer {
    guard(&api, &headers)?;
    let req: SendRequest = body(&bytes)?;
    let t = target(&api, &id)?;
    let (sent, url) = (t.stage(&id, req.stage.as_deref())?, t.url(&id)?);
    let sending = req.sending(action, sent.body.clone())?;
    let answer = crate::live::accepted(&id, action, sent.stage, &sending);
    let cb = Callback {
        family: t.family,
        task_id: id,
        url,
        stage: sent.stage,
        body: sending.body,
        copies: sending.copies,
        concurrent: sending.concurrent,
        failure: sent.failure,
        action: Some(action),
    };
    api.spawn(callback::send(api.clone(), cb));
    Ok(answer)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FailBody {
    code: Option<i64>,
}

/// `Fail`: a pending task becomes its family's failure, with a code the family documents,
/// at once (polling shows it failed; its callback goes out as a failure's would).
pub(super) async fn fail(
    State(api): State<Api>,
    Path(id): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Answer {
    guard(&api, &headers)?;
    let req: FailBody = body(&bytes)?;
    let t = target(&api, &id)?;
    let family = t.family;
    let code = req.code.unwrap_or_else(|| family.default_failure_code());
    if !family.failure_codes.iter().any(|c| c.code == code) {
        let codes: Vec<String> = family
            .failure_codes
            .iter()
            .map(|c| c.code.to_string())
            .collect();
        return Err(refuse(
            400,
            format!(
                "{} documents failure codes {}; not {code}",
                family.id,
                codes.join(", ")
            ),
        ));
    }
    // Checked and set under the store's lock, so two clicks (or the task's own first stage
    // coming due) cannot both begin its life.
    let mut was = TaskState::Pending;
    let mut created = None;
    api.store.update(&id, |t| {
        was = t.state;
        if t.state == TaskState::Pending && !t.started {
            t.started = true;
            t.forced_failure = Some(code);
            created = Some(t.created);
        }
    });
    let Some(created) = created else {
        return Err(refuse(
            409,
            format!(
                "task {id} is {}: only a pending task can be failed",
                was.name()
            ),
        ));
    };
    api.spawn(super::worker::play_now(api.clone(), id.clone(), created));
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(
            json!({"taskId": id, "action": "fail", "code": code, "msg": family.failure_msg(code)}),
        ),
    )
        .into_response())
}

/// `Expire`: the task's media links answer as expired ones do from now on.
pub(super) async fn expire(
    State(api): State<Api>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Answer {
    guard(&api, &headers)?;
    let t = target(&api, &id)?;
    if t.sent.is_empty() {
        return Err(refuse(
            409,
            format!("task {id} has no media yet: nothing generated"),
        ));
    }
    api.host.expire_after(&id, Duration::ZERO);
    api.store.update(&id, |t| t.expired = true);
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(json!({"taskId": id, "action": "expire"})),
    )
        .into_response())
}

/// One exchange as the page shows it: the attempt (status, timing, verdicts) with what was
/// sent.
fn exchange(a: &super::store::AttemptRecord) -> Value {
    let mut v = serde_json::to_value(a).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "requestHeaders".into(),
            a.headers.iter().map(|(k, v)| json!([k, v])).collect(),
        );
        o.insert(
            "requestBody".into(),
            String::from_utf8_lossy(&a.body).into(),
        );
        o.insert(
            "responseHeaders".into(),
            a.attempt
                .headers
                .iter()
                .map(|(k, v)| json!([k, v]))
                .collect(),
        );
    }
    v
}

/// `GET /_mock/tasks/{id}/exchanges`: the task, each stage's callback body, and every attempt
/// with what it sent and what the receiver answered.
pub(super) async fn exchanges(State(api): State<Api>, Path(id): Path<String>) -> Answer {
    let found = api.store.read(&id, |t| {
        let stages: Vec<Value> = t
            .sent
            .iter()
            .map(|s| json!({"stage": s.stage, "failure": s.failure, "body": String::from_utf8_lossy(&s.body)}))
            .collect();
        json!({
            "taskId": t.task_id, "family": t.family.id, "state": t.state.name(),
            "callbackUrl": t.callback_url, "expired": t.expired,
            "deadlineMs": api.cfg.policy_for(t.family).timeout.as_millis() as u64,
            "retryDelaysMs": api.cfg.policy.retry_delays.iter().map(|d| d.as_millis() as u64).collect::<Vec<_>>(),
            "failureCodes": t.family.failure_codes.iter().map(|c| json!({"code": c.code, "msg": c.msg})).collect::<Vec<_>>(),
            "stages": stages, "record": t.record.value(),
        })
    });
    let Some(mut v) = found else {
        return Err(refuse(
            404,
            format!("no task {id} (never created, or forgotten)"),
        ));
    };
    v["attempts"] = api.store.attempts_of(&id).iter().map(exchange).collect();
    Ok(axum::Json(v).into_response())
}

#[derive(Deserialize)]
pub(super) struct StageQuery {
    stage: Option<String>,
}

/// `GET /_mock/tasks/{id}/curl?stage=`: the stage's callback as a `curl` command.
pub(super) async fn curl(
    State(api): State<Api>,
    Path(id): Path<String>,
    Query(q): Query<StageQuery>,
) -> Answer {
    let t = target(&api, &id)?;
    let (sent, url) = (t.stage(&id, q.stage.as_deref())?, t.url(&id)?);
    let text = format!(
        "curl -sS -X POST {} -H 'Content-Type: application/json' --data-binary {}\n",
        sh(&url),
        sh(&String::from_utf8_lossy(&sent.body))
    );
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

/// `GET /_mock/tasks/{id}/scenario`: every exchange of the task as a scenario file, in
/// `record`'s format (each attempt a delivery of its exact body, the answer it got as its
/// expectation, the real spacing as waits): `suno-mock run FILE --receiver URL` replays it.
pub(super) async fn scenario(State(api): State<Api>, Path(id): Path<String>) -> Answer {
    let Some((family, first)) = api.store.read(&id, |t| (t.family, t.sent.is_empty())) else {
        return Err(refuse(
            404,
            format!("no task {id} (never created, or forgotten)"),
        ));
    };
    let attempts = api.store.attempts_of(&id);
    if attempts.is_empty() {
        let why = if first {
            "nothing generated yet"
        } else {
            "no callback sent"
        };
        return Err(refuse(
            409,
            format!("task {id} has no exchange to save: {why}"),
        ));
    }
    let exchanges = attempts
        .iter()
        .map(|a| crate::record::Exchange {
            arrived: a.started,
            method: "POST".into(),
            body: a.body.to_vec(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            signing: callback::signing_headers(&a.attempt),
            query: Vec::new(),
            status: a.attempt.status.unwrap_or(0),
            note: a.attempt.status.is_none().then(|| {
                format!(
                    "no answer ({})",
                    a.attempt.error.map(|e| e.name()).unwrap_or("none")
                )
            }),
            at_ms: a.attempt.at_ms,
            took_ms: a.attempt.duration_ms,
            error: a.attempt.error,
            answer_headers: a.attempt.headers.clone(),
            answer_body: a.attempt.body.clone().unwrap_or_default(),
            stage: Some(a.stage),
            failure: a.stage == "failure" || a.stage == "error",
        })
        .collect();
    // The first attempt's wall-clock time, from how long ago it started.
    let first_at = attempts
        .first()
        .and_then(|a| std::time::SystemTime::now().checked_sub(a.started.elapsed()))
        .unwrap_or_else(std::time::SystemTime::now);
    let recording = crate::record::TaskRecording {
        key: id.clone(),
        path: format!("{id}.yaml").into(),
        family: Some(family),
        first_at,
        exchanges,
        actions: Vec::new(),
    };
    let text = crate::record::render_by(
        &recording,
        false,
        "Saved by suno-mock serve (Save as scenario)",
    );
    Ok(crate::live::scenario_download(&id, text))
}
