//! The file that drives `suno-mock serve`: what happens to each music-video task, in the order
//! the application creates them ("the first task fails with 451, the second succeeds and is
//! delivered twice"). Parsed with the same located YAML tree and messages as scenarios.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::diagnostic::Diagnostic;
use super::parse::MAX_COPIES;
use super::walker::{Walker, load};
use super::yaml::{Node, Value};
use crate::duration::Dur;
use crate::wire::VideoMode;
use crate::wire::status::valid_code;

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

const PLAN_KEYS: &[&str] = &["name", "tasks"];
const PLAN_TASK_KEYS: &[&str] = &[
    "outcome",
    "code",
    "msg",
    "duplicates",
    "concurrent",
    "video",
    "generation_time",
];

/// Parses a `serve --plan` file; beside the plan, its warnings.
pub fn parse_serve_plan(
    file: &str,
    text: &str,
) -> Result<(ServePlan, Vec<Diagnostic>), Vec<Diagnostic>> {
    let root = load(file, text)?;
    let mut w = Walker::new(file);
    let plan = w.serve_plan(&root);
    w.finish(plan)
}

impl Walker<'_> {
    fn serve_plan(&mut self, root: &Node) -> Option<ServePlan> {
        let f = self.fields(root, "a serve plan", PLAN_KEYS)?;
        let name = self
            .required(&f, "name", "the plan", "what this plan shows")
            .and_then(|n| self.string(n, "`name`"));
        let tasks_node = self.required(&f, "tasks", "the plan", "[ {outcome: success} ]")?;
        let Value::Seq(items) = &tasks_node.value else {
            self.error(
                tasks_node,
                format!("`tasks` must be a list, found {}", tasks_node.kind()),
                "start each task with `- outcome: ...`",
            );
            return None;
        };
        let tasks: Option<Vec<ServeTask>> = items.iter().map(|t| self.serve_task(t)).collect();
        Some(ServePlan {
            name: name?,
            tasks: tasks?,
        })
    }

    fn serve_task(&mut self, node: &Node) -> Option<ServeTask> {
        let f = self.fields(node, "a plan task", PLAN_TASK_KEYS)?;
        let outcome = self
            .required(&f, "outcome", "a plan task", "success")
            .and_then(|n| self.choice(n, "outcome", &["success", "failure"]))
            .map(|o| {
                if o == "success" {
                    Outcome::Success
                } else {
                    Outcome::Failure
                }
            });
        let code = f.get("code").and_then(|n| match n.value {
            Value::Int(i) if valid_code(i).is_ok() => Some(i),
            _ => {
                self.error(
                    n,
                    format!("`code` must be an HTTP-like status, found {}", n.kind()),
                    "the provider sends 200, 400, 451 or 500",
                );
                None
            }
        });
        if let (Some(Outcome::Failure), Some(c), Some(n)) = (outcome, code, f.get("code")) {
            match crate::family::video().check_failure_code(c) {
                Err(m) => self.error(n, m, "write `outcome: success`, or `code: 500`, 400 or 451"),
                Ok(Some(m)) => self.warn(n, m, "the documented codes are 500, 400 and 451"),
                Ok(None) => {}
            }
        }
        let video = self.video_mode(f.get("video"));
        Some(ServeTask {
            outcome: outcome?,
            code,
            msg: f.get("msg").and_then(|n| self.string(n, "`msg`")),
            duplicates: f
                .get("duplicates")
                .and_then(|n| self.uint(n, "`duplicates`", MAX_COPIES))
                .unwrap_or(0),
            concurrent: f
                .get("concurrent")
                .and_then(|n| self.boolean(n, "`concurrent`"))
                .unwrap_or(false),
            video,
            generation_time: f
                .get("generation_time")
                .and_then(|n| self.duration(n, "`generation_time`")),
        })
    }
}
