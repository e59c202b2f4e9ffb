//! What `serve` offers and how it was set up, as its banner says it: every create endpoint
//! with its polling path (from the mock API's own route table), the other routes, the
//! credits, the plan and what the callbacks will do.

use std::time::Duration;

/// One line of the endpoint list: a family's create (named by the family) or one of its
/// sibling operations (named by the operation), with the details path that polls its tasks.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// `music`, or an operation of the family above it (`extend`).
    pub name: String,
    /// Whether `name` is an operation of the family above rather than a family.
    pub operation: bool,
    /// The create paths (two when one details path polls both).
    pub creates: Vec<&'static str>,
    pub poll: &'static str,
}

/// The routes that are not a family's create.
#[derive(Debug, Clone, PartialEq)]
pub struct Routes {
    pub media: Vec<&'static str>,
    pub credit: &'static str,
    /// The synchronous calls, answered in the response.
    pub answered_at_once: Vec<&'static str>,
    pub uploads: Vec<&'static str>,
    /// Where an upload's `downloadUrl` points.
    pub files: &'static str,
    /// The mock's own inspection routes.
    pub inspect: Vec<&'static str>,
}

/// What the callbacks of `serve`'s tasks do.
#[derive(Debug, Clone, PartialEq)]
pub enum Callbacks {
    Success,
    Failure { code: i64 },
    Random { failure_rate: f64, code: i64 },
}

/// Everything `serve`'s banner says.
#[derive(Debug, Clone, PartialEq)]
pub struct ServeBanner {
    pub url: String,
    /// The live page's whole URL, with the token its actions need.
    pub page: String,
    pub seed: u64,
    /// An `--api-key` was given (else any non-empty key is accepted).
    pub key_given: bool,
    pub endpoints: Vec<Endpoint>,
    pub routes: Routes,
    pub credits: u64,
    pub rate_limit: Option<(u32, Duration)>,
    /// The plan's name and summary, when one was given.
    pub plan: Option<(String, String)>,
    pub callbacks: Callbacks,
    pub generation_time: Duration,
    pub duplicates: u32,
    /// How media is served (`normal`, `slow`, `missing`, ...).
    pub media: String,
    /// `--timeout`; `None`: each family's documented deadline.
    pub deadline: Option<Duration>,
    pub retries: u32,
}

/// What a `serve` that was stopped had done.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServeTotals {
    pub tasks: u64,
    pub attempts: u64,
}
