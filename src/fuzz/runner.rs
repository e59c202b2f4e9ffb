//! The fuzz loop: cases go out at the configured rate and concurrency; an answer that breaks
//! the receiver stops the sending, the liveness check decides whether the receiver survived,
//! and the finding is shrunk (or counted as another hit of one already shrunk) and written
//! before the sending resumes. The budget, the case count and Ctrl-C end it; what was found
//! is never lost.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::case::{self, Case, Request};
use super::config::FuzzConfig;
use super::finding::{Answer, Finding};
use super::wire::{Pacer, Sent, Wire};
use crate::artifacts::MediaHost;
use crate::outcome::fuzz::{AcceptedInvalid, Breakage, Counts, Found, FuzzResult, Unreproduced};
use crate::receiver::validate::Refusal;
use crate::sender::Sender;

/// The cases in flight, each ending with its request and answer.
type InFlight = JoinSet<(Case, Request, Answer)>;

/// Cases that broke the receiver, waiting to be judged and shrunk.
type Broken = VecDeque<(Case, Answer, Breakage)>;

/// Told of each finding as soon as its file is written (`fuzz` prints a line).
pub type OnFinding = Box<dyn Fn(&Found) + Send + Sync>;

/// Liveness checks this many cases apart, besides the one after every finding.
const CHECK_EVERY: u64 = 100;

/// Why fuzzing could not begin.
#[derive(Debug, thiserror::Error)]
pub enum FuzzError {
    #[error(
        "the receiver at {receiver} did not accept a well-formed {family} callback before fuzzing began ({answer}); fuzz needs a receiver that answers the documented body with 2xx (pass --hmac-key or --token-param as for check)"
    )]
    NotAccepting {
        receiver: String,
        family: &'static str,
        answer: String,
    },
}

/// The run's state while it goes.
pub(super) struct Run {
    pub(super) cfg: FuzzConfig,
    pub(super) wire: Arc<Wire>,
    pub(super) pacer: Pacer,
    pub(super) cancel: CancellationToken,
    pub(super) deadline: Option<Instant>,
    pub(super) findings: Vec<Finding>,
    pub(super) unreproduced: Vec<Unreproduced>,
    pub(super) invalid: BTreeMap<(String, &'static str), AcceptedInvalid>,
    pub(super) counts: Counts,
    /// Cases sent since the receiver last answered a well-formed callback, in index order.
    /// (Cases, not requests: a case renders the same request again, and a hundred 1 MiB
    /// bodies are not kept.)
    pub(super) since_alive: Vec<Case>,
    pub(super) stopped: Option<String>,
    /// The receiver stopped answering: what broke after that is not a finding of its own.
    pub(super) gone: bool,
    pub(super) write_errors: Vec<String>,
    pub(super) live_checks: u64,
    pub(super) on_finding: Option<OnFinding>,
}

impl Run {
    pub(super) fn out_of_time(&self) -> bool {
        self.cancel.is_cancelled() || self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// Counts one answered case; returns the breakage when it is one.
    fn judge(&mut self, c: &Case, r: &Request, a: &Answer) -> Option<Breakage> {
        if *a == Answer::Abandoned {
            return None;
        }
        self.counts.sent += 1;
        if let Some(b) = a.breakage() {
            self.counts.broke += 1;
            return Some(b);
        }
        match a {
            Answer::Status(s) if (400..500).contains(s) => self.counts.refused += 1,
            Answer::Status(s) => {
                self.counts.accepted += 1;
                if (200..300).contains(s)
                    && let Err(refusal) =
                        crate::receiver::validate::validate(&r.body, self.cfg.family)
                    // Deeper than the reference's parser goes is still valid JSON.
                    && refusal != Refusal::TooDeep
                {
                    self.note_invalid(c, &refusal);
                }
            }
            Answer::Failed(..) | Answer::Abandoned => {}
        }
        None
    }

    fn note_invalid(&mut self, c: &Case, refusal: &Refusal) {
        // Named by the change that made the body invalid: the one at the field the refusal
        // names (`data.task_id` missing or not a string), else the first that is not a
        // content type (which never makes a body invalid).
        let named = refusal.field().unwrap_or_default();
        let reason = refusal.to_string();
        let Some(m) = c
            .mutations
            .iter()
            .find(|m| m.place() == named)
            .or_else(|| c.mutations.iter().find(|m| m.kind != "content-type"))
            .or(c.mutations.first())
        else {
            return;
        };
        let e = self
            .invalid
            .entry((m.place(), m.kind))
            .or_insert_with(|| AcceptedInvalid {
                place: m.place(),
                kind: m.kind,
                reason,
                first_case: c.index,
                cases: 0,
            });
        e.cases += 1;
    }

    async fn liveness(&mut self) -> (bool, Answer) {
        self.counts.liveness_checks += 1;
        self.live_checks += 1;
        // A receiver restarting (a supervisor, a crashed worker replaced) gets a moment.
        let mut last = (false, Answer::Status(0));
        for attempt in 0..3 {
            if attempt > 0 {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                    _ = self.cancel.cancelled() => break,
                }
            }
            self.pacer.tick().await;
            last = self.wire.alive(self.live_checks * 10 + attempt).await;
            if last.0 {
                self.since_alive.clear();
                return last;
            }
        }
        last
    }

    /// One case that broke the receiver: is it still up; a known finding or a new one; shrink
    /// and write it. Returns false when the run must stop (the receiver is gone).
    async fn handle(&mut self, c: Case, a: Answer, b: Breakage) -> bool {
        let (up, check) = self.liveness().await;
        if self.cancel.is_cancelled() {
            // Interrupted before it could be judged: kept as it came, unshrunk.
            self.add_unshrunk(c, a, b);
            return false;
        }
        if !up {
            // Every case sent since it last answered well: with cases in flight at once, the
            // first that broke it by number is not always the one that brought it down (case 0
            // can be answered 503 because case 1 killed it). At least this case: an earlier
            // finding's check may have emptied the list since it was sent.
            let mut window: Vec<Case> = std::mem::take(&mut self.since_alive);
            if window.is_empty() {
                window.push(c.clone());
            }
            let reason = format!(
                "after case {} ({}), the receiver no longer answered a well-formed callback ({})",
                c.index,
                a.describe(),
                check.describe()
            );
            self.gone_after(window, Some(c), a, reason);
            return false;
        }
        if let Some(f) = self.findings.iter_mut().find(|f| f.covers(b, &c)) {
            f.hits += 1;
            return true;
        }
        // A breakage that does not happen again when the same request is re-sent is not a
        // finding (a slow moment of the machine, a race): it is said, not shrunk.
        let mut again = c.clone();
        if self.still_breaks(&mut again, b).await.is_none() {
            if self.cancel.is_cancelled() {
                self.add_unshrunk(c, a, b);
                return false;
            }
            self.unreproduced.push(Unreproduced {
                case: c.index,
                kind: b,
                answer: a.describe(),
            });
            return true;
        }
        let (case, answer, tries, complete) = self.shrink(c, a, b).await;
        self.counts.shrink_tries += u64::from(tries);
        // Shrinking can land on a finding already known.
        if let Some(f) = self
            .findings
            .iter_mut()
            .find(|f| f.key() == super::finding::key(self.cfg.family, b, &case))
        {
            f.hits += 1;
            return true;
        }
        self.add(Finding {
            shrunk: complete,
            tries,
            ..Finding::new(self.cfg.family, b, answer, case)
        });
        // Shrinking may itself have left the receiver down.
        let (up, check) = self.liveness().await;
        if !up && !self.cancel.is_cancelled() {
            self.stopped = Some(format!(
                "while shrinking finding {}, the receiver stopped answering a well-formed callback ({}); fuzzing stopped",
                self.findings.len(),
                check.describe()
            ));
            self.gone = true;
            return false;
        }
        true
    }

    /// A case that broke the receiver, kept as it came: the run stopped before it was judged
    /// and shrunk.
    fn add_unshrunk(&mut self, c: Case, a: Answer, b: Breakage) {
        if self.findings.iter().any(|f| f.covers(b, &c)) {
            return;
        }
        self.add(Finding::new(self.cfg.family, b, a, c));
    }

    /// The receiver no longer answers a well-formed callback: the run stops, with one
    /// `unresponsive` finding that replays `window`, shown by `case` (the first of them that
    /// broke it, the likeliest cause; else the last sent).
    fn gone_after(
        &mut self,
        window: Vec<Case>,
        case: Option<Case>,
        answer: Answer,
        reason: String,
    ) {
        self.stopped = Some(format!("{reason}; fuzzing stopped"));
        self.gone = true;
        if let Some(case) = case.or_else(|| window.last().cloned()) {
            self.add(Finding {
                window,
                ..Finding::new(self.cfg.family, Breakage::Unresponsive, answer, case)
            });
        }
    }

    /// A case's answer came: it counts as sent since the last liveness check, is judged, and
    /// is queued when it broke the receiver.
    fn answered(&mut self, c: Case, r: &Request, a: Answer, broken: &mut Broken) {
        self.since_alive.push(c.clone());
        if let Some(b) = self.judge(&c, r, &a) {
            broken.push_back((c, a, b));
        }
    }

    /// Waits for every case in flight and takes its answer; the cases sent since the last
    /// liveness check are then in index order.
    async fn drain(&mut self, in_flight: &mut InFlight, broken: &mut Broken) {
        while let Some(done) = in_flight.join_next().await {
            if let Ok((c, r, a)) = done {
                self.answered(c, &r, a, broken);
            }
        }
        self.since_alive.sort_by_key(|c| c.index);
    }

    fn add(&mut self, mut f: Finding) {
        f.number = self.findings.len() + 1;
        let mut cases = if f.window.is_empty() {
            vec![f.case.clone()]
        } else {
            f.window.clone()
        };
        f.requests = cases
            .iter_mut()
            .map(|c| self.wire.portable_request(c))
            .collect();
        match super::file::write(&self.cfg, &f) {
            Ok(p) => f.file = Some(p),
            Err(e) => self.write_errors.push(e.to_string()),
        }
        if let Some(hook) = &self.on_finding {
            hook(&f.found());
        }
        self.findings.push(f);
    }
}

/// Runs the fuzzer. `on_finding` is told of each finding as soon as it is written.
pub async fn run(
    cfg: FuzzConfig,
    sender: Sender,
    host: MediaHost,
    cancel: CancellationToken,
    on_finding: Option<OnFinding>,
) -> Result<FuzzResult, FuzzError> {
    let started = Instant::now();
    let mut policy = cfg.policy.clone();
    policy.retries = 0;
    let wire = Arc::new(Wire {
        sender,
        policy,
        receiver: cfg.receiver.clone(),
        display: cfg.display.clone(),
        family: cfg.family,
        host,
        signed: cfg.signed,
        seed: cfg.seed,
        max_body: cfg.max_body,
        cancel: cancel.clone(),
    });
    let total = match (cfg.cases, cfg.budget) {
        (Some(n), _) => n,
        (None, Some(_)) => u64::MAX,
        (None, None) => 1000,
    };
    let mut run = Run {
        deadline: cfg.budget.map(|b| started + b),
        pacer: Pacer::new(cfg.rate),
        wire: wire.clone(),
        cancel: cancel.clone(),
        findings: Vec::new(),
        unreproduced: Vec::new(),
        invalid: BTreeMap::new(),
        counts: Counts::default(),
        since_alive: Vec::new(),
        stopped: None,
        gone: false,
        write_errors: Vec::new(),
        live_checks: 0,
        on_finding,
        cfg,
    };
    let (up, first) = run.liveness().await;
    if !up && !cancel.is_cancelled() {
        return Err(FuzzError::NotAccepting {
            receiver: run.cfg.display.clone(),
            family: run.cfg.family.id,
            answer: first.describe(),
        });
    }
    let concurrency = run.cfg.concurrency.max(1);
    let mut next: u64 = 0;
    let mut in_flight = InFlight::new();
    let mut broken = Broken::new();
    let mut since_check = 0u64;
    'run: loop {
        // Findings first: nothing new goes out until the receiver is judged and each is shrunk.
        if !broken.is_empty() {
            run.drain(&mut in_flight, &mut broken).await;
            broken.make_contiguous().sort_by_key(|(c, ..)| c.index);
            while let Some((c, a, b)) = broken.pop_front() {
                if run.out_of_time() || !run.handle(c, a, b).await {
                    break 'run;
                }
            }
            since_check = 0;
        }
        if since_check >= CHECK_EVERY {
            since_check = 0;
            run.drain(&mut in_flight, &mut broken).await;
            if !broken.is_empty() {
                continue;
            }
            let (up, check) = run.liveness().await;
            if !up && !run.cancel.is_cancelled() {
                let window = std::mem::take(&mut run.since_alive);
                let reason = format!(
                    "between cases {} and {}, the receiver stopped answering a well-formed callback ({}) although no case broke it",
                    window.first().map_or(0, |c| c.index),
                    window.last().map_or(0, |c| c.index),
                    check.describe()
                );
                run.gone_after(window, None, check, reason);
                break;
            }
        }
        let more = next < total && !run.out_of_time();
        if !more && in_flight.is_empty() {
            break;
        }
        // An answer is taken as soon as it comes, even while the next case waits for its turn,
        // so a finding stops the sending at once rather than once the concurrency is used up.
        let room = more && in_flight.len() < concurrency;
        tokio::select! {
            biased;
            _ = cancel.cancelled() => break,
            Some(done) = in_flight.join_next(), if !in_flight.is_empty() => {
                if let Ok((c, r, a)) = done {
                    run.answered(c, &r, a, &mut broken);
                }
            }
            _ = run.pacer.tick(), if room => {
                let mut c = case::generate(run.cfg.family, run.cfg.seed, next, run.cfg.max_body);
                next += 1;
                since_check += 1;
                let w = wire.clone();
                in_flight.spawn(async move {
                    let r = w.request(&mut c);
                    let a = w.send(&c, &r, Sent::Case).await;
                    (c, r, a)
                });
            }
        }
    }
    // Stopped (Ctrl-C, the budget, a receiver gone): cases that broke it but were not handled
    // are still findings, written unshrunk.
    in_flight.abort_all();
    if run.gone {
        broken.clear();
    }
    for (c, a, b) in broken {
        run.add_unshrunk(c, a, b);
    }
    Ok(FuzzResult {
        findings: run.findings.iter().map(Finding::found).collect(),
        unreproduced: run.unreproduced,
        accepted_invalid: run.invalid.into_values().collect(),
        counts: run.counts,
        duration: started.elapsed(),
        interrupted: cancel.is_cancelled(),
        stopped: run.stopped,
        write_errors: run.write_errors,
    })
}
