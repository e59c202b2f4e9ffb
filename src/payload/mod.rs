//! Callback bodies: rendered from the family catalogue, with the step's overrides; seeded ids.

pub mod ids;
pub mod template;

pub use ids::TaskIds;
pub use template::{Body, MediaUrl, build_body};
