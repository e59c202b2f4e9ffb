//! `rules` and `explain`: the rule catalogue and the family catalogue in words, for one
//! family when given.

use std::fmt::Write as _;

use crate::family::{CATALOGUE as FAMILIES, Family, media_refs};
use crate::rules::{self, CATALOGUE, Rule};

/// Every rule, one line each (with `family`, the ones `check` skips for it marked by
/// `applies`), then the families, or `family` in full.
pub fn list(family: Option<&'static Family>, applies: &dyn Fn(&str) -> bool) -> String {
    let mut out = String::new();
    let width = CATALOGUE.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in CATALOGUE {
        let note = match family {
            Some(f) if !applies(r.id) => format!("  (skip for {}: nothing to deliver)", f.id),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "{:<width$}  {:<6}  {}{note}",
            r.id,
            r.level.name(),
            rules::in_words_of(r.summary, family)
        );
    }
    out.push_str(
        "\nmust: fails the run · should: warns (fails under --strict) · info: never fails\nsuno-mock explain RULE says why and how to fix it\n",
    );
    match family {
        Some(f) => describe(&mut out, f),
        None => {
            out.push_str(
                "\nfamilies (--family ID; suno-mock rules --family ID for one in full):\n",
            );
            let w = FAMILIES.iter().map(|f| f.id.len()).max().unwrap_or(0);
            for f in FAMILIES {
                let _ = writeln!(out, "  {:<w$}  {}", f.id, f.title);
            }
        }
    }
    out
}

/// One family in full: what `check` and `send` deliver for it.
fn describe(out: &mut String, f: &Family) {
    let _ = writeln!(out, "\nfamily {}: {}", f.id, f.title);
    let mut line = |label: &str, text: String| {
        let _ = writeln!(out, "  {label:<15} {text}");
    };
    line("task id at", format!("`{}`", f.task_id_path));
    line("deliveries", f.stage_names().join(", "));
    let codes: Vec<String> = f
        .failure_codes
        .iter()
        .map(|c| format!("{} \"{}\"", c.code, c.msg))
        .collect();
    line("failure codes", codes.join(", "));
    let mut kinds: Vec<&str> = Vec::new();
    for m in f.stages.iter().flat_map(|s| media_refs(s.body)) {
        if !kinds.contains(&m.kind.ext()) {
            kinds.push(m.kind.ext());
        }
    }
    line(
        "media",
        if kinds.is_empty() {
            "none".into()
        } else {
            kinds.join(", ")
        },
    );
    for v in f.variants {
        line("variant", format!("{} ({})", v.name, v.stage));
    }
    line("deadline", crate::duration::Dur(f.deadline).to_string());
    line(
        "polling",
        format!("GET {} ({})", f.polling.path, f.polling.statuses.join(", ")),
    );
    line("checked also", f.checks_also.to_string());
}

/// One rule in full, in `family`'s words when given; `applies` is false when `check` skips it
/// for that family.
pub fn explain(r: &Rule, family: Option<&'static Family>, applies: bool) -> String {
    let e = &r.explain;
    let w = |t: &str| rules::in_words_of(t, family);
    let head = match family {
        Some(f) => format!(" (for the {} family)", f.id),
        None => String::new(),
    };
    let mut out = format!(
        "{} ({}){head}: {}\n\nWhat the harness does:\n  {}\n\nIt passes when:\n  {}\n\nWhy:\n  {}\n\nHow to fix a failure:\n  {}\n",
        r.id,
        r.level.name(),
        w(r.summary),
        w(e.does),
        w(e.passes),
        w(e.why),
        w(e.fix)
    );
    if let Some(f) = family
        && !applies
    {
        let _ = writeln!(
            out,
            "\nFor the {} family, check skips it: nothing to deliver.",
            f.id
        );
    }
    out
}
