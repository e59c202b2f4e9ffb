//! What every rule judges from: the run's outcome and how the run was set up; and the small
//! vocabulary rules answer in.

use std::time::Duration;

use crate::outcome::{Delivery, Observation, RunOutcome, ScenarioOutcome, ScenarioStatus};
use crate::wire::Input;
use crate::wire::describe;

/// A rule's finding before its level turns it into a verdict.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    Ok(String),
    Bad(String),
    Skip(String),
    Inconclusive(String),
}

#[derive(Debug, Clone)]
pub struct Judged {
    pub finding: Finding,
    pub deliveries: Vec<Delivery>,
    pub observations: Vec<Observation>,
}

impl Judged {
    pub fn new(finding: Finding) -> Judged {
        Judged {
            finding,
            deliveries: Vec::new(),
            observations: Vec::new(),
        }
    }

    pub fn with(finding: Finding, deliveries: Vec<Delivery>) -> Judged {
        Judged {
            finding,
            deliveries,
            observations: Vec::new(),
        }
    }
}

/// How the run was set up, as rules need to know it: built once per run, then a [`Context`]
/// for the whole outcome or for one scenario's as it ends.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The family the run delivered.
    pub family: &'static crate::family::Family,
    /// The run signs genuine deliveries (`--hmac-key`).
    pub hmac: bool,
    /// The receiver URL carries a token (`--token-param`).
    pub token: bool,
    /// A probe watches the receiver's state (`--probe-url` or `--probe-cmd`).
    pub probe: bool,
    /// The media links of the bodies are https (`--media-tls`).
    pub media_https: bool,
    /// The sender's deadline per attempt.
    pub deadline: Duration,
    /// fast-ack's threshold.
    pub fast_ack_p95: Duration,
    /// The most connections the run had open to the receiver at once, when bounded.
    pub connections: Option<usize>,
}

impl Setup {
    pub fn context<'a>(&'a self, run: &'a RunOutcome) -> Context<'a> {
        Context { run, setup: self }
    }
}

/// What a rule judges: an outcome (the whole run's, or one scenario's as it ends) and how
/// the run was set up.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub run: &'a RunOutcome,
    pub setup: &'a Setup,
}

impl<'a> Context<'a> {
    pub fn scenario(&self, rule: &str) -> Option<&'a ScenarioOutcome> {
        self.run
            .scenarios
            .iter()
            .find(|s| s.rule.as_deref() == Some(rule))
    }

    /// A finding that stands in for the rule's own when its scenario did not run properly: the
    /// harness failed, the run was interrupted, or it was cut short before the scenario's end
    /// (a receiver that answers nothing).
    pub fn scenario_problem(&self, rule: &str) -> Option<Finding> {
        let s = self.scenario(rule)?;
        let unfinished = s
            .steps
            .iter()
            .any(|st| st.status == crate::outcome::StepStatus::NotRun);
        match (s.status, &self.run.cut_short) {
            (ScenarioStatus::Error, _) => {
                let e = s
                    .steps
                    .iter()
                    .find_map(|st| st.error.clone())
                    .unwrap_or_default();
                Some(Finding::Inconclusive(format!(
                    "the harness could not run this rule's scenario: {e}"
                )))
            }
            (_, Some(why)) if unfinished => {
                Some(Finding::Inconclusive(format!("not judged: {why}")))
            }
            (ScenarioStatus::NotRun, _) => Some(Finding::Inconclusive(
                "the run was interrupted before this rule's scenario finished".into(),
            )),
            _ => None,
        }
    }

    /// The finding of a rule judged on its own scenario when Ctrl-C cut one of its attempts:
    /// an attempt cut is no measurement, whatever it would have shown is unknown.
    pub fn interrupted_in(&self, rule: &str) -> Option<Finding> {
        let d = self
            .scenario(rule)?
            .deliveries()
            .find(|d| d.interrupted())?;
        Some(Finding::Inconclusive(format!(
            "interrupted: the {} was in flight when the run was interrupted, so its answer is unknown",
            what(d)
        )))
    }

    /// Deliveries of this rule's scenario.
    pub fn deliveries(&self, rule: &str) -> Vec<Delivery> {
        self.scenario(rule)
            .map(|s| s.deliveries().cloned().collect())
            .unwrap_or_default()
    }

    /// Every well-formed delivery of the whole run.
    pub fn well_formed(&self) -> impl Iterator<Item = &'a Delivery> {
        self.run
            .deliveries()
            .filter(|d| d.input == Input::WellFormed)
    }

    /// The finding for a rule whose scenario was not part of this run.
    pub fn not_run(rule: &str) -> Finding {
        Finding::Skip(format!(
            "its scenario was not run (not selected by --only, or {rule} has no scenario in this run)"
        ))
    }
}

/// Deliveries whose first attempt was not answered with exactly 200, with a reason each.
pub fn not_200(ds: &[Delivery]) -> Vec<(&Delivery, String)> {
    ds.iter()
        .filter_map(|d| {
            let a = d.attempts.first()?;
            (a.status != Some(200)).then(|| (d, describe(a)))
        })
        .collect()
}

/// `the failure callback with code 451 (task_…)` and the like, for reasons.
pub fn what(d: &Delivery) -> String {
    format!("{} callback (task {})", d.label(), d.task_id)
}

/// A sentence naming the first offender and how many more there were.
pub fn first_and_more(items: &[(&Delivery, String)]) -> String {
    let (d, why) = &items[0];
    let more = if items.len() > 1 {
        format!(" (and {} more)", items.len() - 1)
    } else {
        String::new()
    };
    format!("{} {why}{more}", what(d))
}

/// What a rule reports before it looks at its evidence: `skip` when the family gives it nothing
/// to judge (`applies` false, saying `why`), `skip` when its scenario was not run.
pub fn before_judging(ctx: &Context<'_>, id: &str, applies: bool, why: &str) -> Option<Judged> {
    if !applies {
        return Some(Judged::new(Finding::Skip(format!(
            "the {} family {why}",
            ctx.setup.family.id
        ))));
    }
    ctx.scenario(id)
        .is_none()
        .then(|| Judged::new(Context::not_run(id)))
}

/// The advice for a side effect that cannot be observed, for what this run had: a run with a
/// probe is told to make it show the task's state, not to pass one.
pub fn observe_hint(setup: &Setup) -> String {
    let media = if setup.family.id == "video" {
        "video_url"
    } else {
        "the media URLs"
    };
    let probe = if setup.probe {
        "the probe given (--probe-url / --probe-cmd) showed no change: make it show what the receiver stores for the task (its row, its status)"
    } else {
        "pass --probe-url 'URL/{task_id}' (a GET that shows what the receiver stored) or --probe-cmd 'CMD {task_id}' (say, a row count)"
    };
    format!("{probe}, or make the receiver download {media}; {REUSED_SEED}")
}

/// Said with every diagnosis a reused `--seed` can cause: a receiver that keeps state has
/// seen the run's task ids before, so it rightly does nothing with them again.
pub const REUSED_SEED: &str = "if the receiver keeps state and this run reused an earlier --seed, it had seen these task ids already: use a new seed";

/// The shape of the simple rules: every delivery of the rule's scenario answered 200 first time.
pub fn answered_200(ctx: &Context<'_>, id: &str, ok: &str, bad_suffix: &str) -> Judged {
    if ctx.scenario(id).is_none() {
        return Judged::new(Context::not_run(id));
    }
    let ds = ctx.deliveries(id);
    if ds.is_empty() {
        return Judged::new(Finding::Inconclusive("nothing was delivered".into()));
    }
    let bad = not_200(&ds);
    let finding = if bad.is_empty() {
        Finding::Ok(ok.to_string())
    } else {
        Finding::Bad(first_and_more(&bad) + bad_suffix)
    };
    Judged::with(finding, ds)
}

/// The shape of the bad-input rules: every delivery answered 4xx (not 2xx, not 5xx, not silence).
pub fn answered_4xx(ctx: &Context<'_>, id: &str) -> Judged {
    if ctx.scenario(id).is_none() {
        return Judged::new(Context::not_run(id));
    }
    let ds = ctx.deliveries(id);
    if ds.is_empty() {
        return Judged::new(Finding::Inconclusive("nothing was delivered".into()));
    }
    let bad: Vec<_> = ds
        .iter()
        .filter_map(|d| {
            let a = d.attempts.first()?;
            let ok = a.status.is_some_and(|s| (400..500).contains(&s));
            (!ok).then(|| (d, describe(a)))
        })
        .collect();
    let finding = match bad.first() {
        None => {
            let statuses: Vec<_> = ds
                .iter()
                .filter_map(|d| d.attempts.first()?.status.map(|s| s.to_string()))
                .collect();
            Finding::Ok(format!(
                "refused all {} with {}",
                ds.len(),
                statuses.join(", ")
            ))
        }
        Some((d, why)) => {
            let accepted = d.attempts[0].status.is_some_and(|s| s < 300);
            let kind = if accepted {
                "accepted"
            } else {
                "did not refuse"
            };
            Finding::Bad(format!(
                "{kind} the {} delivery `{}`: it {why}{}",
                d.template,
                body_hint(d),
                if bad.len() > 1 {
                    format!(" (and {} more)", bad.len() - 1)
                } else {
                    String::new()
                }
            ))
        }
    };
    Judged::with(finding, ds)
}

fn body_hint(d: &Delivery) -> String {
    let b = &d.request.body;
    if b.is_empty() {
        "(empty body)".into()
    } else if b.chars().count() > 60 {
        format!("{}…", b.chars().take(60).collect::<String>())
    } else {
        b.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::observe_hint;
    use crate::rules::testkit::setup;

    #[test]
    fn a_run_with_a_probe_is_not_told_to_pass_one() {
        let mut s = setup("music");
        let with = observe_hint(&s);
        assert!(with.contains("the probe given"), "{with}");
        assert!(!with.contains("pass --probe-url"), "{with}");
        assert!(
            with.contains("the media URLs") && !with.contains("video_url"),
            "{with}"
        );
        s.probe = false;
        let without = observe_hint(&s);
        assert!(
            without.contains("pass --probe-url 'URL/{task_id}'")
                && without.contains("--probe-cmd 'CMD {task_id}' (say, a row count)"),
            "{without}"
        );
        assert!(observe_hint(&setup("video")).contains("download video_url"));
    }
}
