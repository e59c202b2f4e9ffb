//! Plays the provider's side of the Suno API's callbacks and checks the receivers written for
//! them, from a Rust test suite.
//!
//! Two things, both in process and on loopback:
//!
//! - [`MockProvider`]: the provider's API (create a task, poll it, get called back), for an
//!   application that calls the provider. Each one listens on a port of its own and stops
//!   when dropped, as `wiremock`'s and `httpmock`'s servers do.
//! - [`Check`]: the conformance check of a callback receiver (`suno-mock check`): the
//!   callbacks the provider sends, with its deadline, retries, duplicates, failures and
//!   forgeries, each rule of the contract judged from what the receiver answered and stored.
//!
//! ```no_run
//! # async fn f() -> Result<(), suno_mock::Error> {
//! // The receiver under test listens on 127.0.0.1:3000 and shows what it stored of a task.
//! suno_mock::Check::new("http://127.0.0.1:3000/callback")
//!     .probe_url("http://127.0.0.1:3000/state/{task_id}")
//!     .run()
//!     .await?
//!     .assert_passed();
//! # Ok(()) }
//! ```
//!
//! The modules below the public API are the command line's machinery (`doc(hidden)`, no
//! stability promised); with `default-features = false` the command line and its
//! dependencies (argument parsing, completions, man pages, progress bars, JUnit and HTML
//! reports, `doctor`'s certificate parsing) are not compiled at all.

#![deny(missing_docs)]

mod api;
pub use api::{
    Check, CheckReport, Delivery, Error, Level, MockProvider, MockProviderBuilder, Outcome,
    RuleReport, Task, TaskState, Verdict, family_ids, rule_ids,
};

#[doc(hidden)]
pub mod artifacts;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
mod console;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod doctor;
#[doc(hidden)]
pub mod duration;
#[doc(hidden)]
pub mod exit;
#[doc(hidden)]
pub mod family;
#[doc(hidden)]
pub mod fuzz;
#[doc(hidden)]
pub mod http_server;
#[doc(hidden)]
pub mod job;
#[doc(hidden)]
pub mod live;
#[doc(hidden)]
pub mod load;
#[doc(hidden)]
pub mod mock_api;
#[doc(hidden)]
pub mod observe;
#[doc(hidden)]
pub mod outcome;
#[doc(hidden)]
pub mod payload;
#[doc(hidden)]
pub mod receiver;
#[doc(hidden)]
pub mod record;
#[doc(hidden)]
pub mod report;
#[doc(hidden)]
pub mod rules;
#[doc(hidden)]
pub mod run;
#[doc(hidden)]
pub mod scenario;
#[doc(hidden)]
pub mod secrets;
#[doc(hidden)]
pub mod sender;
#[doc(hidden)]
pub mod wire;
