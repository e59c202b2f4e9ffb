//! The two probes a user can point at their receiver's state: a URL and a shell command.

use std::time::Duration;

use serde_json::{Value, json};

const PROBE_CAP: usize = 256 * 1024;

/// Why an observation could not be taken: the harness could not look, which is not a finding
/// about the receiver.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObserveError {
    /// The probe URL gave no answer (or its body could not be read).
    #[error("probe {url}: {reason}")]
    Url { url: String, reason: String },
    /// The probe command did not finish in time.
    #[error("probe command did not finish within {}s: {command}", COMMAND_TIMEOUT.as_secs())]
    CommandTimeout { command: String },
    /// The probe command could not be started.
    #[error("cannot run the probe command: {0}")]
    Command(String),
    /// The probe's HTTP client could not be set up.
    #[error("cannot set up the probe client: {0}")]
    Client(String),
    /// The probe answered as no working probe does: a URL with a 5xx, a command that could
    /// not run (exit 126 or 127, a signal) or that failed and said why on stderr. Its answer
    /// is about the probe, not about what the receiver stored.
    #[error("{probe} {answered}")]
    Broken { probe: String, answered: String },
}
const COMMAND_TIMEOUT: Duration = Duration::from_secs(10);

/// Wraps `s` in single quotes for `sh`, so a task id can never become shell syntax.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// GET the probe URL. A JSON body is compared as a JSON value; anything else as text. A
/// non-200 answer is part of the observation (a 404 turning into a 200 is a change).
pub async fn run_http_probe(
    client: &reqwest::Client,
    template: &str,
    task_id: &str,
) -> Result<Value, ObserveError> {
    let url = template.replace(
        "{task_id}",
        &url::form_urlencoded::byte_serialize(task_id.as_bytes()).collect::<String>(),
    );
    let failed = |reason: String| ObserveError::Url {
        url: url.clone(),
        reason,
    };
    let resp = client
        .get(&url)
        .send()
        .await
        .map_err(|e| failed(crate::wire::error_class::chain_message(&e)))?;
    let status = resp.status().as_u16();
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| failed(format!("reading the body: {e}")))?;
    let bytes = &bytes[..bytes.len().min(PROBE_CAP)];
    let body = serde_json::from_slice::<Value>(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).trim().to_string()));
    if status >= 500 {
        return Err(ObserveError::Broken {
            probe: url,
            answered: format!("answered {status}: {}", clip(&body.to_string())),
        });
    }
    Ok(if status == 200 {
        body
    } else {
        json!({"status": status, "body": body})
    })
}

/// At most 200 characters of an answer, for messages.
fn clip(s: &str) -> String {
    if s.chars().count() > 200 {
        format!("{}…", s.chars().take(200).collect::<String>())
    } else {
        s.to_string()
    }
}

/// Runs the probe command with `sh -c`. Its trimmed stdout is the observation; a non-zero exit
/// is part of it.
pub async fn run_command_probe(template: &str, task_id: &str) -> Result<String, ObserveError> {
    let cmd = template.replace("{task_id}", &shell_quote(task_id));
    let child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(&cmd)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(COMMAND_TIMEOUT, child)
        .await
        .map_err(|_| ObserveError::CommandTimeout {
            command: cmd.clone(),
        })?
        .map_err(|e| ObserveError::Command(e.to_string()))?;
    let stdout = String::from_utf8_lossy(&out.stdout[..out.stdout.len().min(PROBE_CAP)])
        .trim()
        .to_string();
    let stderr = String::from_utf8_lossy(&out.stderr[..out.stderr.len().min(PROBE_CAP)])
        .trim()
        .to_string();
    // 126 and 127: the shell could not run it (not executable, not found); no code: killed.
    // A failure that explains itself on stderr (no database, no such table) is the probe's
    // failure too; a quiet non-zero exit (`grep -c` finding nothing) is an answer.
    let cannot_run = matches!(out.status.code(), None | Some(126 | 127));
    if cannot_run || (!out.status.success() && !stderr.is_empty()) {
        let code = out
            .status
            .code()
            .map_or("was killed".to_string(), |c| format!("exited {c}"));
        return Err(ObserveError::Broken {
            probe: cmd,
            answered: format!(
                "{code}{}",
                if stderr.is_empty() {
                    String::new()
                } else {
                    format!(", stderr: {}", clip(&stderr))
                }
            ),
        });
    }
    Ok(if out.status.success() {
        stdout
    } else {
        format!("exit {}: {stdout}", out.status.code().unwrap_or(-1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_hostile_ids() {
        assert_eq!(shell_quote("a'b; rm -rf /"), "'a'\\''b; rm -rf /'");
    }

    #[tokio::test]
    async fn command_probe_sees_quoted_id() {
        let out = run_command_probe("printf %s {task_id}", "x'; echo pwned")
            .await
            .unwrap();
        assert_eq!(out, "x'; echo pwned");
    }

    #[tokio::test]
    async fn a_command_that_cannot_run_or_fails_aloud_is_a_broken_probe_not_an_answer() {
        let e = run_command_probe("psqll-not-a-command -tAc {task_id}", "t1")
            .await
            .unwrap_err();
        assert!(
            matches!(&e, ObserveError::Broken { answered, .. } if answered.contains("exited 127") && answered.contains("not found")),
            "{e}"
        );
        let e = run_command_probe("echo 'no such table' >&2; exit 1", "t1")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("no such table"), "{e}");
        // A quiet non-zero exit is an answer: grep -c finding nothing yet.
        let out = run_command_probe("echo 0; exit 1", "t1").await.unwrap();
        assert_eq!(out, "exit 1: 0");
    }
}
