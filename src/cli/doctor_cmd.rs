//! `suno-mock doctor URL`: the flags made options, the checklist run, its report printed;
//! exit 1 when a line fails.

use super::args::{DoctorArgs, Format};
use super::session::runtime;
use crate::doctor::{self, Options, Trust};
use crate::exit;
use crate::report::doctor::{human, json};
use crate::report::style::Style;

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
    } else if report.unchecked() {
        // Not a pass: the harness could not do its job from here (exit 4, documented).
        exit::HARNESS
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
