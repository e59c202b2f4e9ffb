//! Reports written from outcome data: human text, JSON with `schema_version`, JUnit XML.
//! Every text passes through the secret redactor before it leaves the process.

pub mod check;
pub mod evidence;
pub mod human;
pub mod json;
pub mod junit;
pub mod load;
pub mod style;

pub use style::Style;
