//! Settings a job runs on, validated once ("low args to high args"): the commands build them
//! from their flags, `demo` builds them directly, and nothing below sees a flag.

use std::net::SocketAddr;
use std::time::Duration;

use super::JobError;
use crate::family::Family;
pub use crate::observe::ObserveConfig;
pub use crate::sender::Policy;

/// Where callbacks go.
#[derive(Debug, Clone)]
pub enum ReceiverTarget {
    Url(url::Url),
    /// The built-in reference receiver, started for the run.
    Builtin,
}

/// How hard the harness may press one receiver: `check` and `run` bound the connections open
/// to it at once (callbacks and probes together); `check` also stops sending to a receiver
/// that answers nothing. `send --concurrent`, `load` and `fuzz` set their own pace.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    pub connections: Option<usize>,
    pub give_up_after: Option<usize>,
}

/// How the emulated provider sends.
#[derive(Debug, Clone)]
pub struct SendSettings {
    pub policy: Policy,
    pub hmac_key: Option<String>,
    /// Accept any TLS certificate (loud when on).
    pub insecure: bool,
}

impl SendSettings {
    /// Checks what no flag parser can: a deadline of zero sends nothing.
    pub fn new(policy: Policy, hmac_key: Option<String>, insecure: bool) -> Result<Self, JobError> {
        if policy.timeout.is_zero() {
            return Err(JobError::Usage("--timeout must be more than zero".into()));
        }
        Ok(SendSettings {
            policy,
            hmac_key,
            insecure,
        })
    }

    pub fn deadline(&self) -> Duration {
        self.policy.timeout
    }
}

/// Everything a session needs, checked.
#[derive(Debug, Clone)]
pub struct Settings {
    pub receiver: ReceiverTarget,
    pub family: &'static Family,
    pub send: SendSettings,
    /// The receiver URL's query parameter that carries its secret (present in the URL).
    pub token_param: Option<String>,
    pub artifact_listen: SocketAddr,
    pub artifact_base_url: Option<String>,
    /// The media host serves https with a certificate of the local CA (`--media-tls`).
    pub media_tls: bool,
    pub seed: u64,
    pub observe: ObserveConfig,
    pub limits: Limits,
    /// Ctrl-C and SIGTERM stop the run (the command line); off for the library, which leaves
    /// the process's signals to the process.
    pub watch_signals: bool,
}

/// The probes the flags give, checked: a probe without the task id answers the same for every
/// task, so no rule comparing two tasks, or one task before and after, can rest on it
/// (issue 28).
pub fn observe(cfg: ObserveConfig) -> Result<ObserveConfig, JobError> {
    for (flag, given) in [
        ("--probe-url", &cfg.probe_url),
        ("--probe-cmd", &cfg.probe_cmd),
    ] {
        if let Some(p) = given.as_deref().filter(|p| !p.contains("{task_id}")) {
            return Err(JobError::Usage(format!(
                "{flag} {p}: it has no {{task_id}}, so it would answer the same for every task and show nothing of one; write {{task_id}} where the task's id goes (e.g. {})",
                if flag == "--probe-url" {
                    "'http://127.0.0.1:8000/state/{task_id}'"
                } else {
                    "'psql -tAc \"select count(*) from videos where task_id = {task_id}\"'"
                }
            )));
        }
    }
    Ok(cfg)
}
