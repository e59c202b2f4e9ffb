//! `suno-mock load`: the load run, its thresholds for CI, its reports.

use std::io::IsTerminal;
use std::time::Duration;

use super::args::{LimitArgs, LoadArgs};
use super::session::{Fatal, Limits, runtime, setup, write_reports};
use crate::duration::Dur;
use crate::exit;
use crate::load::report::{LoadReport, Threshold};
use crate::load::{self, LoadConfig, LoadResult, Shares};
use crate::report::junit::{self, Case, CaseKind};
use crate::report::load::report;

/// Each threshold given, and whether the result holds it.
pub fn thresholds(a: &LimitArgs, r: &LoadResult) -> Vec<Threshold> {
    let mut v = Vec::new();
    if let Some(max) = a.max_p99 {
        let limit = max.0.as_secs_f64() * 1000.0;
        v.push(Threshold {
            name: "max-p99".into(),
            passed: r.latency.p99_ms <= limit,
            detail: format!("p99 {:.2}ms, limit {}", r.latency.p99_ms, max),
        });
    }
    if let Some(max) = a.max_failures {
        let bad = r.counts.failed + r.counts.ambiguous;
        v.push(Threshold {
            name: "max-failures".into(),
            passed: bad <= max,
            detail: format!("{bad} failed or ambiguous, limit {max}"),
        });
    }
    if let Some(p) = crate::report::load::partial(r) {
        for t in &mut v {
            t.detail = format!("{} ({p})", t.detail);
        }
    }
    v
}

/// What a load result is reported as.
pub struct Outputs {
    pub code: i32,
    pub human: String,
    pub json: Result<String, String>,
    pub junit: Result<String, String>,
    pub html: Option<String>,
}

/// The exit status, the human text, the JSON, the JUnit and the HTML of a load result: shared by
/// `load` and `merge`, which print the same report.
pub fn outputs(
    command: &str,
    head: String,
    r: LoadResult,
    limits: &LimitArgs,
    st: &crate::report::Style,
) -> Outputs {
    let checks = thresholds(limits, &r);
    let code = crate::job::exit_policy::measured(r.interrupted, checks.iter().any(|t| !t.passed));
    let human = head + &report(&r, &checks, st);
    let total = Duration::from_secs_f64(r.duration_s);
    let mut cases: Vec<Case> = checks
        .iter()
        .map(|t| Case {
            name: t.name.clone(),
            classname: format!("suno-mock.{command}"),
            time: Duration::ZERO,
            kind: if t.passed {
                CaseKind::Pass
            } else {
                CaseKind::Failure {
                    message: t.detail.clone(),
                    text: t.detail.clone(),
                }
            },
        })
        .collect();
    if let Some(p) = crate::report::load::partial(&r) {
        cases.push(Case {
            name: "shards".into(),
            classname: format!("suno-mock.{command}"),
            time: Duration::ZERO,
            kind: CaseKind::Warning {
                message: p.clone(),
                text: p,
            },
        });
    }
    if cases.is_empty() {
        cases.push(Case {
            name: command.into(),
            classname: format!("suno-mock.{command}"),
            time: total,
            kind: CaseKind::Pass,
        });
    }
    let xml = junit::render(&format!("suno-mock {command}"), cases, total);
    let html = crate::report::html::load_page(command, &r, &checks, code);
    let json = LoadReport::new(command, r, checks, code).to_json();
    Outputs {
        code,
        human,
        json,
        junit: xml,
        html: Some(html),
    }
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
    let s = setup(
        &a.sender,
        &super::args::ObserveArgs::default(),
        Limits::default(),
    )
    .await?;
    let e = &s.engine;
    e.reachable()
        .await
        .map_err(|m| Fatal(exit::HARNESS, s.secrets.redact(&m.to_string())))?;
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
        shard: a.shard,
        shares: Shares {
            duplicates: a.duplicates,
            failures: a.failures,
        },
        policy: e.cfg.policy.clone(),
        hmac_key: a.sender.policy.signing.hmac_key.clone(),
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
    let mut family = if cfg.family.id == crate::family::DEFAULT {
        String::new()
    } else {
        format!(" · family {}", cfg.family.id)
    };
    if let Some(sh) = cfg.shard {
        family.push_str(&format!(" · shard {}/{}", sh.index, sh.count));
    }
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
    let Outputs {
        code,
        human,
        json,
        junit: xml,
        html,
    } = outputs("load", head, result, &a.limits, &s.style);
    let json = json.map_err(|m| Fatal(exit::HARNESS, m))?;
    Ok(write_reports(
        &a.report, &s.secrets, &human, &json, xml, html, code,
    ))
}
