//! One callback of a mock task and its copies, sent through the sender's own API (the same
//! deadline, retries and signing as `check`), every attempt recorded for `/_mock/deliveries`
//! and logged as it ends.

use std::sync::Arc;

use bytes::Bytes;

use super::Api;
use super::store::AttemptRecord;
use crate::family::Family;
use crate::outcome::Attempt;
use crate::sender::{AttemptHook, Prepared};
use crate::wire::{Auth, took};

/// What one callback is: the exact body the stage rendered, and how many copies go out.
pub(super) struct Callback {
    pub family: &'static Family,
    pub task_id: String,
    pub url: String,
    pub stage: &'static str,
    pub body: Bytes,
    /// 1 + the stage's duplicates.
    pub copies: u32,
    /// The copies released at one instant.
    pub concurrent: bool,
    /// The stage reports a failure (what `ack-failure` judges, not `ack-success`).
    pub failure: bool,
    /// `resend`, `duplicate` or `edit` when an action sends it.
    pub action: Option<&'static str>,
}

/// Sends `cb` (and its copies); true when some copy was acknowledged.
pub(super) async fn send(api: Api, cb: Callback) -> bool {
    let Ok(url) = url::Url::parse(&cb.url) else {
        return false;
    };
    let req = Prepared {
        display_url: cb.url.clone(),
        url,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: cb.body.clone(),
        task_id: cb.task_id.clone(),
        auth: Auth::Genuine,
    };
    let policy = api.cfg.policy_for(cb.family);
    let hook: AttemptHook = {
        let (store, log, task_id, callback, family, stage) = (
            api.store.clone(),
            api.cfg.log,
            cb.task_id.clone(),
            cb.url.clone(),
            cb.family.id,
            cb.stage,
        );
        let (failure, action, body, deadline) =
            (cb.failure, cb.action, cb.body.clone(), policy.timeout);
        let headers = req.headers.clone();
        Arc::new(move |copy, a: &Attempt| {
            if log {
                crate::console::outln!(
                    "{:>9.3}s  callback {task_id} {family} {stage} copy {copy} attempt {} -> {}",
                    (a.at_ms + a.duration_ms) / 1000.0,
                    a.number,
                    took(a)
                );
            }
            store.record(AttemptRecord {
                task_id: task_id.clone(),
                callback_url: callback.clone(),
                family,
                stage,
                copy,
                action,
                verdicts: crate::live::judge(failure, action == Some("edit"), a, deadline),
                attempt: a.clone(),
                body: body.clone(),
                headers: sent_headers(&headers, a),
                started: std::time::Instant::now()
                    .checked_sub(std::time::Duration::from_secs_f64(a.duration_ms / 1000.0))
                    .unwrap_or_else(std::time::Instant::now),
            });
        })
    };
    let acknowledged = |attempts: &[Attempt]| attempts.last().is_some_and(|a| a.accepted);
    if cb.concurrent && cb.copies > 1 {
        // Every copy takes its slot first, so they leave in one instant.
        let slots = api.sender.hold(cb.copies as usize).await;
        let sends = slots.into_iter().enumerate().map(|(i, slot)| {
            let (sender, req, policy, hook) = (
                api.sender.clone(),
                req.clone(),
                policy.clone(),
                hook.clone(),
            );
            api.spawn(async move {
                sender
                    .deliver_released(&req, &policy, i as u32 + 1, Some(&hook), slot)
                    .await
            })
        });
        let mut any = false;
        for s in sends.collect::<Vec<_>>() {
            any |= s.await.ok().flatten().is_some_and(|a| acknowledged(&a));
        }
        any
    } else {
        let mut any = false;
        for copy in 1..=cb.copies {
            let attempts = api
                .sender
                .deliver_observed(&req, &policy, copy, Some(&hook))
                .await;
            any |= acknowledged(&attempts);
        }
        any
    }
}

/// The headers an attempt went out with: the request's own, then its signature when it was
/// signed (the signature is what a receiver compares, so it is shown; the key never is).
fn sent_headers(headers: &[(String, String)], a: &Attempt) -> Vec<(String, String)> {
    let mut all = headers.to_vec();
    all.extend(signing_headers(a));
    all
}

/// The signing headers an attempt went out with, none when it was not signed.
pub(super) fn signing_headers(a: &Attempt) -> Vec<(String, String)> {
    let mut signing = Vec::new();
    if let Some(sig) = &a.signature {
        signing.push((crate::wire::signing::SIGNATURE_HEADER.into(), sig.clone()));
    }
    if let Some(at) = a.signed_at {
        signing.push((
            crate::wire::signing::TIMESTAMP_HEADER.into(),
            at.to_string(),
        ));
    }
    signing
}
