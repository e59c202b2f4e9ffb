//! `suno-mock rules` and `suno-mock explain RULE`.

use crate::exit;
use crate::rules::{self, CATALOGUE};

pub fn list() -> i32 {
    let width = CATALOGUE.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in CATALOGUE {
        crate::console::outln!("{:<width$}  {:<6}  {}", r.id, r.level.name(), r.summary);
    }
    crate::console::outln!(
        "\nmust: fails the run · should: warns (fails under --strict) · info: never fails\nsuno-mock explain RULE says why and how to fix it"
    );
    exit::SUCCESS
}

pub fn explain(id: &str) -> i32 {
    let Some(r) = rules::find(id) else {
        crate::console::errln!("error: {}", rules::unknown_rule_message(id));
        return exit::USAGE;
    };
    let e = &r.explain;
    crate::console::outln!("{} ({}): {}\n", r.id, r.level.name(), r.summary);
    crate::console::outln!("What the harness does:\n  {}\n", e.does);
    crate::console::outln!("It passes when:\n  {}\n", e.passes);
    crate::console::outln!("Why:\n  {}\n", e.why);
    crate::console::outln!("How to fix a failure:\n  {}", e.fix);
    exit::SUCCESS
}
