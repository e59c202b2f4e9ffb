//! The scenario runner: steps in order, one scenario after another, every event kept as data.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::checks::{delivery_checks, observation_checks};
use super::deliver::{Target, TaskRef, deliver, template_name};
use super::preflight::preflight;
use crate::artifacts::VideoHost;
use crate::duration::Dur;
use crate::observe::Observer;
use crate::outcome::*;
use crate::payload::TaskIds;
use crate::scenario::{DeliverStep, LoadedScenario, Step};
use crate::secrets::mask_query_param;
use crate::sender::{Policy, Sender};

#[derive(Debug, Clone)]
pub struct RunConfig {
    pub receiver: url::Url,
    /// The receiver URL's query parameter that carries its secret.
    pub token_param: Option<String>,
    /// The run-wide sender policy (flags); scenarios and steps override it.
    pub policy: Policy,
    pub seed: u64,
}

#[derive(Debug)]
pub enum RunError {
    /// Nothing listens at the receiver's address.
    Unreachable(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Unreachable(m) => f.write_str(m),
        }
    }
}

/// What the engine tells an observer of the run as it goes, so reports can be printed as
/// verdicts are decided instead of after a long silence (issue 9).
pub enum Event<'a> {
    /// A scenario is about to run: 1-based `index` of `total`.
    Started {
        index: usize,
        total: usize,
        scenario: &'a LoadedScenario,
    },
    /// A scenario has ended; its outcome is final.
    Finished(&'a ScenarioOutcome),
}

/// Told about every [`Event`]; called from the task that runs the scenarios.
pub type EventHook = std::sync::Arc<dyn Fn(Event<'_>) + Send + Sync>;

pub struct Engine {
    pub cfg: RunConfig,
    pub sender: Sender,
    pub host: VideoHost,
    pub observer: Observer,
    pub cancel: CancellationToken,
    /// Aliases with a fixed `task_id` instead of a seeded one.
    pub pinned: Vec<(String, String)>,
    /// Told about each scenario as it starts and ends.
    pub events: Option<EventHook>,
}

impl Engine {
    pub fn pin_task(&mut self, alias: &str, task_id: &str) {
        self.pinned.push((alias.to_string(), task_id.to_string()));
    }

    pub fn receiver_display(&self) -> String {
        mask_query_param(&self.cfg.receiver, self.cfg.token_param.as_deref())
    }

    /// Runs every scenario in order. Fails only when the receiver is down before the first
    /// delivery; everything after that is recorded in the outcome.
    pub async fn run(&self, scenarios: &[LoadedScenario]) -> Result<RunOutcome, RunError> {
        let start = Instant::now();
        preflight(
            &self.cfg.receiver,
            self.cfg.policy.timeout.min(Duration::from_secs(5)),
        )
        .await
        .map_err(RunError::Unreachable)?;
        let mut out = Vec::new();
        for (i, s) in scenarios.iter().enumerate() {
            if let Some(hook) = &self.events {
                hook(Event::Started {
                    index: i + 1,
                    total: scenarios.len(),
                    scenario: s,
                });
            }
            let outcome = self.run_scenario(s).await;
            if let Some(hook) = &self.events {
                hook(Event::Finished(&outcome));
            }
            out.push(outcome);
        }
        Ok(RunOutcome {
            seed: self.cfg.seed,
            receiver: self.receiver_display(),
            duration_ms: (start.elapsed().as_secs_f64() * 1000.0).round(),
            interrupted: self.cancel.is_cancelled(),
            scenarios: out,
        })
    }

    pub async fn run_scenario(&self, ls: &LoadedScenario) -> ScenarioOutcome {
        let start = Instant::now();
        let sc = &ls.scenario;
        let base = std::path::Path::new(&ls.file)
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut ids = TaskIds::new(self.cfg.seed, &format!("{base}/{}", sc.name));
        for (alias, id) in &self.pinned {
            ids.pin(alias, id);
        }
        let mut saved: HashMap<String, Observation> = HashMap::new();
        let scenario_policy = self.cfg.policy.with(sc.sender.as_ref());
        let mut steps = Vec::new();
        let mut stopped = false;
        for (i, step) in sc.steps.iter().enumerate() {
            let mut o = StepOutcome {
                index: i + 1,
                line: ls.step_lines.get(i).copied().unwrap_or(0),
                label: label(step, ls.family),
                status: StepStatus::Passed,
                deliveries: Vec::new(),
                observation: None,
                checks: Vec::new(),
                error: None,
            };
            if stopped || self.cancel.is_cancelled() {
                o.status = StepStatus::NotRun;
                steps.push(o);
                continue;
            }
            match step {
                Step::Deliver(d) => {
                    let policy = scenario_policy.with(d.sender.as_ref());
                    match self.deliver_step(ls, d, &mut ids, &policy).await {
                        Ok(ds) => {
                            if let Some(e) = &d.expect {
                                o.checks = ds.iter().flat_map(|x| delivery_checks(e, x)).collect();
                            }
                            o.deliveries = ds;
                        }
                        Err(e) => o.error = Some(e),
                    }
                }
                Step::Wait(w) => {
                    tokio::select! {
                        () = tokio::time::sleep(w.wait.0) => {}
                        () = self.cancel.cancelled() => o.status = StepStatus::NotRun,
                    }
                }
                Step::Observe(ob) => {
                    let task_id = ids.get(&ob.observe);
                    let look = tokio::select! {
                        r = self.observer.settled(&ob.observe, &task_id, ob.until_downloaded.map(|d| d.0)) => Some(r),
                        () = self.cancel.cancelled() => None,
                    };
                    match look {
                        None => o.status = StepStatus::NotRun,
                        Some(Err(e)) => o.error = Some(e),
                        Some(Ok(mut now)) => {
                            now.name = ob.save_as.clone();
                            o.checks = observation_checks(ob, &now, &saved);
                            if let Some(name) = &ob.save_as {
                                saved.insert(name.clone(), now.clone());
                            }
                            o.observation = Some(now);
                        }
                    }
                }
            }
            if o.error.is_some() && self.cancel.is_cancelled() {
                // Cut by Ctrl-C: unfinished, not a harness failure.
                o.status = StepStatus::NotRun;
            } else if o.error.is_some() {
                o.status = StepStatus::Error;
                stopped = true;
            } else if o.status == StepStatus::Passed && o.checks.iter().any(|c| !c.passed) {
                o.status = StepStatus::Failed;
            }
            steps.push(o);
        }
        let status = if steps.iter().any(|s| s.status == StepStatus::Error) {
            ScenarioStatus::Error
        } else if steps.iter().any(|s| s.status == StepStatus::Failed) {
            ScenarioStatus::Failed
        } else if steps.iter().any(|s| s.status == StepStatus::NotRun) {
            ScenarioStatus::NotRun
        } else {
            ScenarioStatus::Passed
        };
        ScenarioOutcome {
            file: ls.file.clone(),
            name: sc.name.clone(),
            rule: sc.rule.clone(),
            status,
            duration_ms: (start.elapsed().as_secs_f64() * 1000.0).round(),
            steps,
        }
    }

    async fn deliver_step(
        &self,
        ls: &LoadedScenario,
        d: &DeliverStep,
        ids: &mut TaskIds,
        policy: &Policy,
    ) -> Result<Vec<Delivery>, String> {
        let alias = d.task_alias();
        let task_id = ids.get(alias);
        let mode = ls
            .scenario
            .tasks
            .get(alias)
            .map(|t| t.video)
            .unwrap_or_default();
        // The slow video must outlast the deadline in force, or it proves nothing.
        self.host
            .set_slow_over(policy.timeout * 2 + Duration::from_secs(1));
        self.host.set_mode(&task_id, mode);
        let media = |kind, slot: &str| self.host.media_url(&task_id, kind, slot);
        let task = TaskRef {
            family: ls.family,
            id: &task_id,
            media: &media,
        };
        let target = Target {
            receiver: &self.cfg.receiver,
            token_param: self.cfg.token_param.as_deref(),
        };
        tokio::select! {
            r = deliver(&self.sender, &target, d, &task, policy, None) => r,
            // Attempts in flight get one deadline to finish; then the step is recorded as cut.
            () = async {
                self.cancel.cancelled().await;
                tokio::time::sleep(policy.timeout.min(Duration::from_secs(2))).await;
            } => Err("interrupted before the delivery finished".to_string()),
        }
    }
}

fn label(step: &Step, family: &crate::family::Family) -> String {
    match step {
        Step::Deliver(d) => {
            let mut l = format!(
                "deliver {} (task {})",
                template_name(d, family),
                d.task_alias()
            );
            if d.copies() > 1 {
                l.push_str(&format!(" x{}", d.copies()));
                if d.concurrent {
                    l.push_str(" concurrent");
                }
            }
            if d.auth() != crate::wire::Auth::Genuine {
                l.push_str(&format!(" auth {}", d.auth().name()));
            }
            l
        }
        Step::Wait(w) => format!("wait {}", Dur(w.wait.0)),
        Step::Observe(o) => match &o.save_as {
            Some(n) => format!("observe {} as {n}", o.observe),
            None => format!("observe {}", o.observe),
        },
    }
}
