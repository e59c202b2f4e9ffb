//! Settings a job runs on, validated once ("low args to high args"): the commands build them
//! from their flags, `demo` builds them directly, and nothing below sees a flag.

use std::net::SocketAddr;
use std::time::Duration;

use super::Fatal;
use crate::exit;
use crate::family::Family;
use crate::observe::ObserveConfig;
use crate::sender::Policy;

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
    pub fn new(policy: Policy, hmac_key: Option<String>, insecure: bool) -> Result<Self, Fatal> {
        if policy.timeout.is_zero() {
            return Err(Fatal(
                exit::USAGE,
                "--timeout must be more than zero".into(),
            ));
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
}
