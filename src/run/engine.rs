//! The scenario runner: scenarios one after another or phase by phase, the steps of a scenario
//! in order or task by task in lanes, every event kept as data.

use std::collections::HashMap;
use std::sync::PoisonError;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::checks::{delivery_checks, observation_checks};
use super::deliver::{Target, TaskRef, deliver, template_name};
use super::preflight::preflight;
use crate::artifacts::MediaHost;
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

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Nothing listens at the receiver's address.
    #[error(transparent)]
    Unreachable(#[from] super::preflight::Unreachable),
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
    pub host: MediaHost,
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

    /// Runs every scenario in order, one after another. Fails only when the receiver is down
    /// before the first delivery; everything after that is recorded in the outcome.
    pub async fn run(&self, scenarios: &[LoadedScenario]) -> Result<RunOutcome, RunError> {
        self.run_scheduled(scenarios, &Schedule::sequential(scenarios.len()))
            .await
    }

    /// Runs the scenarios phase by phase: those of a phase at once, each phase after the one
    /// before has ended. The outcome lists them in the order given, whatever order they end in.
    /// Whether the receiver accepts a connection, within its deadline (at most 5 s): asked
    /// before the first delivery, so a receiver that is not up is one clear error.
    pub async fn reachable(&self) -> Result<(), super::preflight::Unreachable> {
        preflight(
            &self.cfg.receiver,
            self.cfg.policy.timeout.min(Duration::from_secs(5)),
        )
        .await
    }

    pub async fn run_scheduled(
        &self,
        scenarios: &[LoadedScenario],
        schedule: &Schedule,
    ) -> Result<RunOutcome, RunError> {
        let start = Instant::now();
        self.reachable().await.map_err(RunError::Unreachable)?;
        let total = scenarios.len();
        let mut out: Vec<Option<ScenarioOutcome>> = vec![None; total];
        let mut phases: Vec<usize> = schedule.phases.clone();
        phases.sort_unstable();
        phases.dedup();
        for phase in phases {
            let runs = scenarios
                .iter()
                .enumerate()
                .filter(|(i, _)| schedule.phases.get(*i).copied().unwrap_or(*i) == phase)
                .map(|(i, s)| async move {
                    if let Some(hook) = &self.events {
                        hook(Event::Started {
                            index: i + 1,
                            total,
                            scenario: s,
                        });
                    }
                    let outcome = self.run_scenario_with(s, schedule.lanes).await;
                    if let Some(hook) = &self.events {
                        hook(Event::Finished(&outcome));
                    }
                    (i, outcome)
                });
            for (i, o) in futures_util::future::join_all(runs).await {
                out[i] = Some(o);
            }
        }
        Ok(RunOutcome {
            seed: self.cfg.seed,
            receiver: self.receiver_display(),
            duration_ms: (start.elapsed().as_secs_f64() * 1000.0).round(),
            interrupted: self.cancel.is_cancelled(),
            cut_short: self.sender.gave_up().map(str::to_string),
            probe: None,
            hints: Vec::new(),
            scenarios: out.into_iter().flatten().collect(),
        })
    }

    /// One scenario. With `lanes`, the steps of each task run in their own lane, the lanes at
    /// once (a step that compares with another task's kept observation waits for it); a
    /// scenario with a `wait` step runs in order regardless.
    async fn run_scenario_with(&self, ls: &LoadedScenario, lanes: bool) -> ScenarioOutcome {
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
        // Every alias gets its seeded id up front (the same ids a step-by-step run gives).
        for step in &sc.steps {
            if let Some(alias) = step_task(step) {
                ids.get(alias);
            }
        }
        let state = ScenarioState {
            ids,
            saved: std::sync::Mutex::new(HashMap::new()),
            delivered: std::sync::Mutex::new(std::collections::HashSet::new()),
            kept_by_a_step: sc
                .steps
                .iter()
                .filter_map(|s| match s {
                    Step::Observe(o) => o.save_as.clone(),
                    _ => None,
                })
                .collect(),
            gone: std::sync::Mutex::new(std::collections::HashSet::new()),
            changed: tokio::sync::Notify::new(),
            stopped: std::sync::atomic::AtomicBool::new(false),
            policy: self.cfg.policy.with(sc.sender.as_ref()),
        };
        let has_wait = sc.steps.iter().any(|s| matches!(s, Step::Wait(_)));
        let lane_of: Vec<String> = sc
            .steps
            .iter()
            .map(|s| {
                if lanes && !has_wait {
                    step_task(s).unwrap_or("").to_string()
                } else {
                    String::new()
                }
            })
            .collect();
        let mut names: Vec<&String> = lane_of.iter().collect();
        names.dedup();
        let mut seen = std::collections::HashSet::new();
        names.retain(|n| seen.insert(*n));
        let runs = names.into_iter().map(|lane| {
            let state = &state;
            let lane_of = &lane_of;
            async move {
                let mut done = Vec::new();
                for (i, step) in sc.steps.iter().enumerate() {
                    if &lane_of[i] == lane {
                        done.push(self.run_step(ls, i, step, state).await);
                    }
                }
                done
            }
        });
        let mut steps: Vec<StepOutcome> = futures_util::future::join_all(runs)
            .await
            .into_iter()
            .flatten()
            .collect();
        steps.sort_by_key(|s| s.index);
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
            family: ls.family.id,
            rule: sc.rule.clone(),
            status,
            duration_ms: (start.elapsed().as_secs_f64() * 1000.0).round(),
            steps,
        }
    }

    async fn run_step(
        &self,
        ls: &LoadedScenario,
        i: usize,
        step: &Step,
        st: &ScenarioState,
    ) -> StepOutcome {
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
        if st.stopped.load(Ordering::SeqCst)
            || self.cancel.is_cancelled()
            || self.sender.gave_up().is_some()
        {
            o.status = StepStatus::NotRun;
            st.forget(step);
            return o;
        }
        match step {
            Step::Deliver(d) => {
                let policy = st.policy.with(d.sender.as_ref());
                let alias = d.task_alias();
                st.lock_delivered().insert(alias.to_string());
                let task_id = st.ids.known(alias).unwrap_or_default().to_string();
                match self.deliver_step(ls, d, &task_id, &policy).await {
                    // The sender gave up on the receiver before this step sent anything.
                    Ok(ds) if ds.is_empty() => {
                        o.status = StepStatus::NotRun;
                        st.stopped.store(true, Ordering::SeqCst);
                    }
                    Ok(ds) => {
                        if let Some(e) = &d.expect {
                            o.checks = ds.iter().flat_map(|x| delivery_checks(e, x)).collect();
                        }
                        o.deliveries = ds;
                    }
                    Err(e) => o.error = Some(e.to_string()),
                }
            }
            Step::Wait(w) => {
                tokio::select! {
                    () = tokio::time::sleep(w.wait.0) => {}
                    () = self.cancel.cancelled() => o.status = StepStatus::NotRun,
                }
            }
            Step::Observe(ob) => {
                let task_id = st.ids.known(&ob.observe).unwrap_or_default().to_string();
                // A task nothing was sent for in this run has no side effects under way: one
                // look is the settled state (pinned ids may carry an earlier run's, so they
                // settle as usual).
                let untouched = !st.lock_delivered().contains(&ob.observe)
                    && !self.pinned.iter().any(|(a, _)| a == &ob.observe);
                // Said while it lasts: the longest wait of a run (issue 19).
                let _waiting = ob.until_downloaded.map(|d| {
                    let rule = ls
                        .scenario
                        .rule
                        .as_deref()
                        .map(|r| format!(" ({r}, --max-wait)"))
                        .unwrap_or_default();
                    self.sender.activity().other(
                        format!("a download of the media of task {task_id}{rule}"),
                        d.0.min(self.observer.config().max_wait),
                    )
                });
                let look = tokio::select! {
                    r = async {
                        if untouched {
                            self.observer.at_rest(&ob.observe, &task_id).await
                        } else {
                            self.observer.settled(&ob.observe, &task_id, ob.until_downloaded.map(|d| d.0)).await
                        }
                    } => Some(r),
                    () = self.cancel.cancelled() => None,
                };
                match look {
                    None => o.status = StepStatus::NotRun,
                    Some(Err(e)) => o.error = Some(e.to_string()),
                    Some(Ok(mut now)) => {
                        now.name = ob.save_as.clone();
                        now.role = ob.role;
                        for name in [&ob.same_as, &ob.changed_from].into_iter().flatten() {
                            st.wait_for(name).await;
                        }
                        o.checks = observation_checks(ob, &now, &st.lock_saved());
                        if let Some(name) = &ob.save_as {
                            st.lock_saved().insert(name.clone(), now.clone());
                            st.changed.notify_waiters();
                        }
                        o.observation = Some(now);
                    }
                }
                if o.observation.is_none() {
                    st.forget(step);
                }
            }
        }
        if o.error.is_some() && self.cancel.is_cancelled() {
            // Cut by Ctrl-C: unfinished, not a harness failure.
            o.status = StepStatus::NotRun;
        } else if o.error.is_some() {
            o.status = StepStatus::Error;
            st.stopped.store(true, Ordering::SeqCst);
        } else if o.status == StepStatus::Passed && o.checks.iter().any(|c| !c.passed) {
            o.status = StepStatus::Failed;
        }
        o
    }

    pub(super) async fn deliver_step(
        &self,
        ls: &LoadedScenario,
        d: &DeliverStep,
        task_id: &str,
        policy: &Policy,
    ) -> Result<Vec<Delivery>, super::deliver::DeliverError> {
        let alias = d.task_alias();
        let task_id = task_id.to_string();
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
            media_host: self.host.base_url(),
        };
        let target = Target {
            receiver: &self.cfg.receiver,
            token_param: self.cfg.token_param.as_deref(),
        };
        tokio::select! {
            r = deliver(&self.sender, &target, d, &task, policy, None) => r,
            // The sender ends attempts in flight itself, after its grace, as `interrupted`
            // deliveries; this is the backstop should something else hang.
            () = async {
                self.cancel.cancelled().await;
                tokio::time::sleep(crate::sender::INTERRUPT_GRACE + Duration::from_secs(1)).await;
            } => Err(super::deliver::DeliverError::Interrupted),
        }
    }
}

/// Which scenarios run together: a phase number per scenario (lower first, equal at once), and
/// whether the tasks of one scenario run in lanes of their own.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub phases: Vec<usize>,
    pub lanes: bool,
}

impl Schedule {
    /// One scenario after another, each step after the one before.
    pub fn sequential(n: usize) -> Schedule {
        Schedule {
            phases: (0..n).collect(),
            lanes: false,
        }
    }
}

/// What the lanes of one scenario share.
struct ScenarioState {
    ids: TaskIds,
    saved: std::sync::Mutex<HashMap<String, Observation>>,
    /// Aliases something was delivered for.
    delivered: std::sync::Mutex<std::collections::HashSet<String>>,
    /// Names some `as:` of the scenario keeps.
    kept_by_a_step: Vec<String>,
    /// Names whose step ended without an observation: nobody waits for them any longer.
    gone: std::sync::Mutex<std::collections::HashSet<String>>,
    changed: tokio::sync::Notify,
    /// A step failed to run: the steps not yet started are not run.
    stopped: std::sync::atomic::AtomicBool,
    policy: Policy,
}

impl ScenarioState {
    fn lock_saved(&self) -> std::sync::MutexGuard<'_, HashMap<String, Observation>> {
        self.saved.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lock_delivered(&self) -> std::sync::MutexGuard<'_, std::collections::HashSet<String>> {
        self.delivered
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// A step that would have kept an observation did not: its name will never come.
    fn forget(&self, step: &Step) {
        if let Step::Observe(o) = step
            && let Some(name) = &o.save_as
        {
            self.gone
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(name.clone());
            self.changed.notify_waiters();
        }
    }

    /// Waits until the observation kept as `name` exists, or never will.
    async fn wait_for(&self, name: &str) {
        if !self.kept_by_a_step.iter().any(|n| n == name) {
            return;
        }
        loop {
            let changed = self.changed.notified();
            let here = self.lock_saved().contains_key(name)
                || self
                    .gone
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .contains(name);
            if here {
                return;
            }
            changed.await;
        }
    }
}

/// The task a step is about (a `wait` is about none).
fn step_task(step: &Step) -> Option<&str> {
    match step {
        Step::Deliver(d) => Some(d.task_alias()),
        Step::Observe(o) => Some(&o.observe),
        Step::Wait(_) => None,
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
