//! The callback handler of the built-in receivers: verify, validate, deduplicate, answer, and
//! download the video in the background. Each planted flaw bends exactly one of those steps.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::validate::{Callback, exactly_as_documented, only_known_fields, rank, validate};
use super::{Flaw, ReceiverConfig, Shared, TaskRecord};
use crate::wire::signing::{self, SIGNATURE_HEADER, TIMESTAMP_HEADER};

/// A signature older than this is refused (the usual window of webhook verification).
const MAX_SIGNATURE_AGE: i64 = 300;

#[derive(Clone)]
pub(super) struct App {
    pub cfg: Arc<ReceiverConfig>,
    pub shared: Arc<Shared>,
    pub client: reqwest::Client,
}

fn answer(status: u16, body: serde_json::Value) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (code, axum::Json(body)).into_response()
}

fn refuse(status: u16, reason: &str) -> Response {
    answer(status, json!({"error": reason}))
}

pub(super) async fn state(State(app): State<App>, Path(task_id): Path<String>) -> Response {
    let rec = app
        .shared
        .tasks
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&task_id)
        .cloned();
    match rec {
        Some(r) => answer(200, json!(r)),
        None => answer(404, json!({"task_id": task_id, "processed": 0})),
    }
}

pub(super) async fn callback(
    State(app): State<App>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let flaws = &app.cfg.flaws;
    if app.shared.dead.load(Ordering::SeqCst) {
        return refuse(503, "receiver crashed earlier");
    }
    if flaws.has(Flaw::SlowAck) {
        tokio::time::sleep(Duration::from_millis(1200)).await;
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let ct_ok = if flaws.has(Flaw::StrictContentType) {
        content_type == "application/json"
    } else {
        crate::wire::is_json_content_type(content_type)
    };
    if !ct_ok {
        return refuse(415, "expected application/json");
    }
    let family = app.cfg.family;
    let (cb, v) = match validate(&body, family) {
        Ok(x) => x,
        Err(refusal) => {
            if flaws.has(Flaw::CrashOnBadInput) {
                app.shared.dead.store(true, Ordering::SeqCst);
                return refuse(500, "internal error");
            }
            return refuse(refusal.status(), &refusal.to_string());
        }
    };
    if flaws.has(Flaw::StrictFields) && !only_known_fields(&v, family) {
        return refuse(400, "unexpected field");
    }
    if flaws.has(Flaw::RefuseVariants)
        && !cb.failed
        && !exactly_as_documented(&v, family, &cb.stage)
    {
        return refuse(422, "the body does not match the documented example");
    }
    if !flaws.has(Flaw::NoVerify)
        && let Err(reason) = verify(&app.cfg, &query, &headers, &cb.task_id)
    {
        return refuse(401, reason);
    }
    if cb.failed && flaws.has(Flaw::FailOnFailure) {
        return refuse(500, "task failed");
    }
    if cb.failed && flaws.has(Flaw::DropFailures) {
        return answer(200, json!({"status": "received"}));
    }
    let first = claim(&app, &cb).await;
    if first && !cb.failed && !cb.media.is_empty() && !flaws.has(Flaw::NeverDownload) {
        let job = download(app.clone(), cb.task_id.clone(), cb.media.clone());
        if flaws.has(Flaw::BlockingDownload) {
            job.await;
        } else {
            tokio::spawn(job);
        }
    }
    if !cb.failed && flaws.has(Flaw::Answer202) {
        return answer(202, json!({"status": "accepted"}));
    }
    answer(200, json!({"status": "received"}))
}

/// Records the callback; true when this copy is the one to process: one piece of work per task
/// and stage, stages in order, a stage never undoing a later one.
async fn claim(app: &App, cb: &Callback) -> bool {
    let flaws = &app.cfg.flaws;
    let incoming = rank(&cb.stage);
    let seen = |app: &App| {
        app.shared
            .tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&cb.task_id)
            .is_some_and(|r| r.rank >= incoming)
    };
    if flaws.has(Flaw::RacyDedup) {
        // The classic race: look, wait on a slow store, then write.
        if seen(app) {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut tasks = app
        .shared
        .tasks
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let rec = tasks
        .entry(cb.task_id.clone())
        .or_insert_with(|| TaskRecord {
            task_id: cb.task_id.clone(),
            code: cb.code,
            ..TaskRecord::default()
        });
    let skip = if flaws.has(Flaw::NoDedup) || flaws.has(Flaw::RacyDedup) {
        false
    } else if flaws.has(Flaw::DedupByTask) {
        rec.processed > 0
    } else if flaws.has(Flaw::LateStageOverwrites) {
        rec.seen.contains(&cb.stage)
    } else {
        rec.rank >= incoming
    };
    if skip {
        return false;
    }
    rec.processed += 1;
    rec.code = cb.code;
    rec.rank = if flaws.has(Flaw::LateStageOverwrites) {
        incoming
    } else {
        rec.rank.max(incoming)
    };
    rec.seen.push(cb.stage.clone());
    if app.cfg.family.staged() || app.cfg.family.error_stage {
        rec.stage = Some(cb.stage.clone());
    }
    true
}

fn verify(
    cfg: &ReceiverConfig,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    task_id: &str,
) -> Result<(), &'static str> {
    if let Some((param, value)) = &cfg.token
        && query.get(param) != Some(value)
    {
        return Err("missing or wrong token");
    }
    if let Some(key) = &cfg.hmac_key {
        let get = |h: &str| headers.get(h).and_then(|v| v.to_str().ok());
        let (Some(ts), Some(sig)) = (get(TIMESTAMP_HEADER), get(SIGNATURE_HEADER)) else {
            return Err("unsigned request");
        };
        signing::verify(
            key,
            task_id,
            ts,
            sig,
            signing::unix_now(),
            MAX_SIGNATURE_AGE,
        )?;
    }
    Ok(())
}

/// Fetches every media URL of a callback, one after another.
async fn download(app: App, task_id: String, urls: Vec<String>) {
    let result = async {
        let mut n = 0u64;
        for url in &urls {
            let mut resp = app
                .client
                .get(url)
                .send()
                .await
                .map_err(|e| e.to_string())?
                .error_for_status()
                .map_err(|e| e.to_string())?;
            while let Some(chunk) = resp.chunk().await.map_err(|e| e.to_string())? {
                n += chunk.len() as u64;
            }
        }
        Ok::<u64, String>(n)
    }
    .await;
    let mut tasks = app
        .shared
        .tasks
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(rec) = tasks.get_mut(&task_id) {
        match result {
            Ok(n) => rec.video_bytes += n,
            Err(e) => rec.download_error = Some(e),
        }
    }
}
