//! `use-https`: the receiver URL is https (best practice 1). Judged on the URL alone; a
//! receiver on this machine is skipped, since the URL the provider gets is another one.

use super::judge::{Context, Finding, Judged};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};

pub const ID: &str = "use-https";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Should,
    summary: "the callback URL is https",
    explain: Explain {
        does: "looks at the receiver URL `check` delivered to (nothing is sent for it)",
        passes: "the URL is https. An http URL on this machine (localhost, 127.0.0.1, ::1) is a test set-up, not the URL the provider gets: the rule is skipped there, with that said. `suno-mock doctor URL` looks at the deployed URL itself: its certificate, chain and expiry",
        why: "the page's first best practice: \"Use HTTPS: Ensure your callback URL uses HTTPS protocol for secure data transmission\". Over http, every callback (task ids, media URLs, a token in the URL) crosses the internet in clear, and anyone on the path can read or forge it",
        fix: "serve the receiver over TLS (a reverse proxy such as nginx or Caddy in front of it, or your platform's HTTPS) with a certificate from a public CA, and give the provider the https URL",
    },
    whole_run: true,
    plan: Plan {
        phase: Phase::WellFormed,
        needs: Needs::TheUrl,
        rewrite: Rewrite::Nothing,
    },
    judge,
};

/// Whether `url` names this machine.
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn judge(ctx: &Context<'_>) -> Judged {
    Judged::new(finding(&ctx.run.receiver))
}

fn finding(receiver: &str) -> Finding {
    let Ok(url) = url::Url::parse(receiver) else {
        return Finding::Inconclusive(format!("`{receiver}` is not a URL to judge"));
    };
    let host = url.host_str().unwrap_or_default();
    match (url.scheme(), is_loopback(&url)) {
        ("https", _) => Finding::Ok(format!("the receiver URL is https ({host})")),
        (_, true) => Finding::Skip(format!(
            "the receiver is on this machine ({host}) over {}: fine for a test, but the URL you give the provider must be https (`suno-mock doctor URL` checks the deployed one)",
            url.scheme()
        )),
        (scheme, false) => Finding::Bad(format!(
            "the receiver URL is {scheme}://{host}: callbacks cross the network in clear; give the provider an https URL"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_passes_remote_http_warns_loopback_http_is_skipped() {
        assert!(matches!(
            finding("https://hooks.example.com/cb"),
            Finding::Ok(_)
        ));
        assert!(matches!(
            finding("https://127.0.0.1:8443/cb"),
            Finding::Ok(_)
        ));
        assert!(matches!(
            finding("http://hooks.example.com/cb"),
            Finding::Bad(_)
        ));
        assert!(matches!(
            finding("http://10.0.0.5:8080/cb"),
            Finding::Bad(_)
        ));
        for local in [
            "http://127.0.0.1:3000/callback",
            "http://localhost:3000/callback",
            "http://[::1]:3000/callback",
            "http://api.localhost/cb",
        ] {
            match finding(local) {
                Finding::Skip(r) => assert!(r.contains("must be https"), "{r}"),
                _ => panic!("{local} is not skipped"),
            }
        }
    }
}
