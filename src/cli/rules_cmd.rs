//! `suno-mock rules [--family ID]` and `suno-mock explain RULE`.

use crate::exit;
use crate::family::{CATALOGUE as FAMILIES, Family, media_refs};
use crate::job::suite;
use crate::rules::{self, CATALOGUE};

pub fn list(family: Option<&'static Family>) -> i32 {
    let width = CATALOGUE.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in CATALOGUE {
        let note = match family {
            Some(f)
                if !suite::applies(
                    r.id,
                    &rules::PlanFor {
                        family: f,
                        hmac: true,
                        token: true,
                    },
                ) =>
            {
                format!("  (skip for {}: nothing to deliver)", f.id)
            }
            _ => String::new(),
        };
        crate::console::outln!(
            "{:<width$}  {:<6}  {}{note}",
            r.id,
            r.level.name(),
            rules::in_words_of(r.summary, family)
        );
    }
    crate::console::outln!(
        "\nmust: fails the run · should: warns (fails under --strict) · info: never fails\nsuno-mock explain RULE says why and how to fix it"
    );
    match family {
        Some(f) => describe(f),
        None => {
            crate::console::outln!(
                "\nfamilies (--family ID; suno-mock rules --family ID for one in full):"
            );
            let w = FAMILIES.iter().map(|f| f.id.len()).max().unwrap_or(0);
            for f in FAMILIES {
                crate::console::outln!("  {:<w$}  {}", f.id, f.title);
            }
        }
    }
    exit::SUCCESS
}

/// One family in full: what `check` and `send` deliver for it.
fn describe(f: &Family) {
    let out = |label: &str, text: String| crate::console::outln!("  {label:<15} {text}");
    crate::console::outln!("\nfamily {}: {}", f.id, f.title);
    out("task id at", format!("`{}`", f.task_id_path));
    out("deliveries", f.stage_names().join(", "));
    let codes: Vec<String> = f
        .failure_codes
        .iter()
        .map(|c| format!("{} \"{}\"", c.code, c.msg))
        .collect();
    out("failure codes", codes.join(", "));
    let mut kinds: Vec<&str> = Vec::new();
    for m in f.stages.iter().flat_map(|s| media_refs(s.body)) {
        if !kinds.contains(&m.kind.ext()) {
            kinds.push(m.kind.ext());
        }
    }
    out(
        "media",
        if kinds.is_empty() {
            "none".into()
        } else {
            kinds.join(", ")
        },
    );
    for v in f.variants {
        out("variant", format!("{} ({})", v.name, v.stage));
    }
    out("deadline", crate::duration::Dur(f.deadline).to_string());
    out(
        "polling",
        format!("GET {} ({})", f.polling.path, f.polling.statuses.join(", ")),
    );
    out("checked also", f.checks_also.to_string());
}

pub fn explain(id: &str, family: Option<&'static Family>) -> i32 {
    let Some(r) = rules::find(id) else {
        crate::console::errln!("error: {}", rules::unknown_rule_message(id));
        return exit::USAGE;
    };
    let e = &r.explain;
    let w = |t: &str| rules::in_words_of(t, family);
    let head = match family {
        Some(f) => format!(" (for the {} family)", f.id),
        None => String::new(),
    };
    crate::console::outln!("{} ({}){head}: {}\n", r.id, r.level.name(), w(r.summary));
    crate::console::outln!("What the harness does:\n  {}\n", w(e.does));
    crate::console::outln!("It passes when:\n  {}\n", w(e.passes));
    crate::console::outln!("Why:\n  {}\n", w(e.why));
    crate::console::outln!("How to fix a failure:\n  {}", w(e.fix));
    if let Some(f) = family
        && !suite::applies(
            r.id,
            &rules::PlanFor {
                family: f,
                hmac: true,
                token: true,
            },
        )
    {
        crate::console::outln!(
            "\nFor the {} family, check skips it: nothing to deliver.",
            f.id
        );
    }
    exit::SUCCESS
}
