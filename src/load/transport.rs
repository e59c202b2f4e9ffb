//! The load mode's hot path: one HTTP/1.1 connection per worker, kept alive, requests written
//! with hyper directly and the connection driven in the worker's own task, so the harness is
//! not the bottleneck (bench/load.sh measures it). The per-attempt deadline, no redirects and
//! the body cap hold here as in the sender; https falls back to reqwest.

use super::LoadError;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::FutureExt as _;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{Connection, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::wire::{ErrorClass, classify_hyper, classify_io, host_and_port};

/// How one attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Status(u16),
    Error(ErrorClass),
}

#[derive(Debug, Clone)]
pub struct Target {
    pub addr: SocketAddr,
    pub host: String,
    /// Path and query, as sent on the request line.
    pub path: String,
    pub https: Option<url::Url>,
}

impl Target {
    pub async fn resolve(url: &url::Url) -> Result<Target, LoadError> {
        let host = url.host_str().unwrap_or_default().to_string();
        let (bare, port) = host_and_port(url);
        let addr = match tokio::net::lookup_host((bare.as_str(), port)).await {
            Ok(mut addrs) => addrs.next(),
            Err(source) => return Err(LoadError::Resolve { host, source }),
        };
        let Some(addr) = addr else {
            return Err(LoadError::NoAddress { host });
        };
        let mut path = url.path().to_string();
        if let Some(q) = url.query() {
            path.push('?');
            path.push_str(q);
        }
        let host_header = match url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host,
        };
        Ok(Target {
            addr,
            host: host_header,
            path,
            https: (url.scheme() == "https").then(|| url.clone()),
        })
    }
}

/// The connection half of a hyper HTTP/1.1 client connection over TCP.
type Link = Connection<TokioIo<TcpStream>, Full<Bytes>>;

struct Live {
    sender: SendRequest<Full<Bytes>>,
    link: Pin<Box<Link>>,
}

/// A worker's connection; reconnects after anything that leaves it in an unknown state.
pub struct Conn {
    target: Target,
    /// Parsed once: the request line and the headers every request carries.
    uri: http::Uri,
    host: http::HeaderValue,
    /// The request side and the connection itself, polled in this worker's task: no second
    /// task to wake per request.
    live: Option<Live>,
    fallback: Option<reqwest::Client>,
    body_cap: usize,
}

impl Conn {
    pub fn new(target: Target, insecure: bool, body_cap: usize) -> Result<Conn, LoadError> {
        let fallback = match target.https {
            Some(_) => Some(
                reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .danger_accept_invalid_certs(insecure)
                    .build()
                    .map_err(LoadError::Client)?,
            ),
            None => None,
        };
        let uri = target.path.parse()?;
        let host = http::HeaderValue::from_str(&target.host)?;
        Ok(Conn {
            uri,
            host,
            target,
            live: None,
            fallback,
            body_cap,
        })
    }

    async fn connect(&mut self) -> Result<(), ErrorClass> {
        if self.live.as_ref().is_none_or(|l| l.sender.is_closed()) {
            let stream = TcpStream::connect(self.target.addr)
                .await
                .map_err(|e| classify_io(e.kind()))?;
            let _ = stream.set_nodelay(true);
            let (sender, conn) = hyper::client::conn::http1::Builder::new()
                // One small buffer per request: flattening it cost nothing measurable and
                // measured no worse than vectored writes (bench/load.sh, 5 rounds each).
                .writev(false)
                .handshake(TokioIo::new(stream))
                .await
                .map_err(|e| classify_hyper(&e))?;
            self.live = Some(Live {
                sender,
                link: Box::pin(conn),
            });
        }
        Ok(())
    }

    /// One POST under `deadline`. The connection is dropped after any error.
    pub async fn post(
        &mut self,
        body: Bytes,
        headers: &[(&'static str, String)],
        deadline: Duration,
    ) -> Answer {
        let result = tokio::time::timeout(deadline, self.exchange(body, headers)).await;
        let answer = match result {
            Err(_) => Answer::Error(ErrorClass::Timeout),
            Ok(Err(c)) => Answer::Error(c),
            Ok(Ok(a)) => a,
        };
        if matches!(answer, Answer::Error(_)) {
            self.live = None;
        }
        answer
    }

    async fn exchange(
        &mut self,
        body: Bytes,
        headers: &[(&'static str, String)],
    ) -> Result<Answer, ErrorClass> {
        if let (Some(client), Some(url)) = (&self.fallback, &self.target.https) {
            let mut req = client
                .post(url.clone())
                .body(body)
                .header("content-type", "application/json");
            for (k, v) in headers {
                req = req.header(*k, v);
            }
            let mut resp = req
                .send()
                .await
                .map_err(|e| crate::wire::error_class::classify(&e).0)?;
            let status = resp.status().as_u16();
            let mut read = 0;
            while let Some(c) = resp
                .chunk()
                .await
                .map_err(|e| crate::wire::error_class::classify(&e).0)?
            {
                read += c.len();
                if read > self.body_cap {
                    return Ok(Answer::Error(ErrorClass::BodyTooLarge));
                }
            }
            return Ok(Answer::Status(status));
        }
        // A connection the receiver closed, or said it would close, is never used again: the
        // delivery goes out on a fresh one and no attempt is counted against the receiver
        // (issue 11: a stock nginx closes every kept-alive connection after 1000 answers).
        // A close after the request went out is still an ambiguous attempt.
        for fresh in [false, true] {
            let (uri, host, cap) = (self.uri.clone(), self.host.clone(), self.body_cap);
            self.connect().await?;
            let Some(Live { sender, link: conn }) = self.live.as_mut() else {
                return Err(ErrorClass::Connect);
            };
            // Closed while idle: the end of the connection is already there to be seen.
            if conn.as_mut().now_or_never().is_some() {
                self.live = None;
                continue;
            }
            let ready = tokio::select! {
                biased;
                r = sender.ready() => r.map_err(|e| classify_hyper(&e)),
                _ = conn.as_mut() => Err(ErrorClass::Closed),
            };
            if let Err(c) = ready {
                self.live = None;
                if fresh {
                    return Err(c);
                }
                continue;
            }
            let mut req = http::Request::new(Full::new(body.clone()));
            *req.method_mut() = http::Method::POST;
            *req.uri_mut() = uri;
            let h = req.headers_mut();
            h.insert(http::header::HOST, host);
            h.insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/json"),
            );
            h.insert(
                http::header::USER_AGENT,
                http::HeaderValue::from_static(concat!("suno-mock/", env!("CARGO_PKG_VERSION"))),
            );
            for (k, v) in headers {
                if let Ok(v) = http::HeaderValue::from_str(v) {
                    h.insert(*k, v);
                }
            }
            let send = sender.try_send_request(req);
            tokio::pin!(send);
            let sent = tokio::select! {
                biased;
                r = &mut send => r,
                // The connection ended first; the request's own future says whether it went out.
                _ = conn.as_mut() => send.await,
            };
            let resp = match sent {
                Ok(resp) => resp,
                Err(mut e) => {
                    self.live = None;
                    if e.take_message().is_some() && !fresh {
                        continue;
                    }
                    return Err(classify_hyper(&e.into_error()));
                }
            };
            let status = resp.status().as_u16();
            let last_on_this_connection = closes_after(&resp);
            let mut body = resp.into_body();
            let mut read = 0;
            loop {
                let frame = tokio::select! {
                    biased;
                    f = body.frame() => f,
                    r = conn.as_mut() => {
                        self.live = None;
                        return Err(r.err().map_or(ErrorClass::Closed, |e| classify_hyper(&e)));
                    }
                };
                let Some(frame) = frame else { break };
                let frame = frame.map_err(|e| classify_hyper(&e))?;
                if let Some(d) = frame.data_ref() {
                    read += d.len();
                    if read > cap {
                        self.live = None;
                        return Ok(Answer::Error(ErrorClass::BodyTooLarge));
                    }
                }
            }
            if last_on_this_connection {
                self.live = None;
            }
            return Ok(Answer::Status(status));
        }
        Err(ErrorClass::Closed)
    }
}

/// The answer says the connection ends with it: `Connection: close`, or HTTP/1.0 without
/// `Connection: keep-alive`.
fn closes_after<B>(resp: &http::Response<B>) -> bool {
    let tokens = |word: &str| {
        resp.headers()
            .get_all(http::header::CONNECTION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(word))
    };
    tokens("close") || (resp.version() == http::Version::HTTP_10 && !tokens("keep-alive"))
}
