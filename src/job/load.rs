//! The `load` job: many tasks at a set rate and concurrency against a session's receiver,
//! and the thresholds (`--max-p99`, `--max-failures`) that turn its result into an exit status.

use std::path::PathBuf;
use std::time::Duration;

use super::{JobError, Session};
use crate::load::{LoadConfig, Shares};
pub use crate::outcome::load::Shard;
use crate::outcome::load::{LoadHead, LoadResult, Threshold};

/// What a load run sends, as the flags say it.
#[derive(Debug, Clone)]
pub struct LoadPlan {
    /// `None` with no `duration`: 1000 tasks.
    pub tasks: Option<u64>,
    pub duration: Option<Duration>,
    pub rate: Option<f64>,
    pub concurrency: usize,
    pub duplicates: f64,
    pub failures: f64,
    pub shard: Option<Shard>,
    pub record: Option<PathBuf>,
    pub progress: bool,
}

/// The limits a result is held to for CI.
#[derive(Debug, Clone, Copy, Default)]
pub struct Thresholds {
    pub max_p99: Option<Duration>,
    pub max_failures: Option<u64>,
}

/// Runs the load on the session; its head says how it was set up.
pub async fn load(s: &Session, plan: &LoadPlan) -> Result<(LoadHead, LoadResult), JobError> {
    let e = &s.engine;
    e.reachable()
        .await
        .map_err(|u| JobError::from(u).redacted(&s.secrets))?;
    let tasks = match (plan.tasks, plan.duration) {
        (None, None) => Some(1000),
        (t, _) => t,
    };
    let cfg = LoadConfig {
        receiver: e.cfg.receiver.clone(),
        display: e.receiver_display(),
        tasks,
        duration: plan.duration,
        rate: plan.rate,
        concurrency: plan.concurrency,
        family: s.family,
        shard: plan.shard,
        shares: Shares {
            duplicates: plan.duplicates,
            failures: plan.failures,
        },
        policy: e.cfg.policy.clone(),
        hmac_key: s.send.hmac_key.clone(),
        insecure: s.send.insecure,
        seed: e.cfg.seed,
        record: plan.record.clone(),
        progress: plan.progress,
    };
    let head = LoadHead {
        run: s.head(),
        tasks,
        duration: plan.duration,
        rate: plan.rate,
        concurrency: plan.concurrency,
        shard: plan.shard,
    };
    let result = crate::load::run(cfg, &e.host, e.cancel.clone())
        .await
        .map_err(|e| JobError::from(e).redacted(&s.secrets))?;
    Ok((head, result))
}

/// Each threshold given, and whether the result holds it; a partial merge says so in each.
pub fn thresholds(t: &Thresholds, r: &LoadResult) -> Vec<Threshold> {
    let mut v = Vec::new();
    if let Some(max) = t.max_p99 {
        let limit = max.as_secs_f64() * 1000.0;
        v.push(Threshold {
            name: "max-p99".into(),
            passed: r.latency.p99_ms <= limit,
            detail: format!(
                "p99 {:.2}ms, limit {}",
                r.latency.p99_ms,
                crate::duration::Dur(max)
            ),
        });
    }
    if let Some(max) = t.max_failures {
        let bad = r.counts.failed + r.counts.ambiguous;
        v.push(Threshold {
            name: "max-failures".into(),
            passed: bad <= max,
            detail: format!("{bad} failed or ambiguous, limit {max}"),
        });
    }
    if let Some(p) = r.partial() {
        for t in &mut v {
            t.detail = format!("{} ({p})", t.detail);
        }
    }
    v
}

/// The exit status of a load result held to its thresholds.
pub fn exit_code(r: &LoadResult, checks: &[Threshold]) -> i32 {
    super::exit_policy::measured(r.interrupted, checks.iter().any(|t| !t.passed))
}
