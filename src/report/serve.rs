//! `serve`'s banner (its URL, every endpoint with its polling path, the other routes, the
//! credits, the plan, what the callbacks will do) and its last line when stopped.

use std::fmt::Write as _;

use crate::duration::Dur;
use crate::outcome::serve::{Callbacks, ServeBanner, ServeTotals};

/// Paths of one kind, two to a line under a label.
fn paths(out: &mut String, label: &str, verb: &str, list: &[&str]) {
    for (i, pair) in list.chunks(2).enumerate() {
        let head = if i == 0 { label } else { "" };
        let _ = writeln!(out, "  {head:<18} {verb:<4} {}", pair.join("  "));
    }
}

pub fn banner(b: &ServeBanner) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "suno-mock serve: mock provider API on {} · seed {}",
        b.url, b.seed
    );
    let _ = writeln!(out, "  live page: {}", b.page);
    let key = if b.key_given {
        "the --api-key"
    } else {
        "any non-empty key"
    };
    let _ = writeln!(out, "  every request needs Authorization: Bearer <{key}>");
    for e in &b.endpoints {
        let name = if e.operation {
            format!("  {}", e.name)
        } else {
            e.name.clone()
        };
        match e.creates.as_slice() {
            [one] => {
                let _ = writeln!(out, "  {name:<18} POST {one:<35} GET {}?taskId=", e.poll);
            }
            many => {
                let _ = writeln!(
                    out,
                    "  {name:<18} POST {}  GET {}?taskId=",
                    many.join("  "),
                    e.poll
                );
            }
        }
    }
    let r = &b.routes;
    paths(&mut out, "media", "GET", &r.media);
    paths(&mut out, "credits", "GET", &[r.credit]);
    paths(&mut out, "answered at once", "POST", &r.answered_at_once);
    let _ = writeln!(out, "  {:<18} POST {}", "uploads", r.uploads.join("  "));
    let _ = writeln!(out, "  {:<18} GET  {} (the downloadUrl)", "", r.files);
    paths(&mut out, "the mock's own", "GET", &r.inspect);
    let _ = writeln!(
        out,
        "credits: {} · rate limit: {}",
        b.credits,
        match b.rate_limit {
            Some((n, d)) => format!("{n} creates every {}", Dur(d)),
            None => "off".into(),
        }
    );
    if let Some((name, summary)) = &b.plan {
        let _ = writeln!(out, "plan: {name} ({summary}), then the flags");
    }
    let outcome = match b.callbacks {
        Callbacks::Random { failure_rate, code } => format!(
            "random ({:.0}% fail with code {code})",
            failure_rate * 100.0
        ),
        Callbacks::Failure { code } => format!("failure (code {code})"),
        Callbacks::Success => "success".into(),
    };
    let _ = writeln!(
        out,
        "callbacks: {outcome} after {}, {} duplicate(s), media {}, deadline {}, {} retries · Ctrl-C stops",
        Dur(b.generation_time),
        b.duplicates,
        b.media,
        match b.deadline {
            Some(d) => Dur(d).to_string(),
            None => "15s (replace-section 10s)".into(),
        },
        b.retries
    );
    out
}

/// The line `serve` ends with.
pub fn stopped(t: &ServeTotals) -> String {
    format!(
        "stopped: {}, {}\n",
        super::count(t.tasks as usize, "task", "tasks"),
        super::count(t.attempts as usize, "callback attempt", "callback attempts")
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::outcome::serve::{Endpoint, Routes};

    /// A banner built by hand: the endpoint list's layout and every line after it.
    #[test]
    fn the_banner_lists_every_route_it_is_given() {
        let b = ServeBanner {
            url: "http://127.0.0.1:8080".into(),
            page: "http://127.0.0.1:8080/_mock/ui?token=0123abcd".into(),
            seed: 7,
            key_given: false,
            endpoints: vec![
                Endpoint {
                    name: "music".into(),
                    operation: false,
                    creates: vec!["/api/v1/generate"],
                    poll: "/api/v1/generate/record-info",
                },
                Endpoint {
                    name: "extend".into(),
                    operation: true,
                    creates: vec!["/api/v1/generate/extend"],
                    poll: "/api/v1/generate/record-info",
                },
                Endpoint {
                    name: "validate".into(),
                    operation: true,
                    creates: vec!["/api/v1/voice/validate", "/api/v1/voice/regenerate"],
                    poll: "/api/v1/voice/validate-info",
                },
            ],
            routes: Routes {
                media: vec!["/videos/<taskId>.mp4", "/media/<taskId>/<file>"],
                credit: "/api/v1/generate/credit",
                answered_at_once: vec!["/a", "/b", "/c"],
                uploads: vec!["/u1", "/u2"],
                files: "/files/<filePath>",
                inspect: vec!["/_mock/tasks", "/_mock/deliveries"],
            },
            credits: 16,
            rate_limit: Some((20, Duration::from_secs(10))),
            plan: None,
            callbacks: Callbacks::Random {
                failure_rate: 0.25,
                code: 500,
            },
            generation_time: Duration::from_millis(1500),
            duplicates: 0,
            media: "normal".into(),
            deadline: None,
            retries: 3,
        };
        insta::assert_snapshot!(banner(&b), @r"
        suno-mock serve: mock provider API on http://127.0.0.1:8080 · seed 7
          live page: http://127.0.0.1:8080/_mock/ui?token=0123abcd
          every request needs Authorization: Bearer <any non-empty key>
          music              POST /api/v1/generate                    GET /api/v1/generate/record-info?taskId=
            extend           POST /api/v1/generate/extend             GET /api/v1/generate/record-info?taskId=
            validate         POST /api/v1/voice/validate  /api/v1/voice/regenerate  GET /api/v1/voice/validate-info?taskId=
          media              GET  /videos/<taskId>.mp4  /media/<taskId>/<file>
          credits            GET  /api/v1/generate/credit
          answered at once   POST /a  /b
                             POST /c
          uploads            POST /u1  /u2
                             GET  /files/<filePath> (the downloadUrl)
          the mock's own     GET  /_mock/tasks  /_mock/deliveries
        credits: 16 · rate limit: 20 creates every 10s
        callbacks: random (25% fail with code 500) after 1500ms, 0 duplicate(s), media normal, deadline 15s (replace-section 10s), 3 retries · Ctrl-C stops
        ");
    }
}
