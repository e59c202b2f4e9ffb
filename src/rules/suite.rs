//! The conformance suite: the scenarios under `scenarios/contract/`, compiled into the binary,
//! in the order they are reported, and how they are planned from what each rule declares (its
//! phase, what it needs, its rewrite of its scenario). Nothing here names a rule.

use crate::family::Family;
use crate::scenario::load::load_embedded;
use crate::scenario::{DeliverStep, Expect, LoadedScenario, Step};
use crate::wire::StatusMatch;

macro_rules! suite {
    ($($file:literal),* $(,)?) => {
        &[$((concat!("scenarios/contract/", $file), include_str!(concat!("../../scenarios/contract/", $file)))),*]
    };
}

pub static SUITE: &[(&str, &str)] = suite![
    "01-ack-success.yaml",
    "02-ack-failure.yaml",
    "03-async-processing.yaml",
    "04-idempotent-duplicate.yaml",
    "05-idempotent-concurrent.yaml",
    "06-tolerate-extra-fields.yaml",
    "07-accept-json-charset.yaml",
    "08-fast-ack.yaml",
    "09-ack-deadline.yaml",
    "10-download-media.yaml",
    "11-verify-source.yaml",
    // Added with the families; listed before the bad input, which must come last.
    "15-stages-not-duplicates.yaml",
    "16-stale-stage.yaml",
    "17-record-failure.yaml",
    "18-accept-documented-variants.yaml",
    "12-reject-malformed.yaml",
    "13-reject-invalid.yaml",
    "14-survive-bad-input.yaml",
];

/// The rule a suite file is for, from its name: `04-idempotent-duplicate.yaml`.
fn rule_of(file: &str) -> &str {
    let base = file.rsplit('/').next().unwrap_or(file);
    let base = base.strip_suffix(".yaml").unwrap_or(base);
    base.split_once('-').map_or(base, |(_, r)| r)
}

/// When a rule's scenario runs in `check`, earlier phases first, the scenarios of one phase at
/// once: the well-formed callbacks; then the slow media of `async-processing` alone, because
/// a receiver that downloads in its handler and serves one request at a time would make every
/// callback beside it wait; then the bad input; then `survive-bad-input`, so a receiver that
/// dies on bad input is still judged fairly on everything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    WellFormed,
    SlowMedia,
    BadInput,
    AfterBadInput,
}

/// What a rule needs from the family and the run to have anything to deliver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    Nothing,
    /// Several success stages per task (music's text, first, complete).
    Stages,
    /// Media URLs in the success body.
    Media,
    /// An auth declaration: `--hmac-key` or `--token-param`.
    Auth,
}

impl Needs {
    pub fn met(self, f: &PlanFor<'_>) -> bool {
        match self {
            Needs::Nothing => true,
            Needs::Stages => f.family.staged(),
            Needs::Media => f.family.has_media(),
            Needs::Auth => f.hmac || f.token,
        }
    }

    /// Why a rule that needs this has nothing to judge here, said after "has nothing to judge".
    pub fn unmet(self, f: &PlanFor<'_>) -> String {
        match self {
            Needs::Stages => format!(
                "in the {} family: it sends one callback per task (pass --family music, or another family with stages)",
                f.family.id
            ),
            Needs::Media => format!(
                "in the {} family: its callbacks carry no media",
                f.family.id
            ),
            Needs::Auth => "without an auth declaration: pass --hmac-key KEY (the receiver verifies X-Webhook-Signature) or --token-param NAME (its URL carries a secret)".into(),
            Needs::Nothing => String::new(),
        }
    }
}

/// What planning a rule's scenario depends on.
#[derive(Debug, Clone, Copy)]
pub struct PlanFor<'a> {
    pub family: &'a Family,
    pub hmac: bool,
    pub token: bool,
}

/// How a rule's scenario is planned in `check`: data on the rule, read here.
#[derive(Clone, Copy)]
pub struct Plan {
    pub phase: Phase,
    pub needs: Needs,
    /// Fits the scenario file to the family and the run (its failure codes, its stages, the
    /// declared auth variants).
    pub rewrite: Option<fn(&mut LoadedScenario, &PlanFor<'_>)>,
}

fn rule(id: &str) -> Option<&'static super::Rule> {
    super::CATALOGUE.iter().find(|r| r.id == id)
}

/// The schedule `check` runs a plan on: phases by rule, each scenario's tasks in lanes;
/// `sequential`: one scenario after another, each step after the one before.
pub fn schedule(plan: &[LoadedScenario], sequential: bool) -> crate::run::Schedule {
    if sequential {
        return crate::run::Schedule::sequential(plan.len());
    }
    crate::run::Schedule {
        phases: plan
            .iter()
            .map(|s| {
                s.scenario
                    .rule
                    .as_deref()
                    .and_then(rule)
                    .map_or(0, |r| r.plan.phase as usize)
            })
            .collect(),
        lanes: true,
    }
}

/// Whether a rule has anything to deliver for this family and run. A rule left out is judged
/// `skip` with the reason.
pub fn applies(id: &str, f: &PlanFor<'_>) -> bool {
    rule(id).is_none_or(|r| r.plan.needs.met(f))
}

/// The rules `check` judges on a scenario of their own for this run (the ones whose verdict it
/// streams), in report order.
pub fn scenario_rules(only: &[String], f: &PlanFor<'_>) -> Vec<&'static str> {
    super::CATALOGUE
        .iter()
        .filter(|r| !r.whole_run && (only.is_empty() || only.iter().any(|o| o == r.id)))
        .filter(|r| SUITE.iter().any(|(file, _)| rule_of(file) == r.id))
        .filter(|r| r.plan.needs.met(f))
        .map(|r| r.id)
        .collect()
}

/// The suite as `check` runs it: only the selected rules that apply, each scenario fitted to
/// the family and the run by its rule.
pub fn plan(only: &[String], f: &PlanFor<'static>) -> Result<Vec<LoadedScenario>, String> {
    let files: Vec<(&str, &str)> = SUITE
        .iter()
        .filter(|(file, _)| {
            let id = rule_of(file);
            (only.is_empty() || only.iter().any(|o| o == id)) && applies(id, f)
        })
        .copied()
        .collect();
    let family: &'static Family = f.family;
    let all = load_embedded(&files, family).map_err(|e| match e {
        crate::scenario::LoadError::Invalid(ds) => {
            let first = ds.first().map(|(d, _)| d.short()).unwrap_or_default();
            format!(
                "the built-in suite does not parse for the {} family (a bug in suno-mock): {first}",
                family.id
            )
        }
        crate::scenario::LoadError::Path(m) => m,
    })?;
    let mut out = Vec::new();
    for mut s in all {
        let rewrite = s
            .scenario
            .rule
            .as_deref()
            .and_then(rule)
            .and_then(|r| r.plan.rewrite);
        if let Some(rewrite) = rewrite {
            rewrite(&mut s, f);
        }
        out.push(s);
    }
    Ok(out)
}

/// An expectation of exactly 200, for the steps a rewrite makes.
pub(super) fn ok() -> Expect {
    Expect {
        status: Some(StatusMatch::Code(200)),
        ..Expect::default()
    }
}

/// Replaces a scenario's steps with `steps`; the file's step lines stay where there are as
/// many, the rest point at the first step.
pub(super) fn one_step_each(s: &mut LoadedScenario, steps: Vec<DeliverStep>) {
    let first = s.step_lines.first().copied().unwrap_or(0);
    s.step_lines = (0..steps.len())
        .map(|i| s.step_lines.get(i).copied().unwrap_or(first))
        .collect();
    s.scenario.steps = steps
        .into_iter()
        .map(|d| Step::Deliver(Box::new(d)))
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_of(family: &'static Family) -> PlanFor<'static> {
        PlanFor {
            family,
            hmac: true,
            token: true,
        }
    }

    #[test]
    fn every_rule_has_exactly_one_scenario_and_every_file_is_listed() {
        let suite = plan(&[], &all_of(crate::family::find("music").unwrap())).unwrap();
        for id in crate::rules::ids() {
            let n = suite
                .iter()
                .filter(|s| s.scenario.rule.as_deref() == Some(id))
                .count();
            assert_eq!(n, 1, "rule {id} has {n} scenarios");
        }
        let on_disk = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/contract"))
            .unwrap()
            .count();
        assert_eq!(
            on_disk,
            SUITE.len(),
            "a file in scenarios/contract is not compiled in"
        );
        assert_eq!(
            suite.last().and_then(|s| s.scenario.rule.as_deref()),
            Some("survive-bad-input")
        );
    }

    #[test]
    fn the_schedule_runs_well_formed_callbacks_first_then_the_slow_video_then_bad_input() {
        let suite = plan(&[], &all_of(crate::family::video())).unwrap();
        let sched = schedule(&suite, false);
        let phase_of = |rule: &str| {
            let i = suite
                .iter()
                .position(|s| s.scenario.rule.as_deref() == Some(rule))
                .unwrap();
            sched.phases[i]
        };
        assert!(sched.lanes);
        assert_eq!(phase_of("ack-success"), 0);
        assert_eq!(phase_of("idempotent-duplicate"), 0);
        assert!(phase_of("async-processing") > phase_of("ack-success"));
        assert!(phase_of("reject-malformed") > phase_of("async-processing"));
        let last = sched.phases.iter().max().unwrap();
        assert_eq!(phase_of("survive-bad-input"), *last);
        assert_eq!(
            sched.phases.iter().filter(|p| *p == last).count(),
            1,
            "survive-bad-input runs alone, after everything"
        );
    }

    #[test]
    fn verify_source_keeps_only_declared_variants() {
        let only = vec!["verify-source".to_string()];
        let video = crate::family::video();
        let declared = |hmac, token| PlanFor {
            family: video,
            hmac,
            token,
        };
        assert!(plan(&only, &declared(false, false)).unwrap().is_empty());
        let hmac = plan(&only, &declared(true, false)).unwrap();
        let tasks: Vec<String> = hmac[0]
            .scenario
            .steps
            .iter()
            .filter_map(|s| match s {
                Step::Deliver(d) => Some(d.task_alias().to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(
            tasks,
            ["unsigned", "wrong-key", "stale-timestamp", "genuine"]
        );
        assert_eq!(hmac[0].step_lines.len(), hmac[0].scenario.steps.len());
    }
}
