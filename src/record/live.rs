//! `record --ui-listen ADDR`: the live page on a listener of its own (the provider's paths stay
//! the receiver's), with the same API as `serve`'s page reads: every recorded task and each
//! exchange as it ends (`/_mock/tasks`, `/_mock/deliveries`, `/_mock/events`), a task's
//! exchanges with the receiver's answers and their marks, and the actions that make sense for
//! a callback the real provider sent: `Resend`, `Duplicate` and `Edit` (forwarded to the
//! receiver again, shown on the page, never written to the file), `Copy as curl` and
//! `Save as scenario` (the task's file as it stands).

use std::sync::PoisonError;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::{Exchange, Recorder, Resent, TaskRecording};
use crate::live::{Mode, Refused, SendRequest, sh};
use crate::outcome::events::{AttemptEvent, Mark, ServeEvent, TaskEvent};
use crate::wire::Attempt;

type Answer = Result<Response, Refused>;

#[derive(Clone)]
struct Page {
    rec: Recorder,
    stop: CancellationToken,
}

pub(super) fn router(rec: Recorder, stop: CancellationToken) -> Router {
    let page = Page { rec, stop };
    Router::new()
        .route(
            crate::live::PATH,
            get(|| async { crate::live::page(Mode::Record) }),
        )
        .route("/_mock/tasks", get(tasks))
        .route("/_mock/deliveries", get(deliveries))
        .route("/_mock/events", get(events))
        .route("/_mock/tasks/{id}/exchanges", get(exchanges))
        .route("/_mock/tasks/{id}/curl", get(curl))
        .route("/_mock/tasks/{id}/scenario", get(scenario))
        .route(
            "/_mock/tasks/{id}/resend",
            post(|s, p, h, b| send("resend", s, p, h, b)),
        )
        .route(
            "/_mock/tasks/{id}/duplicate",
            post(|s, p, h, b| send("duplicate", s, p, h, b)),
        )
        .route(
            "/_mock/tasks/{id}/send",
            post(|s, p, h, b| send("edit", s, p, h, b)),
        )
        .with_state(page)
}

/// What the callbacks received so far say of the task: a failure ended it, its family's last
/// stage completed it, anything else is on its way.
fn state(t: &TaskRecording) -> &'static str {
    let last = |e: &&Exchange| e.stage.is_some();
    match (t.family, t.exchanges.iter().rfind(last)) {
        (_, Some(e)) if e.failure => "failed",
        (Some(f), Some(e)) if e.stage == Some(f.final_stage().name) => "succeeded",
        _ => "generating",
    }
}

pub(super) fn task_event(rec: &Recorder, t: &TaskRecording) -> ServeEvent {
    ServeEvent::Task(TaskEvent {
        task_id: t.key.clone(),
        family: t.family.map(|f| f.id).unwrap_or_default().to_string(),
        state: state(t).to_string(),
        callback_url: rec.target(),
        expired: false,
        record: None,
    })
}

/// The exchange at `index` of the task's own (`action` none) or of what the page sent.
pub(super) fn attempt_event(
    rec: &Recorder,
    t: &TaskRecording,
    index: usize,
    action: Option<usize>,
) -> ServeEvent {
    let (ex, number, copy, action) = match action {
        None => {
            let ex = &t.exchanges[index];
            (ex, number(t, index), 1, None)
        }
        Some(i) => {
            let r = &t.actions[i];
            (&r.exchange, 1, r.copy, Some(r.action))
        }
    };
    let answer = attempt(ex);
    ServeEvent::Attempt(AttemptEvent {
        task_id: t.key.clone(),
        family: t.family.map(|f| f.id).unwrap_or_default().to_string(),
        stage: ex.stage.unwrap_or("unknown").to_string(),
        copy,
        action: action.map(str::to_string),
        attempt: number,
        at_ms: ex.at_ms,
        callback_url: rec.target().unwrap_or_default(),
        verdicts: rec.marks(ex, action),
        status: answer.status,
        accepted: answer.accepted,
        error: answer.error.map(|e| e.name().to_string()),
        duration_ms: ex.took_ms,
    })
}

/// The exchange's place among the provider's deliveries of its stage (1 for the first).
fn number(t: &TaskRecording, index: usize) -> u32 {
    let stage = t.exchanges[index].stage;
    t.exchanges[..=index]
        .iter()
        .filter(|e| e.stage == stage)
        .count() as u32
}

/// The receiver's answer as an attempt, for the marks: none when it gave none.
fn attempt(ex: &Exchange) -> Attempt {
    let status = ex.error.is_none().then_some(ex.status);
    Attempt {
        number: 1,
        at_ms: ex.at_ms,
        duration_ms: ex.took_ms,
        status,
        accepted: status.is_some_and(|s| (200..300).contains(&s)),
        error: ex.error,
        message: ex.note.clone(),
        ..Attempt::default()
    }
}

impl Recorder {
    /// Where callbacks are forwarded, query values masked; `None`: `record` answers them.
    fn target(&self) -> Option<String> {
        self.cfg
            .forward_to
            .as_ref()
            .map(crate::secrets::mask_query_values)
    }

    /// The receiver's answer judged as `serve`'s page judges one; nothing when `record`
    /// answered itself (there is no receiver's answer to judge). A body of no known family,
    /// or an edited one, is judged on its timing alone.
    fn marks(&self, ex: &Exchange, action: Option<&str>) -> Vec<Mark> {
        if self.cfg.forward_to.is_none() {
            return Vec::new();
        }
        let edited = action == Some("edit") || ex.stage.is_none();
        crate::live::judge(ex.failure, edited, &attempt(ex), self.cfg.timeout)
    }

    fn read<T>(&self, id: &str, f: impl FnOnce(&TaskRecording) -> T) -> Result<T, Refused> {
        let tasks = self.tasks.lock().unwrap_or_else(PoisonError::into_inner);
        tasks
            .get(id)
            .map(f)
            .ok_or_else(|| Refused::new(404, format!("no task {id} recorded by this run")))
    }
}

/// `GET /_mock/tasks`: every task recorded by this run, the first received first.
async fn tasks(State(p): State<Page>) -> Response {
    let tasks = p.rec.tasks.lock().unwrap_or_else(PoisonError::into_inner);
    let mut list: Vec<&TaskRecording> = tasks.values().collect();
    list.sort_by_key(|t| (t.first_at, t.key.clone()));
    let events: Vec<Value> = list
        .iter()
        .filter_map(|t| match task_event(&p.rec, t) {
            ServeEvent::Task(t) => serde_json::to_value(t).ok(),
            _ => None,
        })
        .collect();
    axum::Json(events).into_response()
}

/// `GET /_mock/deliveries`: every exchange, as the events told them.
async fn deliveries(State(p): State<Page>) -> Response {
    let tasks = p.rec.tasks.lock().unwrap_or_else(PoisonError::into_inner);
    let mut all = Vec::new();
    for t in tasks.values() {
        let own = (0..t.exchanges.len()).map(|i| attempt_event(&p.rec, t, i, None));
        let sent = (0..t.actions.len()).map(|i| attempt_event(&p.rec, t, 0, Some(i)));
        for e in own.chain(sent) {
            if let ServeEvent::Attempt(a) = e {
                all.push(a);
            }
        }
    }
    all.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
    axum::Json(all).into_response()
}

#[derive(Deserialize)]
struct EventsQuery {
    view: Option<String>,
}

/// `GET /_mock/events`: each task and exchange as it happens (Server-Sent Events, the schema of
/// `suno-mock schema events`); `?view=summary` sends what piled up as one `batch`.
async fn events(State(p): State<Page>, Query(q): Query<EventsQuery>) -> Answer {
    use axum::response::sse::{KeepAlive, Sse};
    use tokio::sync::broadcast::error::RecvError;
    let summary = match q.view.as_deref() {
        None | Some("full") => false,
        Some("summary") => true,
        Some(other) => {
            return Err(Refused::new(
                400,
                format!("view={other}: the views are full and summary"),
            ));
        }
    };
    let rx = p.rec.events.subscribe();
    let stream = futures_util::stream::unfold(
        (rx, p.stop, None),
        move |(mut rx, stop, mut last)| async move {
            let event = tokio::select! {
                () = stop.cancelled() => return None,
                e = rx.recv() => match e {
                    Ok(e) => e,
                    Err(RecvError::Lagged(missed)) => ServeEvent::Lagged { missed },
                    Err(RecvError::Closed) => return None,
                },
            };
            let sse = if summary {
                crate::live::batch(event, &mut rx, &mut last).await
            } else {
                crate::live::one(&event)
            };
            Some((Ok::<_, std::convert::Infallible>(sse), (rx, stop, last)))
        },
    );
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}

/// The request's headers as the page shows them: signing headers masked unless
/// `--keep-secrets` (as in the file).
fn shown_headers(rec: &Recorder, ex: &Exchange) -> Vec<Value> {
    let signing = ex.signing.iter().map(|(k, v)| {
        let v = if rec.cfg.keep_secrets {
            v.clone()
        } else {
            crate::secrets::MASK.to_string()
        };
        (k.clone(), v)
    });
    ex.headers
        .iter()
        .map(|(k, v)| crate::secrets::header(k, v.as_bytes()))
        .chain(signing)
        .map(|(k, v)| json!([k, v]))
        .collect()
}

fn exchange_view(
    rec: &Recorder,
    ex: &Exchange,
    number: u32,
    copy: u32,
    action: Option<&str>,
) -> Value {
    let answer = attempt(ex);
    json!({
        "stage": ex.stage.unwrap_or("unknown"),
        "action": action,
        "copy": copy,
        "number": number,
        "method": ex.method,
        "at_ms": ex.at_ms,
        "duration_ms": ex.took_ms,
        "status": answer.status,
        "error": ex.error.map(|e| e.name()),
        "message": ex.note,
        "body": ex.answer_body,
        "responseHeaders": ex.answer_headers.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
        "requestHeaders": shown_headers(rec, ex),
        "requestBody": String::from_utf8_lossy(&ex.body),
        "verdicts": rec.marks(ex, action),
    })
}

/// `GET /_mock/tasks/{id}/exchanges`: the task, the last body of each stage received, and
/// every exchange (the provider's and the page's) with the receiver's answer.
async fn exchanges(State(p): State<Page>, Path(id): Path<String>) -> Answer {
    let rec = &p.rec;
    let v = rec.read(&id, |t| {
        let mut stages: Vec<Value> = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for e in t.exchanges.iter().rev() {
            let stage = e.stage.unwrap_or("unknown");
            if !seen.contains(&stage) {
                seen.push(stage);
                stages.push(json!({"stage": stage, "failure": e.failure, "body": String::from_utf8_lossy(&e.body)}));
            }
        }
        stages.reverse();
        let mut attempts: Vec<(f64, Value)> = t
            .exchanges
            .iter()
            .enumerate()
            .map(|(i, e)| (e.at_ms, exchange_view(rec, e, number(t, i), 1, None)))
            .collect();
        attempts.extend(t.actions.iter().map(|r| {
            (
                r.exchange.at_ms,
                exchange_view(rec, &r.exchange, 1, r.copy, Some(r.action)),
            )
        }));
        attempts.sort_by(|a, b| a.0.total_cmp(&b.0));
        json!({
            "taskId": t.key, "family": t.family.map(|f| f.id), "state": state(t),
            "callbackUrl": rec.target(), "expired": false,
            "deadlineMs": rec.cfg.timeout.as_millis() as u64,
            // The real provider's schedule is its own: record only sees what arrived.
            "retryDelaysMs": [], "failureCodes": [],
            "file": t.path.display().to_string(),
            "stages": stages,
            "attempts": attempts.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
        })
    })?;
    Ok(axum::Json(v).into_response())
}

#[derive(Deserialize)]
struct StageQuery {
    stage: Option<String>,
}

/// The last exchange the provider sent of `stage` (else of any stage).
fn received(t: &TaskRecording, stage: Option<&str>) -> Result<Exchange, Refused> {
    let found = t
        .exchanges
        .iter()
        .rev()
        .find(|e| stage.is_none_or(|s| e.stage.unwrap_or("unknown") == s));
    found.cloned().ok_or_else(|| {
        Refused::new(
            409,
            format!(
                "task {} has no callback of stage {} recorded",
                t.key,
                stage.unwrap_or("any")
            ),
        )
    })
}

/// `GET /_mock/tasks/{id}/curl?stage=`: the recorded callback as a `curl` command to the
/// receiver, with the headers worth replaying (no signing headers unless `--keep-secrets`).
async fn curl(
    State(p): State<Page>,
    Path(id): Path<String>,
    Query(q): Query<StageQuery>,
) -> Answer {
    let ex = p.rec.read(&id, |t| received(t, q.stage.as_deref()))??;
    let target = p.rec.target().ok_or_else(no_target)?;
    let mut text = format!("curl -sS -X POST {}", sh(&target));
    let signing = ex.signing.iter().filter(|_| p.rec.cfg.keep_secrets);
    for (k, v) in ex.headers.iter().chain(signing) {
        text.push_str(&format!(" -H {}", sh(&format!("{k}: {v}"))));
    }
    text.push_str(&format!(
        " --data-binary {}\n",
        sh(&String::from_utf8_lossy(&ex.body))
    ));
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

fn no_target() -> Refused {
    Refused::new(
        409,
        "record answers callbacks itself (no --forward-to): there is no receiver to send to",
    )
}

/// `GET /_mock/tasks/{id}/scenario`: the task's file as it stands (what the provider sent;
/// `suno-mock run` replays it).
async fn scenario(State(p): State<Page>, Path(id): Path<String>) -> Answer {
    let text = p
        .rec
        .read(&id, |t| super::render(t, p.rec.cfg.keep_secrets))?;
    Ok(crate::live::scenario_download(&id, text))
}

/// `Resend`, `Duplicate` and `Edit`: a recorded callback forwarded to the receiver again, with
/// the headers it came with (its signature too: a receiver that refuses a replayed timestamp
/// says so here as it would to the provider's own retry).
async fn send(
    action: &'static str,
    State(p): State<Page>,
    Path(id): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Answer {
    crate::live::guard(&p.rec.token, None, &headers)?;
    let req: SendRequest = crate::live::request(&bytes)?;
    let ex = p.rec.read(&id, |t| received(t, req.stage.as_deref()))??;
    let target = p.rec.cfg.forward_to.clone().ok_or_else(no_target)?;
    let sending = req.sending(action, Bytes::from(ex.body.clone()))?;
    let answer = crate::live::accepted(&id, action, ex.stage.unwrap_or("unknown"), &sending);
    let rec = p.rec.clone();
    let key = id.clone();
    tokio::spawn(async move {
        let one = |copy: u32| {
            let (rec, target, ex, body, key) = (&rec, &target, &ex, sending.body.clone(), &key);
            async move {
                let sent = rec.resend(target, ex, body).await;
                rec.keep_resent(
                    key,
                    Resent {
                        action,
                        copy,
                        exchange: sent,
                    },
                );
            }
        };
        if sending.concurrent {
            futures_util::future::join_all((1..=sending.copies).map(one)).await;
        } else {
            for copy in 1..=sending.copies {
                one(copy).await;
            }
        }
    });
    Ok(answer)
}

impl Recorder {
    /// A recorded exchange sent to the receiver again (its body, or an edited one), and the
    /// answer it got.
    async fn resend(&self, target: &url::Url, ex: &Exchange, body: Bytes) -> Exchange {
        let mut headers = HeaderMap::new();
        for (k, v) in ex.headers.iter().chain(&ex.signing) {
            if let (Ok(k), Ok(v)) = (HeaderName::try_from(k.as_str()), HeaderValue::try_from(v)) {
                headers.insert(k, v);
            }
        }
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&ex.query)
            .finish();
        let uri: Uri = format!("/?{query}").parse().unwrap_or_default();
        let arrived = Instant::now();
        let answered = self
            .forward(target, &axum::http::Method::POST, &uri, &headers, &body)
            .await;
        Exchange {
            arrived,
            body: body.to_vec(),
            status: answered.status,
            note: answered.note.clone(),
            at_ms: arrived.duration_since(self.started).as_secs_f64() * 1000.0,
            took_ms: arrived.elapsed().as_secs_f64() * 1000.0,
            error: answered.error,
            answer_headers: answered.shown_headers(),
            answer_body: answered.excerpt(),
            ..ex.clone()
        }
    }

    /// Keeps what the page sent beside the task (not in its file) and tells the page.
    fn keep_resent(&self, key: &str, resent: Resent) {
        let mut tasks = self.tasks.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(t) = tasks.get_mut(key) else { return };
        self.say(format!(
            "{} of {key} {} -> {}",
            resent.action,
            resent.exchange.stage.unwrap_or("unknown"),
            resent.exchange.status
        ));
        t.actions.push(resent);
        let _ = self
            .events
            .send(attempt_event(self, t, 0, Some(t.actions.len() - 1)));
    }
}
