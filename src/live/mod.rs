//! The live page `serve` and `record` both show: one HTML file compiled into the binary (no CDN,
//! no network, no front-end build), the token and origin check every action of it passes, the
//! batches of events it reads, and the marks one exchange earns against the contract.

mod verdict;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::Event;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tokio::sync::broadcast;

use crate::outcome::events::ServeEvent;

pub use verdict::judge;

/// Where the page is served, on `serve`'s listener and on `record --ui-listen`'s.
pub const PATH: &str = "/_mock/ui";

/// The header the page sends its token in.
pub const TOKEN_HEADER: &str = "x-suno-mock-token";

/// The page, its script and its styles.
const PAGE: &str = include_str!("page.html");

/// Whose page it is: `serve`'s has tasks to fail and media to expire; `record`'s shows what
/// the real provider sent, and resends it to the receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Serve,
    Record,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Serve => "serve",
            Mode::Record => "record",
        }
    }
}

/// A fresh token for the page's actions: 128 bits from the thread's generator, a CSPRNG
/// seeded from the operating system.
pub fn new_token() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The page's whole URL on a listener: what the command prints at start.
pub fn url(base: &str, token: &str) -> String {
    format!("{}{PATH}?token={token}", base.trim_end_matches('/'))
}

/// `GET /_mock/ui`.
pub fn page(mode: Mode) -> Response {
    let families = serde_json::to_string(&crate::family::ids()).unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            // Nothing but this page's own: no other origin's script, frame or request.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            ),
            // The token is in the page's URL: it never goes out in a Referer.
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_FRAME_OPTIONS, "DENY"),
        ],
        PAGE.replace("__FAMILIES__", &families)
            .replace("__MODE__", mode.name()),
    )
        .into_response()
}

/// A refused request of the page's API, answered with its status and `{"error": why}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub status: u16,
    pub msg: String,
}

impl Refused {
    pub fn new(status: u16, msg: impl Into<String>) -> Refused {
        Refused {
            status,
            msg: msg.into(),
        }
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        (status, axum::Json(json!({"error": self.msg}))).into_response()
    }
}

/// Refuses an action that lacks the page's token (or `key`, the configured API key, as a
/// bearer), or that a page of another origin sent: a page elsewhere in the user's browser
/// cannot fire one.
pub fn guard(token: &str, key: Option<&str>, headers: &HeaderMap) -> Result<(), Refused> {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    // A browser says where a request comes from; only the page's own origin may act.
    if let Some(origin) = text(header::ORIGIN.as_str()) {
        let host = text(header::HOST.as_str()).unwrap_or("");
        let own = ["http://", "https://"]
            .iter()
            .any(|scheme| origin == format!("{scheme}{host}"));
        if !own {
            return Err(Refused::new(
                403,
                format!("an action from another origin ({origin}) is refused"),
            ));
        }
    }
    if text("sec-fetch-site") == Some("cross-site") {
        return Err(Refused::new(403, "a cross-site action is refused"));
    }
    let given = text(TOKEN_HEADER).unwrap_or("");
    let bearer = text(header::AUTHORIZATION.as_str())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let by_key = matches!((key, bearer), (Some(k), Some(b)) if k == b);
    if (!token.is_empty() && given.as_bytes() == token.as_bytes()) || by_key {
        return Ok(());
    }
    Err(Refused::new(
        401,
        format!(
            "an action needs the page's token (the {TOKEN_HEADER} header; it is in the page's URL printed at start){}",
            if key.is_some() {
                " or the --api-key as Authorization: Bearer"
            } else {
                ""
            }
        ),
    ))
}

/// The JSON object of an action's body (an empty body is an empty object).
pub fn request<T: for<'de> serde::Deserialize<'de>>(bytes: &[u8]) -> Result<T, Refused> {
    let text = if bytes.iter().all(u8::is_ascii_whitespace) {
        &b"{}"[..]
    } else {
        bytes
    };
    serde_json::from_slice(text).map_err(|e| Refused::new(400, format!("the request body: {e}")))
}

/// What `Resend`, `Duplicate` and `Edit` ask for: a stage (default: the last one), how many
/// copies and whether at once (`Duplicate`), the body to send instead (`Edit`).
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendRequest {
    pub stage: Option<String>,
    /// Duplicate: how many copies (2 to 100; 2 by default).
    copies: Option<u32>,
    /// Duplicate: all copies at one instant.
    #[serde(default)]
    concurrent: bool,
    /// Edit: the body to send instead of the stage's, as text (need not be JSON).
    body: Option<String>,
}

/// What an action sends: the body, how many copies, at once or not.
#[derive(Debug, Clone, PartialEq)]
pub struct Sending {
    pub body: bytes::Bytes,
    pub copies: u32,
    pub concurrent: bool,
}

impl SendRequest {
    /// What `action` (`resend`, `duplicate` or `edit`) sends of a stage whose body is `own`.
    pub fn sending(self, action: &str, own: bytes::Bytes) -> Result<Sending, Refused> {
        let copies = match action {
            "duplicate" => self.copies.unwrap_or(2),
            _ => 1,
        };
        if !(1..=100).contains(&copies) || (action == "duplicate" && copies < 2) {
            return Err(Refused::new(
                400,
                format!("copies: {copies}; a duplicate is 2 to 100 copies"),
            ));
        }
        let body = match (action, self.body) {
            ("edit", Some(b)) => bytes::Bytes::from(b),
            ("edit", None) => {
                return Err(Refused::new(400, "edit: give the body to send as \"body\""));
            }
            (_, Some(_)) => {
                return Err(Refused::new(
                    400,
                    format!("{action} sends the stage's own body; edit sends another"),
                ));
            }
            (_, None) => own,
        };
        Ok(Sending {
            body,
            copies,
            concurrent: self.concurrent && copies > 1,
        })
    }
}

/// The answer to an accepted `Resend`, `Duplicate` or `Edit`: what goes out.
pub fn accepted(id: &str, action: &str, stage: &str, s: &Sending) -> Response {
    (
        StatusCode::ACCEPTED,
        axum::Json(json!({
            "taskId": id, "action": action, "stage": stage,
            "copies": s.copies, "concurrent": s.concurrent,
        })),
    )
        .into_response()
}

/// A shell word in single quotes.
pub fn sh(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `Save as scenario`: the task's scenario file, as a download named for it.
pub fn scenario_download(id: &str, text: String) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/yaml; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{id}.yaml\""),
            ),
        ],
        text,
    )
        .into_response()
}

/// The least time between two batches to one reader. A page that handled every create as it
/// came spent more CPU than `serve` itself and took it from the same cores (`bench/serve.sh`,
/// "live page"); four messages a second keep the list live to a human's eye.
pub const BATCH_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// The most events in one batch: the channel's own length (`EVENTS_KEPT`), so a batch never
/// holds more than a reader could have been sent without missing one.
const BATCH_MOST: usize = EVENTS_KEPT;

/// How many events a channel of them keeps for a reader that has not read them yet: a page
/// reads every [`BATCH_EVERY`], and `serve` can make 30,000 tasks a second here (more on a
/// faster machine), so a tenth of a second of them fits several times over. A reader further
/// behind gets `lagged` and reloads the lists.
pub const EVENTS_KEPT: usize = 16_384;

/// `first` and what comes behind it as one `batch`: sent at once when the last batch went
/// out longer than [`BATCH_EVERY`] ago (a quiet stream shows each change when it happens),
/// else when that time is up. Meanwhile the reader sleeps: waking it for every event cost
/// `serve` a tenth more CPU for each create with a page open. A browser handles a thousand
/// changes in one message far faster than in a thousand. A reader that fell behind gets a
/// `lagged` event in the batch and reloads the lists. `last` is when this reader's previous
/// batch went out. What the batch holds: [`Batch`].
pub async fn batch(
    first: ServeEvent,
    rx: &mut broadcast::Receiver<ServeEvent>,
    last: &mut Option<tokio::time::Instant>,
) -> Event {
    let batch = collect(first, rx, last).await;
    Event::default()
        .event("batch")
        .data(serde_json::to_string(&batch).unwrap_or_default())
}

async fn collect(
    first: ServeEvent,
    rx: &mut broadcast::Receiver<ServeEvent>,
    last: &mut Option<tokio::time::Instant>,
) -> Batch {
    use broadcast::error::TryRecvError;
    if let Some(last) = *last {
        tokio::time::sleep_until(last + BATCH_EVERY).await;
    }
    let mut batch = Batch::default();
    batch.push(first);
    while batch.len() < BATCH_MOST {
        match rx.try_recv() {
            Ok(e) => batch.push(e),
            Err(TryRecvError::Lagged(missed)) => batch.push(ServeEvent::Lagged { missed }),
            Err(_) => break,
        }
    }
    *last = Some(tokio::time::Instant::now());
    batch
}

/// One event of a full event stream, named by its `type`.
pub fn one(event: &ServeEvent) -> Event {
    let name = match event {
        ServeEvent::Task(_) => "task",
        ServeEvent::Attempt(_) => "attempt",
        ServeEvent::Forgotten { .. } => "forgotten",
        ServeEvent::Lagged { .. } => "lagged",
    };
    Event::default()
        .event(name)
        .data(serde_json::to_string(event).unwrap_or_default())
}

/// One `batch` of a `?view=summary` event stream: its task events as `[taskId, family, state,
/// expired]` (a busy server's creates are nearly all of them, and the page reads those four
/// fields; as objects they were most of what the page's browser spent), then every other
/// event in order. Applied in that order, nothing is lost: a task's state only moves forward,
/// and an attempt or a `forgotten` always comes after its task's creation.
#[derive(Default, serde::Serialize)]
pub struct Batch {
    tasks: Vec<(String, String, String, bool)>,
    events: Vec<ServeEvent>,
}

impl Batch {
    fn push(&mut self, e: ServeEvent) {
        match e {
            ServeEvent::Task(t) => self.tasks.push((t.task_id, t.family, t.state, t.expired)),
            e => self.events.push(e),
        }
    }

    fn len(&self) -> usize {
        self.tasks.len() + self.events.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    fn created(id: &str) -> ServeEvent {
        ServeEvent::Task(crate::outcome::events::TaskEvent {
            task_id: id.into(),
            family: "music".into(),
            state: "pending".into(),
            callback_url: Some("http://127.0.0.1:9/cb".into()),
            expired: false,
            record: Some(json!({"x": 1})),
        })
    }

    /// The first batch goes out at once; the next one waits out BATCH_EVERY and takes what
    /// came meanwhile, its tasks as four-field rows, the other events in their order, and a
    /// reader that fell behind told so.
    #[tokio::test]
    async fn batches_come_at_most_every_batch_every_tasks_as_rows() {
        let (tx, mut rx) = broadcast::channel(4);
        let mut last = None;
        let began = tokio::time::Instant::now();
        tx.send(created("b")).unwrap();
        let first = collect(created("a"), &mut rx, &mut last).await;
        assert!(began.elapsed() < BATCH_EVERY);
        assert_eq!(
            serde_json::to_value(&first).unwrap(),
            json!({"tasks": [["a", "music", "pending", false], ["b", "music", "pending", false]], "events": []})
        );
        let second = tokio::spawn(async move {
            let b = collect(created("c"), &mut rx, &mut last).await;
            (b, tokio::time::Instant::now())
        });
        // The reader is asleep (a current-thread runtime runs it only when this one yields):
        // what is sent now is what its batch finds when it wakes.
        tokio::task::yield_now().await;
        tx.send(ServeEvent::Forgotten {
            task_id: "a".into(),
        })
        .unwrap();
        for id in ["d", "e", "f", "g", "h"] {
            tx.send(created(id)).unwrap();
        }
        let (second, at) = second.await.unwrap();
        assert!(at >= began + BATCH_EVERY);
        let v = serde_json::to_value(&second).unwrap();
        let ids: Vec<&str> = v["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t[0].as_str().unwrap())
            .collect();
        // The channel keeps four: the forgotten event and "d" were overwritten.
        assert_eq!(ids, ["c", "e", "f", "g", "h"]);
        assert_eq!(v["events"], json!([{"type": "lagged", "missed": 2}]));
    }

    #[test]
    fn the_token_or_the_key_opens_and_another_origin_never_does() {
        let own = headers(&[("host", "127.0.0.1:9"), (TOKEN_HEADER, "t0k")]);
        assert_eq!(guard("t0k", None, &own), Ok(()));
        let wrong = headers(&[(TOKEN_HEADER, "other")]);
        assert_eq!(guard("t0k", None, &wrong).unwrap_err().status, 401);
        let keyed = headers(&[("authorization", "Bearer k")]);
        assert_eq!(guard("t0k", Some("k"), &keyed), Ok(()));
        assert_eq!(guard("t0k", None, &keyed).unwrap_err().status, 401);
        // An empty token opens nothing, even to a request with none.
        assert_eq!(guard("", None, &headers(&[])).unwrap_err().status, 401);
        let elsewhere = headers(&[
            ("host", "127.0.0.1:9"),
            ("origin", "http://evil.example"),
            (TOKEN_HEADER, "t0k"),
        ]);
        assert_eq!(guard("t0k", None, &elsewhere).unwrap_err().status, 403);
        let cross = headers(&[("sec-fetch-site", "cross-site"), (TOKEN_HEADER, "t0k")]);
        assert_eq!(guard("t0k", None, &cross).unwrap_err().status, 403);
    }
}
