//! [`MockProvider`]: the mock provider API (`suno-mock serve`) inside a test, on a loopback
//! port of its own, stopped when dropped.

use std::path::Path;
use std::time::Duration;

use super::Error;
use crate::job::serve::{ServeConfig, ServePlan};
use crate::mock_api::{RunningApi, Store};
use crate::sender::Policy;

pub use crate::mock_api::store::TaskState;

/// How the tasks end when no plan says otherwise.
///
/// ```
/// let builder = suno_mock::MockProvider::builder().outcome(suno_mock::Outcome::Failure);
/// # drop(builder);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Outcome {
    /// Every task succeeds (the default).
    Success,
    /// Every task fails with the failure code (500 unless [`MockProviderBuilder::failure_code`]).
    Failure,
    /// Each task fails with this probability (0.0 to 1.0), drawn from the seed.
    Random(f64),
}

/// The mock provider API running in this process: point the application's API base URL at
/// [`base_url`](Self::base_url), send `Authorization: Bearer` [`api_key`](Self::api_key), and
/// every task it creates is generated and called back as the provider does (`suno-mock serve`,
/// same endpoints, same bodies). Each one listens on a free loopback port of its own, so many
/// can run at once; dropping it stops the server, every task's clock and every callback.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), suno_mock::Error> {
/// let api = suno_mock::MockProvider::start().await?;
/// assert!(api.base_url().starts_with("http://127.0.0.1:"));
/// assert!(api.tasks().is_empty());
/// # Ok(()) }
/// ```
pub struct MockProvider {
    running: RunningApi,
    key: String,
}

/// The options of a [`MockProvider`], as `suno-mock serve` takes them; made by
/// [`MockProvider::builder`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), suno_mock::Error> {
/// use std::time::Duration;
/// let api = suno_mock::MockProvider::builder()
///     .api_key("sk-test")
///     .outcome(suno_mock::Outcome::Failure)
///     .failure_code(451)
///     .generation_time(Duration::from_millis(100))
///     .start()
///     .await?;
/// assert_eq!(api.api_key(), "sk-test");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct MockProviderBuilder {
    cfg: ServeConfig,
    failure_code: Option<i64>,
    plan: Option<Result<ServePlan, String>>,
}

impl MockProvider {
    /// Starts one with `suno-mock serve`'s defaults: every task succeeds after 2 s, any
    /// non-empty API key is accepted ([`api_key`](Self::api_key) gives one to send), 1000
    /// credits, 20 creates every 10 s.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), suno_mock::Error> {
    /// let api = suno_mock::MockProvider::start().await?;
    /// # drop(api); Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Harness`] when no loopback port can be bound.
    pub async fn start() -> Result<MockProvider, Error> {
        MockProvider::builder().start().await
    }

    /// The options, before [`MockProviderBuilder::start`].
    ///
    /// ```
    /// let builder = suno_mock::MockProvider::builder().credits(5);
    /// # drop(builder);
    /// ```
    pub fn builder() -> MockProviderBuilder {
        MockProviderBuilder {
            cfg: ServeConfig {
                log: false,
                ..ServeConfig::default()
            },
            failure_code: None,
            plan: None,
        }
    }

    /// `http://127.0.0.1:<port>`, no trailing slash: the API base URL to give the application.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), suno_mock::Error> {
    /// let api = suno_mock::MockProvider::start().await?;
    /// let create = format!("{}/api/v1/generate", api.base_url());
    /// # drop(create); Ok(()) }
    /// ```
    pub fn base_url(&self) -> String {
        self.running.server.url()
    }

    /// The key to send as `Authorization: Bearer <key>` (the one given to the builder, else a
    /// fixed one the server accepts like any other non-empty key).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), suno_mock::Error> {
    /// let api = suno_mock::MockProvider::start().await?;
    /// assert!(!api.api_key().is_empty());
    /// # Ok(()) }
    /// ```
    ///
    /// ```
    /// let builder = suno_mock::MockProvider::builder().api_key("sk-test");
    /// # drop(builder);
    /// ```
    pub fn api_key(&self) -> &str {
        &self.key
    }

    /// Every task created so far (forgotten ones aside), in creation order.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), suno_mock::Error> {
    /// let api = suno_mock::MockProvider::start().await?;
    /// assert_eq!(api.tasks().len(), 0);
    /// # Ok(()) }
    /// ```
    pub fn tasks(&self) -> Vec<Task> {
        tasks(&self.running.store)
    }

    /// Every callback attempt so far, in the order they ended, with what the receiver
    /// answered.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), suno_mock::Error> {
    /// let api = suno_mock::MockProvider::start().await?;
    /// assert!(api.deliveries().is_empty());
    /// # Ok(()) }
    /// ```
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.running
            .store
            .attempts()
            .into_iter()
            .map(|a| Delivery {
                task_id: a.task_id,
                family: a.family,
                stage: a.stage,
                copy: a.copy,
                attempt: a.attempt.number,
                callback_url: a.callback_url,
                status: a.attempt.status,
                accepted: a.attempt.accepted,
                error: a.attempt.error.map(|e| e.name()),
                took: Duration::from_secs_f64(a.attempt.duration_ms.max(0.0) / 1000.0),
            })
            .collect()
    }

    /// Waits until task `task_id` is in `state` (or past it: a task that [`Failed`] or
    /// [`Succeeded`] is past [`Generating`]) and returns it; no sleeping, it wakes on every
    /// change of the server's. [`Succeeded`] and [`Failed`] mean every callback of the task
    /// has had its answer, retries and duplicates included.
    ///
    /// [`Failed`]: TaskState::Failed
    /// [`Succeeded`]: TaskState::Succeeded
    /// [`Generating`]: TaskState::Generating
    ///
    /// ```
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use suno_mock::TaskState;
    /// let api = suno_mock::MockProvider::builder()
    ///     .generation_time(Duration::from_millis(100))
    ///     .start()
    ///     .await?;
    /// // What the application does: create a song, its callback going nowhere.
    /// let created: serde_json::Value = reqwest::Client::new()
    ///     .post(format!("{}/api/v1/lyrics", api.base_url()))
    ///     .bearer_auth(api.api_key())
    ///     .json(&serde_json::json!({"prompt": "rain", "callBackUrl": "http://127.0.0.1:9/cb"}))
    ///     .send()
    ///     .await?
    ///     .json()
    ///     .await?;
    /// let task_id = created["data"]["taskId"].as_str().unwrap();
    /// let task = api
    ///     .wait_for_task(task_id, TaskState::Generating, Duration::from_secs(10))
    ///     .await?;
    /// assert_eq!(task.family, "lyrics");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Timeout`] when `within` passes first, saying where the task was (or that
    /// there is no such task).
    pub async fn wait_for_task(
        &self,
        task_id: &str,
        state: TaskState,
        within: Duration,
    ) -> Result<Task, Error> {
        let store = &self.running.store;
        let reached = store.until(|s| {
            s.read(task_id, |t| (rank(t.state) >= rank(state)).then(|| task(t)))
                .flatten()
        });
        match tokio::time::timeout(within, reached).await {
            Ok(task) => Ok(task),
            Err(_) => Err(Error::Timeout(match store.read(task_id, |t| t.state) {
                Some(now) => format!(
                    "task {task_id} is {now:?}, not {state:?}, after {}",
                    crate::duration::human(within)
                ),
                None => format!(
                    "no task {task_id} on this server after {}",
                    crate::duration::human(within)
                ),
            })),
        }
    }

    /// Stops the server and every task's clock and callbacks, and returns once its port is
    /// closed (dropping it does the same without waiting).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), suno_mock::Error> {
    /// let api = suno_mock::MockProvider::start().await?;
    /// let addr = api.base_url().trim_start_matches("http://").to_string();
    /// api.stop().await;
    /// assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    /// # Ok(()) }
    /// ```
    pub async fn stop(self) {
        let MockProvider { running, .. } = self;
        running.stop().await;
    }
}

/// Where `state` is on the way to an end: both ends rank alike.
fn rank(state: TaskState) -> u8 {
    match state {
        TaskState::Pending => 0,
        TaskState::Generating => 1,
        TaskState::Succeeded | TaskState::Failed => 2,
    }
}

fn tasks(store: &Store) -> Vec<Task> {
    store.tasks(task)
}

/// A task of the store as the API shows it.
fn task(t: &crate::mock_api::store::Task) -> Task {
    Task {
        task_id: t.task_id.clone(),
        family: t.family.id,
        state: t.state,
        callback_url: t.callback_url.clone(),
        record: t.record.value(),
    }
}

impl MockProviderBuilder {
    /// Accept only this API key (default: any non-empty key).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.cfg.api_key = Some(key.into());
        self
    }

    /// How tasks end when no plan entry says otherwise (default [`Outcome::Success`]).
    ///
    /// ```
    /// let builder = suno_mock::MockProvider::builder().outcome(suno_mock::Outcome::Random(0.5));
    /// # drop(builder);
    /// ```
    pub fn outcome(mut self, outcome: Outcome) -> Self {
        (self.cfg.outcome, self.cfg.failure_rate) = match outcome {
            Outcome::Success => (Some(crate::scenario::Outcome::Success), 0.0),
            Outcome::Failure => (Some(crate::scenario::Outcome::Failure), 0.0),
            Outcome::Random(p) => (None, p.clamp(0.0, 1.0)),
        };
        self
    }

    /// The `code` of failure callbacks (default 500, documented by every family); checked by
    /// [`start`](Self::start).
    ///
    /// ```
    /// let builder = suno_mock::MockProvider::builder().failure_code(451);
    /// # drop(builder);
    /// ```
    pub fn failure_code(mut self, code: i64) -> Self {
        self.failure_code = Some(code);
        self
    }

    /// How long a task takes from its creation to its last stage (default 2 s; a staged family
    /// spreads its stages over it).
    ///
    /// ```
    /// let builder = suno_mock::MockProvider::builder().generation_time(std::time::Duration::from_millis(100));
    /// # drop(builder);
    /// ```
    pub fn generation_time(mut self, d: Duration) -> Self {
        self.cfg.generation_time = d;
        self
    }

    /// A plan, as the YAML of a `serve --plan` file: what happens to the first, second, ...
    /// task of each family. Checked by [`start`](Self::start).
    ///
    /// ```
    /// let builder = suno_mock::MockProvider::builder().plan_yaml("name: one failure\ntasks:\n  - outcome: failure\n");
    /// # drop(builder);
    /// ```
    pub fn plan_yaml(mut self, yaml: &str) -> Self {
        self.plan = Some(
            crate::scenario::parse_serve_plan("the plan", yaml)
                .map(|(plan, _)| plan)
                .map_err(|ds| {
                    ds.iter()
                        .map(|d| d.render(Some(yaml)))
                        .collect::<Vec<_>>()
                        .join("\n")
                }),
        );
        self
    }

    /// A plan file, as `serve --plan` reads it. Checked by [`start`](Self::start).
    ///
    /// ```
    /// let builder = suno_mock::MockProvider::builder().plan_file("plans/failures.yaml");
    /// # drop(builder);
    /// ```
    pub fn plan_file(mut self, path: impl AsRef<Path>) -> Self {
        self.plan = Some(
            crate::job::serve::load_plan(path.as_ref())
                .map(|(plan, _)| plan)
                .map_err(|e| Error::from(e).to_string()),
        );
        self
    }

    /// Extra copies of each task's last callback (default 0).
    ///
    /// ```
    /// let builder = suno_mock::MockProvider::builder().duplicates(2);
    /// # drop(builder);
    /// ```
    pub fn duplicates(mut self, n: u32) -> Self {
        self.cfg.duplicates = n;
        self
    }

    /// How long media links serve their files (default: each family's documented days).
    ///
    /// ```
    /// let builder = suno_mock::MockProvider::builder().retention(std::time::Duration::from_secs(5));
    /// # drop(builder);
    /// ```
    pub fn retention(mut self, d: Duration) -> Self {
        self.cfg.retention = Some(d);
        self
    }

    /// The account's balance at start (default 1000); a create it cannot pay is refused.
    ///
    /// ```
    /// let builder = suno_mock::MockProvider::builder().credits(0);
    /// # drop(builder);
    /// ```
    pub fn credits(mut self, n: u64) -> Self {
        self.cfg.credits = n;
        self
    }

    /// What a create of `family` costs in credits (default: the family's own price: video 2,
    /// music 12, ...); checked by [`start`](Self::start).
    ///
    /// ```
    /// let builder = suno_mock::MockProvider::builder().price("music", 20);
    /// # drop(builder);
    /// ```
    pub fn price(mut self, family: &str, credits: u64) -> Self {
        self.cfg.prices.push((family.to_string(), credits));
        self
    }

    /// At most `n` creates every `per` (default 20 every 10 s, the provider's); `None`: no
    /// limit.
    ///
    /// ```
    /// let builder = suno_mock::MockProvider::builder().rate_limit(None);
    /// # drop(builder);
    /// ```
    pub fn rate_limit(mut self, limit: Option<(u32, Duration)>) -> Self {
        self.cfg.rate_limit = limit;
        self
    }

    /// The callbacks' deadline per attempt (default: each family's documented one, 15 s).
    ///
    /// ```
    /// let builder = suno_mock::MockProvider::builder().callback_deadline(std::time::Duration::from_secs(2));
    /// # drop(builder);
    /// ```
    pub fn callback_deadline(mut self, d: Duration) -> Self {
        self.cfg.timeout = Some(d);
        self
    }

    /// Retries of an unanswered or refused callback and the waits before them (default 3,
    /// after 1 s, 2 s and 4 s).
    ///
    /// ```
    /// let builder = suno_mock::MockProvider::builder().callback_retries([std::time::Duration::from_millis(10); 3]);
    /// # drop(builder);
    /// ```
    pub fn callback_retries(mut self, delays: impl IntoIterator<Item = Duration>) -> Self {
        let delays: Vec<Duration> = delays.into_iter().collect();
        self.cfg.policy = Policy {
            retries: u32::try_from(delays.len()).unwrap_or(u32::MAX),
            retry_delays: delays,
            ..self.cfg.policy
        };
        self
    }

    /// Make a music video of any `taskId`/`audioId` (default: only of a finished track of
    /// this server, as the provider does).
    ///
    /// ```
    /// let builder = suno_mock::MockProvider::builder().any_track_ids(true);
    /// # drop(builder);
    /// ```
    pub fn any_track_ids(mut self, yes: bool) -> Self {
        self.cfg.any_track_ids = yes;
        self
    }

    /// The seed of every id and random draw (default 0): the same seed, the same ids.
    ///
    /// ```
    /// let builder = suno_mock::MockProvider::builder().seed(7);
    /// # drop(builder);
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.cfg.seed = seed;
        self
    }

    /// Starts it on a free loopback port.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), suno_mock::Error> {
    /// let bad = suno_mock::MockProvider::builder().plan_yaml("tasks: 3").start().await;
    /// assert!(matches!(bad, Err(suno_mock::Error::Invalid(_))));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] for a plan that does not parse or a failure code of 200;
    /// [`Error::Harness`] when no loopback port can be bound.
    pub async fn start(self) -> Result<MockProvider, Error> {
        let mut cfg = self.cfg;
        if let Some(code) = self.failure_code {
            crate::job::serve::check_failure_code(code)?;
            cfg.failure_code = code;
        }
        for (family, _) in &cfg.prices {
            super::family(family)?;
        }
        if let Some(plan) = self.plan {
            cfg.plan = Some(plan.map_err(Error::Invalid)?);
        }
        let key = cfg
            .api_key
            .clone()
            .unwrap_or_else(|| "sk-suno-mock".to_string());
        let send = crate::job::settings::SendSettings::new(cfg.policy.clone(), None, false)?;
        let sender = crate::job::session::sender(&send, crate::job::Limits::default())?;
        let running = crate::mock_api::start(cfg, sender, ([127, 0, 0, 1], 0).into(), None)
            .await
            .map_err(|e| Error::Harness(e.to_string()))?;
        Ok(MockProvider { running, key })
    }
}

/// A task of the mock provider, as [`MockProvider::tasks`] lists it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), suno_mock::Error> {
/// # let api = suno_mock::MockProvider::start().await?;
/// for task in api.tasks() {
///     println!("{} {} {:?}: {}", task.task_id, task.family, task.state, task.record);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Task {
    /// Its `taskId`.
    pub task_id: String,
    /// Its family's id (`video`, `music`, ...).
    pub family: &'static str,
    /// Where it is in its life.
    pub state: TaskState,
    /// The `callBackUrl` it was created with.
    pub callback_url: Option<String>,
    /// Its record-info `data`, exactly as polling answers it.
    pub record: serde_json::Value,
}

/// One callback attempt of the mock provider, as [`MockProvider::deliveries`] lists it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), suno_mock::Error> {
/// # let api = suno_mock::MockProvider::start().await?;
/// let refused = api.deliveries().into_iter().filter(|d| !d.accepted).count();
/// assert_eq!(refused, 0);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Delivery {
    /// The task it reported.
    pub task_id: String,
    /// The task's family id.
    pub family: &'static str,
    /// The callback's stage: `success`, `failure`, music's `text`, `first`, `complete`...
    pub stage: &'static str,
    /// 1 for the callback, 2 and up for its duplicates.
    pub copy: u32,
    /// 1 for the first attempt, 2 and up for its retries.
    pub attempt: u32,
    /// Where it was sent.
    pub callback_url: String,
    /// The receiver's HTTP status; `None` when it did not answer.
    pub status: Option<u16>,
    /// The answer counts as received (a 2xx).
    pub accepted: bool,
    /// Why there was no answer (`timeout`, `refused`, ...), when there was none.
    pub error: Option<&'static str>,
    /// How long the attempt took.
    pub took: Duration,
}
