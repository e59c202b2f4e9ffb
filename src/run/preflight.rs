//! Before the first delivery: is anything listening at the receiver's address? A receiver that
//! is down from the start is a harness error (exit 4), not a receiver that failed every rule.

use std::time::Duration;

use tokio::net::TcpStream;

/// Connects once to the receiver's host and port.
pub async fn preflight(url: &url::Url, timeout: Duration) -> Result<(), String> {
    let (host, port) = crate::wire::host_and_port(url);
    let connect = TcpStream::connect((host.as_str(), port));
    match tokio::time::timeout(timeout, connect).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(format!(
            "the receiver at {host}:{port} is not reachable before the first delivery: {e}; start it first, or check --receiver"
        )),
        Err(_) => Err(format!(
            "the receiver at {host}:{port} did not accept a connection within {}; start it first, or check --receiver",
            crate::duration::Dur(timeout)
        )),
    }
}
