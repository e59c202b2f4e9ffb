//! `suno-mock serve`: the mock provider API on loopback, until Ctrl-C.

use super::args::{OutcomeArg, ServeArgs};
use super::run_cmd::report_load_error;
use super::session::{Fatal, policy, runtime, sender};
use crate::duration::Dur;
use crate::exit;
use crate::mock_api::{self, ServeConfig};
use crate::scenario::{Diagnostic, LoadError, Outcome, ServePlan, parse_serve_plan};

fn load_plan(path: &std::path::Path) -> Result<ServePlan, i32> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        crate::console::errln!("error: cannot read `{name}`: {e}");
        exit::USAGE
    })?;
    let (plan, warnings) = parse_serve_plan(&name, &text).map_err(|ds: Vec<Diagnostic>| {
        report_load_error(LoadError::Invalid(
            ds.into_iter().map(|d| (d, Some(text.clone()))).collect(),
        ))
    })?;
    for w in warnings {
        crate::console::errln!("{}", w.render(Some(&text)));
    }
    Ok(plan)
}

pub fn run(a: ServeArgs) -> i32 {
    match crate::family::video().check_failure_code(a.failure_code) {
        Err(m) => {
            crate::console::errln!("error: --failure-code {}: {m}", a.failure_code);
            return exit::USAGE;
        }
        Ok(Some(w)) => crate::console::errln!("warning: --failure-code {w}"),
        Ok(None) => {}
    }
    let plan = match a.plan.as_deref().map(load_plan).transpose() {
        Ok(p) => p,
        Err(code) => return code,
    };
    let result = runtime().and_then(|rt| rt.block_on(serve(&a, plan)));
    match result {
        Ok(c) => c,
        Err(Fatal(c, m)) => {
            crate::console::errln!("error: {m}");
            c
        }
    }
}

async fn serve(a: &ServeArgs, plan: Option<ServePlan>) -> Result<i32, Fatal> {
    let seed = a.seed.unwrap_or_else(rand::random);
    let cfg = ServeConfig {
        api_key: a.api_key.clone(),
        generation_time: a.generation_time.0,
        outcome: match a.outcome {
            OutcomeArg::Success => Some(Outcome::Success),
            OutcomeArg::Failure => Some(Outcome::Failure),
            OutcomeArg::Random => None,
        },
        failure_rate: a.failure_rate,
        failure_code: a.failure_code,
        duplicates: a.duplicates,
        concurrent_duplicates: a.concurrent_duplicates,
        video: a.video,
        plan,
        seed,
        policy: policy(&a.policy, crate::family::video()),
        mirror_status: !a.always_http_200,
        log: !a.quiet,
        credits: a.credits,
        prices: a.prices.clone(),
        rate_limit: a.rate_limit.0,
        retention: a.retention.map(|d| d.0),
    };
    let running = mock_api::start(
        cfg.clone(),
        sender(&a.policy, crate::family::video())?,
        a.listen,
        a.public_url.clone(),
    )
    .await
    .map_err(|e| Fatal(exit::HARNESS, e))?;
    let url = running.server.url();
    let outcome = match a.outcome {
        OutcomeArg::Random => format!(
            "random ({:.0}% fail with code {})",
            a.failure_rate * 100.0,
            a.failure_code
        ),
        OutcomeArg::Failure => format!("failure (code {})", a.failure_code),
        OutcomeArg::Success => "success".into(),
    };
    let key = if a.api_key.is_some() {
        "the --api-key"
    } else {
        "any non-empty key"
    };
    crate::console::outln!("suno-mock serve: mock provider API on {url} · seed {seed}");
    crate::console::outln!(
        "  POST {url}/api/v1/mp4/generate            create a music-video task (Authorization: Bearer <{key}>)"
    );
    crate::console::outln!("  GET  {url}/api/v1/mp4/record-info?taskId=  poll it");
    crate::console::outln!("  GET  {url}/videos/<taskId>.mp4             the video");
    crate::console::outln!("  GET  {url}/api/v1/generate/credit           the balance");
    crate::console::outln!("  GET  {url}/_mock/tasks  {url}/_mock/deliveries");
    crate::console::outln!(
        "credits: {} · rate limit: {}",
        a.credits,
        match a.rate_limit.0 {
            Some((n, d)) => format!("{n} creates every {}", Dur(d)),
            None => "off".into(),
        }
    );
    if let Some(p) = &cfg.plan {
        crate::console::outln!("plan: {} ({} tasks), then the flags", p.name, p.tasks.len());
    }
    crate::console::outln!(
        "callbacks: {outcome} after {}, {} duplicate(s), video {}, deadline {}, {} retries · Ctrl-C stops",
        a.generation_time,
        a.duplicates,
        format!("{:?}", a.video).to_lowercase(),
        Dur(cfg.policy.timeout),
        cfg.policy.retries
    );
    let _ = tokio::signal::ctrl_c().await;
    crate::console::outln!(
        "stopped: {} tasks, {} callback attempts",
        running.store.tasks().len(),
        running.store.attempts().len()
    );
    Ok(exit::SUCCESS)
}
