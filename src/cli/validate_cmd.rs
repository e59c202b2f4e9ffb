//! `suno-mock validate PATH...` and `suno-mock schema`.

use std::path::PathBuf;

use super::run_cmd::report_load_error;
use crate::exit;
use crate::scenario::{Scenario, load_paths};

/// Lints scenario files and serve plans (a file with `tasks:` and no `steps:`), every
/// mistake of every file at once.
pub fn validate(paths: &[PathBuf], family: &'static crate::family::Family) -> i32 {
    let mut files = Vec::new();
    for p in paths {
        if let Err(m) = crate::scenario::load::collect(p, &mut files) {
            return report_load_error(crate::scenario::LoadError::Path(m));
        }
    }
    let mut scenario_files = Vec::new();
    let mut plan_errors = Vec::new();
    let mut plans_ok = 0;
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        if !crate::scenario::looks_like_plan(&text) {
            scenario_files.push(f);
            continue;
        }
        let name = f.display().to_string();
        match crate::scenario::parse_serve_plan(&name, &text) {
            Ok((plan, warnings)) => {
                for w in warnings {
                    crate::console::errln!("{}", w.render(Some(&text)));
                }
                plans_ok += 1;
                crate::console::outln!(
                    "ok  {name}  (serve plan, {})",
                    crate::report::plural(plan.tasks.len(), "task")
                );
            }
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
        (false, Err(crate::scenario::LoadError::Invalid(_))) => "scenario files and plans",
        (false, _) => "serve plans",
    };
    let scenarios = match (scenarios, plan_errors.is_empty()) {
        (Ok(s), true) => Ok(s),
        (Ok(_), false) => Err(crate::scenario::LoadError::Invalid(plan_errors)),
        (Err(crate::scenario::LoadError::Invalid(mut ds)), _) => {
            ds.extend(plan_errors);
            Err(crate::scenario::LoadError::Invalid(ds))
        }
        (Err(e), _) => Err(e),
    };
    match scenarios {
        Ok(s) => {
            for l in &s {
                for w in &l.warnings {
                    crate::console::err!("{w}\n");
                }
                crate::console::outln!(
                    "ok  {}  ({})",
                    l.file,
                    crate::report::plural(l.scenario.steps.len(), "step")
                );
            }
            let warnings: usize = s.iter().map(|l| l.warnings.len()).sum();
            let plans = if plans_ok > 0 {
                format!(
                    "{} and ",
                    crate::report::count(plans_ok, "serve plan", "serve plans")
                )
            } else {
                String::new()
            };
            crate::console::outln!(
                "{plans}{} valid{}",
                crate::report::count(s.len(), "scenario file", "scenario files"),
                if warnings > 0 {
                    format!(" ({})", crate::report::plural(warnings, "warning"))
                } else {
                    String::new()
                }
            );
            exit::SUCCESS
        }
        Err(e) => super::run_cmd::report_errors_in(e, within),
    }
}

/// The JSON Schema of a scenario file, for editors (yaml-language-server, VS Code).
pub fn schema_json() -> serde_json::Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(Scenario)).unwrap_or_default();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "$id".into(),
            "https://suno-mock.invalid/scenario.schema.json".into(),
        );
        obj.insert("title".into(), "suno-mock scenario".into());
    }
    schema
}

pub fn schema(what: super::args::SchemaKind) -> i32 {
    let schema = match what {
        super::args::SchemaKind::Scenario => schema_json(),
        super::args::SchemaKind::LoadReport => crate::load::report::schema(),
    };
    crate::console::outln!(
        "{}",
        serde_json::to_string_pretty(&schema).unwrap_or_default()
    );
    exit::SUCCESS
}
