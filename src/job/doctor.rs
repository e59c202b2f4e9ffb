//! The `doctor` job: the provider's troubleshooting list walked against a callback URL, and
//! what its result exits with.

use super::JobError;
pub use crate::doctor::{Options, Trust};
use crate::exit;
use crate::outcome::doctor::Report;
use crate::secrets::Secrets;

/// Mozilla's roots and the `--ca-cert` file's certificates.
pub fn trust(ca_cert: Option<&std::path::Path>) -> Result<Trust, JobError> {
    Ok(Trust::load(ca_cert)?)
}

/// The checklist's report, and the secrets every text of it is redacted with.
pub async fn doctor(o: &Options) -> (Report, Secrets) {
    (crate::doctor::run(o).await, crate::doctor::secrets(o))
}

/// A failed line is 1; nothing checked from here (the URL could not be reached) is 4, not a
/// pass.
pub fn exit_code(r: &Report) -> i32 {
    if r.failed() {
        exit::FAILED
    } else if r.unchecked() {
        exit::HARNESS
    } else {
        exit::SUCCESS
    }
}
