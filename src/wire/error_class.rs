//! Why an attempt failed, as a small closed set of classes that reports and expectations name.
//! Classification reads the error chain of the HTTP client here, so no client type leaks out.

use std::error::Error as _;
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

/// Classifies a failed request of the HTTP client.
pub fn classify(e: &reqwest::Error) -> (ErrorClass, String) {
    let message = chain_message(e);
    let lower = message.to_ascii_lowercase();
    let mut io_kind = None;
    let mut cur: Option<&(dyn std::error::Error + 'static)> = e.source();
    while let Some(s) = cur {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            io_kind = Some(io.kind());
        }
        cur = s.source();
    }
    // rustls's words for a first record that is not TLS: an https:// URL to a port that
    // speaks plain HTTP (issue 9). Say that, not the parser's complaint.
    if lower.contains("invalidcontenttype") || lower.contains("corrupt message") {
        return (
            ErrorClass::Tls,
            "TLS handshake failed: the port answered in plain HTTP, not TLS; use http:// in the URL"
                .to_string(),
        );
    }
    let class = if e.is_timeout() {
        if e.is_connect() {
            ErrorClass::ConnectTimeout
        } else {
            ErrorClass::Timeout
        }
    } else if lower.contains("dns error") || lower.contains("failed to lookup address") {
        ErrorClass::Dns
    } else if io_kind.map(classify_io) == Some(ErrorClass::Refused)
        || lower.contains("connection refused")
    {
        ErrorClass::Refused
    } else if lower.contains("certificate")
        || lower.contains("tls")
        || lower.contains("handshake")
        || lower.contains("invalid peer")
    {
        ErrorClass::Tls
    } else if e.is_connect() {
        ErrorClass::Connect
    } else if io_kind.map(classify_io) == Some(ErrorClass::Reset)
        || lower.contains("connection reset")
    {
        ErrorClass::Reset
    } else if lower.contains("closed before message completed")
        || lower.contains("unexpected eof")
        || lower.contains("end of file")
        || lower.contains("incomplete")
        || io_kind.map(classify_io) == Some(ErrorClass::Closed)
    {
        ErrorClass::Closed
    } else if lower.contains("invalid http")
        || lower.contains("parse")
        || lower.contains("invalid status")
        || lower.contains("header")
    {
        ErrorClass::Protocol
    } else {
        ErrorClass::Other
    };
    (class, message)
}
