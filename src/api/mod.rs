//! The library's public API, for a Rust team's own `cargo test`: [`MockProvider`], the mock
//! provider API in process, and [`Check`], the conformance check of a callback receiver. The
//! rest of the crate is the command line's machinery and not part of it.

mod check;
mod error;
mod provider;

pub use check::{Check, CheckReport, Level, RuleReport, Verdict};
pub use error::Error;
pub use provider::{Delivery, MockProvider, MockProviderBuilder, Outcome, Task, TaskState};

/// The id of every callback family, as `--family`, [`Check::family`] and
/// [`MockProviderBuilder::price`] take them: `video`, `music`, `lyrics`, ...
///
/// ```
/// let ids: Vec<&str> = suno_mock::family_ids().collect();
/// assert!(ids.contains(&"video") && ids.contains(&"music"));
/// ```
pub fn family_ids() -> impl Iterator<Item = &'static str> {
    crate::family::CATALOGUE.iter().map(|f| f.id)
}

/// The id of every rule [`Check`] judges, in report order: `ack-success`, `ack-failure`, ...
/// (`suno-mock explain <id>` says what each checks).
///
/// ```
/// assert!(suno_mock::rule_ids().any(|id| id == "idempotent-duplicate"));
/// ```
pub fn rule_ids() -> impl Iterator<Item = &'static str> {
    crate::rules::CATALOGUE.iter().map(|r| r.id)
}

/// The family `id` names, or [`Error::Invalid`] with the ids there are.
fn family(id: &str) -> Result<&'static crate::family::Family, Error> {
    crate::family::find(id).ok_or_else(|| Error::Invalid(crate::family::unknown_message(id)))
}
