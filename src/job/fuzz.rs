//! The `fuzz` job: cases sent to a session's receiver until the cases or the budget run out,
//! each finding said as its file is written; the findings folder made first and removed again
//! when nothing was found in a folder that was not there before.

use std::path::PathBuf;
use std::time::Duration;

use super::{JobError, Session};
use crate::fuzz::FuzzConfig;
use crate::outcome::fuzz::{Found, FuzzHead, FuzzResult};

/// What a fuzz run sends, as the flags say it.
#[derive(Debug, Clone)]
pub struct FuzzPlan {
    pub cases: Option<u64>,
    pub budget: Option<Duration>,
    pub rate: f64,
    pub concurrency: usize,
    pub max_body: usize,
    /// Where finding files are written.
    pub out: PathBuf,
}

/// How the run is set up, as its reports say it.
pub fn head(s: &Session, plan: &FuzzPlan) -> FuzzHead {
    FuzzHead {
        run: s.head(),
        cases: plan.cases,
        budget: plan.budget,
        rate: plan.rate,
        concurrency: plan.concurrency,
    }
}

/// The findings folder, made now so an unwritable one is said before anything is sent;
/// `true` when it was not there before.
pub fn make_out(plan: &FuzzPlan) -> Result<bool, JobError> {
    let made = !plan.out.exists();
    std::fs::create_dir_all(&plan.out).map_err(|source| JobError::Folder {
        path: plan.out.clone(),
        source,
    })?;
    Ok(made)
}

/// Fuzzes the session's receiver; `on_finding` is told of each finding once its file is
/// written. A folder `made` for this run is removed again when nothing was found.
pub async fn fuzz(
    s: &Session,
    plan: &FuzzPlan,
    made: bool,
    on_finding: impl Fn(&Found) + Send + Sync + 'static,
) -> Result<FuzzResult, JobError> {
    let e = &s.engine;
    e.reachable()
        .await
        .map_err(|u| JobError::from(u).redacted(&s.secrets))?;
    let cfg = FuzzConfig {
        receiver: e.cfg.receiver.clone(),
        display: e.receiver_display(),
        family: s.family,
        seed: e.cfg.seed,
        cases: plan.cases,
        budget: plan.budget,
        rate: plan.rate,
        concurrency: plan.concurrency,
        max_body: plan.max_body,
        policy: e.cfg.policy.clone(),
        signed: s.send.hmac_key.is_some(),
        out: plan.out.clone(),
    };
    let result = crate::fuzz::run(
        cfg,
        e.sender.clone(),
        e.host.clone(),
        e.cancel.clone(),
        Some(Box::new(on_finding)),
    )
    .await
    .map_err(|e| JobError::from(e).redacted(&s.secrets))?;
    if made && result.findings.is_empty() {
        let _ = std::fs::remove_dir(&plan.out);
    }
    Ok(result)
}
