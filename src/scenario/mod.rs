//! Scenario files: the typed model, parsing with locations, and loading files and folders.

pub mod diagnostic;
pub mod load;
pub mod model;
pub mod parse;
pub mod serve_plan;
mod walker;
pub mod write;
pub mod yaml;

pub use crate::wire::{Auth, Input, MediaMode};
pub use diagnostic::Diagnostic;
pub use load::{LoadError, LoadedScenario, Unreadable, load_paths};
pub use model::*;
pub use parse::{parse_located, parse_scenario};
pub use serve_plan::{Outcome, ServePlan, ServeTask};
pub use serve_plan::{looks_like_plan, parse_serve_plan};
