//! `drift`'s report: per family and stage, whether the recordings match the docs.

use std::fmt::Write as _;

use crate::outcome::drift::Drift;

pub fn human(d: &Drift) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "suno-mock drift · {} in {}",
        super::count(d.bodies, "recorded JSON body", "recorded JSON bodies"),
        d.dir.display()
    );
    for g in &d.groups {
        let _ = writeln!(
            out,
            "{} {} ({}):",
            g.family,
            g.stage,
            super::count(g.bodies, "body", "bodies")
        );
        if g.unknown.is_empty() && g.missing.is_empty() {
            let _ = writeln!(out, "  matches the docs");
            continue;
        }
        if !g.unknown.is_empty() {
            let list: Vec<String> = g
                .unknown
                .iter()
                .map(|(p, c)| format!("{p} ({c} of {})", g.bodies))
                .collect();
            let _ = writeln!(out, "  fields the docs do not know: {}", list.join(", "));
        }
        if !g.missing.is_empty() {
            let _ = writeln!(
                out,
                "  documented fields that never arrived: {}",
                g.missing.join(", ")
            );
        }
    }
    if !d.unidentified.is_empty() {
        let _ = writeln!(
            out,
            "no family keeps its task id where these bodies do: {}",
            d.unidentified.join(", ")
        );
    }
    if !d.skipped.is_empty() {
        let _ = writeln!(
            out,
            "skipped (no JSON body to compare): {}",
            d.skipped.join(", ")
        );
    }
    out
}
