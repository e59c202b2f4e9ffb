//! `suno-mock validate PATH...` and `suno-mock schema`.

use std::path::PathBuf;

use super::run_cmd::report_load_error;
use crate::exit;
use crate::scenario::{Scenario, load_paths};

pub fn validate(paths: &[PathBuf], family: &'static crate::family::Family) -> i32 {
    match load_paths(paths, family) {
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
            crate::console::outln!(
                "{} valid{}",
                crate::report::count(s.len(), "scenario file", "scenario files"),
                if warnings > 0 {
                    format!(" ({})", crate::report::plural(warnings, "warning"))
                } else {
                    String::new()
                }
            );
            exit::SUCCESS
        }
        Err(e) => report_load_error(e),
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
