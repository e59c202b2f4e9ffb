//! `suno-mock validate PATH...` and `suno-mock schema`.

use std::path::PathBuf;

use super::session::status;
use crate::family::Family;
use crate::job::validate::{load_report_schema, scenario_schema, validate as check};

/// Lints scenario files and serve plans, every mistake of every file at once.
pub fn validate(paths: &[PathBuf], family: &'static Family) -> i32 {
    status(check(paths, family).map(|valid| {
        for v in &valid {
            for w in v.warnings() {
                crate::console::errln!("{w}");
            }
            crate::console::out!("{}", crate::report::human::valid_line(v));
        }
        crate::console::out!("{}", crate::report::human::valid_total(&valid));
        crate::exit::SUCCESS
    }))
}

pub fn schema(what: super::args::SchemaKind) -> i32 {
    let schema = match what {
        super::args::SchemaKind::Scenario => scenario_schema(),
        super::args::SchemaKind::LoadReport => load_report_schema(),
        super::args::SchemaKind::Events => crate::job::validate::events_schema(),
    };
    crate::console::outln!(
        "{}",
        serde_json::to_string_pretty(&schema).unwrap_or_default()
    );
    crate::exit::SUCCESS
}
