//! The `receiver` job: a built-in receiver on its own, correct or with planted flaws, over TLS
//! when given a certificate, and what its banner says.

use std::net::SocketAddr;
use std::path::Path;

use super::JobError;
use crate::outcome::banner::ReceiverBanner;
use crate::receiver::RunningReceiver;
pub use crate::receiver::{Flaw, Flaws, ReceiverConfig};

/// `--token NAME=VALUE` read.
pub fn token(given: Option<&str>) -> Result<Option<(String, String)>, JobError> {
    match given.map(|t| t.split_once('=')) {
        None => Ok(None),
        Some(Some((k, v))) if !k.is_empty() && !v.is_empty() => {
            Ok(Some((k.to_string(), v.to_string())))
        }
        Some(_) => Err(JobError::Usage("--token: write it as NAME=VALUE".into())),
    }
}

/// The local CA of `--media-tls`, when one was made: the tool's own, so the receiver's
/// downloads of a check's https media work as a receiver that trusts it would.
pub fn local_ca_pem() -> Option<String> {
    crate::artifacts::local_ca::folder()
        .ok()
        .and_then(|d| std::fs::read_to_string(d.join("rootCA.pem")).ok())
}

/// A running receiver; it stops when dropped.
pub struct Listening {
    _running: RunningReceiver,
    pub banner: ReceiverBanner,
}

/// Starts it on `listen`, over TLS with `tls` (a certificate and its key).
pub async fn start(
    cfg: ReceiverConfig,
    listen: SocketAddr,
    tls: Option<(&Path, &Path)>,
) -> Result<Listening, JobError> {
    let tls = tls
        .map(|(cert, key)| crate::http_server::tls_config(cert, key))
        .transpose()?;
    let r = crate::receiver::start_on(cfg.clone(), listen, tls).await?;
    // The token masked: the operator knows it, the terminal log need not.
    let callback = crate::secrets::mask_query_param(
        &r.callback_url_parsed(&cfg),
        cfg.token.as_ref().map(|(param, _)| param.as_str()),
    );
    Ok(Listening {
        banner: ReceiverBanner {
            flaws: cfg.flaws.0.iter().map(|f| f.name()).collect(),
            family: cfg.family.id,
            callback,
            state: r.probe_url(),
        },
        _running: r,
    })
}
