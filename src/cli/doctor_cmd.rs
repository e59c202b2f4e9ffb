//! `suno-mock doctor URL`: the flags made options, the checklist run, its report printed;
//! exit 1 when a line fails.

use super::args::{DoctorArgs, Format};
use super::session::status;
use crate::job::doctor::{Options, doctor, exit_code, trust};
use crate::job::{JobError, runtime};
use crate::report::Style;
use crate::report::doctor::{human, json};

pub fn run(a: DoctorArgs) -> i32 {
    status(execute(a))
}

fn execute(a: DoctorArgs) -> Result<i32, JobError> {
    let o = Options {
        trust: trust(a.ca_cert.as_deref())?,
        url: a.url,
        family: a.family,
        timeout: a.timeout.0,
        allow_private: a.allow_private,
        resolve: a.resolve,
        send: !a.no_send,
        hmac_key: a.signing.hmac_key,
        token_param: a.token_param,
        seed: a.seed.unwrap_or_else(rand::random),
    };
    let (report, secrets) = runtime()?.block_on(doctor(&o));
    let code = exit_code(&report);
    let text = match a.format {
        Format::Human => human(&report, o.family.id, &Style::detect()),
        Format::Json => json(&report, o.family.id, code),
    };
    crate::console::out!("{}", secrets.redact(&text));
    Ok(code)
}
