//! What a load run counts while it runs: a latency histogram and counters per worker, merged
//! at the end, so the cost is the same for a thousand deliveries or ten million.

use std::time::Duration;

use hdrhistogram::Histogram;

use crate::outcome::load::{
    Counts, Latencies, LoadResult, Percentiles, RunPlan, Shard, add_series,
};
use crate::wire::ErrorClass;

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
            shard,
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
            interrupted,
            per_second: s.per_second.clone(),
            latency_histogram: Latencies(s.latency.clone()),
            ..LoadResult::new(seed, receiver, plan)
        }
    }
}
