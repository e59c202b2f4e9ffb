//! `suno-mock schema` describes exactly what the parser accepts: every shipped scenario,
//! read as plain JSON through the serde model the schema is derived from, equals what the
//! located parser built.

use suno_mock::scenario::{Scenario, yaml};

fn shipped() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in ["scenarios/contract", "scenarios/examples"] {
        let d = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            out.push((
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            ));
        }
    }
    assert!(out.len() >= 25);
    out
}

#[test]
fn the_serde_model_and_the_parser_agree_on_every_shipped_scenario() {
    for (file, text) in shipped() {
        // Music knows every stage name; the stage scenarios of the suite are for staged families.
        let music = suno_mock::family::find("music").unwrap();
        let parsed = suno_mock::scenario::parse_located(&file, &text, music)
            .map(|(s, _, _)| s)
            .unwrap_or_else(|e| panic!("{file}: {e:?}"));
        let json = yaml::parse(&text).unwrap().to_json();
        let via_serde: Scenario =
            serde_json::from_value(json).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(parsed, via_serde, "{file}");
    }
}

#[test]
fn the_schema_names_every_step_key_and_refuses_unknown_ones() {
    let schema = suno_mock::job::validate::scenario_schema();
    let text = schema.to_string();
    for key in [
        "deliver",
        "copies",
        "concurrent",
        "remove_headers",
        "retry_delays",
        "same_as",
        "until_downloaded",
        "stale-timestamp",
        "truncated",
    ] {
        assert!(text.contains(key), "schema lacks {key}");
    }
    assert_eq!(
        schema["additionalProperties"], false,
        "unknown top-level keys are refused"
    );
    assert_eq!(schema["title"], "suno-mock scenario");
}
