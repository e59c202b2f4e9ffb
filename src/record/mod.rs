//! `suno-mock record`: a callback endpoint that forwards what the real provider sends to the
//! developer's receiver, unchanged, returns the receiver's answer unchanged, and writes every
//! exchange into a scenario file per task as soon as it ends (`file.rs` renders them).

mod file;
mod live;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::http_server::{self, ServerHandle};
use crate::outcome::events::ServeEvent;
use crate::wire::signing;

pub use file::{render, render_by};

#[derive(Debug, Clone)]
pub struct RecordConfig {
    /// Where requests are forwarded; `None`: answer `answer` and only record.
    pub forward_to: Option<url::Url>,
    pub answer: u16,
    pub out: PathBuf,
    /// Write signatures, timestamps and query tokens into the files as they came.
    pub keep_secrets: bool,
    /// The deadline of a forwarded request (the provider's sender waits this long).
    pub timeout: Duration,
    /// Requests with a larger body are answered 413 and not recorded.
    pub max_body: usize,
    /// Print a line per exchange.
    pub log: bool,
    /// Where the live page listens (`--ui-listen`); `None`: no page.
    pub ui_listen: Option<SocketAddr>,
}

/// One exchange, as the file keeps it.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub arrived: Instant,
    pub method: String,
    pub body: Vec<u8>,
    /// The request headers worth replaying (no hop-by-hop, tunnel or signing headers).
    pub headers: Vec<(String, String)>,
    /// The signing headers as they came (written only with `--keep-secrets`).
    pub signing: Vec<(String, String)>,
    /// Query parameter names and values (values written only with `--keep-secrets`).
    pub query: Vec<(String, String)>,
    /// The status the caller was answered (the receiver's, or the recorder's own).
    pub status: u16,
    /// What went wrong forwarding, when something did.
    pub note: Option<String>,
    /// When it arrived, in milliseconds since `record` started.
    pub at_ms: f64,
    /// How long the answer took (the receiver's, or none when `record` answers itself).
    pub took_ms: f64,
    /// Why the receiver gave no answer (`timeout`, `refused`, ...), when it gave none.
    pub error: Option<crate::wire::ErrorClass>,
    /// The answer's headers (credentials masked) and the first bytes of its body.
    pub answer_headers: Vec<(String, String)>,
    pub answer_body: String,
    /// The callback's stage as its body says (`complete`, `success`, `error`...), when its
    /// family was recognised.
    pub stage: Option<&'static str>,
    /// A failure callback.
    pub failure: bool,
}

/// The exchanges of one task, in arrival order.
#[derive(Debug, Clone)]
pub struct TaskRecording {
    pub key: String,
    /// The file this run writes the task to: `KEY.yaml`, or the next free `KEY-N.yaml` when an
    /// earlier run left a recording of the same task there (a restart never overwrites one).
    pub path: PathBuf,
    pub family: Option<&'static crate::family::Family>,
    pub first_at: SystemTime,
    pub exchanges: Vec<Exchange>,
    /// What the live page sent the receiver again: shown on the page, never written to the
    /// file, which holds what the provider sent.
    pub actions: Vec<Resent>,
}

/// A recorded callback the live page sent the receiver again.
#[derive(Debug, Clone)]
pub struct Resent {
    /// `resend`, `duplicate` or `edit`.
    pub action: &'static str,
    /// 1, or 2 and up for a duplicate's further copies.
    pub copy: u32,
    pub exchange: Exchange,
}

type Tasks = Arc<Mutex<HashMap<String, TaskRecording>>>;

#[derive(Clone)]
struct Recorder {
    cfg: Arc<RecordConfig>,
    client: reqwest::Client,
    tasks: Tasks,
    started: Instant,
    /// Every exchange as it ends, for the live page's readers.
    events: tokio::sync::broadcast::Sender<ServeEvent>,
    /// The live page's token (empty without a page).
    token: Arc<str>,
}

pub struct RunningRecorder {
    pub server: ServerHandle,
    /// The live page's listener, with `--ui-listen`.
    pub ui: Option<ServerHandle>,
    token: Arc<str>,
    tasks: Tasks,
    /// Ends the page's event streams when the recorder stops.
    _stop: tokio_util::sync::DropGuard,
}

impl RunningRecorder {
    /// How many exchanges have been written.
    pub fn recorded(&self) -> usize {
        self.tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .map(|t| t.exchanges.len())
            .sum()
    }

    /// The live page's whole URL, token included, when it was asked for.
    pub fn ui_url(&self) -> Option<String> {
        self.ui
            .as_ref()
            .map(|ui| crate::live::url(&ui.url(), &self.token))
    }
}

/// Why `record` could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot create `{}`: {source}", path.display())]
    Folder {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot set up the forwarding client: {0}")]
    Client(#[source] reqwest::Error),
    #[error(transparent)]
    Serve(#[from] http_server::ServeError),
}

pub async fn start(cfg: RecordConfig, listen: SocketAddr) -> Result<RunningRecorder, StartError> {
    std::fs::create_dir_all(&cfg.out).map_err(|source| StartError::Folder {
        path: cfg.out.clone(),
        source,
    })?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(cfg.timeout)
        .build()
        .map_err(StartError::Client)?;
    let tasks = Arc::new(Mutex::new(HashMap::new()));
    let max_body = cfg.max_body;
    let ui_listen = cfg.ui_listen;
    let token: Arc<str> = match ui_listen {
        Some(_) => crate::live::new_token().into(),
        None => "".into(),
    };
    let rec = Recorder {
        cfg: Arc::new(cfg),
        client,
        tasks: tasks.clone(),
        started: Instant::now(),
        events: tokio::sync::broadcast::channel(crate::live::EVENTS_KEPT).0,
        token: token.clone(),
    };
    let stop = tokio_util::sync::CancellationToken::new();
    let router = Router::new()
        .fallback(handle)
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(rec.clone());
    let server = http_server::spawn(router, listen).await?;
    let ui = match ui_listen {
        Some(addr) => Some(http_server::spawn(live::router(rec, stop.clone()), addr).await?),
        None => None,
    };
    Ok(RunningRecorder {
        server,
        ui,
        token,
        tasks,
        _stop: stop.drop_guard(),
    })
}

/// Headers that belong to one hop, or to the tunnel in front: never forwarded back or recorded.
fn hop_header(name: &str) -> bool {
    matches!(
        name,
        "host"
            | "content-length"
            | "connection"
            | "keep-alive"
            | "transfer-encoding"
            | "te"
            | "upgrade"
            | "proxy-connection"
    )
}

fn tunnel_header(name: &str) -> bool {
    name.starts_with("x-forwarded-")
        || name.starts_with("cf-")
        || matches!(
            name,
            "forwarded" | "via" | "x-real-ip" | "accept-encoding" | "cdn-loop" | "true-client-ip"
        )
}

async fn handle(
    State(rec): State<Recorder>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let arrived = Instant::now();
    let body = match body {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            rec.say(format!(
                "warning: {method} {uri}: the body is larger than {} bytes: answered 413, not recorded",
                rec.cfg.max_body
            ));
            return (StatusCode::PAYLOAD_TOO_LARGE, "body too large").into_response();
        }
        Err(e) => {
            return (StatusCode::BAD_REQUEST, format!("unreadable body: {e}")).into_response();
        }
    };
    let answered = match &rec.cfg.forward_to {
        Some(target) => rec.forward(target, &method, &uri, &headers, &body).await,
        None => Forwarded {
            status: rec.cfg.answer,
            headers: vec![("content-type".to_string(), "application/json".to_string())],
            body: br#"{"status":"received"}"#.to_vec(),
            note: None,
            error: None,
        },
    };
    let took_ms = arrived.elapsed().as_secs_f64() * 1000.0;
    let status = answered.status;
    if method != Method::POST {
        // A health check of the tunnel, a browser: the provider only POSTs callbacks. Passed
        // through, never written as a scenario.
        rec.say(format!(
            "{method} {}: not a callback (the provider only POSTs) -> {status}, not recorded",
            uri.path()
        ));
        return answer(status, answered.headers, answered.body);
    }
    let mut kept = Vec::new();
    let mut signing_headers = Vec::new();
    for (k, v) in &headers {
        let name = k.as_str().to_ascii_lowercase();
        let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
        if name.eq_ignore_ascii_case(signing::SIGNATURE_HEADER)
            || name.eq_ignore_ascii_case(signing::TIMESTAMP_HEADER)
        {
            signing_headers.push((k.as_str().to_string(), value));
        } else if !hop_header(&name) && !tunnel_header(&name) {
            kept.push((k.as_str().to_string(), value));
        }
    }
    let query: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let ex = Exchange {
        arrived,
        method: method.to_string(),
        body: body.to_vec(),
        headers: kept,
        signing: signing_headers,
        query,
        status,
        note: answered.note.clone(),
        at_ms: arrived.duration_since(rec.started).as_secs_f64() * 1000.0,
        took_ms,
        error: answered.error,
        answer_headers: answered.shown_headers(),
        answer_body: answered.excerpt(),
        stage: None,
        failure: false,
    };
    rec.keep(ex, &uri);
    answer(status, answered.headers, answered.body)
}

/// The receiver's answer to a forwarded request (or `record`'s own, or the 502 / 504 that says
/// why there was none).
pub(crate) struct Forwarded {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub note: Option<String>,
    pub error: Option<crate::wire::ErrorClass>,
}

impl Forwarded {
    /// The headers as the page shows them: credentials masked.
    fn shown_headers(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(k, v)| crate::secrets::header(k, v.as_bytes()))
            .collect()
    }

    /// The first bytes of the body, as the page shows them.
    fn excerpt(&self) -> String {
        String::from_utf8_lossy(&self.body[..self.body.len().min(4096)]).into_owned()
    }
}

/// The answer the caller gets: the receiver's (or the recorder's own), headers included.
fn answer(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Response {
    let mut resp = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY),
        body,
    )
        .into_response();
    for (k, v) in headers {
        if let (Ok(k), Ok(v)) = (HeaderName::try_from(k), HeaderValue::try_from(v)) {
            resp.headers_mut().insert(k, v);
        }
    }
    resp
}

impl Recorder {
    fn say(&self, line: String) {
        if self.cfg.log {
            crate::console::outln!("{:>9.3}s  {line}", self.started.elapsed().as_secs_f64());
        }
    }

    /// The request sent on unchanged; the answer as it came, or 502 / 504 with what happened.
    async fn forward(
        &self,
        target: &url::Url,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: &Bytes,
    ) -> Forwarded {
        let mut url = target.clone();
        if url.query().is_none() {
            url.set_query(uri.query());
        }
        // What every message names: the answer to the provider, the log and the file's comment
        // all show the address with its query values masked (they are usually the token).
        let shown = crate::secrets::mask_query_values(&url);
        let mut req = self.client.request(method.clone(), url.clone());
        for (k, v) in headers {
            if !hop_header(k.as_str()) {
                req = req.header(k, v);
            }
        }
        let plain = |status: u16, error: crate::wire::ErrorClass, msg: String| Forwarded {
            status,
            headers: vec![("content-type".to_string(), "text/plain".to_string())],
            body: msg.clone().into_bytes(),
            note: Some(msg),
            error: Some(error),
        };
        match req.body(body.clone()).send().await {
            Ok(r) => {
                let status = r.status().as_u16();
                let headers: Vec<(String, String)> = r
                    .headers()
                    .iter()
                    .filter(|(k, _)| !hop_header(k.as_str()))
                    .map(|(k, v)| {
                        (
                            k.as_str().to_string(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect();
                match r.bytes().await {
                    Ok(b) => Forwarded {
                        status,
                        headers,
                        body: b.to_vec(),
                        note: None,
                        error: None,
                    },
                    Err(e) => plain(
                        502,
                        if e.is_timeout() {
                            crate::wire::ErrorClass::Timeout
                        } else {
                            crate::wire::classify(&e).0
                        },
                        format!(
                            "the receiver's answer from {shown} broke off: {}",
                            e.without_url()
                        ),
                    ),
                }
            }
            Err(e) if e.is_timeout() => plain(
                504,
                crate::wire::ErrorClass::Timeout,
                format!(
                    "the receiver at {shown} did not answer within {}",
                    crate::duration::Dur(self.cfg.timeout)
                ),
            ),
            Err(e) => {
                let class = crate::wire::classify(&e).0;
                plain(
                    502,
                    class,
                    format!(
                        "the receiver at {shown} could not be reached: {}",
                        class.name()
                    ),
                )
            }
        }
    }

    /// Adds the exchange to its task's recording and rewrites that file at once.
    fn keep(&self, mut ex: Exchange, uri: &Uri) {
        let json: Option<serde_json::Value> = serde_json::from_slice(&ex.body).ok();
        let detected = json.as_ref().and_then(crate::family::detect::detect);
        if let Some(d) = &detected {
            ex.failure = d.stage.is_none();
            ex.stage = Some(d.stage.unwrap_or(d.family.failure_stage()));
        }
        let task_id = match (&detected, &json) {
            (Some(d), Some(j)) => crate::family::detect::task_id(d.family, j).map(str::to_string),
            _ => None,
        };
        // A body without a task id is a recording of its own: a key no task id can take.
        let key = match &task_id {
            Some(id) => sanitize(id),
            None => "unidentified/".to_string(),
        };
        let kind = detected
            .as_ref()
            .map(|d| format!(" {} {}", d.family.id, d.stage.unwrap_or("failure")))
            .unwrap_or_default();
        let what = format!(
            "{} {} {}{kind} -> {}{}",
            ex.method,
            uri.path(),
            task_id.as_deref().unwrap_or("(no task id)"),
            ex.status,
            ex.note
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        );
        let (path, result, earlier) = {
            let mut tasks = self.tasks.lock().unwrap_or_else(PoisonError::into_inner);
            let mut earlier = None;
            let key = if key == "unidentified/" {
                let taken: Vec<&PathBuf> = tasks.values().map(|t| &t.path).collect();
                (1..)
                    .map(|n| format!("unidentified-{n}"))
                    .find(|k| {
                        let p = self.cfg.out.join(format!("{k}.yaml"));
                        !p.exists() && !taken.contains(&&p)
                    })
                    .unwrap_or_default()
            } else {
                key
            };
            if !tasks.contains_key(&key) {
                let (path, before) = self.free_file(&key, &tasks);
                earlier = before;
                tasks.insert(
                    key.clone(),
                    TaskRecording {
                        key: key.clone(),
                        path,
                        family: detected.as_ref().map(|d| d.family),
                        first_at: SystemTime::now(),
                        exchanges: Vec::new(),
                        actions: Vec::new(),
                    },
                );
            }
            let t = tasks.get_mut(&key).expect("inserted above");
            if t.family.is_none() {
                t.family = detected.as_ref().map(|d| d.family);
            }
            let at = t
                .exchanges
                .iter()
                .position(|e| e.arrived > ex.arrived)
                .unwrap_or(t.exchanges.len());
            t.exchanges.insert(at, ex);
            let path = t.path.clone();
            let result = write_atomically(&path, &render(t, self.cfg.keep_secrets));
            if self.events.receiver_count() > 0 {
                // Sent under the lock, so a page's reader sees a task's exchanges in order.
                let _ = self.events.send(live::task_event(self, t));
                let _ = self.events.send(live::attempt_event(self, t, at, None));
            }
            (path, result, earlier)
        };
        if let Some(before) = earlier {
            // Said whether or not the log is on: the task now lives in two files.
            crate::console::errln!(
                "note: {} holds an earlier recording of this task (kept); this run writes {}",
                before.display(),
                path.display()
            );
        }
        match result {
            Ok(()) => self.say(format!("{what} · wrote {}", path.display())),
            Err(e) => crate::console::errln!("error: {e}"),
        }
    }

    /// The file a task new to this run is written to, and the earlier recording it must not
    /// overwrite when there is one: `KEY.yaml` when free, else the first free `KEY-N.yaml`
    /// (free: not on disk, not taken by another task of this run).
    fn free_file(
        &self,
        key: &str,
        tasks: &HashMap<String, TaskRecording>,
    ) -> (PathBuf, Option<PathBuf>) {
        let taken = |p: &PathBuf| p.exists() || tasks.values().any(|t| &t.path == p);
        let first = self.cfg.out.join(format!("{key}.yaml"));
        if !taken(&first) {
            return (first, None);
        }
        let next = (2..)
            .map(|n| self.cfg.out.join(format!("{key}-{n}.yaml")))
            .find(|p| !taken(p))
            .expect("some number is free");
        let earlier = first.exists().then_some(first);
        (next, earlier)
    }
}

/// A task id as a file name.
pub(crate) fn sanitize(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    s.trim_start_matches('.').chars().take(100).collect()
}

/// Writes beside the file and renames over it: a reader (or a crash) never sees half a file.
pub(crate) fn write_atomically(path: &std::path::Path, text: &str) -> Result<(), FileError> {
    let tmp = path.with_extension("yaml.tmp");
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|source| FileError {
            action: "write",
            path: path.to_path_buf(),
            source,
        })
}

/// A file or folder of recordings (or of fuzz findings) that could not be made.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} {}: {source}", path.display())]
pub struct FileError {
    /// `create` (a folder) or `write` (a file).
    pub action: &'static str,
    pub path: std::path::PathBuf,
    #[source]
    pub source: std::io::Error,
}
