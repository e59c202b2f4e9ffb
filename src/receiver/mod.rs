//! The built-in receivers: a reference receiver that passes every rule, and the same receiver
//! with defects planted by flag. `demo` checks both; tests use them where side effects matter.

mod flaws;
mod handler;
pub mod validate;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::{get, post};

pub use flaws::{Flaw, Flaws};

use crate::http_server::{self, ServerHandle};

#[derive(Debug, Clone)]
pub struct ReceiverConfig {
    /// The callback family it receives.
    pub family: &'static crate::family::Family,
    /// Verify `X-Webhook-Signature` with this key.
    pub hmac_key: Option<String>,
    /// Require query parameter `.0` to equal `.1`.
    pub token: Option<(String, String)>,
    pub flaws: Flaws,
    /// A CA certificate (PEM) its downloads trust besides the public ones: the local CA of
    /// `--media-tls`.
    pub trust_pem: Option<String>,
}

impl Default for ReceiverConfig {
    fn default() -> Self {
        ReceiverConfig {
            family: crate::family::video(),
            hmac_key: None,
            token: None,
            flaws: Flaws::default(),
            trust_pem: None,
        }
    }
}

/// What the receiver did for one task; served at `/state/{task_id}` for `--probe-url`.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct TaskRecord {
    pub task_id: String,
    /// The `code` of the last callback processed.
    pub code: i64,
    /// How many callbacks were processed: one per stage for a correct receiver, however many
    /// copies came.
    pub processed: u64,
    /// Bytes of media downloaded (the name is from the video family, kept for its probes).
    pub video_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub download_error: Option<String>,
    /// The stage the task is at (staged families only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// How far along the task is (see `validate::rank`).
    #[serde(skip)]
    pub rank: u8,
    /// Stages processed so far.
    #[serde(skip)]
    pub seen: Vec<String>,
}

#[derive(Debug, Default)]
pub(crate) struct Shared {
    pub tasks: Mutex<HashMap<String, TaskRecord>>,
    /// Set by the `crash-on-bad-input` flaw: every request after is answered 503.
    pub dead: std::sync::atomic::AtomicBool,
}

pub struct RunningReceiver {
    pub server: ServerHandle,
    state: Arc<Shared>,
}

impl RunningReceiver {
    /// Where callbacks go (with the token, when one is required).
    pub fn callback_url(&self, cfg: &ReceiverConfig) -> String {
        match &cfg.token {
            Some((k, v)) => format!("{}/callback?{k}={v}", self.server.url()),
            None => format!("{}/callback", self.server.url()),
        }
    }

    /// [`Self::callback_url`] as a URL, its token query-encoded.
    pub fn callback_url_parsed(&self, cfg: &ReceiverConfig) -> url::Url {
        let mut url = url::Url::parse(&self.server.url())
            // `http(s)://` and a socket address: always a URL.
            .expect("a bound address makes a URL");
        url.set_path("/callback");
        if let Some((k, v)) = &cfg.token {
            url.query_pairs_mut().append_pair(k, v);
        }
        url
    }

    /// A `--probe-url` template for this receiver's state.
    pub fn probe_url(&self) -> String {
        format!("{}/state/{{task_id}}", self.server.url())
    }

    pub fn record(&self, task_id: &str) -> Option<TaskRecord> {
        self.state
            .tasks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(task_id)
            .cloned()
    }
}

/// Why the built-in receiver could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("the receiver's extra CA: {0}")]
    TrustedCa(#[source] reqwest::Error),
    #[error("cannot set up the receiver's HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    #[error("built-in receiver: {0}")]
    Serve(#[from] http_server::ServeError),
}

pub async fn start(cfg: ReceiverConfig, addr: SocketAddr) -> Result<RunningReceiver, StartError> {
    start_on(cfg, addr, None).await
}

/// [`start`], over TLS when `tls` is given (`receiver --tls-cert`).
pub async fn start_on(
    cfg: ReceiverConfig,
    addr: SocketAddr,
    tls: Option<http_server::TlsConfig>,
) -> Result<RunningReceiver, StartError> {
    let state = Arc::new(Shared::default());
    let mut client = reqwest::Client::builder();
    if let Some(pem) = &cfg.trust_pem {
        let ca = reqwest::Certificate::from_pem(pem.as_bytes()).map_err(StartError::TrustedCa)?;
        client = client.add_root_certificate(ca);
    }
    let app = handler::App {
        cfg: Arc::new(cfg),
        shared: state.clone(),
        client: client.build().map_err(StartError::Client)?,
    };
    let router = Router::new()
        .route("/callback", post(handler::callback))
        .route("/state/{task_id}", get(handler::state))
        .route("/healthz", get(|| async { "ok\n" }))
        .with_state(app);
    let server = match tls {
        Some(tls) => http_server::spawn_tls(router, addr, tls).await,
        None => http_server::spawn(router, addr).await,
    }?;
    Ok(RunningReceiver { server, state })
}
