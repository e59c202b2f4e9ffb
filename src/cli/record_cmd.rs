//! `suno-mock record` (capture and forward, until Ctrl-C) and `suno-mock drift` (what the
//! recordings say about the docs).

use std::path::Path;

use super::args::RecordArgs;
use super::session::status;
use crate::job::record::{RecordConfig, start};
use crate::job::{JobError, runtime};

pub fn run(a: RecordArgs) -> i32 {
    status(runtime().and_then(|rt| rt.block_on(execute(&a))))
}

async fn execute(a: &RecordArgs) -> Result<i32, JobError> {
    let cfg = RecordConfig {
        forward_to: a.forward_to.clone(),
        answer: a.answer,
        out: a.out.clone(),
        keep_secrets: a.keep_secrets,
        timeout: a.timeout.0,
        max_body: a.max_body,
        log: true,
        ui_listen: a.ui_listen,
    };
    let stop = crate::job::until_ctrl_c();
    let recording = start(cfg, a.listen).await?;
    crate::console::out!(
        "{}",
        crate::report::record::record_banner(&recording.banner)
    );
    stop.await;
    crate::console::out!(
        "{}",
        crate::report::record::record_stopped(&recording.banner, recording.recorded())
    );
    Ok(crate::exit::SUCCESS)
}

/// `suno-mock drift DIR`: per family and stage, the fields no documented body has and the
/// documented fields no recorded body had. Exit 1 when there is any.
pub fn drift(dir: &Path) -> i32 {
    status(crate::job::drift::drift(dir).map(|d| {
        crate::console::out!("{}", crate::report::drift::human(&d));
        if d.drifted() {
            crate::exit::FAILED
        } else {
            crate::exit::SUCCESS
        }
    }))
}
