//! What `record` and `receiver` say when they start and stop, as data.

use std::path::PathBuf;
use std::time::Duration;

/// `record`'s start.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordBanner {
    pub url: String,
    /// Where requests are forwarded (query values masked) and the deadline; `None`: answered
    /// with `answer` here.
    pub forward_to: Option<(String, Duration)>,
    pub answer: u16,
    pub out: PathBuf,
    pub keep_secrets: bool,
    /// The live page's whole URL, token included (`--ui-listen`).
    pub page: Option<String>,
}

/// `receiver`'s start.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceiverBanner {
    /// The planted flaws' names; empty: the reference receiver.
    pub flaws: Vec<&'static str>,
    pub family: &'static str,
    /// The callback URL, its token masked.
    pub callback: String,
    pub state: String,
}
