//! The emulated provider: HTTP client, per-attempt deadline and retry policy. What it shares
//! with `load` and the reports (signing, error classes, the accept decision) is in `wire`.

pub mod client;
pub mod policy;

pub use client::{
    AttemptHook, ClientError, ClientOptions, INTERRUPT_GRACE, Prepared, Sender, Slot,
};
pub use policy::Policy;
