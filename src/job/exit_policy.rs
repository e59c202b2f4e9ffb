//! One exit policy for every job (docs/contract.md, exit status): what a finished check,
//! run, send, load or fuzz exits with. Each status is a named constant in `crate::exit`.

use crate::exit;
use crate::outcome::fuzz::FuzzResult;
use crate::outcome::{RunOutcome, ScenarioStatus};
use crate::rules::{Level, RuleResult, Verdict, unverified_must};

/// A judged run: a must rule that failed, or under `--strict` a should rule that did not
/// pass, is 1; a scenario the harness could not run is 4; a must rule nothing could verify
/// (inconclusive) is 1 too, since 0 promises that every must rule passed.
pub fn check(run: &RunOutcome, rules: &[RuleResult], strict: bool) -> i32 {
    let failed = rules.iter().any(|r| {
        r.verdict == Verdict::Fail
            || (strict
                && r.level == Level::Should
                && matches!(r.verdict, Verdict::Warn | Verdict::Inconclusive))
    });
    if failed {
        exit::FAILED
    } else if run.count(ScenarioStatus::Error) > 0 {
        exit::HARNESS
    } else if !unverified_must(rules).is_empty() {
        exit::FAILED
    } else {
        exit::SUCCESS
    }
}

/// A run of scenarios (`run`, `send`): an expectation that failed is 1; a scenario the
/// harness could not run is 4.
pub fn scenarios(run: &RunOutcome) -> i32 {
    if run.count(ScenarioStatus::Failed) > 0 {
        exit::FAILED
    } else if run.count(ScenarioStatus::Error) > 0 {
        exit::HARNESS
    } else {
        exit::SUCCESS
    }
}

/// A run measured against thresholds (`load`, `merge`) or hunting for findings (`fuzz`):
/// interrupted is 130, a threshold missed or a finding is 1.
pub fn measured(interrupted: bool, failed: bool) -> i32 {
    if interrupted {
        exit::INTERRUPTED
    } else if failed {
        exit::FAILED
    } else {
        exit::SUCCESS
    }
}

/// A fuzz run: a finding is 1, Ctrl-C 130, a finding file that could not be written 4.
pub fn fuzz(r: &FuzzResult) -> i32 {
    match measured(r.interrupted, !r.findings.is_empty()) {
        exit::SUCCESS if !r.write_errors.is_empty() => exit::HARNESS,
        code => code,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::outcome::fuzz::{Breakage, Counts, Found};

    fn fuzzed(findings: usize, interrupted: bool, write_errors: usize) -> FuzzResult {
        let found = |number| Found {
            number,
            kind: Breakage::ServerError,
            title: "500 at code (wrong type)".into(),
            answer: "answered 500".into(),
            case: 1,
            base: "the documented `success` body".into(),
            changes: Vec::new(),
            cases: Vec::new(),
            body: None,
            content_type: None,
            hits: 1,
            shrunk: true,
            shrink_tries: 0,
            file: None,
        };
        FuzzResult {
            findings: (1..=findings).map(found).collect(),
            unreproduced: Vec::new(),
            accepted_invalid: Vec::new(),
            counts: Counts::default(),
            duration: Duration::from_secs(1),
            interrupted,
            stopped: None,
            write_errors: vec!["cannot write x".into(); write_errors],
        }
    }

    #[test]
    fn a_finding_is_1_ctrl_c_130_an_unwritten_file_4() {
        assert_eq!(fuzz(&fuzzed(0, false, 0)), exit::SUCCESS);
        assert_eq!(fuzz(&fuzzed(2, false, 0)), exit::FAILED);
        assert_eq!(fuzz(&fuzzed(0, true, 0)), exit::INTERRUPTED);
        assert_eq!(fuzz(&fuzzed(0, false, 1)), exit::HARNESS);
    }
}
