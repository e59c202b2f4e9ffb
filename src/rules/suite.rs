//! The conformance suite: the scenarios under `scenarios/contract/`, compiled into the binary,
//! in the order they run (bad input after the well-formed callbacks, `survive-bad-input` last).

use super::verify_source::{SIGNATURE_VARIANTS, TOKEN_VARIANTS};
use crate::scenario::load::load_embedded;
use crate::scenario::{LoadedScenario, Step};

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
    "10-download-video.yaml",
    "11-verify-source.yaml",
    "12-reject-malformed.yaml",
    "13-reject-invalid.yaml",
    "14-survive-bad-input.yaml",
];

/// The suite as `check` runs it: only the selected rules, and for `verify-source` only the
/// forged variants the run's auth declaration makes meaningful (none: the scenario is left out).
pub fn plan(only: &[String], hmac: bool, token: bool) -> Result<Vec<LoadedScenario>, String> {
    let all = load_embedded(SUITE, crate::family::video()).map_err(|e| match e {
        crate::scenario::LoadError::Invalid(ds) => {
            let first = ds.first().map(|(d, _)| d.short()).unwrap_or_default();
            format!("the built-in suite does not parse (a bug in suno-mock): {first}")
        }
        crate::scenario::LoadError::Path(m) => m,
    })?;
    let mut out = Vec::new();
    for mut s in all {
        let rule = s.scenario.rule.clone().unwrap_or_default();
        if !only.is_empty() && !only.contains(&rule) {
            continue;
        }
        if rule == super::verify_source::ID {
            if !hmac && !token {
                continue;
            }
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
        out.push(s);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_exactly_one_scenario_and_every_file_is_listed() {
        let suite = plan(&[], true, true).unwrap();
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
    fn verify_source_keeps_only_declared_variants() {
        let only = vec!["verify-source".to_string()];
        assert!(plan(&only, false, false).unwrap().is_empty());
        let hmac = plan(&only, true, false).unwrap();
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
