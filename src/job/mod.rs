//! The application layer, the one door from the commands to the engines: settings validated
//! once, the session they start (media host, observer, sender, built-in receiver, Ctrl-C),
//! one job per command that returns result data, one typed error with its exit status, and
//! one exit policy. Commands parse, build settings, call a job and render its result with
//! `report`; nothing here knows clap or renders a report.

pub mod ca;
pub mod check;
pub mod demo;
#[cfg(feature = "cli")]
pub mod doctor;
pub mod drift;
mod error;
pub mod exit_policy;
pub mod fuzz;
pub mod health;
pub mod load;
pub mod merge;
pub mod progress;
pub mod receiver;
pub mod record;
pub mod run;
pub mod send;
pub mod serve;
pub mod session;
pub mod settings;
pub mod shard;
pub mod stop;
pub mod suite;
pub mod validate;

pub use error::JobError;
pub use progress::{OnProgress, Progress};
pub use session::{Activity, Session, runtime, until_ctrl_c, watch_ctrl_c};
pub use settings::{Limits, ReceiverTarget, Settings};
