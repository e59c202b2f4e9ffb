//! How a delivering run was set up, as its reports' first line says it: the receiver (token
//! masked), the family, the seed, the deadline and the retries that follow a missed one.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub struct RunHead {
    pub receiver: String,
    pub family: &'static str,
    pub seed: u64,
    pub deadline: Duration,
    /// The wait before each retry, in order; empty: no retries.
    pub retry_delays: Vec<Duration>,
}
