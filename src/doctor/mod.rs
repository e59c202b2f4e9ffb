//! `suno-mock doctor URL`: the provider's troubleshooting list walked against a deployed
//! callback URL, one line per check (pass, warn, fail or skip) with the fact it rests on and
//! what to do. Network steps stop at the deadline each; nothing connects to a non-public
//! address other than loopback unless the user says so.

mod address;
mod answer;
mod tls;

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

pub use address::{NotPublic, classify};
pub use tls::{CaCertError, EXPIRY_WARN_DAYS, Trust};

pub use crate::outcome::doctor::{Heading, Line, Report};

use crate::family::Family;
use crate::rules::Verdict;
use crate::secrets::Secrets;

/// What `doctor` looks at and how.
pub struct Options {
    pub url: url::Url,
    pub family: &'static Family,
    /// The bound on each network step.
    pub timeout: Duration,
    /// Connect to private, link-local and other non-public addresses too.
    pub allow_private: bool,
    pub trust: Trust,
    /// Addresses to use for a host name instead of looking it up (`--resolve HOST:ADDR`).
    pub resolve: Vec<(String, IpAddr)>,
    /// Send the failure callback (`--no-send`: stop before it).
    pub send: bool,
    pub hmac_key: Option<String>,
    pub token_param: Option<String>,
    /// Of the test callback's task id.
    pub seed: u64,
}

/// The secrets of these options: the HMAC key, the URL's token and password.
pub fn secrets(o: &Options) -> Secrets {
    let mut s = Secrets::default();
    if let Some(k) = &o.hmac_key {
        s.add(k);
    }
    if let Some(p) = o.url.password() {
        s.add(p);
    }
    if let Some(param) = &o.token_param {
        for (k, v) in o.url.query_pairs() {
            if k == param.as_str() {
                s.add(&v);
            }
        }
    }
    s
}

/// The URL with its password and token masked.
pub fn shown_url(o: &Options) -> String {
    let mut u = o.url.clone();
    if u.password().is_some() {
        let _ = u.set_password(Some(crate::secrets::MASK));
    }
    crate::secrets::mask_query_param(&u, o.token_param.as_deref())
}

fn line(id: &'static str, heading: Heading, verdict: Verdict, fact: String) -> Line {
    Line {
        id,
        heading,
        verdict,
        fact,
        advice: None,
    }
}

fn advise(mut l: Line, advice: impl Into<String>) -> Line {
    l.advice = Some(advice.into());
    l
}

fn skipped(id: &'static str, heading: Heading, why: &str) -> Line {
    advise(line(id, heading, Verdict::Skip, "not tried".into()), why)
}

/// The lines after a step that stopped the walk, each skipped for `why`.
fn skip_rest(lines: &mut Vec<Line>, https: bool, send: bool, why: &str) {
    let mut rest = vec![("connect", Heading::Network)];
    if https {
        rest.extend([
            ("tls-handshake", Heading::Tls),
            ("tls-chain", Heading::Tls),
            ("tls-name", Heading::Tls),
            ("tls-dates", Heading::Tls),
        ]);
    }
    if send {
        rest.extend([
            ("answer", Heading::Response),
            ("answer-time", Heading::Response),
        ]);
    }
    for (id, h) in rest {
        if !lines.iter().any(|l| l.id == id) {
            lines.push(skipped(id, h, why));
        }
    }
}

/// The URL's own lines: https (best practice 1) and its form.
fn url_lines(url: &url::Url) -> Vec<Line> {
    let https = if url.scheme() == "https" {
        line(
            "https",
            Heading::Url,
            Verdict::Pass,
            "https: callbacks are encrypted on the way".into(),
        )
    } else if crate::rules::is_loopback(url) {
        advise(
            line(
                "https",
                Heading::Url,
                Verdict::Warn,
                "http, on this machine: fine for a local test, but the URL you give the provider must be https".into(),
            ),
            "deploy the receiver behind TLS (a reverse proxy such as nginx or Caddy, or your platform's HTTPS) and give the provider the https URL",
        )
    } else {
        advise(
            line(
                "https",
                Heading::Url,
                Verdict::Warn,
                "http: callbacks (task ids, media URLs, a token in the URL) cross the internet in clear; the page's first best practice is https".into(),
            ),
            "serve the receiver over TLS and give the provider the https URL",
        )
    };
    let mut problems = Vec::new();
    let mut advice = Vec::new();
    if !url.username().is_empty() || url.password().is_some() {
        problems.push("it carries a user name and password".to_string());
        advice.push("the provider does not document sending them; check the source with a token parameter or the signature instead");
    }
    if url.path() == "/" || url.path().is_empty() {
        problems.push("it has no path: callbacks go to the site's root".to_string());
        advice.push("give the path your receiver's route is on, like /api/suno/callback");
    }
    if let Some(f) = url.fragment() {
        problems.push(format!(
            "it has a fragment (#{f}), which never reaches the server"
        ));
        advice.push("remove the #fragment");
    }
    let form = if problems.is_empty() {
        line(
            "url-form",
            Heading::Url,
            Verdict::Pass,
            format!("path {}, no user name or password, no fragment", url.path()),
        )
    } else {
        advise(
            line("url-form", Heading::Url, Verdict::Warn, problems.join("; ")),
            advice.join("; "),
        )
    };
    vec![https, form]
}

/// Why a host name gave no address: the fact of the `resolve` line.
#[derive(Debug, thiserror::Error)]
enum Unresolved {
    #[error("{host} did not resolve within {}", crate::duration::Dur(*within))]
    Silent { host: String, within: Duration },
    #[error("{host} does not resolve: {source}")]
    Failed {
        host: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{host} resolves to no address")]
    NoAddress { host: String },
}

/// The host's addresses (the URL's own, those `--resolve` gives, or a lookup) and how they
/// were found.
async fn resolve(o: &Options, host: &str, port: u16) -> Result<(Vec<IpAddr>, String), Unresolved> {
    if let Some(ip) = o.url.host().and_then(|h| match h {
        url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        url::Host::Domain(_) => None,
    }) {
        return Ok((
            vec![ip],
            format!("the URL names the address {ip} itself: no lookup"),
        ));
    }
    let given: Vec<IpAddr> = o
        .resolve
        .iter()
        .filter(|(h, _)| h.eq_ignore_ascii_case(host))
        .map(|(_, ip)| *ip)
        .collect();
    if !given.is_empty() {
        let fact = format!("{host} is {} (as --resolve says; no lookup)", list(&given));
        return Ok((given, fact));
    }
    let start = Instant::now();
    match tokio::time::timeout(o.timeout, tokio::net::lookup_host((host, port))).await {
        Err(_) => Err(Unresolved::Silent {
            host: host.to_string(),
            within: o.timeout,
        }),
        Ok(Err(source)) => Err(Unresolved::Failed {
            host: host.to_string(),
            source,
        }),
        Ok(Ok(addrs)) => {
            let mut ips: Vec<IpAddr> = Vec::new();
            for a in addrs {
                if !ips.contains(&a.ip()) {
                    ips.push(a.ip());
                }
            }
            if ips.is_empty() {
                return Err(Unresolved::NoAddress {
                    host: host.to_string(),
                });
            }
            let fact = format!(
                "{host} is {} (looked up in {})",
                list(&ips),
                crate::duration::human(start.elapsed())
            );
            Ok((ips, fact))
        }
    }
}

fn list(ips: &[IpAddr]) -> String {
    let v: Vec<String> = ips.iter().map(IpAddr::to_string).collect();
    crate::wire::words::and_list(&v)
}

/// Connects to each address; the first connection that comes up is kept for TLS.
async fn connect(addrs: &[SocketAddr], timeout: Duration) -> (Line, Option<tokio::net::TcpStream>) {
    let mut kept = None;
    let mut good = Vec::new();
    let mut bad = Vec::new();
    // Addresses this machine has no route to (an IPv6 address on a host without IPv6): not
    // checked from here, which says nothing of the provider's reach.
    let mut unchecked = Vec::new();
    let mut advice = None;
    for addr in addrs {
        let start = Instant::now();
        match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(addr)).await {
            Ok(Ok(s)) => {
                good.push(format!(
                    "{addr} accepted in {}",
                    crate::duration::human(start.elapsed())
                ));
                if kept.is_none() {
                    kept = Some(s);
                }
            }
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                bad.push(format!(
                    "{addr} refused the connection: nothing listens there"
                ));
                advice.get_or_insert("start the receiver, or check the port in the URL and the firewall in front of it");
            }
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::NetworkUnreachable => {
                unchecked.push(format!(
                    "{addr} not checked: this machine has no route to it ({e})"
                ));
            }
            Ok(Err(e)) => {
                bad.push(format!("{addr}: {e}"));
                advice.get_or_insert("check the route to the server and its firewall");
            }
            Err(_) => {
                bad.push(format!(
                    "{addr} did not answer the connection within {}",
                    crate::duration::Dur(timeout)
                ));
                advice.get_or_insert("a firewall (or security group) drops connections to this port: allow inbound TCP on it from the internet");
            }
        }
    }
    // Which address families this machine could not reach, for the advice.
    let families = {
        let mut f: Vec<&str> = Vec::new();
        for a in addrs {
            let name = if a.is_ipv4() { "IPv4" } else { "IPv6" };
            if unchecked.iter().any(|u| u.starts_with(&a.to_string())) && !f.contains(&name) {
                f.push(name);
            }
        }
        f.join(" and ")
    };
    let route_advice = format!(
        "run doctor from a machine with a route to {} addresses to check {}",
        families,
        if good.is_empty() {
            "the URL"
        } else {
            "them too"
        }
    );
    let verdict = match (bad.is_empty(), unchecked.is_empty(), good.is_empty()) {
        (false, _, _) => Verdict::Fail,
        // Nothing could be tried from here: that is no evidence the provider gets through.
        (true, false, true) => {
            advice = None;
            Verdict::Inconclusive
        }
        (true, false, false) => Verdict::Warn,
        (true, true, _) => Verdict::Pass,
    };
    let advice = match verdict {
        Verdict::Inconclusive | Verdict::Warn => Some(route_advice),
        _ => advice.map(str::to_string),
    };
    let mut facts = good;
    facts.extend(bad);
    facts.extend(unchecked);
    let l = line("connect", Heading::Network, verdict, facts.join("; "));
    (
        match advice {
            Some(a) => advise(l, a),
            None => l,
        },
        kept,
    )
}

/// Walks the checklist.
pub async fn run(o: &Options) -> Report {
    let start = Instant::now();
    // Mixed, so seeds 1, 2, 3 do not give ids that differ in one digit.
    let mixed = o.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
    let task_id = format!("doctor-{:012x}", mixed & 0xffff_ffff_ffff);
    let https = o.url.scheme() == "https";
    let mut lines = url_lines(&o.url);
    let host = o.url.host_str().unwrap_or_default().to_string();
    // A bracketed IPv6 literal is looked up and named without its brackets.
    let bare_host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = o.url.port_or_known_default().unwrap_or(443);
    let report = |lines: Vec<Line>| Report {
        url: shown_url(o),
        task_id: task_id.clone(),
        lines,
        took: start.elapsed(),
    };

    let (ips, fact) = match resolve(o, &bare_host, port).await {
        Ok(r) => r,
        Err(e) => {
            lines.push(advise(
                line("resolve", Heading::Network, Verdict::Fail, e.to_string()),
                "check the name's DNS records (A or AAAA) where the domain is hosted, and that the name in the URL is spelled as registered",
            ));
            lines.push(skipped(
                "public",
                Heading::Network,
                "the name has no address to judge",
            ));
            skip_rest(&mut lines, https, o.send, "the name does not resolve");
            return report(lines);
        }
    };
    lines.push(line("resolve", Heading::Network, Verdict::Pass, fact));

    let kinds: Vec<(IpAddr, Option<NotPublic>)> =
        ips.iter().map(|ip| (*ip, classify(*ip))).collect();
    let unreachable: Vec<String> = kinds
        .iter()
        .filter_map(|(ip, k)| {
            k.map(|k| format!("the provider cannot reach {ip} ({})", k.describe()))
        })
        .collect();
    if unreachable.is_empty() {
        lines.push(line(
            "public",
            Heading::Network,
            Verdict::Pass,
            format!(
                "{} public",
                if ips.len() == 1 {
                    "it is"
                } else {
                    "every address is"
                }
            ),
        ));
    } else {
        lines.push(advise(
            line("public", Heading::Network, Verdict::Fail, unreachable.join("; ")),
            "the callback URL must be reachable from the internet: deploy the receiver on a public host, or expose this one through a tunnel (ngrok, cloudflared) while you test",
        ));
    }
    // Loopback is this machine: safe to connect to. Other non-public addresses are someone's
    // network: only when told.
    let allowed: Vec<SocketAddr> = kinds
        .iter()
        .filter(|(_, k)| match k {
            None | Some(NotPublic::Loopback) => true,
            Some(NotPublic::Unspecified) => false,
            Some(_) => o.allow_private,
        })
        .map(|(ip, _)| SocketAddr::new(*ip, port))
        .collect();
    let held_back: Vec<IpAddr> = kinds
        .iter()
        .map(|(ip, _)| *ip)
        .filter(|ip| !allowed.iter().any(|a| a.ip() == *ip))
        .collect();
    if allowed.is_empty() {
        let why = format!(
            "doctor does not connect to {} (not public; --allow-private connects to private addresses anyway)",
            list(&held_back)
        );
        skip_rest(&mut lines, https, o.send, &why);
        return report(lines);
    }

    let (connect_line, stream) = connect(&allowed, o.timeout).await;
    lines.push(connect_line);
    let Some(stream) = stream else {
        skip_rest(&mut lines, https, o.send, "no connection came up");
        return report(lines);
    };

    let mut tls_refused = false;
    if https {
        match tls::handshake(stream, &bare_host, o.timeout).await {
            Ok(h) => {
                lines.push(tls::handshake_line(&h));
                let judged = tls::judge(&h, &bare_host, &o.trust);
                tls_refused = judged.iter().any(|l| l.verdict == Verdict::Fail);
                lines.extend(judged);
            }
            Err(e) => {
                lines.push(advise(
                    line("tls-handshake", Heading::Tls, Verdict::Fail, e.to_string()),
                    "serve TLS 1.2 or 1.3 with a certificate from a public CA on this port",
                ));
                for id in ["tls-chain", "tls-name", "tls-dates"] {
                    lines.push(skipped(
                        id,
                        Heading::Tls,
                        "no certificate: the handshake failed",
                    ));
                }
                tls_refused = true;
            }
        }
    } else {
        drop(stream);
    }

    if !o.send {
        skip_rest(&mut lines, https, true, "--no-send: no callback was sent");
    } else if tls_refused {
        skip_rest(
            &mut lines,
            https,
            true,
            "not sent: the provider's client refuses this TLS connection (above), so no callback can arrive",
        );
    } else {
        lines.extend(answer::send(o, &task_id, &allowed).await);
    }
    report(lines)
}
