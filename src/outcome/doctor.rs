//! What `doctor` found, as plain data: one line per check of the provider's troubleshooting
//! list under its heading, for the human and JSON reports.

use std::time::Duration;

use serde::Serialize;

use super::verdict::Verdict;

/// The page's troubleshooting headings, in its order (TLS is part of the network connection,
/// shown apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Heading {
    Url,
    Network,
    Tls,
    Response,
}

impl Heading {
    pub fn title(self) -> &'static str {
        match self {
            Heading::Url => "The URL",
            Heading::Network => "Network connection",
            Heading::Tls => "TLS",
            Heading::Response => "Server response",
        }
    }
}

/// One line of the checklist.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub id: &'static str,
    pub heading: Heading,
    pub verdict: Verdict,
    /// What was seen.
    pub fact: String,
    /// What to do about it (a warn or fail), or why it was not tried (a skip).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advice: Option<String>,
}

/// What `doctor` found.
pub struct Report {
    /// The URL as reports show it: token and password masked.
    pub url: String,
    /// The task id of the callback sent (or that would have been).
    pub task_id: String,
    pub lines: Vec<Line>,
    pub took: Duration,
}

impl Report {
    pub fn count(&self, v: Verdict) -> usize {
        self.lines.iter().filter(|l| l.verdict == v).count()
    }

    pub fn failed(&self) -> bool {
        self.count(Verdict::Fail) > 0
    }

    /// Nothing could be connected to from this machine: the URL was not checked.
    pub fn unchecked(&self) -> bool {
        self.count(Verdict::Inconclusive) > 0
    }
}
