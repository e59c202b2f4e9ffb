//! `health`: one GET of a `serve`'s `/_mock/health`, answered 200 within the timeout or not.

use std::time::Duration;

/// Why a `serve` is not ready.
#[derive(Debug, thiserror::Error)]
pub enum NotReady {
    #[error("cannot make an HTTP client: {0}")]
    Client(reqwest::Error),
    #[error("answered {0}")]
    Answered(reqwest::StatusCode),
    /// The class says it (refused, timeout, dns...); the whole error chain is noise in a
    /// health check's log.
    #[error("no answer ({})", .0.name())]
    NoAnswer(crate::wire::ErrorClass),
}

/// Ok when `url` answers 200 within `timeout`; else why not.
pub async fn ask(url: &url::Url, timeout: Duration) -> Result<(), NotReady> {
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(NotReady::Client)?;
    match client.get(url.clone()).send().await {
        Ok(r) if r.status() == reqwest::StatusCode::OK => Ok(()),
        Ok(r) => Err(NotReady::Answered(r.status())),
        Err(e) => Err(NotReady::NoAnswer(crate::wire::classify(&e).0)),
    }
}
