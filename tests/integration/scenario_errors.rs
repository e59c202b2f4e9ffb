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
