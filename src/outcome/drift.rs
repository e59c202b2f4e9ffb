//! What `drift` found in a folder of recordings, per family and stage: fields no documented
//! body has, documented fields no recorded body had.

use std::path::PathBuf;

/// One family's stage (or its failure) as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct DriftGroup {
    pub family: String,
    /// A stage, or `failure`.
    pub stage: String,
    pub bodies: usize,
    /// Fields the docs do not know, with how many bodies had each.
    pub unknown: Vec<(String, usize)>,
    /// Documented fields that never arrived.
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Drift {
    pub dir: PathBuf,
    pub bodies: usize,
    pub groups: Vec<DriftGroup>,
    /// Files whose body no family finds its task id in.
    pub unidentified: Vec<String>,
    /// Files with no JSON body to compare.
    pub skipped: Vec<String>,
}

impl Drift {
    /// Anything the docs and the recordings disagree on.
    pub fn drifted(&self) -> bool {
        !self.unidentified.is_empty()
            || self
                .groups
                .iter()
                .any(|g| !g.unknown.is_empty() || !g.missing.is_empty())
    }
}
