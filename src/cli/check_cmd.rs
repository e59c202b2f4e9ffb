//! `suno-mock check`: the built-in conformance suite, judged rule by rule, each verdict printed
//! as soon as the scenario it rests on has ended.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::args::{CheckArgs, Format};
use super::live::{InOrder, Live};
use super::session::{Fatal, Limits, Output, Session, emit, runtime, setup};
use crate::exit;
use crate::outcome::{RunOutcome, ScenarioStatus};
use crate::report::{check, github, human, junit};
use crate::rules::{self, CATALOGUE, Level, PlanFor, RuleResult, Setup, Verdict, suite};
use crate::run::Event;

/// `check` stops sending once this many attempts went unanswered past the deadline while not
/// one had an answer: two, so a single lost connection never cuts a run short.
const GIVE_UP_AFTER: usize = 2;

pub struct CheckOptions {
    pub only: Vec<String>,
    pub fast_ack_p95: Duration,
    /// The suite's scenarios one after another instead of phase by phase.
    pub sequential: bool,
}

/// The exit status of a judged run (docs/contract.md, exit status): a must rule that failed,
/// or under `--strict` a should rule that did not pass, is 1; a scenario the harness could not
/// run is 4; a must rule nothing could verify (inconclusive) is 1 too, since 0 promises that
/// every must rule passed.
pub fn check_exit(run: &RunOutcome, rules: &[RuleResult], strict: bool) -> i32 {
    let failed = rules.iter().any(|r| {
        r.verdict == Verdict::Fail
            || (strict
                && r.level == Level::Should
                && matches!(r.verdict, Verdict::Warn | Verdict::Inconclusive))
    });
    if failed {
        exit::FAILED
    } else if run
        .scenarios
        .iter()
        .any(|s| s.status == ScenarioStatus::Error)
    {
        exit::HARNESS
    } else if !check::unverified_must(rules).is_empty() {
        exit::FAILED
    } else {
        exit::SUCCESS
    }
}

/// What planning the suite depends on.
fn plan_for(s: &Session, hmac: bool) -> PlanFor<'static> {
    PlanFor {
        family: s.family,
        hmac,
        token: s.engine.cfg.token_param.is_some(),
    }
}

/// How the run was set up, as rules need to know it.
fn judging(s: &Session, hmac: bool, opts: &CheckOptions) -> Setup {
    Setup {
        family: s.family,
        hmac,
        token: s.engine.cfg.token_param.is_some(),
        probe: s.engine.observer.config().has_probe(),
        deadline: s.engine.cfg.policy.timeout,
        fast_ack_p95: opts.fast_ack_p95,
        connections: s.engine.sender.connections(),
    }
}

/// Runs the suite on a set-up session and judges every selected rule.
pub async fn run_check(
    s: &Session,
    hmac: bool,
    opts: &CheckOptions,
) -> Result<(RunOutcome, Vec<RuleResult>), Fatal> {
    let plan = suite::plan(&opts.only, &plan_for(s, hmac)).map_err(|m| Fatal(exit::HARNESS, m))?;
    let mut run = s
        .engine
        .run_scheduled(&plan, &suite::schedule(&plan, opts.sequential))
        .await
        .map_err(|e| Fatal(exit::HARNESS, s.secrets.redact(&e.to_string())))?;
    if !run.interrupted && run.cut_short.is_none() {
        run.hints.extend(s.engine.family_hint(s.family, &run).await);
    }
    let results = rules::judge_all(&judging(s, hmac, opts).context(&run), &opts.only);
    Ok((run, results))
}

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

/// The `--only` ids in the catalogue's spelling, or the message for the first unknown one.
fn selected(only: &[String]) -> Result<Vec<String>, String> {
    only.iter()
        .map(|o| {
            rules::find(o)
                .map(|r| r.id.to_string())
                .ok_or_else(|| format!("--only: {}", rules::unknown_rule_message(o)))
        })
        .collect()
}

/// `--only` naming rules with nothing to judge in this run says so, rather than running
/// nothing and exiting 0 as if they were checked.
fn judgeable(only: &[String], f: &PlanFor<'_>) -> Result<(), String> {
    for id in only {
        if let Some(r) = rules::find(id)
            && !r.plan.needs.met(f)
        {
            return Err(format!(
                "--only {id}: it has nothing to judge {}",
                r.plan.needs.unmet(f)
            ));
        }
    }
    Ok(())
}

pub fn run(a: CheckArgs) -> i32 {
    let declared = PlanFor {
        family: a.sender.family,
        hmac: a.sender.policy.hmac_key.is_some(),
        token: a.sender.token_param.is_some(),
    };
    let only = match selected(&a.only).and_then(|o| judgeable(&o, &declared).map(|()| o)) {
        Ok(o) => o,
        Err(m) => {
            crate::console::errln!("error: {m}");
            return exit::USAGE;
        }
    };
    let opts = CheckOptions {
        only,
        fast_ack_p95: a.fast_ack_p95.0,
        sequential: a.sequential,
    };
    let result = a
        .report
        .check_paths()
        .and_then(|()| runtime())
        .and_then(|rt| {
            rt.block_on(async {
                let mut s = setup(
                    &a.sender,
                    &a.observe,
                    Limits {
                        connections: Some(a.connections.connections.into()),
                        give_up_after: Some(GIVE_UP_AFTER),
                    },
                )
                .await?;
                let hmac = a.sender.policy.hmac_key.is_some();
                let live = Arc::new(Live::new(
                    a.report.format == Format::Human,
                    s.secrets.clone(),
                ));
                live.print(&header(&s.engine.receiver_display(), s.engine.cfg.seed, &s));
                live.watch(s.engine.sender.activity());
                let ids = CATALOGUE
                    .iter()
                    .filter(|r| opts.only.is_empty() || opts.only.iter().any(|o| o == r.id))
                    .map(|r| r.id);
                let width = check::id_width(ids);
                let order = Arc::new(Mutex::new(InOrder::new(suite::scenario_rules(
                    &opts.only,
                    &plan_for(&s, hmac),
                ))));
                s.engine.events = Some(streamer(
                    &s,
                    live.clone(),
                    order.clone(),
                    &a,
                    hmac,
                    &opts,
                    width,
                ));
                let (run, results) = run_check(&s, hmac, &opts).await?;
                live.finish();
                let code = check_exit(&run, &results, a.strict);
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
                    return Ok(github_output(&a, &s, &run, &results, code));
                }
                Ok(code)
            })
        });
    match result {
        Ok(c) => c,
        Err(Fatal(c, m)) => {
            crate::console::errln!("error: {m}");
            c
        }
    }
}

/// The hook that prints, as each scenario ends, the verdict of the rule that rests on it alone
/// (and with `-v` every step of it), in report order: a verdict waits for the rules listed
/// before it. The verdict is the one the final report gives: the rule reads nothing but its
/// own scenario.
fn streamer(
    s: &Session,
    live: Arc<Live>,
    order: Arc<Mutex<InOrder>>,
    a: &CheckArgs,
    hmac: bool,
    opts: &CheckOptions,
    width: usize,
) -> crate::run::EventHook {
    let style = s.style;
    let verbose = a.verbose;
    let only = opts.only.clone();
    let setup = judging(s, hmac, opts);
    let seed = s.engine.cfg.seed;
    let receiver = s.engine.receiver_display();
    let sender = s.engine.sender.clone();
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
                let Some(rule) = outcome.rule.as_deref().and_then(rules::find) else {
                    return;
                };
                if rule.whole_run || !(only.is_empty() || only.iter().any(|o| o == rule.id)) {
                    return;
                }
                let part = RunOutcome {
                    seed,
                    receiver: receiver.clone(),
                    duration_ms: 0.0,
                    interrupted: false,
                    cut_short: sender.gave_up().map(str::to_string),
                    hints: Vec::new(),
                    scenarios: vec![outcome.clone()],
                };
                let ctx = setup.context(&part);
                live.print(
                    &order.push(rule.id, check::rule_line(&rule.result(&ctx), width, &style)),
                );
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
