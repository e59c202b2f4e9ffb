//! The one comparison every side-effect rule makes: pick the observations by their declared
//! role, then, in this order, a bad answer, observations that never settled, a probe that
//! stopped working, a control that showed nothing (no evidence), and only then whether the
//! judged pair changed as it should. Two tasks are compared with the harness's own generated
//! values set aside (`generated.rs`).

use super::generated::{Effects, Generated, comparable};
use super::judge::{Context, Finding, Judged, first_and_more, not_200, observe_hint};
use crate::outcome::{Delivery, Observation};
use crate::wire::Role;

/// What the judged pair must show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Nothing changes between its two observations (duplicates, a late stage).
    Unchanged,
    /// Something changes (a `complete` after earlier stages, a failure recorded).
    Changed,
    /// Its second observation shows what the control's second one shows (a burst of copies
    /// against one delivery): compared across two tasks, the generated values set aside.
    AsControl,
}

/// Which side effects count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watch {
    /// Completed downloads and the probes.
    Everything,
    /// The probes only (downloads cannot show a failure being recorded).
    Probes,
}

/// A rule's comparison, declared as data.
#[derive(Debug, Clone, Copy)]
pub struct Comparison {
    pub rule: &'static str,
    /// The pair that must show the receiver acting: (before, after).
    pub control: (Role, Role),
    /// The pair judged.
    pub judged: (Role, Role),
    pub expect: Expect,
    pub watch: Watch,
    /// How reasons name the control's delivery: `the first delivery`, `complete`.
    pub control_is: &'static str,
}

/// A comparison that got as far as the judged pair.
#[derive(Debug, Clone)]
pub struct Compared {
    pub deliveries: Vec<Delivery>,
    /// Every observation with a role, in the scenario's order.
    pub observations: Vec<Observation>,
    pub control: (Observation, Observation),
    pub judged: (Observation, Observation),
    /// Whether the judged pair did what [`Comparison::expect`] asks.
    pub held: bool,
}

impl Compared {
    /// The rule's finding, with this comparison's evidence.
    pub fn judged(self, finding: Finding) -> Judged {
        Judged {
            finding,
            deliveries: self.deliveries,
            observations: self.observations,
        }
    }
}

/// The first observation of the rule's scenario in this role.
pub fn by_role(ctx: &Context<'_>, rule: &str, role: Role) -> Option<Observation> {
    observations(ctx, rule)
        .into_iter()
        .find(|o| o.role == Some(role))
}

/// Every observation of the rule's scenario that has a role, in order.
pub fn observations(ctx: &Context<'_>, rule: &str) -> Vec<Observation> {
    ctx.scenario(rule)
        .map(|s| {
            s.steps
                .iter()
                .filter_map(|st| st.observation.clone())
                .filter(|o| o.role.is_some())
                .collect()
        })
        .unwrap_or_default()
}

/// Whether two observations of one task show the same side effects.
pub fn same(a: &Observation, b: &Observation, watch: Watch) -> bool {
    let probes = a.probe_http == b.probe_http && a.probe_cmd == b.probe_cmd;
    match watch {
        Watch::Everything => probes && a.downloads.completed == b.downloads.completed,
        Watch::Probes => probes,
    }
}

fn watched(e: Effects, watch: Watch) -> Effects {
    match watch {
        Watch::Everything => e,
        Watch::Probes => Effects { downloads: 0, ..e },
    }
}

impl Comparison {
    /// Runs the comparison up to the judged pair; `Err` is the finding that stands instead (a
    /// bad answer, an unsettled or missing observation, a control that showed nothing).
    pub fn run(&self, ctx: &Context<'_>) -> Result<Compared, Judged> {
        let deliveries = ctx.deliveries(self.rule);
        let pick = |r: Role| by_role(ctx, self.rule, r);
        let roles = [self.control.0, self.control.1, self.judged.0, self.judged.1];
        let (Some(cb), Some(ca), Some(jb), Some(ja)) = (
            pick(roles[0]),
            pick(roles[1]),
            pick(roles[2]),
            pick(roles[3]),
        ) else {
            let names: Vec<&str> = roles.iter().map(|r| r.name()).collect();
            return Err(Judged::with(
                Finding::Inconclusive(format!(
                    "the scenario did not keep an observation in each role it needs ({})",
                    names.join(", ")
                )),
                deliveries,
            ));
        };
        let observations = observations(ctx, self.rule);
        let stop = |f: Finding| Judged {
            finding: f,
            deliveries: deliveries.clone(),
            observations: observations.clone(),
        };
        let bad = not_200(&deliveries);
        if !bad.is_empty() {
            return Err(stop(Finding::Bad(first_and_more(&bad))));
        }
        if [&cb, &ca, &jb, &ja].iter().any(|o| !o.settled) {
            return Err(stop(Finding::Inconclusive(
                "the side effects never settled; raise --max-wait or --settle".into(),
            )));
        }
        if same(&ca, &cb, self.watch) {
            let what = match self.watch {
                Watch::Everything => "the harness can observe",
                Watch::Probes => "the probe shows",
            };
            return Err(stop(Finding::Inconclusive(format!(
                "{} changed nothing {what} ({}), so nothing here can show whether the receiver {}; {}",
                self.control_is,
                ca.summary(),
                match self.expect {
                    Expect::Unchanged => "acts twice",
                    Expect::Changed | Expect::AsControl => "acts as it should",
                },
                observe_hint(ctx.setup)
            ))));
        }
        let held = match self.expect {
            Expect::Unchanged => same(&ja, &jb, self.watch),
            Expect::Changed => !same(&ja, &jb, self.watch),
            Expect::AsControl => {
                let (gj, gc) = (
                    Generated::of(&ja.task_id, &deliveries),
                    Generated::of(&ca.task_id, &deliveries),
                );
                let (ej, ec) = comparable(&ja, &gj, &ca, &gc);
                watched(ej, self.watch) == watched(ec, self.watch)
            }
        };
        Ok(Compared {
            deliveries,
            observations,
            control: (cb, ca),
            judged: (jb, ja),
            held,
        })
    }
}
