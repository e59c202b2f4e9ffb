//! The file that drives `suno-mock serve`: what happens to each task of each family, in the
//! order the application creates them ("the first video fails with 451; the first music task
//! sends `text`, then `first` twice, then fails with 531"). Parsed with the same located YAML
//! tree and messages as scenarios; a stage the family lacks is refused where it is written.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::diagnostic::Diagnostic;
use super::model::Template;
use super::parse::MAX_COPIES;
use super::walker::{Walker, load};
use super::yaml::{Node, Value};
use crate::duration::Dur;
use crate::wire::MediaMode;
use crate::wire::status::valid_code;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Success,
    Failure,
}

/// One callback of a planned task: a stage of its family, with its own code, copies and order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanStage {
    /// `text`, `first`, `complete`, `error` (music), `success`, `failure` (every family).
    pub stage: Template,
    /// The failure's `code` (`error`/`failure` stages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg: Option<String>,
    /// Extra copies of this callback after the first.
    #[serde(default)]
    pub duplicates: u32,
    /// Release this callback and its copies at one instant.
    #[serde(default)]
    pub concurrent: bool,
}

impl PlanStage {
    pub fn is_failure(&self) -> bool {
        matches!(self.stage, Template::Failure | Template::Error)
    }
}

fn video_family() -> String {
    crate::family::DEFAULT.to_string()
}

/// What happens to one created task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServeTask {
    /// The family whose tasks this entry applies to (default `video`): the n-th entry of a
    /// family drives the n-th task of that family.
    #[serde(default = "video_family")]
    pub family: String,
    /// With `stages`: failure when one of them is a failure.
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
    pub video: MediaMode,
    /// How long the "generation" takes before the callback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation_time: Option<Dur>,
    /// The callbacks in the order they go out, spread over the generation time; empty: the
    /// family's stages for `outcome` (music: `text`, `first`, `complete`, or `error`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<PlanStage>,
}

impl ServeTask {
    /// The callbacks this task sends, in order: the plan's `stages`, else the family's own for
    /// the outcome, the duplicates and the code going to the last one.
    pub fn deliveries(&self, family: &crate::family::Family) -> Vec<PlanStage> {
        if !self.stages.is_empty() {
            return self.stages.clone();
        }
        let last = |stage| PlanStage {
            stage,
            code: self.code,
            msg: self.msg.clone(),
            duplicates: self.duplicates,
            concurrent: self.concurrent,
        };
        match self.outcome {
            Outcome::Failure if family.error_stage => vec![last(Template::Error)],
            Outcome::Failure => vec![last(Template::Failure)],
            Outcome::Success => {
                let mut out: Vec<PlanStage> = family
                    .stages
                    .iter()
                    .map(|s| PlanStage {
                        stage: Template::from_name(s.name).unwrap_or(Template::Success),
                        code: None,
                        msg: None,
                        duplicates: 0,
                        concurrent: false,
                    })
                    .collect();
                if let Some(l) = out.last_mut() {
                    *l = PlanStage {
                        stage: l.stage,
                        code: None,
                        ..last(l.stage)
                    };
                }
                out
            }
        }
    }

    /// The plan entry the flags describe, for tasks the plan does not cover.
    pub fn from_flags(
        family: &str,
        outcome: Outcome,
        code: Option<i64>,
        duplicates: u32,
        concurrent: bool,
        video: MediaMode,
    ) -> ServeTask {
        ServeTask {
            family: family.to_string(),
            outcome,
            code,
            msg: None,
            duplicates,
            concurrent,
            video,
            generation_time: None,
            stages: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServePlan {
    pub name: String,
    /// One entry per created task, in order within each family; a family's tasks after its
    /// last entry follow the command's flags.
    pub tasks: Vec<ServeTask>,
}

impl ServePlan {
    /// The entry for the `index`-th task (from 0) of `family`.
    pub fn task(&self, family: &str, index: usize) -> Option<&ServeTask> {
        self.tasks.iter().filter(|t| t.family == family).nth(index)
    }

    /// How many entries each family has, in the catalogue's order: `video 2, music 1`.
    pub fn summary(&self) -> String {
        crate::family::ids()
            .into_iter()
            .filter_map(|f| {
                let n = self.tasks.iter().filter(|t| t.family == f).count();
                (n > 0).then(|| format!("{f} {n}"))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

const PLAN_KEYS: &[&str] = &["name", "tasks"];
const PLAN_TASK_KEYS: &[&str] = &[
    "family",
    "outcome",
    "stages",
    "code",
    "msg",
    "duplicates",
    "concurrent",
    "video",
    "generation_time",
];
const PLAN_STAGE_KEYS: &[&str] = &["stage", "code", "msg", "duplicates", "concurrent"];

/// Parses a `serve --plan` file; beside the plan, its warnings.
/// Whether a file's text is a serve plan rather than a scenario: a mapping with `tasks:` and
/// no `steps:` (how `validate` tells the two apart).
pub fn looks_like_plan(text: &str) -> bool {
    match super::yaml::parse(text).map(|n| n.value) {
        Ok(Value::Map(entries)) => {
            let has = |k: &str| {
                entries
                    .iter()
                    .any(|(key, _)| matches!(&key.value, Value::Str(s) if s == k))
            };
            has("tasks") && !has("steps")
        }
        _ => false,
    }
}

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
        // Every task is walked, so every mistake of the plan is said at once.
        let walked: Vec<Option<ServeTask>> = items.iter().map(|t| self.serve_task(t)).collect();
        let tasks: Option<Vec<ServeTask>> = walked.into_iter().collect();
        Some(ServePlan {
            name: name?,
            tasks: tasks?,
        })
    }

    fn serve_task(&mut self, node: &Node) -> Option<ServeTask> {
        let f = self.fields(node, "a plan task", PLAN_TASK_KEYS)?;
        let family_ids = crate::family::ids();
        let family = match f.get("family") {
            Some(n) => crate::family::find(&self.choice(n, "family", &family_ids)?)?,
            None => crate::family::video(),
        };
        let stages: Option<Vec<PlanStage>> = match f.get("stages") {
            None => Some(Vec::new()),
            Some(n) => match &n.value {
                Value::Seq(items) if !items.is_empty() => items
                    .iter()
                    .map(|s| self.plan_stage(s, family))
                    .collect::<Vec<_>>()
                    .into_iter()
                    .collect(),
                _ => {
                    self.error(
                        n,
                        format!("`stages` must be a non-empty list, found {}", n.kind()),
                        format!(
                            "list the callbacks in the order they go out, like `[{}]`; the {} family's: {}",
                            family.stages.iter().map(|s| s.name).collect::<Vec<_>>().join(", "),
                            family.id,
                            family.stage_names().join(", ")
                        ),
                    );
                    None
                }
            },
        };
        if let (Some(n), true) = (
            f.get("stages"),
            stages.as_ref().is_some_and(|s| !s.is_empty()),
        ) {
            // The task-wide settings would be ambiguous next to a list of callbacks.
            for key in ["code", "msg", "duplicates", "concurrent"] {
                if let Some(k) = f.key(key) {
                    self.error(
                        k,
                        format!("`{key}` of a task with `stages` is ambiguous"),
                        format!(
                            "put `{key}` on the stage it belongs to, under `stages:` (line {})",
                            n.pos.line
                        ),
                    );
                }
            }
        }
        let derived = stages.as_ref().filter(|s| !s.is_empty()).map(|s| {
            if s.iter().any(PlanStage::is_failure) {
                Outcome::Failure
            } else {
                Outcome::Success
            }
        });
        let outcome = match (f.get("outcome"), derived) {
            (Some(n), d) => {
                let o = self.choice(n, "outcome", &["success", "failure"]).map(|o| {
                    if o == "success" {
                        Outcome::Success
                    } else {
                        Outcome::Failure
                    }
                });
                if let (Some(o), Some(d)) = (o, d)
                    && o != d
                {
                    self.error(
                        n,
                        format!(
                            "`outcome: {}` contradicts `stages`, which {}",
                            if o == Outcome::Success {
                                "success"
                            } else {
                                "failure"
                            },
                            if d == Outcome::Failure {
                                "has a failure stage"
                            } else {
                                "has no failure stage"
                            }
                        ),
                        "leave `outcome` out: `stages` says how the task ends",
                    );
                }
                o
            }
            (None, Some(d)) => Some(d),
            // `stages` was written but is wrong: that is the error to report, not a missing
            // `outcome`.
            (None, None) if f.has("stages") => None,
            (None, None) => {
                // Said, and the task's other fields still checked.
                let _ = self.required(&f, "outcome", "a plan task", "success");
                None
            }
        };
        // As on a stage: a code belongs to a failure (issue 30: `outcome: success` with
        // `code: 500` was accepted and sent as a plain success).
        let code = f.get("code").and_then(|n| {
            if outcome == Some(Outcome::Success) {
                self.error(
                    n,
                    "`code` belongs to a failure",
                    "a success carries code 200; write `outcome: failure` to fail with this code",
                );
                return None;
            }
            self.plan_code(n, family, outcome)
        });
        let video = self.video_mode(f.get("video"));
        Some(ServeTask {
            family: family.id.to_string(),
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
            stages: stages?,
        })
    }

    /// A `code:`: an HTTP-like status, and on a failure one the family documents (a warning
    /// names them when it does not).
    fn plan_code(
        &mut self,
        n: &Node,
        family: &crate::family::Family,
        outcome: Option<Outcome>,
    ) -> Option<i64> {
        let code = match n.value {
            Value::Int(i) if valid_code(i).is_ok() => i,
            _ => {
                self.error(
                    n,
                    format!("`code` must be an HTTP-like status, found {}", n.kind()),
                    format!(
                        "the {} family's failure codes: {}",
                        family.id,
                        documented(family)
                    ),
                );
                return None;
            }
        };
        if outcome == Some(Outcome::Failure) {
            match family.check_failure_code(code) {
                Err(m) => self.error(
                    n,
                    m.to_string(),
                    format!(
                        "write `outcome: success`, or a failure code: {}",
                        documented(family)
                    ),
                ),
                Ok(Some(m)) => self.warn(
                    n,
                    m,
                    format!("the documented codes are {}", documented(family)),
                ),
                Ok(None) => {}
            }
        }
        Some(code)
    }

    /// One entry of `stages`: a stage name, or a mapping with `stage:` and its settings.
    fn plan_stage(&mut self, node: &Node, family: &crate::family::Family) -> Option<PlanStage> {
        let names = family.stage_names();
        let stage_of = |w: &mut Self, n: &Node| -> Option<Template> {
            let text = n.scalar_text();
            let t = Template::from_name(&text).filter(|t| *t != Template::Custom);
            match t.map(|t| (t, t.resolve(family))) {
                Some((t, Ok(_))) => Some(t),
                Some((_, Err(m))) => {
                    w.error(
                        n,
                        m.to_string(),
                        "use one of the family's stages, or set `family:` to the family this task is for",
                    );
                    None
                }
                None => w
                    .choice(n, &format!("{} stage", family.id), &names)
                    .as_deref()
                    .and_then(Template::from_name),
            }
        };
        if !matches!(node.value, Value::Map(_)) {
            let stage = stage_of(self, node)?;
            return Some(PlanStage {
                stage,
                code: None,
                msg: None,
                duplicates: 0,
                concurrent: false,
            });
        }
        let f = self.fields(node, "a plan stage", PLAN_STAGE_KEYS)?;
        let stage = self
            .required(&f, "stage", "a plan stage", names[0])
            .and_then(|n| stage_of(self, n));
        let failure = stage.map(|t| matches!(t, Template::Failure | Template::Error));
        let code = f.get("code").and_then(|n| {
            if failure == Some(false) {
                self.error(
                    n,
                    "`code` belongs to a failure stage",
                    "a success stage carries code 200; use `stage: error` or `stage: failure` to fail",
                );
                return None;
            }
            self.plan_code(n, family, Some(Outcome::Failure))
        });
        Some(PlanStage {
            stage: stage?,
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
        })
    }
}

fn documented(family: &crate::family::Family) -> String {
    family
        .failure_codes
        .iter()
        .map(|c| c.code.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        match parse_serve_plan("p.yaml", text) {
            Ok(p) => panic!("accepted: {p:?}"),
            Err(ds) => ds
                .iter()
                .map(|d| format!("{}:{} {}", d.line, d.column, d.message))
                .collect(),
        }
    }

    #[test]
    fn stages_are_read_in_order_with_their_settings() {
        let (plan, warnings) = parse_serve_plan(
            "p.yaml",
            "name: p\ntasks:\n  - family: music\n    stages: [text, {stage: first, duplicates: 2, concurrent: true}, {stage: error, code: 531, msg: refunded}]\n",
        )
        .unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let t = &plan.tasks[0];
        assert_eq!(t.family, "music");
        assert_eq!(
            t.outcome,
            Outcome::Failure,
            "an error stage makes it a failure"
        );
        let names: Vec<&str> = t.stages.iter().map(|s| s.stage.name()).collect();
        assert_eq!(names, ["text", "first", "error"]);
        assert_eq!((t.stages[1].duplicates, t.stages[1].concurrent), (2, true));
        assert_eq!(t.stages[2].code, Some(531));
        assert_eq!(t.stages[2].msg.as_deref(), Some("refunded"));
        assert_eq!(plan.task("music", 0), Some(t));
        assert_eq!(plan.task("video", 0), None);
    }

    #[test]
    fn without_stages_a_task_sends_its_familys_own() {
        let (plan, _) = parse_serve_plan(
            "p.yaml",
            "name: p\ntasks:\n  - family: music\n    outcome: success\n    duplicates: 1\n  - outcome: failure\n",
        )
        .unwrap();
        let music = crate::family::find("music").unwrap();
        let d = plan.tasks[0].deliveries(music);
        let names: Vec<&str> = d.iter().map(|s| s.stage.name()).collect();
        assert_eq!(names, ["text", "first", "complete"]);
        assert_eq!(
            d.iter().map(|s| s.duplicates).collect::<Vec<_>>(),
            [0, 0, 1]
        );
        assert_eq!(plan.tasks[1].family, "video", "the default family");
        let d = plan.tasks[1].deliveries(crate::family::video());
        assert_eq!(d.len(), 1);
        assert!(d[0].is_failure());
    }

    #[test]
    fn every_mistake_is_located() {
        assert_eq!(
            errors("name: p\ntasks:\n  - family: lyrics\n    stages: [text]\n"),
            [
                "4:14 the lyrics family has no `text` stage; its deliveries: complete, error, success, failure"
            ]
        );
        assert_eq!(
            errors("name: p\ntasks:\n  - family: music\n    stages: [{stage: first, code: 400}]\n"),
            ["4:35 `code` belongs to a failure stage"]
        );
        assert_eq!(
            errors(
                "name: p\ntasks:\n  - family: music\n    outcome: success\n    stages: [text, error]\n"
            ),
            ["4:14 `outcome: success` contradicts `stages`, which has a failure stage"]
        );
        assert_eq!(
            errors("name: p\ntasks:\n  - family: music\n    duplicates: 1\n    stages: [text]\n"),
            ["4:5 `duplicates` of a task with `stages` is ambiguous"]
        );
        assert_eq!(
            errors("name: p\ntasks:\n  - family: musc\n    outcome: success\n")[0],
            "3:13 unknown family `musc`"
        );
        assert_eq!(
            errors("name: p\ntasks:\n  - family: music\n    stages: [txt]\n")[0],
            "4:14 unknown music stage `txt`"
        );
        // Issue 30: the task-level form refuses a code on a success as the stage form does.
        assert_eq!(
            errors("name: p\ntasks:\n  - outcome: success\n    code: 500\n"),
            ["4:11 `code` belongs to a failure"]
        );
    }

    #[test]
    fn seven_mistakes_in_five_tasks_are_said_at_once() {
        let plan = "tasks:\n  - outcome: sucess\n  - family: music\n    stages: [text, frist]\n  - outcome: failure\n    code: \"x\"\n  - outcome: success\n    duplicates: -1\n  - outcome: success\n    video: slowly\n    genration_time: 2s\n";
        let lines: Vec<String> = errors(plan)
            .iter()
            .map(|e| e.split(' ').next().unwrap_or_default().to_string())
            .collect();
        assert_eq!(
            lines,
            ["1:1", "2:14", "4:20", "6:11", "8:17", "10:12", "11:5"],
            "{:?}",
            errors(plan)
        );
        assert!(super::looks_like_plan(plan));
        assert!(!super::looks_like_plan("name: s\nsteps: []\n"));
    }
}
