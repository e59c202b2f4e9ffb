//! What `serve` (and `record --ui-listen`) push on `GET /_mock/events` (Server-Sent Events),
//! one JSON object per event:
//! a task created or changed, a callback attempt ended, a task forgotten, or events missed by a
//! reader too slow to keep up (it then reloads `/_mock/tasks`). `suno-mock schema events`
//! prints the JSON Schema derived from these types. A `?view=summary` stream sends them as
//! JSON arrays of these, under the SSE name `batch`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One event; `type` says which.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ServeEvent {
    /// A task was created, or a stage of it was generated, or it ended.
    Task(TaskEvent),
    /// A callback attempt ended, with the receiver's answer.
    Attempt(AttemptEvent),
    /// A task was forgotten (its media expired and `--forget-after` passed).
    Forgotten {
        #[serde(rename = "taskId")]
        task_id: String,
    },
    /// The reader missed this many events: reload `/_mock/tasks` and `/_mock/deliveries`.
    Lagged { missed: u64 },
}

/// A task as it is now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TaskEvent {
    pub task_id: String,
    pub family: String,
    /// `pending`, `generating`, `succeeded` or `failed`.
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub callback_url: Option<String>,
    /// `Expire` ended its media early.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub expired: bool,
    /// Its record-info `data`, as polling answers it; left out on a `?view=summary` stream
    /// (what the page reads: it never shows a record, and a busy server need not write one
    /// per change for it).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub record: Option<serde_json::Value>,
}

/// One callback attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttemptEvent {
    pub task_id: String,
    pub family: String,
    /// `success`, `failure`, music's `text`, `first`, `complete`...
    pub stage: String,
    /// 1 for the callback, 2 and up for its duplicates.
    pub copy: u32,
    /// `resend`, `duplicate` or `edit` when an action sent it, not the task's own life.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub action: Option<String>,
    /// 1 for the first attempt, 2 and up for its retries.
    pub attempt: u32,
    /// When it started, in milliseconds since the server's sender began (as `at_ms` in
    /// `/_mock/deliveries`): with the task, stage, copy and attempt, what tells two apart.
    pub at_ms: f64,
    pub callback_url: String,
    /// What this one exchange shows against the contract, rule by rule.
    #[serde(default)]
    pub verdicts: Vec<Mark>,
    /// The receiver's HTTP status; absent when it did not answer.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub status: Option<u16>,
    pub accepted: bool,
    /// Why there was no answer (`timeout`, `refused`, ...).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
    pub duration_ms: f64,
}

/// One rule's verdict on one exchange: what a single callback and its answer show (the rules
/// that need more than one exchange, duplicates and side effects, are `check`'s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mark {
    /// `ack-success`, `ack-failure`, `ack-deadline` or `fast-ack`.
    pub rule: String,
    /// `pass` or `fail`.
    pub verdict: String,
    /// What the exchange showed.
    pub reason: String,
    /// How receivers usually fix it (`suno-mock explain RULE`), on a failure.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub fix: Option<String>,
}

/// The JSON Schema of one event (`suno-mock schema events`).
pub fn schema() -> serde_json::Value {
    super::titled_schema(
        serde_json::to_value(schemars::schema_for!(ServeEvent)).unwrap_or_default(),
        "serve-event.schema.json",
        "suno-mock serve event",
    )
}
