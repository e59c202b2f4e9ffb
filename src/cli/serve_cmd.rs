//! `suno-mock serve`: the mock provider API on loopback, until Ctrl-C.

use super::args::{OutcomeArg, ServeArgs};
use super::session::{Fatal, Limits, policy, runtime, sender};
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
        super::run_cmd::report_errors_in(
            LoadError::Invalid(ds.into_iter().map(|d| (d, Some(text.clone()))).collect()),
            "the plan",
        )
    })?;
    for w in warnings {
        crate::console::errln!("{}", w.render(Some(&text)));
    }
    Ok(plan)
}

pub fn run(a: ServeArgs) -> i32 {
    // The flag applies to every family's failures: refused when it is 200, a warning when no
    // family documents it.
    match crate::family::video().check_failure_code(a.failure_code) {
        Err(m) => {
            crate::console::errln!("error: --failure-code {}: {m}", a.failure_code);
            return exit::USAGE;
        }
        Ok(Some(_))
            if !crate::family::CATALOGUE
                .iter()
                .any(|f| f.failure_codes.iter().any(|c| c.code == a.failure_code)) =>
        {
            crate::console::errln!(
                "warning: --failure-code {}: no family documents this failure code; it is sent as written",
                a.failure_code
            );
        }
        Ok(_) => {}
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
        timeout: a.policy.timeout.map(|d| d.0),
        mirror_status: !a.always_http_200,
        log: !a.quiet,
        credits: a.credits,
        prices: a.prices.clone(),
        rate_limit: a.rate_limit.0,
        retention: a.retention.map(|d| d.0),
        forget_after: a.forget_after.0,
        echo: !a.no_echo,
        callback_exception: a.callback_exception,
        any_track_ids: a.any_track_ids,
    };
    let running = mock_api::start(
        cfg.clone(),
        sender(&a.policy, crate::family::video(), Limits::default())?,
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
    crate::console::outln!("  every request needs Authorization: Bearer <{key}>");
    for (family, create, poll) in endpoints() {
        crate::console::outln!("  {family:<18} POST {create:<35} GET {poll}?taskId=");
    }
    crate::console::outln!(
        "    validate         POST /api/v1/voice/validate  /api/v1/voice/regenerate  GET /api/v1/voice/validate-info?taskId="
    );
    crate::console::outln!(
        "  media              GET  /videos/<taskId>.mp4  /media/<taskId>/<file>"
    );
    crate::console::outln!("  credits            GET  /api/v1/generate/credit");
    crate::console::outln!(
        "  answered at once   POST /api/v1/style/generate  /api/v1/generate/get-timestamped-lyrics"
    );
    crate::console::outln!(
        "                     POST /api/v1/generate/generate-persona  /api/v1/voice/check-voice"
    );
    crate::console::outln!(
        "  uploads            POST /api/file-stream-upload  /api/file-base64-upload  /api/file-url-upload"
    );
    crate::console::outln!("                     GET  /files/<filePath> (the downloadUrl)");
    crate::console::outln!("  the mock's own     GET  /_mock/tasks  /_mock/deliveries");
    crate::console::outln!(
        "credits: {} · rate limit: {}",
        a.credits,
        match a.rate_limit.0 {
            Some((n, d)) => format!("{n} creates every {}", Dur(d)),
            None => "off".into(),
        }
    );
    if let Some(p) = &cfg.plan {
        crate::console::outln!("plan: {} ({}), then the flags", p.name, p.summary());
    }
    crate::console::outln!(
        "callbacks: {outcome} after {}, {} duplicate(s), media {}, deadline {}, {} retries · Ctrl-C stops",
        a.generation_time,
        a.duplicates,
        format!("{:?}", a.video).to_lowercase(),
        match a.policy.timeout {
            Some(d) => d.to_string(),
            None => "15s (replace-section 10s)".into(),
        },
        cfg.policy.retries
    );
    let _ = tokio::signal::ctrl_c().await;
    crate::console::outln!(
        "stopped: {} tasks, {} callback attempts",
        running.store.created(),
        running.store.attempts_recorded()
    );
    Ok(exit::SUCCESS)
}

/// Every family `serve` offers with its create and polling paths, in the catalogue's order;
/// music's sibling operations on their own lines.
fn endpoints() -> Vec<(String, &'static str, &'static str)> {
    let mut out = Vec::new();
    for f in crate::family::CATALOGUE {
        let ops: Vec<_> = mock_api::operations::OPERATIONS
            .iter()
            .filter(|o| o.family.id == f.id)
            .collect();
        if ops.is_empty() {
            if !f.polling.create.is_empty() {
                out.push((f.id.to_string(), f.polling.create, f.polling.path));
            }
            continue;
        }
        for op in ops {
            let name = match op.operation_type {
                "generate" | "replace_section" => f.id.to_string(),
                other => format!("  {}", other.replace('_', "-")),
            };
            out.push((name, op.path, f.polling.path));
        }
    }
    out
}
