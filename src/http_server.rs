//! Starts an axum router on a bound socket in the background and stops it on drop. Used by the
//! media host, the built-in receivers and the mock provider API.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read the bound address: {0}")]
    LocalAddr(#[source] std::io::Error),
}

/// Why a certificate and key could not be served with. `cert` and `key` name them as the user
/// gave them (`--tls-cert PATH`), or as `the certificate` and `the key`.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{flag} {}: {source}", path.display())]
    Read {
        flag: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The PEM parser's errors implement `Debug` only.
    #[error("{cert}: {detail}")]
    Certificate { cert: String, detail: String },
    #[error("{cert}: no certificate in it (expected -----BEGIN CERTIFICATE-----)")]
    NoCertificate { cert: String },
    #[error("{key}: {detail}")]
    Key { key: String, detail: String },
    #[error("{cert} and {key}: {source}")]
    Mismatch {
        cert: String,
        key: String,
        #[source]
        source: rustls::Error,
    },
}

/// A running server; dropping it shuts the server down.
#[derive(Debug)]
pub struct ServerHandle {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    /// The serving task, ended once the listener is closed and the connections are done.
    serving: Option<tokio::task::JoinHandle<()>>,
    /// `https` when it serves TLS.
    scheme: &'static str,
}

impl ServerHandle {
    /// Stops the server and returns once it has let go of its port and its connections.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(serving) = self.serving.take() {
            let _ = serving.await;
        }
    }

    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
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
pub async fn spawn(router: axum::Router, addr: SocketAddr) -> Result<ServerHandle, ServeError> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    serve_on(router, listener)
}

/// Serves `router` on a listener the caller bound.
pub fn serve_on(router: axum::Router, listener: TcpListener) -> Result<ServerHandle, ServeError> {
    serve_with(router, listener, "http")
}

/// Serves `router` on any listener (plain TCP, or TLS connections already handshaken) until
/// the handle is dropped; `scheme` is what its URL says.
fn serve_with<L>(
    router: axum::Router,
    listener: L,
    scheme: &'static str,
) -> Result<ServerHandle, ServeError>
where
    L: axum::serve::Listener<Addr = SocketAddr>,
{
    let addr = listener.local_addr().map_err(ServeError::LocalAddr)?;
    let (tx, rx) = oneshot::channel();
    let serving = tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    Ok(ServerHandle {
        addr,
        stop: Some(tx),
        serving: Some(serving),
        scheme,
    })
}

/// A certificate chain and its key to serve TLS with (`receiver --tls-cert --tls-key`).
pub fn tls_config(cert: &Path, key: &Path) -> Result<TlsConfig, TlsError> {
    let read = |flag: &'static str, p: &Path| {
        std::fs::read_to_string(p).map_err(|source| TlsError::Read {
            flag,
            path: p.to_path_buf(),
            source,
        })
    };
    let (cert_pem, key_pem) = (read("--tls-cert", cert)?, read("--tls-key", key)?);
    tls_config_named(
        &cert_pem,
        &key_pem,
        format!("--tls-cert {}", cert.display()),
        format!("--tls-key {}", key.display()),
    )
}

/// [`tls_config`] from PEM text: the certificate, then its intermediates; and the key.
pub fn tls_config_pem(cert_pem: &str, key_pem: &str) -> Result<TlsConfig, TlsError> {
    tls_config_named(
        cert_pem,
        key_pem,
        "the certificate".into(),
        "the key".into(),
    )
}

fn tls_config_named(
    cert_pem: &str,
    key_pem: &str,
    cert: String,
    key: String,
) -> Result<TlsConfig, TlsError> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let chain: Vec<CertificateDer<'static>> =
        match CertificateDer::pem_slice_iter(cert_pem.as_bytes()).collect::<Result<_, _>>() {
            Ok(c) => c,
            Err(e) => {
                return Err(TlsError::Certificate {
                    cert,
                    detail: format!("{e:?}"),
                });
            }
        };
    if chain.is_empty() {
        return Err(TlsError::NoCertificate { cert });
    }
    let private = match PrivateKeyDer::from_pem_slice(key_pem.as_bytes()) {
        Ok(k) => k,
        Err(e) => {
            return Err(TlsError::Key {
                key,
                detail: format!("{e:?}"),
            });
        }
    };
    let config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .and_then(|b| b.with_no_client_auth().with_single_cert(chain, private))
    .map_err(|source| TlsError::Mismatch { cert, key, source })?;
    Ok(TlsConfig(std::sync::Arc::new(config)))
}

/// A server's TLS set-up, ready to accept with.
#[derive(Clone, Debug)]
pub struct TlsConfig(std::sync::Arc<rustls::ServerConfig>);

/// Connections whose TLS handshake is done. Each handshake runs in a task of its own, so a
/// client that never finishes one holds up no other; the task that accepts them ends with the
/// listener.
struct TlsListener {
    addr: SocketAddr,
    ready: tokio::sync::mpsc::Receiver<(
        tokio_rustls::server::TlsStream<tokio::net::TcpStream>,
        SocketAddr,
    )>,
    accepting: tokio::task::JoinHandle<()>,
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(c) => c,
            // The accepting task ended only with the server: wait to be shut down.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.addr)
    }
}

/// Binds `addr` and serves `router` over TLS until the handle is dropped.
pub async fn spawn_tls(
    router: axum::Router,
    addr: SocketAddr,
    tls: TlsConfig,
) -> Result<ServerHandle, ServeError> {
    let tcp = TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    let addr = tcp.local_addr().map_err(ServeError::LocalAddr)?;
    let (tx, ready) = tokio::sync::mpsc::channel(64);
    let acceptor = tokio_rustls::TlsAcceptor::from(tls.0);
    let accepting = tokio::spawn(async move {
        loop {
            let Ok((stream, peer)) = tcp.accept().await else {
                continue;
            };
            let (acceptor, tx) = (acceptor.clone(), tx.clone());
            tokio::spawn(async move {
                let handshake = acceptor.accept(stream);
                if let Ok(Ok(s)) =
                    tokio::time::timeout(std::time::Duration::from_secs(10), handshake).await
                {
                    let _ = tx.send((s, peer)).await;
                }
            });
        }
    });
    let listener = TlsListener {
        addr,
        ready,
        accepting,
    };
    serve_with(router, listener, "https")
}
