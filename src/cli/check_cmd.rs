//! `suno-mock check`: the built-in conformance suite, judged rule by rule, each verdict printed
//! as soon as the scenario it rests on has ended.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::args::{CheckArgs, Format};
use super::live::{InOrder, Live};
use super::session::{fail, finish, secrets_of, setup, write_run_report};
use crate::job::check::{CheckOptions, GIVE_UP_AFTER, declared, run_check, streamed_rules};
use crate::job::{JobError, Limits, OnProgress, Progress, exit_policy, runtime};
use crate::report::{RunReport, Style, check, github, human, junit};

pub fn run(a: CheckArgs) -> i32 {
    let declared = declared(
        a.sender.family,
        a.sender.policy.signing.hmac_key.is_some(),
        a.sender.token_param.is_some(),
    );
    finish(
        &a.report,
        &secrets_of(&a.sender),
        "check",
        CheckOptions::new(&a.only, a.fast_ack_p95.0, a.sequential, &declared)
            .and_then(|opts| a.report.check_paths().map(|()| opts))
            .and_then(|opts| runtime().map(|rt| (opts, rt)))
            .and_then(|(opts, rt)| rt.block_on(execute(&a, &opts))),
    )
}

/// Runs the job on a session and writes the reports; returns the exit status.
async fn execute(a: &CheckArgs, opts: &CheckOptions) -> Result<i32, JobError> {
    let limits = Limits {
        connections: Some(a.connections.connections.into()),
        give_up_after: Some(GIVE_UP_AFTER),
    };
    let mut s = setup(&a.sender, &a.observe, limits).await?;
    let style = Style::detect();
    let live = Arc::new(Live::new(
        a.report.format == Format::Human,
        s.secrets.clone(),
    ));
    let head = s.head();
    live.print(&check::header(&head));
    live.watch(s.activity());
    let width = check::id_width(opts.rules().map(|r| r.id));
    let order = Arc::new(Mutex::new(InOrder::new(streamed_rules(&s, opts))));
    let on = printer(live.clone(), order.clone(), a.verbose, width, style);
    let (run, results) = run_check(&mut s, opts, Some(on)).await?;
    live.finish();
    let code = exit_policy::check(&run, &results, a.strict);
    // What was not streamed: the rules judged on the whole run, then the details.
    let text = if live.streams() {
        let order = order.lock().unwrap_or_else(PoisonError::into_inner);
        let rest: String = results
            .iter()
            .filter(|r| !order.printed().contains(&r.id))
            .map(|r| check::rule_line(r, width, &style))
            .collect();
        rest + &check::details(&run, &results, &style)
    } else {
        check::header(&head) + &check::report(&run, &results, &style)
    };
    let xml = junit::render(
        "suno-mock check",
        junit::rule_cases(&run, &results, a.strict),
        Duration::from_secs_f64(run.duration_ms / 1000.0),
    );
    let report = RunReport {
        command: "check",
        run: &run,
        rules: Some(&results),
        human: text,
        junit: xml,
        code,
        deadline: s.deadline(),
    };
    let code = write_run_report(&a.report, &s.secrets, report);
    if a.github || github::detected() {
        let notes = github::annotations(&results);
        let summary = github::summary(&run, &results, code);
        return Ok(github_output(a, &s.secrets, &notes, &summary, code));
    }
    Ok(code)
}

/// What prints, as each scenario ends, the verdict it decided (and with `-v` every step of
/// it), in report order: a verdict waits for the rules listed before it.
fn printer(
    live: Arc<Live>,
    order: Arc<Mutex<InOrder>>,
    verbose: bool,
    width: usize,
    style: Style,
) -> OnProgress {
    Arc::new(move |p: Progress<'_>| {
        // One event at a time, so lines never interleave.
        let mut order = order.lock().unwrap_or_else(PoisonError::into_inner);
        match p {
            Progress::Started {
                index, total, name, ..
            } => live.status(&format!("scenario {index}/{total}: {name}")),
            Progress::Finished { outcome, judged } => {
                if verbose {
                    live.print(&human::scenario_block(outcome, true, &style));
                }
                if let Some(r) = judged {
                    live.print(&order.push(r.id, check::rule_line(&r, width, &style)));
                }
            }
        }
    })
}

/// The annotations (on stdout after the human report; on stderr under `--format json`, so
/// stdout stays one JSON document: the runner reads workflow commands from both) and the step
/// summary appended to `$GITHUB_STEP_SUMMARY` when it is set. A summary that cannot be
/// written is exit 4, as a report file is.
fn github_output(
    a: &CheckArgs,
    secrets: &crate::secrets::Secrets,
    notes: &str,
    summary: &str,
    code: i32,
) -> i32 {
    let notes = secrets.redact(notes);
    match a.report.format {
        Format::Human => crate::console::out!("{notes}"),
        Format::Json => crate::console::err!("{notes}"),
    }
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return code;
    };
    let text = secrets.redact(summary);
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
    match written {
        Ok(()) => code,
        Err(source) => fail(&JobError::StepSummary {
            path: path.into(),
            source,
        }),
    }
}
