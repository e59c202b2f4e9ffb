//! What `check` concludes, as plain data: each rule's level, verdict, reason and the
//! deliveries and observations it rests on. The rules produce it; the reports draw it.

use serde::Serialize;

use super::{Delivery, Observation};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Must,
    Should,
    Info,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Must => "must",
            Level::Should => "should",
            Level::Info => "info",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Pass,
    Fail,
    Warn,
    Skip,
    Inconclusive,
}

impl Verdict {
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
