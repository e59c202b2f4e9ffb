//! What the mock provider knows: the tasks created and every callback delivery, in order.

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

use serde::Serialize;

use crate::outcome::Attempt;

/// One music-video task, shaped like `record-info`'s `data` (camelCase, as the provider's).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    /// Always `video` here; music tasks are `music::MusicTask`. Shown by `/_mock/tasks` only:
    /// the provider's record-info has no such field.
    #[serde(skip)]
    pub family: &'static str,
    pub task_id: String,
    /// The music task the video was made from (the request's `taskId`).
    pub music_id: String,
    pub audio_id: String,
    /// Lower-case b, as the provider spells it here.
    pub callback_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<String>,
    pub create_time: i64,
    pub complete_time: Option<i64>,
    pub response: Option<VideoResponse>,
    pub success_flag: &'static str,
    pub error_code: Option<i64>,
    pub error_message: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoResponse {
    pub video_url: String,
}

pub const PENDING: &str = "PENDING";
pub const SUCCESS: &str = "SUCCESS";
pub const GENERATE_FAILED: &str = "GENERATE_MP4_FAILED";
pub const CALLBACK_EXCEPTION: &str = "CALLBACK_EXCEPTION";

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
    #[serde(flatten)]
    pub attempt: Attempt,
}

/// A task that knows its id, so one list type keeps the tasks of every family.
pub trait Keyed {
    fn task_id(&self) -> &str;
}

impl Keyed for Task {
    fn task_id(&self) -> &str {
        &self.task_id
    }
}

/// The tasks of one kind in creation order, behind one lock: video, music and the one-callback
/// families each keep theirs in one.
#[derive(Debug)]
pub struct TaskList<T> {
    tasks: Mutex<Vec<T>>,
}

impl<T> Default for TaskList<T> {
    fn default() -> Self {
        TaskList {
            tasks: Mutex::new(Vec::new()),
        }
    }
}

impl<T: Keyed + Clone> TaskList<T> {
    /// Everything under the lock at once (a create that needs to count first, say).
    pub fn with<R>(&self, f: impl FnOnce(&mut Vec<T>) -> R) -> R {
        f(&mut self.tasks.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Adds the task `make` builds from its creation index (under the lock, so two requests
    /// at once never get the same index); returns the index and the task id.
    pub fn create(&self, make: impl FnOnce(usize) -> T) -> (usize, String) {
        self.with(|tasks| {
            let index = tasks.len();
            let t = make(index);
            let id = t.task_id().to_string();
            tasks.push(t);
            (index, id)
        })
    }

    pub fn get(&self, task_id: &str) -> Option<T> {
        self.with(|t| t.iter().find(|x| x.task_id() == task_id).cloned())
    }

    pub fn update(&self, task_id: &str, f: impl FnOnce(&mut T)) {
        self.with(|t| {
            if let Some(x) = t.iter_mut().find(|x| x.task_id() == task_id) {
                f(x);
            }
        });
    }

    pub fn all(&self) -> Vec<T> {
        self.with(|t| t.clone())
    }
}

#[derive(Debug, Default)]
pub struct Store {
    tasks: TaskList<Task>,
    pairs: Mutex<HashSet<(String, String)>>,
    attempts: Mutex<Vec<AttemptRecord>>,
}

impl Store {
    /// Whether a (music taskId, audioId) pair was created before.
    pub fn has_pair(&self, music: &str, audio: &str) -> bool {
        self.pairs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&(music.to_string(), audio.to_string()))
    }

    /// Claims a (music taskId, audioId) pair; false when it was created before (409).
    pub fn claim_pair(&self, music: &str, audio: &str) -> bool {
        self.pairs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert((music.to_string(), audio.to_string()))
    }

    pub fn create(&self, make: impl FnOnce(usize) -> Task) -> (usize, String) {
        self.tasks.create(make)
    }

    pub fn get(&self, task_id: &str) -> Option<Task> {
        self.tasks.get(task_id)
    }

    pub fn update(&self, task_id: &str, f: impl FnOnce(&mut Task)) {
        self.tasks.update(task_id, f);
    }

    pub fn tasks(&self) -> Vec<Task> {
        self.tasks.all()
    }

    pub fn record(&self, a: AttemptRecord) {
        self.attempts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(a);
    }

    pub fn attempts(&self) -> Vec<AttemptRecord> {
        self.attempts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
