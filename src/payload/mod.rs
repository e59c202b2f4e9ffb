//! Callback bodies: rendered from the family catalogue, with the step's overrides; seeded ids.

pub mod ids;
pub mod template;

pub use ids::TaskIds;
pub use template::{Body, BodyError, MEDIA_HOST, MediaUrl, build_body, replace_bytes};
