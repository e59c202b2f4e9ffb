//! `suno-mock fuzz`: generated callbacks derived from a family's documented bodies, sent to a
//! receiver to find what makes it fail (a 5xx, no answer, a dropped connection, or no longer
//! answering at all); each finding shrunk to a smallest body and written as a scenario.

pub mod case;
mod config;
pub mod file;
pub mod finding;
pub mod mutation;
pub mod rng;
pub mod runner;
mod shrink;
pub mod wire;

pub use config::FuzzConfig;
pub use runner::{FuzzError, run};
