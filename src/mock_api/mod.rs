//! The mock provider API of `suno-mock serve`: create a task of any family, poll it, receive its
//! callbacks, download its media, with credits and the rate limit, all on loopback with the
//! provider's paths, fields and envelope.

pub mod admission;
mod fields;
mod handlers;
pub mod music;
pub mod operations;
pub mod single;
pub mod store;
mod worker;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};

use crate::artifacts::VideoHost;
use crate::http_server::{self, ServerHandle};
use crate::scenario::{Outcome, ServePlan, VideoMode};
use crate::sender::{Policy, Sender};

pub use store::Store;

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
    pub video: VideoMode,
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
    /// What a create costs, per family (`admission::DEFAULT_PRICES` for the rest).
    pub prices: Vec<(String, u64)>,
    /// At most this many creates in this window; `None`: no limit.
    pub rate_limit: Option<(u32, Duration)>,
    /// How long media links serve their files; `None`: the family's documented retention.
    pub retention: Option<Duration>,
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
            video: VideoMode::Normal,
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
        }
    }
}

#[derive(Clone)]
pub(crate) struct Api {
    pub cfg: Arc<ServeConfig>,
    pub admission: Arc<admission::Admission>,
    pub music: Arc<music::MusicStore>,
    pub single: Arc<single::SingleStore>,
    pub store: Arc<Store>,
    pub host: VideoHost,
    pub sender: Sender,
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

pub struct RunningApi {
    pub server: ServerHandle,
    pub store: Arc<Store>,
}

/// Starts the mock API on `listen`; videos are served on the same port. `public_url` is the
/// address given out in video URLs (default: the bound address).
pub async fn start(
    cfg: ServeConfig,
    sender: Sender,
    listen: SocketAddr,
    public_url: Option<String>,
) -> Result<RunningApi, String> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let base = public_url.unwrap_or_else(|| format!("http://{addr}"));
    let (host, videos) = VideoHost::embedded(base);
    host.set_slow_over(cfg.policy.timeout * 2 + Duration::from_secs(1));
    let store = Arc::new(Store::default());
    let mut prices: Vec<(String, u64)> = cfg.prices.clone();
    for (f, p) in admission::DEFAULT_PRICES {
        if !prices.iter().any(|(g, _)| g == f) {
            prices.push(((*f).to_string(), *p));
        }
    }
    let api = Api {
        admission: Arc::new(admission::Admission::new(
            cfg.credits,
            prices,
            cfg.rate_limit,
        )),
        music: Arc::new(music::MusicStore::default()),
        single: Arc::new(single::SingleStore::default()),
        cfg: Arc::new(cfg),
        store: store.clone(),
        host,
        sender,
    };
    let mut router = Router::new();
    // The one-callback families, from the catalogue's create and polling paths.
    for f in crate::family::CATALOGUE
        .iter()
        .filter(|f| single::served(f))
    {
        router = router
            .route(
                f.polling.create,
                post(move |s, h, b| single::create(f, s, h, b)),
            )
            .route(
                f.polling.path,
                get(move |s, h, q| single::record_info(f, s, h, q)),
            );
    }
    // Generate and its sibling operations, all polled on the music record-info.
    for op in operations::OPERATIONS {
        router = router.route(op.path, post(move |s, h, b| music::create(op, s, h, b)));
    }
    let router = router
        .route("/api/v1/mp4/generate", post(handlers::generate))
        .route("/api/v1/mp4/record-info", get(handlers::record_info))
        .route("/api/v1/generate/credit", get(handlers::credit))
        .route("/api/v1/generate/record-info", get(music::record_info))
        .route("/_mock/tasks", get(handlers::tasks))
        .route("/_mock/deliveries", get(handlers::deliveries))
        .method_not_allowed_fallback(handlers::wrong_method)
        .fallback(handlers::not_found)
        .with_state(api)
        .merge(videos);
    let server = http_server::serve_on(router, listener)?;
    Ok(RunningApi { server, store })
}
