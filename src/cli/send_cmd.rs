//! `suno-mock send STAGE`: one delivery (or N copies) of a stage of the family, printed as an
//! exchange.

use super::args::SendArgs;
use super::session::{finish, secrets_of, setup, write_run_report};
use crate::job::send::{SendRequest, prepare, send};
use crate::job::{JobError, Limits, exit_policy, runtime};
use crate::report::{RunReport, Style, human, junit};

pub fn run(args: SendArgs) -> i32 {
    finish(
        &args.report,
        &secrets_of(&args.sender),
        "send",
        execute_all(&args),
    )
}

fn execute_all(args: &SendArgs) -> Result<i32, JobError> {
    let req = SendRequest {
        kind: args.kind.clone(),
        code: args.code,
        variant: args.variant.clone(),
        set: args.set.clone(),
        copies: args.copies,
        concurrent: args.concurrent,
    };
    let prepared = prepare(&req, args.sender.family)?;
    for w in &prepared.warnings {
        crate::console::errln!("{w}");
    }
    args.report.check_paths()?;
    runtime()?.block_on(async {
        let mut s = setup(&args.sender, &args.observe, Limits::default()).await?;
        let run = send(&mut s, &prepared, args.task.as_deref()).await?;
        let code = exit_policy::scenarios(&run);
        let report = RunReport {
            command: "send",
            run: &run,
            rules: None,
            human: human::exchange(&run, args.verbose, &Style::detect()),
            junit: junit::render(
                "suno-mock send",
                junit::run_cases(&run),
                std::time::Duration::from_secs_f64(run.duration_ms / 1000.0),
            ),
            code,
            deadline: s.deadline(),
        };
        Ok(write_run_report(&args.report, &s.secrets, report))
    })
}
