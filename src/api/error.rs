//! The one error type of the public API.

use crate::job::JobError;

/// Why the mock provider or a check could not do what it was asked. A rule that fails is a
/// [`CheckReport`](crate::CheckReport), never an error.
///
/// ```
/// let err = suno_mock::Check::new("not a url").run_blocking().unwrap_err();
/// assert!(matches!(err, suno_mock::Error::Invalid(_)), "{err}");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An option that cannot be used: an unknown family or rule id, a receiver URL that is
    /// not one, a probe URL without `{task_id}`, a plan that does not parse. The message says
    /// which and why (what the CLI exits 2 or 3 for).
    #[error("{0}")]
    Invalid(String),
    /// The receiver could not be reached before the first delivery (the CLI's exit 4).
    #[error("{0}")]
    Unreachable(String),
    /// Something the harness itself needs failed: a port it could not bind, a TLS setup, a
    /// runtime (the CLI's exit 4).
    #[error("{0}")]
    Harness(String),
    /// A wait ([`MockProvider::wait_for_task`](crate::MockProvider::wait_for_task)) gave up.
    #[error("{0}")]
    Timeout(String),
}

impl From<JobError> for Error {
    fn from(e: JobError) -> Error {
        let message = e.full_message();
        // A redacted error keeps its kind underneath.
        let mut kind = &e;
        while let JobError::Redacted { source, .. } = kind {
            kind = source;
        }
        match (kind, e.exit_code()) {
            (
                JobError::Unreachable(..) | JobError::Run(crate::run::RunError::Unreachable(..)),
                _,
            ) => Error::Unreachable(message),
            (_, crate::exit::USAGE | crate::exit::INVALID_SCENARIO) => Error::Invalid(message),
            _ => Error::Harness(message),
        }
    }
}
