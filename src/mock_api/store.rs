//! What the mock provider knows: every task of every family, indexed by its id (a lookup costs
//! the same with one task or fifty thousand), in creation order for the inspection endpoint,
//! and every callback attempt; a task forgotten takes everything kept for it along.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};

use serde::Serialize;
use serde_json::Value;

use crate::family::{Family, Layout};
use crate::outcome::Attempt;
use crate::outcome::events::{AttemptEvent, ServeEvent, TaskEvent};

/// One task of any family: its polling record exactly as the family's record-info answers it
/// (`records.rs` shapes it), and what the worker needs beside it.
#[derive(Debug, Clone)]
pub struct Task {
    pub family: &'static Family,
    /// The `msg` of a 400 failure of the operation that made it ("Music extension failed"),
    /// when it has its own.
    pub failure_400: Option<&'static str>,
    pub task_id: String,
    /// The n-th task of its family (from 0): which entry of a plan drives it.
    pub index: usize,
    /// Its place among every task created (set by the store).
    pub seq: u64,
    /// The (music taskId, audioId) track it was made of, claimed for it alone (set by the
    /// store): freed when it is forgotten.
    pub claim: Option<(String, String)>,
    pub callback_url: Option<String>,
    /// What its callbacks' tracks echo of the request (`title`, `tags`, `prompt`).
    pub echo: Vec<(&'static str, Value)>,
    /// The documented variant of the body its callback takes (`split_stem`, voice's
    /// validation phrase).
    pub variant: Option<&'static str>,
    /// The details path that reports it (Suno Voice's validate tasks are polled on
    /// `validate-info`, its voices on `record-info`).
    pub details: &'static str,
    /// How that details answer is laid out.
    pub layout: Layout,
    /// Where it is in its life, the same for every family (the record's own status field is
    /// spelt each family's way).
    pub state: TaskState,
    /// The record-info `data`, as JSON text: a pending task costs its few hundred bytes, not a
    /// tree of maps, and record-info sends it as it is.
    pub record: Record,
    /// Each stage's callback as it was rendered, in the order the stages came: what `Resend`,
    /// `Duplicate`, `Edit` and `Save as scenario` start from.
    pub sent: Vec<Sent>,
    /// `Fail` asked for this documented code before the task's first stage.
    pub forced_failure: Option<i64>,
    /// Its life has begun (its first stage is due, or `Fail` made it so): whoever sets this
    /// plays it, the worker waking later finds it set and leaves it alone.
    pub started: bool,
    /// When it was created: what its media's retention counts from.
    pub created: std::time::Instant,
    /// `Expire` ended its media before their retention.
    pub expired: bool,
}

/// One stage's callback body, kept with its task.
#[derive(Debug, Clone)]
pub struct Sent {
    pub stage: &'static str,
    /// The stage reports a failure (`failure`, music's `error`).
    pub failure: bool,
    pub body: bytes::Bytes,
}

/// Where a task is in its life.
///
/// ```
/// use suno_mock::TaskState;
/// let done = |s: TaskState| matches!(s, TaskState::Succeeded | TaskState::Failed);
/// assert!(!done(TaskState::Generating));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    /// Created; no stage generated yet.
    Pending,
    /// Some stages generated (music's `text`, `first`), more to come.
    Generating,
    /// Every stage generated and every callback of it sent (retries and duplicates
    /// included), the last stage a success.
    Succeeded,
    /// As `Succeeded`, the last stage a failure.
    Failed,
}

/// A record-info `data` kept as its JSON text.
#[derive(Debug, Clone)]
pub struct Record(Box<str>);

impl TaskState {
    /// `pending`, `generating`, `succeeded` or `failed`, as the events spell it.
    ///
    /// ```
    /// assert_eq!(suno_mock::TaskState::Generating.name(), "generating");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            TaskState::Pending => "pending",
            TaskState::Generating => "generating",
            TaskState::Succeeded => "succeeded",
            TaskState::Failed => "failed",
        }
    }
}

impl Record {
    pub fn new(v: &Value) -> Record {
        Record(v.to_string().into_boxed_str())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn value(&self) -> Value {
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
    }

    /// Changes the record through its JSON tree.
    pub fn change(&mut self, f: impl FnOnce(&mut Value)) {
        let mut v = self.value();
        f(&mut v);
        *self = Record::new(&v);
    }
}

/// One callback attempt, recorded as soon as it ends.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptRecord {
    pub task_id: String,
    pub callback_url: String,
    pub family: &'static str,
    /// The callback's stage: `text`, `first`, `complete`, `error` (music), `success`,
    /// `failure`.
    pub stage: &'static str,
    /// 1 for the callback, 2 and up for its duplicates.
    pub copy: u32,
    /// What sent it when it was not the task's own life: `resend`, `duplicate` or `edit` (an
    /// action of the page or the inspection API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<&'static str>,
    /// What this one exchange shows against the contract.
    pub verdicts: Vec<Mark>,
    #[serde(flatten)]
    pub attempt: Attempt,
    /// The body sent (shared with the task's own copy, not duplicated).
    #[serde(skip)]
    pub body: bytes::Bytes,
    /// The headers sent beside the body.
    #[serde(skip)]
    pub headers: Vec<(String, String)>,
    /// When the attempt started.
    #[serde(skip)]
    pub started: std::time::Instant,
}

pub use crate::outcome::events::Mark;

#[derive(Debug, Default)]
struct Inner {
    tasks: HashMap<String, Task>,
    /// How many tasks were ever created: each task's place in the creation order.
    created: u64,
    /// Tasks created so far, per family.
    counts: HashMap<&'static str, usize>,
    /// (music taskId, audioId) pairs a music video was made from (a second is a 409); each
    /// task keeps its own as its `claim`.
    pairs: HashSet<(String, String)>,
    /// The tracks (audioIds) a persona was made from, one each, by their music task.
    personas: HashMap<String, HashSet<String>>,
}

/// Callback attempts by task, each with its place in the order they were recorded, so a task
/// forgotten drops its own in one step and the listing still comes out in order.
#[derive(Debug, Default)]
struct Attempts {
    next: u64,
    by_task: HashMap<String, Vec<(u64, AttemptRecord)>>,
}

#[derive(Debug, Default)]
pub struct Store {
    inner: Mutex<Inner>,
    attempts: Mutex<Attempts>,
    /// Woken on every change (a task created, updated or forgotten, an attempt recorded):
    /// what a test waits on instead of sleeping.
    changed: tokio::sync::Notify,
    /// Every change as an event, for `GET /_mock/events`.
    events: Events,
}

/// The events of the store's changes; built only while someone listens, so a `serve` nobody
/// watches pays nothing for them, and a task's record only while some reader wants records.
#[derive(Debug, Default)]
struct Events {
    /// Made by the first reader: its slots (`live::EVENTS_KEPT` of them, a few megabytes) are
    /// allocated at once, which two hundred providers started and dropped by a library's
    /// tests would pay for nothing (`library::providers_stopped_or_dropped_leave_nothing_behind`).
    /// A reader this far behind is told how many it missed (a `lagged` event).
    tx: std::sync::OnceLock<tokio::sync::broadcast::Sender<ServeEvent>>,
    /// Readers that want each task event's record.
    records: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Events {
    fn send(&self, make: impl FnOnce() -> ServeEvent) {
        if let Some(tx) = self.tx.get()
            && tx.receiver_count() > 0
        {
            let _ = tx.send(make());
        }
    }

    fn readers(&self) -> usize {
        self.tx.get().map_or(0, |tx| tx.receiver_count())
    }

    fn subscribe(&self) -> tokio::sync::broadcast::Receiver<ServeEvent> {
        self.tx
            .get_or_init(|| tokio::sync::broadcast::channel(crate::live::EVENTS_KEPT).0)
            .subscribe()
    }

    fn records(&self) -> bool {
        self.records.load(std::sync::atomic::Ordering::Relaxed) > 0
    }
}

/// Held by a reader that wants records, for as long as it reads.
#[derive(Debug)]
pub struct WantsRecords(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl Drop for WantsRecords {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

fn task_event(t: &Task, record: bool) -> ServeEvent {
    ServeEvent::Task(TaskEvent {
        task_id: t.task_id.clone(),
        family: t.family.id.to_string(),
        state: t.state.name().to_string(),
        callback_url: t.callback_url.clone(),
        expired: t.expired,
        record: record.then(|| t.record.value()),
    })
}

impl Store {
    fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        f(&mut self.inner.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// How many readers of the events there are (open pages, say).
    pub fn watchers(&self) -> usize {
        self.events.readers()
    }

    /// Every change from now on, as events (`GET /_mock/events`); with `records`, task events
    /// carry the task's record while the guard is held.
    pub fn subscribe(
        &self,
        records: bool,
    ) -> (
        tokio::sync::broadcast::Receiver<ServeEvent>,
        Option<WantsRecords>,
    ) {
        let guard = records.then(|| {
            self.events
                .records
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            WantsRecords(self.events.records.clone())
        });
        (self.events.subscribe(), guard)
    }

    /// Waits until `f` finds what it looks for in the store (checked at once, then after each
    /// change), and returns it.
    pub async fn until<R>(&self, mut f: impl FnMut(&Store) -> Option<R>) -> R {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            // Registered before looking, so a change between the look and the wait is seen.
            changed.as_mut().enable();
            if let Some(r) = f(self) {
                return r;
            }
            changed.await;
        }
    }

    /// Adds the task `make` builds from its index in its family (under the lock, so two
    /// creates at once never get the same index); `pair`, when given, is claimed in the same
    /// step and refused (`None`) when an earlier task has it.
    pub fn create(
        &self,
        family: &'static Family,
        pair: Option<(String, String)>,
        make: impl FnOnce(usize) -> Task,
    ) -> Option<(usize, String)> {
        self.with(|s| {
            if let Some(p) = &pair
                && !s.pairs.insert(p.clone())
            {
                return None;
            }
            let index = *s.counts.get(family.id).unwrap_or(&0);
            let mut t = make(index);
            t.seq = s.created;
            t.claim = pair;
            s.created += 1;
            let id = t.task_id.clone();
            s.counts.insert(family.id, index + 1);
            self.events.send(|| task_event(&t, self.events.records()));
            s.tasks.insert(id.clone(), t);
            Some((index, id))
        })
        .inspect(|_| self.changed.notify_waiters())
    }

    /// Whether a music video was made from this pair before.
    pub fn has_pair(&self, music: &str, audio: &str) -> bool {
        self.with(|s| s.pairs.contains(&(music.to_string(), audio.to_string())))
    }

    /// Claims a track of a music task for a persona; false when one was made from it before.
    pub fn claim_persona(&self, music: &str, audio_id: &str) -> bool {
        self.with(|s| {
            s.personas
                .entry(music.to_string())
                .or_default()
                .insert(audio_id.to_string())
        })
    }

    /// What `f` reads of a task, without copying it.
    pub fn read<R>(&self, task_id: &str, f: impl FnOnce(&Task) -> R) -> Option<R> {
        self.with(|s| s.tasks.get(task_id).map(f))
    }

    /// Marks the task's life begun and says when it was created; `None` when it already was
    /// begun (or the task is gone).
    pub fn start(&self, task_id: &str) -> Option<std::time::Instant> {
        self.with(|s| match s.tasks.get_mut(task_id) {
            Some(t) if !t.started => {
                t.started = true;
                Some(t.created)
            }
            _ => None,
        })
    }

    pub fn update(&self, task_id: &str, f: impl FnOnce(&mut Task)) {
        self.with(|s| {
            if let Some(t) = s.tasks.get_mut(task_id) {
                f(t);
                self.events.send(|| task_event(t, self.events.records()));
            }
        });
        self.changed.notify_waiters();
    }

    /// Forgets an expired task (`--retention`): its record, its place in the order, its
    /// callback attempts, the track it was made of, and the persona claims on its own tracks
    /// (a track that is gone cannot be made into anything again). Each is one lookup: a
    /// `serve` holding many tasks forgets one as fast as it holds one.
    pub fn forget(&self, task_id: &str) {
        self.with(|s| {
            if let Some(claim) = s.tasks.remove(task_id).and_then(|t| t.claim) {
                s.pairs.remove(&claim);
            }
            s.personas.remove(task_id);
        });
        self.attempts_mut(|a| a.by_task.remove(task_id));
        self.events.send(|| ServeEvent::Forgotten {
            task_id: task_id.to_string(),
        });
        self.changed.notify_waiters();
    }

    fn attempts_mut<R>(&self, f: impl FnOnce(&mut Attempts) -> R) -> R {
        f(&mut self.attempts.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// What the store holds, by kind: the soak benchmark's and the tests' view of its growth.
    pub fn sizes(&self) -> Sizes {
        let (tasks, pairs, personas) = self.with(|s| {
            let personas = s.personas.values().map(HashSet::len).sum();
            (s.tasks.len(), s.pairs.len(), personas)
        });
        let attempts = self.attempts_mut(|a| a.by_task.values().map(Vec::len).sum());
        Sizes {
            tasks,
            pairs,
            personas,
            attempts,
        }
    }

    /// How many tasks were ever created, forgotten ones included.
    pub fn created(&self) -> u64 {
        self.with(|s| s.created)
    }

    /// How many callback attempts were ever recorded, forgotten ones included.
    pub fn attempts_recorded(&self) -> u64 {
        self.attempts_mut(|a| a.next)
    }

    /// How many tasks the store holds.
    pub fn len(&self) -> usize {
        self.with(|s| s.tasks.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What `f` makes of every task, in creation order.
    pub fn tasks<R>(&self, f: impl Fn(&Task) -> R) -> Vec<R> {
        self.with(|s| {
            let mut tasks: Vec<&Task> = s.tasks.values().collect();
            tasks.sort_by_key(|t| t.seq);
            tasks.into_iter().map(f).collect()
        })
    }

    /// Every task's record in creation order, each with its `family` and `state` (and
    /// `expired` after `Expire`): fields of the mock's, not of the provider's record-info.
    pub fn listing(&self) -> Vec<Value> {
        self.with(|s| {
            let mut tasks: Vec<&Task> = s.tasks.values().collect();
            tasks.sort_by_key(|t| t.seq);
            tasks
                .into_iter()
                .map(|t| {
                    let mut v = t.record.value();
                    if let Some(o) = v.as_object_mut() {
                        o.insert("family".into(), t.family.id.into());
                        o.insert("state".into(), t.state.name().into());
                        if t.expired {
                            o.insert("expired".into(), true.into());
                        }
                    }
                    v
                })
                .collect()
        })
    }

    pub fn record(&self, a: AttemptRecord) {
        self.events.send(|| {
            ServeEvent::Attempt(AttemptEvent {
                task_id: a.task_id.clone(),
                family: a.family.to_string(),
                stage: a.stage.to_string(),
                copy: a.copy,
                action: a.action.map(str::to_string),
                attempt: a.attempt.number,
                at_ms: a.attempt.at_ms,
                callback_url: a.callback_url.clone(),
                verdicts: a.verdicts.clone(),
                status: a.attempt.status,
                accepted: a.attempt.accepted,
                error: a.attempt.error.map(|e| e.name().to_string()),
                duration_ms: a.attempt.duration_ms,
            })
        });
        self.attempts_mut(|all| {
            let n = all.next;
            all.next += 1;
            all.by_task
                .entry(a.task_id.clone())
                .or_default()
                .push((n, a));
        });
        self.changed.notify_waiters();
    }

    /// The attempts of one task, in the order they were recorded.
    pub fn attempts_of(&self, task_id: &str) -> Vec<AttemptRecord> {
        self.attempts_mut(|a| {
            a.by_task
                .get(task_id)
                .map(|v| v.iter().map(|(_, r)| r.clone()).collect())
                .unwrap_or_default()
        })
    }

    /// Every attempt of the tasks still kept, in the order they were recorded.
    pub fn attempts(&self) -> Vec<AttemptRecord> {
        let mut all: Vec<(u64, AttemptRecord)> =
            self.attempts_mut(|a| a.by_task.values().flatten().cloned().collect());
        all.sort_by_key(|(n, _)| *n);
        all.into_iter().map(|(_, a)| a).collect()
    }
}

/// How many of each thing the store keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Sizes {
    pub tasks: usize,
    pub pairs: usize,
    pub personas: usize,
    pub attempts: usize,
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
