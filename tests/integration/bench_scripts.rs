//! The scripts under `bench/` end everything they start (issue 30): each one that starts a
//! process in the background sources `bench/lib.sh` and tracks it, and the helper ends what
//! was tracked and fails the script on a process that would not end.

use crate::harness::repo;

/// Runs `script` in bash from the repository root; its exit status and stdout, stderr.
fn bash(script: &str) -> (Option<i32>, String, String) {
    let out = std::process::Command::new("bash")
        .args(["-c", script])
        .current_dir(repo(""))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Whether `pid` is still a live process (a zombie waiting for its reaper is not).
fn alive(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/status")).is_ok_and(|s| {
        !s.lines()
            .any(|l| l.starts_with("State:") && l.contains('Z'))
    })
}

#[test]
fn the_bench_helper_ends_what_was_tracked_and_fails_on_what_would_not_end() {
    // Each script waits until its process is `sleep` itself: a SIGTERM that reaches bash's
    // fork before the exec can be lost, which no bench script meets (its processes run for
    // seconds before they are stopped).
    let started = r#"until [ "$(cat /proc/$!/comm)" = sleep ]; do :; done; echo $!"#;
    let (code, pid, err) = bash(&format!(
        "source bench/lib.sh; sleep 1000 & track $!; {started}"
    ));
    assert_eq!(code, Some(0), "{err}");
    assert!(!alive(pid.trim()), "sleep {pid} outlived the script");
    // A process that ignores SIGTERM is named, ended by force, and fails the script.
    let (code, pid, err) = bash(&format!(
        "source bench/lib.sh; bash -c 'trap \"\" TERM; exec sleep 1000' & track $!; {started}"
    ));
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(&format!("processes left running: {}", pid.trim())),
        "{err}"
    );
    assert!(!alive(pid.trim()), "sleep {pid} outlived the script");
}

#[test]
fn every_bench_script_that_starts_a_process_tracks_it() {
    let dir = repo("bench");
    let mut scripts = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_none_or(|x| x != "sh") || path.ends_with("lib.sh") {
            continue;
        }
        scripts += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display();
        let code: Vec<&str> = text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .collect();
        let starts = code.iter().any(|l| l.trim_end().ends_with('&'));
        if !starts {
            continue;
        }
        assert!(
            code.iter().any(|l| l.trim() == "source bench/lib.sh"),
            "{name} starts processes without bench/lib.sh"
        );
        // Every `$!` is tracked where it is read, or kept in a variable that is tracked.
        for line in code.iter().filter(|l| l.contains("$!")) {
            let line = line.trim();
            let tracked = match line.strip_suffix("=$!") {
                Some(var) => code.iter().any(|l| l.trim() == format!("track ${var}")),
                None => line.starts_with("track $!"),
            };
            assert!(tracked, "{name}: `{line}` is never tracked");
        }
    }
    assert!(scripts >= 4, "found {scripts} scripts");
}
