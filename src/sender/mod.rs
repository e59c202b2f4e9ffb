//! The emulated provider: HTTP client, per-attempt deadline, retry policy, signing, status
//! policy and the classification of what went wrong.

pub mod client;
pub mod error_class;
pub mod policy;
pub mod signing;
pub mod status;

pub use client::{AttemptHook, ClientOptions, Prepared, Sender};
pub use error_class::ErrorClass;
pub use policy::Policy;
pub use status::StatusMatch;
