//! The file that drives `suno-mock serve`: what happens to each music-video task, in the order
//! the application creates them ("the first task fails with 451, the second succeeds and is
//! delivered twice"). Parsed with the same located YAML tree and messages as scenarios.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::model::VideoMode;
use crate::duration::Dur;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Success,
    Failure,
}

/// What happens to one created task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServeTask {
    pub outcome: Outcome,
    /// Callback `code` (failure: 500, 400 or 451).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg: Option<String>,
    /// Extra copies of the callback after the first.
    #[serde(default)]
    pub duplicates: u32,
    /// Release the first delivery and its duplicates at one instant.
    #[serde(default)]
    pub concurrent: bool,
    #[serde(default)]
    pub video: VideoMode,
    /// How long the "generation" takes before the callback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation_time: Option<Dur>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServePlan {
    pub name: String,
    /// One entry per created task, in order; tasks after the last follow the command's flags.
    pub tasks: Vec<ServeTask>,
}
