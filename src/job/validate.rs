//! The `validate` job: scenario files and serve plans (a file with `tasks:` and no `steps:`)
//! linted, every mistake of every file at once; and the JSON Schemas `schema` prints.

use std::path::PathBuf;

use super::JobError;
use crate::family::Family;
use crate::outcome::validate::Valid;
use crate::scenario::{LoadError, Scenario, load_paths};

/// Every file under `paths` checked: the valid ones in the order they are said (plans first),
/// or every diagnostic of every invalid one.
pub fn validate(paths: &[PathBuf], family: &'static Family) -> Result<Vec<Valid>, JobError> {
    let mut files = Vec::new();
    for p in paths {
        crate::scenario::load::collect(p, &mut files)?;
    }
    let mut valid = Vec::new();
    let mut scenario_files = Vec::new();
    let mut plan_errors = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        if !crate::scenario::looks_like_plan(&text) {
            scenario_files.push(f);
            continue;
        }
        let name = f.display().to_string();
        match crate::scenario::parse_serve_plan(&name, &text) {
            Ok((plan, warnings)) => valid.push(Valid::Plan {
                file: name,
                tasks: plan.tasks.len(),
                warnings: warnings.iter().map(|w| w.render(Some(&text))).collect(),
            }),
            Err(ds) => plan_errors.extend(ds.into_iter().map(|d| (d, Some(text.clone())))),
        }
    }
    let scenarios = if scenario_files.is_empty() {
        Ok(Vec::new())
    } else {
        load_paths(&scenario_files, family)
    };
    let within = match (plan_errors.is_empty(), &scenarios) {
        (true, _) => "scenario files",
        (false, Err(LoadError::Invalid(_))) => "scenario files and plans",
        (false, _) => "serve plans",
    };
    let scenarios = match (scenarios, plan_errors.is_empty()) {
        (Ok(s), true) => Ok(s),
        (Ok(_), false) => Err(LoadError::Invalid(plan_errors)),
        (Err(LoadError::Invalid(mut ds)), _) => {
            ds.extend(plan_errors);
            Err(LoadError::Invalid(ds))
        }
        (Err(e), _) => Err(e),
    };
    let scenarios = scenarios.map_err(|e| JobError::from_load(e, within))?;
    valid.extend(scenarios.into_iter().map(|l| Valid::Scenario {
        steps: l.scenario.steps.len(),
        file: l.file,
        warnings: l.warnings,
    }));
    Ok(valid)
}

/// The JSON Schema of a scenario file, for editors (yaml-language-server, VS Code).
pub fn scenario_schema() -> serde_json::Value {
    crate::outcome::titled_schema(
        serde_json::to_value(schemars::schema_for!(Scenario)).unwrap_or_default(),
        "scenario.schema.json",
        "suno-mock scenario",
    )
}

/// The JSON Schema of one event of `serve`'s `GET /_mock/events`.
pub fn events_schema() -> serde_json::Value {
    crate::outcome::events::schema()
}

/// The JSON Schema of `load --report-json`.
pub fn load_report_schema() -> serde_json::Value {
    crate::outcome::load::schema()
}
