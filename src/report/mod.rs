//! Reports written from outcome data: human text, JSON with `schema_version`, JUnit XML,
//! GitHub Actions annotations and step summary.
//! Every text passes through the secret redactor before it leaves the process.

pub mod check;
pub mod doctor;
pub mod evidence;
pub mod fuzz;
pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod load;
pub mod style;

pub use style::Style;

pub use crate::wire::words::{count, plural};
