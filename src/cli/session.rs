//! What `run`, `send` and `check` share: turning flags into a running harness (video host,
//! observer, sender, optional built-in receiver, Ctrl-C handling) and writing the reports.

use std::path::Path;

use tokio_util::sync::CancellationToken;

use super::args::{Format, ObserveArgs, PolicyArgs, ReceiverArg, ReportArgs, SenderArgs};
use crate::artifacts::VideoHost;
use crate::exit;
use crate::family::Family;
use crate::observe::{ObserveConfig, Observer};
use crate::outcome::RunOutcome;
use crate::receiver::{self, ReceiverConfig, RunningReceiver};
use crate::report::{self, Style};
use crate::rules::RuleResult;
use crate::run::{Engine, RunConfig};
use crate::secrets::Secrets;
use crate::sender::{ClientOptions, Policy, Sender};

/// A failure to set up, with its exit status.
pub struct Fatal(pub i32, pub String);

pub struct Session {
    pub engine: Engine,
    /// The family `--family` chose.
    pub family: &'static Family,
    pub secrets: Secrets,
    pub style: Style,
    /// The built-in receiver, when `--receiver builtin` started one.
    pub _builtin: Option<RunningReceiver>,
}

pub fn runtime() -> Result<tokio::runtime::Runtime, Fatal> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Fatal(
                exit::HARNESS,
                format!("cannot start the async runtime: {e}"),
            )
        })
}

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

/// How hard the harness may press one receiver: `check` and `run` bound the connections open
/// to it at once (callbacks and probes together); `check` also stops sending to a receiver
/// that answers nothing. `send --concurrent`, `load` and `fuzz` set their own pace.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    pub connections: Option<usize>,
    pub give_up_after: Option<usize>,
}

/// The emulated provider's client as the flags describe it (loud when `--insecure`).
pub fn sender(a: &PolicyArgs, family: &Family, limits: Limits) -> Result<Sender, Fatal> {
    if deadline(a, family).is_zero() {
        return Err(Fatal(
            exit::USAGE,
            "--timeout must be more than zero".into(),
        ));
    }
    if a.insecure {
        crate::console::errln!(
            "warning: --insecure: TLS certificates of the receiver are NOT verified"
        );
    }
    Sender::new(&ClientOptions {
        insecure: a.insecure,
        hmac_key: a.hmac_key.clone(),
        connect_timeout: Some(deadline(a, family)),
        connections: limits.connections,
        give_up_after: limits.give_up_after,
    })
    .map_err(|e| Fatal(exit::HARNESS, e))
}

/// The harness the flags describe, pressing the receiver no harder than `limits`.
pub async fn setup(a: &SenderArgs, ob: &ObserveArgs, limits: Limits) -> Result<Session, Fatal> {
    if deadline(&a.policy, a.family).is_zero() {
        return Err(Fatal(
            exit::USAGE,
            "--timeout must be more than zero".into(),
        ));
    }
    let seed = a.seed.unwrap_or_else(rand::random);
    let mut secrets = Secrets::default();
    if let Some(k) = &a.policy.hmac_key {
        secrets.add(k);
    }
    let (receiver_url, builtin) = match &a.receiver {
        ReceiverArg::Url(u) => (u.clone(), None),
        ReceiverArg::Builtin => {
            let cfg = ReceiverConfig {
                family: a.family,
                hmac_key: a.policy.hmac_key.clone(),
                ..ReceiverConfig::default()
            };
            let r = receiver::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
                .await
                .map_err(|e| Fatal(exit::HARNESS, e))?;
            let url = url::Url::parse(&r.callback_url(&cfg))
                .map_err(|e| Fatal(exit::HARNESS, format!("built-in receiver URL: {e}")))?;
            (url, Some(r))
        }
    };
    if let Some(param) = &a.token_param {
        match receiver_url.query_pairs().find(|(k, _)| k == param) {
            Some((_, v)) => secrets.add(&v),
            None => {
                return Err(Fatal(
                    exit::USAGE,
                    format!(
                        "--token-param {param}: the receiver URL has no `{param}` query parameter to carry the token"
                    ),
                ));
            }
        }
    }
    let host = VideoHost::start(a.artifact_listen, a.artifact_base_url.clone())
        .await
        .map_err(|e| Fatal(exit::HARNESS, e))?;
    let mut probe_url = ob.probe_url.clone();
    if probe_url.is_none()
        && let Some(r) = &builtin
    {
        // The built-in receiver shows its state; use it so idempotency is observable.
        probe_url = Some(r.probe_url());
    }
    let sender = sender(&a.policy, a.family, limits)?;
    let observer = Observer::new(
        ObserveConfig {
            probe_url,
            probe_cmd: ob.probe_cmd.clone(),
            settle: ob.settle.0,
            max_wait: ob.max_wait.0,
        },
        host.clone(),
        sender.slots(),
    )
    .map_err(|e| Fatal(exit::HARNESS, e))?;
    let cancel = CancellationToken::new();
    watch_ctrl_c(cancel.clone());
    Ok(Session {
        engine: Engine {
            cfg: RunConfig {
                receiver: receiver_url,
                token_param: a.token_param.clone(),
                policy: policy(&a.policy, a.family),
                seed,
            },
            sender,
            host,
            observer,
            cancel,
            pinned: Vec::new(),
            events: None,
        },
        family: a.family,
        secrets,
        style: Style::detect(),
        _builtin: builtin,
    })
}

/// First Ctrl-C: stop sending, let attempts in flight finish, write the reports. Second: leave.
pub fn watch_ctrl_c(cancel: CancellationToken) {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            crate::console::errln!(
                "interrupted: stopping, then writing the reports (Ctrl-C again to quit now)"
            );
            cancel.cancel();
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(exit::INTERRUPTED);
            }
        }
    });
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
