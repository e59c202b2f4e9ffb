//! A running harness from [`Settings`]: the media host, the observer, the sender, the
//! built-in receiver when asked for, Ctrl-C handling, and the secrets every report redacts.

use tokio_util::sync::CancellationToken;

use super::JobError;
use super::settings::{Limits, ReceiverTarget, SendSettings, Settings};
use super::stop::Stops;
use crate::artifacts::MediaHost;
use crate::artifacts::local_ca::LocalCa;
use crate::exit;
use crate::family::Family;
use crate::observe::Observer;
use crate::outcome::head::RunHead;
use crate::receiver::{self, ReceiverConfig, RunningReceiver};
use crate::run::{Engine, RunConfig};
use crate::secrets::Secrets;
use crate::sender::{ClientOptions, Sender};
pub use crate::wire::Activity;

pub struct Session {
    pub engine: Engine,
    /// The family the run delivers.
    pub family: &'static Family,
    /// How it sends, as the settings said.
    pub send: SendSettings,
    pub secrets: Secrets,
    /// The built-in receiver, when the settings asked for one.
    pub _builtin: Option<RunningReceiver>,
}

pub fn runtime() -> Result<tokio::runtime::Runtime, JobError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(JobError::Runtime)
}

/// The emulated provider's client (loud when TLS is not verified), pressing no harder than
/// `limits`.
pub fn sender(send: &SendSettings, limits: Limits) -> Result<Sender, JobError> {
    if send.insecure {
        crate::console::errln!(
            "warning: --insecure: TLS certificates of the receiver are NOT verified"
        );
    }
    Sender::new(&ClientOptions {
        insecure: send.insecure,
        hmac_key: send.hmac_key.clone(),
        connect_timeout: Some(send.deadline()),
        connections: limits.connections,
        give_up_after: limits.give_up_after,
        ..ClientOptions::default()
    })
    .map_err(JobError::from)
}

impl Session {
    /// Starts everything the settings describe.
    pub async fn start(st: Settings) -> Result<Session, JobError> {
        let mut secrets = Secrets::default();
        if let Some(k) = &st.send.hmac_key {
            secrets.add(k);
        }
        // The local CA first: the built-in receiver trusts it for its downloads.
        let ca = if st.media_tls {
            Some(LocalCa::load_or_make().map_err(JobError::MediaTls)?)
        } else {
            None
        };
        let (receiver_url, builtin) = match &st.receiver {
            ReceiverTarget::Url(u) => (u.clone(), None),
            ReceiverTarget::Builtin => {
                let cfg = ReceiverConfig {
                    family: st.family,
                    hmac_key: st.send.hmac_key.clone(),
                    trust_pem: ca.as_ref().map(LocalCa::cert_pem),
                    ..ReceiverConfig::default()
                };
                let r = receiver::start(cfg.clone(), ([127, 0, 0, 1], 0).into()).await?;
                (r.callback_url_parsed(&cfg), Some(r))
            }
        };
        if let Some(param) = &st.token_param {
            match receiver_url.query_pairs().find(|(k, _)| k == param) {
                Some((_, v)) => secrets.add(&v),
                None => {
                    return Err(JobError::Usage(format!(
                        "--token-param {param}: the receiver URL has no `{param}` query parameter to carry the token"
                    )));
                }
            }
        }
        let tls = match &ca {
            Some(ca) => {
                let tls = ca
                    .server_tls(&media_names(st.artifact_base_url.as_deref()))
                    .map_err(JobError::MediaTls)?;
                crate::console::errln!(
                    "media host: https, its certificate signed by the local CA {} (`suno-mock ca` says how to make a receiver trust it)",
                    ca.cert_path().display()
                );
                Some(tls)
            }
            None => None,
        };
        let host = MediaHost::start(st.artifact_listen, st.artifact_base_url.clone(), tls).await?;
        let mut observe = st.observe.clone();
        if observe.probe_url.is_none()
            && let Some(r) = &builtin
        {
            // The built-in receiver shows its state; use it so idempotency is observable.
            observe.probe_url = Some(r.probe_url());
        }
        let mut sender = sender(&st.send, st.limits)?;
        let observer = Observer::new(observe, host.clone(), sender.slots())?;
        let cancel = CancellationToken::new();
        if st.watch_signals {
            watch_ctrl_c(cancel.clone());
        }
        sender.interrupted_by(cancel.clone());
        Ok(Session {
            engine: Engine {
                cfg: RunConfig {
                    receiver: receiver_url,
                    token_param: st.token_param.clone(),
                    policy: st.send.policy.clone(),
                    seed: st.seed,
                },
                sender,
                host,
                observer,
                cancel,
                pinned: Vec::new(),
                events: None,
            },
            family: st.family,
            send: st.send.clone(),
            secrets,
            _builtin: builtin,
        })
    }
}

impl Session {
    /// How the run is set up, as its reports' first line says it.
    pub fn head(&self) -> RunHead {
        let p = &self.engine.cfg.policy;
        RunHead {
            receiver: self.engine.receiver_display(),
            family: self.family.id,
            seed: self.engine.cfg.seed,
            deadline: p.timeout,
            retry_delays: p.delays().collect(),
        }
    }

    /// What the sender is waiting on, for a spinner that says so.
    pub fn activity(&self) -> std::sync::Arc<Activity> {
        self.engine.sender.activity()
    }

    /// The deadline of each attempt.
    pub fn deadline(&self) -> std::time::Duration {
        self.engine.cfg.policy.timeout
    }
}

/// The names the media host's certificate is for: loopback, and the host of
/// `--artifact-base-url` (a receiver in a container reaches the host by another name).
fn media_names(base_url: Option<&str>) -> Vec<String> {
    let mut names = vec!["127.0.0.1".to_string(), "::1".into(), "localhost".into()];
    if let Some(h) = base_url
        .and_then(|b| url::Url::parse(b).ok())
        .and_then(|u| u.host_str().map(|h| h.trim_matches(['[', ']']).to_string()))
        && !names.contains(&h)
    {
        names.push(h);
    }
    names
}

/// First stop (Ctrl-C, SIGTERM, the wrapper gone): stop sending, let attempts in flight
/// finish, write the reports. Second: leave. Every source is listened to when this returns: a
/// Ctrl-C in the first milliseconds of a run must not kill it without reports.
pub fn watch_ctrl_c(cancel: CancellationToken) {
    let mut stops = Stops::register();
    tokio::spawn(async move {
        let why = stops.next().await;
        crate::console::errln!(
            "{}: stopping, then writing the reports (Ctrl-C again to quit now)",
            why.said()
        );
        cancel.cancel();
        stops.next().await;
        std::process::exit(exit::INTERRUPTED);
    });
}

/// What `serve`, `record` and `receiver` run until: Ctrl-C, SIGTERM or the wrapper that
/// started them gone. Every source is listened to when this returns (call it before saying
/// the server is up), so a Ctrl-C right after the banner ends the command with its last line.
pub fn until_ctrl_c() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
    let mut stops = Stops::register();
    Box::pin(async move {
        stops.next().await;
    })
}
