//! Starts an axum router on a bound socket in the background and stops it on drop. Used by the
//! video host, the built-in receivers and the mock provider API.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// A running server; dropping it shuts the server down.
#[derive(Debug)]
pub struct ServerHandle {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl ServerHandle {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Binds `addr` and serves `router` until the handle is dropped.
pub async fn spawn(router: axum::Router, addr: SocketAddr) -> Result<ServerHandle, String> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    serve_on(router, listener)
}

/// Serves `router` on a listener the caller bound.
pub fn serve_on(router: axum::Router, listener: TcpListener) -> Result<ServerHandle, String> {
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    let (tx, rx) = oneshot::channel();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    Ok(ServerHandle {
        addr,
        stop: Some(tx),
    })
}
