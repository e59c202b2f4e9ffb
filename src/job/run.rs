//! The `run` job: scenario files loaded (every mistake of every file at once), what they
//! would do wrong said as warnings before anything is sent, then run on a session.

use super::progress::{OnProgress, hook};
use super::{JobError, Session};
use crate::family::Family;
use crate::outcome::RunOutcome;
use crate::scenario::{LoadedScenario, Step, load_paths};

/// Scenario files ready to run, with the warnings to say first.
pub struct Loaded {
    pub(super) scenarios: Vec<LoadedScenario>,
    pub warnings: Vec<String>,
}

/// Reads every scenario under `paths` for `family`; `builtin` when the built-in receiver takes
/// them (it takes one family's callbacks).
pub fn load(
    paths: &[std::path::PathBuf],
    family: &'static Family,
    builtin: bool,
) -> Result<Loaded, JobError> {
    let scenarios =
        load_paths(paths, family).map_err(|e| JobError::from_load(e, "scenario files"))?;
    let mut warnings: Vec<String> = scenarios
        .iter()
        .flat_map(|s| s.warnings.iter().cloned())
        .collect();
    warnings.extend(unknown_bodies(&scenarios));
    if builtin {
        warnings.extend(other_families(&scenarios, family));
    }
    Ok(Loaded {
        scenarios,
        warnings,
    })
}

/// Runs the loaded scenarios one after another; `on` hears of each as it starts and ends.
pub async fn run(
    s: &mut Session,
    loaded: &Loaded,
    on: Option<OnProgress>,
) -> Result<RunOutcome, JobError> {
    s.engine.events = on.map(|on| hook(on, None));
    s.engine
        .run(&loaded.scenarios)
        .await
        .map_err(|e| JobError::from(e).redacted(&s.secrets))
}

/// The built-in receiver takes one family's callbacks (`--family`): files for another family
/// would be refused (422) and retried, which says nothing of the files. Said before the run.
fn other_families(scenarios: &[LoadedScenario], family: &Family) -> Vec<String> {
    scenarios
        .iter()
        .filter(|s| s.family.id != family.id)
        .map(|s| {
            format!(
                "warning: {} is for the {} family, but the built-in receiver takes {} callbacks (--family {}): it refuses its deliveries; run it with --family {}",
                s.file, s.family.id, family.id, family.id, s.family.id
            )
        })
        .collect()
}

/// A custom JSON body in which no documented family finds its task id is replayed as-is; the
/// warning names its fields no family knows (recorded callbacks the docs do not describe).
/// A file that names its family (`family:`) knows what it sends: a fuzz finding's broken
/// bodies are broken on purpose, and are not warned about.
fn unknown_bodies(scenarios: &[LoadedScenario]) -> Vec<String> {
    let known: std::collections::BTreeSet<String> = crate::family::CATALOGUE
        .iter()
        .flat_map(|f| crate::family::detect::known_paths(f).iter().cloned())
        .collect();
    let mut out = Vec::new();
    for s in scenarios.iter().filter(|s| s.scenario.family.is_none()) {
        for (i, step) in s.scenario.steps.iter().enumerate() {
            let Step::Deliver(d) = step else {
                continue;
            };
            let Some(v) = d
                .body
                .as_deref()
                .and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok())
                .or_else(|| d.json.clone())
            else {
                continue;
            };
            if !v.is_object() || crate::family::detect::detect(&v).is_some() {
                continue;
            }
            let unknown: Vec<String> = crate::family::detect::paths(&v)
                .difference(&known)
                .cloned()
                .collect();
            out.push(format!(
                "warning: {}:{}: the body matches no documented family (none finds its task id there); it is sent as-is{}",
                s.file,
                s.step_lines.get(i).copied().unwrap_or(0),
                if unknown.is_empty() {
                    String::new()
                } else {
                    format!("; fields no family documents: {}", unknown.join(", "))
                }
            ));
        }
    }
    out
}
