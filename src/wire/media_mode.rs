//! How the media host serves one task's files: the per-task modes scenarios and `serve` pick.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum MediaMode {
    /// The file is served at once.
    #[default]
    Normal,
    /// The file trickles out over longer than the deadline in force.
    Slow,
    /// The link no longer serves the file: 403 "Request has expired", as a signed link
    /// answers once its 14 days are over.
    Expired,
    /// The connection closes halfway through the file.
    Truncated,
    /// A file of many megabytes, streamed.
    Large,
}
