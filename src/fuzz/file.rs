//! A finding as a scenario file `suno-mock run` replays: the minimal body byte for byte, its
//! content type, and the expectation a fixed receiver meets (any answer below 500 within the
//! deadline); for a receiver that stopped answering, every case since it last answered well
//! and then a well-formed callback that must be acknowledged.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::case::Request;
use super::config::FuzzConfig;
use super::finding::{Breakage, Finding};
use crate::duration::Dur;
use crate::scenario::write::{body_line, quoted};

/// `03-server-error-data.task_id.yaml`.
pub fn name(f: &Finding) -> String {
    let place = f
        .case
        .mutations
        .first()
        .map(|m| m.place())
        .unwrap_or_default();
    let place = crate::record::sanitize(&place.replace("[]", ""));
    let mut name = format!("{:02}-{}", f.number, f.breakage.name());
    if f.breakage != Breakage::Unresponsive && !place.is_empty() {
        name.push('-');
        name.push_str(&place);
    }
    name + ".yaml"
}

fn delivery(out: &mut String, task: &str, r: &Request, signed: bool) {
    let _ = writeln!(out, "  - deliver: custom\n    task: {task}");
    body_line(out, "    ", &r.body);
    match &r.content_type {
        Some(ct) if ct == "application/json" => {}
        Some(ct) => {
            let _ = writeln!(out, "    headers: {{\"Content-Type\": {}}}", quoted(ct));
        }
        None => out.push_str("    remove_headers: [Content-Type]\n"),
    }
    let _ = writeln!(
        out,
        "    auth: {}",
        if signed { "genuine" } else { "unsigned" }
    );
}

/// The scenario text of a finding.
pub fn render(cfg: &FuzzConfig, f: &Finding) -> String {
    let mut out = String::new();
    let deadline = Dur(cfg.policy.timeout);
    let _ = writeln!(
        out,
        "# Found by suno-mock fuzz: finding {} of seed {}, family {}.",
        f.number, cfg.seed, cfg.family.id
    );
    if f.breakage == Breakage::Unresponsive {
        let _ = writeln!(
            out,
            "# The cases sent since the receiver last answered well (case {} was {}); after them",
            f.case.index,
            f.answer.describe()
        );
        out.push_str(
            "# it no longer answered a well-formed callback. Restart it before replaying.\n",
        );
    } else {
        let _ = writeln!(
            out,
            "# Case {}: {}{}; the receiver {}.",
            f.case.index,
            f.case.base.describe(),
            if f.case.mutations.is_empty() {
                ", unchanged"
            } else {
                " changed as below"
            },
            f.answer.describe()
        );
        for m in &f.case.mutations {
            let _ = writeln!(out, "#   - {}", m.describe());
        }
        let _ = writeln!(
            out,
            "# {}",
            if f.shrunk {
                format!(
                    "Shrunk in {}: no smaller change still breaks it.",
                    crate::wire::words::count(f.tries as usize, "try", "tries")
                )
            } else {
                "Not shrunk to the end (the budget or Ctrl-C cut it short).".to_string()
            }
        );
    }
    let mut replay = String::from("# Replay: suno-mock run THIS-FILE --receiver URL");
    if cfg.signed {
        replay.push_str(" --hmac-key KEY");
    }
    let _ = writeln!(
        out,
        "{replay}\n# It passes once the receiver answers below 500 within {deadline}."
    );
    let _ = writeln!(
        out,
        "name: {}",
        quoted(&format!("fuzz finding {}: {}", f.number, f.title()))
    );
    let _ = writeln!(out, "family: {}", cfg.family.id);
    let _ = writeln!(out, "sender: {{ timeout: {deadline}, retries: 0 }}");
    out.push_str("steps:\n");
    let expect = format!("    expect: {{ status: [2xx, 3xx, 4xx], within: {deadline} }}\n");
    if f.breakage == Breakage::Unresponsive {
        for (c, r) in f.window.iter().zip(&f.requests) {
            let _ = writeln!(out, "  # case {}", c.index);
            delivery(&mut out, &format!("case{}", c.index), r, cfg.signed);
        }
        out.push_str("  - deliver: success\n    task: well-formed\n");
        let _ = writeln!(out, "    expect: {{ status: 2xx, within: {deadline} }}");
    } else if let Some(r) = f.requests.first() {
        delivery(&mut out, "fuzzed", r, cfg.signed);
        out.push_str(&expect);
    }
    out
}

/// Writes the finding's file under `--out`, atomically; returns its path.
pub fn write(cfg: &FuzzConfig, f: &Finding) -> Result<PathBuf, crate::record::FileError> {
    std::fs::create_dir_all(&cfg.out).map_err(|source| crate::record::FileError {
        action: "create",
        path: cfg.out.clone(),
        source,
    })?;
    let path = cfg.out.join(name(f));
    crate::record::write_atomically(&path, &render(cfg, f))?;
    Ok(path)
}
