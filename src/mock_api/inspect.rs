//! The mock's own endpoints beside the provider's: the balance, every task and every callback
//! attempt for a test to assert on, and the answers to a path or method the provider lacks.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Api;
use super::envelope::{authorized, envelope, log, unauthorized};

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
