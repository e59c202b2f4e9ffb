//! Reports drawn from result data alone (`outcome`, with the rule and family catalogues for
//! their words): every header, banner and summary line, human text, JSON with
//! `schema_version`, JUnit XML, GitHub Actions annotations and step summary, HTML pages. The
//! command prints and writes them, each through the secret redactor first.

#[cfg(feature = "cli")]
pub mod ca;
pub mod check;
#[cfg(feature = "cli")]
pub mod demo;
#[cfg(feature = "cli")]
pub mod doctor;
#[cfg(feature = "cli")]
pub mod drift;
pub mod evidence;
#[cfg(feature = "cli")]
pub mod failure;
#[cfg(feature = "cli")]
pub mod fuzz;
#[cfg(feature = "cli")]
pub mod github;
#[cfg(feature = "cli")]
pub mod html;
pub mod human;
pub mod json;
#[cfg(feature = "cli")]
pub mod junit;
#[cfg(feature = "cli")]
pub mod load;
#[cfg(feature = "cli")]
pub mod record;
pub mod rules;
#[cfg(feature = "cli")]
pub mod serve;
pub mod style;

pub use style::Style;

pub use crate::wire::words::{count, plural};

#[cfg(feature = "cli")]
use crate::outcome::RunOutcome;
#[cfg(feature = "cli")]
use crate::rules::RuleResult;

/// Every form of one result's report: printed as `--format` says, written where the
/// `--report-*` flags say.
#[cfg(feature = "cli")]
pub struct Rendered {
    pub human: String,
    pub json: String,
    pub junit: Result<String, quick_junit::SerializeError>,
    /// `None` when no page was asked for (it is not built then).
    pub html: Option<String>,
}

/// What a delivering command (`check`, `run`, `send`) ends with: its human text and JUnit
/// cases are its own; the JSON and the HTML page (when `html`) come from the run. Ctrl-C makes
/// the status 130 whatever `code` was.
#[cfg(feature = "cli")]
pub struct RunReport<'a> {
    pub command: &'a str,
    pub run: &'a RunOutcome,
    pub rules: Option<&'a [RuleResult]>,
    pub human: String,
    pub junit: Result<String, quick_junit::SerializeError>,
    pub code: i32,
    /// The deadline per attempt, marked on the HTML report's timeline.
    pub deadline: std::time::Duration,
}

#[cfg(feature = "cli")]
impl RunReport<'_> {
    /// The exit status: 130 when interrupted, else the job's.
    pub fn code(&self) -> i32 {
        if self.run.interrupted {
            crate::exit::INTERRUPTED
        } else {
            self.code
        }
    }

    pub fn render(self, html: bool) -> Rendered {
        let code = self.code();
        Rendered {
            json: json::report(self.command, self.run, self.rules, code),
            html: html
                .then(|| html::run_page(self.command, self.run, self.rules, self.deadline, code)),
            human: self.human,
            junit: self.junit,
        }
    }
}
