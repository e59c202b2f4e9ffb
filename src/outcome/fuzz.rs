//! What a `fuzz` run found, as plain data: each finding as the reports show it (its minimal
//! case's changes described, the request it is shown by, its file), the bodies accepted
//! against the docs, the counts. The fuzzer produces it; every fuzz report is drawn from it.

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

/// The kinds of finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Breakage {
    /// An answer in the 5xx range.
    ServerError,
    /// No answer within the deadline.
    Timeout,
    /// The connection was reset or closed before an answer.
    Connection,
    /// The receiver no longer answered a well-formed callback afterwards.
    Unresponsive,
}

impl Breakage {
    pub fn name(self) -> &'static str {
        match self {
            Breakage::ServerError => "server-error",
            Breakage::Timeout => "timeout",
            Breakage::Connection => "connection",
            Breakage::Unresponsive => "unresponsive",
        }
    }
}

/// How a fuzz run was set up, as its reports say it.
#[derive(Debug, Clone, PartialEq)]
pub struct FuzzHead {
    pub run: super::head::RunHead,
    pub cases: Option<u64>,
    pub budget: Option<Duration>,
    pub rate: f64,
    pub concurrency: usize,
}

/// One change of a finding's minimal case: its kind, where, and what it did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub kind: &'static str,
    pub place: String,
    pub change: String,
}

/// One finding: the smallest case that still breaks the receiver, how, and where it was
/// written.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub number: usize,
    pub kind: Breakage,
    /// `500 at data.task_id (long-string)`.
    pub title: String,
    /// `answered 500`, `no answer (closed)`.
    pub answer: String,
    /// The minimal case's index.
    pub case: u64,
    /// The documented body it started from, in words.
    pub base: String,
    pub changes: Vec<Change>,
    /// `unresponsive`: the cases replayed before the well-formed callback.
    pub cases: Vec<u64>,
    /// The bytes of the request the finding is shown by.
    pub body: Option<Vec<u8>>,
    pub content_type: Option<String>,
    /// How many cases hit this same finding.
    pub hits: u64,
    /// Shrinking ran to the end.
    pub shrunk: bool,
    pub shrink_tries: u32,
    pub file: Option<PathBuf>,
}

/// A 2xx to a body the family's docs rule out, counted by where and what the change was.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AcceptedInvalid {
    pub place: String,
    pub kind: &'static str,
    /// Why the body is invalid (the reference receiver's reason), from the first case.
    pub reason: String,
    pub first_case: u64,
    pub cases: u64,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Counts {
    pub sent: u64,
    /// 4xx: correct refusals.
    pub refused: u64,
    /// 2xx and 3xx.
    pub accepted: u64,
    /// Cases whose answer was a breakage (every hit of every finding).
    pub broke: u64,
    pub shrink_tries: u64,
    pub liveness_checks: u64,
}

/// A case that broke the receiver once and not when it was re-sent.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Unreproduced {
    pub case: u64,
    pub kind: Breakage,
    pub answer: String,
}

pub struct FuzzResult {
    pub findings: Vec<Found>,
    pub unreproduced: Vec<Unreproduced>,
    pub accepted_invalid: Vec<AcceptedInvalid>,
    pub counts: Counts,
    pub duration: Duration,
    pub interrupted: bool,
    /// Why sending stopped before the planned cases (the receiver stopped answering).
    pub stopped: Option<String>,
    /// Errors writing finding files (the findings are still reported).
    pub write_errors: Vec<String>,
}

/// A string short enough to read in a report: JSON-escaped, cut in the middle when long.
pub fn short(s: &str, max: usize) -> String {
    let q = serde_json::to_string(s).unwrap_or_default();
    if q.chars().count() <= max {
        return q;
    }
    let head: String = q.chars().take(max / 2).collect();
    let tail: String = q
        .chars()
        .rev()
        .take(max / 2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{head}…{tail}")
}
