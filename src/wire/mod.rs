//! The vocabulary every layer shares, at the bottom: auth variants and input kinds, attempts
//! and their words, error classes and their classification, status matching, the accept
//! decision, signing, JSON paths, media modes, rule ids. Nothing here imports from a layer
//! above it.

mod accept;
pub mod activity;
mod attempt;
mod auth;
pub mod error_class;
pub mod json_path;
mod media_mode;
mod role;
mod rule_ids;
pub mod signing;
mod slots;
pub mod status;
pub mod words;

pub use accept::{Refusal, is_json_content_type, judge_answer};
pub use activity::Activity;
pub use attempt::{Attempt, Downloads, describe, took};
pub use auth::{Auth, Input};
pub use error_class::{ErrorClass, classify, classify_hyper, classify_io, host_and_port};
pub use media_mode::MediaMode;
pub use role::Role;
pub use rule_ids::RULE_IDS;
pub use slots::{Slot, Slots};
pub use status::StatusMatch;
