//! The `drift` job: what a folder of recordings says about the docs, per family and stage.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::JobError;
use crate::family::detect::{self, Detected};
use crate::outcome::drift::{Drift, DriftGroup};

/// The JSON bodies of a recorded folder's custom deliveries with the file each came from.
type Bodies = Vec<(String, serde_json::Value)>;

/// The bodies, and the files that gave none (said, so nothing is skipped silently).
fn recorded_bodies(dir: &Path) -> Result<(Bodies, Vec<String>), JobError> {
    let scenarios = crate::scenario::load_paths(&[dir.to_path_buf()], crate::family::video())
        .map_err(|e| match e {
            crate::scenario::LoadError::Path(p) => JobError::Unreadable(p),
            crate::scenario::LoadError::Invalid(ds) => JobError::Usage(format!(
                "{} in the recorded files (run `suno-mock validate {}`)",
                crate::wire::words::plural(ds.len(), "error"),
                dir.display()
            )),
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
    Ok((out, skipped))
}

/// Per family and stage, the fields no documented body has and the documented fields no
/// recorded body had.
pub fn drift(dir: &Path) -> Result<Drift, JobError> {
    let (bodies, skipped) = recorded_bodies(dir)?;
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
    let groups = by
        .into_iter()
        .map(|((family, stage), (n, unknown, seen))| {
            let f = families[&(family.clone(), stage.clone())];
            let documented = detect::stage_paths(f, (stage != "failure").then_some(stage.as_str()));
            DriftGroup {
                missing: documented.difference(&seen).cloned().collect(),
                unknown: unknown.into_iter().collect(),
                bodies: n,
                family,
                stage,
            }
        })
        .collect();
    Ok(Drift {
        dir: dir.to_path_buf(),
        bodies: bodies.len(),
        groups,
        unidentified,
        skipped,
    })
}
