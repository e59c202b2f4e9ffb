//! What a load run counts: a latency histogram and counters, kept per worker and merged at the
//! end, so the cost is the same for a thousand deliveries or ten million.

use std::time::Duration;

use hdrhistogram::Histogram;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::histogram::Latencies;

use crate::wire::ErrorClass;

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

#[derive(Debug, Clone)]
pub struct Stats {
    pub latency: Histogram<u64>,
    pub counts: Counts,
    /// Final failures by the class of their last attempt.
    pub by_class: [u64; ErrorClass::ALL.len()],
    /// Non-200 statuses seen, by status (small: statuses are few).
    pub statuses: std::collections::BTreeMap<u16, u64>,
    /// Deliveries whose outcome became final in each second of the run (index: whole seconds
    /// since it started).
    pub per_second: Vec<u64>,
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            latency: Latencies::new().0,
            counts: Counts::default(),
            by_class: [0; ErrorClass::ALL.len()],
            statuses: Default::default(),
            per_second: Vec::new(),
        }
    }
}

impl Stats {
    pub fn record_latency(&mut self, d: Duration) {
        let us = (d.as_micros() as u64).clamp(1, 3_600_000_000);
        let _ = self.latency.record(us);
    }

    pub fn class_index(c: ErrorClass) -> usize {
        ErrorClass::ALL
            .iter()
            .position(|x| *x == c)
            .unwrap_or(ErrorClass::ALL.len() - 1)
    }

    /// One more delivery finished `second` whole seconds into the run.
    pub fn count_second(&mut self, second: usize) {
        if self.per_second.len() <= second {
            self.per_second.resize(second + 1, 0);
        }
        self.per_second[second] += 1;
    }

    pub fn merge(&mut self, o: &Stats) {
        add_series(&mut self.per_second, &o.per_second);
        let _ = self.latency.add(&o.latency);
        self.counts.add(&o.counts);
        for (a, b) in self.by_class.iter_mut().zip(o.by_class) {
            *a += b;
        }
        for (s, n) in &o.statuses {
            *self.statuses.entry(*s).or_default() += n;
        }
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

/// Adds `o` to `into`, second by second.
pub fn add_series(into: &mut Vec<u64>, o: &[u64]) {
    if into.len() < o.len() {
        into.resize(o.len(), 0);
    }
    for (a, b) in into.iter_mut().zip(o) {
        *a += b;
    }
}

impl LoadResult {
    pub fn from_stats(
        s: &Stats,
        plan: RunPlan,
        shard: Option<Shard>,
        seed: u64,
        receiver: String,
        elapsed: Duration,
        interrupted: bool,
    ) -> LoadResult {
        LoadResult {
            seed,
            family: crate::family::DEFAULT.to_string(),
            plan,
            shard,
            merged_shards: Vec::new(),
            missing_shards: Vec::new(),
            receiver,
            counts: s.counts,
            failed_by_class: ErrorClass::ALL
                .iter()
                .zip(s.by_class)
                .filter(|(_, n)| *n > 0)
                .map(|(c, n)| (c.name().to_string(), n))
                .collect(),
            statuses: s.statuses.clone(),
            latency: Percentiles::of(&s.latency),
            duration_s: elapsed.as_secs_f64(),
            rate_per_s: if elapsed.is_zero() {
                0.0
            } else {
                s.counts.sent as f64 / elapsed.as_secs_f64()
            },
            video_requests: 0,
            video_downloads: 0,
            tasks_downloaded_never: 0,
            tasks_downloaded_once: 0,
            tasks_downloaded_more: 0,
            tasks_downloaded_partly: 0,
            media_per_task: 1,
            interrupted,
            per_second: s.per_second.clone(),
            latency_histogram: Latencies(s.latency.clone()),
        }
    }
}
