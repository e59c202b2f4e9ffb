//! `suno-mock rules` and `suno-mock explain RULE`.

use crate::exit;
use crate::rules::{self, CATALOGUE};

pub fn list() -> i32 {
    let width = CATALOGUE.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in CATALOGUE {
        println!("{:<width$}  {:<6}  {}", r.id, r.level.name(), r.summary);
    }
    println!(
        "\nmust: fails the run · should: warns (fails under --strict) · info: never fails\nsuno-mock explain RULE says why and how to fix it"
    );
    exit::SUCCESS
}

pub fn explain(id: &str) -> i32 {
    let Some(r) = rules::find(id) else {
        let ids: Vec<_> = rules::ids().collect();
        let hint = crate::scenario::diagnostic::did_you_mean(id, &ids)
            .map(|m| format!("did you mean `{m}`? "))
            .unwrap_or_default();
        eprintln!("error: no rule `{id}`; {hint}rules: {}", ids.join(", "));
        return exit::USAGE;
    };
    let e = &r.explain;
    println!("{} ({}): {}\n", r.id, r.level.name(), r.summary);
    println!("What the harness does:\n  {}\n", e.does);
    println!("It passes when:\n  {}\n", e.passes);
    println!("Why:\n  {}\n", e.why);
    println!("How to fix a failure:\n  {}", e.fix);
    exit::SUCCESS
}
