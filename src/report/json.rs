//! The JSON report: the outcome data as it is, under a versioned envelope.

use serde::Serialize;

use super::check::{count, unverified_must};
use crate::outcome::{RunOutcome, SCHEMA_VERSION, ScenarioStatus};
use crate::rules::{RuleResult, Verdict};

/// Scenarios by how they ended.
#[derive(Serialize)]
struct ScenarioCounts {
    total: usize,
    passed: usize,
    failed: usize,
    errors: usize,
    not_run: usize,
}

/// Rules by verdict (`check`): the counts of the human summary line.
#[derive(Serialize)]
struct RuleCounts {
    total: usize,
    pass: usize,
    fail: usize,
    warn: usize,
    inconclusive: usize,
    skip: usize,
    /// Must rules that are inconclusive: nothing showed whether they hold (they fail the run).
    unverified_must: Vec<&'static str>,
}

#[derive(Serialize)]
struct Summary {
    scenarios: ScenarioCounts,
    #[serde(skip_serializing_if = "Option::is_none")]
    rules: Option<RuleCounts>,
    deliveries: usize,
    attempts: usize,
}

/// The first fields of every command's JSON report: the schema, the tool and its version, the
/// command. One struct, so "the same envelope" stays true as commands are added.
#[derive(Serialize)]
pub struct Head<'a> {
    schema_version: u32,
    tool: &'static str,
    version: &'static str,
    command: &'a str,
}

impl<'a> Head<'a> {
    pub fn new(command: &'a str) -> Head<'a> {
        Head {
            schema_version: SCHEMA_VERSION,
            tool: "suno-mock",
            version: env!("CARGO_PKG_VERSION"),
            command,
        }
    }
}

#[derive(Serialize)]
struct Envelope<'a> {
    #[serde(flatten)]
    head: Head<'a>,
    seed: u64,
    receiver: &'a str,
    /// The callback families delivered (`check`: the one it checked).
    families: Vec<&'static str>,
    duration_ms: f64,
    interrupted: bool,
    exit_code: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    cut_short: Option<&'a str>,
    /// Whether the probe was seen to work before its answers counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    probe: Option<&'a crate::outcome::ProbeHealth>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    hints: &'a [String],
    summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    rules: Option<&'a [RuleResult]>,
    scenarios: &'a [crate::outcome::ScenarioOutcome],
}

pub fn report(
    command: &str,
    run: &RunOutcome,
    rules: Option<&[RuleResult]>,
    exit_code: i32,
) -> String {
    let env = Envelope {
        head: Head::new(command),
        seed: run.seed,
        receiver: &run.receiver,
        families: run.families(),
        duration_ms: run.duration_ms,
        interrupted: run.interrupted,
        exit_code,
        cut_short: run.cut_short.as_deref(),
        probe: run.probe.as_ref(),
        hints: &run.hints,
        summary: Summary {
            scenarios: ScenarioCounts {
                total: run.scenarios.len(),
                passed: run.count(ScenarioStatus::Passed),
                failed: run.count(ScenarioStatus::Failed),
                errors: run.count(ScenarioStatus::Error),
                not_run: run.count(ScenarioStatus::NotRun),
            },
            rules: rules.map(|rs| RuleCounts {
                total: rs.len(),
                pass: count(rs, Verdict::Pass),
                fail: count(rs, Verdict::Fail),
                warn: count(rs, Verdict::Warn),
                inconclusive: count(rs, Verdict::Inconclusive),
                skip: count(rs, Verdict::Skip),
                unverified_must: unverified_must(rs).iter().map(|r| r.id).collect(),
            }),
            deliveries: run.deliveries().count(),
            attempts: run.deliveries().map(|d| d.attempts.len()).sum(),
        },
        rules,
        scenarios: &run.scenarios,
    };
    pretty(&env)
}

/// A report as its file holds it. The reports are plain data with string keys, which
/// serialise without fail; the load report, which carries an encoded histogram, has its own.
pub fn pretty<T: Serialize>(report: &T) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default() + "\n"
}
