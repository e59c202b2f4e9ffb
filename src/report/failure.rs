//! The reports of a command that could not do its job (the receiver unreachable, a port that
//! cannot be bound, a file that does not load): the JSON with the error and the exit status,
//! JUnit with one errored testcase, an HTML page that says so. A CI step that uploads or reads
//! a report finds one whatever happened after the arguments were read.

use std::time::Duration;

use serde::Serialize;

use super::Rendered;
use super::junit::{Case, CaseKind};

#[derive(Serialize)]
struct Envelope<'a> {
    #[serde(flatten)]
    head: super::json::Head<'a>,
    exit_code: i32,
    /// Why the command could not do its job; no verdict, no result.
    error: &'a str,
}

/// Every report of `command` ending with `error` and exit status `code`.
pub fn render(command: &str, error: &str, code: i32) -> Rendered {
    let json = super::json::pretty(&Envelope {
        head: super::json::Head::new(command),
        exit_code: code,
        error,
    });
    let junit = super::junit::render(
        &format!("suno-mock {command}"),
        vec![Case {
            name: command.to_string(),
            classname: format!("suno-mock.{command}"),
            time: Duration::ZERO,
            kind: CaseKind::Error {
                message: error.to_string(),
                text: format!("exit status {code}: {error}"),
            },
        }],
        Duration::ZERO,
    );
    let html = super::html::page(
        &format!("suno-mock {command}"),
        &format!(
            "<h1>suno-mock {}</h1>\n<p class=\"fail\">error: {}</p>\n<p>exit status <strong>{code}</strong>: nothing was judged.</p>\n",
            super::html::escape(command),
            super::html::escape(error)
        ),
    );
    Rendered {
        human: format!("error: {error}\n"),
        json,
        junit,
        html: Some(html),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_carries_the_error_and_the_status() {
        let r = render(
            "check",
            "the receiver at 127.0.0.1:4998 is not reachable",
            4,
        );
        let v: serde_json::Value = serde_json::from_str(&r.json).unwrap();
        assert_eq!(v["command"], "check");
        assert_eq!(v["exit_code"], 4);
        assert_eq!(
            v["error"],
            "the receiver at 127.0.0.1:4998 is not reachable"
        );
        let xml = r.junit.unwrap();
        assert!(
            xml.contains("<error message=\"the receiver at 127.0.0.1:4998 is not reachable\""),
            "{xml}"
        );
        assert!(
            r.html
                .unwrap()
                .contains("error: the receiver at 127.0.0.1:4998 is not reachable")
        );
    }
}
