//! The mock's own endpoints beside the provider's: the balance, every task and every callback
//! attempt for a test to assert on, and the answers to a path or method the provider lacks.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Api;
use super::envelope::{authorized, envelope, log, unauthorized};
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

/// Every task of every family in creation order, each with its `family` (a field of the
/// mock's, not of the provider's record-info).
pub(super) async fn tasks(State(api): State<Api>) -> Response {
    axum::Json(api.store.listing()).into_response()
}

/// `GET /_mock/health`: 200 once the server answers; no key needed, so a health check or a CI
/// service definition can ask it.
pub(super) async fn health(State(api): State<Api>) -> Response {
    axum::Json(json!({"status": "ready", "tasks": api.store.len()})).into_response()
}

/// `GET /_mock/events`: every change from now on as Server-Sent Events, the event's `type` as
/// the SSE event name and the JSON (`outcome::events`) as its data. A reader that falls more
/// than the channel's length behind gets a `lagged` event and reloads the lists.
pub(super) async fn events(State(api): State<Api>) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    use tokio::sync::broadcast::error::RecvError;
    let rx = api.store.subscribe();
    let stop = api.stop.clone();
    let stream = futures_util::stream::unfold((rx, stop), |(mut rx, stop)| async move {
        let e = tokio::select! {
            () = stop.cancelled() => return None,
            e = rx.recv() => e,
        };
        let event = match e {
            Ok(e) => e,
            Err(RecvError::Lagged(missed)) => ServeEvent::Lagged { missed },
            Err(RecvError::Closed) => return None,
        };
        let name = match &event {
            ServeEvent::Task(_) => "task",
            ServeEvent::Attempt(_) => "attempt",
            ServeEvent::Forgotten { .. } => "forgotten",
            ServeEvent::Lagged { .. } => "lagged",
        };
        let data = serde_json::to_string(&event).unwrap_or_default();
        Some((
            Ok::<_, std::convert::Infallible>(Event::default().event(name).data(data)),
            (rx, stop),
        ))
    });
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
