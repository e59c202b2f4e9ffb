//! [`Check`]: `suno-mock check` from a test, its verdicts as data.

use std::time::Duration;

use super::Error;
use crate::job::check::{CheckOptions, GIVE_UP_AFTER, declared, run_check};
use crate::job::settings::SendSettings;
use crate::job::settings::{ReceiverTarget, Settings, observe};
use crate::job::{Limits, Session, exit_policy};
use crate::observe::ObserveConfig;
pub use crate::outcome::verdict::{Level, Verdict};
use crate::sender::Policy;

/// The conformance check of a callback receiver: the provider's callbacks (successes,
/// failures, duplicates, concurrent copies, malformed and forged bodies) sent to it over real
/// HTTP, each rule judged from its answers and, with a probe, from what it stored. The same
/// run as `suno-mock check`, with the same defaults.
///
/// ```
/// # #[tokio::main]
/// # async fn main() -> Result<(), suno_mock::Error> {
/// # let rec = suno_mock::receiver::start(Default::default(), ([127, 0, 0, 1], 0).into()).await.unwrap();
/// # let (callback, probe) = (format!("{}/callback", rec.server.url()), rec.probe_url());
/// // `callback` is the receiver's callback URL, `probe` shows what it stored of a task:
/// // "http://127.0.0.1:3000/callback", "http://127.0.0.1:3000/state/{task_id}".
/// let report = suno_mock::Check::new(callback)
///     .probe_url(probe)
///     .only(["ack-success", "idempotent-duplicate"])
///     .seed(7)
///     .run()
///     .await?;
/// report.assert_passed();
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Check {
    receiver: String,
    family: String,
    hmac_key: Option<String>,
    token_param: Option<String>,
    probe_url: Option<String>,
    probe_cmd: Option<String>,
    only: Vec<String>,
    seed: Option<u64>,
    deadline: Option<Duration>,
    retry_delays: Vec<Duration>,
    settle: Duration,
    max_wait: Duration,
    fast_ack_p95: Duration,
    connections: u16,
    strict: bool,
}

impl Check {
    /// A check of the receiver at `receiver_url` (the URL the application gives as
    /// `callBackUrl`), with `suno-mock check`'s defaults: family `video`, a 15 s deadline, 3
    /// retries after 1 s, 2 s and 4 s, every rule.
    ///
    /// ```
    /// let check = suno_mock::Check::new("http://127.0.0.1:3000/callback");
    /// # drop(check);
    /// ```
    pub fn new(receiver_url: impl Into<String>) -> Check {
        Check {
            receiver: receiver_url.into(),
            family: crate::family::DEFAULT.to_string(),
            hmac_key: None,
            token_param: None,
            probe_url: None,
            probe_cmd: None,
            only: Vec::new(),
            seed: None,
            deadline: None,
            retry_delays: [1, 2, 4].map(Duration::from_secs).to_vec(),
            settle: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
            fast_ack_p95: Duration::from_secs(1),
            connections: 5,
            strict: false,
        }
    }

    /// The callback family to send (default `video`; see [`family_ids`](super::family_ids)).
    ///
    /// ```
    /// let check = suno_mock::Check::new("http://127.0.0.1:3000/callback").family("music");
    /// # drop(check);
    /// ```
    pub fn family(mut self, id: impl Into<String>) -> Self {
        self.family = id.into();
        self
    }

    /// Sign every callback with this HMAC key, as the receiver verifies them; the forged ones
    /// (unsigned, wrong key, stale timestamp) are then sent to `verify-source`.
    ///
    /// ```
    /// let check = suno_mock::Check::new("http://127.0.0.1:3000/callback").hmac_key("secret");
    /// # drop(check);
    /// ```
    pub fn hmac_key(mut self, key: impl Into<String>) -> Self {
        self.hmac_key = Some(key.into());
        self
    }

    /// The query parameter of the receiver URL that carries its secret token; the URL without
    /// it and with a wrong one are then sent to `verify-source`.
    ///
    /// ```
    /// let check = suno_mock::Check::new("http://127.0.0.1:3000/callback?token=t1").token_param("token");
    /// # drop(check);
    /// ```
    pub fn token_param(mut self, name: impl Into<String>) -> Self {
        self.token_param = Some(name.into());
        self
    }

    /// A URL showing what the receiver stored of a task, `{task_id}` where its id goes: what
    /// lets the idempotency rules see a duplicate processed twice.
    ///
    /// ```
    /// let check = suno_mock::Check::new("http://127.0.0.1:3000/callback")
    ///     .probe_url("http://127.0.0.1:3000/state/{task_id}");
    /// # drop(check);
    /// ```
    pub fn probe_url(mut self, url: impl Into<String>) -> Self {
        self.probe_url = Some(url.into());
        self
    }

    /// A command printing what the receiver stored of a task, `{task_id}` where its id goes
    /// (`psql -tAc "select ... where task_id = '{task_id}'"`).
    ///
    /// ```
    /// let check = suno_mock::Check::new("http://127.0.0.1:3000/callback")
    ///     .probe_cmd("cat /tmp/tasks/{task_id}.json");
    /// # drop(check);
    /// ```
    pub fn probe_cmd(mut self, cmd: impl Into<String>) -> Self {
        self.probe_cmd = Some(cmd.into());
        self
    }

    /// Judge only these rules (see [`rule_ids`](super::rule_ids)); checked by `run`.
    ///
    /// ```
    /// let check = suno_mock::Check::new("http://127.0.0.1:3000/callback")
    ///     .only(["ack-success", "ack-failure"]);
    /// # drop(check);
    /// ```
    pub fn only<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.only = ids.into_iter().map(Into::into).collect();
        self
    }

    /// The seed of every id and body (default: random, printed in the report): the same seed
    /// sends the same callbacks.
    ///
    /// ```
    /// let check = suno_mock::Check::new("http://127.0.0.1:3000/callback").seed(7);
    /// # drop(check);
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The deadline of each attempt (default: the family's documented one, 15 s).
    ///
    /// ```
    /// # use std::time::Duration;
    /// let check = suno_mock::Check::new("http://127.0.0.1:3000/callback").deadline(Duration::from_secs(2));
    /// # drop(check);
    /// ```
    pub fn deadline(mut self, d: Duration) -> Self {
        self.deadline = Some(d);
        self
    }

    /// The waits before each retry; their number is the number of retries (default 1 s, 2 s,
    /// 4 s).
    ///
    /// ```
    /// # use std::time::Duration;
    /// let check = suno_mock::Check::new("http://127.0.0.1:3000/callback")
    ///     .retry_delays([Duration::from_millis(10); 3]);
    /// # drop(check);
    /// ```
    pub fn retry_delays(mut self, delays: impl IntoIterator<Item = Duration>) -> Self {
        self.retry_delays = delays.into_iter().collect();
        self
    }

    /// How long the probe's answer must stay the same before a task counts as settled
    /// (default 500 ms), and the most to wait for that (default 60 s).
    ///
    /// ```
    /// # use std::time::Duration;
    /// let check = suno_mock::Check::new("http://127.0.0.1:3000/callback")
    ///     .settle(Duration::from_millis(200), Duration::from_secs(10));
    /// # drop(check);
    /// ```
    pub fn settle(mut self, quiet: Duration, max_wait: Duration) -> Self {
        self.settle = quiet;
        self.max_wait = max_wait;
        self
    }

    /// A should rule that warns or is inconclusive fails the check (`--strict`).
    ///
    /// ```
    /// let check = suno_mock::Check::new("http://127.0.0.1:3000/callback").strict(true);
    /// # drop(check);
    /// ```
    pub fn strict(mut self, yes: bool) -> Self {
        self.strict = yes;
        self
    }

    /// Runs the check on the caller's tokio runtime (any flavour).
    ///
    /// ```
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), suno_mock::Error> {
    /// # let rec = suno_mock::receiver::start(Default::default(), ([127, 0, 0, 1], 0).into()).await.unwrap();
    /// # let (callback, probe) = (format!("{}/callback", rec.server.url()), rec.probe_url());
    /// let report = suno_mock::Check::new(callback).only(["ack-success"]).run().await?;
    /// println!("{}", report.human());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] for an option that cannot be used (an unknown family or rule id, a
    /// URL that is not one, a probe without `{task_id}`, a probe that shows no change);
    /// [`Error::Unreachable`] when the receiver cannot be reached before the first delivery;
    /// [`Error::Harness`] when the harness itself cannot start.
    pub async fn run(self) -> Result<CheckReport, Error> {
        let family = super::family(&self.family)?;
        let url = url::Url::parse(&self.receiver)
            .map_err(|e| Error::Invalid(format!("receiver {}: {e}", self.receiver)))?;
        let declared = declared(family, self.hmac_key.is_some(), self.token_param.is_some());
        let opts = CheckOptions::new(&self.only, self.fast_ack_p95, false, &declared)?;
        let policy = Policy {
            timeout: self.deadline.unwrap_or(family.deadline),
            retries: u32::try_from(self.retry_delays.len()).unwrap_or(u32::MAX),
            retry_delays: self.retry_delays.clone(),
            ..Policy::default()
        };
        let settings = Settings {
            receiver: ReceiverTarget::Url(url),
            family,
            send: SendSettings::new(policy, self.hmac_key.clone(), false)?,
            token_param: self.token_param.clone(),
            artifact_listen: ([127, 0, 0, 1], 0).into(),
            artifact_base_url: None,
            media_tls: false,
            seed: self.seed.unwrap_or_else(rand::random),
            observe: observe(ObserveConfig {
                probe_url: self.probe_url.clone(),
                probe_cmd: self.probe_cmd.clone(),
                settle: self.settle,
                max_wait: self.max_wait,
            })?,
            limits: Limits {
                connections: Some(self.connections.into()),
                give_up_after: Some(GIVE_UP_AFTER),
            },
            // A library leaves the process's signals to the process.
            watch_signals: false,
        };
        let mut session = Session::start(settings).await?;
        let head = session.head();
        let (run, results) = run_check(&mut session, &opts, None).await?;
        let code = exit_policy::check(&run, &results, self.strict);
        let plain = crate::report::Style::default();
        let human = crate::report::check::header(&head)
            + &crate::report::check::report(&run, &results, &plain);
        let secrets = &session.secrets;
        // The report's text, secrets masked as in every report the command writes, read back:
        // the evidence below comes from it, so no token in a URL reaches the caller either.
        let json = secrets.redact(&crate::report::json::report(
            "check",
            &run,
            Some(&results),
            code,
        ));
        let json: serde_json::Value = serde_json::from_str(&json)
            .map_err(|e| Error::Harness(format!("the JSON report: {e}")))?;
        let rules = results
            .iter()
            .zip(json["rules"].as_array().into_iter().flatten())
            .map(|(r, j)| RuleReport {
                id: r.id,
                level: r.level,
                verdict: r.verdict,
                reason: r.reason.clone(),
                fix: crate::rules::find(r.id).map_or("", |rule| rule.explain.fix),
                evidence: j["evidence"].clone(),
            })
            .collect();
        Ok(CheckReport {
            exit_code: code,
            rules,
            human: secrets.redact(&human),
            json,
        })
    }

    /// [`run`](Self::run) for a test that is not async: on a runtime of its own, on a thread
    /// of its own (so it may be called from inside another runtime too).
    ///
    /// ```
    /// # let rt = tokio::runtime::Runtime::new().unwrap();
    /// # let rec = rt.block_on(suno_mock::receiver::start(Default::default(), ([127, 0, 0, 1], 0).into())).unwrap();
    /// # let callback = format!("{}/callback", rec.server.url());
    /// // In a `#[test] fn` that is not async:
    /// let report = suno_mock::Check::new(callback)
    ///     .only(["ack-success", "ack-failure"])
    ///     .run_blocking()
    ///     .expect("the check ran");
    /// report.assert_passed();
    /// ```
    ///
    /// # Errors
    /// As [`run`](Self::run).
    pub fn run_blocking(self) -> Result<CheckReport, Error> {
        std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let rt = crate::job::runtime()?;
                    rt.block_on(self.run())
                })
                .join()
                .unwrap_or_else(|_| Err(Error::Harness("the check's thread panicked".into())))
        })
    }
}

/// What a [`Check`] found: the same data as `suno-mock check --report-json`.
///
/// ```
/// # #[tokio::main]
/// # async fn main() -> Result<(), suno_mock::Error> {
/// # let rec = suno_mock::receiver::start(Default::default(), ([127, 0, 0, 1], 0).into()).await.unwrap();
/// # let callback = format!("{}/callback", rec.server.url());
/// let report = suno_mock::Check::new(callback).only(["ack-success"]).run().await?;
/// assert!(report.passed(), "{}", report.human());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct CheckReport {
    exit_code: i32,
    rules: Vec<RuleReport>,
    human: String,
    json: serde_json::Value,
}

impl CheckReport {
    /// Every must rule was seen to hold, and, under [`Check::strict`], every should rule
    /// (what `suno-mock check` exits 0 for).
    ///
    /// ```
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), suno_mock::Error> {
    /// # let rec = suno_mock::receiver::start(Default::default(), ([127, 0, 0, 1], 0).into()).await.unwrap();
    /// # let callback = format!("{}/callback", rec.server.url());
    /// let report = suno_mock::Check::new(callback).only(["ack-success", "ack-failure"]).run().await?;
    /// if !report.passed() {
    ///     eprintln!("{}", report.human());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn passed(&self) -> bool {
        self.exit_code == crate::exit::SUCCESS
    }

    /// The status `suno-mock check` would exit with: 0 passed, 1 a rule failed (or a must
    /// rule could not be verified), 4 the harness failed during the run.
    ///
    /// ```
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), suno_mock::Error> {
    /// # let rec = suno_mock::receiver::start(Default::default(), ([127, 0, 0, 1], 0).into()).await.unwrap();
    /// # let callback = format!("{}/callback", rec.server.url());
    /// let report = suno_mock::Check::new(callback).only(["ack-success", "ack-failure"]).run().await?;
    /// assert_eq!(report.exit_code(), 0);
    /// # Ok(()) }
    /// ```
    pub fn exit_code(&self) -> i32 {
        self.exit_code
    }

    /// Every rule judged, in report order.
    ///
    /// ```
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), suno_mock::Error> {
    /// # let rec = suno_mock::receiver::start(Default::default(), ([127, 0, 0, 1], 0).into()).await.unwrap();
    /// # let callback = format!("{}/callback", rec.server.url());
    /// let report = suno_mock::Check::new(callback).only(["ack-success", "ack-failure"]).run().await?;
    /// for r in report.rules() {
    ///     println!("{} {:?} {:?}: {}", r.id, r.level, r.verdict, r.reason);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn rules(&self) -> &[RuleReport] {
        &self.rules
    }

    /// The rule `id`, when the check judged it.
    ///
    /// ```
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), suno_mock::Error> {
    /// # let rec = suno_mock::receiver::start(Default::default(), ([127, 0, 0, 1], 0).into()).await.unwrap();
    /// # let callback = format!("{}/callback", rec.server.url());
    /// let report = suno_mock::Check::new(callback).only(["ack-success", "ack-failure"]).run().await?;
    /// let rule = report.rule("ack-failure").expect("judged");
    /// assert_eq!(rule.verdict, suno_mock::Verdict::Pass, "{}", rule.reason);
    /// # Ok(()) }
    /// ```
    pub fn rule(&self, id: &str) -> Option<&RuleReport> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The human report, as `suno-mock check` prints it (no colour, secrets masked).
    ///
    /// ```
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), suno_mock::Error> {
    /// # let rec = suno_mock::receiver::start(Default::default(), ([127, 0, 0, 1], 0).into()).await.unwrap();
    /// # let callback = format!("{}/callback", rec.server.url());
    /// let report = suno_mock::Check::new(callback).only(["ack-success", "ack-failure"]).run().await?;
    /// println!("{}", report.human());
    /// # Ok(()) }
    /// ```
    pub fn human(&self) -> &str {
        &self.human
    }

    /// The whole JSON report, as `--report-json` writes it.
    ///
    /// ```
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), suno_mock::Error> {
    /// # let rec = suno_mock::receiver::start(Default::default(), ([127, 0, 0, 1], 0).into()).await.unwrap();
    /// # let callback = format!("{}/callback", rec.server.url());
    /// let report = suno_mock::Check::new(callback).only(["ack-success", "ack-failure"]).run().await?;
    /// assert_eq!(report.json()["command"], "check");
    /// # Ok(()) }
    /// ```
    pub fn json(&self) -> &serde_json::Value {
        &self.json
    }

    /// Panics with the human report unless [`passed`](Self::passed): a failing `cargo test`
    /// prints what `suno-mock check` would.
    ///
    /// ```
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), suno_mock::Error> {
    /// # let rec = suno_mock::receiver::start(Default::default(), ([127, 0, 0, 1], 0).into()).await.unwrap();
    /// # let callback = format!("{}/callback", rec.server.url());
    /// let report = suno_mock::Check::new(callback).only(["ack-success", "ack-failure"]).run().await?;
    /// report.assert_passed();
    /// # Ok(()) }
    /// ```
    #[track_caller]
    pub fn assert_passed(&self) {
        if self.passed() {
            return;
        }
        let fixes: String = self
            .rules
            .iter()
            .filter(|r| {
                matches!(
                    r.verdict,
                    Verdict::Fail | Verdict::Warn | Verdict::Inconclusive
                )
            })
            .map(|r| format!("\n  {}: {}", r.id, r.fix))
            .collect();
        panic!(
            "the receiver did not pass suno-mock check (exit status {}):\n{}\nhow to fix:{fixes}",
            self.exit_code, self.human
        );
    }
}

/// One rule's verdict in a [`CheckReport`].
///
/// ```
/// # #[tokio::main]
/// # async fn main() -> Result<(), suno_mock::Error> {
/// # let rec = suno_mock::receiver::start(Default::default(), ([127, 0, 0, 1], 0).into()).await.unwrap();
/// # let callback = format!("{}/callback", rec.server.url());
/// let report = suno_mock::Check::new(callback).only(["ack-failure"]).run().await?;
/// let rule = &report.rules()[0];
/// assert_eq!((rule.id, rule.level), ("ack-failure", suno_mock::Level::Must));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RuleReport {
    /// Its id, like `ack-failure` (`suno-mock explain <id>` says what it checks and how to
    /// fix a failure).
    pub id: &'static str,
    /// How much it matters.
    pub level: Level,
    /// What the run showed.
    pub verdict: Verdict,
    /// One sentence: what was sent, what came back, what that means.
    pub reason: String,
    /// The usual fix when it does not pass, as `suno-mock explain <id>` gives it.
    pub fix: &'static str,
    /// Every delivery it judged with each attempt and answer, and what the probe observed, as
    /// the JSON report has them.
    pub evidence: serde_json::Value,
}
