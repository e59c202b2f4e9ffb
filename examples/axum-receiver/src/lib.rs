//! A receiver of the provider's music-video callbacks, written as the provider's page asks:
//! answer 200 at once, download the video afterwards, process each `task_id` once. State lives
//! in SQLite; `GET /state/{task_id}` shows what was stored of a task (the probe a check uses).
//!
//! [`Dedup::CheckThenInsert`] is the planted defect: it looks the task up, then inserts it, with
//! a slow store in between, so copies of one callback that arrive together are all processed.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

/// How the receiver keeps a task from being processed twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dedup {
    /// `INSERT ... ON CONFLICT DO NOTHING` on the task id: the database decides, once.
    UniqueInsert,
    /// Look the task up, then insert it: two copies at once both find nothing (the defect).
    CheckThenInsert,
}

#[derive(Clone)]
struct App {
    db: Arc<Mutex<Connection>>,
    dedup: Dedup,
    http: reqwest::Client,
}

/// The receiver's routes, on an in-memory database of their own.
pub fn app(dedup: Dedup) -> Router {
    let db = Connection::open_in_memory().expect("an in-memory SQLite database");
    // The defective build has no unique key to lean on: it relies on its lookup.
    let key = match dedup {
        Dedup::UniqueInsert => "PRIMARY KEY",
        Dedup::CheckThenInsert => "",
    };
    db.execute_batch(&format!(
        "CREATE TABLE videos (task_id TEXT NOT NULL {key}, code INTEGER NOT NULL,
                              msg TEXT, video_url TEXT, video_bytes INTEGER);"
    ))
    .expect("the schema");
    let app = App {
        db: Arc::new(Mutex::new(db)),
        dedup,
        http: reqwest::Client::new(),
    };
    Router::new()
        .route("/callback", post(callback))
        .route("/state/{task_id}", get(state))
        .with_state(app)
}

fn bad(why: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": why}))).into_response()
}

async fn callback(State(app): State<App>, body: Bytes) -> Response {
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return bad("the body is not JSON");
    };
    let Some(code) = body["code"].as_i64() else {
        return bad("no integer code");
    };
    let Some(task_id) = body["data"]["task_id"].as_str().map(str::to_string) else {
        return bad("no data.task_id");
    };
    let msg = body["msg"].as_str().map(str::to_string);
    let video_url = body["data"]["video_url"].as_str().map(str::to_string);
    let first = match app.dedup {
        UniqueInsert => {
            let db = app.db.lock().expect("the database lock");
            db.execute(
                "INSERT INTO videos (task_id, code, msg, video_url) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (task_id) DO NOTHING",
                params![task_id, code, msg, video_url],
            )
            .map(|inserted| inserted == 1)
        }
        CheckThenInsert => {
            let seen = {
                let db = app.db.lock().expect("the database lock");
                db.query_row(
                    "SELECT 1 FROM videos WHERE task_id = ?1",
                    [&task_id],
                    |_| Ok(()),
                )
                .optional()
            };
            // A store across the network takes a while to answer.
            tokio::time::sleep(Duration::from_millis(50)).await;
            match seen {
                Ok(Some(())) => Ok(false),
                Ok(None) => {
                    let db = app.db.lock().expect("the database lock");
                    db.execute(
                        "INSERT INTO videos (task_id, code, msg, video_url) VALUES (?1, ?2, ?3, ?4)",
                        params![task_id, code, msg, video_url],
                    )
                    .map(|_| true)
                }
                Err(e) => Err(e),
            }
        }
    };
    match first {
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
        // The download happens after the answer: the link is valid for days, the deadline
        // is 15 seconds.
        Ok(true) => {
            if let (200, Some(url)) = (code, video_url) {
                tokio::spawn(download(app, task_id, url));
            }
            Json(json!({"status": "received"})).into_response()
        }
        // A copy of a callback already processed: answered 200, nothing done.
        Ok(false) => Json(json!({"status": "received"})).into_response(),
    }
}

use Dedup::{CheckThenInsert, UniqueInsert};

async fn download(app: App, task_id: String, url: String) {
    let bytes = match app.http.get(&url).send().await {
        Ok(r) if r.status().is_success() => r.bytes().await.map(|b| b.len()).unwrap_or(0),
        _ => 0,
    };
    let db = app.db.lock().expect("the database lock");
    let _ = db.execute(
        "UPDATE videos SET video_bytes = ?1 WHERE task_id = ?2",
        params![bytes as i64, task_id],
    );
}

/// What was stored of a task: its rows (more than one is the defect at work).
async fn state(State(app): State<App>, Path(task_id): Path<String>) -> Response {
    let db = app.db.lock().expect("the database lock");
    let rows: Vec<Value> = db
        .prepare("SELECT code, msg, video_bytes FROM videos WHERE task_id = ?1")
        .and_then(|mut s| {
            s.query_map([&task_id], |r| {
                Ok(
                    json!({"code": r.get::<_, i64>(0)?, "msg": r.get::<_, Option<String>>(1)?,
                          "video_bytes": r.get::<_, Option<i64>>(2)?}),
                )
            })?
            .collect()
        })
        .unwrap_or_default();
    let status = if rows.is_empty() {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    (status, Json(json!({"task_id": task_id, "rows": rows}))).into_response()
}

/// Serves `app` on a free loopback port; its callback URL and its probe URL.
pub async fn serve(app: Router) -> (String, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let addr = listener.local_addr().expect("its address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (
        format!("http://{addr}/callback"),
        format!("http://{addr}/state/{{task_id}}"),
    )
}
