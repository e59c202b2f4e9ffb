//! Before the first delivery: is anything listening at the receiver's address? A receiver that
//! is down from the start is a harness error (exit 4), not a receiver that failed every rule.

use std::time::Duration;

use tokio::net::TcpStream;

/// Nothing accepted a connection at the receiver's address before the first delivery.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreachable {
    #[error(
        "the receiver at {addr} is not reachable before the first delivery: {reason}; start it first, or check --receiver"
    )]
    Refused { addr: String, reason: String },
    #[error(
        "the receiver at {addr} did not accept a connection within {}; start it first, or check --receiver",
        crate::duration::Dur(*.within)
    )]
    Silent { addr: String, within: Duration },
}

/// Connects once to the receiver's host and port.
pub async fn preflight(url: &url::Url, timeout: Duration) -> Result<(), Unreachable> {
    let (host, port) = crate::wire::host_and_port(url);
    let addr = format!("{host}:{port}");
    let connect = TcpStream::connect((host.as_str(), port));
    match tokio::time::timeout(timeout, connect).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(Unreachable::Refused {
            addr,
            reason: e.to_string(),
        }),
        Err(_) => Err(Unreachable::Silent {
            addr,
            within: timeout,
        }),
    }
}
