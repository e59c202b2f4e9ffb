//! What a running job tells the command as it goes, so it prints as things happen instead of
//! after a long silence: a scenario started, a scenario ended (and the rule it decided).

use std::sync::Arc;

use crate::outcome::ScenarioOutcome;
use crate::rules::RuleResult;
use crate::run::{Event, EventHook};

pub enum Progress<'a> {
    /// A scenario is about to run: 1-based `index` of `total`; `name` is its rule (for the
    /// suite) or its name, `file` the file it came from.
    Started {
        index: usize,
        total: usize,
        name: &'a str,
        file: &'a str,
    },
    /// A scenario ended; its outcome is final. Under `check`, `judged` is the verdict of the
    /// rule that rests on this scenario alone, the same the final report gives.
    Finished {
        outcome: &'a ScenarioOutcome,
        judged: Option<RuleResult>,
    },
}

/// Told of each [`Progress`] from the run's tasks, one at a time or at once: it must be cheap
/// and keep its own order.
pub type OnProgress = Arc<dyn Fn(Progress<'_>) + Send + Sync>;

/// `check`'s streaming judge: the verdict a scenario that just ended decides, if any.
pub(super) type Judge = Arc<dyn Fn(&ScenarioOutcome) -> Option<RuleResult> + Send + Sync>;

/// The engine's hook that tells `on` what happened, with `judge` adding the verdict a finished
/// scenario decides.
pub(super) fn hook(on: OnProgress, judge: Option<Judge>) -> EventHook {
    Arc::new(move |e: Event<'_>| match e {
        Event::Started {
            index,
            total,
            scenario,
        } => on(Progress::Started {
            index,
            total,
            name: scenario
                .scenario
                .rule
                .as_deref()
                .unwrap_or(&scenario.scenario.name),
            file: &scenario.file,
        }),
        Event::Finished(outcome) => on(Progress::Finished {
            outcome,
            judged: judge.as_ref().and_then(|j| j(outcome)),
        }),
    })
}
