//! The emulated provider on the wire: one POST per attempt under one deadline that covers
//! connect, request and the whole response; redirects never followed; bodies read up to a cap;
//! retries on the policy's schedule; signing fresh on every attempt; at most so many
//! connections open to the receiver at once, and the time spent connecting kept apart.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, LOCATION};

use super::policy::Policy;
use crate::outcome::Attempt;
use crate::wire::Auth;
use crate::wire::signing::{self, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use crate::wire::{ErrorClass, classify, judge_answer};

/// Wakes every waiter of a [`tokio::sync::Notify`] when dropped.
struct Tell<'a>(&'a tokio::sync::Notify);

impl Drop for Tell<'_> {
    fn drop(&mut self) {
        self.0.notify_waiters();
    }
}

pub use crate::wire::Slot;
use crate::wire::Slots;

/// Told about every attempt as it ends: `(copy, attempt)`.
pub type AttemptHook = std::sync::Arc<dyn Fn(u32, &Attempt) + Send + Sync>;

/// How much of an answer's body a report keeps.
const BODY_EXCERPT: usize = 512;

/// A request ready to go out, identical for every attempt but for the signing headers.
/// What the sender says it is, on every request.
pub const USER_AGENT: &str = concat!("suno-mock/", env!("CARGO_PKG_VERSION"));

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

impl Prepared {
    /// Every header the request goes out with, as the receiver sees them: the step's own,
    /// the signing of the `attempt` (they change with each attempt's timestamp), and those the
    /// client adds itself.
    pub fn wire_headers(&self, attempt: Option<&Attempt>) -> Vec<(String, String)> {
        let mut out = self.headers.clone();
        if let Some(a) = attempt
            && let (Some(ts), Some(sig)) = (a.signed_at, &a.signature)
        {
            out.push((TIMESTAMP_HEADER.to_string(), ts.to_string()));
            out.push((SIGNATURE_HEADER.to_string(), sig.clone()));
        }
        let host = match (self.url.host_str(), self.url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => String::new(),
        };
        out.push(("User-Agent".into(), USER_AGENT.into()));
        out.push(("Accept".into(), "*/*".into()));
        out.push(("Host".into(), host));
        out.push(("Content-Length".into(), self.body.len().to_string()));
        out
    }
}

#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    /// Accept any TLS certificate. Off by default; loud when on.
    pub insecure: bool,
    pub hmac_key: Option<String>,
    /// Upper bound of the connect phase; the attempt's deadline still applies.
    pub connect_timeout: Option<Duration>,
    /// At most this many attempts in flight at once (so connections open to the receiver);
    /// none: no bound. Issue 19: 28 connections opened in the same instant overflow the
    /// listen queue of a stock small server, and the kernel's 1 s SYN retry was charged to the
    /// receiver as a slow answer.
    pub connections: Option<usize>,
    /// Stop sending once this many attempts went unanswered past the deadline while not one
    /// attempt of the run had an answer (`check`: a receiver that accepts connections and
    /// never answers is told so in seconds, not after every retry of every scenario).
    pub give_up_after: Option<usize>,
    /// More roots to trust than the public ones (DER; `doctor --ca-cert`).
    pub extra_roots: Vec<Vec<u8>>,
    /// Connect to these addresses for this host name instead of looking it up (`doctor`: the
    /// addresses it has already judged, so a second lookup cannot land elsewhere).
    pub pin: Option<(String, Vec<std::net::SocketAddr>)>,
}

/// The count behind [`ClientOptions::give_up_after`].
#[derive(Debug)]
struct Unresponsive {
    after: usize,
    answered: AtomicU64,
    unanswered: AtomicU64,
    /// Attempts under way now.
    in_flight: AtomicU64,
    /// Told whenever an attempt ends.
    ended: tokio::sync::Notify,
    gave_up: std::sync::OnceLock<String>,
}

#[derive(Debug, Clone)]
pub struct Sender {
    client: reqwest::Client,
    hmac_key: Option<String>,
    clock: Instant,
    /// The bound on attempts in flight, when bounded.
    slots: Option<Slots>,
    /// What is in flight, for the commands to say while they wait.
    activity: Arc<crate::wire::Activity>,
    unresponsive: Option<Arc<Unresponsive>>,
    /// Ctrl-C: attempts in flight get [`INTERRUPT_GRACE`] to end, then end as `interrupted`
    /// (ambiguous), and no attempt starts after it.
    interrupt: Option<tokio_util::sync::CancellationToken>,
}

/// How long an attempt in flight may still take after Ctrl-C (at most its deadline).
pub const INTERRUPT_GRACE: Duration = Duration::from_secs(2);

tokio::task_local! {
    /// Where the connector of the attempt running in this task writes how long connecting
    /// took, in microseconds (`u64::MAX` until it has).
    static CONNECT_US: Arc<AtomicU64>;
}

/// Wraps the client's connector (DNS, TCP, TLS) to time it: the one place that knows when the
/// connection is ready, so connecting is never counted as the receiver's answering.
#[derive(Clone)]
struct TimeConnect;

impl<S> tower_layer::Layer<S> for TimeConnect {
    type Service = TimedConnector<S>;
    fn layer(&self, inner: S) -> TimedConnector<S> {
        TimedConnector(inner)
    }
}

#[derive(Clone)]
struct TimedConnector<S>(S);

type Boxed<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

impl<S, R> tower_service::Service<R> for TimedConnector<S>
where
    S: tower_service::Service<R>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Boxed<S::Response, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> Self::Future {
        // Taken now, while the attempt's task is the one calling: the future may be polled
        // anywhere.
        let cell = CONNECT_US.try_with(Arc::clone).ok();
        let start = Instant::now();
        let connecting = self.0.call(req);
        Box::pin(async move {
            let r = connecting.await;
            if let Some(c) = cell {
                let us = u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX - 1);
                c.store(us, Ordering::SeqCst);
            }
            r
        })
    }
}

/// Why the emulated provider's HTTP client could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot trust the extra root: {0}")]
    ExtraRoot(#[source] reqwest::Error),
    #[error("cannot set up the HTTP client: {0}")]
    Build(#[source] reqwest::Error),
}

impl Sender {
    pub fn new(opts: &ClientOptions) -> Result<Sender, ClientError> {
        let mut b = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A fresh connection per attempt, as a webhook sender does: a receiver's broken
            // connection must not be blamed on the next attempt.
            .pool_max_idle_per_host(0)
            .user_agent(USER_AGENT)
            .danger_accept_invalid_certs(opts.insecure)
            .connector_layer(TimeConnect);
        if let Some(t) = opts.connect_timeout {
            b = b.connect_timeout(t);
        }
        for der in &opts.extra_roots {
            let cert = reqwest::Certificate::from_der(der).map_err(ClientError::ExtraRoot)?;
            b = b.add_root_certificate(cert);
        }
        if let Some((host, addrs)) = &opts.pin {
            b = b.resolve_to_addrs(host, addrs);
        }
        let client = b.build().map_err(ClientError::Build)?;
        Ok(Sender {
            client,
            hmac_key: opts.hmac_key.clone(),
            clock: Instant::now(),
            slots: opts.connections.map(Slots::new),
            activity: Arc::default(),
            unresponsive: opts.give_up_after.map(|after| {
                Arc::new(Unresponsive {
                    after: after.max(1),
                    answered: AtomicU64::new(0),
                    unanswered: AtomicU64::new(0),
                    in_flight: AtomicU64::new(0),
                    ended: tokio::sync::Notify::new(),
                    gave_up: std::sync::OnceLock::new(),
                })
            }),
            interrupt: None,
        })
    }

    /// Makes `token` (Ctrl-C) end attempts in flight after [`INTERRUPT_GRACE`], as
    /// `interrupted`, and stop every retry: a delivery cut short is still reported.
    pub fn interrupted_by(&mut self, token: tokio_util::sync::CancellationToken) {
        self.interrupt = Some(token);
    }

    fn is_interrupted(&self) -> bool {
        self.interrupt.as_ref().is_some_and(|t| t.is_cancelled())
    }

    /// Resolves `grace` after the interruption (never without one).
    async fn interrupted_for(&self, grace: Duration) {
        match &self.interrupt {
            Some(t) => {
                t.cancelled().await;
                tokio::time::sleep(grace).await;
            }
            None => std::future::pending().await,
        }
    }

    /// What the sender (and whoever shares it) is waiting on now.
    pub fn activity(&self) -> Arc<crate::wire::Activity> {
        self.activity.clone()
    }

    /// Why the sender stopped sending, once it has ([`ClientOptions::give_up_after`]).
    pub fn gave_up(&self) -> Option<&str> {
        self.unresponsive
            .as_ref()
            .and_then(|u| u.gave_up.get())
            .map(String::as_str)
    }

    /// Whether a new attempt may go out. While an attempt has gone unanswered and none has
    /// had an answer, a new one waits for the attempts under way to decide: an answer (go),
    /// or enough of them unanswered to give up (stop). Without the wait, the slot the first
    /// unanswered attempt frees would start a new attempt a moment before the next one
    /// times out, and the run would cost a second deadline.
    async fn may_start(&self) -> bool {
        let Some(u) = &self.unresponsive else {
            return true;
        };
        loop {
            let ended = u.ended.notified();
            tokio::pin!(ended);
            ended.as_mut().enable();
            if u.gave_up.get().is_some() {
                return false;
            }
            if u.answered.load(Ordering::SeqCst) > 0
                || u.unanswered.load(Ordering::SeqCst) == 0
                || u.in_flight.load(Ordering::SeqCst) == 0
            {
                return true;
            }
            ended.await;
        }
    }

    /// Counts an ended attempt towards giving up on an unresponsive receiver.
    fn count(&self, a: &Attempt, policy: &Policy) {
        let Some(u) = &self.unresponsive else { return };
        u.in_flight.fetch_sub(1, Ordering::SeqCst);
        // Said after the counts below are in.
        let _tell = Tell(&u.ended);
        if a.status.is_some() {
            u.answered.fetch_add(1, Ordering::SeqCst);
            return;
        }
        if !matches!(
            a.error,
            Some(ErrorClass::Timeout | ErrorClass::ConnectTimeout)
        ) {
            return;
        }
        let unanswered = u.unanswered.fetch_add(1, Ordering::SeqCst) + 1;
        if u.answered.load(Ordering::SeqCst) == 0 && unanswered >= u.after as u64 {
            let _ = u.gave_up.set(format!(
                "the receiver answered none of its first {unanswered} attempts within the {} deadline: it accepts connections and never answers, so nothing more was sent",
                crate::duration::Dur(policy.timeout)
            ));
        }
    }

    /// The bound on attempts in flight, if any.
    pub fn connections(&self) -> Option<usize> {
        self.slots.as_ref().map(Slots::limit)
    }

    /// The slots attempts in flight take, for a prober of the same receiver to share.
    pub fn slots(&self) -> Option<Slots> {
        self.slots.clone()
    }

    /// Waits for slots for `n` copies at once (at most the bound) and gives one to each copy
    /// that gets one, for its first attempt: copies released together still leave in one
    /// instant. A burst larger than the bound is sent whole; the rest go without a slot.
    pub async fn hold(&self, n: usize) -> Vec<Option<Slot>> {
        match &self.slots {
            Some(slots) => slots.take_many(n).await,
            None => (0..n).map(|_| None).collect(),
        }
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
        self.deliver_from(req, policy, copy, hook, None).await
    }

    /// [`Sender::deliver_observed`] for a copy whose first attempt goes out on the slot the
    /// caller already took for it ([`Sender::hold`]); its retries wait for slots of their own.
    pub async fn deliver_released(
        &self,
        req: &Prepared,
        policy: &Policy,
        copy: u32,
        hook: Option<&AttemptHook>,
        slot: Option<Slot>,
    ) -> Vec<Attempt> {
        self.deliver_from(req, policy, copy, hook, Some(slot)).await
    }

    /// `first`: the slot of the first attempt when the caller took it (`Some(None)`: it goes
    /// without one); `None`: the first attempt waits for one like the rest.
    async fn deliver_from(
        &self,
        req: &Prepared,
        policy: &Policy,
        copy: u32,
        hook: Option<&AttemptHook>,
        mut first: Option<Option<Slot>>,
    ) -> Vec<Attempt> {
        let mut attempts: Vec<Attempt> = Vec::new();
        let delays = std::iter::once(Duration::ZERO).chain(policy.delays());
        for (i, delay) in delays.enumerate() {
            if attempts.last().is_some_and(|a| a.accepted) {
                break;
            }
            if !delay.is_zero() {
                tokio::select! {
                    () = tokio::time::sleep(delay) => {}
                    () = self.interrupted_for(Duration::ZERO) => {}
                }
            }
            if self.gave_up().is_some() || self.is_interrupted() {
                break;
            }
            let slot = match first.take() {
                Some(held) => held,
                None => self.slot().await,
            };
            // It may have given up while this attempt waited for its slot.
            if !self.may_start().await {
                break;
            }
            let a = self.attempt_on(req, i as u32 + 1, policy, slot).await;
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

    /// One attempt, never longer than the deadline (plus scheduling slack), once a slot is
    /// free; the wait for it is the harness's own and is not part of the attempt.
    pub async fn attempt(&self, req: &Prepared, number: u32, policy: &Policy) -> Attempt {
        let slot = self.slot().await;
        self.attempt_on(req, number, policy, slot).await
    }

    /// A free slot, once there is one (none when unbounded).
    async fn slot(&self) -> Option<Slot> {
        self.slots.as_ref()?.take().await
    }

    /// One attempt on a slot already taken, given back when the attempt ends.
    async fn attempt_on(
        &self,
        req: &Prepared,
        number: u32,
        policy: &Policy,
        _slot: Option<Slot>,
    ) -> Attempt {
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
        let connect_us = Arc::new(AtomicU64::new(u64::MAX));
        let mut attempt = Attempt {
            number,
            at_ms,
            signed_at: signed.as_ref().map(|(ts, _)| *ts),
            signature: signed.map(|(_, sig)| sig),
            ..Attempt::default()
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
            let headers = resp
                .headers()
                .iter()
                .map(|(k, v)| crate::secrets::header(k.as_str(), v.as_bytes()))
                .collect::<Vec<_>>();
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
            Ok::<_, reqwest::Error>((status, location, headers, body, too_large))
        };
        if let Some(u) = &self.unresponsive {
            u.in_flight.fetch_add(1, Ordering::SeqCst);
        }
        let waiting = self.activity.answer(policy.timeout);
        let result = tokio::select! {
            r = tokio::time::timeout(
                policy.timeout + Duration::from_millis(500),
                CONNECT_US.scope(connect_us.clone(), exchange),
            ) => Some(r),
            () = self.interrupted_for(INTERRUPT_GRACE.min(policy.timeout)) => None,
        };
        drop(waiting);
        attempt.duration_ms = ms(started.elapsed());
        attempt.connect_ms = match connect_us.load(Ordering::SeqCst) {
            u64::MAX => None,
            us => Some(ms(Duration::from_micros(us))),
        };
        match result {
            None => {
                attempt.error = Some(ErrorClass::Interrupted);
                attempt.message =
                    Some("interrupted (Ctrl-C) in flight, before an answer came".into());
                attempt.ambiguous = true;
            }
            Some(Err(_)) => {
                attempt.error = Some(ErrorClass::Timeout);
                attempt.message = Some(format!(
                    "no complete answer within {}",
                    crate::duration::Dur(policy.timeout)
                ));
                attempt.ambiguous = true;
            }
            Some(Ok(Err(e))) => {
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
            Some(Ok(Ok((status, location, headers, body, too_large)))) => {
                attempt.status = Some(status);
                attempt.headers = headers;
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
        // Counted while its slot is still held: an attempt waiting for that slot must see
        // the sender give up before it starts.
        self.count(&attempt, policy);
        attempt
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}
