//! The defects the flawed receiver can be given, each the way real receivers get it wrong, and
//! the rules each one should make the checker report.

use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Flaw {
    /// Answers 500 to failure callbacks ("the task failed, so we fail").
    FailOnFailure,
    /// Answers 202 to success callbacks.
    Answer202,
    /// Downloads the video before answering.
    BlockingDownload,
    /// Processes every copy of a task.
    NoDedup,
    /// Deduplicates with check-then-insert around a slow store: concurrent copies slip through.
    RacyDedup,
    /// Answers 500 to a body it cannot parse, then dies (503 to everything).
    CrashOnBadInput,
    /// Refuses unknown fields.
    StrictFields,
    /// Refuses `application/json; charset=utf-8`.
    StrictContentType,
    /// Trusts every request: no signature or token check.
    NoVerify,
    /// Never downloads the video.
    NeverDownload,
    /// Waits 1.2 s before answering.
    SlowAck,
    /// Deduplicates by task id alone: a task's `complete` after its `text` looks like a copy.
    DedupByTask,
    /// Processes a stage it has not seen even after a later one: a late `first` overwrites
    /// `complete`.
    LateStageOverwrites,
    /// Reads one example of the docs as a schema: refuses the variants the docs allow.
    RefuseVariants,
    /// Answers 200 to failure callbacks and records nothing.
    DropFailures,
}

impl Flaw {
    pub const ALL: [Flaw; 15] = [
        Flaw::FailOnFailure,
        Flaw::Answer202,
        Flaw::BlockingDownload,
        Flaw::NoDedup,
        Flaw::RacyDedup,
        Flaw::CrashOnBadInput,
        Flaw::StrictFields,
        Flaw::StrictContentType,
        Flaw::NoVerify,
        Flaw::NeverDownload,
        Flaw::SlowAck,
        Flaw::DedupByTask,
        Flaw::LateStageOverwrites,
        Flaw::RefuseVariants,
        Flaw::DropFailures,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Flaw::FailOnFailure => "fail-on-failure",
            Flaw::Answer202 => "answer-202",
            Flaw::BlockingDownload => "blocking-download",
            Flaw::NoDedup => "no-dedup",
            Flaw::RacyDedup => "racy-dedup",
            Flaw::CrashOnBadInput => "crash-on-bad-input",
            Flaw::StrictFields => "strict-fields",
            Flaw::StrictContentType => "strict-content-type",
            Flaw::NoVerify => "no-verify",
            Flaw::NeverDownload => "never-download",
            Flaw::SlowAck => "slow-ack",
            Flaw::DedupByTask => "dedup-by-task",
            Flaw::LateStageOverwrites => "late-stage-overwrites",
            Flaw::RefuseVariants => "refuse-variants",
            Flaw::DropFailures => "drop-failures",
        }
    }
}

impl Flaw {
    /// The rules this flaw is planted to break (with the reference receiver's other behaviour
    /// unchanged, and the run declaring --hmac-key and a probe, as `demo` does).
    pub fn breaks(self) -> &'static [&'static str] {
        match self {
            Flaw::FailOnFailure => &["ack-failure", "record-failure"],
            Flaw::Answer202 => &["ack-success"],
            Flaw::BlockingDownload => &["async-processing", "ack-deadline"],
            Flaw::NoDedup => &["idempotent-duplicate", "idempotent-concurrent"],
            Flaw::RacyDedup => &["idempotent-concurrent"],
            Flaw::CrashOnBadInput => &["reject-malformed", "reject-invalid", "survive-bad-input"],
            Flaw::StrictFields => &["tolerate-extra-fields"],
            Flaw::StrictContentType => &["accept-json-charset"],
            Flaw::NoVerify => &["verify-source"],
            Flaw::NeverDownload => &["download-media"],
            Flaw::SlowAck => &["fast-ack"],
            Flaw::DedupByTask => &["stages-not-duplicates"],
            Flaw::LateStageOverwrites => &["stale-stage"],
            Flaw::RefuseVariants => &["accept-documented-variants"],
            Flaw::DropFailures => &["record-failure"],
        }
    }
}

impl Flaw {
    /// The rules this flaw leaves with nothing to judge by (inconclusive, never pass): a
    /// receiver that never acts on `complete` gives stale-stage no control.
    pub fn blinds(self) -> &'static [&'static str] {
        match self {
            Flaw::DedupByTask => &["stale-stage"],
            _ => &[],
        }
    }
}

impl FromStr for Flaw {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Flaw::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Flaw::ALL.iter().map(|f| f.name()).collect();
                format!("unknown flaw `{s}`; one of: {}", names.join(", "))
            })
    }
}

#[derive(Debug, Clone, Default)]
pub struct Flaws(pub Vec<Flaw>);

impl Flaws {
    pub fn has(&self, f: Flaw) -> bool {
        self.0.contains(&f)
    }
}
