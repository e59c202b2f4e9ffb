//! `demo`'s report: what it is about to do, both checks' reports, and its verdict on whether
//! the harness flagged exactly the planted flaws.

use std::fmt::Write as _;
use std::time::Duration;

use super::style::Style;
use crate::duration::Dur;
use crate::outcome::demo::{Demo, DemoVerdict};

/// Said before the checks start.
pub fn intro(timeout: Duration) -> String {
    format!(
        "suno-mock demo: checking two built-in receivers on loopback, both verifying signatures and showing their state for --probe-url.\nThe demo uses a {} deadline and 100ms/200ms/400ms retry delays so it finishes quickly; `check` defaults to the documented 15 s.\n\n",
        Dur(timeout)
    )
}

pub fn human(d: &Demo, st: &Style) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "{}\n{}{}",
        st.bold("== reference receiver (no flaws)"),
        super::check::header(&d.reference.head),
        super::check::report(&d.reference.run, &d.reference.rules, st)
    );
    let _ = write!(
        out,
        "\n{}\n{}{}",
        st.bold(&format!(
            "== flawed receiver (planted: {})",
            d.planted.join(", ")
        )),
        super::check::header(&d.flawed.head),
        super::check::report(&d.flawed.run, &d.flawed.rules, st)
    );
    let _ = writeln!(out, "\n{}", st.bold("== verdict"));
    match &d.verdict {
        DemoVerdict::Interrupted => {
            let _ = writeln!(
                out,
                "{} the demo was stopped before both checks finished, so it cannot say whether the harness found exactly the planted flaws",
                st.bad("interrupted:")
            );
        }
        DemoVerdict::Exact { rules } => {
            let _ = writeln!(
                out,
                "{} the reference receiver passed every rule, and on the flawed one the harness flagged exactly the {} rules its {} planted flaws break: {}",
                st.good("ok:"),
                rules.len(),
                d.planted.len(),
                rules.join(", ")
            );
        }
        DemoVerdict::Mismatch {
            on_reference,
            missed,
            extra,
        } => {
            let _ = writeln!(
                out,
                "{} the harness did not find exactly the planted flaws",
                st.bad("MISMATCH:")
            );
            if !on_reference.is_empty() {
                let _ = writeln!(
                    out,
                    "  flagged on the reference receiver: {}",
                    on_reference.join(", ")
                );
            }
            if !missed.is_empty() {
                let _ = writeln!(out, "  planted but not flagged: {}", missed.join(", "));
            }
            if !extra.is_empty() {
                let _ = writeln!(out, "  flagged but not planted: {}", extra.join(", "));
            }
        }
    }
    out
}
