//! The emulated provider on the wire: one POST per attempt under one deadline that covers
//! connect, request and the whole response; redirects never followed; bodies read up to a cap;
//! retries on the policy's schedule; signing fresh on every attempt.

use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, LOCATION};

use super::policy::Policy;
use crate::outcome::Attempt;
use crate::wire::Auth;
use crate::wire::signing::{self, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use crate::wire::{ErrorClass, classify, judge_answer};

/// Told about every attempt as it ends: `(copy, attempt)`.
pub type AttemptHook = std::sync::Arc<dyn Fn(u32, &Attempt) + Send + Sync>;

/// How much of an answer's body a report keeps.
const BODY_EXCERPT: usize = 512;

/// A request ready to go out, identical for every attempt but for the signing headers.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub url: url::Url,
    /// The URL as reports show it (token masked).
    pub display_url: String,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    pub task_id: String,
    pub auth: Auth,
}

#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    /// Accept any TLS certificate. Off by default; loud when on.
    pub insecure: bool,
    pub hmac_key: Option<String>,
    /// Upper bound of the connect phase; the attempt's deadline still applies.
    pub connect_timeout: Option<Duration>,
}

#[derive(Debug, Clone)]
pub struct Sender {
    client: reqwest::Client,
    hmac_key: Option<String>,
    clock: Instant,
}

impl Sender {
    pub fn new(opts: &ClientOptions) -> Result<Sender, String> {
        let mut b = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A fresh connection per attempt, as a webhook sender does: a receiver's broken
            // connection must not be blamed on the next attempt.
            .pool_max_idle_per_host(0)
            .user_agent(concat!("suno-mock/", env!("CARGO_PKG_VERSION")))
            .danger_accept_invalid_certs(opts.insecure);
        if let Some(t) = opts.connect_timeout {
            b = b.connect_timeout(t);
        }
        let client = b
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
        Ok(Sender {
            client,
            hmac_key: opts.hmac_key.clone(),
            clock: Instant::now(),
        })
    }

    /// The instant attempt times are measured from.
    pub fn started(&self) -> Instant {
        self.clock
    }

    pub fn signs(&self) -> bool {
        self.hmac_key.is_some()
    }

    /// Attempts until one is accepted or the retries run out.
    pub async fn deliver(&self, req: &Prepared, policy: &Policy) -> Vec<Attempt> {
        self.deliver_observed(req, policy, 1, None).await
    }

    /// Like [`Sender::deliver`], telling `hook` about each attempt as soon as it ends (the
    /// mock API shows callbacks in flight); `copy` is passed through to the hook.
    pub async fn deliver_observed(
        &self,
        req: &Prepared,
        policy: &Policy,
        copy: u32,
        hook: Option<&AttemptHook>,
    ) -> Vec<Attempt> {
        let mut attempts: Vec<Attempt> = Vec::new();
        let delays = std::iter::once(Duration::ZERO).chain(policy.delays());
        for (i, delay) in delays.enumerate() {
            if attempts.last().is_some_and(|a| a.accepted) {
                break;
            }
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let a = self.attempt(req, i as u32 + 1, policy).await;
            if let Some(h) = hook {
                h(copy, &a);
            }
            attempts.push(a);
        }
        attempts
    }

    fn signing_headers(&self, req: &Prepared) -> Option<(i64, String)> {
        let now = signing::unix_now();
        let key = self.hmac_key.as_deref();
        match (req.auth, key) {
            (Auth::Unsigned, _) => None,
            (Auth::WrongKey, _) => Some((
                now,
                signing::signature(signing::WRONG_KEY, &req.task_id, now),
            )),
            (Auth::StaleTimestamp, k) => {
                let ts = now - signing::STALE_BY_SECS;
                Some((
                    ts,
                    signing::signature(k.unwrap_or(signing::WRONG_KEY), &req.task_id, ts),
                ))
            }
            (_, Some(k)) => Some((now, signing::signature(k, &req.task_id, now))),
            (_, None) => None,
        }
    }

    /// One attempt, never longer than the deadline (plus scheduling slack).
    pub async fn attempt(&self, req: &Prepared, number: u32, policy: &Policy) -> Attempt {
        let mut headers = HeaderMap::new();
        for (k, v) in &req.headers {
            if let (Ok(k), Ok(v)) = (
                HeaderName::from_bytes(k.as_bytes()),
                HeaderValue::from_str(v),
            ) {
                headers.insert(k, v);
            }
        }
        let signed = self.signing_headers(req);
        if let Some((ts, sig)) = &signed {
            headers.insert(TIMESTAMP_HEADER, HeaderValue::from(*ts));
            if let Ok(v) = HeaderValue::from_str(sig) {
                headers.insert(SIGNATURE_HEADER, v);
            }
        }
        let started = Instant::now();
        let at_ms = ms(started - self.clock);
        let mut attempt = Attempt {
            number,
            at_ms,
            duration_ms: 0.0,
            status: None,
            accepted: false,
            error: None,
            message: None,
            location: None,
            ambiguous: false,
            body: None,
            signed_at: signed.as_ref().map(|(ts, _)| *ts),
            signature: signed.map(|(_, sig)| sig),
        };
        let request = self
            .client
            .post(req.url.clone())
            .headers(headers)
            .body(req.body.clone())
            .timeout(policy.timeout);
        // The client's timeout covers connect, request and body; the outer one is a backstop
        // against anything that does not honour it.
        let exchange = async {
            let mut resp = request.send().await?;
            let status = resp.status().as_u16();
            let location = resp
                .headers()
                .get(LOCATION)
                .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned());
            let mut body = Vec::new();
            let mut too_large = false;
            while let Some(chunk) = resp.chunk().await? {
                if body.len() + chunk.len() > policy.body_cap {
                    let room = policy.body_cap - body.len();
                    body.extend_from_slice(&chunk[..room]);
                    too_large = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            Ok::<_, reqwest::Error>((status, location, body, too_large))
        };
        let result =
            tokio::time::timeout(policy.timeout + Duration::from_millis(500), exchange).await;
        attempt.duration_ms = ms(started.elapsed());
        match result {
            Err(_) => {
                attempt.error = Some(ErrorClass::Timeout);
                attempt.message = Some(format!(
                    "no complete answer within {}",
                    crate::duration::Dur(policy.timeout)
                ));
                attempt.ambiguous = true;
            }
            Ok(Err(e)) => {
                let (class, message) = classify(&e);
                attempt.error = Some(class);
                attempt.message = Some(if class == ErrorClass::Timeout {
                    format!(
                        "no complete answer within {}",
                        crate::duration::Dur(policy.timeout)
                    )
                } else {
                    message
                });
                attempt.ambiguous = class.ambiguous();
            }
            Ok(Ok((status, location, body, too_large))) => {
                attempt.status = Some(status);
                if !body.is_empty() {
                    let shown = &body[..body.len().min(BODY_EXCERPT)];
                    attempt.body = Some(String::from_utf8_lossy(shown).into_owned());
                }
                let over = too_large.then_some(policy.body_cap);
                match judge_answer(status, location.as_deref(), over, &policy.accept) {
                    Ok(()) => attempt.accepted = true,
                    Err(r) => {
                        if r.class == ErrorClass::Redirect {
                            attempt.location = location;
                        }
                        attempt.error = Some(r.class);
                        attempt.message = Some(r.message);
                    }
                }
            }
        }
        attempt
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}
