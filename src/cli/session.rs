//! What the commands share: turning flags into the job layer's settings (the one place that
//! happens), printing a job's error, and printing and writing the reports.

use std::path::Path;

use super::args::{Format, ObserveArgs, PolicyArgs, ReceiverArg, ReportArgs, SenderArgs};
use crate::family::Family;
use crate::job::settings::{ObserveConfig, Policy, SendSettings, observe};
use crate::job::{JobError, Limits, ReceiverTarget, Session, Settings};
use crate::report::{Rendered, RunReport};
use crate::secrets::Secrets;

/// The deadline in force: `--timeout`, else the family's.
pub fn deadline(a: &PolicyArgs, family: &Family) -> std::time::Duration {
    a.timeout.map(|d| d.0).unwrap_or(family.deadline)
}

/// The policy the flags describe, for a family.
pub fn policy(a: &PolicyArgs, family: &Family) -> Policy {
    Policy {
        timeout: deadline(a, family),
        retries: a.retries,
        retry_delays: a.retry_delays.0.iter().map(|d| d.0).collect(),
        ..Policy::default()
    }
}

/// How the flags say the provider sends, checked.
pub fn send_settings(a: &PolicyArgs, family: &Family) -> Result<SendSettings, JobError> {
    SendSettings::new(policy(a, family), a.signing.hmac_key.clone(), a.insecure)
}

/// The settings the flags describe: the one place flags become settings.
pub fn settings(a: &SenderArgs, ob: &ObserveArgs, limits: Limits) -> Result<Settings, JobError> {
    Ok(Settings {
        receiver: match &a.receiver {
            ReceiverArg::Url(u) => ReceiverTarget::Url(u.clone()),
            ReceiverArg::Builtin => ReceiverTarget::Builtin,
        },
        family: a.family,
        send: send_settings(&a.policy, a.family)?,
        token_param: a.token_param.clone(),
        artifact_listen: a.artifact_listen,
        artifact_base_url: a.artifact_base_url.clone(),
        media_tls: a.media_tls,
        seed: a.seed.unwrap_or_else(rand::random),
        observe: observe(ObserveConfig {
            probe_url: ob.probe_url.clone(),
            probe_cmd: ob.probe_cmd.clone(),
            settle: ob.settle.0,
            max_wait: ob.max_wait.0,
        })?,
        limits,
        watch_signals: true,
    })
}

/// The harness the flags describe, pressing the receiver no harder than `limits`.
pub async fn setup(a: &SenderArgs, ob: &ObserveArgs, limits: Limits) -> Result<Session, JobError> {
    Session::start(settings(a, ob, limits)?).await
}

/// Prints why a job failed (a file's diagnostics as they are, anything else as `error: ...`)
/// and returns the exit status that says so.
pub fn fail(e: &JobError) -> i32 {
    match e {
        JobError::Invalid { rendered, .. } => {
            for r in rendered {
                crate::console::err!("{r}");
                crate::console::errln!();
            }
            crate::console::errln!("{e}");
        }
        _ => crate::console::errln!("error: {e}"),
    }
    e.exit_code()
}

/// A job's exit status, or its error printed.
pub fn status(r: Result<i32, JobError>) -> i32 {
    r.unwrap_or_else(|e| fail(&e))
}

/// The secrets the flags give before any session knows them (the HMAC key, the receiver URL's
/// token): what a report of a failure is redacted with.
pub fn secrets_of(a: &SenderArgs) -> Secrets {
    let mut s = Secrets::default();
    if let Some(k) = &a.policy.signing.hmac_key {
        s.add(k);
    }
    if let (Some(param), ReceiverArg::Url(u)) = (&a.token_param, &a.receiver) {
        for (k, v) in u.query_pairs() {
            if k == param.as_str() {
                s.add(&v);
            }
        }
    }
    s
}

/// A job's exit status; or its error printed and, as the flags ask for reports, every one of
/// them written saying so (the JSON on stdout too under `--format json`): a CI step that reads
/// or uploads a report finds one whatever happened after the arguments were read.
pub fn finish(a: &ReportArgs, secrets: &Secrets, command: &str, r: Result<i32, JobError>) -> i32 {
    let e = match r {
        Ok(code) => return code,
        Err(e) => e,
    };
    let code = fail(&e);
    let text = e.full_message();
    let r = crate::report::failure::render(command, &secrets.redact(&text), code);
    if a.format == Format::Json {
        crate::console::out!("{}", secrets.redact(&r.json));
    }
    // The file that could not be written is not tried again.
    let unwritable = match &e {
        JobError::Report { path, .. } => Some(path.as_path()),
        _ => None,
    };
    for (path, text) in report_files(a, r) {
        if Some(path) != unwritable
            && let Err(e) = text.and_then(|t| write_file(path, &secrets.redact(&t)))
        {
            fail(&e);
        }
    }
    code
}

/// Finds a report path that cannot be written before the first delivery rather than after the
/// whole run (issue 9): opens each for writing and removes what this check created.
pub fn check_report_paths(paths: &[Option<&Path>]) -> Result<(), JobError> {
    for p in paths.iter().flatten() {
        let existed = p.exists();
        let opened = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(p);
        match opened {
            Ok(_) if !existed => {
                let _ = std::fs::remove_file(p);
            }
            Ok(_) => {}
            Err(source) => {
                return Err(JobError::Report {
                    path: p.to_path_buf(),
                    source,
                    before_run: true,
                });
            }
        }
    }
    Ok(())
}

impl ReportArgs {
    /// [`check_report_paths`] for the files these flags ask for.
    pub fn check_paths(&self) -> Result<(), JobError> {
        check_report_paths(&[
            self.report_json.as_deref(),
            self.report_junit.as_deref(),
            self.report_html.as_deref(),
        ])
    }

    /// Whether an HTML page is asked for (it is built only then).
    pub fn html(&self) -> bool {
        self.report_html.is_some()
    }
}

/// Prints `human` or `json` as `--format` asks, writes the report files, redacts everything.
/// Returns `code`, or 4 when a file cannot be written.
pub fn write_reports(a: &ReportArgs, secrets: &Secrets, r: Rendered, code: i32) -> i32 {
    match a.format {
        Format::Human => crate::console::out!("{}", secrets.redact(&r.human)),
        Format::Json => crate::console::out!("{}", secrets.redact(&r.json)),
    }
    for (path, text) in report_files(a, r) {
        if let Err(e) = text.and_then(|t| write_file(path, &secrets.redact(&t))) {
            return fail(&e);
        }
    }
    code
}

/// Each report file the flags ask for, with its text: the one place `--report-*` meet the
/// rendered reports (a JUnit report that did not serialise is its file's error).
fn report_files(a: &ReportArgs, r: Rendered) -> Vec<(&Path, Result<String, JobError>)> {
    let mut files = Vec::new();
    if let Some(p) = &a.report_json {
        files.push((p.as_path(), Ok(r.json)));
    }
    if let Some(p) = &a.report_junit {
        files.push((p.as_path(), r.junit.map_err(JobError::from)));
    }
    if let (Some(p), Some(h)) = (&a.report_html, r.html) {
        files.push((p.as_path(), Ok(h)));
    }
    files
}

/// [`write_reports`] for a delivering command's report, with its exit status (130 when
/// interrupted).
pub fn write_run_report(a: &ReportArgs, secrets: &Secrets, report: RunReport<'_>) -> i32 {
    let code = report.code();
    write_reports(a, secrets, report.render(a.html()), code)
}

fn write_file(path: &Path, text: &str) -> Result<(), JobError> {
    std::fs::write(path, text).map_err(|source| JobError::Report {
        path: path.to_path_buf(),
        source,
        before_run: false,
    })
}
