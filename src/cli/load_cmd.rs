//! `suno-mock load`: the load run, its thresholds for CI, its reports.

use std::io::IsTerminal;
use std::time::Duration;

use super::args::LoadArgs;
use super::session::{Fatal, runtime, setup, write_reports};
use crate::duration::Dur;
use crate::exit;
use crate::load::{self, LoadConfig, LoadResult, Shares};
use crate::outcome::SCHEMA_VERSION;
use crate::report::junit::{self, Case, CaseKind};
use crate::report::load::report;
use crate::run::preflight;

/// `(name, passed, text)` for each threshold given.
fn thresholds(a: &LoadArgs, r: &LoadResult) -> Vec<(String, bool, String)> {
    let mut v = Vec::new();
    if let Some(max) = a.max_p99 {
        let limit = max.0.as_secs_f64() * 1000.0;
        v.push((
            "max-p99".to_string(),
            r.latency.p99_ms <= limit,
            format!("p99 {:.2}ms, limit {}", r.latency.p99_ms, max),
        ));
    }
    if let Some(max) = a.max_failures {
        let bad = r.counts.failed + r.counts.ambiguous;
        v.push((
            "max-failures".to_string(),
            bad <= max,
            format!("{bad} failed or ambiguous, limit {max}"),
        ));
    }
    v
}

pub fn run(a: LoadArgs) -> i32 {
    match runtime().and_then(|rt| rt.block_on(execute(&a))) {
        Ok(c) => c,
        Err(Fatal(c, m)) => {
            crate::console::errln!("error: {m}");
            c
        }
    }
}

async fn execute(a: &LoadArgs) -> Result<i32, Fatal> {
    a.report.check_paths()?;
    super::session::check_report_paths(&[a.record.as_deref()])?;
    let s = setup(&a.sender, &super::args::ObserveArgs::default()).await?;
    let e = &s.engine;
    preflight(
        &e.cfg.receiver,
        e.cfg.policy.timeout.min(Duration::from_secs(5)),
    )
    .await
    .map_err(|m| Fatal(exit::HARNESS, s.secrets.redact(&m)))?;
    let tasks = match (a.tasks, a.duration) {
        (None, None) => Some(1000),
        (t, _) => t,
    };
    let cfg = LoadConfig {
        receiver: e.cfg.receiver.clone(),
        display: e.receiver_display(),
        tasks,
        duration: a.duration.map(|d| d.0),
        rate: a.rate,
        concurrency: usize::from(a.concurrency),
        family: a.sender.family,
        shares: Shares {
            duplicates: a.duplicates,
            failures: a.failures,
        },
        policy: e.cfg.policy.clone(),
        hmac_key: a.sender.policy.hmac_key.clone(),
        insecure: a.sender.policy.insecure,
        seed: e.cfg.seed,
        record: a.record.clone(),
        progress: !a.no_progress && std::io::stderr().is_terminal(),
    };
    let plan = match (tasks, a.duration) {
        (Some(n), _) => format!("{n} tasks"),
        (None, Some(d)) => format!("tasks for {d}"),
        (None, None) => String::new(),
    };
    let pace = a
        .rate
        .map(|r| format!("at {r}/s"))
        .unwrap_or_else(|| "as fast as possible".into());
    let family = if cfg.family.id == crate::family::DEFAULT {
        String::new()
    } else {
        format!(" · family {}", cfg.family.id)
    };
    let head = format!(
        "suno-mock load · receiver {}{family} · seed {} · {plan} {pace}, concurrency {} · deadline {}, {} retries\n",
        cfg.display,
        cfg.seed,
        a.concurrency,
        Dur(cfg.policy.timeout),
        cfg.policy.retries
    );
    let result = load::run(cfg, &e.host, e.cancel.clone())
        .await
        .map_err(|m| Fatal(exit::HARNESS, m))?;
    let checks = thresholds(a, &result);
    let code = if result.interrupted {
        exit::INTERRUPTED
    } else if checks.iter().any(|(_, ok, _)| !ok) {
        exit::FAILED
    } else {
        exit::SUCCESS
    };
    let human = head + &report(&result, &checks, &s.style);
    let json = serde_json::to_string_pretty(&serde_json::json!({
        "schema_version": SCHEMA_VERSION,
        "tool": "suno-mock",
        "version": env!("CARGO_PKG_VERSION"),
        "command": "load",
        "exit_code": code,
        "result": result,
        "thresholds": checks.iter().map(|(n, ok, t)| serde_json::json!({"name": n, "passed": ok, "detail": t})).collect::<Vec<_>>(),
    }))
    .unwrap_or_default()
        + "\n";
    let mut cases: Vec<Case> = checks
        .iter()
        .map(|(name, ok, text)| Case {
            name: name.clone(),
            classname: "suno-mock.load".into(),
            time: Duration::ZERO,
            kind: if *ok {
                CaseKind::Pass
            } else {
                CaseKind::Failure {
                    message: text.clone(),
                    text: text.clone(),
                }
            },
        })
        .collect();
    if cases.is_empty() {
        cases.push(Case {
            name: "load".into(),
            classname: "suno-mock.load".into(),
            time: Duration::from_secs_f64(result.duration_s),
            kind: CaseKind::Pass,
        });
    }
    let xml = junit::render(
        "suno-mock load",
        cases,
        Duration::from_secs_f64(result.duration_s),
    );
    Ok(write_reports(
        &a.report, &s.secrets, &human, &json, xml, code,
    ))
}
