//! `suno-mock run PATH...`: scenario files and folders against a receiver.

use std::sync::Arc;

use super::args::{Format, RunArgs};
use super::live::Live;
use super::session::{Fatal, Limits, Output, emit, runtime, setup};
use crate::exit;

use crate::report::{human, junit};
use crate::run::Event;
use crate::scenario::{LoadError, LoadedScenario, load_paths};

/// Prints load errors of scenario files; returns the exit status they mean.
pub fn report_load_error(e: LoadError) -> i32 {
    report_errors_in(e, "scenario files")
}

/// Prints load errors, totalled as errors `in` what was read; returns the exit status.
pub fn report_errors_in(e: LoadError, within: &str) -> i32 {
    match e {
        LoadError::Path(m) => {
            crate::console::errln!("error: {m}");
            exit::USAGE
        }
        LoadError::Invalid(ds) => {
            let n = ds.iter().filter(|(d, _)| !d.warning).count();
            for (d, src) in &ds {
                crate::console::err!("{}", d.render(src.as_deref()));
                crate::console::errln!();
            }
            crate::console::errln!("{} in {within}", crate::report::plural(n, "error"));
            exit::INVALID_SCENARIO
        }
    }
}

pub fn run(args: RunArgs) -> i32 {
    let scenarios = match load_paths(&args.paths, args.sender.family) {
        Ok(s) => s,
        Err(e) => return report_load_error(e),
    };
    for w in scenarios.iter().flat_map(|s| &s.warnings) {
        crate::console::err!("{w}\n");
    }
    warn_unknown_bodies(&scenarios);
    if matches!(args.sender.receiver, super::args::ReceiverArg::Builtin) {
        warn_other_families(&scenarios, args.sender.family);
    }
    if let Err(Fatal(code, m)) = args.report.check_paths() {
        crate::console::errln!("error: {m}");
        return code;
    }
    match runtime().and_then(|rt| rt.block_on(execute(&args, &scenarios))) {
        Ok(code) => code,
        Err(Fatal(code, m)) => {
            crate::console::errln!("error: {m}");
            code
        }
    }
}

async fn execute(args: &RunArgs, scenarios: &[LoadedScenario]) -> Result<i32, Fatal> {
    let mut s = setup(
        &args.sender,
        &args.observe,
        Limits {
            connections: Some(args.connections.connections.into()),
            give_up_after: None,
        },
    )
    .await?;
    let live = Arc::new(Live::new(
        args.report.format == Format::Human,
        s.secrets.clone(),
    ));
    live.print(&header(&s.engine.receiver_display(), s.engine.cfg.seed));
    live.watch(s.engine.sender.activity());
    let (printer, verbose, style) = (live.clone(), args.verbose, s.style);
    s.engine.events = Some(Arc::new(move |e: Event<'_>| match e {
        Event::Started {
            index,
            total,
            scenario,
        } => printer.status(&format!("{index}/{total}: {}", scenario.file)),
        Event::Finished(outcome) => {
            printer.print(&human::scenario_block(outcome, verbose, &style));
        }
    }));
    let run = s
        .engine
        .run(scenarios)
        .await
        .map_err(|e| Fatal(exit::HARNESS, s.secrets.redact(&e.to_string())))?;
    live.finish();
    let code = crate::job::exit_policy::scenarios(&run);
    let text = if live.streams() {
        human::summary(&run, &s.style)
    } else {
        header(&run.receiver, run.seed) + &human::run_report(&run, args.verbose, &s.style)
    };
    let xml = junit::render(
        "suno-mock run",
        junit::run_cases(&run),
        std::time::Duration::from_secs_f64(run.duration_ms / 1000.0),
    );
    let out = Output {
        command: "run",
        run: &run,
        rules: None,
        human: text,
        junit: xml,
        code,
        deadline: s.engine.cfg.policy.timeout,
    };
    Ok(emit(&args.report, &s.secrets, out))
}

/// The built-in receiver takes one family's callbacks (`--family`): files for another family
/// would be refused (422) and retried, which says nothing of the files. Said before the run.
fn warn_other_families(scenarios: &[LoadedScenario], family: &crate::family::Family) {
    for s in scenarios.iter().filter(|s| s.family.id != family.id) {
        crate::console::errln!(
            "warning: {} is for the {} family, but the built-in receiver takes {} callbacks (--family {}): it refuses its deliveries; run it with --family {}",
            s.file,
            s.family.id,
            family.id,
            family.id,
            s.family.id
        );
    }
}

fn header(receiver: &str, seed: u64) -> String {
    format!("suno-mock run · receiver {receiver} · seed {seed}\n")
}

/// A custom JSON body in which no documented family finds its task id is replayed as-is; the
/// warning names its fields no family knows (recorded callbacks the docs do not describe).
/// A file that names its family (`family:`) knows what it sends: a fuzz finding's broken
/// bodies are broken on purpose, and are not warned about.
fn warn_unknown_bodies(scenarios: &[LoadedScenario]) {
    let known: std::collections::BTreeSet<String> = crate::family::CATALOGUE
        .iter()
        .flat_map(|f| crate::family::detect::known_paths(f).iter().cloned())
        .collect();
    for s in scenarios.iter().filter(|s| s.scenario.family.is_none()) {
        for (i, step) in s.scenario.steps.iter().enumerate() {
            let crate::scenario::Step::Deliver(d) = step else {
                continue;
            };
            let Some(v) = d
                .body
                .as_deref()
                .and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok())
                .or_else(|| d.json.clone())
            else {
                continue;
            };
            if !v.is_object() || crate::family::detect::detect(&v).is_some() {
                continue;
            }
            let unknown: Vec<String> = crate::family::detect::paths(&v)
                .difference(&known)
                .cloned()
                .collect();
            crate::console::errln!(
                "warning: {}:{}: the body matches no documented family (none finds its task id there); it is sent as-is{}",
                s.file,
                s.step_lines.get(i).copied().unwrap_or(0),
                if unknown.is_empty() {
                    String::new()
                } else {
                    format!("; fields no family documents: {}", unknown.join(", "))
                }
            );
        }
    }
}
