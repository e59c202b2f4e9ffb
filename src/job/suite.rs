//! The conformance suite: the scenarios under `scenarios/contract/`, compiled into the binary,
//! in the order they are reported, planned for a run from what each rule declares (its phase,
//! what it needs, the rewrite of its scenario). Nothing here names a rule.

use crate::family::Family;
use crate::rules::{self, PlanFor, Rewrite, SIGNATURE_VARIANTS, TOKEN_VARIANTS};
use crate::scenario::load::load_embedded;
use crate::scenario::{DeliverStep, Expect, LoadedScenario, Step, Template};
use crate::wire::{Auth, StatusMatch};

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

fn rule(id: &str) -> Option<&'static rules::Rule> {
    rules::CATALOGUE.iter().find(|r| r.id == id)
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
    rules::CATALOGUE
        .iter()
        .filter(|r| !r.whole_run && (only.is_empty() || only.iter().any(|o| o == r.id)))
        .filter(|r| SUITE.iter().any(|(file, _)| rule_of(file) == r.id))
        .filter(|r| r.plan.needs.met(f))
        .map(|r| r.id)
        .collect()
}

/// Every rule id, in the catalogue's order (for completions).
pub fn rule_ids() -> Vec<&'static str> {
    crate::rules::ids().collect()
}

/// Whether `check` runs rule `id` for `family` at all (signed and with a token: only what the
/// family delivers decides).
pub fn applies_to(id: &str, family: &'static Family) -> bool {
    applies(
        id,
        &PlanFor {
            family,
            hmac: true,
            token: true,
        },
    )
}

/// The rule `id` names, or a usage error that says which ids there are.
pub fn rule_named(id: &str) -> Result<&'static crate::rules::Rule, super::JobError> {
    crate::rules::find(id)
        .ok_or_else(|| super::JobError::Usage(crate::rules::unknown_rule_message(id)))
}

/// The suite as `check` runs it: only the selected rules that apply, each scenario fitted to
/// the family and the run by its rule.
pub fn plan(only: &[String], f: &PlanFor<'static>) -> Result<Vec<LoadedScenario>, super::JobError> {
    let files: Vec<(&str, &str)> = SUITE
        .iter()
        .filter(|(file, _)| {
            let id = rule_of(file);
            (only.is_empty() || only.iter().any(|o| o == id)) && applies(id, f)
        })
        .copied()
        .collect();
    let family: &'static Family = f.family;
    let all = load_embedded(&files, family).map_err(|e| super::JobError::Suite {
        family: family.id,
        first: match e {
            crate::scenario::LoadError::Invalid(ds) => {
                ds.first().map(|(d, _)| d.short()).unwrap_or_default()
            }
            crate::scenario::LoadError::Path(p) => p.to_string(),
        },
    })?;
    let mut out = Vec::new();
    for mut s in all {
        let rewrite = s
            .scenario
            .rule
            .as_deref()
            .and_then(rule)
            .map_or(Rewrite::Nothing, |r| r.plan.rewrite);
        fit(rewrite, &mut s, f);
        out.push(s);
    }
    Ok(out)
}

/// An expectation of exactly 200, for the steps a rewrite makes.
fn ok() -> Expect {
    Expect {
        status: Some(StatusMatch::Code(200)),
        ..Expect::default()
    }
}

/// Replaces a scenario's steps with `steps`; the file's step lines stay where there are as
/// many, the rest point at the first step.
fn one_step_each(s: &mut LoadedScenario, steps: Vec<DeliverStep>) {
    let first = s.step_lines.first().copied().unwrap_or(0);
    s.step_lines = (0..steps.len())
        .map(|i| s.step_lines.get(i).copied().unwrap_or(first))
        .collect();
    s.scenario.steps = steps
        .into_iter()
        .map(|d| Step::Deliver(Box::new(d)))
        .collect();
}

/// Applies a rule's declared rewrite to its scenario.
fn fit(rewrite: Rewrite, s: &mut LoadedScenario, f: &PlanFor<'_>) {
    match rewrite {
        Rewrite::Nothing => {}
        Rewrite::EveryFailureCode => fit_every_failure_code(s, f),
        Rewrite::EveryVariant => fit_every_variant(s, f),
        Rewrite::EveryStage => fit_every_stage(s, f),
        Rewrite::TaskIdWhereTheFamilyKeepsIt => fit_task_id_where_the_family_keeps_it(s, f),
        Rewrite::DeclaredAuthOnly => fit_declared_auth_only(s, f),
    }
}

/// A failure callback for every code the family documents, each answered 200.
fn fit_every_failure_code(s: &mut LoadedScenario, f: &PlanFor<'_>) {
    let steps = f
        .family
        .failure_codes
        .iter()
        .map(|c| {
            let mut d = DeliverStep::new(Template::Failure, &format!("failed-{}", c.code));
            d.code = Some(c.code);
            d.expect = Some(ok());
            d
        })
        .collect();
    one_step_each(s, steps);
}

/// A delivery of every documented variant, each for a task of its own.
fn fit_every_variant(s: &mut LoadedScenario, f: &PlanFor<'_>) {
    let steps = f
        .family
        .variants
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let template = Template::from_name(v.stage).unwrap_or(Template::Success);
            let mut d = DeliverStep::new(template, &format!("variant-{}", i + 1));
            d.variant = Some(v.name.to_string());
            d.expect = Some(ok());
            d
        })
        .collect();
    one_step_each(s, steps);
}

/// Every success stage the family sends, in order, for one task: a receiver that crashes on
/// `text` (its track list is empty) fails here, not only as a stage rule.
fn fit_every_stage(s: &mut LoadedScenario, f: &PlanFor<'_>) {
    if f.family.stages.len() < 2 {
        return;
    }
    let steps = f
        .family
        .stages
        .iter()
        .map(|stage| {
            let mut d = DeliverStep::new(
                Template::from_name(stage.name).unwrap_or(Template::Success),
                "done",
            );
            d.expect = Some(ok());
            d
        })
        .collect();
    one_step_each(s, steps);
}

/// The body without the task id goes without it where this family keeps it.
fn fit_task_id_where_the_family_keeps_it(s: &mut LoadedScenario, f: &PlanFor<'_>) {
    for step in &mut s.scenario.steps {
        if let Step::Deliver(d) = step {
            for path in &mut d.remove {
                if path == "data.task_id" {
                    *path = f.family.task_id_path.to_string();
                }
            }
        }
    }
}

/// Keeps only the forged variants the run's auth declaration makes meaningful.
fn fit_declared_auth_only(s: &mut LoadedScenario, f: &PlanFor<'_>) {
    let dropped: Vec<Auth> = SIGNATURE_VARIANTS
        .iter()
        .filter(|_| !f.hmac)
        .chain(TOKEN_VARIANTS.iter().filter(|_| !f.token))
        .copied()
        .collect();
    // The tasks of the dropped deliveries, so their observations go too.
    let gone: Vec<&str> = s
        .scenario
        .steps
        .iter()
        .filter_map(|st| match st {
            Step::Deliver(d) if dropped.contains(&d.auth()) => Some(d.task_alias()),
            _ => None,
        })
        .collect();
    let keep: Vec<bool> = s
        .scenario
        .steps
        .iter()
        .map(|st| match st {
            Step::Deliver(d) => !dropped.contains(&d.auth()),
            Step::Observe(o) => !gone.contains(&o.observe.as_str()),
            Step::Wait(_) => true,
        })
        .collect();
    let mut k = keep.iter();
    s.scenario.steps.retain(|_| *k.next().unwrap_or(&true));
    let mut k = keep.iter();
    s.step_lines.retain(|_| *k.next().unwrap_or(&true));
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
        for r in crate::rules::CATALOGUE {
            let n = suite
                .iter()
                .filter(|s| s.scenario.rule.as_deref() == Some(r.id))
                .count();
            // A rule judged on the URL alone delivers nothing.
            let want = usize::from(r.plan.needs != crate::rules::Needs::TheUrl);
            assert_eq!(n, want, "rule {} has {n} scenarios", r.id);
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
