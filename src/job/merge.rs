//! The `merge` job: the shard reports of one `load` run read back and added into its result.

use std::path::PathBuf;

use super::JobError;
use crate::outcome::load::{LoadReport, LoadResult};

/// Reads each `load --report-json` file and merges them; `allow_partial` accepts a set that
/// lacks shards (every report then says so).
pub fn merge(files: &[PathBuf], allow_partial: bool) -> Result<LoadResult, JobError> {
    let mut parts = Vec::new();
    for f in files {
        let name = f.display().to_string();
        let text = std::fs::read_to_string(f).map_err(|source| {
            JobError::Unreadable(crate::scenario::Unreadable::Read {
                path: f.clone(),
                source,
            })
        })?;
        let report = serde_json::from_str::<LoadReport>(&text).map_err(|source| {
            JobError::NotALoadReport {
                file: name.clone(),
                source,
            }
        })?;
        parts.push((name, report.result));
    }
    Ok(crate::load::merge::merge(&parts, allow_partial)?)
}
