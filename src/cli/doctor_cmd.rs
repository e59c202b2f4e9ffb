//! `suno-mock doctor URL`: the checklist run, printed for a person or as JSON under the
//! envelope the other commands use; exit 1 when a line fails.

use serde::Serialize;

use super::args::{DoctorArgs, Format};
use super::session::runtime;
use crate::doctor::{self, Line, Options, Report, Trust};
use crate::exit;
use crate::outcome::SCHEMA_VERSION;
use crate::report::style::Style;
use crate::rules::Verdict;

pub fn run(a: DoctorArgs) -> i32 {
    let trust = match Trust::load(a.ca_cert.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            crate::console::errln!("error: {e}");
            return exit::USAGE;
        }
    };
    let o = Options {
        url: a.url,
        family: a.family,
        timeout: a.timeout.0,
        allow_private: a.allow_private,
        trust,
        resolve: a.resolve,
        send: !a.no_send,
        hmac_key: a.signing.hmac_key,
        token_param: a.token_param,
        seed: a.seed.unwrap_or_else(rand::random),
    };
    let secrets = doctor::secrets(&o);
    let report = match runtime() {
        Ok(rt) => rt.block_on(doctor::run(&o)),
        Err(f) => {
            crate::console::errln!("error: {}", f.1);
            return f.0;
        }
    };
    let code = if report.failed() {
        exit::FAILED
    } else {
        exit::SUCCESS
    };
    let text = match a.format {
        Format::Human => human(&report, o.family.id, &Style::detect()),
        Format::Json => json(&report, o.family.id, code),
    };
    crate::console::out!("{}", secrets.redact(&text));
    code
}

fn verdict_word(v: Verdict, st: &Style) -> String {
    let w = format!("{:<4}", v.name());
    match v {
        Verdict::Pass => st.good(&w),
        Verdict::Fail => st.bad(&w),
        Verdict::Warn => st.warn(&w),
        _ => st.dim(&w),
    }
}

/// The checklist under its headings, then one summary line.
pub fn human(r: &Report, family: &str, st: &Style) -> String {
    let mut out = format!(
        "suno-mock doctor {}\nthe test callback: a {family} failure for task {}\n",
        r.url, r.task_id
    );
    let mut heading = None;
    for l in &r.lines {
        if heading != Some(l.heading) {
            heading = Some(l.heading);
            out.push_str(&format!("\n{}\n", st.bold(l.heading.title())));
        }
        out.push_str(&format!(
            "  {}  {:<14}{}\n",
            verdict_word(l.verdict, st),
            l.id,
            l.fact
        ));
        if let Some(a) = &l.advice {
            let label = if l.verdict == Verdict::Skip {
                "why:"
            } else {
                "do: "
            };
            out.push_str(&format!("        {:<14}{}\n", st.dim(label), a));
        }
    }
    let verdict = if r.failed() {
        "the provider's callbacks would not arrive as things are: fix the failed lines, from the top"
    } else if r.count(Verdict::Warn) > 0 {
        "nothing here stops the provider's callbacks; the warnings are worth fixing"
    } else {
        "nothing here stops the provider's callbacks"
    };
    out.push_str(&format!(
        "\n{} pass, {} warn, {} fail, {} skip in {}: {verdict}\n",
        r.count(Verdict::Pass),
        r.count(Verdict::Warn),
        r.count(Verdict::Fail),
        r.count(Verdict::Skip),
        crate::duration::human(r.took)
    ));
    out
}

#[derive(Serialize)]
struct Counts {
    total: usize,
    pass: usize,
    warn: usize,
    fail: usize,
    skip: usize,
}

#[derive(Serialize)]
struct Envelope<'a> {
    schema_version: u32,
    tool: &'static str,
    version: &'static str,
    command: &'static str,
    receiver: &'a str,
    families: [&'a str; 1],
    task_id: &'a str,
    duration_ms: f64,
    exit_code: i32,
    summary: Counts,
    checks: &'a [Line],
}

/// The report under the envelope of the other commands' JSON.
pub fn json(r: &Report, family: &str, exit_code: i32) -> String {
    let env = Envelope {
        schema_version: SCHEMA_VERSION,
        tool: "suno-mock",
        version: env!("CARGO_PKG_VERSION"),
        command: "doctor",
        receiver: &r.url,
        families: [family],
        task_id: &r.task_id,
        duration_ms: r.took.as_secs_f64() * 1000.0,
        exit_code,
        summary: Counts {
            total: r.lines.len(),
            pass: r.count(Verdict::Pass),
            warn: r.count(Verdict::Warn),
            fail: r.count(Verdict::Fail),
            skip: r.count(Verdict::Skip),
        },
        checks: &r.lines,
    };
    serde_json::to_string_pretty(&env).unwrap_or_default() + "\n"
}
