//! What `check` concludes, as plain data: each rule's level, verdict, reason and the
//! deliveries and observations it rests on. The rules produce it; the reports draw it.

use serde::Serialize;

use super::{Delivery, Observation};

/// How much a rule matters.
///
/// ```
/// assert_eq!(suno_mock::Level::Must.name(), "must");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// The contract requires it: a failure fails the check.
    Must,
    /// Recommended: a failure warns (fails under `--strict`).
    Should,
    /// Informational: never fails.
    Info,
}

impl Level {
    /// `must`, `should` or `info`, as the reports spell it.
    ///
    /// ```
    /// assert_eq!(suno_mock::Level::Should.name(), "should");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Level::Must => "must",
            Level::Should => "should",
            Level::Info => "info",
        }
    }
}

/// What a run showed of a rule.
///
/// ```
/// assert_eq!(suno_mock::Verdict::Inconclusive.name(), "inconclusive");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Seen to hold.
    Pass,
    /// Seen to be broken (a must rule).
    Fail,
    /// Seen to be broken (a should rule).
    Warn,
    /// Not applicable to this run (a family without that callback, no key to forge).
    Skip,
    /// The run could not see whether it held (no probe to observe, interrupted).
    Inconclusive,
}

impl Verdict {
    /// `pass`, `fail`, `warn`, `skip` or `inconclusive`, as the reports spell it.
    ///
    /// ```
    /// assert_eq!(suno_mock::Verdict::Pass.name(), "pass");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Warn => "warn",
            Verdict::Skip => "skip",
            Verdict::Inconclusive => "inconclusive",
        }
    }

    /// Fail, warn or inconclusive: a verdict the reports follow with its evidence.
    pub fn needs_evidence(self) -> bool {
        matches!(self, Verdict::Fail | Verdict::Warn | Verdict::Inconclusive)
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Evidence {
    pub deliveries: Vec<Delivery>,
    pub observations: Vec<Observation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleResult {
    pub id: &'static str,
    pub level: Level,
    pub verdict: Verdict,
    pub reason: String,
    pub evidence: Evidence,
}
