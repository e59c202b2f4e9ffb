//! The probe checked before its answers count as evidence (issue 28): one task it is asked
//! about before and after the receiver acts on a genuine success callback, and one task
//! nothing is sent for. A probe whose answer is the same for every task, before and after
//! (a wrong path answering 404 everywhere, a command that is not found), proves nothing.

use std::collections::BTreeMap;

use super::deliver::template_name;
use super::engine::Engine;
use crate::family::Family;
use crate::observe::ObserveError;
use crate::outcome::{Observation, ProbeHealth, ProbeState};
use crate::payload::TaskIds;
use crate::scenario::{DeliverStep, LoadedScenario, Scenario, Template};

/// What checking the probe found.
#[derive(Debug, Clone)]
pub enum Calibration {
    /// It can be used, working or not proven (the rules say so where it matters).
    Usable(ProbeHealth),
    /// It cannot show anything: the run must stop before judging, and this says why and what
    /// to fix.
    Unfit(String),
}

/// What a probe answered, one line: the HTTP probe's JSON or text, the command's output.
fn answered(o: &Observation) -> String {
    match (&o.probe_http, &o.probe_cmd) {
        (Some(v), _) => v.to_string(),
        (None, Some(c)) => format!("{c:?}"),
        (None, None) => "nothing".into(),
    }
}

/// The probe's answer with the task's own id set aside, so two tasks compare.
fn shape(o: &Observation) -> String {
    answered(o).replace(&o.task_id, "{task_id}")
}

impl Engine {
    /// Asks the probe about a task before and after one genuine success callback of `family`,
    /// and about a task nothing is sent for. `None` without a probe, when the receiver is not
    /// up (the run says so itself) or when interrupted.
    pub async fn calibrate_probe(&self, family: &'static Family) -> Option<Calibration> {
        let flag = self.observer.probe_flag()?;
        self.reachable().await.ok()?;
        let mut ids = TaskIds::new(self.cfg.seed, "probe-check");
        let (unseen_id, acted_id) = (ids.get("unseen"), ids.get("acted"));
        let unfit = |e: ObserveError| {
            Calibration::Unfit(format!(
                "{flag} cannot be used: {e}; {}",
                fix_for(&flag, &e.to_string())
            ))
        };
        let unseen = match self.observer.at_rest("unseen", &unseen_id).await {
            Ok(o) => o,
            Err(e) => return Some(unfit(e)),
        };
        let before = match self.observer.at_rest("acted", &acted_id).await {
            Ok(o) => o,
            Err(e) => return Some(unfit(e)),
        };
        let ls = LoadedScenario {
            file: "(the probe check)".into(),
            scenario: Scenario {
                name: "the probe shows a change".into(),
                rule: None,
                family: None,
                description: None,
                sender: None,
                tasks: BTreeMap::new(),
                steps: Vec::new(),
            },
            step_lines: Vec::new(),
            warnings: Vec::new(),
            family,
        };
        let step = DeliverStep::new(Template::Success, "acted");
        let sent = self
            .deliver_step(&ls, &step, &acted_id, &self.cfg.policy)
            .await;
        if self.cancel.is_cancelled() {
            return None;
        }
        let callback = template_name(&step, family);
        let health = |state, detail| {
            Some(Calibration::Usable(ProbeHealth {
                probe: flag.clone(),
                state,
                detail,
            }))
        };
        match sent.as_deref() {
            Ok([d, ..]) if d.acknowledged => {}
            Ok([d, ..]) => {
                let how = d
                    .last()
                    .map(crate::wire::describe)
                    .unwrap_or_else(|| "was not sent".into());
                return health(
                    ProbeState::Unproven,
                    format!(
                        "not seen to show a change: the {callback} callback it was checked with (task {acted_id}) {how}"
                    ),
                );
            }
            Ok([]) | Err(_) => {
                return health(
                    ProbeState::Unproven,
                    format!(
                        "not seen to show a change: the {callback} callback it was checked with (task {acted_id}) could not be sent"
                    ),
                );
            }
        }
        let after = match self.observer.settled("acted", &acted_id, None).await {
            Ok(o) => o,
            Err(e) => return Some(unfit(e)),
        };
        if answered(&after) != answered(&before) {
            return health(
                ProbeState::Working,
                format!(
                    "answered {} for task {acted_id} before its {callback} callback and {} after",
                    answered(&before),
                    answered(&after)
                ),
            );
        }
        if shape(&after) == shape(&unseen) {
            return Some(Calibration::Unfit(format!(
                "{flag} shows nothing that changes: it answered {} for task {acted_id} before and after the receiver acknowledged its {callback} callback, and the same for task {unseen_id}, which was never sent; {}",
                answered(&after),
                fix_for(&flag, &answered(&after))
            )));
        }
        health(
            ProbeState::Unproven,
            format!(
                "not seen to show a change: it answered {} for task {acted_id} before and after its {callback} callback (and {} for a task never sent)",
                answered(&after),
                answered(&unseen)
            ),
        )
    }
}

/// What to fix, from what the probe answered.
fn fix_for(flag: &str, answer: &str) -> String {
    let cmd = flag.starts_with("--probe-cmd");
    if cmd && (answer.contains("exited 127") || answer.contains("not found")) {
        "the command was not found: check its name and that it is on the PATH".into()
    } else if cmd {
        "run the command by hand with a task id the receiver has processed, and make it print what the receiver stored for {task_id} (its row, its status)".into()
    } else if answer.contains("404") {
        "a 404 for every task is usually a wrong path: open the URL with the id of a task the receiver has processed, and make it show what the receiver stored (its row, its status); or, if the receiver stores nothing on a success callback, leave the probe out".into()
    } else {
        "make it show what the receiver stored for {task_id} (its row, its status), or, if the receiver stores nothing on a success callback, leave the probe out".into()
    }
}
