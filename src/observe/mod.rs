//! Observations of a receiver's side effects: the media host's download counts (always), an
//! HTTP probe and a command probe, each taken once it has settled.

mod probe;

use std::time::{Duration, Instant};

use crate::artifacts::MediaHost;
use crate::outcome::Observation;
use crate::wire::Slots;

pub use probe::{ObserveError, run_command_probe, run_http_probe, shell_quote};

#[derive(Debug, Clone)]
pub struct ObserveConfig {
    /// GET this URL (`{task_id}` filled in); the body is the observation.
    pub probe_url: Option<String>,
    /// Run this shell command (`{task_id}` filled in, shell-quoted); stdout is the observation.
    pub probe_cmd: Option<String>,
    /// An observation counts once it is unchanged for this long.
    pub settle: Duration,
    /// Give up waiting for it to settle after this long, and say so.
    pub max_wait: Duration,
}

impl Default for ObserveConfig {
    fn default() -> Self {
        ObserveConfig {
            probe_url: None,
            probe_cmd: None,
            settle: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
        }
    }
}

impl ObserveConfig {
    /// Whether anything beyond download counts is watched.
    pub fn has_probe(&self) -> bool {
        self.probe_url.is_some() || self.probe_cmd.is_some()
    }
}

#[derive(Debug, Clone)]
pub struct Observer {
    cfg: ObserveConfig,
    host: MediaHost,
    client: reqwest::Client,
    /// The sender's connection slots: a probe is a connection to the receiver too.
    slots: Option<Slots>,
    /// How the probe first stopped working during the run, if it did.
    broke: std::sync::Arc<std::sync::Mutex<Option<String>>>,
}

impl Observer {
    pub fn new(
        cfg: ObserveConfig,
        host: MediaHost,
        slots: Option<Slots>,
    ) -> Result<Observer, ObserveError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| ObserveError::Client(e.to_string()))?;
        Ok(Observer {
            cfg,
            host,
            client,
            slots,
            broke: std::sync::Arc::default(),
        })
    }

    pub fn config(&self) -> &ObserveConfig {
        &self.cfg
    }

    /// How the probe first stopped working, if it did: a look that failed for the probe's
    /// own reasons (see [`ObserveError::Broken`]), not for the receiver's state.
    pub fn breakage(&self) -> Option<String> {
        self.broke
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The flag and template of the probe in use, as reports name it.
    pub fn probe_flag(&self) -> Option<String> {
        match (&self.cfg.probe_url, &self.cfg.probe_cmd) {
            (Some(u), _) => Some(format!("--probe-url {u}")),
            (None, Some(c)) => Some(format!("--probe-cmd {c}")),
            (None, None) => None,
        }
    }

    /// One look at every source, now.
    pub async fn snapshot(&self, task: &str, task_id: &str) -> Result<Observation, ObserveError> {
        Ok(self.look(task, task_id).await?.0)
    }

    /// [`Observer::look_once`], keeping the first time the probe broke.
    async fn look(
        &self,
        task: &str,
        task_id: &str,
    ) -> Result<(Observation, Duration), ObserveError> {
        let r = self.look_once(task, task_id).await;
        if let Err(e) = &r {
            let mut broke = self
                .broke
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if broke.is_none() {
                *broke = Some(format!("observing task {task_id}: {e}"));
            }
        }
        r
    }

    /// [`Observer::snapshot`], and how long it waited for a connection slot: the harness's
    /// own queue, which no wait for the receiver's side effects may be charged with.
    async fn look_once(
        &self,
        task: &str,
        task_id: &str,
    ) -> Result<(Observation, Duration), ObserveError> {
        let mut queued = Duration::ZERO;
        let probe_http = match &self.cfg.probe_url {
            Some(t) => {
                let asked = Instant::now();
                let _slot = match &self.slots {
                    Some(s) => s.take().await,
                    None => None,
                };
                queued = asked.elapsed();
                Some(run_http_probe(&self.client, t, task_id).await?)
            }
            None => None,
        };
        let probe_cmd = match &self.cfg.probe_cmd {
            Some(t) => Some(run_command_probe(t, task_id).await?),
            None => None,
        };
        let o = Observation {
            name: None,
            role: None,
            task: task.to_string(),
            task_id: task_id.to_string(),
            downloads: self.host.downloads(task_id),
            probe_http,
            probe_cmd,
            settled: false,
            waited_ms: 0.0,
        };
        Ok((o, queued))
    }

    /// One look at a task that nothing has been sent for: it has no side effects under way,
    /// so this look is its settled state.
    pub async fn at_rest(&self, task: &str, task_id: &str) -> Result<Observation, ObserveError> {
        let mut o = self.snapshot(task, task_id).await?;
        o.settled = true;
        Ok(o)
    }

    /// Looks repeatedly until nothing has changed for the settle window. Side effects of a
    /// receiver happen in its own time, so polling is the only way to see them come to rest.
    /// With `until_downloaded`, first waits (at most that long) for a completed download.
    pub async fn settled(
        &self,
        task: &str,
        task_id: &str,
        until_downloaded: Option<Duration>,
    ) -> Result<Observation, ObserveError> {
        let start = Instant::now();
        let poll =
            (self.cfg.settle / 10).clamp(Duration::from_millis(10), Duration::from_millis(100));
        // --max-wait bounds every wait of an observation, this one included.
        if let Some(limit) = until_downloaded.map(|l| l.min(self.cfg.max_wait)) {
            while self.host.downloads(task_id).completed == 0 && start.elapsed() < limit {
                tokio::time::sleep(poll).await;
            }
        }
        let (mut last, mut queued) = self.look(task, task_id).await?;
        let mut stable_since = Instant::now();
        loop {
            if stable_since.elapsed() >= self.cfg.settle {
                last.settled = true;
                break;
            }
            if start.elapsed().saturating_sub(queued) >= self.cfg.max_wait {
                break;
            }
            tokio::time::sleep(poll).await;
            let (now, q) = self.look(task, task_id).await?;
            queued += q;
            // A download still streaming is a side effect under way, not one at rest.
            if now.downloads != last.downloads
                || !now.same_effects(&last)
                || self.host.in_progress(task_id) > 0
            {
                stable_since = Instant::now();
            }
            last = now;
        }
        last.waited_ms = (start.elapsed().as_secs_f64() * 1000.0).round();
        Ok(last)
    }
}
