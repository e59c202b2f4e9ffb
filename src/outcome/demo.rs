//! What `demo` found: the check of the reference receiver, the check of the flawed one, the
//! flaws planted in it, and whether the harness flagged exactly the rules they break.

use super::RunOutcome;
use super::head::RunHead;
use super::verdict::RuleResult;

/// One of the demo's two checks.
#[derive(Debug, Clone)]
pub struct DemoCheck {
    pub head: RunHead,
    pub run: RunOutcome,
    pub rules: Vec<RuleResult>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DemoVerdict {
    /// Ctrl-C stopped a check before it finished: nothing can be said.
    Interrupted,
    /// The reference receiver passed every rule, and on the flawed one exactly the rules its
    /// flaws break were flagged.
    Exact { rules: Vec<&'static str> },
    Mismatch {
        /// Rules that did not pass on the reference receiver.
        on_reference: Vec<&'static str>,
        /// Rules a planted flaw breaks that were not flagged.
        missed: Vec<&'static str>,
        /// Rules flagged that no planted flaw breaks.
        extra: Vec<&'static str>,
    },
}

#[derive(Debug, Clone)]
pub struct Demo {
    /// The deadline each attempt had.
    pub timeout: std::time::Duration,
    pub reference: DemoCheck,
    pub flawed: DemoCheck,
    /// The planted flaws' names.
    pub planted: Vec<&'static str>,
    pub verdict: DemoVerdict,
}
