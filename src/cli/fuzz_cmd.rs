//! `suno-mock fuzz`: sets up the sender like every delivering command, runs the fuzzer, says
//! each finding as it is written, then prints and writes the reports.

use super::args::{Format, FuzzArgs, ObserveArgs};
use super::session::{finish, secrets_of, setup, write_reports};
use crate::job::fuzz::{FuzzPlan, fuzz, head, make_out};
use crate::job::{JobError, Limits, exit_policy, runtime};
use crate::report::{Rendered, Style};

pub fn run(a: FuzzArgs) -> i32 {
    let secrets = secrets_of(&a.sender);
    let run = runtime().and_then(|rt| {
        let r = rt.block_on(execute(&a));
        // The built-in receiver may still be resolving a host name a case made up (a
        // `video_url` with an emoji in it) on a blocking thread: the reports are written,
        // so the process does not wait for the resolver to give up.
        rt.shutdown_background();
        r
    });
    finish(&a.report, &secrets, "fuzz", run)
}

async fn execute(a: &FuzzArgs) -> Result<i32, JobError> {
    a.report.check_paths()?;
    let plan = FuzzPlan {
        cases: a.cases,
        budget: a.budget.map(|b| b.0),
        rate: a.rate,
        concurrency: usize::from(a.concurrency),
        max_body: usize::try_from(a.max_body).unwrap_or(usize::MAX),
        out: a.out.clone(),
    };
    let made = make_out(&plan)?;
    let s = setup(&a.sender, &ObserveArgs::default(), Limits::default()).await?;
    let h = head(&s, &plan);
    if a.report.format == Format::Human {
        crate::console::out!("{}", s.secrets.redact(&crate::report::fuzz::head(&h)));
    }
    let secrets = s.secrets.clone();
    let say = move |f: &_| {
        crate::console::errln!("{}", secrets.redact(&crate::report::fuzz::said(f)));
    };
    let result = fuzz(&s, &plan, made, say).await?;
    let code = exit_policy::fuzz(&result);
    let style = Style::detect();
    let rendered = Rendered {
        human: crate::report::fuzz::human(&h, &result, &style),
        json: crate::report::fuzz::json(&h, &result, code),
        junit: crate::report::fuzz::junit(&h, &result),
        html: Some(crate::report::fuzz::html(&h, &result, code)),
    };
    Ok(write_reports(&a.report, &s.secrets, rendered, code))
}
