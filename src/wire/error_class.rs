//! Why an attempt failed, as a small closed set of classes that reports and expectations name.
//! Classification reads the error chain of the HTTP client here, so no client type leaks out.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorClass {
    /// Nothing listens at the address.
    Refused,
    /// The host name does not resolve.
    Dns,
    /// The connection was not established within the deadline.
    ConnectTimeout,
    /// Another failure to connect.
    Connect,
    /// The TLS handshake failed (unknown certificate, wrong host name, ...).
    Tls,
    /// Connected, but the whole answer did not arrive within the deadline.
    Timeout,
    /// The connection was reset.
    Reset,
    /// The connection was closed before a complete answer.
    Closed,
    /// The answer was not valid HTTP.
    Protocol,
    /// A 3xx answer; redirects are never followed.
    Redirect,
    /// The answer's body was larger than the cap; reading stopped there.
    BodyTooLarge,
    /// A complete answer with a status the sender does not accept.
    Status,
    /// Ctrl-C came while the attempt was in flight and it did not end within the grace
    /// given: the receiver may or may not have processed it.
    Interrupted,
    /// Anything else.
    Other,
}

impl ErrorClass {
    /// Every class, `Other` last (counters index by position and fall back to the last).
    pub const ALL: [ErrorClass; 14] = [
        ErrorClass::Refused,
        ErrorClass::Dns,
        ErrorClass::ConnectTimeout,
        ErrorClass::Connect,
        ErrorClass::Tls,
        ErrorClass::Timeout,
        ErrorClass::Reset,
        ErrorClass::Closed,
        ErrorClass::Protocol,
        ErrorClass::Redirect,
        ErrorClass::BodyTooLarge,
        ErrorClass::Status,
        ErrorClass::Interrupted,
        ErrorClass::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ErrorClass::Refused => "refused",
            ErrorClass::Dns => "dns",
            ErrorClass::ConnectTimeout => "connect-timeout",
            ErrorClass::Connect => "connect",
            ErrorClass::Tls => "tls",
            ErrorClass::Timeout => "timeout",
            ErrorClass::Reset => "reset",
            ErrorClass::Closed => "closed",
            ErrorClass::Protocol => "protocol",
            ErrorClass::Redirect => "redirect",
            ErrorClass::BodyTooLarge => "body-too-large",
            ErrorClass::Status => "status",
            ErrorClass::Interrupted => "interrupted",
            ErrorClass::Other => "other",
        }
    }

    /// True when the request may have reached the receiver and been processed although no
    /// usable answer came back: a retry after it is a possible duplicate.
    pub fn ambiguous(self) -> bool {
        matches!(
            self,
            ErrorClass::Timeout
                | ErrorClass::Reset
                | ErrorClass::Closed
                | ErrorClass::Protocol
                | ErrorClass::Interrupted
                | ErrorClass::Other
        )
    }
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error and its causes, joined: `error sending request: connection refused`.
pub fn chain_message(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = s.source();
    }
    parts.join(": ")
}

/// The class of an I/O error on a connection to the receiver.
pub fn classify_io(kind: std::io::ErrorKind) -> ErrorClass {
    use std::io::ErrorKind as K;
    match kind {
        K::ConnectionRefused => ErrorClass::Refused,
        K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => ErrorClass::Reset,
        K::UnexpectedEof => ErrorClass::Closed,
        _ => ErrorClass::Connect,
    }
}

/// Classifies an error of a hyper connection (`load`'s hot path talks hyper directly).
pub fn classify_hyper(e: &hyper::Error) -> ErrorClass {
    if e.is_incomplete_message() || e.is_closed() || e.is_canceled() {
        ErrorClass::Closed
    } else if e.is_parse() || e.is_parse_status() {
        ErrorClass::Protocol
    } else if let Some(io) =
        std::error::Error::source(e).and_then(|s| s.downcast_ref::<std::io::Error>())
    {
        classify_io(io.kind())
    } else {
        ErrorClass::Other
    }
}

/// The host to connect to (IPv6 brackets removed) and the port, of a receiver URL.
pub fn host_and_port(url: &url::Url) -> (String, u16) {
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    (host, url.port_or_known_default().unwrap_or(80))
}

/// What an HTTPS URL to a plain-HTTP port fails with, said as its fix (issue 9).
const PLAIN_HTTP: &str =
    "TLS handshake failed: the port answered in plain HTTP, not TLS; use http:// in the URL";

/// What the typed causes of an error say, read from the outermost to the innermost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Typed {
    /// A TLS client met a first record that is not TLS: the port speaks plain HTTP.
    PlainHttp,
    Class(ErrorClass),
}

/// The class the error chain's typed causes decide, if any: a rustls error (TLS) first, then
/// the innermost I/O error's kind (refused, reset, closed), then hyper's own flags (closed
/// before the answer was complete, an answer that does not parse).
fn by_type(e: &(dyn std::error::Error + 'static)) -> Option<Typed> {
    let mut io: Option<ErrorClass> = None;
    let mut http: Option<ErrorClass> = None;
    let mut cur = Some(e);
    while let Some(s) = cur {
        // An I/O error carries its cause inside, not as its source (and the connector wraps
        // one I/O error in another): look through every layer.
        let mut layer: Option<&(dyn std::error::Error + 'static)> = Some(s);
        while let Some(l) = layer {
            if let Some(t) = l.downcast_ref::<rustls::Error>() {
                return Some(match t {
                    rustls::Error::InvalidMessage(_) => Typed::PlainHttp,
                    _ => Typed::Class(ErrorClass::Tls),
                });
            }
            let inner = l.downcast_ref::<std::io::Error>().map(|e| {
                // `Connect` is the fallback of `classify_io`: it decides nothing here.
                if let Some(c) = Some(classify_io(e.kind())).filter(|c| *c != ErrorClass::Connect) {
                    io = Some(c);
                }
                e.get_ref()
            });
            layer = inner
                .flatten()
                .map(|i| i as &(dyn std::error::Error + 'static));
        }
        if let Some(h) = s.downcast_ref::<hyper::Error>() {
            if h.is_incomplete_message() || h.is_closed() || h.is_canceled() {
                http = Some(ErrorClass::Closed);
            } else if h.is_parse() || h.is_parse_status() {
                http = Some(ErrorClass::Protocol);
            }
        }
        cur = s.source();
    }
    io.or(http).map(Typed::Class)
}

/// The last resort, for causes that have no type of their own to read (the resolver's
/// failure is an untyped I/O error) or that a client version words differently: the words
/// of the whole chain, lower-cased.
fn by_words(lower: &str, connect: bool) -> ErrorClass {
    let any = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if any(&["dns error", "failed to lookup address"]) {
        ErrorClass::Dns
    } else if any(&["connection refused"]) {
        ErrorClass::Refused
    } else if any(&["certificate", "tls", "handshake", "invalid peer"]) {
        ErrorClass::Tls
    } else if connect {
        ErrorClass::Connect
    } else if any(&["connection reset"]) {
        ErrorClass::Reset
    } else if any(&[
        "closed before message completed",
        "unexpected eof",
        "end of file",
        "incomplete",
    ]) {
        ErrorClass::Closed
    } else if any(&["invalid http", "parse", "invalid status", "header"]) {
        ErrorClass::Protocol
    } else {
        ErrorClass::Other
    }
}

/// Classifies a failed request of the HTTP client: its timeout flag, then the typed causes
/// of its error chain, then (only when no type decides) the chain's words.
pub fn classify(e: &reqwest::Error) -> (ErrorClass, String) {
    let message = chain_message(e);
    if e.is_timeout() {
        let class = if e.is_connect() {
            ErrorClass::ConnectTimeout
        } else {
            ErrorClass::Timeout
        };
        return (class, message);
    }
    match by_type(e) {
        Some(Typed::PlainHttp) => (ErrorClass::Tls, PLAIN_HTTP.to_string()),
        // A refused connection is a connect error too; the type says which.
        Some(Typed::Class(c)) => (c, message),
        None => {
            let class = by_words(&message.to_ascii_lowercase(), e.is_connect());
            (class, message)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Error as Io, ErrorKind as K};

    use super::*;

    /// An error that wraps another, as the HTTP client's layers do.
    #[derive(Debug)]
    struct Wrapped(&'static str, Box<dyn std::error::Error + Send + Sync>);

    impl fmt::Display for Wrapped {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Wrapped {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&*self.1)
        }
    }

    fn wrap(e: impl std::error::Error + Send + Sync + 'static) -> Wrapped {
        Wrapped(
            "error sending request",
            Box::new(Wrapped("client error (Connect)", Box::new(e))),
        )
    }

    /// Each typed cause, wrapped as the client wraps it, and the class it decides.
    #[test]
    fn typed_causes_decide_before_any_words() {
        let plain_http = rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType);
        let table: Vec<(Wrapped, Option<Typed>)> = vec![
            (
                wrap(Io::from(K::ConnectionRefused)),
                Some(Typed::Class(ErrorClass::Refused)),
            ),
            (
                wrap(Io::from(K::ConnectionReset)),
                Some(Typed::Class(ErrorClass::Reset)),
            ),
            (
                wrap(Io::from(K::ConnectionAborted)),
                Some(Typed::Class(ErrorClass::Reset)),
            ),
            (
                wrap(Io::from(K::BrokenPipe)),
                Some(Typed::Class(ErrorClass::Reset)),
            ),
            (
                wrap(Io::from(K::UnexpectedEof)),
                Some(Typed::Class(ErrorClass::Closed)),
            ),
            (
                wrap(Io::new(K::InvalidData, plain_http.clone())),
                Some(Typed::PlainHttp),
            ),
            (wrap(plain_http.clone()), Some(Typed::PlainHttp)),
            // The connector wraps tokio-rustls's I/O error in another.
            (
                wrap(Io::other(Io::new(K::InvalidData, plain_http))),
                Some(Typed::PlainHttp),
            ),
            (
                wrap(Io::other(Io::from(K::ConnectionReset))),
                Some(Typed::Class(ErrorClass::Reset)),
            ),
            (
                wrap(Io::new(
                    K::InvalidData,
                    rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
                )),
                Some(Typed::Class(ErrorClass::Tls)),
            ),
            // An I/O error whose kind says nothing (the resolver's, say) decides nothing.
            (
                wrap(Io::other("failed to lookup address information")),
                None,
            ),
            (wrap(Io::from(K::PermissionDenied)), None),
        ];
        for (e, want) in table {
            assert_eq!(by_type(&e), want, "{}", chain_message(&e));
        }
    }

    /// The words, for what no type decides.
    #[test]
    fn words_are_the_last_resort() {
        let table = [
            (
                "dns error: failed to lookup address information",
                true,
                ErrorClass::Dns,
            ),
            (
                "tcp connect error: connection refused",
                true,
                ErrorClass::Refused,
            ),
            (
                "invalid peer certificate: unknownissuer",
                true,
                ErrorClass::Tls,
            ),
            (
                "tcp connect error: network unreachable",
                true,
                ErrorClass::Connect,
            ),
            (
                "connection closed before message completed",
                false,
                ErrorClass::Closed,
            ),
            ("invalid http version parsed", false, ErrorClass::Protocol),
            ("something new", false, ErrorClass::Other),
        ];
        for (words, connect, want) in table {
            assert_eq!(by_words(words, connect), want, "{words}");
        }
    }
}
