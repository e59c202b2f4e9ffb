//! The application layer between the commands and the engines: settings validated once from
//! the arguments, the session they start (media host, observer, sender, built-in receiver,
//! Ctrl-C), the `check` job (planning from each rule's declared needs, the streaming judge)
//! and one exit policy for check, run, send, fuzz and load. Commands parse, build settings,
//! run a job and report; nothing here knows clap or prints a report.

pub mod check;
pub mod exit_policy;
mod fatal;
pub mod session;
pub mod settings;
pub mod suite;

pub use fatal::Fatal;
pub use session::{Session, runtime, watch_ctrl_c};
pub use settings::{Limits, ReceiverTarget, Settings};
