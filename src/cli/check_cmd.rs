//! `suno-mock check`: the built-in conformance suite, judged rule by rule.

use std::time::Duration;

use super::args::CheckArgs;
use super::session::{Fatal, Output, Session, emit, runtime, setup};
use crate::exit;
use crate::outcome::{RunOutcome, ScenarioStatus};
use crate::report::{check, junit};
use crate::rules::{self, Context, Level, RuleResult, Verdict, suite};

pub struct CheckOptions {
    pub only: Vec<String>,
    pub fast_ack_p95: Duration,
}

/// The exit status of a judged run (CONTRACT.md §5).
pub fn check_exit(run: &RunOutcome, rules: &[RuleResult], strict: bool) -> i32 {
    let failed = rules.iter().any(|r| {
        r.verdict == Verdict::Fail
            || (strict
                && r.level != Level::Info
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
    } else {
        exit::SUCCESS
    }
}

/// Runs the suite on a set-up session and judges every selected rule.
pub async fn run_check(
    s: &Session,
    hmac: bool,
    opts: &CheckOptions,
) -> Result<(RunOutcome, Vec<RuleResult>), Fatal> {
    let token = s.engine.cfg.token_param.is_some();
    let plan = suite::plan(&opts.only, hmac, token).map_err(|m| Fatal(exit::HARNESS, m))?;
    let run = s
        .engine
        .run(&plan)
        .await
        .map_err(|e| Fatal(exit::HARNESS, s.secrets.redact(&e.to_string())))?;
    let ctx = Context {
        run: &run,
        hmac,
        token,
        probe: s.engine.observer.config().has_probe(),
        deadline: s.engine.cfg.policy.timeout,
        fast_ack_p95: opts.fast_ack_p95,
    };
    let results = rules::judge_all(&ctx, &opts.only);
    Ok((run, results))
}

pub fn header(run: &RunOutcome, s: &Session) -> String {
    let p = &s.engine.cfg.policy;
    let delays: Vec<String> = p
        .delays()
        .map(|d| crate::duration::Dur(d).to_string())
        .collect();
    let retries = match p.retries {
        0 => "no retries".to_string(),
        n => format!("{n} retries after {}", delays.join(", ")),
    };
    format!(
        "suno-mock check · receiver {} · seed {} · deadline {}, {retries}\n",
        run.receiver,
        run.seed,
        crate::duration::Dur(p.timeout),
    )
}

pub fn run(a: CheckArgs) -> i32 {
    let unknown: Vec<&String> = a.only.iter().filter(|o| rules::find(o).is_none()).collect();
    if let Some(u) = unknown.first() {
        let ids: Vec<_> = rules::ids().collect();
        eprintln!(
            "error: --only: unknown rule `{u}`; rules: {}",
            ids.join(", ")
        );
        return exit::USAGE;
    }
    let opts = CheckOptions {
        only: a.only.clone(),
        fast_ack_p95: a.fast_ack_p95.0,
    };
    let result = runtime().and_then(|rt| {
        rt.block_on(async {
            let s = setup(&a.sender).await?;
            let (run, results) = run_check(&s, a.sender.policy.hmac_key.is_some(), &opts).await?;
            let code = check_exit(&run, &results, a.strict);
            let text = header(&run, &s) + &check::report(&run, &results, &s.style);
            let xml = junit::render(
                "suno-mock check",
                junit::rule_cases(&results, a.strict),
                Duration::from_secs_f64(run.duration_ms / 1000.0),
            );
            let out = Output {
                command: "check",
                run: &run,
                rules: Some(&results),
                human: text,
                junit: xml,
                code,
            };
            Ok(emit(&a.sender, &s.secrets, out))
        })
    });
    match result {
        Ok(c) => c,
        Err(Fatal(c, m)) => {
            eprintln!("error: {m}");
            c
        }
    }
}
