//! JUnit XML, the report CI systems read: one testcase per scenario (`run`) or per rule
//! (`check`); a failed expectation is `<failure>`, a harness error `<error>`.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::evidence::delivery_block;
use super::style::Style;
use crate::outcome::{RunOutcome, ScenarioStatus, StepStatus};

pub enum CaseKind {
    Pass,
    /// Passes, but carries its reason in `<system-out>` and a `verdict=warn` property, where CI
    /// systems show it.
    Warning {
        message: String,
        text: String,
    },
    Failure {
        message: String,
        text: String,
    },
    Error {
        message: String,
        text: String,
    },
    Skipped {
        message: String,
    },
}

pub struct Case {
    pub name: String,
    pub classname: String,
    pub time: Duration,
    pub kind: CaseKind,
}

/// The XML of one suite. Writing to memory fails only if the XML writer does.
pub fn render(
    suite_name: &str,
    cases: Vec<Case>,
    total: Duration,
) -> Result<String, quick_junit::SerializeError> {
    let mut suite = TestSuite::new(suite_name);
    suite.set_time(total);
    for c in cases {
        let mut out = None;
        let status = match c.kind {
            CaseKind::Pass => TestCaseStatus::success(),
            CaseKind::Warning { message, text } => {
                out = Some(format!("warning: {message}\n{text}"));
                TestCaseStatus::success()
            }
            CaseKind::Failure { message, text } => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(message).set_description(text);
                s
            }
            CaseKind::Error { message, text } => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
                s.set_message(message).set_description(text);
                s
            }
            CaseKind::Skipped { message } => {
                let mut s = TestCaseStatus::skipped();
                s.set_message(message);
                s
            }
        };
        let mut tc = TestCase::new(c.name, status);
        tc.set_classname(c.classname).set_time(c.time);
        if let Some(o) = out {
            tc.add_property(("verdict", "warn")).set_system_out(o);
        }
        suite.add_test_case(tc);
    }
    let mut report = Report::new("suno-mock");
    report.set_time(total).add_test_suite(suite);
    report.to_string()
}

/// One testcase per scenario.
pub fn run_cases(run: &RunOutcome) -> Vec<Case> {
    let plain = Style::default();
    run.scenarios
        .iter()
        .map(|s| {
            let mut text = String::new();
            let mut first = None;
            for step in s
                .steps
                .iter()
                .filter(|st| matches!(st.status, StepStatus::Failed | StepStatus::Error))
            {
                text.push_str(&format!(
                    "step {} (line {}): {}\n",
                    step.index, step.line, step.label
                ));
                if let Some(e) = &step.error {
                    text.push_str(&format!("  harness error: {e}\n"));
                    first.get_or_insert_with(|| format!("step {}: {e}", step.index));
                }
                for c in step.checks.iter().filter(|c| !c.passed) {
                    text.push_str(&format!(
                        "  expected {}: {}\n  got: {}\n",
                        c.what, c.expected, c.actual
                    ));
                    first.get_or_insert_with(|| {
                        format!(
                            "step {}: expected {} {}, got {}",
                            step.index, c.what, c.expected, c.actual
                        )
                    });
                }
                for d in &step.deliveries {
                    text.push_str(&delivery_block(d, "  ", &plain));
                }
            }
            let message = first.unwrap_or_default();
            let kind = match s.status {
                ScenarioStatus::Passed => CaseKind::Pass,
                ScenarioStatus::Failed => CaseKind::Failure { message, text },
                ScenarioStatus::Error => CaseKind::Error { message, text },
                ScenarioStatus::NotRun => CaseKind::Skipped {
                    message: "not run: the run was interrupted".into(),
                },
            };
            Case {
                name: s.name.clone(),
                classname: s.file.clone(),
                time: Duration::from_secs_f64(s.duration_ms / 1000.0),
                kind,
            }
        })
        .collect()
}

/// One testcase per rule, timed by the scenario it rests on. A failed must rule is a failure,
/// and so is an unverified (inconclusive) one, as the exit status says; a warning passes with
/// its reason in `<system-out>` unless `--strict` makes it a failure; skip is skipped.
pub fn rule_cases(run: &RunOutcome, rules: &[crate::rules::RuleResult], strict: bool) -> Vec<Case> {
    use crate::rules::{Level, Verdict};
    let plain = Style::default();
    let mut cases: Vec<Case> = rules
        .iter()
        .map(|r| {
            let mut text = String::new();
            for d in &r.evidence.deliveries {
                text.push_str(&delivery_block(d, "", &plain));
            }
            for o in &r.evidence.observations {
                text.push_str(&format!("observed {}: {}\n", o.task_id, o.summary()));
            }
            let failure = |message: String| CaseKind::Failure {
                message,
                text: text.clone(),
            };
            let kind = match (r.verdict, r.level) {
                (Verdict::Pass, _) => CaseKind::Pass,
                (Verdict::Fail, _) => failure(r.reason.clone()),
                (Verdict::Warn, _) if strict => {
                    failure(format!("warning (--strict): {}", r.reason))
                }
                (Verdict::Warn, _) => CaseKind::Warning {
                    message: r.reason.clone(),
                    text: text.clone(),
                },
                // Not judged because Ctrl-C came: nothing failed, the run stopped (exit 130).
                (Verdict::Inconclusive, _) if run.interrupted => CaseKind::Skipped {
                    message: format!("inconclusive (interrupted): {}", r.reason),
                },
                (Verdict::Inconclusive, Level::Must) => {
                    failure(format!("not verified (inconclusive): {}", r.reason))
                }
                (Verdict::Inconclusive, Level::Should) if strict => {
                    failure(format!("inconclusive (--strict): {}", r.reason))
                }
                (Verdict::Inconclusive, _) => CaseKind::Skipped {
                    message: format!("inconclusive: {}", r.reason),
                },
                (Verdict::Skip, _) => CaseKind::Skipped {
                    message: format!("skip: {}", r.reason),
                },
            };
            let time = run
                .scenarios
                .iter()
                .filter(|s| s.rule.as_deref() == Some(r.id))
                .map(|s| s.duration_ms)
                .sum::<f64>();
            Case {
                name: r.id.to_string(),
                classname: format!("suno-mock.check.{}", r.level.name()),
                time: Duration::from_secs_f64(time / 1000.0),
                kind,
            }
        })
        .collect();
    // The probe's health, where a CI page shows it: the evidence of the side-effect rules
    // rests on it.
    if let Some(p) = &run.probe {
        let message = format!("{}: {} ({})", p.probe, p.state.name(), p.detail);
        cases.push(Case {
            name: "probe".into(),
            classname: "suno-mock.check.harness".into(),
            time: Duration::ZERO,
            kind: match p.state {
                crate::outcome::ProbeState::Working => CaseKind::Pass,
                crate::outcome::ProbeState::Unproven => CaseKind::Warning {
                    message,
                    text: String::new(),
                },
                crate::outcome::ProbeState::Broke => CaseKind::Error {
                    message,
                    text: String::new(),
                },
            },
        });
    }
    cases
}
