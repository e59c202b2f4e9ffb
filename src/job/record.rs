//! The `record` job: the recording endpoint started (forwarding or answering), what its
//! banner says, and how many exchanges it wrote.

use std::net::SocketAddr;

use super::JobError;
use crate::outcome::banner::RecordBanner;
pub use crate::record::RecordConfig;
use crate::record::RunningRecorder;

/// A running recorder; it stops when dropped.
pub struct Recording {
    running: RunningRecorder,
    pub banner: RecordBanner,
}

impl Recording {
    /// Exchanges written so far.
    pub fn recorded(&self) -> usize {
        self.running.recorded()
    }
}

pub async fn start(cfg: RecordConfig, listen: SocketAddr) -> Result<Recording, JobError> {
    let banner = RecordBanner {
        url: String::new(),
        forward_to: cfg
            .forward_to
            .as_ref()
            .map(|u| (crate::secrets::mask_query_values(u), cfg.timeout)),
        answer: cfg.answer,
        out: cfg.out.clone(),
        keep_secrets: cfg.keep_secrets,
        page: None,
    };
    let running = crate::record::start(cfg, listen).await?;
    Ok(Recording {
        banner: RecordBanner {
            url: running.server.url(),
            page: running.ui_url(),
            ..banner
        },
        running,
    })
}
