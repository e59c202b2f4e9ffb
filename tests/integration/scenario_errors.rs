//! Golden tests of the messages for the mistakes people make in scenario files: every error of
//! a file at once, each with file:line:column, the line, a caret and a fix.

use suno_mock::scenario::parse_scenario;

fn errors(text: &str) -> String {
    match parse_scenario("s.yaml", text) {
        Ok(_) => panic!("should not parse:\n{text}"),
        Err(ds) => ds
            .iter()
            .map(|d| d.render(Some(text)))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn typo_in_a_key() {
    insta::assert_snapshot!(errors(
        "name: x\nsteps:\n  - deliver: success\n    copis: 2\n"
    ));
}

#[test]
fn wrong_type() {
    insta::assert_snapshot!(errors(
        "name: x\nsteps:\n  - deliver: success\n    copies: two\n    concurrent: yes\n"
    ));
}

#[test]
fn unknown_template() {
    insta::assert_snapshot!(errors("name: x\nsteps:\n  - deliver: sucess\n"));
}

#[test]
fn bad_duration() {
    insta::assert_snapshot!(errors(
        "name: x\nsender: { timeout: 15 }\nsteps:\n  - wait: soon\n"
    ));
}

#[test]
fn duplicate_alias_and_unknown_reference() {
    insta::assert_snapshot!(errors(
        "name: x\nsteps:\n  - deliver: success\n  - observe: main\n    as: first\n  - observe: main\n    as: first\n  - observe: main\n    same_as: frist\n"
    ));
}

#[test]
fn duplicate_key_and_yaml_syntax() {
    insta::assert_snapshot!(errors("name: x\nname: y\nsteps: []\n"));
    insta::assert_snapshot!(
        "syntax",
        errors("name: x\nsteps:\n  - deliver: success\n   task: [a\n")
    );
}

#[test]
fn every_error_of_a_file_at_once() {
    let text = "nme: x\nrule: ack-sucess\nsteps:\n  - deliver: custom\n  - deliver: success\n    concurrent: true\n    expect: { status: 700, error: timout }\n  - wait: 1s\n    observe: a\n";
    let out = errors(text);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("error: ")).count(),
        8,
        "{out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn a_file_that_is_not_a_mapping() {
    insta::assert_snapshot!(errors("- just\n- a list\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_shipped_scenario_passes_the_tools_own_lint() {
    for dir in ["scenarios/contract", "scenarios/examples"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let out = crate::harness::suno(&["validate", path.to_str().unwrap()]).await;
        assert_eq!(out.code, 0, "{dir}:\n{}{}", out.stdout, out.stderr);
        assert!(out.stderr.is_empty(), "{dir}: {}", out.stderr);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn run_says_which_files_the_builtin_receiver_of_another_family_would_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stages.yaml");
    std::fs::write(
        &file,
        "name: stages\nfamily: music\nsteps:\n  - deliver: text\n    expect: { status: 200 }\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let out = crate::harness::suno(&["run", f, "--receiver", "builtin", "--retries", "0"]).await;
    assert!(
        out.stderr.contains("is for the music family, but the built-in receiver takes video callbacks (--family video): it refuses its deliveries; run it with --family music"),
        "{}",
        out.stderr
    );
    let out = crate::harness::suno(&["run", f, "--receiver", "builtin", "--family", "music"]).await;
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn validate_lints_a_serve_plan_beside_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let good = crate::harness::scenario_file(
        &dir,
        "plan.yaml",
        "name: p\ntasks:\n  - outcome: failure\n    code: 451\n",
    );
    let out = crate::harness::suno(&["validate", &good]).await;
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("(serve plan, 1 task)")
            && out
                .stdout
                .contains("1 serve plan and 0 scenario files valid"),
        "{}",
        out.stdout
    );
    let bad = crate::harness::scenario_file(&dir, "bad.yaml", "tasks:\n  - outcome: sucess\n");
    let out = crate::harness::suno(&["validate", &bad]).await;
    assert_eq!(out.code, 3);
    assert!(
        out.stderr.ends_with("2 errors in serve plans\n"),
        "{}",
        out.stderr
    );
    let out = crate::harness::suno(&["serve", "--plan", &bad]).await;
    assert_eq!(out.code, 3);
    assert!(
        out.stderr.ends_with("2 errors in the plan\n"),
        "{}",
        out.stderr
    );
}
