//! The TLS part of the checklist: one handshake that keeps whatever certificates the server
//! sends (so a refused chain can still be looked at), then the three things the provider's
//! client checks judged one by one: the chain up to a trusted root, the host name, the dates.
//! Roots are Mozilla's set (`webpki-roots`, what the tool's own HTTP client trusts) and any
//! `--ca-cert`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::{DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, TrustAnchor, UnixTime};
use tokio::net::TcpStream;
use x509_parser::prelude::{FromDer, GeneralName, ParsedExtension, X509Certificate};

use super::{Heading, Line};
use crate::rules::Verdict;

/// Under this many days left, the expiry is a warning.
pub const EXPIRY_WARN_DAYS: i64 = 14;

/// The roots a chain must end at.
pub struct Trust {
    anchors: Vec<TrustAnchor<'static>>,
    /// The DER of `--ca-cert`s (to add them to the HTTP client too).
    pub extra_der: Vec<Vec<u8>>,
}

/// A `--ca-cert` file that gives no trust anchor.
#[derive(Debug, thiserror::Error)]
pub enum CaCertError {
    #[error("--ca-cert {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The PEM parser's errors implement `Debug` only.
    #[error("--ca-cert {}: not PEM certificates ({detail})", path.display())]
    NotPem { path: PathBuf, detail: String },
    #[error("--ca-cert {}: no certificate in it (expected -----BEGIN CERTIFICATE-----)", path.display())]
    Empty { path: PathBuf },
    #[error("--ca-cert {}: certificate {number}: {source}", path.display())]
    NotAnAnchor {
        path: PathBuf,
        number: usize,
        #[source]
        source: webpki::Error,
    },
}

impl Trust {
    /// Mozilla's roots, and every certificate in `ca_cert` (PEM) when given.
    pub fn load(ca_cert: Option<&Path>) -> Result<Trust, CaCertError> {
        let mut anchors: Vec<TrustAnchor<'static>> = webpki_roots::TLS_SERVER_ROOTS.to_vec();
        let mut extra_der = Vec::new();
        if let Some(path) = ca_cert {
            let path_buf = || path.to_path_buf();
            let bytes = std::fs::read(path).map_err(|source| CaCertError::Read {
                path: path_buf(),
                source,
            })?;
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
                .collect::<Result<_, _>>()
                .map_err(|e| CaCertError::NotPem {
                    path: path_buf(),
                    detail: format!("{e:?}"),
                })?;
            if certs.is_empty() {
                return Err(CaCertError::Empty { path: path_buf() });
            }
            for (i, der) in certs.iter().enumerate() {
                let anchor = webpki::anchor_from_trusted_cert(der).map_err(|source| {
                    CaCertError::NotAnAnchor {
                        path: path_buf(),
                        number: i + 1,
                        source,
                    }
                })?;
                anchors.push(anchor.to_owned());
                extra_der.push(der.as_ref().to_vec());
            }
        }
        Ok(Trust { anchors, extra_der })
    }
}

/// What the handshake showed.
pub struct Handshake {
    pub version: &'static str,
    pub cipher: String,
    pub took: Duration,
    /// As the server sent them, its own first.
    pub chain: Vec<CertificateDer<'static>>,
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Accepts whatever the server sends and keeps it: the verdicts on it come after, one by one,
/// so "expired" and "wrong name" and "missing intermediate" are told apart. Only the
/// handshake's own signatures are checked here.
#[derive(Debug)]
struct Keep {
    algs: WebPkiSupportedAlgorithms,
    chain: Mutex<Vec<CertificateDer<'static>>>,
}

impl ServerCertVerifier for Keep {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut chain = vec![end_entity.clone().into_owned()];
        chain.extend(intermediates.iter().map(|c| c.clone().into_owned()));
        if let Ok(mut kept) = self.chain.lock() {
            *kept = chain;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algs)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algs.supported_schemes()
    }
}

/// Why the handshake did not happen, in a user's words.
#[derive(Debug, thiserror::Error)]
pub enum HandshakeError {
    #[error("cannot set up TLS: {0}")]
    Setup(#[source] rustls::Error),
    #[error("`{host}` is not a name TLS can check: {source}")]
    Name {
        host: String,
        #[source]
        source: rustls_pki_types::InvalidDnsNameError,
    },
    #[error(
        "no TLS handshake within {}: the port accepts connections but does not speak TLS back (a plain-HTTP port waits for a request)",
        crate::duration::Dur(*within)
    )]
    Silent { within: Duration },
    /// The server's refusal, said as [`handshake_error`] reads it.
    #[error("{0}")]
    Refused(String),
}

/// The TLS handshake over `tcp` for `host`, as a client that offers TLS 1.2 and 1.3 only (as
/// the provider's does); the error says what went wrong in a user's words.
pub async fn handshake(
    tcp: TcpStream,
    host: &str,
    timeout: Duration,
) -> Result<Handshake, HandshakeError> {
    let provider = provider();
    let keep = Arc::new(Keep {
        algs: provider.signature_verification_algorithms,
        chain: Mutex::new(Vec::new()),
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(HandshakeError::Setup)?
        .dangerous()
        .with_custom_certificate_verifier(keep.clone())
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_string()).map_err(|source| HandshakeError::Name {
        host: host.to_string(),
        source,
    })?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let start = Instant::now();
    let stream = match tokio::time::timeout(timeout, connector.connect(name, tcp)).await {
        Err(_) => {
            return Err(HandshakeError::Silent { within: timeout });
        }
        Ok(Err(e)) => return Err(HandshakeError::Refused(handshake_error(&e))),
        Ok(Ok(s)) => s,
    };
    let took = start.elapsed();
    let (_, conn) = stream.get_ref();
    let version = match conn.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3",
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2",
        _ => "TLS",
    };
    let cipher = conn
        .negotiated_cipher_suite()
        .map(|c| format!("{:?}", c.suite()))
        .unwrap_or_default();
    let chain = keep.chain.lock().map(|c| c.clone()).unwrap_or_default();
    Ok(Handshake {
        version,
        cipher,
        took,
        chain,
    })
}

/// A failed handshake in words: an old protocol, plain HTTP on the port, or the stack's own.
fn handshake_error(e: &std::io::Error) -> String {
    let inner = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>());
    match inner {
        Some(rustls::Error::AlertReceived(rustls::AlertDescription::ProtocolVersion))
        | Some(rustls::Error::PeerIncompatible(
            rustls::PeerIncompatible::ServerDoesNotSupportTls12Or13
            | rustls::PeerIncompatible::SupportedVersionsExtensionRequired,
        )) => "the server offers no TLS version the provider's client speaks (TLS 1.2 or 1.3); it offers only an older one".to_string(),
        Some(rustls::Error::InvalidMessage(_)) => format!(
            "the server did not answer in TLS ({e}): is this port plain HTTP?"
        ),
        Some(rustls::Error::AlertReceived(alert)) => {
            format!("the server broke off the handshake with the alert {alert:?}")
        }
        _ => format!("the handshake failed: {e}"),
    }
}

/// The parts of a certificate the lines quote.
struct Parsed {
    subject: String,
    issuer: String,
    self_signed: bool,
    not_before: i64,
    not_after: i64,
    names: Vec<String>,
    /// Where the issuer's certificate can be fetched (Authority Information Access), which a
    /// CA writes into the certificates it issues from an intermediate.
    ca_issuers: Vec<String>,
}

fn parse(der: &[u8]) -> Option<Parsed> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let mut names = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            match n {
                GeneralName::DNSName(d) => names.push((*d).to_string()),
                GeneralName::IPAddress(b) => {
                    let ip = match b.len() {
                        4 => <[u8; 4]>::try_from(*b)
                            .ok()
                            .map(|o| std::net::IpAddr::from(o).to_string()),
                        16 => <[u8; 16]>::try_from(*b)
                            .ok()
                            .map(|o| std::net::IpAddr::from(o).to_string()),
                        _ => None,
                    };
                    names.extend(ip);
                }
                _ => {}
            }
        }
    }
    let mut ca_issuers = Vec::new();
    for ext in cert.extensions() {
        if let ParsedExtension::AuthorityInfoAccess(aia) = ext.parsed_extension() {
            for d in &aia.accessdescs {
                if d.access_method
                    == x509_parser::oid_registry::OID_PKIX_ACCESS_DESCRIPTOR_CA_ISSUERS
                    && let GeneralName::URI(u) = d.access_location
                {
                    ca_issuers.push(u.to_string());
                }
            }
        }
    }
    Some(Parsed {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        self_signed: cert.subject().as_raw() == cert.issuer().as_raw(),
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        names,
        ca_issuers,
    })
}

fn date(secs: i64) -> String {
    let t = UNIX_EPOCH + Duration::from_secs(secs.max(0).unsigned_abs());
    humantime::format_rfc3339_seconds(t).to_string()
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A line under the TLS heading.
fn line(id: &'static str, verdict: Verdict, fact: String, advice: Option<String>) -> Line {
    Line {
        advice,
        ..super::line(id, Heading::Tls, verdict, fact)
    }
}

/// The handshake line: which version, which cipher, what it cost.
pub fn handshake_line(h: &Handshake) -> Line {
    line(
        "tls-handshake",
        Verdict::Pass,
        format!(
            "{} ({}) in {}; {} certificate{} sent",
            h.version,
            h.cipher,
            crate::duration::human(h.took),
            h.chain.len(),
            if h.chain.len() == 1 { "" } else { "s" }
        ),
        None,
    )
}

/// The chain, name and date lines for what the server sent.
pub fn judge(h: &Handshake, host: &str, trust: &Trust) -> Vec<Line> {
    let Some(leaf_der) = h.chain.first() else {
        return vec![line(
            "tls-chain",
            Verdict::Fail,
            "the server sent no certificate".into(),
            None,
        )];
    };
    let Some(leaf) = parse(leaf_der) else {
        return vec![line(
            "tls-chain",
            Verdict::Fail,
            "the server's certificate does not parse as X.509".into(),
            Some("serve a PEM certificate issued by a public CA".into()),
        )];
    };
    vec![
        chain_line(h, &leaf, trust),
        name_line(leaf_der, &leaf, host),
        dates_line(&leaf),
    ]
}

/// Whether the chain the server sent leads to a trusted root, judged at a moment the leaf is
/// valid (its dates are the dates line's business, not this one's).
fn chain_line(h: &Handshake, leaf: &Parsed, trust: &Trust) -> Line {
    let now = now_secs();
    let at = if (leaf.not_before..=leaf.not_after).contains(&now) {
        now
    } else {
        leaf.not_before + (leaf.not_after - leaf.not_before) / 2
    };
    let time = UnixTime::since_unix_epoch(Duration::from_secs(at.max(0).unsigned_abs()));
    let algs = provider().signature_verification_algorithms.all;
    let sent = h.chain.len();
    let verified = webpki::EndEntityCert::try_from(&h.chain[0]).and_then(|ee| {
        ee.verify_for_usage(
            algs,
            &trust.anchors,
            &h.chain[1..],
            time,
            webpki::KeyUsage::server_auth(),
            None,
            None,
        )
        .map(|p| p.anchor().subject.as_ref().to_vec())
    });
    match verified {
        Ok(_) => line(
            "tls-chain",
            Verdict::Pass,
            format!(
                "{sent} certificate{} sent, ending at a trusted root (issuer of the server's: {})",
                if sent == 1 { "" } else { "s" },
                leaf.issuer
            ),
            None,
        ),
        Err(webpki::Error::UnknownIssuer) => unknown_issuer(h, leaf),
        Err(e) => line(
            "tls-chain",
            Verdict::Fail,
            format!("the chain the server sent does not verify: {e:?}"),
            Some("serve the certificate with its full chain as your CA issued it".into()),
        ),
    }
}

/// Why no trusted root was reached, in the words the common causes need.
fn unknown_issuer(h: &Handshake, leaf: &Parsed) -> Line {
    let sent_issuer = h.chain[1..]
        .iter()
        .filter_map(|c| parse(c))
        .any(|c| c.subject == leaf.issuer);
    let (fact, advice) = if leaf.self_signed && h.chain.len() == 1 {
        (
            format!("self-signed: the certificate for {} signs itself", leaf.subject),
            "the provider's client trusts no self-signed certificate; use one from a public CA (Let's Encrypt is free). `--ca-cert FILE` makes doctor trust your own CA, for checking a test set-up".to_string(),
        )
    } else if !sent_issuer && !leaf.ca_issuers.is_empty() {
        (
            format!(
                "missing intermediate: the server sends its certificate without the intermediate that issued it, `{}` (the certificate says it is at {})",
                leaf.issuer,
                leaf.ca_issuers.join(", ")
            ),
            "browsers fetch a missing intermediate themselves; the provider's HTTP client does not, and refuses the connection. Serve the full chain: the certificate followed by its intermediate (fullchain.pem with certbot; ssl_certificate in nginx takes that file)".to_string(),
        )
    } else if !sent_issuer {
        (
            format!(
                "issued by `{}`, which the server does not send and which is not a trusted root",
                leaf.issuer
            ),
            "if that is an intermediate, serve the full chain (fullchain.pem); if it is your own CA, the provider does not trust it: use a certificate from a public CA".to_string(),
        )
    } else {
        let top = h
            .chain
            .last()
            .and_then(|c| parse(c))
            .map(|c| c.issuer)
            .unwrap_or_default();
        (
            format!("the chain ends at `{top}`, which is not a trusted root"),
            "the provider trusts the public roots only: use a certificate from a public CA, not a private one".to_string(),
        )
    };
    line("tls-chain", Verdict::Fail, fact, Some(advice))
}

fn name_line(leaf_der: &CertificateDer<'_>, leaf: &Parsed, host: &str) -> Line {
    let valid = ServerName::try_from(host).ok().is_some_and(|name| {
        webpki::EndEntityCert::try_from(leaf_der)
            .is_ok_and(|ee| ee.verify_is_valid_for_subject_name(&name).is_ok())
    });
    let names = if leaf.names.is_empty() {
        "no subject alternative name".to_string()
    } else {
        leaf.names.join(", ")
    };
    if valid {
        line(
            "tls-name",
            Verdict::Pass,
            format!("valid for {host} (names: {names})"),
            None,
        )
    } else {
        line(
            "tls-name",
            Verdict::Fail,
            format!("the certificate is for {names}, not {host}"),
            Some(format!(
                "serve a certificate whose subject alternative names include {host}, or give the provider a URL on a name the certificate covers"
            )),
        )
    }
}

fn dates_line(leaf: &Parsed) -> Line {
    let now = now_secs();
    let days_left = (leaf.not_after - now).div_euclid(86_400);
    if now < leaf.not_before {
        line(
            "tls-dates",
            Verdict::Fail,
            format!("not valid yet: valid from {}", date(leaf.not_before)),
            Some("check the server's clock and the certificate's dates".into()),
        )
    } else if now > leaf.not_after {
        line(
            "tls-dates",
            Verdict::Fail,
            format!(
                "expired on {} ({} days ago)",
                date(leaf.not_after),
                (now - leaf.not_after).div_euclid(86_400)
            ),
            Some("renew the certificate (certbot renew) and reload the server".into()),
        )
    } else if days_left < EXPIRY_WARN_DAYS {
        line(
            "tls-dates",
            Verdict::Warn,
            format!("expires on {} (in {days_left} days)", date(leaf.not_after)),
            Some("renew it now; check that automatic renewal runs".into()),
        )
    } else {
        line(
            "tls-dates",
            Verdict::Pass,
            format!(
                "valid until {} ({days_left} days left)",
                date(leaf.not_after)
            ),
            None,
        )
    }
}
