//! The mock's own endpoints beside the provider's: the balance, every task and every callback
//! attempt for a test to assert on, and the answers to a path or method the provider lacks.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Api;
use super::envelope::{authorized, envelope, log, unauthorized};
use super::fields::Refusal;
use crate::outcome::events::ServeEvent;

/// `GET /api/v1/generate/credit`: the balance, as the provider answers it (`data` an integer).
pub(super) async fn credit(State(api): State<Api>, headers: HeaderMap) -> Response {
    if !authorized(&api, &headers) {
        return unauthorized(&api, "GET /api/v1/generate/credit");
    }
    let balance = api.admission.balance();
    log(
        &api,
        format!("GET /api/v1/generate/credit -> 200 {balance}"),
    );
    envelope(&api, 200, "success", json!(balance))
}

#[derive(serde::Deserialize)]
pub(super) struct TasksQuery {
    view: Option<String>,
}

/// Whether `?view=` asks for the summary (`summary`) or the records (`records`, the default).
fn summary_view(q: &TasksQuery) -> Result<bool, Refusal> {
    match q.view.as_deref() {
        None | Some("records") => Ok(false),
        Some("summary") => Ok(true),
        Some(other) => Err(Refusal::new(
            400,
            format!("view: {other}; records (the default) or summary"),
        )),
    }
}

fn refused(api: &Api, r: Refusal) -> Response {
    envelope(api, r.status, &r.msg, Value::Null)
}

/// Every task of every family in creation order, each with its `family` and `state` (fields of
/// the mock's, not of the provider's record-info); `?view=summary`: those fields alone, no
/// record (what the page loads: fifty thousand tasks in a few megabytes).
pub(super) async fn tasks(
    State(api): State<Api>,
    axum::extract::Query(q): axum::extract::Query<TasksQuery>,
) -> Response {
    match summary_view(&q) {
        Err(r) => refused(&api, r),
        Ok(false) => axum::Json(api.store.listing()).into_response(),
        Ok(true) => axum::Json(api.store.tasks(|t| {
            json!({"taskId": t.task_id, "family": t.family.id, "state": t.state.name(), "expired": t.expired})
        }))
        .into_response(),
    }
}

/// `GET /_mock/health`: 200 once the server answers; no key needed, so a health check or a CI
/// service definition can ask it. `watchers`: how many event streams are open (pages, say).
pub(super) async fn health(State(api): State<Api>) -> Response {
    axum::Json(json!({
        "status": "ready",
        "tasks": api.store.len(),
        "watchers": api.store.watchers(),
    }))
    .into_response()
}

/// `GET /_mock/events`: every change from now on as Server-Sent Events, the event's `type` as
/// the SSE event name and the JSON (`outcome::events`) as its data; `?view=summary`: what
/// piled up as one `batch` event instead (`live::Batch`, what the page reads), no record
/// ever built for it. A reader that falls more than the channel's length behind gets a
/// `lagged` event and reloads the lists.
pub(super) async fn events(
    State(api): State<Api>,
    axum::extract::Query(q): axum::extract::Query<TasksQuery>,
) -> Response {
    use axum::response::sse::{KeepAlive, Sse};
    use tokio::sync::broadcast::error::RecvError;
    let summary = match summary_view(&q) {
        Ok(summary) => summary,
        Err(r) => return refused(&api, r),
    };
    let (rx, guard) = api.store.subscribe(!summary);
    let stop = api.stop.clone();
    let stream = futures_util::stream::unfold(
        (rx, stop, guard, None),
        move |(mut rx, stop, guard, mut last)| async move {
            let e = tokio::select! {
                () = stop.cancelled() => return None,
                e = rx.recv() => e,
            };
            let event = match e {
                Ok(e) => e,
                Err(RecvError::Lagged(missed)) => ServeEvent::Lagged { missed },
                Err(RecvError::Closed) => return None,
            };
            // A summary reader (the page) takes what has piled up as one `batch` event.
            if summary {
                let data = crate::live::batch(event, &mut rx, &mut last).await;
                return Some((
                    Ok::<_, std::convert::Infallible>(data),
                    (rx, stop, guard, last),
                ));
            }
            Some((
                Ok::<_, std::convert::Infallible>(crate::live::one(&event)),
                (rx, stop, guard, last),
            ))
        },
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

pub(super) async fn deliveries(State(api): State<Api>) -> Response {
    axum::Json(api.store.attempts()).into_response()
}

pub(super) async fn wrong_method(
    State(api): State<Api>,
    method: axum::http::Method,
    uri: axum::http::Uri,
) -> Response {
    log(
        &api,
        format!("{method} {uri} -> 404 (not a method of this path)"),
    );
    envelope(&api, 404, "Invalid request method or path", Value::Null)
}

pub(super) async fn not_found(
    State(api): State<Api>,
    method: axum::http::Method,
    uri: axum::http::Uri,
) -> Response {
    log(&api, format!("{method} {uri} -> 404"));
    envelope(&api, 404, "Invalid request method or path", Value::Null)
}
