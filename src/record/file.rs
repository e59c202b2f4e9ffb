//! A task's recording as a scenario file in the project's format: each delivery a `custom`
//! step with its exact body (a JSON string, so replay sends it byte for byte), the headers
//! worth replaying, `auth` for its signing, the answer seen as its expectation, and the real
//! spacing between deliveries as waits, and no retries of the replay's own (the provider's
//! retries are recorded deliveries). Secrets are left out unless asked for.

use std::fmt::Write as _;

use super::{Exchange, TaskRecording};
use crate::scenario::write::{body_line, quoted};

fn rfc3339(t: std::time::SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}

/// The scenario file of one task.
pub fn render(t: &TaskRecording, keep_secrets: bool) -> String {
    render_by(t, keep_secrets, "Recorded by suno-mock record")
}

/// The scenario file of one task, its first line saying what wrote it (`record`, or `serve`'s
/// `Save as scenario`).
pub fn render_by(t: &TaskRecording, keep_secrets: bool, by: &str) -> String {
    let mut out = String::new();
    let family = t.family.map(|f| f.id);
    let _ = writeln!(
        out,
        "# {by}: {} of {}, from {}.",
        crate::wire::words::count(t.exchanges.len(), "delivery", "deliveries"),
        if t.key.starts_with("unidentified-") {
            "a request with no task id".to_string()
        } else {
            format!("task {}", t.key)
        },
        rfc3339(t.first_at)
    );
    let signed = t.exchanges.iter().any(|e| !e.signing.is_empty());
    let params: Vec<&str> = {
        let mut p: Vec<&str> = t
            .exchanges
            .iter()
            .flat_map(|e| e.query.iter().map(|(k, _)| k.as_str()))
            .collect();
        p.sort_unstable();
        p.dedup();
        p
    };
    let mut replay = String::from("# Replay: suno-mock run DIR --receiver URL");
    if signed && !keep_secrets {
        replay.push_str(" --hmac-key KEY (the deliveries were signed; replays are signed afresh)");
    }
    for p in &params {
        let _ = write!(replay, " --token-param {p} (with ?{p}=... on --receiver)");
    }
    let _ = writeln!(out, "{replay}");
    if keep_secrets {
        out.push_str(
            "# --keep-secrets: the signatures, timestamps and tokens below are the real ones.\n",
        );
        for e in t.exchanges.iter().take(1) {
            for (k, v) in &e.query {
                let _ = writeln!(out, "# query {k}={v}");
            }
        }
    }
    if family.is_none() {
        out.push_str(
            "# No documented family keeps its task id where this body does: replayed as-is.\n",
        );
    }
    let _ = writeln!(
        out,
        "name: {}",
        quoted(&format!(
            "recorded {} {}",
            family.unwrap_or("callback"),
            t.key
        ))
    );
    if let Some(f) = family {
        let _ = writeln!(out, "family: {f}");
    }
    // Each retry the provider made is a delivery of its own below: a replay that retried on
    // top would send more than was recorded.
    out.push_str("# The provider's retries are recorded as deliveries: the replay adds none.\n");
    out.push_str("sender: {retries: 0}\n");
    out.push_str("steps:\n");
    let mut previous: Option<std::time::Instant> = None;
    for e in &t.exchanges {
        if let Some(p) = previous {
            let gap = e.arrived.saturating_duration_since(p).as_millis();
            if gap > 0 {
                let _ = writeln!(out, "  - wait: {gap}ms");
            }
        }
        previous = Some(e.arrived);
        step(&mut out, e, keep_secrets);
    }
    out
}

fn step(out: &mut String, e: &Exchange, keep_secrets: bool) {
    out.push_str("  - deliver: custom\n    task: recorded\n");
    body_line(out, "    ", &e.body);
    let mut headers: Vec<(String, String)> = e.headers.clone();
    if keep_secrets {
        headers.extend(e.signing.iter().cloned());
    }
    // The sender adds its own Content-Type only when the recording has none.
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
    {
        let _ = writeln!(out, "    remove_headers: [Content-Type]");
    }
    if !headers.is_empty() {
        let pairs: Vec<String> = headers
            .iter()
            .map(|(k, v)| format!("{}: {}", quoted(k), quoted(v)))
            .collect();
        let _ = writeln!(out, "    headers: {{{}}}", pairs.join(", "));
    }
    let auth = if !e.signing.is_empty() && !keep_secrets {
        "genuine"
    } else {
        "unsigned"
    };
    let _ = writeln!(out, "    auth: {auth}");
    match &e.note {
        Some(n) => {
            let _ = writeln!(out, "    # {n}: the provider was answered {}", e.status);
        }
        None => {
            let _ = writeln!(out, "    expect: {{status: {}}}", e.status);
        }
    }
}
