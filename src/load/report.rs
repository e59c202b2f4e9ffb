//! The JSON report of `load` and `merge`, as typed data with a published JSON Schema
//! (`suno-mock schema load-report`), so CI tools and `merge` read it safely.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::LoadResult;
use crate::outcome::SCHEMA_VERSION;

/// A threshold given on the command line (`--max-p99`, `--max-failures`) and whether it held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Threshold {
    pub name: String,
    pub passed: bool,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LoadReport {
    pub schema_version: u32,
    pub tool: String,
    pub version: String,
    /// `load` or `merge`.
    pub command: String,
    pub exit_code: i32,
    pub result: LoadResult,
    pub thresholds: Vec<Threshold>,
}

impl LoadReport {
    pub fn new(
        command: &str,
        result: LoadResult,
        thresholds: Vec<Threshold>,
        exit_code: i32,
    ) -> Self {
        LoadReport {
            schema_version: SCHEMA_VERSION,
            tool: "suno-mock".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            command: command.into(),
            exit_code,
            result,
            thresholds,
        }
    }

    pub fn to_json(&self) -> Result<String, String> {
        serde_json::to_string_pretty(self)
            .map(|s| s + "\n")
            .map_err(|e| format!("cannot write the JSON report: {e}"))
    }
}

/// The JSON Schema of the report.
pub fn schema() -> serde_json::Value {
    let mut s = serde_json::to_value(schemars::schema_for!(LoadReport)).unwrap_or_default();
    if let Some(obj) = s.as_object_mut() {
        obj.insert(
            "$id".into(),
            "https://suno-mock.invalid/load-report.schema.json".into(),
        );
        obj.insert("title".into(), "suno-mock load report".into());
    }
    s
}
