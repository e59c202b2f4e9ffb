//! The `serve` job: the mock provider API started from its settings (a plan file loaded and
//! checked first), what its banner says, and its totals when stopped.

use std::net::SocketAddr;
use std::path::Path;

use super::JobError;
use super::settings::{Limits, SendSettings};
use crate::mock_api::RunningApi;
pub use crate::mock_api::ServeConfig;
use crate::outcome::serve::{Callbacks, ServeBanner, ServeTotals};
use crate::scenario::{LoadError, parse_serve_plan};
pub use crate::scenario::{Outcome, ServePlan};
pub use crate::wire::MediaMode;

/// `--failure-code` applies to every family's failures: refused when it is 200 (or otherwise
/// not a failure), a warning when no family documents it.
pub fn check_failure_code(code: i64) -> Result<Option<String>, JobError> {
    match crate::family::video().check_failure_code(code) {
        Err(m) => Err(JobError::Usage(format!("--failure-code {code}: {m}"))),
        Ok(Some(_))
            if !crate::family::CATALOGUE
                .iter()
                .any(|f| f.failure_codes.iter().any(|c| c.code == code)) =>
        {
            Ok(Some(format!(
                "warning: --failure-code {code}: no family documents this failure code; it is sent as written"
            )))
        }
        Ok(_) => Ok(None),
    }
}

/// Reads and checks a plan file; its warnings (rendered with the lines they quote) to say.
pub fn load_plan(path: &Path) -> Result<(ServePlan, Vec<String>), JobError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| {
        JobError::Unreadable(crate::scenario::Unreadable::Read {
            path: path.to_path_buf(),
            source,
        })
    })?;
    let (plan, warnings) = parse_serve_plan(&name, &text).map_err(|ds| {
        JobError::from_load(
            LoadError::Invalid(ds.into_iter().map(|d| (d, Some(text.clone()))).collect()),
            "the plan",
        )
    })?;
    let warnings = warnings.iter().map(|w| w.render(Some(&text))).collect();
    Ok((plan, warnings))
}

/// A running mock provider API; it stops when dropped.
pub struct Serving {
    running: RunningApi,
    pub banner: ServeBanner,
}

impl Serving {
    /// What it has done so far.
    pub fn totals(&self) -> ServeTotals {
        ServeTotals {
            tasks: self.running.store.created(),
            attempts: self.running.store.attempts_recorded(),
        }
    }
}

/// Starts the mock API on `listen`, its callbacks sent as `send` says.
pub async fn start(
    cfg: ServeConfig,
    send: &SendSettings,
    deadline_flag: Option<std::time::Duration>,
    listen: SocketAddr,
    public_url: Option<String>,
) -> Result<Serving, JobError> {
    let sender = super::session::sender(send, Limits::default())?;
    let running = crate::mock_api::start(cfg.clone(), sender, listen, public_url).await?;
    let (endpoints, routes) = crate::mock_api::offered();
    let banner = ServeBanner {
        url: running.server.url(),
        page: running.ui_url(),
        seed: cfg.seed,
        key_given: cfg.api_key.is_some(),
        endpoints,
        routes,
        credits: cfg.credits,
        rate_limit: cfg.rate_limit,
        plan: cfg.plan.as_ref().map(|p| (p.name.clone(), p.summary())),
        callbacks: match cfg.outcome {
            Some(Outcome::Success) => Callbacks::Success,
            Some(Outcome::Failure) => Callbacks::Failure {
                code: cfg.failure_code,
            },
            None => Callbacks::Random {
                failure_rate: cfg.failure_rate,
                code: cfg.failure_code,
            },
        },
        generation_time: cfg.generation_time,
        duplicates: cfg.duplicates,
        media: format!("{:?}", cfg.video).to_lowercase(),
        deadline: deadline_flag,
        retries: cfg.policy.retries,
    };
    Ok(Serving { running, banner })
}
