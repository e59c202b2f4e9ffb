//! What the commands share: turning flags into the job layer's settings (the one place that
//! happens), and writing the reports.

use std::path::Path;

use super::args::{Format, ObserveArgs, PolicyArgs, ReceiverArg, ReportArgs, SenderArgs};
use crate::exit;
use crate::family::Family;
use crate::job::settings::SendSettings;
use crate::job::{ReceiverTarget, Settings};
use crate::observe::ObserveConfig;
use crate::outcome::RunOutcome;
use crate::report;
use crate::rules::RuleResult;
use crate::secrets::Secrets;
use crate::sender::{Policy, Sender};

pub use crate::job::{Fatal, Limits, Session, runtime};

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
pub fn send_settings(a: &PolicyArgs, family: &Family) -> Result<SendSettings, Fatal> {
    SendSettings::new(policy(a, family), a.signing.hmac_key.clone(), a.insecure)
}

/// The emulated provider's client as the flags describe it (loud when `--insecure`).
pub fn sender(a: &PolicyArgs, family: &Family, limits: Limits) -> Result<Sender, Fatal> {
    crate::job::session::sender(&send_settings(a, family)?, limits)
}

/// The settings the flags describe: the one place flags become settings.
pub fn settings(a: &SenderArgs, ob: &ObserveArgs, limits: Limits) -> Result<Settings, Fatal> {
    // A probe without the task id answers the same for every task: no rule comparing two
    // tasks, or one task before and after, can rest on it (issue 28).
    for (flag, given) in [
        ("--probe-url", &ob.probe_url),
        ("--probe-cmd", &ob.probe_cmd),
    ] {
        if let Some(p) = given.as_deref().filter(|p| !p.contains("{task_id}")) {
            return Err(Fatal(
                exit::USAGE,
                format!(
                    "{flag} {p}: it has no {{task_id}}, so it would answer the same for every task and show nothing of one; write {{task_id}} where the task's id goes (e.g. {})",
                    if flag == "--probe-url" {
                        "'http://127.0.0.1:8000/state/{task_id}'"
                    } else {
                        "'psql -tAc \"select count(*) from videos where task_id = {task_id}\"'"
                    }
                ),
            ));
        }
    }
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
        observe: ObserveConfig {
            probe_url: ob.probe_url.clone(),
            probe_cmd: ob.probe_cmd.clone(),
            settle: ob.settle.0,
            max_wait: ob.max_wait.0,
        },
        limits,
    })
}

/// The harness the flags describe, pressing the receiver no harder than `limits`.
pub async fn setup(a: &SenderArgs, ob: &ObserveArgs, limits: Limits) -> Result<Session, Fatal> {
    Session::start(settings(a, ob, limits)?).await
}

/// Finds a report path that cannot be written before the first delivery rather than after the
/// whole run (issue 9): opens each for writing and removes what this check created.
pub fn check_report_paths(paths: &[Option<&Path>]) -> Result<(), Fatal> {
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
            Err(e) => {
                return Err(Fatal(
                    exit::HARNESS,
                    format!(
                        "cannot write the report {}: {e}; nothing was sent",
                        p.display()
                    ),
                ));
            }
        }
    }
    Ok(())
}

impl ReportArgs {
    /// [`check_report_paths`] for the files these flags ask for.
    pub fn check_paths(&self) -> Result<(), Fatal> {
        check_report_paths(&[
            self.report_json.as_deref(),
            self.report_junit.as_deref(),
            self.report_html.as_deref(),
        ])
    }
}

fn write_file(path: &Path, text: &str) -> Result<(), Fatal> {
    std::fs::write(path, text).map_err(|e| {
        Fatal(
            exit::HARNESS,
            format!("cannot write the report {}: {e}", path.display()),
        )
    })
}

/// What a command hands to [`emit`].
pub struct Output<'a> {
    pub command: &'a str,
    pub run: &'a RunOutcome,
    pub rules: Option<&'a [RuleResult]>,
    pub human: String,
    pub junit: Result<String, String>,
    pub code: i32,
    /// The deadline per attempt, marked on the HTML report's timeline.
    pub deadline: std::time::Duration,
}

/// Prints the report in the chosen format and writes the report files. Every text goes through
/// the redactor. Returns the exit status, which becomes 4 if a file cannot be written.
pub fn emit(a: &ReportArgs, secrets: &Secrets, out: Output<'_>) -> i32 {
    let Output {
        command,
        run,
        rules,
        human,
        junit,
        code,
        deadline,
    } = out;
    let code = if run.interrupted {
        exit::INTERRUPTED
    } else {
        code
    };
    let json = report::json::report(command, run, rules, code);
    let html = a
        .report_html
        .as_ref()
        .map(|_| report::html::run_page(command, run, rules, deadline, code));
    write_reports(a, secrets, &human, &json, junit, html, code)
}

/// Prints `human` or `json` as `--format` asks, writes the report files, redacts everything.
/// Returns `code`, or 4 when a file cannot be written.
pub fn write_reports(
    a: &ReportArgs,
    secrets: &Secrets,
    human: &str,
    json: &str,
    junit: Result<String, String>,
    html: Option<String>,
    code: i32,
) -> i32 {
    match a.format {
        Format::Human => crate::console::out!("{}", secrets.redact(human)),
        Format::Json => crate::console::out!("{}", secrets.redact(json)),
    }
    let mut files = Vec::new();
    if let Some(p) = &a.report_json {
        files.push((p, Ok(secrets.redact(json))));
    }
    if let Some(p) = &a.report_junit {
        files.push((p, junit.map(|x| secrets.redact(&x))));
    }
    if let (Some(p), Some(h)) = (&a.report_html, html) {
        files.push((p, Ok(secrets.redact(&h))));
    }
    for (path, text) in files {
        let result = text
            .map_err(|e| Fatal(exit::HARNESS, e))
            .and_then(|t| write_file(path, &t));
        if let Err(Fatal(c, m)) = result {
            crate::console::errln!("error: {m}");
            return c;
        }
    }
    code
}
