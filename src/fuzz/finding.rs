//! What broke: how an answer to a fuzz case counts (a finding, a correct refusal, an accepted
//! body, an accepted invalid body), and the findings themselves, with the key they are
//! deduplicated by.

use super::case::Case;
use crate::family::Family;
pub use crate::outcome::fuzz::Breakage;
use crate::outcome::fuzz::{Change, Found};
use crate::wire::ErrorClass;

/// How one case was answered, as far as the fuzzer cares.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Status(u16),
    Failed(ErrorClass, String),
    /// Ctrl-C came while it was in flight: no evidence either way.
    Abandoned,
}

impl Answer {
    pub fn from_attempt(a: &crate::outcome::Attempt) -> Answer {
        match (a.status, a.error) {
            (Some(s), _) => Answer::Status(s),
            (None, e) => Answer::Failed(
                e.unwrap_or(ErrorClass::Other),
                a.message.clone().unwrap_or_default(),
            ),
        }
    }

    /// The breakage this answer is, if it is one. A 4xx is a correct refusal and a 3xx or 2xx
    /// is an answer; a refused connection says the receiver is gone, which the liveness check
    /// that follows every finding judges.
    pub fn breakage(&self) -> Option<Breakage> {
        match self {
            Answer::Status(s) if *s >= 500 => Some(Breakage::ServerError),
            Answer::Status(_) => None,
            Answer::Failed(ErrorClass::Timeout | ErrorClass::ConnectTimeout, _) => {
                Some(Breakage::Timeout)
            }
            Answer::Failed(ErrorClass::BodyTooLarge | ErrorClass::Redirect, _) => None,
            Answer::Failed(_, _) => Some(Breakage::Connection),
            Answer::Abandoned => None,
        }
    }

    /// `500`, `no answer (timeout)`.
    pub fn describe(&self) -> String {
        match self {
            Answer::Status(s) => format!("answered {s}"),
            Answer::Failed(c, _) => format!("no answer ({c})"),
            Answer::Abandoned => "abandoned (interrupted)".into(),
        }
    }
}

/// One finding: the smallest case that still breaks the receiver, how, and where it was
/// written.
#[derive(Debug, Clone)]
pub struct Finding {
    pub number: usize,
    pub family: &'static Family,
    pub breakage: Breakage,
    /// The answer of the minimal case (for `unresponsive`, of the last case before it).
    pub answer: Answer,
    /// The minimal case; for `unresponsive`, the last of `window`.
    pub case: Case,
    /// `unresponsive`: every case sent since the receiver last answered well, in order.
    pub window: Vec<Case>,
    /// The request bytes and content type of each case, as written to the scenario.
    pub requests: Vec<super::case::Request>,
    /// How many cases hit this same finding.
    pub hits: u64,
    /// Shrinking ran to the end (not cut by the budget or Ctrl-C; `unresponsive` is never
    /// shrunk: the receiver is gone).
    pub shrunk: bool,
    /// Requests spent shrinking.
    pub tries: u32,
    pub file: Option<std::path::PathBuf>,
}

/// What a finding is deduplicated by: how it broke, and the place and effect of each change
/// of its minimal case (`data.task_id`, `long-string`; `code`, `became a string`).
pub type Key = (Breakage, Vec<(String, String)>);

pub fn key(family: &Family, breakage: Breakage, case: &Case) -> Key {
    if case.mutations.is_empty() {
        // The documented body itself breaks it: one finding per stage (or the failure), not
        // one per place a mutation happened to touch.
        let base = match case.base {
            super::case::Base::Stage(s) => s.to_string(),
            super::case::Base::Failure(_) => "failure".to_string(),
        };
        return (breakage, vec![("(no change)".into(), base)]);
    }
    let mut places: Vec<(String, String)> = case
        .mutations
        .iter()
        .map(|m| (m.place(), m.effect(family)))
        .collect();
    places.sort();
    places.dedup();
    (breakage, places)
}

impl Finding {
    /// A finding of one case as it was found: one hit, not shrunk, not yet numbered or written.
    pub fn new(family: &'static Family, breakage: Breakage, answer: Answer, case: Case) -> Finding {
        Finding {
            number: 0,
            family,
            breakage,
            answer,
            case,
            window: Vec::new(),
            requests: Vec::new(),
            hits: 1,
            shrunk: false,
            tries: 0,
            file: None,
        }
    }

    pub fn key(&self) -> Key {
        key(self.family, self.breakage, &self.case)
    }

    /// The request of the case the finding is shown by (for `unresponsive`, its place among
    /// the replayed ones).
    pub fn request(&self) -> Option<&super::case::Request> {
        let at = self
            .window
            .iter()
            .position(|c| c.index == self.case.index)
            .unwrap_or(0);
        self.requests.get(at)
    }

    /// Whether a raw case that broke the receiver the same way carries every change this
    /// finding was shrunk to: then it is one more hit of it, not a new finding.
    pub fn covers(&self, breakage: Breakage, case: &Case) -> bool {
        let (b, places) = self.key();
        if self.case.mutations.is_empty() {
            // Any change of a body that breaks it unchanged breaks it the same way.
            let same_base = match (self.case.base, case.base) {
                (super::case::Base::Failure(_), super::case::Base::Failure(_)) => true,
                (x, y) => x == y,
            };
            return b == breakage && same_base;
        }
        let (_, theirs) = key(self.family, breakage, case);
        b == breakage && places.iter().all(|p| theirs.contains(p))
    }

    /// `500 at data.task_id (long-string)`.
    pub fn title(&self) -> String {
        let what = match self.breakage {
            Breakage::ServerError => self.answer.describe().replace("answered ", ""),
            Breakage::Timeout => "no answer within the deadline".into(),
            Breakage::Connection => self.answer.describe(),
            Breakage::Unresponsive => "stopped answering".into(),
        };
        let places: Vec<String> = self
            .case
            .mutations
            .iter()
            .map(|m| format!("{} ({})", m.place(), m.effect(self.family)))
            .collect();
        if self.breakage == Breakage::Unresponsive {
            format!(
                "{what} after case {}",
                self.window.last().map_or(self.case.index, |c| c.index)
            )
        } else if places.is_empty() {
            format!(
                "{what} on {}",
                self.case
                    .base
                    .describe()
                    .replacen("the ", "the unchanged ", 1)
            )
        } else {
            format!("{what} at {}", places.join(", "))
        }
    }
}

impl Finding {
    /// The finding as reports show it: its changes described, the request it is shown by.
    pub fn found(&self) -> Found {
        let request = self.request();
        Found {
            number: self.number,
            kind: self.breakage,
            title: self.title(),
            answer: self.answer.describe(),
            case: self.case.index,
            base: self.case.base.describe(),
            changes: self
                .case
                .mutations
                .iter()
                .map(|m| Change {
                    kind: m.kind,
                    place: m.place(),
                    change: m.describe(),
                })
                .collect(),
            cases: self.window.iter().map(|c| c.index).collect(),
            body: request.map(|r| r.body.clone()),
            content_type: request.and_then(|r| r.content_type.clone()),
            hits: self.hits,
            shrunk: self.shrunk,
            shrink_tries: self.tries,
            file: self.file.clone(),
        }
    }
}
