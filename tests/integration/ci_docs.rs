//! The CI files under `docs/ci/` run as written: the commands of the GitHub Actions workflow
//! (step by step, each in its own bash, as the runner does) and of the GitLab job (one shell),
//! all but the step that builds suno-mock, which the test has built. The receiver's port is
//! swapped for one the test binds; the built-in receiver passes, the reports land.

use std::path::{Path, PathBuf};

use crate::harness::{free_port, repo};

/// The `run:` scripts of a workflow's steps, in order, with their step names.
fn github_steps(text: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut name = String::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i].trim_start();
        if let Some(n) = l.strip_prefix("- name: ") {
            name = n.trim().to_string();
        } else if l.starts_with("- uses:") {
            name.clear();
        }
        if let Some(rest) = l.strip_prefix("run:") {
            let indent = lines[i].len() - l.len();
            let rest = rest.trim();
            if rest == "|" {
                let mut script = String::new();
                i += 1;
                while i < lines.len()
                    && (lines[i].trim().is_empty()
                        || lines[i].len() - lines[i].trim_start().len() > indent)
                {
                    script.push_str(lines[i].trim_start());
                    script.push('\n');
                    i += 1;
                }
                out.push((name.clone(), script));
                continue;
            }
            out.push((name.clone(), format!("{rest}\n")));
        }
        i += 1;
    }
    out
}

/// The `script:` lines of a GitLab job.
fn gitlab_script(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for l in text.lines() {
        let t = l.trim_start();
        if t == "script:" {
            inside = true;
        } else if inside {
            match t.strip_prefix("- ") {
                Some(cmd) if l.starts_with("    ") => out.push(cmd.to_string()),
                _ => inside = false,
            }
        }
    }
    out
}

/// Runs `scripts` in order, each with `bash -e -c`, in `dir`, with suno-mock on PATH and the
/// receiver's port swapped; every process they start is ended afterwards. The exit status of
/// each.
async fn run_in(dir: &Path, scripts: &[String], env: &[(&str, String)]) -> Vec<(i32, String)> {
    let port = free_port().to_string();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_suno-mock"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut results = Vec::new();
    let mut groups = Vec::new();
    for s in scripts {
        let s = s
            .replace("127.0.0.1:3000", &format!("127.0.0.1:{port}"))
            .replace("127.0.0.1/3000", &format!("127.0.0.1/{port}"));
        let mut cmd = tokio::process::Command::new("bash");
        cmd.arg("-e")
            .arg("-c")
            .arg(&s)
            .current_dir(dir)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env_remove("GITHUB_ACTIONS")
            .env_remove("GITHUB_STEP_SUMMARY")
            .stdin(std::process::Stdio::null())
            .process_group(0);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().unwrap();
        groups.push(child.id().unwrap());
        let out = child.wait_with_output().await.unwrap();
        results.push((
            out.status.code().unwrap_or(-1),
            format!(
                "{s}\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        ));
    }
    // What a step left running (the receiver) is ended with its process group.
    for g in groups {
        let _ = std::process::Command::new("kill")
            .arg("--")
            .arg(format!("-{g}"))
            .output();
    }
    results
}

#[tokio::test(flavor = "multi_thread")]
async fn the_github_workflow_runs_as_written() {
    let text = std::fs::read_to_string(repo("docs/ci/github-actions.yml")).unwrap();
    let steps = github_steps(&text);
    let names: Vec<&str> = steps.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Build suno-mock",
            "Start the receiver",
            "Check the receiver"
        ]
    );
    let scripts: Vec<String> = steps
        .into_iter()
        .filter(|(n, _)| n != "Build suno-mock")
        .map(|(_, s)| s)
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("step-summary.md");
    let env = [
        ("WEBHOOK_KEY", "ci-only-key".to_string()),
        ("GITHUB_ACTIONS", "true".to_string()),
        ("GITHUB_STEP_SUMMARY", summary.display().to_string()),
    ];
    for (code, log) in run_in(dir.path(), &scripts, &env).await {
        assert_eq!(code, 0, "{log}");
    }
    let junit = std::fs::read_to_string(dir.path().join("suno-mock-junit.xml")).unwrap();
    assert!(
        junit.contains("<testcase") && !junit.contains("<failure"),
        "{junit}"
    );
    let html = std::fs::read_to_string(dir.path().join("suno-mock-report.html")).unwrap();
    assert!(html.contains("<svg id=\"timeline\""));
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.contains("## suno-mock check: passed"), "{md}");
    assert!(
        md.contains("| `verify-source` | should | ✅ pass |"),
        "{md}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_gitlab_job_runs_as_written() {
    let text = std::fs::read_to_string(repo("docs/ci/gitlab-ci.yml")).unwrap();
    let script = gitlab_script(&text);
    assert_eq!(script.len(), 4, "{script:?}");
    assert!(script[0].starts_with("cargo install"), "{script:?}");
    // GitLab runs a job's script lines in one shell.
    let one = script[1..].join("\n") + "\n";
    let dir = tempfile::tempdir().unwrap();
    let env = [("WEBHOOK_KEY", "ci-only-key".to_string())];
    for (code, log) in run_in(dir.path(), &[one], &env).await {
        assert_eq!(code, 0, "{log}");
    }
    let junit = std::fs::read_to_string(dir.path().join("suno-mock-junit.xml")).unwrap();
    assert!(
        junit.contains("<testcase") && !junit.contains("<failure"),
        "{junit}"
    );
    assert!(dir.path().join("suno-mock-report.html").exists());
    for path in ["suno-mock-junit.xml", "suno-mock-report.html"] {
        assert!(
            text.contains(&format!("- {path}")),
            "{path} is kept as an artifact"
        );
    }
}

/// The run script of the action's step `name`.
fn action_step(name: &str) -> String {
    let action = std::fs::read_to_string(repo("action.yml")).unwrap();
    let steps = suno_mock::scenario::yaml::parse(&action).unwrap().to_json();
    steps["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("the action has the step {name}"))["run"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Runs a step's script as the runner runs it (`bash -e {0}`), with `dir` first on the PATH
/// (where the test puts the commands it fakes); returns the exit status.
fn run_step(dir: &Path, script: &str, env: &[(&str, &str)]) -> i32 {
    let script_file = dir.join("step.sh");
    std::fs::write(&script_file, script).unwrap();
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    std::process::Command::new("bash")
        .args([
            "--noprofile",
            "--norc",
            "-e",
            &script_file.display().to_string(),
        ])
        .env("PATH", path)
        .env("GITHUB_OUTPUT", dir.join("output"))
        .env("GITHUB_PATH", dir.join("path"))
        .env("RUNNER_TEMP", dir)
        .envs(env.iter().copied())
        .status()
        .unwrap()
        .code()
        .unwrap_or(-1)
}

/// An executable script `name` in `dir`.
fn fake(dir: &Path, name: &str, body: &str) {
    let file = dir.join(name);
    std::fs::write(&file, format!("#!/usr/bin/env bash\n{body}\n")).unwrap();
    std::process::Command::new("chmod")
        .args(["+x", &file.display().to_string()])
        .status()
        .unwrap();
}

/// The action's "Check the receiver" step with `args` as given and a `suno-mock` that writes
/// down the words it got.
fn action_words(args: &str) -> (i32, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let words = dir.path().join("words");
    fake(
        dir.path(),
        "suno-mock",
        &format!("printf '%s\\0' \"$@\" > '{}'", words.display()),
    );
    let code = run_step(
        dir.path(),
        &action_step("Check the receiver"),
        &[
            ("RECEIVER", "http://127.0.0.1:3000/callback"),
            ("FAMILY", "video"),
            ("ARGS", args),
        ],
    );
    let got = std::fs::read(&words).unwrap_or_default();
    let words = got
        .split(|b| *b == 0)
        .filter(|w| !w.is_empty())
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect();
    (code, words)
}

/// The release URL the install step fetches for `version` when the action is used at
/// `action_ref`.
fn installed_from(version: &str, action_ref: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let asked = dir.path().join("asked");
    // A release archive holding a `suno-mock` that says its version.
    let release = dir.path().join("release");
    std::fs::create_dir(&release).unwrap();
    fake(&release, "suno-mock", "echo suno-mock 0.1.0");
    let archive = dir.path().join("release.tar.gz");
    let made = std::process::Command::new("tar")
        .args(["-czf", &archive.display().to_string()])
        .args(["-C", &release.display().to_string(), "suno-mock"])
        .status()
        .unwrap();
    assert!(made.success());
    // `curl` writes down the URL (its last argument) and serves the archive.
    fake(
        dir.path(),
        "curl",
        &format!(
            "for a in \"$@\"; do u=$a; done; echo \"$u\" > '{}'; cat '{}'",
            asked.display(),
            archive.display()
        ),
    );
    let code = run_step(
        dir.path(),
        &action_step("Install suno-mock"),
        &[
            ("VERSION", version),
            ("ACTION_REF", action_ref),
            ("REPO", "owner/suno-mock"),
            ("RUNNER_OS_NAME", "Linux"),
            ("RUNNER_ARCH_NAME", "X64"),
        ],
    );
    assert_eq!(code, 0);
    std::fs::read_to_string(&asked).unwrap().trim().to_string()
}

/// Issue 30: `uses: ...@v0.1.0` installs 0.1.0, not whatever was released last; a branch or a
/// commit gets the latest release; an explicit `version` wins.
#[test]
fn the_action_installs_its_own_version_at_a_tag() {
    let base = "https://github.com/owner/suno-mock/releases";
    let file = "suno-mock-x86_64-unknown-linux-gnu.tar.gz";
    let at = |v: &str| format!("{base}/download/v{v}/{file}");
    let latest = format!("{base}/latest/download/{file}");
    assert_eq!(installed_from("", "v0.1.0"), at("0.1.0"));
    assert_eq!(installed_from("", "main"), latest);
    assert_eq!(installed_from("", ""), latest);
    assert_eq!(installed_from("0.2.0", "v0.1.0"), at("0.2.0"));
    assert_eq!(installed_from("latest", "v0.1.0"), latest);
}

/// Issue 30: the README's `--probe-cmd` example reaches `check` as one word each for the flag
/// and its quoted command, not split inside the quotes; nothing in it is evaluated.
#[test]
fn the_action_splits_args_as_a_shell_would_and_evaluates_nothing() {
    let (code, words) = action_words(
        r#"--probe-cmd 'psql -tAc "select count(*) from videos where task_id = {task_id}"' --strict"#,
    );
    assert_eq!(code, 0);
    assert_eq!(
        words,
        [
            "check",
            "--receiver",
            "http://127.0.0.1:3000/callback",
            "--family",
            "video",
            "--github",
            "--probe-cmd",
            r#"psql -tAc "select count(*) from videos where task_id = {task_id}""#,
            "--strict",
        ]
    );
    let (_, words) = action_words("--probe-url \"$(touch /tmp/pwned)\" $HOME");
    assert_eq!(words[6..], ["--probe-url", "$(touch /tmp/pwned)", "$HOME"]);
    let (code, words) = action_words("   ");
    assert_eq!((code, words.len()), (0, 6));
    let (code, _) = action_words("--probe-cmd 'unbalanced");
    assert_eq!(code, 2);
}
