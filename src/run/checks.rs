//! Expectations of a step turned into checks: what was expected, what came, whether it held.

use std::time::Duration;

use crate::duration::{Dur, human};
use crate::outcome::{Check, Delivery, Observation};
use crate::scenario::{Expect, ObserveStep};

fn check(what: &str, expected: String, actual: String, passed: bool, copy: Option<u32>) -> Check {
    Check {
        what: what.to_string(),
        expected,
        actual,
        passed,
        copy,
    }
}

/// What the last attempt amounted to, in words: `500`, `no answer (timeout)`.
pub fn answer(d: &Delivery) -> String {
    match d.last() {
        Some(a) => match (a.status, a.error) {
            (Some(s), _) => s.to_string(),
            (None, Some(e)) => format!("no answer ({e})"),
            (None, None) => "no answer".into(),
        },
        None => "not sent".into(),
    }
}

pub fn delivery_checks(e: &Expect, d: &Delivery) -> Vec<Check> {
    let copy = Some(d.copy);
    let mut out = Vec::new();
    if let Some(s) = &e.status {
        let passed = d.final_status().is_some_and(|st| s.matches(st));
        out.push(check("status", s.to_string(), answer(d), passed, copy));
    }
    if let Some(within) = e.within {
        let slowest = d
            .attempts
            .iter()
            .find(|a| a.status.is_none() || a.duration_ms > ms(within.0));
        let (passed, actual) = match slowest {
            None => {
                let max = d.attempts.iter().map(|a| a.duration_ms).fold(0.0, f64::max);
                (true, human(Duration::from_secs_f64(max / 1000.0)))
            }
            Some(a) if a.status.is_none() => (
                false,
                format!(
                    "attempt {} got no answer ({}) after {}",
                    a.number,
                    a.error.map(|e| e.name()).unwrap_or("error"),
                    human(Duration::from_secs_f64(a.duration_ms / 1000.0))
                ),
            ),
            Some(a) => (
                false,
                format!(
                    "attempt {} answered after {}",
                    a.number,
                    human(Duration::from_secs_f64(a.duration_ms / 1000.0))
                ),
            ),
        };
        out.push(check(
            "within",
            format!("every answer within {}", Dur(within.0)),
            actual,
            passed,
            copy,
        ));
    }
    if let Some(n) = e.attempts {
        let got = d.attempts.len() as u32;
        out.push(check(
            "attempts",
            n.to_string(),
            got.to_string(),
            got == n,
            copy,
        ));
    }
    if let Some(class) = &e.error {
        let got = d.last().and_then(|a| a.error);
        let actual = match got {
            Some(c) => c.name().to_string(),
            None => format!("no error (answered {})", answer(d)),
        };
        out.push(check(
            "error",
            class.clone(),
            actual,
            got.is_some_and(|g| g.name() == class),
            copy,
        ));
    }
    if let Some(ack) = e.acknowledged {
        out.push(check(
            "acknowledged",
            ack.to_string(),
            d.acknowledged.to_string(),
            d.acknowledged == ack,
            copy,
        ));
    }
    out
}

pub fn observation_checks(
    o: &ObserveStep,
    now: &Observation,
    saved: &std::collections::HashMap<String, Observation>,
) -> Vec<Check> {
    let mut out = Vec::new();
    if let Some(name) = &o.same_as
        && let Some(before) = saved.get(name)
    {
        out.push(check(
            "same_as",
            format!("same side effects as `{name}`: {}", before.summary()),
            now.summary(),
            now.same_effects(before),
            None,
        ));
    }
    if let Some(name) = &o.changed_from
        && let Some(before) = saved.get(name)
    {
        out.push(check(
            "changed_from",
            format!("side effects changed from `{name}`: {}", before.summary()),
            now.summary(),
            !now.same_effects(before),
            None,
        ));
    }
    if let Some(n) = o.downloads {
        out.push(check(
            "downloads",
            format!("{n} completed downloads"),
            format!(
                "{} completed of {} requests",
                now.downloads.completed, now.downloads.requests
            ),
            now.downloads.completed == n,
            None,
        ));
    }
    if !now.settled {
        out.push(check(
            "settled",
            "side effects stop changing".into(),
            format!(
                "still changing after {}",
                human(Duration::from_secs_f64(now.waited_ms / 1000.0))
            ),
            false,
            None,
        ));
    }
    out
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
