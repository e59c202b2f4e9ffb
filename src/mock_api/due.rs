//! The one timer of every pending task: each created task waits here, as its id and the
//! instant its first stage is due, until then; the task's life is spawned only when it begins.
//! A sleeping task per pending task held the whole `Api`, a timer entry and a wait for the
//! server's stop (over 2 KiB a pending task with its record, `bench/serve.sh`); an entry of
//! this queue is its id and its deadline.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::time::DelayQueue;

use super::Api;

/// Where a created task is handed to the timer.
#[derive(Clone)]
pub(crate) struct Due {
    tx: mpsc::UnboundedSender<(String, Duration)>,
}

/// What the timer's loop reads.
pub(super) struct Queue {
    rx: mpsc::UnboundedReceiver<(String, Duration)>,
}

pub(super) fn channel() -> (Due, Queue) {
    let (tx, rx) = mpsc::unbounded_channel();
    (Due { tx }, Queue { rx })
}

impl Due {
    /// The task's first stage is due `after` from now.
    pub(super) fn after(&self, task_id: String, after: Duration) {
        // Only fails once the server stopped, and then nothing is due any more.
        let _ = self.tx.send((task_id, after));
    }
}

/// Begins each task's life when its first stage is due, until the server stops. `Fail` may
/// have begun it already, as the failure it asked for: the store says which one does.
pub(super) async fn run(api: Api, mut queue: Queue) {
    let mut pending: DelayQueue<String> = DelayQueue::new();
    loop {
        tokio::select! {
            () = api.stop.cancelled() => return,
            Some((id, after)) = queue.rx.recv() => {
                pending.insert(id, after);
            }
            Some(due) = std::future::poll_fn(|cx| pending.poll_expired(cx)), if !pending.is_empty() => {
                let id = due.into_inner();
                if let Some(created) = api.store.start(&id) {
                    api.spawn(super::worker::play_now(api.clone(), id, created));
                }
            }
        }
    }
}
