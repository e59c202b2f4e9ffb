//! What a run produced, as plain data. Rules and reports are functions of it; nothing here
//! knows about HTTP libraries. A failed expectation is a value here, never an `Err`.

pub mod banner;
pub mod demo;
pub mod doctor;
pub mod drift;
pub mod events;
pub mod fuzz;
pub mod head;
pub mod latencies;
pub mod load;
pub mod serve;
pub mod validate;
pub mod verdict;

use serde::Serialize;

pub use crate::wire::{Attempt, Downloads};
use crate::wire::{Auth, Input};

/// Bumped when a field of the JSON report changes meaning or disappears.
/// 2: `summary` splits into `scenarios` and (for `check`) `rules` counts; attempts carry
/// `signature`.
pub const SCHEMA_VERSION: u32 = 2;

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
    /// How many copies of it the step sent (`copies:` in the scenario; 1 for a single delivery).
    pub copies: u32,
    /// Released at one instant with its other copies.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub concurrent: bool,
    pub template: String,
    pub input: Input,
    pub auth: Auth,
    pub request: RequestRecord,
    pub attempts: Vec<Attempt>,
    /// The sender ended with an accepted answer.
    pub acknowledged: bool,
}

impl Delivery {
    /// What it was, as every report names it: the template, `copy 1 of 2` when its step sent
    /// it more than once (so the first copy of a re-delivery never reads as a second original),
    /// and the forgery when it was not sent as the provider signs it (`unsigned`, `wrong-key`...).
    pub fn label(&self) -> String {
        let mut l = self.template.clone();
        if self.copies > 1 {
            l.push_str(&format!(" copy {} of {}", self.copy, self.copies));
            if self.concurrent {
                l.push_str(" concurrent");
            }
        }
        if self.auth != Auth::Genuine {
            l.push_str(&format!(" [{}]", self.auth.name()));
        }
        l
    }

    pub fn last(&self) -> Option<&Attempt> {
        self.attempts.last()
    }

    pub fn final_status(&self) -> Option<u16> {
        self.last().and_then(|a| a.status)
    }

    pub fn ambiguous(&self) -> bool {
        !self.acknowledged && self.attempts.iter().any(|a| a.ambiguous)
    }

    /// A callback the provider itself would send: well-formed and genuinely authenticated.
    pub fn genuine(&self) -> bool {
        self.input == Input::WellFormed && self.auth == Auth::Genuine
    }

    /// Ctrl-C cut its last attempt in flight (the sender sends nothing after that): the
    /// receiver may or may not have processed it, and its answer is unknown.
    pub fn interrupted(&self) -> bool {
        self.last()
            .is_some_and(|a| a.error == Some(crate::wire::ErrorClass::Interrupted))
    }

    /// The status its first attempt was answered with (`None`: no answer).
    pub fn first_status(&self) -> Option<u16> {
        self.attempts.first().and_then(|a| a.status)
    }
}

/// How most of `ds` were answered on their first attempt (`Some(None)`: mostly no answer;
/// `None`: there were none), a tie going to the lower status.
pub fn usual_answer<'a>(ds: impl IntoIterator<Item = &'a Delivery>) -> Option<Option<u16>> {
    let mut counts = std::collections::BTreeMap::<Option<u16>, usize>::new();
    for d in ds {
        *counts.entry(d.first_status()).or_default() += 1;
    }
    let most = counts.values().copied().max()?;
    counts.into_iter().find(|(_, n)| *n == most).map(|(s, _)| s)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observation {
    /// The name it was kept under (`as:`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What it is evidence of (`role:`), for the rule its scenario is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<crate::wire::Role>,
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

/// Whether the probe was seen to show a change before its answers were used as evidence, and
/// whether it kept working: a probe that answers the same for every task proves nothing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeHealth {
    /// The flag and its template: `--probe-url http://.../state/{task_id}`.
    pub probe: String,
    pub state: ProbeState,
    /// What it answered before and after the receiver acted on a task, or how it broke.
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProbeState {
    /// Its answer for a task changed once the receiver acted on it.
    Working,
    /// It could not be seen to change (the receiver refused the callback it was checked
    /// with, or stored nothing it shows); rules that need it say so.
    Unproven,
    /// It worked, then stopped (an error, a 5xx, a command that could not run): the rules
    /// whose observations it broke are inconclusive.
    Broke,
}

impl ProbeState {
    pub fn name(self) -> &'static str {
        match self {
            ProbeState::Working => "working",
            ProbeState::Unproven => "unproven",
            ProbeState::Broke => "broke",
        }
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
    /// The callback family its deliveries belong to.
    pub family: &'static str,
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
    /// Why the run stopped sending before the end (a receiver that answers nothing): the
    /// steps not reached are `not-run`, and the rules resting on them inconclusive with this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut_short: Option<String>,
    /// Whether the probe was seen to work (`check` with `--probe-url` or `--probe-cmd`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe: Option<ProbeHealth>,
    /// What the run suggests about its own set-up (`check`: the family hint).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
    pub scenarios: Vec<ScenarioOutcome>,
}

impl RunOutcome {
    pub fn deliveries(&self) -> impl Iterator<Item = &Delivery> {
        self.scenarios.iter().flat_map(ScenarioOutcome::deliveries)
    }

    pub fn count(&self, status: ScenarioStatus) -> usize {
        self.scenarios.iter().filter(|s| s.status == status).count()
    }

    /// Deliveries Ctrl-C cut in flight: ambiguous, the receiver may have processed them.
    pub fn cut_in_flight(&self) -> usize {
        self.deliveries().filter(|d| d.interrupted()).count()
    }

    /// The families the run delivered, each once, in the order first met (`check`: one).
    pub fn families(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for s in &self.scenarios {
            if !out.contains(&s.family) {
                out.push(s.family);
            }
        }
        out
    }
}

/// A JSON Schema as the `schema` command prints it: its `$id` (a name, not a place to fetch
/// it from) and its title beside what schemars derived.
pub fn titled_schema(mut schema: serde_json::Value, id: &str, title: &str) -> serde_json::Value {
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "$id".into(),
            format!("https://suno-mock.invalid/{id}").into(),
        );
        obj.insert("title".into(), title.into());
    }
    schema
}
