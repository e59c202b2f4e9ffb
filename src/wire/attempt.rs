//! One attempt of a delivery as the sender saw it, and the download counts of a task: the
//! records every layer above reads, with the words reports use for how an attempt ended.

use std::time::Duration;

use serde::Serialize;

use super::ErrorClass;
use crate::duration::human;

/// `Default` is an attempt that has not gone out yet (no answer, nothing known), what each
/// maker fills in from.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Attempt {
    /// 1 for the first attempt.
    pub number: u32,
    /// When it started, in milliseconds since the run began.
    pub at_ms: f64,
    /// Until the whole answer arrived or the attempt failed.
    pub duration_ms: f64,
    /// Of which connecting (DNS, TCP, TLS) took this long, until the connection was ready;
    /// absent when no connection was made or it never finished. Time in the receiver's listen
    /// queue counts here, not as answering.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connect_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Whether the sender counts this attempt as delivered.
    pub accepted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorClass>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The `Location` of a redirect, which is never followed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The request went out and no usable answer came: the receiver may have processed it.
    pub ambiguous: bool,
    /// The first bytes of the answer's body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// `X-Webhook-Timestamp` of this attempt, when signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_at: Option<i64>,
    /// `X-Webhook-Signature` exactly as this attempt sent it (the key never appears; the
    /// signature is what a receiver's check compares, so it is shown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// The answer's headers, credentials masked (`serve`'s page shows them); kept out of the
    /// reports, whose attempts are the answer's status, timing and body.
    #[serde(skip)]
    pub headers: Vec<(String, String)>,
}

impl Attempt {
    /// The time the receiver had the request: the whole attempt less connecting.
    pub fn answer_ms(&self) -> f64 {
        (self.duration_ms - self.connect_ms.unwrap_or(0.0)).max(0.0)
    }
}

/// Download counts of one task's `video_url` on the harness's media host.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Downloads {
    pub requests: u64,
    pub completed: u64,
}

/// How an attempt ended, short: `200 in 3ms`, `no answer (timeout) after 15s`; after
/// "answered" only when the attempt had an answer.
pub fn took(a: &Attempt) -> String {
    let took = human(Duration::from_secs_f64(a.duration_ms / 1000.0));
    match (a.status, a.error) {
        (Some(s), _) => format!("{s} in {took}"),
        (None, Some(e)) => format!("no answer ({e}) after {took}"),
        (None, None) => format!("no answer after {took}"),
    }
}

/// How an attempt ended, as a predicate of the delivery: `was answered 500 in 3ms`,
/// `got no answer (timeout) after 15s`.
pub fn describe(a: &Attempt) -> String {
    match a.status {
        Some(_) => format!("was answered {}", took(a)),
        None => format!("got {}", took(a)),
    }
}
