//! `suno-mock record` (capture and forward, until Ctrl-C) and `suno-mock drift` (what the
//! recordings say about the docs).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::args::RecordArgs;
use super::session::runtime;
use crate::duration::Dur;
use crate::exit;
use crate::family::detect::{self, Detected};
use crate::record::{self, RecordConfig};

pub fn run(a: RecordArgs) -> i32 {
    let cfg = RecordConfig {
        forward_to: a.forward_to.clone(),
        answer: a.answer,
        out: a.out.clone(),
        keep_secrets: a.keep_secrets,
        timeout: a.timeout.0,
        max_body: a.max_body,
        log: true,
    };
    let result = runtime().and_then(|rt| {
        rt.block_on(async {
            let running = record::start(cfg, a.listen)
                .await
                .map_err(|m| super::session::Fatal(exit::HARNESS, m))?;
            crate::console::outln!(
                "suno-mock record: callbacks on {}/ · {} · files in {} · Ctrl-C stops",
                running.server.url(),
                match &a.forward_to {
                    Some(u) => format!(
                        "forwarded to {} (deadline {})",
                        crate::secrets::mask_query_values(u),
                        Dur(a.timeout.0)
                    ),
                    None => format!("answered {} here", a.answer),
                },
                a.out.display()
            );
            if a.keep_secrets {
                crate::console::outln!(
                    "--keep-secrets: signatures, timestamps and tokens are written as they came"
                );
            }
            let _ = tokio::signal::ctrl_c().await;
            crate::console::outln!(
                "stopped: {} recorded in {}",
                crate::report::count(running.recorded(), "exchange", "exchanges"),
                a.out.display()
            );
            Ok(exit::SUCCESS)
        })
    });
    match result {
        Ok(c) => c,
        Err(super::session::Fatal(c, m)) => {
            crate::console::errln!("error: {m}");
            c
        }
    }
}

/// What a recorded folder holds for `drift`: the JSON bodies of its custom deliveries with the
/// file each came from, and the files that gave none (said, so nothing is skipped silently).
struct Recorded {
    bodies: Vec<(String, serde_json::Value)>,
    skipped: Vec<String>,
}

fn recorded_bodies(dir: &Path) -> Result<Recorded, String> {
    let scenarios = crate::scenario::load_paths(&[dir.to_path_buf()], crate::family::video())
        .map_err(|e| match e {
            crate::scenario::LoadError::Path(m) => m,
            crate::scenario::LoadError::Invalid(ds) => format!(
                "{} in the recorded files (run `suno-mock validate {}`)",
                crate::report::plural(ds.len(), "error"),
                dir.display()
            ),
        })?;
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for s in &scenarios {
        let before = out.len();
        for step in &s.scenario.steps {
            if let crate::scenario::Step::Deliver(d) = step {
                let bytes = match (&d.body, &d.body_base64, &d.json) {
                    (Some(b), _, _) => Some(b.as_bytes().to_vec()),
                    (_, Some(b64), _) => {
                        use base64::Engine as _;
                        base64::engine::general_purpose::STANDARD
                            .decode(b64.trim())
                            .ok()
                    }
                    (_, _, Some(j)) => Some(j.to_string().into_bytes()),
                    _ => None,
                };
                if let Some(v) = bytes.and_then(|b| serde_json::from_slice(&b).ok()) {
                    out.push((s.file.clone(), v));
                }
            }
        }
        if out.len() == before {
            skipped.push(s.file.clone());
        }
    }
    Ok(Recorded {
        bodies: out,
        skipped,
    })
}

/// `suno-mock drift DIR`: per family and stage, the fields no documented body has and the
/// documented fields no recorded body had. Exit 1 when there is any.
pub fn drift(dir: &Path) -> i32 {
    let Recorded { bodies, skipped } = match recorded_bodies(dir) {
        Ok(b) => b,
        Err(m) => {
            crate::console::errln!("error: {m}");
            return exit::USAGE;
        }
    };
    // (family, stage) -> (bodies, unknown field -> count, paths seen)
    type Seen = (usize, BTreeMap<String, usize>, BTreeSet<String>);
    let mut by: BTreeMap<(String, String), Seen> = BTreeMap::new();
    let mut unidentified = Vec::new();
    let mut families: BTreeMap<(String, String), &'static crate::family::Family> = BTreeMap::new();
    for (file, v) in &bodies {
        match detect::detect(v) {
            Some(Detected {
                family,
                stage,
                unknown,
            }) => {
                let key = (
                    family.id.to_string(),
                    stage.unwrap_or("failure").to_string(),
                );
                families.insert(key.clone(), family);
                let e = by.entry(key).or_default();
                e.0 += 1;
                for u in unknown {
                    *e.1.entry(u).or_default() += 1;
                }
                e.2.extend(detect::paths(v));
            }
            None => unidentified.push(file.clone()),
        }
    }
    crate::console::outln!(
        "suno-mock drift · {} in {}",
        crate::report::count(bodies.len(), "recorded JSON body", "recorded JSON bodies"),
        dir.display()
    );
    let mut drifted = !unidentified.is_empty();
    for ((family, stage), (n, unknown, seen)) in &by {
        let f = families[&(family.clone(), stage.clone())];
        let documented = detect::stage_paths(f, (stage != "failure").then_some(stage.as_str()));
        let missing: Vec<&String> = documented.difference(seen).collect();
        crate::console::outln!(
            "{family} {stage} ({}):",
            crate::report::count(*n, "body", "bodies")
        );
        if unknown.is_empty() && missing.is_empty() {
            crate::console::outln!("  matches the docs");
            continue;
        }
        drifted = true;
        if !unknown.is_empty() {
            let list: Vec<String> = unknown
                .iter()
                .map(|(p, c)| format!("{p} ({c} of {n})"))
                .collect();
            crate::console::outln!("  fields the docs do not know: {}", list.join(", "));
        }
        if !missing.is_empty() {
            let list: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
            crate::console::outln!(
                "  documented fields that never arrived: {}",
                list.join(", ")
            );
        }
    }
    if !unidentified.is_empty() {
        crate::console::outln!(
            "no family keeps its task id where these bodies do: {}",
            unidentified.join(", ")
        );
    }
    if !skipped.is_empty() {
        crate::console::outln!("skipped (no JSON body to compare): {}", skipped.join(", "));
    }
    if drifted { exit::FAILED } else { exit::SUCCESS }
}
