//! Callback bodies: the documented templates, JSON-path overrides, and seeded task ids.

pub mod ids;
pub mod template;

pub use ids::TaskIds;
pub use template::{Body, FAILURE_CODES, build_body, check_failure_code, failure_msg};
