//! `suno-mock serve`: the mock provider API on loopback, until Ctrl-C.

use super::args::{OutcomeArg, ServeArgs};
use super::session::{policy, send_settings, status};
use crate::job::serve::{Outcome, ServeConfig, check_failure_code, load_plan, start};
use crate::job::{JobError, runtime, until_ctrl_c};

pub fn run(a: ServeArgs) -> i32 {
    status(execute(&a))
}

fn execute(a: &ServeArgs) -> Result<i32, JobError> {
    if let Some(w) = check_failure_code(a.failure_code)? {
        crate::console::errln!("{w}");
    }
    let plan = match a.plan.as_deref().map(load_plan).transpose()? {
        Some((plan, warnings)) => {
            for w in warnings {
                crate::console::errln!("{w}");
            }
            Some(plan)
        }
        None => None,
    };
    // Callbacks of every family go out under the default family's policy; each family's own
    // deadline applies unless --timeout is given.
    let family = crate::family::video();
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
        seed: a.seed.unwrap_or_else(rand::random),
        policy: policy(&a.policy, family),
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
    let send = send_settings(&a.policy, family)?;
    runtime()?.block_on(async {
        let stop = until_ctrl_c();
        let serving = start(
            cfg,
            &send,
            a.policy.timeout.map(|d| d.0),
            a.listen,
            a.public_url.clone(),
        )
        .await?;
        crate::console::out!("{}", crate::report::serve::banner(&serving.banner));
        stop.await;
        crate::console::out!("{}", crate::report::serve::stopped(&serving.totals()));
        Ok(crate::exit::SUCCESS)
    })
}
