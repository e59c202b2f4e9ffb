//! The media host: every media URL the harness sends points here. Serves a real file of each
//! kind the families point at (MP4, MP3, JPEG, PNG, WAV), counts per task the requests and the
//! completed downloads of all its files, and per task behaves as the scenario asks: normal,
//! slow, expired, truncated or large.

pub mod local_ca;
mod stream;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::family::MediaKind;
use crate::http_server::{self, ServerHandle};
use crate::wire::Downloads;
use crate::wire::MediaMode;

/// A small, playable MP4 (1 s, 160x90, H.264 + AAC) made once with ffmpeg; see assets/README.md.
pub static SAMPLE_MP4: &[u8] = include_bytes!("../../assets/sample.mp4");
/// 1 s of a 440 Hz tone, MP3 (LAME), mono 22.05 kHz.
pub static SAMPLE_MP3: &[u8] = include_bytes!("../../assets/sample.mp3");
/// A 160x160 test card, baseline JPEG.
pub static SAMPLE_JPEG: &[u8] = include_bytes!("../../assets/sample.jpg");
/// A 64x64 test card, PNG.
pub static SAMPLE_PNG: &[u8] = include_bytes!("../../assets/sample.png");
/// 0.5 s of a 440 Hz tone, 16-bit PCM WAV, mono 8 kHz.
pub static SAMPLE_WAV: &[u8] = include_bytes!("../../assets/sample.wav");

/// The file served for a kind of media.
pub fn sample(kind: MediaKind) -> &'static [u8] {
    match kind {
        MediaKind::Mp4 => SAMPLE_MP4,
        MediaKind::Mp3 => SAMPLE_MP3,
        MediaKind::Jpeg => SAMPLE_JPEG,
        MediaKind::Png => SAMPLE_PNG,
        MediaKind::Wav => SAMPLE_WAV,
    }
}
/// How big the `large` mode's file is.
pub const LARGE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Default)]
struct Entry {
    mode: MediaMode,
    counts: Downloads,
    /// Downloads whose body is still being sent: side effects have not settled while any is.
    in_progress: u64,
    /// From this instant the task's links no longer serve the files (retention over).
    expires_at: Option<std::time::Instant>,
    /// The files the task has (`video.mp4`, `track1.mp3`...), when it says: any other name
    /// under it is a 404, as on a real host. `None` (the harness's own tasks): any name.
    files: Option<std::collections::HashSet<String>>,
}

/// Held by a body being streamed to a registered task's downloader; its drop (the last byte
/// sent, or the connection gone) ends the download in progress.
struct InProgress {
    state: Arc<HostState>,
    task_id: String,
}

impl Drop for InProgress {
    fn drop(&mut self) {
        self.state.with(|t| {
            if let Some(e) = t.get_mut(&self.task_id) {
                e.in_progress = e.in_progress.saturating_sub(1);
            }
        });
    }
}

#[derive(Debug)]
pub(crate) struct HostState {
    tasks: Mutex<HashMap<String, Entry>>,
    /// Task ids with this prefix are served without being registered, and counted together:
    /// the load mode's many tasks must not cost memory each.
    open_prefix: Mutex<Option<String>>,
    open_counts: Mutex<Downloads>,
    /// Completed downloads per open task, by the number that ends its id: one byte a task
    /// (saturating), enough to tell none, once and more than once.
    open_per_task: Mutex<Vec<u8>>,
    /// How long the `slow` mode spreads the file over.
    slow_over: Mutex<Duration>,
}

impl HostState {
    fn with<R>(&self, f: impl FnOnce(&mut HashMap<String, Entry>) -> R) -> R {
        // A panic elsewhere must not take the counts with it.
        let mut guard = self.tasks.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut guard)
    }

    pub(crate) fn completed(&self, task_id: &str) {
        let known = self.with(|t| match t.get_mut(task_id) {
            Some(e) => {
                e.counts.completed += 1;
                true
            }
            None => false,
        });
        if !known && self.is_open(task_id) {
            self.open_counts
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .completed += 1;
            let index = task_id
                .rsplit('_')
                .next()
                .and_then(|n| n.parse::<usize>().ok());
            if let Some(i) = index {
                let mut per = self
                    .open_per_task
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                if per.len() <= i {
                    per.resize(i + 1, 0);
                }
                per[i] = per[i].saturating_add(1);
            }
        }
    }

    fn is_open(&self, task_id: &str) -> bool {
        self.open_prefix
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_deref()
            .is_some_and(|p| task_id.starts_with(p))
    }
}

/// The media host's routes: the video family's MP4 keeps its `/videos/` path, every other
/// family's media is under `/media/`.
pub const MEDIA_ROUTES: [&str; 2] = ["/videos/{file}", "/media/{task}/{file}"];
/// [`MEDIA_ROUTES`] as people read them.
pub const MEDIA_SHOWN: [&str; 2] = ["/videos/<taskId>.mp4", "/media/<taskId>/<file>"];

/// A running media host (videos, audio, images). Cheap to clone; the server stops when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct MediaHost {
    state: Arc<HostState>,
    base_url: String,
    _server: Option<Arc<ServerHandle>>,
}

impl MediaHost {
    /// Binds `listen` (port 0 for any). `base_url` is what receivers are told, for a receiver
    /// that reaches the harness by another name (a container, say).
    /// With `tls`, it serves https (`--media-tls`).
    pub async fn start(
        listen: SocketAddr,
        base_url: Option<String>,
        tls: Option<http_server::TlsConfig>,
    ) -> Result<MediaHost, http_server::ServeError> {
        let (mut host, router) = MediaHost::embedded(String::new());
        let server = match tls {
            Some(tls) => http_server::spawn_tls(router, listen, tls).await,
            None => http_server::spawn(router, listen).await,
        }?;
        host.base_url = base_url
            .map(|b| b.trim_end_matches('/').to_string())
            .unwrap_or_else(|| server.url());
        host._server = Some(Arc::new(server));
        Ok(host)
    }

    /// A host whose routes the caller serves itself (the mock API serves videos on its own
    /// port), with `base_url` as the address receivers are told.
    pub fn embedded(base_url: String) -> (MediaHost, Router) {
        let state = Arc::new(HostState {
            tasks: Mutex::new(HashMap::new()),
            open_prefix: Mutex::new(None),
            open_counts: Mutex::new(Downloads::default()),
            open_per_task: Mutex::new(Vec::new()),
            slow_over: Mutex::new(Duration::from_secs(30)),
        });
        let router = Router::new()
            .route(MEDIA_ROUTES[0], get(serve_video))
            .route(MEDIA_ROUTES[1], get(serve_media))
            .with_state(state.clone());
        let host = MediaHost {
            state,
            base_url: base_url.trim_end_matches('/').to_string(),
            _server: None,
        };
        (host, router)
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn url_for(&self, task_id: &str) -> String {
        format!("{}/videos/{task_id}.mp4", self.base_url)
    }

    /// The URL of one media slot of a task: the video family's MP4 keeps its `/videos/` path.
    pub fn media_url(&self, task_id: &str, kind: MediaKind, slot: &str) -> String {
        if kind == MediaKind::Mp4 && slot == "video" {
            return self.url_for(task_id);
        }
        format!("{}/media/{task_id}/{slot}.{}", self.base_url, kind.ext())
    }

    /// Registers a task (counts start at zero) or changes its mode.
    /// The task's links stop serving its files `after` this long from now (the provider keeps
    /// them 14 or 15 days; `serve --retention` makes that seconds).
    pub fn expire_after(&self, task_id: &str, after: Duration) {
        let at = std::time::Instant::now().checked_add(after);
        self.state
            .with(|t| t.entry(task_id.to_string()).or_default().expires_at = at);
    }

    /// Adds `urls` (those of this host) to the files `task_id` has: from then on only the
    /// files it has are served under it, every other name is a 404.
    pub fn has_files<'a>(&self, task_id: &str, urls: impl IntoIterator<Item = &'a str>) {
        let names: Vec<String> = urls
            .into_iter()
            .filter_map(|u| u.strip_prefix(self.base_url.as_str()))
            .filter_map(file_name)
            .collect();
        self.state.with(|t| {
            t.entry(task_id.to_string())
                .or_default()
                .files
                .get_or_insert_default()
                .extend(names);
        });
    }

    /// Forgets a task (its media expired long ago): its counts and files.
    pub fn forget(&self, task_id: &str) {
        self.state.with(|t| t.remove(task_id));
    }

    pub fn set_mode(&self, task_id: &str, mode: MediaMode) {
        self.state
            .with(|t| t.entry(task_id.to_string()).or_default().mode = mode);
    }

    /// The `slow` mode trickles the file over this long; set above the deadline in force.
    pub fn set_slow_over(&self, d: Duration) {
        *self
            .state
            .slow_over
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = d;
    }

    /// Serves every task id starting with `prefix` as a normal video, counted together.
    pub fn open_prefix(&self, prefix: &str) {
        *self
            .state
            .open_prefix
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(prefix.to_string());
    }

    /// Completed downloads of open task `index` (0 when never downloaded).
    pub fn open_task_downloads(&self, index: usize) -> u8 {
        self.state
            .open_per_task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(index)
            .copied()
            .unwrap_or(0)
    }

    /// The counts of all tasks under the open prefix.
    pub fn open_downloads(&self) -> Downloads {
        *self
            .state
            .open_counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Downloads of this task whose body is still streaming.
    pub fn in_progress(&self, task_id: &str) -> u64 {
        self.state
            .with(|t| t.get(task_id).map(|e| e.in_progress).unwrap_or_default())
    }

    pub fn downloads(&self, task_id: &str) -> Downloads {
        self.state
            .with(|t| t.get(task_id).map(|e| e.counts).unwrap_or_default())
    }
}

/// The name a file has under its task: `video.mp4` for `/videos/TASK.mp4`, `track1.mp3` for
/// `/media/TASK/track1.mp3`.
fn file_name(path: &str) -> Option<String> {
    if let Some(rest) = path.strip_prefix("/videos/") {
        return rest.ends_with(".mp4").then(|| "video.mp4".to_string());
    }
    let rest = path.strip_prefix("/media/")?;
    rest.split_once('/').map(|(_, f)| f.to_string())
}

async fn serve_video(State(state): State<Arc<HostState>>, Path(file): Path<String>) -> Response {
    let Some(task_id) = file.strip_suffix(".mp4") else {
        return (StatusCode::NOT_FOUND, "not a video\n").into_response();
    };
    serve(state, task_id, MediaKind::Mp4, "video.mp4")
}

async fn serve_media(
    State(state): State<Arc<HostState>>,
    Path((task_id, file)): Path<(String, String)>,
) -> Response {
    let kind = file
        .rsplit_once('.')
        .and_then(|(_, ext)| MediaKind::from_ext(ext));
    match kind {
        Some(kind) => serve(state, &task_id, kind, &file),
        None => (StatusCode::NOT_FOUND, "no such media\n").into_response(),
    }
}

/// One download of one of a task's files, in the task's mode, counted; a file the task does
/// not have is a 404.
fn serve(state: Arc<HostState>, task_id: &str, kind: MediaKind, file: &str) -> Response {
    let data = sample(kind);
    let has = state.with(|t| {
        t.get(task_id)
            .and_then(|e| e.files.as_ref())
            .is_none_or(|files| files.contains(file))
    });
    if !has {
        return (StatusCode::NOT_FOUND, "no such media\n").into_response();
    }
    let mode = state.with(|t| {
        t.get_mut(task_id).map(|e| {
            e.counts.requests += 1;
            e.in_progress += 1;
            let expired = e
                .expires_at
                .is_some_and(|at| std::time::Instant::now() >= at);
            if expired { MediaMode::Expired } else { e.mode }
        })
    });
    // Registered tasks are watched for settling; open (load) tasks are not.
    let guard = mode.is_some().then(|| InProgress {
        state: state.clone(),
        task_id: task_id.to_string(),
    });
    let mode = match mode {
        Some(m) => m,
        None if state.is_open(task_id) => {
            state
                .open_counts
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .requests += 1;
            MediaMode::Normal
        }
        None => return (StatusCode::NOT_FOUND, "no such media\n").into_response(),
    };
    let slow_over = *state
        .slow_over
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let (len, body) = match mode {
        MediaMode::Expired => {
            // What a signed link says once its 14 days are over.
            return (StatusCode::FORBIDDEN, "Request has expired\n").into_response();
        }
        MediaMode::Normal => (
            data.len() as u64,
            Body::from_stream(stream::whole(state.clone(), task_id.to_string(), data)),
        ),
        MediaMode::Slow => (
            data.len() as u64,
            Body::from_stream(stream::trickle(
                state.clone(),
                task_id.to_string(),
                data,
                slow_over,
            )),
        ),
        MediaMode::Truncated => (
            data.len() as u64,
            Body::from_stream(stream::truncated(data)),
        ),
        MediaMode::Large => (
            LARGE_BYTES,
            Body::from_stream(stream::large(
                state.clone(),
                task_id.to_string(),
                kind,
                LARGE_BYTES,
            )),
        ),
    };
    let body = match guard {
        Some(g) => Body::from_stream(futures_util::StreamExt::map(
            body.into_data_stream(),
            move |c| {
                let _held = &g;
                c
            },
        )),
        None => body,
    };
    let mut resp = Response::new(body);
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(kind.content_type()),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    resp
}
