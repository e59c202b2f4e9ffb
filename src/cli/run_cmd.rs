//! `suno-mock run PATH...`: scenario files and folders against a receiver.

use std::sync::Arc;

use super::args::{Format, ReceiverArg, RunArgs};
use super::live::Live;
use super::session::{finish, secrets_of, setup, write_run_report};
use crate::job::{JobError, Limits, Progress, exit_policy, runtime};
use crate::report::{RunReport, Style, human, junit};

pub fn run(args: RunArgs) -> i32 {
    finish(
        &args.report,
        &secrets_of(&args.sender),
        "run",
        execute_all(&args),
    )
}

fn execute_all(args: &RunArgs) -> Result<i32, JobError> {
    let builtin = matches!(args.sender.receiver, ReceiverArg::Builtin);
    let loaded = crate::job::run::load(&args.paths, args.sender.family, builtin)?;
    for w in &loaded.warnings {
        crate::console::errln!("{w}");
    }
    args.report.check_paths()?;
    runtime()?.block_on(execute(args, &loaded))
}

async fn execute(args: &RunArgs, loaded: &crate::job::run::Loaded) -> Result<i32, JobError> {
    let mut s = setup(
        &args.sender,
        &args.observe,
        Limits {
            connections: Some(args.connections.connections.into()),
            give_up_after: None,
        },
    )
    .await?;
    let style = Style::detect();
    let live = Arc::new(Live::new(
        args.report.format == Format::Human,
        s.secrets.clone(),
    ));
    let head = s.head();
    live.print(&human::run_header(&head.receiver, head.seed));
    live.watch(s.activity());
    let (printer, verbose) = (live.clone(), args.verbose);
    let on = Arc::new(move |p: Progress<'_>| match p {
        Progress::Started {
            index, total, file, ..
        } => printer.status(&format!("{index}/{total}: {file}")),
        Progress::Finished { outcome, .. } => {
            printer.print(&human::scenario_block(outcome, verbose, &style));
        }
    });
    let run = crate::job::run::run(&mut s, loaded, Some(on)).await?;
    live.finish();
    let code = exit_policy::scenarios(&run);
    let text = if live.streams() {
        human::summary(&run, &style)
    } else {
        human::run_header(&run.receiver, run.seed) + &human::run_report(&run, args.verbose, &style)
    };
    let xml = junit::render(
        "suno-mock run",
        junit::run_cases(&run),
        std::time::Duration::from_secs_f64(run.duration_ms / 1000.0),
    );
    let report = RunReport {
        command: "run",
        run: &run,
        rules: None,
        human: text,
        junit: xml,
        code,
        deadline: s.deadline(),
    };
    Ok(write_run_report(&args.report, &s.secrets, report))
}
