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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::drift::DriftGroup;

    #[test]
    fn each_stage_says_what_drifted_and_the_rest_matches() {
        let d = Drift {
            dir: "recordings".into(),
            bodies: 3,
            groups: vec![
                DriftGroup {
                    family: "music".into(),
                    stage: "complete".into(),
                    bodies: 2,
                    unknown: vec![("data.data[].newField".into(), 2)],
                    missing: vec!["data.data[].tags".into()],
                },
                DriftGroup {
                    family: "video".into(),
                    stage: "success".into(),
                    bodies: 1,
                    unknown: Vec::new(),
                    missing: Vec::new(),
                },
            ],
            unidentified: vec!["odd.yaml".into()],
            skipped: Vec::new(),
        };
        assert!(d.drifted());
        insta::assert_snapshot!(human(&d), @r"
        suno-mock drift · 3 recorded JSON bodies in recordings
        music complete (2 bodies):
          fields the docs do not know: data.data[].newField (2 of 2)
          documented fields that never arrived: data.data[].tags
        video success (1 body):
          matches the docs
        no family keeps its task id where these bodies do: odd.yaml
        ");
    }
}
