//! How a fuzz run is set up: the receiver, the family, the seed, how many cases at what pace,
//! where findings are written. Read by the runner and by the finding files alike.

use std::path::PathBuf;
use std::time::Duration;

use crate::family::Family;
use crate::sender::Policy;

pub struct FuzzConfig {
    pub receiver: url::Url,
    pub display: String,
    pub family: &'static Family,
    pub seed: u64,
    /// Stop after this many cases (when no budget is given, 1000).
    pub cases: Option<u64>,
    /// Stop sending new cases after this long; shrinking stops too.
    pub budget: Option<Duration>,
    /// Cases (and shrinking tries) per second, at most.
    pub rate: f64,
    pub concurrency: usize,
    /// Largest request body sent.
    pub max_body: usize,
    /// Deadline per request; retries are never made.
    pub policy: Policy,
    pub signed: bool,
    pub out: PathBuf,
}
