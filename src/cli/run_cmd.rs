//! `suno-mock run PATH...`: scenario files and folders against a receiver.

use super::args::RunArgs;
use super::session::{Fatal, Output, emit, runtime, setup};
use crate::exit;
use crate::outcome::{RunOutcome, ScenarioStatus};
use crate::report::{human, junit};
use crate::scenario::{LoadError, LoadedScenario, load_paths};

/// Prints load errors; returns the exit status they mean.
pub fn report_load_error(e: LoadError) -> i32 {
    match e {
        LoadError::Path(m) => {
            eprintln!("error: {m}");
            exit::USAGE
        }
        LoadError::Invalid(ds) => {
            let n = ds.len();
            for (d, src) in &ds {
                eprint!("{}", d.render(src.as_deref()));
                eprintln!();
            }
            eprintln!(
                "{n} error{} in scenario files",
                if n == 1 { "" } else { "s" }
            );
            exit::INVALID_SCENARIO
        }
    }
}

/// The exit status of a finished run of scenarios.
pub fn run_exit(run: &RunOutcome) -> i32 {
    if run.count(ScenarioStatus::Failed) > 0 {
        exit::FAILED
    } else if run.count(ScenarioStatus::Error) > 0 {
        exit::HARNESS
    } else {
        exit::SUCCESS
    }
}

pub fn run(args: RunArgs) -> i32 {
    let scenarios = match load_paths(&args.paths) {
        Ok(s) => s,
        Err(e) => return report_load_error(e),
    };
    match runtime().and_then(|rt| rt.block_on(execute(&args, &scenarios))) {
        Ok(code) => code,
        Err(Fatal(code, m)) => {
            eprintln!("error: {m}");
            code
        }
    }
}

async fn execute(args: &RunArgs, scenarios: &[LoadedScenario]) -> Result<i32, Fatal> {
    let s = setup(&args.sender).await?;
    let run = s
        .engine
        .run(scenarios)
        .await
        .map_err(|e| Fatal(exit::HARNESS, s.secrets.redact(&e.to_string())))?;
    let code = run_exit(&run);
    let text = human::run_report(&run, args.sender.verbose, &s.style);
    let head = format!(
        "suno-mock run · receiver {} · seed {}\n",
        run.receiver, run.seed
    );
    let xml = junit::render(
        "suno-mock run",
        junit::run_cases(&run),
        std::time::Duration::from_secs_f64(run.duration_ms / 1000.0),
    );
    let out = Output {
        command: "run",
        run: &run,
        rules: None,
        human: head + &text,
        junit: xml,
        code,
    };
    Ok(emit(&args.sender, &s.secrets, out))
}
