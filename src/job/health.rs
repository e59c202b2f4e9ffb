//! `health`: one GET of a `serve`'s `/_mock/health`, answered 200 within the timeout or not.

use std::time::Duration;

/// Ok when `url` answers 200 within `timeout`; else why not, in words.
pub async fn ask(url: &url::Url, timeout: Duration) -> Result<(), String> {
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| e.to_string())?;
    match client.get(url.clone()).send().await {
        Ok(r) if r.status() == reqwest::StatusCode::OK => Ok(()),
        Ok(r) => Err(format!("answered {}", r.status())),
        // The class says it (refused, timeout, dns...); the whole error chain is noise in a
        // health check's log.
        Err(e) => Err(format!(
            "no answer ({})",
            crate::wire::classify(&e).0.name()
        )),
    }
}
