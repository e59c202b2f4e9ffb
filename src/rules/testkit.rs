//! Hand-built outcomes for the rules' unit tests: a rule judged on exactly the evidence a test
//! names, with no receiver and no network.

use std::time::Duration;

use super::{RuleResult, Setup, Verdict};
use crate::outcome::{
    Attempt, Delivery, Downloads, Observation, RequestRecord, RunOutcome, ScenarioOutcome,
    ScenarioStatus, StepOutcome, StepStatus,
};
use crate::wire::{Auth, ErrorClass, Input, Role};

/// A delivery of `template` for `task`, its first attempt answered `status` in `ms`
/// (`None`: no answer before the deadline).
pub fn delivery(task: &str, template: &str, status: Option<u16>, ms: f64) -> Delivery {
    Delivery {
        task: task.into(),
        task_id: format!("task_{task}"),
        copy: 1,
        copies: 1,
        concurrent: false,
        template: template.into(),
        input: Input::WellFormed,
        auth: Auth::Genuine,
        request: RequestRecord {
            method: "POST",
            url: "http://127.0.0.1:9/cb".into(),
            headers: Vec::new(),
            body: "{}".into(),
        },
        attempts: vec![Attempt {
            number: 1,
            at_ms: 0.0,
            duration_ms: ms,
            connect_ms: Some(0.2),
            status,
            accepted: status == Some(200),
            error: status.is_none().then_some(ErrorClass::Timeout),
            ambiguous: status.is_none(),
            ..Attempt::default()
        }],
        acknowledged: status == Some(200),
    }
}

/// What the receiver showed for `task`, in `role`: so many completed downloads and, when
/// given, what the probe answered.
pub fn seen(role: Role, task: &str, downloads: u64, probe: Option<&str>) -> Observation {
    Observation {
        name: Some(role.name().into()),
        role: Some(role),
        task: task.into(),
        task_id: format!("task_{task}"),
        downloads: Downloads {
            requests: downloads,
            completed: downloads,
        },
        probe_http: probe.map(|p| serde_json::from_str(p).expect("probe JSON")),
        probe_cmd: None,
        settled: true,
        waited_ms: 500.0,
    }
}

/// One step of a scenario: deliveries, or an observation.
pub enum Step {
    Sent(Vec<Delivery>),
    Seen(Observation),
}

fn step(index: usize, s: Step) -> StepOutcome {
    let (deliveries, observation) = match s {
        Step::Sent(ds) => (ds, None),
        Step::Seen(o) => (Vec::new(), Some(o)),
    };
    StepOutcome {
        index,
        line: 0,
        label: String::new(),
        status: StepStatus::Passed,
        deliveries,
        observation,
        checks: Vec::new(),
        error: None,
    }
}

/// A run of scenarios, each `(rule, steps)`.
pub fn run(scenarios: Vec<(&str, Vec<Step>)>) -> RunOutcome {
    RunOutcome {
        seed: 1,
        receiver: "http://127.0.0.1:9/cb".into(),
        duration_ms: 0.0,
        interrupted: false,
        cut_short: None,
        probe: None,
        hints: Vec::new(),
        scenarios: scenarios
            .into_iter()
            .map(|(rule, steps)| ScenarioOutcome {
                file: format!("{rule}.yaml"),
                name: rule.into(),
                family: "video",
                rule: Some(rule.into()),
                status: ScenarioStatus::Passed,
                duration_ms: 0.0,
                steps: steps
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| step(i + 1, s))
                    .collect(),
            })
            .collect(),
    }
}

/// How the tests' runs were set up: video unless told, with a probe.
pub fn setup(family: &str) -> Setup {
    Setup {
        family: crate::family::find(family).expect("a family"),
        hmac: false,
        token: false,
        probe: true,
        media_https: false,
        deadline: Duration::from_secs(15),
        fast_ack_p95: Duration::from_secs(1),
        connections: Some(5),
    }
}

/// The rule `id` judged on `run`.
pub fn judge(id: &str, run: &RunOutcome, setup: &Setup) -> RuleResult {
    super::find(id).expect("a rule").result(&setup.context(run))
}

/// Asserts the verdict and that the reason holds `words`.
pub fn assert_verdict(r: &RuleResult, verdict: Verdict, words: &str) {
    assert_eq!(r.verdict, verdict, "{}: {}", r.id, r.reason);
    assert!(r.reason.contains(words), "{}: {}", r.id, r.reason);
}
