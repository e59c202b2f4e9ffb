//! Property tests: no file makes the parser panic, and every refusal is located in the file.

use proptest::prelude::*;
use suno_mock::scenario::{parse_scenario, parse_serve_plan};

fn shipped() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/examples");
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect()
}

fn check_located(text: &str) {
    let lines = text.split('\n').count().max(1);
    if let Err(ds) = parse_scenario("f.yaml", text) {
        assert!(!ds.is_empty(), "a refusal says why");
        for d in ds {
            assert_eq!(d.file, "f.yaml");
            assert!(
                d.line >= 1 && d.line <= lines + 1,
                "line {} of {lines}: {}",
                d.line,
                d.message
            );
            assert!(d.column >= 1, "{}", d.message);
            let _ = d.render(Some(text));
        }
    }
    let _ = parse_serve_plan("p.yaml", text);
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, String),
    DuplicateLine(usize),
    SwapLines(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..20usize).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<usize>(), "[ -~\\t\\n]{1,12}").prop_map(|(a, s)| Mutation::Insert(a, s)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut lines: Vec<&str> = text.lines().collect();
    match m {
        Mutation::Delete(at, n) => {
            let at = at % chars.len().max(1);
            let end = (at + n).min(chars.len());
            chars[..at].iter().chain(&chars[end..]).collect()
        }
        Mutation::Insert(at, s) => {
            let at = at % (chars.len() + 1);
            chars[..at]
                .iter()
                .copied()
                .chain(s.chars())
                .chain(chars[at..].iter().copied())
                .collect()
        }
        Mutation::DuplicateLine(i) if !lines.is_empty() => {
            let i = i % lines.len();
            lines.insert(i, lines[i]);
            lines.join("\n")
        }
        Mutation::SwapLines(a, b) if !lines.is_empty() => {
            let (a, b) = (a % lines.len(), b % lines.len());
            lines.swap(a, b);
            lines.join("\n")
        }
        _ => text.to_string(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,300}") {
        check_located(&text);
    }

    #[test]
    fn yaml_shaped_noise_never_panics(text in "([a-z_]{1,8}: ?(\\[|\\{|-|&a|\\*a|[0-9]{1,3}|\"x\"|\\|)?\\n {0,4}){1,20}") {
        check_located(&text);
    }

    #[test]
    fn mutated_scenarios_never_panic(which in any::<usize>(), ms in prop::collection::vec(mutation(), 1..4)) {
        let files = shipped();
        let mut text = files[which % files.len()].clone();
        for m in &ms {
            text = apply(&text, m);
        }
        check_located(&text);
    }
}

#[test]
fn oversized_files_are_refused_with_the_limit() {
    let text = format!("name: big\nsteps:\n{}", "  - wait: 1ms\n".repeat(100_000));
    let ds = parse_scenario("big.yaml", &text).unwrap_err();
    assert!(ds[0].message.contains("limited to"), "{}", ds[0].message);
}
