//! Every create endpoint and every details (record-info) endpoint of every family, from one
//! table: the path, the family whose callbacks it sends, what it checks, and what the task
//! echoes of the request. One handler creates any task, one answers any record-info.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::envelope::{
    authorized, bad_at, create_body, created_task_id, envelope, log, unauthorized,
};
use super::fields::{Refusal, callback_url, required_text};
use super::operations::{OPERATIONS, Operation};
use super::records::{self, Created};
use super::store::{Record, Task};
use super::{Api, worker};
use crate::family::{CATALOGUE, Family, Layout, Source, VOICE};

/// The provider's limit on `author` and `domainName` of a music video.
const MAX_FIELD: usize = 50;

/// What a create endpoint checks beyond the key and the JSON body.
#[derive(Debug)]
pub(super) enum Checks {
    /// A music-like operation (`operations.rs`).
    Operation(&'static Operation),
    /// A family made of a finished track (`Source::Track`, the music video): `taskId`,
    /// `audioId`, `author`/`domainName` of at most 50 characters, and a (taskId, audioId)
    /// pair made into a task only once (409 with `conflict`).
    Track { conflict: &'static str },
    /// The family's required string fields.
    Fields(&'static [&'static str]),
    /// Suno Voice's validate: `voiceUrl`, `vocalStartS` before `vocalEndS` (integers), an
    /// optional `language` and an optional `callBackUrl`.
    VoiceValidate,
    /// Suno Voice's regenerate: `taskId` (a validate task) and `calBackUrl`, with one "l", as
    /// its page spells it.
    Regenerate,
}

/// The languages Suno Voice's validate takes.
const LANGUAGES: &[&str] = &["en", "zh", "es", "fr", "pt", "de", "ja", "ko", "hi", "ru"];

/// The variant of the voice callback that carries the phrase to record.
const PHRASE: &str = "validation phrase callback (status wait_validating)";

#[derive(Debug)]
pub(super) struct Endpoint {
    pub path: &'static str,
    pub family: &'static Family,
    /// `operationType` of its tasks (music-like ones), else the family's id.
    pub operation_type: &'static str,
    /// The `msg` of this operation's 400 failure, when it has its own.
    pub failure_400: Option<&'static str>,
    pub checks: Checks,
    /// The details path that reports its tasks, and how that answer is laid out.
    pub details: &'static str,
    pub layout: Layout,
    /// The documented variant every callback of its tasks takes.
    pub variant: Option<&'static str>,
}

/// Every create endpoint `serve` offers.
pub(super) static ENDPOINTS: LazyLock<Vec<Endpoint>> = LazyLock::new(|| {
    let of = |path, family: &'static Family, operation_type, failure_400, checks| Endpoint {
        path,
        family,
        operation_type,
        failure_400,
        checks,
        details: family.polling.path,
        layout: family.polling.layout,
        variant: None,
    };
    // The families' own creates, except where an operation of the music API offers the path
    // with checks of its own.
    let offered = |f: &&Family| {
        !f.polling.create.is_empty() && !OPERATIONS.iter().any(|op| op.path == f.polling.create)
    };
    let own = |f: &'static Family| match f.polling.source {
        Source::Track {
            operation_type,
            conflict,
        } => of(
            f.polling.create,
            f,
            operation_type,
            None,
            Checks::Track { conflict },
        ),
        Source::Fields => of(
            f.polling.create,
            f,
            f.id,
            None,
            Checks::Fields(f.polling.required),
        ),
    };
    let mut out: Vec<Endpoint> = CATALOGUE.iter().filter(offered).map(own).collect();
    out.extend(OPERATIONS.iter().map(|op| {
        of(
            op.path,
            op.family,
            op.operation_type,
            Some(op.failure_msg),
            Checks::Operation(op),
        )
    }));
    // Suno Voice's phrase: validated (or regenerated), then polled on validate-info.
    for (path, checks) in [
        ("/api/v1/voice/validate", Checks::VoiceValidate),
        ("/api/v1/voice/regenerate", Checks::Regenerate),
    ] {
        out.push(Endpoint {
            details: "/api/v1/voice/validate-info",
            layout: Layout::VoiceValidate,
            variant: Some(PHRASE),
            ..of(path, VOICE, "validate", None, checks)
        });
    }
    out
});

/// The create endpoints grouped as `serve`'s banner lists them: each family in the
/// catalogue's order, its own create first (named by the family), then its sibling
/// operations (named by the operation); endpoints of one operation polled on one details path
/// share a line.
pub(super) fn endpoints() -> Vec<crate::outcome::serve::Endpoint> {
    let mut out: Vec<crate::outcome::serve::Endpoint> = Vec::new();
    for f in CATALOGUE {
        let mut of_family: Vec<&Endpoint> =
            ENDPOINTS.iter().filter(|e| e.family.id == f.id).collect();
        // The family's own create first; the rest in the table's order.
        of_family.sort_by_key(|e| e.path != f.polling.create);
        for e in of_family {
            let own = e.path == f.polling.create;
            let name = if own {
                f.id.to_string()
            } else {
                e.operation_type.replace('_', "-")
            };
            match out.last_mut() {
                Some(last) if !own && last.name == name && last.poll == e.details => {
                    last.creates.push(e.path);
                }
                _ => out.push(crate::outcome::serve::Endpoint {
                    name,
                    operation: !own,
                    creates: vec![e.path],
                    poll: e.details,
                }),
            }
        }
    }
    out
}

/// The track a create of a family made of a track claims: its (taskId, audioId), and the
/// message of the 409 when another task has it.
struct Claim {
    pair: (String, String),
    conflict: &'static str,
}

/// What a create's checks give: the callback URL (when the endpoint takes one) and, for a
/// family made of a track, the track it claims.
type Checked = (Option<String>, Option<Claim>);

impl Endpoint {
    /// The documented checks; the callback URL and, for a family made of a track, the pair it
    /// claims.
    fn check(&self, o: &Map<String, Value>) -> Result<Checked, Refusal> {
        match &self.checks {
            Checks::Operation(op) => op.validate(o).map(|(_, cb)| (cb, None)),
            Checks::Fields(names) => {
                for name in *names {
                    required_text(o, name)?;
                }
                Ok((Some(callback_url(o)?), None))
            }
            Checks::VoiceValidate => {
                let voice = required_text(o, "voiceUrl")?;
                if url::Url::parse(&voice).map_or(true, |u| !matches!(u.scheme(), "http" | "https"))
                {
                    return Err(Refusal::new(400, "voiceUrl must be an http or https URL"));
                }
                let int = |name: &str| -> Result<i64, Refusal> {
                    o.get(name).and_then(Value::as_i64).ok_or_else(|| {
                        Refusal::new(400, format!("{name} is required and must be an integer"))
                    })
                };
                let (start, end) = (int("vocalStartS")?, int("vocalEndS")?);
                if end <= start {
                    return Err(Refusal::new(
                        400,
                        format!("vocalEndS ({end}) must be greater than vocalStartS ({start})"),
                    ));
                }
                if let Some(l) = o.get("language").and_then(Value::as_str)
                    && !LANGUAGES.contains(&l)
                {
                    return Err(Refusal::new(
                        400,
                        format!("language `{l}` is not one of {}", LANGUAGES.join(", ")),
                    ));
                }
                let cb = match o.get("callBackUrl") {
                    None | Some(Value::Null) => None,
                    Some(_) => Some(callback_url(o)?),
                };
                Ok((cb, None))
            }
            Checks::Regenerate => {
                required_text(o, "taskId")?;
                // The page spells it `calBackUrl`; the same rules as a `callBackUrl`.
                let mut renamed = Map::new();
                if let Some(v) = o.get("calBackUrl") {
                    renamed.insert("callBackUrl".into(), v.clone());
                }
                let cb = callback_url(&renamed).map_err(|r| {
                    Refusal::new(r.status, r.msg.replace("callBackUrl", "calBackUrl"))
                })?;
                Ok((Some(cb), None))
            }
            Checks::Track { conflict } => {
                let task = required_text(o, "taskId")?;
                let audio = required_text(o, "audioId")?;
                let cb = callback_url(o)?;
                for name in ["author", "domainName"] {
                    match o.get(name) {
                        None | Some(Value::Null) => {}
                        Some(Value::String(s)) if s.chars().count() > MAX_FIELD => {
                            return Err(Refusal::new(
                                413,
                                format!("{name} is longer than {MAX_FIELD} characters"),
                            ));
                        }
                        Some(Value::String(_)) => {}
                        Some(_) => {
                            return Err(Refusal::new(400, format!("{name} must be a string")));
                        }
                    }
                }
                Ok((
                    Some(cb),
                    Some(Claim {
                        pair: (task, audio),
                        conflict,
                    }),
                ))
            }
        }
    }
}

/// What a music-like task's tracks echo of its request: `title`, `tags` (from `style`, or
/// the request's own `tags`) and, in custom mode, `prompt` (the lyrics, sung verbatim; empty
/// for an instrumental). Choice: the docs do not say the tracks echo title and style (their
/// examples disagree); `serve --no-echo` sends the docs' example values instead.
pub(super) fn echo(family: &Family, request: &Map<String, Value>) -> Vec<(&'static str, Value)> {
    if family.polling.layout != Layout::Music {
        return Vec::new();
    }
    let s = |k: &str| {
        request
            .get(k)
            .and_then(Value::as_str)
            .filter(|v| !v.trim().is_empty())
    };
    let mut out = Vec::new();
    if let Some(t) = s("title") {
        out.push(("title", json!(t)));
    }
    if let Some(t) = s("style").or(s("tags")) {
        out.push(("tags", json!(t)));
    }
    let flag = |k: &str| request.get(k).and_then(Value::as_bool).unwrap_or(false);
    if flag("customMode") {
        match (flag("instrumental"), s("prompt")) {
            (true, _) => out.push(("prompt", json!(""))),
            (false, Some(p)) => out.push(("prompt", json!(p))),
            (false, None) => {}
        }
    }
    out
}

/// The documented variant a task's callback takes from its request: a separation made with
/// `split_stem` (or `split_stem_advanced`) sends every stem.
fn variant(family: &Family, request: &Map<String, Value>) -> Option<&'static str> {
    let split = request
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.starts_with("split_stem"));
    (family.polling.layout == Layout::Separation && split).then_some("split_stem: twelve stems")
}

/// `POST` on any create endpoint: checked, paid for, kept, then generated in the background.
pub(super) async fn create(
    ep: &'static Endpoint,
    State(api): State<Api>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let path = format!("POST {}", ep.path);
    let obj = match create_body(&api, &headers, body, &path) {
        Ok(o) => o,
        Err(r) => return *r,
    };
    let (callback, claim) = match ep.check(&obj) {
        Ok(x) => x,
        Err(Refusal { status: code, msg }) => return bad_at(&api, &path, code, msg),
    };
    if matches!(ep.checks, Checks::Regenerate) {
        let of = obj
            .get("taskId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if api.store.read(of, |t| t.details == ep.details) != Some(true) {
            return bad_at(
                &api,
                &path,
                400,
                format!("no voice validate task with taskId {of}"),
            );
        }
    }
    // The provider makes videos of its own finished tracks only: a client that passes the
    // wrong ids must see it here, not get a video of nothing (issue 28).
    if let Some(Claim { pair: (t, a), .. }) = &claim
        && !api.cfg.any_track_ids
        && let Some(why) = no_such_track(&api, t, a)
    {
        return bad_at(&api, &path, 400, why);
    }
    // A refused create (409, the rate limit, the balance) leaves nothing behind.
    if let Some(Claim {
        pair: (t, a),
        conflict,
    }) = &claim
        && api.store.has_pair(t, a)
    {
        return bad_at(&api, &path, 409, (*conflict).into());
    }
    if let Err(Refusal { status: code, msg }) = api.admission.admit(ep.family) {
        return bad_at(&api, &path, code, msg);
    }
    let (pair, conflict) = claim.map(|c| (c.pair, c.conflict)).unzip();
    let made = api.store.create(ep.family, pair, |index| {
        let task_id = created_task_id(&api, ep.family, index);
        let record = Record::new(&records::initial(&Created {
            family: ep.family,
            layout: ep.layout,
            task_id: &task_id,
            request: &obj,
            callback_url: callback.as_deref().unwrap_or_default(),
            operation_type: ep.operation_type,
        }));
        Task {
            family: ep.family,
            failure_400: ep.failure_400,
            task_id,
            index,
            seq: 0,
            claim: None,
            callback_url: callback.clone(),
            echo: if api.cfg.echo {
                echo(ep.family, &obj)
            } else {
                Vec::new()
            },
            variant: ep.variant.or_else(|| variant(ep.family, &obj)),
            details: ep.details,
            layout: ep.layout,
            state: super::store::TaskState::Pending,
            record,
            sent: Vec::new(),
            forced_failure: None,
            started: false,
            created: std::time::Instant::now(),
            expired: false,
        }
    });
    // The store refuses a create only for a claimed track another create took first, so
    // there is a conflict message whenever it refuses.
    let Some((index, task_id)) = made else {
        return bad_at(&api, &path, 409, conflict.unwrap_or_default().into());
    };
    log(&api, format!("{path} -> 200 taskId {task_id}"));
    let first = worker::first_wait(&api, ep.family, index);
    api.due.after(task_id.clone(), first);
    envelope(&api, 200, "success", json!({"taskId": task_id}))
}

/// Why `taskId`/`audioId` names no finished track of this server, if it does not.
fn no_such_track(api: &Api, task_id: &str, audio_id: &str) -> Option<String> {
    let found = api.store.read(task_id, |t| {
        (t.layout == Layout::Music).then(|| t.record.value())
    });
    let record = match found {
        None => {
            return Some(format!(
                "taskId {task_id} names no music task of this server: a music video is made of a track this server generated (serve --any-track-ids takes any ids)"
            ));
        }
        Some(None) => {
            return Some(format!(
                "taskId {task_id} is not a music generation task: a music video is made of one of its tracks"
            ));
        }
        Some(Some(r)) => r,
    };
    let tracks = record["response"]["sunoData"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let finished = |t: &serde_json::Value| {
        t["id"].as_str() == Some(audio_id) && t["audioUrl"].as_str().is_some_and(|u| !u.is_empty())
    };
    if tracks.iter().any(finished) {
        return None;
    }
    let ids: Vec<&str> = tracks.iter().filter_map(|t| t["id"].as_str()).collect();
    Some(if ids.is_empty() {
        format!(
            "task {task_id} has no finished track yet: wait for its complete callback (or poll until SUCCESS), then ask for the video of one of its tracks"
        )
    } else {
        format!(
            "audioId {audio_id} is not a finished track of task {task_id}; its tracks: {}",
            ids.join(", ")
        )
    })
}

/// Every details path: each task is reported on the one its create endpoint names.
pub(super) static DETAILS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut out: Vec<&'static str> = Vec::new();
    for ep in ENDPOINTS.iter() {
        if !out.contains(&ep.details) {
            out.push(ep.details);
        }
    }
    out
});

/// `GET` on any details path: the task's record, as its family lays it out.
pub(super) async fn record_info(
    path: &'static str,
    State(api): State<Api>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    // The log says the request as it came, query and all: a poll that fails names its task.
    let at = match uri.query() {
        Some(query) => format!("GET {path}?{query}"),
        None => format!("GET {path}"),
    };
    if !authorized(&api, &headers) {
        return unauthorized(&api, &at);
    }
    let Some(id) = q.get("taskId").filter(|s| !s.is_empty()) else {
        return bad_at(&api, &at, 400, "taskId is required".into());
    };
    let found = api.store.read(id, |t| {
        (t.details == path).then(|| (t.family, t.record.clone()))
    });
    match found.flatten() {
        Some((family, record)) => {
            if api.cfg.log {
                let status = records::status(family, &record.value());
                log(&api, format!("{at} -> 200 {status}"));
            }
            super::envelope::envelope_raw(&api, 200, "success", record.as_str())
        }
        None => bad_at(&api, &at, 400, format!("no task with taskId {id} here")),
    }
}
