//! The scenario format as typed data. `parse.rs` builds it from a located YAML tree; serde and
//! schemars describe the same shape, so `suno-mock schema` prints what the parser accepts (a test
//! holds the two together on every shipped scenario).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::duration::Dur;
use crate::family::Family;
use crate::wire::{Auth, Input, MediaMode, Role, StatusMatch};

/// One scenario: a name, optional rule it gives evidence for, and steps run in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// What the scenario shows, in a sentence.
    pub name: String,
    /// The contract rule this scenario gives evidence for (see `suno-mock rules`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The callback family its deliveries belong to (`video`, `music`, ...; see
    /// `suno-mock rules`). Left out: the run's `--family`, `video` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Sender settings for every step of this scenario (a step's own `sender` wins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<SenderOverrides>,
    /// How the media host behaves for each task alias.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tasks: BTreeMap<String, TaskSpec>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SenderOverrides {
    /// Deadline of one attempt: connect, request and the whole response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Dur>,
    /// Retries after a failed attempt (the provider: 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
    /// Waits before each retry; the last one repeats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_delays: Option<Vec<Dur>>,
    /// Statuses that count as a successful attempt (the provider: exactly 200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept: Option<StatusMatch>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskSpec {
    #[serde(default)]
    pub video: MediaMode,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Step {
    Deliver(Box<DeliverStep>),
    Wait(WaitStep),
    Observe(ObserveStep),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Template {
    /// The family's final success callback (`complete` for music), media on the harness's host.
    Success,
    /// The family's failure callback (the `error` stage for staged families), with its first
    /// documented `code` or the one given.
    Failure,
    /// No template: the body comes from `json` or `body`.
    Custom,
    /// Music's first stage: the lyrics are done.
    Text,
    /// Music's second stage: the first track is done.
    First,
    /// The last stage of a staged family: every track is done.
    Complete,
    /// The `error` stage of a staged family (same as `failure`).
    Error,
}

impl Template {
    pub fn name(self) -> &'static str {
        match self {
            Template::Success => "success",
            Template::Failure => "failure",
            Template::Custom => "custom",
            Template::Text => "text",
            Template::First => "first",
            Template::Complete => "complete",
            Template::Error => "error",
        }
    }

    pub fn from_name(name: &str) -> Option<Template> {
        [
            Template::Success,
            Template::Failure,
            Template::Custom,
            Template::Text,
            Template::First,
            Template::Complete,
            Template::Error,
        ]
        .into_iter()
        .find(|t| t.name() == name)
    }

    /// What this template is in `family`: a stage, the failure, or a custom body; an error
    /// naming the family's stages when it has no such stage.
    pub fn resolve(self, family: &Family) -> Result<Resolved, NoSuchStage> {
        let missing = |stage: &'static str| NoSuchStage {
            family: family.id,
            stage,
            deliveries: family.stage_names(),
        };
        let stage = |name: &'static str| {
            family
                .stage(name)
                .map(Resolved::Stage)
                .ok_or_else(|| missing(name))
        };
        match self {
            Template::Success => Ok(Resolved::Stage(family.final_stage())),
            Template::Failure => Ok(Resolved::Failure),
            Template::Error if family.error_stage => Ok(Resolved::Failure),
            Template::Error => Err(missing("error")),
            Template::Custom => Ok(Resolved::Custom),
            Template::Text => stage("text"),
            Template::First => stage("first"),
            Template::Complete => stage("complete"),
        }
    }
}

/// A template names a stage its family does not have.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the {family} family has no `{stage}` stage; its deliveries: {}", deliveries.join(", "))]
pub struct NoSuchStage {
    pub family: &'static str,
    pub stage: &'static str,
    /// What the family does deliver.
    pub deliveries: Vec<&'static str>,
}

/// A template read in a family.
#[derive(Debug, Clone, Copy)]
pub enum Resolved {
    Stage(&'static crate::family::Stage),
    Failure,
    Custom,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverStep {
    /// The body template.
    pub deliver: Template,
    /// Task alias; the run gives each alias one seeded `task_id`. Default: `main`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// Callback `code` (failure: one the family documents, 500, 400 or 451 for video).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// One of the family's documented variants of this stage's body, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// Callback `msg`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg: Option<String>,
    /// JSON path (`data.extra`, `$.code`) to a value to put there.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub set: serde_json::Map<String, serde_json::Value>,
    /// JSON paths to delete.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<String>,
    /// With `deliver: custom`: the whole JSON body; `{task_id}`, `{video_url}` and
    /// `{media_host}` in its strings are filled in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<serde_json::Value>,
    /// A raw body, sent byte for byte (need not be JSON), except `{media_host}`: the run's
    /// media host (`http://127.0.0.1:PORT`), for media URLs that must outlive one run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// A raw body given in base64, for bytes that are not text (what `record` writes for them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    /// Extra or replaced request headers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Request headers to leave out (`content-type`, say).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_headers: Vec<String>,
    /// How many identical copies to deliver (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copies: Option<u32>,
    /// Release all copies at the same instant instead of one after another.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub concurrent: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<Auth>,
    /// Whether this is a delivery the provider could send; derived when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Input>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<SenderOverrides>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expect>,
}

/// What each copy's delivery must show.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Status of the last attempt: `200`, a class like `4xx`, or a list of either (`[2xx, 4xx]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusMatch>,
    /// Every answer arrives within this long.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<Dur>,
    /// How many attempts the delivery took.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts: Option<u32>,
    /// The error class of the last attempt (`timeout`, `refused`, `redirect`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Whether the sender ended up with an accepted answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitStep {
    pub wait: Dur,
}

/// Waits until the task's side effects settle and keeps the observation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObserveStep {
    /// Task alias to observe.
    pub observe: String,
    /// Keep the observation under this name.
    #[serde(default, rename = "as", skip_serializing_if = "Option::is_none")]
    pub save_as: Option<String>,
    /// What this observation is evidence of, for the rule the scenario gives evidence for:
    /// `before`, `acted`, `after` for the judged task, `control-before`, `control-after` for a
    /// control task. Rules pick their evidence by role, never by the name under `as`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// The observation must equal the one kept under this name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_as: Option<String>,
    /// The observation must differ from the one kept under this name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_from: Option<String>,
    /// Exact number of completed downloads on the media host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downloads: Option<u64>,
    /// First wait, at most this long, for a completed download of the task's video.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_downloaded: Option<Dur>,
}

pub const DEFAULT_TASK: &str = "main";

impl DeliverStep {
    /// A plain delivery of `template` for `task`, to which callers add what they need.
    pub fn new(template: Template, task: &str) -> DeliverStep {
        DeliverStep {
            deliver: template,
            task: Some(task.to_string()),
            code: None,
            variant: None,
            msg: None,
            set: serde_json::Map::new(),
            remove: Vec::new(),
            json: None,
            body: None,
            body_base64: None,
            headers: BTreeMap::new(),
            remove_headers: Vec::new(),
            copies: None,
            concurrent: false,
            auth: None,
            input: None,
            sender: None,
            expect: None,
        }
    }

    pub fn task_alias(&self) -> &str {
        self.task.as_deref().unwrap_or(DEFAULT_TASK)
    }

    pub fn copies(&self) -> u32 {
        self.copies.unwrap_or(1)
    }

    pub fn auth(&self) -> Auth {
        self.auth.unwrap_or_default()
    }

    /// A delivery is well formed unless it says otherwise or alters the documented fields: a raw
    /// body, a removed field, a documented field set to something else, or a forged request.
    pub fn input(&self) -> Input {
        if let Some(input) = self.input {
            return input;
        }
        let touches_documented = self.set.keys().any(|p| {
            let p = p.trim_start_matches("$.");
            matches!(
                p,
                "code" | "msg" | "data" | "data.task_id" | "data.video_url"
            )
        });
        if self.body.is_some()
            || !self.remove.is_empty()
            || touches_documented
            || self.deliver == Template::Custom
            || self.auth() != Auth::Genuine
            || !self.remove_headers.is_empty()
        {
            Input::Bad
        } else {
            Input::WellFormed
        }
    }
}
