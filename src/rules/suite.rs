//! The conformance suite: the scenarios under `scenarios/contract/`, compiled into the binary,
//! in the order they are reported, and the phases they run in (the well-formed callbacks at
//! once, then bad input, `survive-bad-input` last).

use super::verify_source::{SIGNATURE_VARIANTS, TOKEN_VARIANTS};
use crate::family::Family;
use crate::scenario::load::load_embedded;
use crate::scenario::{DeliverStep, Expect, LoadedScenario, Step, Template};
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

/// When a rule's scenario runs in `check`: the well-formed callbacks all at once (phase 0);
/// then the slow video of `async-processing` (1), alone, because a receiver that downloads in
/// its handler and serves one request at a time would make every callback beside it wait;
/// then the bad input (2), then `survive-bad-input` (3), so a receiver that dies on bad input
/// is still judged fairly on everything else.
pub fn phase(rule: &str) -> usize {
    match rule {
        "async-processing" => 1,
        "reject-malformed" | "reject-invalid" => 2,
        "survive-bad-input" => 3,
        _ => 0,
    }
}

/// The schedule `check` runs a plan on: phases by rule, each scenario's tasks in lanes.
pub fn schedule(plan: &[LoadedScenario]) -> crate::run::Schedule {
    crate::run::Schedule {
        phases: plan
            .iter()
            .map(|s| phase(s.scenario.rule.as_deref().unwrap_or("")))
            .collect(),
        lanes: true,
    }
}

/// Whether a rule has anything to deliver for this family and run: the stage rules need
/// stages, the media rules media, `verify-source` an auth declaration. A rule left out is
/// judged `skip` with the reason.
pub fn applies(rule: &str, family: &Family, hmac: bool, token: bool) -> bool {
    match rule {
        "stages-not-duplicates" | "stale-stage" => family.staged(),
        "async-processing" | "download-media" => family.has_media(),
        "verify-source" => hmac || token,
        _ => true,
    }
}

/// The rules `check` judges on a scenario of their own for this run (the ones whose verdict it
/// streams), in report order.
pub fn scenario_rules(
    only: &[String],
    hmac: bool,
    token: bool,
    family: &Family,
) -> Vec<&'static str> {
    super::CATALOGUE
        .iter()
        .filter(|r| !r.whole_run && (only.is_empty() || only.iter().any(|o| o == r.id)))
        .filter(|r| SUITE.iter().any(|(f, _)| rule_of(f) == r.id))
        .filter(|r| applies(r.id, family, hmac, token))
        .map(|r| r.id)
        .collect()
}

/// The suite as `check` runs it for `family`: only the selected rules that apply, with the
/// family's own failure codes, task-id path and documented variants, and for `verify-source`
/// only the forged variants the run's auth declaration makes meaningful.
pub fn plan(
    only: &[String],
    hmac: bool,
    token: bool,
    family: &'static Family,
) -> Result<Vec<LoadedScenario>, String> {
    let files: Vec<(&str, &str)> = SUITE
        .iter()
        .filter(|(f, _)| {
            let rule = rule_of(f);
            (only.is_empty() || only.iter().any(|o| o == rule))
                && applies(rule, family, hmac, token)
        })
        .copied()
        .collect();
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
        let rule = s.scenario.rule.clone().unwrap_or_default();
        match rule.as_str() {
            "verify-source" => keep_declared_variants(&mut s, hmac, token),
            "ack-failure" => one_step_each(&mut s, failure_steps(family)),
            "accept-documented-variants" => one_step_each(&mut s, variant_steps(family)),
            "reject-invalid" => remove_task_id_where_the_family_keeps_it(&mut s, family),
            _ => {}
        }
        out.push(s);
    }
    Ok(out)
}

/// A failure callback for every code the family documents, each answered 200.
fn failure_steps(family: &Family) -> Vec<DeliverStep> {
    family
        .failure_codes
        .iter()
        .map(|f| {
            let mut d = DeliverStep::new(Template::Failure, &format!("failed-{}", f.code));
            d.code = Some(f.code);
            d.expect = Some(ok());
            d
        })
        .collect()
}

/// A delivery of every documented variant, each for a task of its own.
fn variant_steps(family: &Family) -> Vec<DeliverStep> {
    family
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
        .collect()
}

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

/// `reject-invalid` sends a body without the task id: where this family keeps it.
fn remove_task_id_where_the_family_keeps_it(s: &mut LoadedScenario, family: &Family) {
    for step in &mut s.scenario.steps {
        if let Step::Deliver(d) = step {
            for path in &mut d.remove {
                if path == "data.task_id" {
                    *path = family.task_id_path.to_string();
                }
            }
        }
    }
}

fn keep_declared_variants(s: &mut LoadedScenario, hmac: bool, token: bool) {
    let dropped: Vec<&str> = SIGNATURE_VARIANTS
        .iter()
        .filter(|_| !hmac)
        .chain(TOKEN_VARIANTS.iter().filter(|_| !token))
        .copied()
        .collect();
    let keep: Vec<bool> = s
        .scenario
        .steps
        .iter()
        .map(|st| {
            let alias = match st {
                Step::Deliver(d) => d.task_alias(),
                Step::Observe(o) => o.observe.as_str(),
                Step::Wait(_) => "",
            };
            !dropped.contains(&alias)
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

    #[test]
    fn every_rule_has_exactly_one_scenario_and_every_file_is_listed() {
        let suite = plan(&[], true, true, crate::family::find("music").unwrap()).unwrap();
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
        let suite = plan(&[], true, true, crate::family::video()).unwrap();
        let sched = schedule(&suite);
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
        assert!(plan(&only, false, false, video).unwrap().is_empty());
        let hmac = plan(&only, true, false, video).unwrap();
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
