//! The mock provider API of `suno-mock serve`: create a task of any family, poll it, receive its
//! callbacks, download its media, with credits and the rate limit, all on loopback with the
//! provider's paths, fields and envelope.

mod actions;
pub mod admission;
mod callback;
mod create;
mod due;
mod envelope;
mod fields;
mod inspect;
pub mod operations;
pub mod records;
pub mod store;
mod sync_calls;
mod uploads;
mod worker;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};

use crate::artifacts::MediaHost;
use crate::http_server::{self, ServerHandle};
use crate::scenario::{MediaMode, Outcome, ServePlan};
use crate::sender::{Policy, Sender};

pub use store::Store;

use crate::outcome::serve::{Endpoint, Routes};

/// What the operator chose: how tasks end and how their callbacks are delivered.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Required bearer key; `None` accepts any non-empty key.
    pub api_key: Option<String>,
    pub generation_time: Duration,
    /// `None`: random, failing with `failure_rate`.
    pub outcome: Option<Outcome>,
    pub failure_rate: f64,
    pub failure_code: i64,
    pub duplicates: u32,
    pub concurrent_duplicates: bool,
    pub video: MediaMode,
    pub plan: Option<ServePlan>,
    pub seed: u64,
    /// Retries and their delays; the deadline comes from `timeout` or the family.
    pub policy: Policy,
    /// `--timeout`: every family's deadline; `None`: each family's documented one (15 s,
    /// replace-section 10 s).
    pub timeout: Option<Duration>,
    /// Answer with the body's `code` as the HTTP status too (else always HTTP 200).
    pub mirror_status: bool,
    /// Print one line per request and per callback attempt.
    pub log: bool,
    /// The account's balance at start.
    pub credits: u64,
    /// What a create costs, per family (each family's own price for the rest).
    pub prices: Vec<(String, u64)>,
    /// At most this many creates in this window; `None`: no limit.
    pub rate_limit: Option<(u32, Duration)>,
    /// How long media links serve their files; `None`: the family's documented retention.
    pub retention: Option<Duration>,
    /// A task is forgotten (its record, attempts and files) this long after its creation,
    /// once its media expired: what bounds the memory of a `serve` left running.
    pub forget_after: Duration,
    /// A music-like task's tracks echo the request's `title`, `style` and custom-mode lyrics
    /// (off: the docs' example values).
    pub echo: bool,
    /// A task whose callback no copy of was acknowledged reports `CALLBACK_EXCEPTION` (its
    /// results kept); off: polling shows the task as generated.
    pub callback_exception: bool,
    /// A create made of a track (the music video) takes any `taskId`/`audioId` (off: only a
    /// finished track of this server).
    pub any_track_ids: bool,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            api_key: None,
            generation_time: Duration::from_secs(2),
            outcome: Some(Outcome::Success),
            failure_rate: 0.0,
            failure_code: 500,
            duplicates: 0,
            concurrent_duplicates: false,
            video: MediaMode::Normal,
            plan: None,
            seed: 0,
            policy: Policy::default(),
            timeout: None,
            mirror_status: true,
            log: false,
            credits: 1000,
            prices: Vec::new(),
            rate_limit: Some((20, Duration::from_secs(10))),
            retention: None,
            forget_after: Duration::from_secs(600),
            echo: true,
            callback_exception: false,
            any_track_ids: false,
        }
    }
}

#[derive(Clone)]
pub(crate) struct Api {
    pub cfg: Arc<ServeConfig>,
    pub admission: Arc<admission::Admission>,
    pub store: Arc<Store>,
    pub uploads: Arc<uploads::Uploads>,
    pub host: MediaHost,
    pub sender: Sender,
    /// Cancelled when the server is stopped: every task's worker and callbacks end with it.
    pub stop: tokio_util::sync::CancellationToken,
    /// What the page's actions need (printed in its URL at start), new at every start.
    pub ui_token: Arc<str>,
    /// The pending tasks' one timer.
    pub due: due::Due,
}

impl Api {
    /// Spawns work of the server's (a task's life, its callbacks) that ends when the server
    /// is stopped (`None` then), so a stopped server leaves nothing running.
    pub fn spawn<F>(&self, work: F) -> tokio::task::JoinHandle<Option<F::Output>>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let stop = self.stop.clone();
        tokio::spawn(async move {
            tokio::select! {
                () = stop.cancelled() => None,
                r = work => Some(r),
            }
        })
    }
}

impl ServeConfig {
    /// The sender's policy for a family's callbacks: its own deadline unless `--timeout`.
    pub fn policy_for(&self, family: &crate::family::Family) -> Policy {
        Policy {
            timeout: self.timeout.unwrap_or(family.deadline),
            ..self.policy.clone()
        }
    }

    /// How long a task's media are served: `--retention`, else the family's days.
    pub fn retention_for(&self, family: &crate::family::Family) -> Duration {
        self.retention.unwrap_or(Duration::from_secs(
            u64::from(family.retention_days) * 86_400,
        ))
    }
}

/// A running mock API: dropping it stops the server and every task's worker and callbacks.
pub struct RunningApi {
    pub server: ServerHandle,
    pub store: Arc<Store>,
    /// The page's token: what its actions send.
    pub ui_token: Arc<str>,
    _stop: tokio_util::sync::DropGuard,
}

impl RunningApi {
    /// Stops every task's worker and callbacks, then the server; returns once its port is
    /// closed.
    pub async fn stop(self) {
        let RunningApi { server, _stop, .. } = self;
        drop(_stop);
        server.stop().await;
    }

    /// The page's whole URL, its token in it.
    pub fn ui_url(&self) -> String {
        crate::live::url(&self.server.url(), &self.ui_token)
    }
}

/// The live page.
pub const UI: &str = crate::live::PATH;

/// The credit balance.
const CREDIT: &str = "/api/v1/generate/credit";
/// The upload host's calls: a stream, base64 and a URL.
const UPLOADS: [&str; 3] = [
    "/api/file-stream-upload",
    "/api/file-base64-upload",
    "/api/file-url-upload",
];
/// Where an upload is downloaded from (its `downloadUrl`).
const FILES: &str = "/files/{*path}";
/// The mock's own inspection routes: the tasks, the callbacks sent, whether it is ready (what a
/// container's health check or a CI service asks), and every change as it happens (SSE).
const INSPECT: [&str; 4] = [
    "/_mock/tasks",
    "/_mock/deliveries",
    "/_mock/health",
    "/_mock/events",
];

/// A task's exchanges, a callback as curl, the task as a scenario (read), then the actions.
const ACTIONS: [&str; 8] = [
    "/_mock/tasks/{id}/exchanges",
    "/_mock/tasks/{id}/curl",
    "/_mock/tasks/{id}/scenario",
    "/_mock/tasks/{id}/resend",
    "/_mock/tasks/{id}/duplicate",
    "/_mock/tasks/{id}/fail",
    "/_mock/tasks/{id}/expire",
    "/_mock/tasks/{id}/send",
];

/// Every route `serve` offers, as its banner lists them: the creates from the route table
/// (grouped by family, in the catalogue's order), then the rest.
pub fn offered() -> (Vec<Endpoint>, Routes) {
    let routes = Routes {
        media: crate::artifacts::MEDIA_SHOWN.to_vec(),
        credit: CREDIT,
        answered_at_once: sync_calls::CALLS.iter().map(|(p, _)| *p).collect(),
        uploads: UPLOADS.to_vec(),
        files: "/files/<filePath>",
        inspect: INSPECT.to_vec(),
    };
    (create::endpoints(), routes)
}

/// Starts the mock API on `listen`; videos are served on the same port. `public_url` is the
/// address given out in video URLs (default: the bound address).
pub async fn start(
    cfg: ServeConfig,
    sender: Sender,
    listen: SocketAddr,
    public_url: Option<String>,
) -> Result<RunningApi, http_server::ServeError> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| http_server::ServeError::Bind {
            addr: listen,
            source,
        })?;
    let addr = listener
        .local_addr()
        .map_err(http_server::ServeError::LocalAddr)?;
    let base = public_url.unwrap_or_else(|| format!("http://{addr}"));
    let (host, videos) = MediaHost::embedded(base);
    host.set_slow_over(cfg.policy.timeout * 2 + Duration::from_secs(1));
    let store = Arc::new(Store::default());
    let prices = cfg.prices.clone();
    let (due, queue) = due::channel();
    let api = Api {
        admission: Arc::new(admission::Admission::new(
            cfg.credits,
            prices,
            cfg.rate_limit,
        )),
        cfg: Arc::new(cfg),
        store: store.clone(),
        uploads: Arc::default(),
        host,
        sender,
        stop: tokio_util::sync::CancellationToken::new(),
        ui_token: crate::live::new_token().into(),
        due,
    };
    tokio::spawn(due::run(api.clone(), queue));
    let ui_token = api.ui_token.clone();
    let stop = api.stop.clone().drop_guard();
    let mut router = Router::new();
    // Every create and every details path of every family, from one table.
    for ep in create::ENDPOINTS.iter() {
        router = router.route(ep.path, post(move |s, h, b| create::create(ep, s, h, b)));
    }
    for (path, call) in sync_calls::CALLS {
        router = router.route(
            path,
            post(move |s, h, b| sync_calls::answer(path, *call, s, h, b)),
        );
    }
    for path in create::DETAILS.iter() {
        let path: &'static str = path;
        router = router.route(
            path,
            get(move |s, h, u, q| create::record_info(path, s, h, u, q)),
        );
    }
    let router = router
        .route(CREDIT, get(inspect::credit))
        .route(INSPECT[0], get(inspect::tasks))
        .route(INSPECT[1], get(inspect::deliveries))
        .route(INSPECT[2], get(inspect::health))
        .route(INSPECT[3], get(inspect::events))
        .route(
            UI,
            get(|| async { crate::live::page(crate::live::Mode::Serve) }),
        )
        .route(ACTIONS[0], get(actions::exchanges))
        .route(ACTIONS[1], get(actions::curl))
        .route(ACTIONS[2], get(actions::scenario))
        .route(
            ACTIONS[3],
            post(|s, p, h, b| actions::send("resend", s, p, h, b)),
        )
        .route(
            ACTIONS[4],
            post(|s, p, h, b| actions::send("duplicate", s, p, h, b)),
        )
        .route(ACTIONS[5], post(actions::fail))
        .route(ACTIONS[6], post(actions::expire))
        .route(
            ACTIONS[7],
            post(|s, p, h, b| actions::send("edit", s, p, h, b)),
        )
        .method_not_allowed_fallback(inspect::wrong_method)
        .fallback(inspect::not_found)
        .layer(axum::middleware::from_fn_with_state(
            api.clone(),
            envelope::read_whole_body::<{ envelope::MAX_BODY }>,
        ))
        // The upload host's calls, with their own (larger) limit.
        .merge(
            Router::new()
                .route(UPLOADS[0], post(uploads::stream_upload))
                .route(UPLOADS[1], post(uploads::base64_upload))
                .route(UPLOADS[2], post(uploads::url_upload))
                .route(FILES, get(uploads::download))
                .layer(axum::extract::DefaultBodyLimit::max(uploads::MAX_UPLOAD))
                .layer(axum::middleware::from_fn_with_state(
                    api.clone(),
                    envelope::read_whole_body::<{ uploads::MAX_UPLOAD }>,
                )),
        )
        .with_state(api)
        .merge(videos);
    let server = http_server::serve_on(router, listener)?;
    Ok(RunningApi {
        server,
        store,
        ui_token,
        _stop: stop,
    })
}
