//! The `check` job: the rules selected and checked against what the run can judge, the suite
//! planned from each rule's declared needs, run on a session, judged whole at the end and
//! scenario by scenario as it goes (the streaming judge), the family hint added.

use std::time::Duration;

use std::sync::Arc;

use super::progress::{OnProgress, hook};
use super::suite;
use super::{JobError, Session};
use crate::outcome::{ProbeHealth, ProbeState, RunOutcome, ScenarioOutcome};
use crate::rules::{self, PlanFor, Rule, RuleResult, Setup};
use crate::run::Calibration;
use crate::scenario::{LoadedScenario, Step};

/// `check` stops sending once this many attempts went unanswered past the deadline while not
/// one had an answer: two, so a single lost connection never cuts a run short.
pub const GIVE_UP_AFTER: usize = 2;

/// What a `check` run judges and how.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The selected rule ids in the catalogue's spelling; empty: every rule.
    pub only: Vec<String>,
    pub fast_ack_p95: Duration,
    /// The suite's scenarios one after another instead of phase by phase.
    pub sequential: bool,
}

impl CheckOptions {
    /// Checks `only` as the user typed it: every id known, and every one with something to
    /// judge in a run declared as `declared` (otherwise it would run nothing and exit 0 as if
    /// it had checked).
    pub fn new(
        only: &[String],
        fast_ack_p95: Duration,
        sequential: bool,
        declared: &PlanFor<'_>,
    ) -> Result<CheckOptions, JobError> {
        let usage = JobError::Usage;
        let mut ids = Vec::new();
        for o in only {
            let r = rules::find(o)
                .ok_or_else(|| usage(format!("--only: {}", rules::unknown_rule_message(o))))?;
            if !r.plan.needs.met(declared) {
                return Err(usage(format!(
                    "--only {}: it has nothing to judge {}",
                    r.id,
                    r.plan.needs.unmet(declared)
                )));
            }
            ids.push(r.id.to_string());
        }
        Ok(CheckOptions {
            only: ids,
            fast_ack_p95,
            sequential,
        })
    }

    fn selects(&self, id: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|o| o == id)
    }

    /// The selected rules, in catalogue (report) order.
    pub fn rules(&self) -> impl Iterator<Item = &'static Rule> + '_ {
        rules::CATALOGUE.iter().filter(|r| self.selects(r.id))
    }
}

/// What a run will be, as its flags declare it before anything starts: the family, signed or
/// not, a token or not.
pub fn declared(
    family: &'static crate::family::Family,
    hmac: bool,
    token: bool,
) -> PlanFor<'static> {
    PlanFor {
        family,
        hmac,
        token,
    }
}

/// What planning the suite depends on, for a session.
pub fn plan_for(s: &Session) -> PlanFor<'static> {
    PlanFor {
        family: s.family,
        hmac: s.engine.sender.signs(),
        token: s.engine.cfg.token_param.is_some(),
    }
}

/// How the run was set up, as rules need to know it.
pub fn judging(s: &Session, opts: &CheckOptions) -> Setup {
    Setup {
        family: s.family,
        hmac: s.engine.sender.signs(),
        token: s.engine.cfg.token_param.is_some(),
        probe: s.engine.observer.config().has_probe(),
        media_https: s.engine.host.base_url().starts_with("https://"),
        deadline: s.engine.cfg.policy.timeout,
        fast_ack_p95: opts.fast_ack_p95,
        connections: s.engine.sender.connections(),
    }
}

/// The rules whose verdicts are decided as their own scenario ends, in report order.
pub fn streamed_rules(s: &Session, opts: &CheckOptions) -> Vec<&'static str> {
    suite::scenario_rules(&opts.only, &plan_for(s))
}

/// Runs the suite on a session and judges every selected rule; `on` hears of each scenario
/// as it starts and ends, with the verdict the ended one decided.
pub async fn run_check(
    s: &mut Session,
    opts: &CheckOptions,
    on: Option<OnProgress>,
) -> Result<(RunOutcome, Vec<RuleResult>), JobError> {
    s.engine.events = on.map(|on| hook(on, Some(Arc::new(streaming_judge(s, opts)))));
    let plan = suite::plan(&opts.only, &plan_for(s))?;
    let probe = checked_probe(s, &plan).await?;
    let mut run = s
        .engine
        .run_scheduled(&plan, &suite::schedule(&plan, opts.sequential))
        .await
        .map_err(|e| JobError::from(e).redacted(&s.secrets))?;
    run.probe = probe.map(|mut h| {
        if let Some(b) = s.engine.observer.breakage() {
            h.state = ProbeState::Broke;
            h.detail = format!("{}; then it stopped working, {b}", h.detail);
        }
        h
    });
    if !run.interrupted && run.cut_short.is_none() {
        run.hints.extend(s.engine.family_hint(s.family, &run).await);
    }
    let results = rules::judge_all(&judging(s, opts).context(&run), &opts.only);
    Ok((run, results))
}

/// The probe, checked before any rule rests on it: `None` without a probe or when no planned
/// scenario observes anything; a usage error when it cannot show a change.
async fn checked_probe(
    s: &Session,
    plan: &[LoadedScenario],
) -> Result<Option<ProbeHealth>, JobError> {
    let observes = plan.iter().any(|ls| {
        ls.scenario
            .steps
            .iter()
            .any(|st| matches!(st, Step::Observe(o) if o.role.is_some()))
    });
    if !observes {
        return Ok(None);
    }
    match s.engine.calibrate_probe(s.family).await {
        Some(Calibration::Unfit(why)) => Err(JobError::Usage(s.secrets.redact(&why))),
        Some(Calibration::Usable(h)) => Ok(Some(h)),
        None => Ok(None),
    }
}

/// The streaming judge: given a scenario that has just ended, the verdict of the selected
/// rule that rests on it alone, which is the one the final report gives (the rule reads
/// nothing but its own scenario). Rules of the whole run wait for the end.
fn streaming_judge(
    s: &Session,
    opts: &CheckOptions,
) -> impl Fn(&ScenarioOutcome) -> Option<RuleResult> + Send + Sync + 'static {
    let setup = judging(s, opts);
    let opts = opts.clone();
    let seed = s.engine.cfg.seed;
    let receiver = s.engine.receiver_display();
    let sender = s.engine.sender.clone();
    move |outcome: &ScenarioOutcome| {
        let rule = outcome.rule.as_deref().and_then(rules::find)?;
        if rule.whole_run || !opts.selects(rule.id) {
            return None;
        }
        let part = RunOutcome {
            seed,
            receiver: receiver.clone(),
            duration_ms: 0.0,
            interrupted: false,
            cut_short: sender.gave_up().map(str::to_string),
            probe: None,
            hints: Vec::new(),
            scenarios: vec![outcome.clone()],
        };
        Some(rule.result(&setup.context(&part)))
    }
}
