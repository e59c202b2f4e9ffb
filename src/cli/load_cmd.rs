//! `suno-mock load`: the load run, its thresholds for CI, its reports.

use std::io::IsTerminal;

use super::args::{LimitArgs, LoadArgs, ObserveArgs, ShardArg};
use super::session::{check_report_paths, finish, secrets_of, setup, write_reports};
use crate::job::load::{LoadPlan, Thresholds, exit_code, load, thresholds};
use crate::job::{JobError, Limits, runtime};
use crate::report::{Rendered, Style};

impl LimitArgs {
    pub fn thresholds(&self) -> Thresholds {
        Thresholds {
            max_p99: self.max_p99.map(|d| d.0),
            max_failures: self.max_failures,
        }
    }
}

pub fn run(a: LoadArgs) -> i32 {
    let run = runtime().and_then(|rt| rt.block_on(execute(&a)));
    finish(&a.report, &secrets_of(&a.sender), "load", run)
}

async fn execute(a: &LoadArgs) -> Result<i32, JobError> {
    a.report.check_paths()?;
    check_report_paths(&[a.record.as_deref()])?;
    let shard = match a.shard {
        None => None,
        Some(ShardArg::Given(s)) => Some(s),
        Some(ShardArg::Auto) => {
            let (s, said) = crate::job::shard::from_env(a.shard_count, |v| std::env::var(v).ok())?;
            crate::console::errln!("{said}");
            Some(s)
        }
    };
    let s = setup(&a.sender, &ObserveArgs::default(), Limits::default()).await?;
    let plan = LoadPlan {
        tasks: a.tasks,
        duration: a.duration.map(|d| d.0),
        rate: a.rate,
        concurrency: usize::from(a.concurrency),
        duplicates: a.duplicates,
        failures: a.failures,
        shard,
        record: a.record.clone(),
        progress: !a.no_progress && std::io::stderr().is_terminal(),
    };
    let (head, result) = load(&s, &plan).await?;
    let checks = thresholds(&a.limits.thresholds(), &result);
    let code = exit_code(&result, &checks);
    let rendered: Rendered = crate::report::load::render(
        "load",
        crate::report::load::head(&head),
        result,
        checks,
        code,
        &Style::detect(),
    )?;
    Ok(write_reports(&a.report, &s.secrets, rendered, code))
}
