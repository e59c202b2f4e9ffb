//! `suno-mock check`: the built-in conformance suite, judged rule by rule, each verdict printed
//! as soon as the scenario it rests on has ended.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::args::{CheckArgs, Format};
use super::live::{InOrder, Live};
use super::session::{Fatal, Limits, Output, Session, emit, runtime, setup};
use crate::exit;
use crate::job::check::{CheckOptions, GIVE_UP_AFTER, run_check, streamed_rules, streaming_judge};
use crate::job::exit_policy;
use crate::outcome::RunOutcome;
use crate::report::{check, github, human, junit};
use crate::rules::{PlanFor, RuleResult};
use crate::run::Event;

pub fn header(run_receiver: &str, seed: u64, s: &Session) -> String {
    let p = &s.engine.cfg.policy;
    let delays: Vec<String> = p
        .delays()
        .map(|d| crate::duration::Dur(d).to_string())
        .collect();
    let retries = match p.retries {
        0 => "no retries".to_string(),
        n => format!("{n} retries after {}", delays.join(", ")),
    };
    // The default family goes unsaid, so video's header reads as it always has.
    let family = if s.family.id == crate::family::DEFAULT {
        String::new()
    } else {
        format!(" · family {}", s.family.id)
    };
    format!(
        "suno-mock check · receiver {run_receiver}{family} · seed {seed} · deadline {}, {retries}\n",
        crate::duration::Dur(p.timeout),
    )
}

pub fn run(a: CheckArgs) -> i32 {
    let declared = PlanFor {
        family: a.sender.family,
        hmac: a.sender.policy.signing.hmac_key.is_some(),
        token: a.sender.token_param.is_some(),
    };
    let result = CheckOptions::new(&a.only, a.fast_ack_p95.0, a.sequential, &declared)
        .and_then(|opts| a.report.check_paths().map(|()| opts))
        .and_then(|opts| runtime().map(|rt| (opts, rt)))
        .and_then(|(opts, rt)| execute(&a, &opts, &rt));
    match result {
        Ok(c) => c,
        Err(Fatal(c, m)) => {
            crate::console::errln!("error: {m}");
            c
        }
    }
}

/// Runs the job on a session and writes the reports; returns the exit status.
fn execute(a: &CheckArgs, opts: &CheckOptions, rt: &tokio::runtime::Runtime) -> Result<i32, Fatal> {
    let limits = Limits {
        connections: Some(a.connections.connections.into()),
        give_up_after: Some(GIVE_UP_AFTER),
    };
    rt.block_on(async {
        let mut s = setup(&a.sender, &a.observe, limits).await?;

        let live = Arc::new(Live::new(
            a.report.format == Format::Human,
            s.secrets.clone(),
        ));
        live.print(&header(&s.engine.receiver_display(), s.engine.cfg.seed, &s));
        live.watch(s.engine.sender.activity());
        let width = check::id_width(opts.rules().map(|r| r.id));
        let order = Arc::new(Mutex::new(InOrder::new(streamed_rules(&s, opts))));
        s.engine.events = Some(streamer(&s, live.clone(), order.clone(), a, opts, width));
        let (run, results) = run_check(&s, opts).await?;
        live.finish();
        let code = exit_policy::check(&run, &results, a.strict);
        // What was not streamed: the rules judged on the whole run, then the details.
        let text = if live.streams() {
            let order = order.lock().unwrap_or_else(PoisonError::into_inner);
            let rest: String = results
                .iter()
                .filter(|r| !order.printed().contains(&r.id))
                .map(|r| check::rule_line(r, width, &s.style))
                .collect();
            rest + &check::details(&run, &results, &s.style)
        } else {
            header(&run.receiver, run.seed, &s) + &check::report(&run, &results, &s.style)
        };
        let xml = junit::render(
            "suno-mock check",
            junit::rule_cases(&run, &results, a.strict),
            Duration::from_secs_f64(run.duration_ms / 1000.0),
        );
        let out = Output {
            command: "check",
            run: &run,
            rules: Some(&results),
            human: text,
            junit: xml,
            code,
            deadline: s.engine.cfg.policy.timeout,
        };
        let code = emit(&a.report, &s.secrets, out);
        if a.github || github::detected() {
            return Ok(github_output(a, &s, &run, &results, code));
        }
        Ok(code)
    })
}

/// The hook that prints, as each scenario ends, the streaming judge's verdict (and with `-v`
/// every step of it), in report order: a verdict waits for the rules listed before it.
fn streamer(
    s: &Session,
    live: Arc<Live>,
    order: Arc<Mutex<InOrder>>,
    a: &CheckArgs,
    opts: &CheckOptions,
    width: usize,
) -> crate::run::EventHook {
    let style = s.style;
    let verbose = a.verbose;
    let judge = streaming_judge(s, opts);
    Arc::new(move |e: Event<'_>| {
        // One event at a time, so lines never interleave.
        let mut order = order.lock().unwrap_or_else(PoisonError::into_inner);
        match e {
            Event::Started {
                index,
                total,
                scenario,
            } => live.status(&format!(
                "scenario {index}/{total}: {}",
                scenario
                    .scenario
                    .rule
                    .as_deref()
                    .unwrap_or(&scenario.scenario.name)
            )),
            Event::Finished(outcome) => {
                if verbose {
                    live.print(&human::scenario_block(outcome, true, &style));
                }
                if let Some(r) = judge(outcome) {
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
    s: &Session,
    run: &RunOutcome,
    results: &[RuleResult],
    code: i32,
) -> i32 {
    let notes = s.secrets.redact(&github::annotations(results));
    match a.report.format {
        Format::Human => crate::console::out!("{notes}"),
        Format::Json => crate::console::err!("{notes}"),
    }
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return code;
    };
    let text = s.secrets.redact(&github::summary(run, results, code));
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
    match written {
        Ok(()) => code,
        Err(e) => {
            crate::console::errln!(
                "error: cannot append the step summary to `{}` (GITHUB_STEP_SUMMARY): {e}",
                std::path::Path::new(&path).display()
            );
            exit::HARNESS
        }
    }
}
