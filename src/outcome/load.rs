//! The result of a `load` run (or a shard of one, or shards merged) and its JSON report, as
//! plain data with a published JSON Schema (`suno-mock schema load-report`): what the load
//! engine produces, `merge` reads back and every load report is drawn from.

use hdrhistogram::Histogram;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::SCHEMA_VERSION;
pub use super::latencies::Latencies;

/// The counters of a load run: kept per worker, added together at the end, shown as they are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Counts {
    /// Deliveries (a task's callback or one of its duplicates) whose outcome is final.
    pub sent: u64,
    /// First deliveries of a task (`sent` = `tasks` + `later_stages` + `duplicates`).
    pub tasks: u64,
    /// Deliveries of a staged family's later stages (`first`, `complete` for music).
    pub later_stages: u64,
    pub acknowledged: u64,
    pub failed: u64,
    pub ambiguous: u64,
    pub attempts: u64,
    pub retried: u64,
    pub duplicates: u64,
    pub failure_callbacks: u64,
    /// Deliveries scheduled but never sent because the run was interrupted.
    pub unsent: u64,
    /// Tasks (not copies) whose callback was a success: what a receiver that processes each
    /// task once downloads.
    pub success_tasks: u64,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.sent += o.sent;
        self.tasks += o.tasks;
        self.later_stages += o.later_stages;
        self.acknowledged += o.acknowledged;
        self.failed += o.failed;
        self.ambiguous += o.ambiguous;
        self.attempts += o.attempts;
        self.retried += o.retried;
        self.duplicates += o.duplicates;
        self.failure_callbacks += o.failure_callbacks;
        self.unsent += o.unsent;
        self.success_tasks += o.success_tasks;
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Percentiles {
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
}

impl Percentiles {
    /// The percentiles of latencies recorded in microseconds.
    pub fn of(h: &Histogram<u64>) -> Percentiles {
        let ms = |q: f64| h.value_at_quantile(q) as f64 / 1000.0;
        Percentiles {
            p50_ms: ms(0.5),
            p90_ms: ms(0.9),
            p99_ms: ms(0.99),
            p999_ms: ms(0.999),
            max_ms: h.max() as f64 / 1000.0,
        }
    }
}

/// One part of a run split over several machines: `index` of `count`, from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

/// What was asked of the run (the whole run, not a shard's part): reports of one run agree on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RunPlan {
    pub tasks: Option<u64>,
    pub duration_s: Option<f64>,
    pub rate_per_s: Option<f64>,
    pub concurrency: u64,
    pub duplicates: f64,
    pub failures: f64,
}

/// The result of a load run (or a shard of one, or shards merged), as reports show it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LoadResult {
    pub seed: u64,
    pub family: String,
    pub plan: RunPlan,
    /// Set on a shard's report; `merge` leaves it out and lists the shards it added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    /// The shards a merged report was made from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_shards: Vec<u32>,
    /// The shards of the run a merged report lacks (`merge --allow-partial`): its figures
    /// cover part of the run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_shards: Vec<u32>,
    pub receiver: String,
    #[serde(flatten)]
    pub counts: Counts,
    pub failed_by_class: std::collections::BTreeMap<String, u64>,
    pub statuses: std::collections::BTreeMap<u16, u64>,
    /// From each delivery's intended send time to its answer (no coordinated omission).
    pub latency: Percentiles,
    pub duration_s: f64,
    pub rate_per_s: f64,
    pub video_requests: u64,
    pub video_downloads: u64,
    /// Success tasks whose video was downloaded not at all, exactly once, more than once
    /// (after the downloads settled): how the harness sees tasks processed less or more
    /// than once.
    pub tasks_downloaded_never: u64,
    pub tasks_downloaded_once: u64,
    pub tasks_downloaded_more: u64,
    /// Some of the task's media downloaded, not all.
    pub tasks_downloaded_partly: u64,
    /// Downloads that mean a task was processed once (the media of each of its callbacks).
    pub media_per_task: u64,
    pub interrupted: bool,
    /// Deliveries finished in each second of the run, from its start (for the HTML report's
    /// chart; `merge` adds the shards' second by second).
    #[serde(default)]
    pub per_second: Vec<u64>,
    /// Every latency, for `merge`: percentiles of merged shards are those of the whole run.
    pub latency_histogram: Latencies,
}

impl LoadResult {
    /// The warning every report of a partial merge carries; `None` for a whole run.
    pub fn partial(&self) -> Option<String> {
        (!self.missing_shards.is_empty()).then(|| {
            format!(
                "PARTIAL: {} missing: every figure covers part of the run",
                shard_list(&self.missing_shards)
            )
        })
    }

    /// A run of `plan` that sent nothing yet: every count zero.
    pub fn new(seed: u64, receiver: String, plan: RunPlan) -> LoadResult {
        LoadResult {
            seed,
            family: crate::family::DEFAULT.to_string(),
            plan,
            shard: None,
            merged_shards: Vec::new(),
            missing_shards: Vec::new(),
            receiver,
            counts: Counts::default(),
            failed_by_class: Default::default(),
            statuses: Default::default(),
            latency: Percentiles::of(&Latencies::new().0),
            duration_s: 0.0,
            rate_per_s: 0.0,
            video_requests: 0,
            video_downloads: 0,
            tasks_downloaded_never: 0,
            tasks_downloaded_once: 0,
            tasks_downloaded_more: 0,
            tasks_downloaded_partly: 0,
            media_per_task: 1,
            interrupted: false,
            per_second: Vec::new(),
            latency_histogram: Latencies::new(),
        }
    }
}

/// Adds `o` to `into`, second by second.
pub fn add_series(into: &mut Vec<u64>, o: &[u64]) {
    if into.len() < o.len() {
        into.resize(o.len(), 0);
    }
    for (a, b) in into.iter_mut().zip(o) {
        *a += b;
    }
}

/// A threshold given on the command line (`--max-p99`, `--max-failures`) and whether it held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Threshold {
    pub name: String,
    pub passed: bool,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LoadReport {
    pub schema_version: u32,
    pub tool: String,
    pub version: String,
    /// `load` or `merge`.
    pub command: String,
    pub exit_code: i32,
    pub result: LoadResult,
    pub thresholds: Vec<Threshold>,
}

impl LoadReport {
    pub fn new(
        command: &str,
        result: LoadResult,
        thresholds: Vec<Threshold>,
        exit_code: i32,
    ) -> Self {
        LoadReport {
            schema_version: SCHEMA_VERSION,
            tool: "suno-mock".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            command: command.into(),
            exit_code,
            result,
            thresholds,
        }
    }

    /// The report as its file holds it; fails only if the histogram cannot be encoded.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self).map(|s| s + "\n")
    }
}

/// The JSON Schema of the report.
pub fn schema() -> serde_json::Value {
    super::titled_schema(
        serde_json::to_value(schemars::schema_for!(LoadReport)).unwrap_or_default(),
        "load-report.schema.json",
        "suno-mock load report",
    )
}

/// "shard 2 is" / "shards 2, 4 are", for a sentence.
pub fn shard_list(ks: &[u32]) -> String {
    let list: Vec<String> = ks.iter().map(u32::to_string).collect();
    if ks.len() == 1 {
        format!("shard {} is", list[0])
    } else {
        format!("shards {} are", list.join(", "))
    }
}

/// How a load run was set up, as its report's first line says it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadHead {
    pub run: super::head::RunHead,
    pub tasks: Option<u64>,
    pub duration: Option<std::time::Duration>,
    pub rate: Option<f64>,
    pub concurrency: usize,
    pub shard: Option<Shard>,
}
