//! The README's examples, run as a new user would (issue 9): every `$` line of every code
//! block, as written and in order, from a fresh working folder. A line ending in `&` starts a
//! process that stays up for the lines after it. Each command must exit 0, and every output
//! line pasted under it must appear in what it printed, once numbers, durations, ports and
//! signatures are set aside. The README's fixed ports are swapped for ports bound here.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::harness::repo;

/// Each `$` command with the output lines pasted under it.
fn examples(readme: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut in_block = false;
    // Output belongs to the command above it in the same block, never to one in another.
    let mut current: Option<usize> = None;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_block = !in_block;
            current = None;
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            out.push((cmd.to_string(), Vec::new()));
            current = Some(out.len() - 1);
        } else if let Some(i) = current {
            out[i].1.push(line.to_string());
        }
    }
    out
}

/// A line with what differs between runs taken out.
fn skeleton(line: &str) -> String {
    let mut s = line.to_string();
    for (pattern, with) in [
        (r"[A-Za-z0-9+/]{43}=", "SIG"),
        (r"\d+(\.\d+)?(ms|s|µs)\b", "DUR"),
        (r"\d+", "N"),
        (r"\s+", " "),
    ] {
        s = regex::Regex::new(pattern)
            .unwrap()
            .replace_all(&s, with)
            .into_owned();
    }
    s.trim().to_string()
}

async fn wait_for_port(port: u16, what: &str) {
    let start = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "`{what}` never listened"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_readme_example_runs_as_written() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let examples = examples(&readme);
    assert!(examples.len() >= 10, "found {} examples", examples.len());
    // `localhost:8443` too: the doctor example names the host its certificate is for.
    let port_re = regex::Regex::new(r"(127\.0\.0\.1|localhost):(\d{4})\b").unwrap();
    // Every README port gets a free one of its own, below the kernel's ephemeral range (32768
    // and up), where every other test's `bind(0)` takes its ports: a port chosen there and let
    // go was handed to another test before the example's server bound it (CI saw `curl` get an
    // empty answer from someone else's server). The listeners are held until all are chosen,
    // so no two README ports get the same one.
    let mut ports: HashMap<String, String> = HashMap::new();
    let mut held = Vec::new();
    let mut next = 20_000 + (std::process::id() % 1000) as u16 * 10;
    for (cmd, _) in &examples {
        for c in port_re.captures_iter(cmd) {
            ports.entry(c[2].to_string()).or_insert_with(|| {
                loop {
                    next += 1;
                    assert!(next < 32_768, "no free port below the ephemeral range");
                    if let Ok(l) = std::net::TcpListener::bind(("127.0.0.1", next)) {
                        held.push(l);
                        break next.to_string();
                    }
                }
            });
        }
    }
    drop(held);
    let localize = |text: &str| {
        port_re
            .replace_all(text, |c: &regex::Captures<'_>| {
                format!(
                    "{}:{}",
                    &c[1],
                    ports.get(&c[2]).map_or(&c[2], |p| p.as_str())
                )
            })
            .into_owned()
    };
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(repo("scenarios"), dir.path().join("scenarios")).unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_suno-mock"))
        .parent()
        .unwrap()
        .display()
        .to_string();
    let path = format!("{bin}:{}", std::env::var("PATH").unwrap_or_default());
    let shell = |cmd: &str| {
        let mut c = tokio::process::Command::new("bash");
        c.args(["-c", cmd])
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env_remove("SUNO_MOCK_HMAC_KEY")
            .env_remove("GITHUB_ACTIONS")
            .env_remove("GITHUB_STEP_SUMMARY")
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        c
    };
    // Two background lines on one port: the second could not listen, and the examples after
    // it would talk to the first.
    let mut listening = std::collections::HashSet::new();
    let listen_re = regex::Regex::new(r"--listen 127\.0\.0\.1:(\d+)").unwrap();
    let mut background = Vec::new();
    for (cmd, expected) in &examples {
        let cmd = localize(cmd);
        if let Some(bg) = cmd.strip_suffix('&') {
            let child = shell(&format!("exec {}", bg.trim()))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            background.push(child);
            let port: u16 = listen_re
                .captures(bg)
                .and_then(|c| c[1].parse().ok())
                .unwrap_or_else(|| panic!("`{bg}` names no port to wait for"));
            assert!(
                listening.insert(port),
                "`{bg}`: an earlier example already listens on this port"
            );
            wait_for_port(port, bg).await;
            continue;
        }
        let out = tokio::time::timeout(Duration::from_secs(120), shell(&cmd).output())
            .await
            .unwrap_or_else(|_| panic!("`{cmd}` did not finish"))
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "`{cmd}` exited {:?}\n{stdout}\n{stderr}",
            out.status.code()
        );
        let printed: Vec<String> = stdout.lines().map(skeleton).collect();
        for line in expected {
            let line = localize(line);
            if line.trim().is_empty() || line.trim() == "..." {
                continue;
            }
            assert!(
                printed.contains(&skeleton(&line)),
                "`{cmd}`: the README shows\n  {line}\nwhich it did not print:\n{stdout}"
            );
        }
    }
    drop(background);
}

#[test]
fn skeletons_keep_words_and_drop_what_varies() {
    assert_eq!(
        skeleton("  pass   must   ack-success   answered 200 in 0.8ms"),
        skeleton("  pass   must   ack-success   answered 200 in 12ms")
    );
    assert_ne!(
        skeleton("pass must ack-success"),
        skeleton("fail must ack-success")
    );
}

/// The README's YAML blocks are files a user copies: each scenario parses as a scenario and
/// each `serve` plan (a `tasks:` list) as a plan, with no warning (the CI and Kubernetes files aside).
#[test]
fn every_readme_yaml_block_parses() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let blocks: Vec<&str> = readme
        .split("```yaml\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    assert!(!blocks.is_empty());
    let mut plans = 0;
    for block in blocks {
        if !block.starts_with("name:") {
            continue; // a CI workflow or a Kubernetes job, not ours to parse
        }
        if !block.contains("\nsteps:") {
            plans += 1;
            let (_, warnings) = suno_mock::scenario::parse_serve_plan("README.md", block)
                .unwrap_or_else(|e| panic!("{block}\n{e:?}"));
            assert!(warnings.is_empty(), "{block}\n{warnings:?}");
        } else {
            suno_mock::scenario::parse_scenario("README.md", block)
                .unwrap_or_else(|e| panic!("{block}\n{e:?}"));
        }
    }
    assert!(plans > 0, "the README shows a serve plan");
}

#[test]
fn the_readme_lists_every_flaw_with_the_rules_that_catch_it() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let rows: Vec<(String, Vec<String>)> = readme
        .lines()
        .skip_while(|l| !l.starts_with("## The built-in receiver and its flaws"))
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            let name = cells[0]
                .trim_start_matches("| ")
                .trim_matches('`')
                .to_string();
            let rules = cells[2]
                .trim_end_matches(" |")
                .split(", ")
                .map(|r| r.trim_matches('`').to_string())
                .collect();
            (name, rules)
        })
        .collect();
    let want: Vec<(String, Vec<String>)> = suno_mock::receiver::Flaw::ALL
        .iter()
        .map(|f| {
            (
                f.name().to_string(),
                f.breaks().iter().map(|r| r.to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(rows, want);
}
