//! What a run produced, as plain data. Rules and reports are functions of it; nothing here
//! knows about HTTP libraries. A failed expectation is a value here, never an `Err`.

use serde::Serialize;

use crate::scenario::{Auth, Input};
use crate::sender::error_class::ErrorClass;

/// Bumped when a field of the JSON report changes meaning or disappears.
/// 2: `summary` splits into `scenarios` and (for `check`) `rules` counts; attempts carry
/// `signature`.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    /// 1 for the first attempt.
    pub number: u32,
    /// When it started, in milliseconds since the run began.
    pub at_ms: f64,
    /// Until the whole answer arrived or the attempt failed.
    pub duration_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Whether the sender counts this attempt as delivered.
    pub accepted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorClass>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The `Location` of a redirect, which is never followed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The request went out and no usable answer came: the receiver may have processed it.
    pub ambiguous: bool,
    /// The first bytes of the answer's body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// `X-Webhook-Timestamp` of this attempt, when signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_at: Option<i64>,
    /// `X-Webhook-Signature` exactly as this attempt sent it (the key never appears; the
    /// signature is what a receiver's check compares, so it is shown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestRecord {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub task: String,
    pub task_id: String,
    /// 1 for the first copy.
    pub copy: u32,
    pub template: String,
    pub input: Input,
    pub auth: Auth,
    pub request: RequestRecord,
    pub attempts: Vec<Attempt>,
    /// The sender ended with an accepted answer.
    pub acknowledged: bool,
}

impl Delivery {
    pub fn last(&self) -> Option<&Attempt> {
        self.attempts.last()
    }

    pub fn final_status(&self) -> Option<u16> {
        self.last().and_then(|a| a.status)
    }

    pub fn ambiguous(&self) -> bool {
        !self.acknowledged && self.attempts.iter().any(|a| a.ambiguous)
    }
}

/// Download counts of one task's `video_url` on the harness's video host.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Downloads {
    pub requests: u64,
    pub completed: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observation {
    /// The name it was kept under (`as:`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub task: String,
    pub task_id: String,
    pub downloads: Downloads,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe_http: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe_cmd: Option<String>,
    /// False when the maximum wait passed before the values stopped changing.
    pub settled: bool,
    pub waited_ms: f64,
}

impl Observation {
    /// The side effects compared between observations: download completions and probes.
    /// Download *requests* are left out: a receiver may retry a failed download.
    /// One line for reports: `downloads 1/1, probe {"count":1}`.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!(
            "downloads {} completed of {} requested",
            self.downloads.completed, self.downloads.requests
        )];
        if let Some(p) = &self.probe_http {
            parts.push(format!("probe-url {p}"));
        }
        if let Some(c) = &self.probe_cmd {
            parts.push(format!("probe-cmd {c:?}"));
        }
        parts.join(", ")
    }

    pub fn same_effects(&self, other: &Observation) -> bool {
        self.downloads.completed == other.downloads.completed
            && self.probe_http == other.probe_http
            && self.probe_cmd == other.probe_cmd
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub what: String,
    pub expected: String,
    pub actual: String,
    pub passed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepStatus {
    Passed,
    Failed,
    /// The harness could not do the step.
    Error,
    /// Not reached: an earlier harness error or an interruption.
    NotRun,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepOutcome {
    /// 1 for the first step.
    pub index: usize,
    pub line: usize,
    pub label: String,
    pub status: StepStatus,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deliveries: Vec<Delivery>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observation: Option<Observation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScenarioStatus {
    Passed,
    Failed,
    Error,
    NotRun,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScenarioOutcome {
    pub file: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    pub status: ScenarioStatus,
    pub duration_ms: f64,
    pub steps: Vec<StepOutcome>,
}

impl ScenarioOutcome {
    pub fn deliveries(&self) -> impl Iterator<Item = &Delivery> {
        self.steps.iter().flat_map(|s| s.deliveries.iter())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RunOutcome {
    pub seed: u64,
    pub receiver: String,
    pub duration_ms: f64,
    pub interrupted: bool,
    pub scenarios: Vec<ScenarioOutcome>,
}

impl RunOutcome {
    pub fn deliveries(&self) -> impl Iterator<Item = &Delivery> {
        self.scenarios.iter().flat_map(ScenarioOutcome::deliveries)
    }

    pub fn count(&self, status: ScenarioStatus) -> usize {
        self.scenarios.iter().filter(|s| s.status == status).count()
    }
}
