//! `suno-mock fuzz`: sets up the sender like every delivering command, runs the fuzzer, says
//! each finding as it is written, then prints and writes the reports.

use super::args::{FuzzArgs, ObserveArgs};
use super::session::{Fatal, Limits, runtime, setup, write_reports};
use crate::duration::Dur;
use crate::exit;
use crate::fuzz::{self, FuzzConfig};
use crate::report::fuzz::{self as report, Header};

pub fn run(a: FuzzArgs) -> i32 {
    let done = runtime().and_then(|rt| {
        let r = rt.block_on(execute(&a));
        // The built-in receiver may still be resolving a host name a case made up (a
        // `video_url` with an emoji in it) on a blocking thread: the reports are written,
        // so the process does not wait for the resolver to give up.
        rt.shutdown_background();
        r
    });
    match done {
        Ok(c) => c,
        Err(Fatal(c, m)) => {
            crate::console::errln!("error: {m}");
            c
        }
    }
}

async fn execute(a: &FuzzArgs) -> Result<i32, Fatal> {
    a.report.check_paths()?;
    // Made now, so an unwritable folder is said before anything is sent; removed again at the
    // end when nothing was found and it was not there before.
    let made_out = !a.out.exists();
    std::fs::create_dir_all(&a.out).map_err(|e| {
        Fatal(
            exit::HARNESS,
            format!("cannot create the findings folder {}: {e}", a.out.display()),
        )
    })?;
    let s = setup(&a.sender, &ObserveArgs::default(), Limits::default()).await?;
    let e = &s.engine;
    e.reachable()
        .await
        .map_err(|m| Fatal(exit::HARNESS, s.secrets.redact(&m.to_string())))?;
    let cfg = FuzzConfig {
        receiver: e.cfg.receiver.clone(),
        display: e.receiver_display(),
        family: s.family,
        seed: e.cfg.seed,
        cases: a.cases,
        budget: a.budget.map(|b| b.0),
        rate: a.rate,
        concurrency: usize::from(a.concurrency),
        max_body: usize::try_from(a.max_body).unwrap_or(usize::MAX),
        policy: e.cfg.policy.clone(),
        signed: a.sender.policy.signing.hmac_key.is_some(),
        out: a.out.clone(),
    };
    let plan = match (a.cases, a.budget) {
        (Some(n), Some(b)) => format!("{n} cases or {b}"),
        (Some(n), None) => format!("{n} cases"),
        (None, Some(b)) => format!("cases for {b}"),
        (None, None) => "1000 cases".into(),
    };
    let header = Header {
        receiver: &cfg.display.clone(),
        family: cfg.family.id,
        seed: cfg.seed,
        plan: format!("{plan} at most {}/s, concurrency {}", a.rate, a.concurrency),
        deadline: cfg.policy.timeout,
    };
    let head = format!(
        "suno-mock fuzz · receiver {} · family {} · seed {} · {} · deadline {}, no retries\n",
        header.receiver,
        header.family,
        header.seed,
        header.plan,
        Dur(header.deadline)
    );
    let human_format = a.report.format == super::args::Format::Human;
    if human_format {
        crate::console::out!("{}", s.secrets.redact(&head));
    }
    let secrets = s.secrets.clone();
    let say = Box::new(move |f: &fuzz::finding::Finding| {
        let file = f
            .file
            .as_ref()
            .map_or(String::new(), |p| format!(" · wrote {}", p.display()));
        crate::console::errln!(
            "{}",
            secrets.redact(&format!("finding {}: {}{file}", f.number, f.title()))
        );
    });
    let result = fuzz::run(
        cfg,
        e.sender.clone(),
        e.host.clone(),
        e.cancel.clone(),
        Some(say),
    )
    .await
    .map_err(|m| Fatal(exit::HARNESS, s.secrets.redact(&m)))?;
    if made_out && result.findings.is_empty() {
        let _ = std::fs::remove_dir(&a.out);
    }
    let code = crate::job::exit_policy::fuzz(&result);
    let human = report::human(&header, &result, &s.style);
    let json = report::json(&header, &result, code).map_err(|m| Fatal(exit::HARNESS, m))?;
    let junit = report::junit(&header, &result);
    Ok(write_reports(
        &a.report,
        &s.secrets,
        &human,
        &json,
        junit,
        Some(report::html(&header, &result, code)),
        code,
    ))
}
