//! Runs scenarios against a receiver and collects everything that happened into a
//! [`RunOutcome`](crate::outcome::RunOutcome).

mod calibrate;
mod checks;
pub(crate) mod deliver;
mod engine;
mod family_hint;
mod preflight;

pub use calibrate::Calibration;
pub use engine::{Engine, Event, EventHook, RunConfig, RunError, Schedule};
pub use preflight::{Unreachable, preflight};
