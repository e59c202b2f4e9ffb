//! `suno-mock merge FILE...`: the shard reports of one `load` run added into its report.

use super::args::MergeArgs;
use super::session::{finish, write_reports};
use crate::job::JobError;
use crate::job::load::{exit_code, thresholds};
use crate::report::Style;
use crate::secrets::Secrets;

pub fn run(a: MergeArgs) -> i32 {
    finish(&a.report, &Secrets::default(), "merge", execute(&a))
}

fn execute(a: &MergeArgs) -> Result<i32, JobError> {
    a.report.check_paths()?;
    let merged = crate::job::merge::merge(&a.files, a.allow_partial)?;
    let checks = thresholds(&a.limits.thresholds(), &merged);
    let code = exit_code(&merged, &checks);
    let head = crate::report::load::merge_head(&merged);
    let rendered =
        crate::report::load::render("merge", head, merged, checks, code, &Style::detect())?;
    Ok(write_reports(
        &a.report,
        &Secrets::default(),
        rendered,
        code,
    ))
}
