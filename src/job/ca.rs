//! The `ca` job: the local CA of `--media-tls`, made when missing, and how each stack's
//! receiver is told to trust it.

use std::path::PathBuf;

use super::JobError;
use crate::artifacts::local_ca::LocalCa;

/// The CA's certificate and the line that makes each stack trust it.
pub struct Ca {
    pub cert: PathBuf,
    pub trust: Vec<(String, String)>,
}

pub fn ca() -> Result<Ca, JobError> {
    let ca = LocalCa::load_or_make().map_err(JobError::LocalCa)?;
    Ok(Ca {
        cert: ca.cert_path(),
        trust: ca.trust_lines(),
    })
}
