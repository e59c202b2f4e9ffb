//! The connections the harness may have open to one receiver at once, shared by everything
//! that connects to it (the sender's attempts, the observer's probes), so the bound is one
//! count and the wait for a slot is the harness's own, never the receiver's.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// One open connection's worth; given back when dropped.
pub type Slot = OwnedSemaphorePermit;

#[derive(Debug, Clone)]
pub struct Slots {
    limit: usize,
    permits: Arc<Semaphore>,
}

impl Slots {
    /// At most `limit` (at least 1) at once.
    pub fn new(limit: usize) -> Slots {
        let limit = limit.max(1);
        Slots {
            limit,
            permits: Arc::new(Semaphore::new(limit)),
        }
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// A free slot, once there is one.
    pub async fn take(&self) -> Option<Slot> {
        self.permits.clone().acquire_owned().await.ok()
    }

    /// Slots for `n` at once (at most the limit), one each; the rest of `n` get none.
    pub async fn take_many(&self, n: usize) -> Vec<Option<Slot>> {
        let take = n.clamp(1, self.limit);
        let block = self
            .permits
            .clone()
            .acquire_many_owned(u32::try_from(take).unwrap_or(1))
            .await
            .ok();
        let mut out: Vec<Option<Slot>> = Vec::with_capacity(n);
        if let Some(mut block) = block {
            out.extend((1..take).map(|_| block.split(1)));
            out.insert(0, Some(block));
        }
        out.resize_with(n, || None);
        out
    }
}
