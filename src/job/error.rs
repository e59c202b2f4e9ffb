//! Why a job could not be set up or run, as one typed enum with one exit status per kind
//! (`exit_code`), so a command prints the message and exits with what the contract documents.
//! Each engine's own error converts in with `From`; nothing here is matched by its text.

use std::path::PathBuf;

use crate::exit;

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// A flag or value no parser could refuse alone (exit 2).
    #[error("{0}")]
    Usage(String),
    /// A path given that cannot be read (exit 2).
    #[error(transparent)]
    Unreadable(#[from] crate::scenario::Unreadable),
    /// Files that do not parse: each diagnostic rendered with the lines it quotes, and the
    /// total `within` what was read (exit 3).
    #[error("{} in {within}", crate::wire::words::plural(*errors, "error"))]
    Invalid {
        rendered: Vec<String>,
        errors: usize,
        within: &'static str,
    },
    /// A certificate or key given for serving TLS that does not load (exit 2).
    #[error(transparent)]
    Tls(#[from] crate::http_server::TlsError),
    /// Shard reports that are not of one run, or not all of it (exit 2).
    #[error(transparent)]
    Merge(#[from] crate::load::MergeError),
    /// A file given to `merge` that is not a load report (exit 2).
    #[error("{file}:{}:{}: not a load report ({source}); give the files `load --report-json` wrote", source.line(), source.column())]
    NotALoadReport {
        file: String,
        #[source]
        source: serde_json::Error,
    },
    /// A `--ca-cert` that gives no trust anchor (exit 2).
    #[error(transparent)]
    #[cfg(feature = "cli")]
    CaCert(#[from] crate::doctor::CaCertError),
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// Nothing listens at the receiver before the first delivery (exit 4).
    #[error(transparent)]
    Unreachable(#[from] crate::run::Unreachable),
    #[error(transparent)]
    Run(#[from] crate::run::RunError),
    /// A port that cannot be bound (exit 4).
    #[error(transparent)]
    Serve(#[from] crate::http_server::ServeError),
    #[error(transparent)]
    Receiver(#[from] crate::receiver::StartError),
    #[error(transparent)]
    Recorder(#[from] crate::record::StartError),
    #[error(transparent)]
    Client(#[from] crate::sender::ClientError),
    #[error("--media-tls: {0}")]
    MediaTls(#[source] crate::artifacts::local_ca::CaError),
    #[error(transparent)]
    LocalCa(crate::artifacts::local_ca::CaError),
    #[error(transparent)]
    Load(#[from] crate::load::LoadError),
    #[error(transparent)]
    Fuzz(#[from] crate::fuzz::FuzzError),
    #[error(transparent)]
    Observe(#[from] crate::observe::ObserveError),
    /// The JUnit XML writer failed.
    #[error("cannot write JUnit XML: {0}")]
    #[cfg(feature = "cli")]
    Junit(#[from] quick_junit::SerializeError),
    /// The load report (with its encoded histogram) does not serialise.
    #[error("cannot write the JSON report: {0}")]
    Json(#[from] serde_json::Error),
    /// A report that cannot be written; `before_run` when found before anything was sent.
    #[error(
        "cannot write the report {}: {source}{}",
        path.display(),
        if *before_run { "; nothing was sent" } else { "" }
    )]
    Report {
        path: PathBuf,
        #[source]
        source: std::io::Error,
        before_run: bool,
    },
    /// A folder the job writes into that cannot be made.
    #[error("cannot create the findings folder {}: {source}", path.display())]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "cannot append the step summary to `{}` (GITHUB_STEP_SUMMARY): {source}",
        path.display()
    )]
    StepSummary {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The suite compiled into the binary does not load for a family: a bug in suno-mock.
    #[error(
        "the built-in suite does not parse for the {family} family (a bug in suno-mock): {first}"
    )]
    Suite { family: &'static str, first: String },
    /// The same error with the run's secrets masked in its message.
    #[error("{shown}")]
    Redacted {
        shown: String,
        #[source]
        source: Box<JobError>,
    },
}

impl JobError {
    /// The whole message: a file's rendered diagnostics (with the lines they quote), then the
    /// error's own sentence; every other kind, its sentence.
    pub fn full_message(&self) -> String {
        match self {
            JobError::Invalid { rendered, .. } => format!("{}{self}", rendered.concat()),
            _ => self.to_string(),
        }
    }

    /// The exit status this error ends the command with (docs/contract.md, exit status).
    pub fn exit_code(&self) -> i32 {
        match self {
            #[cfg(feature = "cli")]
            JobError::CaCert(_) => exit::USAGE,
            #[cfg(feature = "cli")]
            JobError::Junit(_) => exit::HARNESS,
            JobError::Usage(_)
            | JobError::Unreadable(_)
            | JobError::Tls(_)
            | JobError::Merge(_)
            | JobError::NotALoadReport { .. } => exit::USAGE,
            JobError::Invalid { .. } => exit::INVALID_SCENARIO,
            JobError::Redacted { source, .. } => source.exit_code(),
            JobError::Runtime(_)
            | JobError::Unreachable(_)
            | JobError::Run(_)
            | JobError::Serve(_)
            | JobError::Receiver(_)
            | JobError::Recorder(_)
            | JobError::Client(_)
            | JobError::MediaTls(_)
            | JobError::LocalCa(_)
            | JobError::Load(_)
            | JobError::Fuzz(_)
            | JobError::Observe(_)
            | JobError::Json(_)
            | JobError::Report { .. }
            | JobError::Folder { .. }
            | JobError::StepSummary { .. }
            | JobError::Suite { .. } => exit::HARNESS,
        }
    }

    /// This error with `secrets` masked in its message; its kind and exit status kept.
    pub fn redacted(self, secrets: &crate::secrets::Secrets) -> JobError {
        let text = self.to_string();
        let shown = secrets.redact(&text);
        if shown == text {
            return self;
        }
        JobError::Redacted {
            shown,
            source: Box::new(self),
        }
    }

    /// Scenario files (or a plan) that did not load, their diagnostics rendered.
    pub fn from_load(e: crate::scenario::LoadError, within: &'static str) -> JobError {
        match e {
            crate::scenario::LoadError::Path(p) => JobError::Unreadable(p),
            crate::scenario::LoadError::Invalid(ds) => JobError::Invalid {
                errors: ds.iter().filter(|(d, _)| !d.warning).count(),
                rendered: ds.iter().map(|(d, src)| d.render(src.as_deref())).collect(),
                within,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each kind of error against the status docs/contract.md gives it.
    #[test]
    fn every_kind_has_its_documented_status() {
        let io = || std::io::Error::other("x");
        let cases: Vec<(JobError, i32)> = vec![
            (
                JobError::Usage("--timeout must be more than zero".into()),
                2,
            ),
            (
                JobError::Unreadable(crate::scenario::Unreadable::NoFiles("`x`".into())),
                2,
            ),
            (
                JobError::Invalid {
                    rendered: vec![],
                    errors: 2,
                    within: "scenario files",
                },
                3,
            ),
            (
                JobError::Serve(crate::http_server::ServeError::Bind {
                    addr: ([127, 0, 0, 1], 1).into(),
                    source: io(),
                }),
                4,
            ),
            (
                JobError::Report {
                    path: "r.json".into(),
                    source: io(),
                    before_run: true,
                },
                4,
            ),
        ];
        for (e, code) in cases {
            assert_eq!(e.exit_code(), code, "{e}");
        }
    }

    #[test]
    fn a_redacted_error_keeps_its_status_and_masks_the_secret() {
        let mut s = crate::secrets::Secrets::default();
        s.add("tok-123");
        let e = JobError::Usage("bad --receiver http://h/cb?t=tok-123".into()).redacted(&s);
        assert_eq!(e.to_string(), "bad --receiver http://h/cb?t=***");
        assert_eq!(e.exit_code(), exit::USAGE);
        assert!(matches!(e, JobError::Redacted { .. }));
    }

    #[test]
    fn the_total_of_invalid_files_counts_errors_not_warnings() {
        let e = JobError::Invalid {
            rendered: vec!["a".into(), "b".into()],
            errors: 1,
            within: "the plan",
        };
        assert_eq!(e.to_string(), "1 error in the plan");
    }
}
