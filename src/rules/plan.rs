//! What a rule declares about its scenario in `check`: its phase, what it needs from the family
//! and the run, and how its scenario is fitted to them. Data only; `job::suite` plans from it.

use crate::family::Family;

/// When a rule's scenario runs in `check`, earlier phases first, the scenarios of one phase at
/// once: the well-formed callbacks; then the slow media of `async-processing` alone, because
/// a receiver that downloads in its handler and serves one request at a time would make every
/// callback beside it wait; then the bad input; then `survive-bad-input`, so a receiver that
/// dies on bad input is still judged fairly on everything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    WellFormed,
    SlowMedia,
    BadInput,
    AfterBadInput,
}

/// What a rule needs from the family and the run to have anything to deliver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    Nothing,
    /// Several success stages per task (music's text, first, complete).
    Stages,
    /// Media URLs in the success body.
    Media,
    /// An auth declaration: `--hmac-key` or `--token-param`.
    Auth,
    /// Nothing delivered: judged on the receiver URL alone, so no scenario of its own.
    TheUrl,
}

impl Needs {
    pub fn met(self, f: &PlanFor<'_>) -> bool {
        match self {
            Needs::Nothing | Needs::TheUrl => true,
            Needs::Stages => f.family.staged(),
            Needs::Media => f.family.has_media(),
            Needs::Auth => f.hmac || f.token,
        }
    }

    /// Why a rule that needs this has nothing to judge here, said after "has nothing to judge".
    pub fn unmet(self, f: &PlanFor<'_>) -> String {
        match self {
            Needs::Stages => format!(
                "in the {} family: it sends one callback per task (pass --family music, or another family with stages)",
                f.family.id
            ),
            Needs::Media => format!(
                "in the {} family: its callbacks carry no media",
                f.family.id
            ),
            Needs::Auth => "without an auth declaration: pass --hmac-key KEY (the receiver verifies X-Webhook-Signature) or --token-param NAME (its URL carries a secret)".into(),
            Needs::Nothing | Needs::TheUrl => String::new(),
        }
    }
}

/// What planning a rule's scenario depends on.
#[derive(Debug, Clone, Copy)]
pub struct PlanFor<'a> {
    pub family: &'a Family,
    pub hmac: bool,
    pub token: bool,
}

/// How a rule's scenario is planned in `check`: data on the rule, which the job layer's
/// planner (`job::suite`) reads; nothing there names a rule.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub phase: Phase,
    pub needs: Needs,
    /// How the scenario file is fitted to the family and the run.
    pub rewrite: Rewrite,
}

/// A fitting of a rule's scenario file to the family and the run, said as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rewrite {
    /// The file as it is.
    Nothing,
    /// One failure callback for every code the family documents, each answered 200.
    EveryFailureCode,
    /// One delivery of every documented variant, each for a task of its own.
    EveryVariant,
    /// Every success stage the family sends, in order, for one task (staged families).
    EveryStage,
    /// The body without the task id goes without it where this family keeps it.
    TaskIdWhereTheFamilyKeepsIt,
    /// Only the forged auth variants the run's declaration makes meaningful.
    DeclaredAuthOnly,
}
