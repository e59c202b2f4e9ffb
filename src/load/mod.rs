//! `suno-mock load`: many tasks at a set rate and concurrency, duplicates and failures mixed
//! in, every delivery accounted for (sent = acknowledged + failed + ambiguous), latency from
//! each delivery's intended send time. Cost is flat in the number of deliveries: per-worker
//! counters and histograms, fates recomputed from the seed, nothing kept per delivery unless
//! `--record` streams it to disk.

mod bodies;
mod fate;
pub mod merge;
pub use merge::MergeError;
mod record;
mod stats;
mod transport;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::{Mutex, mpsc};
use tokio_util::sync::CancellationToken;

pub use fate::{Fate, Shares};
pub use stats::Stats;

use crate::outcome::load::{LoadResult, RunPlan, Shard};

use crate::artifacts::MediaHost;
use crate::sender::Policy;
use crate::wire::error_class::ErrorClass;
use crate::wire::{judge_answer, signing};
use transport::{Answer, Conn, Target};

thread_local! {
    /// The body buffer of this thread's workers, reused for every delivery.
    static BODY: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(256));
    /// The task id being written, reused likewise.
    static TASK_ID: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(32));
}

/// How long after the first copy a non-concurrent duplicate follows.
const DUPLICATE_GAP: Duration = Duration::from_millis(200);

/// Why a load run could not start or finish writing.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot resolve {host}: {source}")]
    Resolve {
        host: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{host} resolves to no address")]
    NoAddress { host: String },
    #[error("cannot set up the HTTPS client: {0}")]
    Client(#[source] reqwest::Error),
    #[error("receiver path: {0}")]
    Path(#[from] http::uri::InvalidUri),
    #[error("receiver host: {0}")]
    Host(#[from] http::header::InvalidHeaderValue),
    #[error("cannot write the record {}: {source}", path.display())]
    Record {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the record writer stopped: {0}")]
    Writer(#[from] tokio::task::JoinError),
    #[error(transparent)]
    Body(#[from] crate::family::RenderError),
}

#[derive(Debug, Clone)]
pub struct LoadConfig {
    pub receiver: url::Url,
    /// The receiver as reports show it (token masked).
    pub display: String,
    pub tasks: Option<u64>,
    pub duration: Option<Duration>,
    /// Tasks per second; `None` sends as fast as the concurrency allows.
    pub rate: Option<f64>,
    pub concurrency: usize,
    pub shares: Shares,
    /// The family whose callbacks are sent: a staged one sends each task's stages in order.
    pub family: &'static crate::family::Family,
    /// This process sends only the tasks of this shard (`index` of `count`): task indices
    /// `index - 1`, `index - 1 + count`, ..., at the whole run's intended times.
    pub shard: Option<Shard>,
    pub policy: Policy,
    pub hmac_key: Option<String>,
    pub insecure: bool,
    pub seed: u64,
    pub record: Option<PathBuf>,
    pub progress: bool,
}

#[derive(Debug, Clone, Copy)]
struct Job {
    task: u64,
    copy: u8,
    attempt: u32,
    intended: Instant,
    ambiguous: bool,
    /// Why the previous attempt failed, for a retry.
    last_error: Option<ErrorClass>,
    fate: Fate,
    /// Index of the stage in the family's stages (a failure task sends its failure alone).
    stage: u8,
}

/// Keeps a counter that every worker touches on a cache line of its own: on a small machine
/// the line bouncing between cores costs more than the atomic operation.
#[repr(align(128))]
struct Padded<T>(T);

impl<T> std::ops::Deref for Padded<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

struct Shared {
    cfg: LoadConfig,
    start: Instant,
    next: Padded<AtomicU64>,
    /// Tasks handed out (`next` overshoots by one refusal per worker).
    taken: Padded<AtomicU64>,
    tx: mpsc::UnboundedSender<Job>,
    rx: Mutex<mpsc::UnboundedReceiver<Job>>,
    /// Delayed jobs (retries, later duplicates) not yet taken by a worker.
    pending: Padded<AtomicU64>,
    /// Deliveries finished, for the progress bar only.
    done: Padded<AtomicU64>,
    cancel: CancellationToken,
    prefix: String,
    bodies: bodies::Bodies,
    record: Option<mpsc::Sender<String>>,
}

impl Shared {
    /// Whole seconds since the run started.
    fn second(&self) -> usize {
        self.start.elapsed().as_secs() as usize
    }

    fn last_stage(&self) -> u8 {
        u8::try_from(self.cfg.family.stages.len().saturating_sub(1)).unwrap_or(0)
    }

    /// The next task of the schedule, with its intended send time.
    /// Indices handed out are contiguous from 0: every refusal comes after every acceptance
    /// (the time is checked before taking an index when unpaced; paced times grow with the
    /// index), so `taken` tasks are exactly 0..taken.
    fn scheduled(&self) -> Option<Job> {
        if self.cfg.rate.is_none() && self.cfg.duration.is_some_and(|d| self.start.elapsed() >= d) {
            return None;
        }
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        // A shard takes every `count`-th task of the whole run: its indices, seeds (fates) and
        // intended times are those a single machine would have used.
        let i = global_index(self.cfg.shard, n);
        if self.cfg.tasks.is_some_and(|n| i >= n) {
            return None;
        }
        let intended = match self.cfg.rate {
            Some(r) => self.start + Duration::from_secs_f64(i as f64 / r),
            None => Instant::now(),
        };
        if let (Some(d), Some(_)) = (self.cfg.duration, self.cfg.rate)
            && intended.duration_since(self.start) >= d
        {
            return None;
        }
        self.taken.fetch_add(1, Ordering::Relaxed);
        Some(Job {
            task: i,
            copy: 1,
            attempt: 1,
            intended,
            ambiguous: false,
            last_error: None,
            fate: fate::fate(self.cfg.seed, i, &self.cfg.shares),
            stage: 0,
        })
    }

    fn later(self: &Arc<Self>, job: Job, delay: Duration) {
        self.pending.fetch_add(1, Ordering::SeqCst);
        if delay.is_zero() {
            let _ = self.tx.send(job);
            return;
        }
        let sh = self.clone();
        tokio::spawn(async move {
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = sh.cancel.cancelled() => {}
            }
            let _ = sh.tx.send(job);
        });
    }

    async fn next_job(self: &Arc<Self>) -> Option<Job> {
        loop {
            if self.cancel.is_cancelled() {
                return None;
            }
            // The common case has nothing delayed: skip the shared lock entirely.
            if self.pending.load(Ordering::SeqCst) > 0
                && let Ok(mut rx) = self.rx.try_lock()
                && let Ok(j) = rx.try_recv()
            {
                self.pending.fetch_sub(1, Ordering::SeqCst);
                return Some(j);
            }
            if let Some(j) = self.scheduled() {
                return Some(j);
            }
            if self.pending.load(Ordering::SeqCst) == 0 {
                return None;
            }
            let mut rx = self.rx.lock().await;
            tokio::select! {
                j = rx.recv() => {
                    if j.is_some() {
                        self.pending.fetch_sub(1, Ordering::SeqCst);
                    }
                    return j;
                }
                () = tokio::time::sleep(Duration::from_millis(5)) => {}
                () = self.cancel.cancelled() => return None,
            }
        }
    }
}

/// Counts a delivery whose outcome is final. Tasks and duplicates are counted here, when they
/// went out, not when scheduled: an interrupted run counts only what was sent (issue 9).
fn finish(st: &mut Stats, job: &Job, last_stage: u8, class: Option<ErrorClass>, second: usize) {
    st.counts.sent += 1;
    st.count_second(second);
    if job.copy > 1 {
        st.counts.duplicates += 1;
    } else if job.stage == 0 {
        st.counts.tasks += 1;
    } else {
        st.counts.later_stages += 1;
    }
    if job.fate.failure {
        st.counts.failure_callbacks += 1;
    } else if job.copy == 1 && job.stage == last_stage {
        st.counts.success_tasks += 1;
    }
    match class {
        None => st.counts.acknowledged += 1,
        Some(c) => {
            if job.ambiguous {
                st.counts.ambiguous += 1;
            } else {
                st.counts.failed += 1;
            }
            st.by_class[Stats::class_index(c)] += 1;
        }
    }
}

/// One attempt of one job: wait for its time, send, account for the answer, and schedule
/// what follows (a duplicate, a retry, the next stage).
async fn run_job(sh: &Arc<Shared>, conn: &mut Conn, st: &mut Stats, mut job: Job) {
    if !due(sh, job).await {
        return;
    }
    let last_stage = sh.last_stage();
    // The final callback is the one duplicated: a stage's copy is not what the provider repeats.
    let final_one = job.fate.failure || job.stage == last_stage;
    if job.copy == 1 && job.attempt == 1 && job.fate.duplicate && final_one {
        schedule_duplicate(sh, job);
    }
    let (body, task_id, headers) = request(sh, &job);
    let policy = &sh.cfg.policy;
    let answer = conn.post(body, &headers, policy.timeout).await;
    let latency = job.intended.elapsed();
    st.record_latency(latency);
    st.counts.attempts += 1;
    // The same decision as the scenario sender's (the body cap is enforced by the transport,
    // which reports an overflow as an error).
    let class = match answer {
        Answer::Status(s) => match judge_answer(s, None, None, &policy.accept) {
            Ok(()) => None,
            Err(r) => {
                *st.statuses.entry(s).or_default() += 1;
                Some(r.class)
            }
        },
        Answer::Error(c) => Some(c),
    };
    // Built only with --record: nothing per attempt is made otherwise.
    let record_line = |outcome: &str, class: Option<ErrorClass>| {
        sh.record.as_ref()?;
        Some(serde_json::json!({
            "task_id": task_id, "copy": job.copy, "attempt": job.attempt, "outcome": outcome,
            "answer": match answer { Answer::Status(s) => s.to_string(), Answer::Error(c) => c.name().to_string() },
            "error": class.map(ErrorClass::name),
            "latency_ms": latency.as_secs_f64() * 1000.0,
        })
        .to_string())
    };
    let (line, finished) = match class {
        None => {
            finish(st, &job, last_stage, None, sh.second());
            (record_line("acknowledged", None), true)
        }
        Some(c) => {
            job.ambiguous |= c.ambiguous();
            if retry(sh, st, job, c) {
                (record_line("retry", Some(c)), false)
            } else {
                finish(st, &job, last_stage, Some(c), sh.second());
                let outcome = if job.ambiguous { "ambiguous" } else { "failed" };
                (record_line(outcome, Some(c)), true)
            }
        }
    };
    if finished && sh.cfg.progress {
        sh.done.fetch_add(1, Ordering::Relaxed);
    }
    // The task's next stage goes out once this one is done with, as the provider's do.
    if finished && job.copy == 1 && !final_one {
        sh.later(
            Job {
                stage: job.stage + 1,
                attempt: 1,
                intended: Instant::now(),
                ambiguous: false,
                last_error: None,
                ..job
            },
            Duration::ZERO,
        );
    }
    if let (Some(tx), Some(line)) = (&sh.record, line) {
        let _ = tx.send(line).await;
    }
}

/// Waits until the job's intended time; false (and the job put back, so the final
/// accounting sees it) when the run is cancelled first.
async fn due(sh: &Arc<Shared>, job: Job) -> bool {
    if job.intended <= Instant::now() {
        return true;
    }
    tokio::select! {
        () = tokio::time::sleep_until(job.intended.into()) => true,
        () = sh.cancel.cancelled() => {
            sh.later(job, Duration::ZERO);
            false
        }
    }
}

/// The job's second copy: at the same instant when the fate says concurrent, else a moment
/// later.
fn schedule_duplicate(sh: &Arc<Shared>, job: Job) {
    let (delay, intended) = if job.fate.concurrent {
        (Duration::ZERO, job.intended)
    } else {
        (DUPLICATE_GAP, job.intended + DUPLICATE_GAP)
    };
    sh.later(
        Job {
            copy: 2,
            intended,
            ..job
        },
        delay,
    );
}

/// The body of the job's stage or failure, its task id as text where it is needed (signing,
/// the record), and the signing headers.
fn request(sh: &Shared, job: &Job) -> (Bytes, String, Vec<(&'static str, String)>) {
    let cut = if job.fate.failure {
        &sh.bodies.failure
    } else {
        &sh.bodies.stages[usize::from(job.stage)]
    };
    let body = BODY.with_borrow_mut(|buf| {
        TASK_ID.with_borrow_mut(|id| {
            fate::write_id(id, &sh.prefix, job.task);
            cut.write(buf, id);
        });
        Bytes::copy_from_slice(buf)
    });
    let task_id = if sh.cfg.hmac_key.is_some() || sh.record.is_some() {
        fate::task_id(&sh.prefix, job.task)
    } else {
        String::new()
    };
    let mut headers = Vec::new();
    if let Some(key) = &sh.cfg.hmac_key {
        let ts = signing::unix_now();
        headers.push((signing::TIMESTAMP_HEADER, ts.to_string()));
        headers.push((
            signing::SIGNATURE_HEADER,
            signing::signature(key, &task_id, ts),
        ));
    }
    (body, task_id, headers)
}

/// Schedules the job's next attempt after a failed one, on the policy's delays; false when
/// its retries are spent.
fn retry(sh: &Arc<Shared>, st: &mut Stats, job: Job, c: ErrorClass) -> bool {
    let policy = &sh.cfg.policy;
    if job.attempt > policy.retries {
        return false;
    }
    st.counts.retried += 1;
    let delay = policy
        .delays()
        .nth(job.attempt as usize - 1)
        .unwrap_or_default();
    sh.later(
        Job {
            attempt: job.attempt + 1,
            intended: Instant::now() + delay,
            last_error: Some(c),
            ..job
        },
        delay,
    );
    true
}

async fn worker(sh: Arc<Shared>, mut conn: Conn) -> Stats {
    let mut st = Stats::default();
    while let Some(job) = sh.next_job().await {
        run_job(&sh, &mut conn, &mut st, job).await;
    }
    st
}

/// Runs the load. Fails only when the receiver cannot be resolved or a file cannot be opened.
pub async fn run(
    cfg: LoadConfig,
    host: &MediaHost,
    cancel: CancellationToken,
) -> Result<LoadResult, LoadError> {
    let target = Target::resolve(&cfg.receiver).await?;
    let prefix = fate::prefix(cfg.seed);
    host.open_prefix(&prefix);
    let (record, writer) = match &cfg.record {
        Some(path) => {
            let (tx, w) = record::writer(path).await?;
            (Some(tx), Some(w))
        }
        None => (None, None),
    };
    let (tx, rx) = mpsc::unbounded_channel();
    let sh = Arc::new(Shared {
        start: Instant::now(),
        next: Padded(AtomicU64::new(0)),
        taken: Padded(AtomicU64::new(0)),
        tx,
        rx: Mutex::new(rx),
        pending: Padded(AtomicU64::new(0)),
        done: Padded(AtomicU64::new(0)),
        cancel: cancel.clone(),
        bodies: bodies::Bodies::render(cfg.family, &|task, kind, slot| {
            host.media_url(task, kind, slot)
        })?,
        prefix,
        record,
        cfg,
    });
    let progress = sh
        .cfg
        .progress
        .then(|| record::progress(planned_deliveries(&sh.cfg)));
    let ticker = progress.clone().map(|bar| {
        let sh = sh.clone();
        tokio::spawn(async move {
            loop {
                bar.set_position(sh.done.load(Ordering::Relaxed));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    });
    let mut workers = Vec::new();
    for _ in 0..sh.cfg.concurrency.max(1) {
        let conn = Conn::new(target.clone(), sh.cfg.insecure, sh.cfg.policy.body_cap)?;
        workers.push(tokio::spawn(worker(sh.clone(), conn)));
    }
    let mut total = Stats::default();
    for w in workers {
        if let Ok(st) = w.await {
            total.merge(&st);
        }
    }
    let elapsed = sh.start.elapsed();
    let unsent_tasks = drain(&sh, &mut total).await;
    if let Some(t) = ticker {
        t.abort();
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let taken = sh.taken.load(Ordering::Relaxed);
    let shard = sh.cfg.shard;
    let plan = RunPlan {
        tasks: sh.cfg.tasks,
        duration_s: sh.cfg.duration.map(|d| d.as_secs_f64()),
        rate_per_s: sh.cfg.rate,
        concurrency: sh.cfg.concurrency as u64,
        duplicates: sh.cfg.shares.duplicates,
        failures: sh.cfg.shares.failures,
    };
    let display = sh.cfg.display.clone();
    let seed = sh.cfg.seed;
    let shares = sh.cfg.shares;
    let sh_media_per_task = sh.bodies.media_per_task;
    let family_id = sh.cfg.family.id;
    drop(sh);
    if let Some(w) = writer {
        w.await??;
    }
    let mut result = LoadResult::from_stats(
        &total,
        plan,
        shard,
        seed,
        display,
        elapsed,
        cancel.is_cancelled(),
    );
    if total.counts.success_tasks > 0 && !cancel.is_cancelled() {
        settle_downloads(host).await;
    }
    result.media_per_task = sh_media_per_task;
    result.family = family_id.to_string();
    let sent = (0..taken)
        .map(|n| global_index(shard, n))
        .filter(|i| !fate::fate(seed, *i, &shares).failure && !unsent_tasks.contains(i));
    count_downloads(host, &mut result, sent);
    Ok(result)
}

/// How many deliveries the run plans (the progress bar's length): every task of this shard,
/// a callback per stage (one for a failure), and its duplicates. `None` for a timed run.
fn planned_deliveries(cfg: &LoadConfig) -> Option<u64> {
    let stages = cfg.family.stages.len() as u64;
    cfg.tasks.map(|n| {
        (0..n)
            .filter(|i| {
                cfg.shard
                    .is_none_or(|s| i % u64::from(s.count) == u64::from(s.index - 1))
            })
            .map(|i| {
                let f = fate::fate(cfg.seed, i, &cfg.shares);
                (if f.failure { 1 } else { stages }) + u64::from(f.duplicate)
            })
            .sum()
    })
}

/// After the workers: retries and duplicates still waiting (an interrupted run) count with
/// what they had so far; the tasks never sent are returned, so the download accounting leaves
/// them out.
async fn drain(sh: &Arc<Shared>, total: &mut Stats) -> std::collections::HashSet<u64> {
    let mut unsent_tasks = std::collections::HashSet::new();
    let mut rx = sh.rx.lock().await;
    while sh.pending.load(Ordering::SeqCst) > 0 {
        match tokio::time::timeout(Duration::from_secs(1), rx.recv()).await {
            Ok(Some(job)) => {
                sh.pending.fetch_sub(1, Ordering::SeqCst);
                match job.last_error {
                    Some(c) => finish(total, &job, sh.last_stage(), Some(c), sh.second()),
                    None => {
                        total.counts.unsent += 1;
                        if job.copy == 1 && job.stage == 0 {
                            unsent_tasks.insert(job.task);
                        }
                    }
                }
            }
            _ => break,
        }
    }
    unsent_tasks
}

/// The media host's download counts, overall and per task that succeeded: a task processed
/// once downloads each of its callbacks' media once.
fn count_downloads(
    host: &MediaHost,
    result: &mut LoadResult,
    succeeded: impl Iterator<Item = u64>,
) {
    let d = host.open_downloads();
    result.video_requests = d.requests;
    result.video_downloads = d.completed;
    let once = result.media_per_task;
    for i in succeeded {
        match u64::from(host.open_task_downloads(i as usize)) {
            0 => result.tasks_downloaded_never += 1,
            n if n == once => result.tasks_downloaded_once += 1,
            n if n > once => result.tasks_downloaded_more += 1,
            _ => result.tasks_downloaded_partly += 1,
        }
    }
}

/// The whole run's index of a shard's `n`-th task.
fn global_index(shard: Option<Shard>, n: u64) -> u64 {
    match shard {
        Some(s) => n * u64::from(s.count) + u64::from(s.index - 1),
        None => n,
    }
}

/// Receivers download in the background: wait until the download count has not moved for
/// half a second (at most 10 s) before counting per task.
async fn settle_downloads(host: &MediaHost) {
    let start = Instant::now();
    let mut last = host.open_downloads();
    let mut stable = Instant::now();
    while stable.elapsed() < Duration::from_millis(500) && start.elapsed() < Duration::from_secs(10)
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = host.open_downloads();
        if now != last {
            stable = Instant::now();
            last = now;
        }
    }
}
