//! The fuzzer's side of the wire: one request per case (never a retry), signed over the task
//! id the body carries, abandoned at once on Ctrl-C; the well-formed callback that tells a
//! living receiver from a gone one; and the pacer every request waits for.

use std::time::Duration;

use bytes::Bytes;
use tokio_util::sync::CancellationToken;

use super::case::{self, Base, Case, Request};
use super::finding::Answer;
use crate::artifacts::MediaHost;
use crate::family::{Family, MediaKind};
use crate::sender::{Policy, Prepared, Sender};
use crate::wire::Auth;

/// The header every fuzz request carries, so a receiver's log can be matched with the
/// report (`fuzz-3f2a…/17` is case 17 of that run; see [`Sent`]).
pub const CASE_HEADER: &str = "X-Suno-Mock-Fuzz-Case";

/// What a request is, as its `X-Suno-Mock-Fuzz-Case` says: `fuzz-SEED/N` for case N,
/// `fuzz-SEED/N/shrink` for a smaller version of it, `fuzz-SEED/alive-K` for a liveness check.
#[derive(Debug, Clone, Copy)]
pub enum Sent {
    Case,
    Shrinking,
    Liveness,
}

/// Everything one request needs, shared by the concurrent sends.
pub struct Wire {
    pub sender: Sender,
    pub policy: Policy,
    pub receiver: url::Url,
    pub display: String,
    pub family: &'static Family,
    pub host: MediaHost,
    pub signed: bool,
    pub seed: u64,
    pub max_body: usize,
    /// Ctrl-C: a request in flight is abandoned at once, not waited out.
    pub cancel: CancellationToken,
}

impl Wire {
    fn media(&self) -> impl Fn(MediaKind, &str) -> String + Sync + '_ {
        // Every case's media live under one task on the media host, which serves real files.
        move |k, slot| self.host.media_url("fuzz", k, slot)
    }

    pub fn request(&self, c: &mut Case) -> Request {
        let media = self.media();
        c.request(self.family, &media, self.max_body)
    }

    /// The request as a finding's file keeps it: media URLs on `{media_host}`, which a replay
    /// fills with its own media host, so a seed writes the same bytes on every run.
    pub fn portable_request(&self, c: &mut Case) -> Request {
        let base = self.host.base_url();
        let media = move |k, slot: &str| {
            let url = self.host.media_url("fuzz", k, slot);
            match url.strip_prefix(base) {
                Some(path) => format!("{}{path}", crate::payload::MEDIA_HOST),
                None => url,
            }
        };
        c.request(self.family, &media, self.max_body)
    }

    pub async fn send(&self, c: &Case, r: &Request, what: Sent) -> Answer {
        let label = match what {
            Sent::Case => format!("fuzz-{:x}/{}", self.seed, c.index),
            Sent::Shrinking => format!("fuzz-{:x}/{}/shrink", self.seed, c.index),
            Sent::Liveness => format!("fuzz-{:x}/alive-{}", self.seed, c.index),
        };
        let mut headers = vec![(CASE_HEADER.to_string(), label)];
        if let Some(ct) = &r.content_type {
            headers.push(("Content-Type".into(), ct.clone()));
        }
        // Signed over the task id the body carries, as the provider signs, so a receiver that
        // verifies first still reads the changed body; the case's own id when there is none.
        let task_id = self
            .signed
            .then(|| serde_json::from_slice::<serde_json::Value>(&r.body).ok())
            .flatten()
            .and_then(|v| {
                let pointer = format!("/{}", self.family.task_id_path.replace('.', "/"));
                v.pointer(&pointer)?.as_str().map(str::to_string)
            })
            .unwrap_or_else(|| c.task_id.clone());
        let req = Prepared {
            url: self.receiver.clone(),
            display_url: self.display.clone(),
            headers,
            body: Bytes::from(r.body.clone()),
            task_id,
            auth: if self.signed {
                Auth::Genuine
            } else {
                Auth::Unsigned
            },
        };
        tokio::select! {
            a = self.sender.attempt(&req, 1, &self.policy) => Answer::from_attempt(&a),
            _ = self.cancel.cancelled() => Answer::Abandoned,
        }
    }

    /// Whether the receiver answers a well-formed callback (2xx), and how it answered.
    pub async fn alive(&self, n: u64) -> (bool, Answer) {
        let mut c = Case {
            index: n,
            task_id: format!("{}-alive{n}", case::task_id(self.seed, 0)),
            base: Base::Stage(self.family.final_stage().name),
            mutations: Vec::new(),
        };
        let r = self.request(&mut c);
        let a = self.send(&c, &r, Sent::Liveness).await;
        (matches!(a, Answer::Status(s) if (200..300).contains(&s)), a)
    }
}

/// Paces every request the run makes: the cases, the shrinking tries, the liveness checks.
pub struct Pacer(tokio::time::Interval);

impl Pacer {
    pub fn new(rate: f64) -> Pacer {
        let every = Duration::from_secs_f64(1.0 / rate.max(0.001));
        let mut i = tokio::time::interval(every);
        // After a pause (shrinking) no burst of catch-up sends.
        i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Pacer(i)
    }

    pub async fn tick(&mut self) {
        self.0.tick().await;
    }
}
