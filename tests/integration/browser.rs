//! A real headless browser for the HTML report's tests: Debian's chromium, driven over the
//! DevTools protocol. It opens a file, gathers every console error, exception and failed
//! load, evaluates an expression in the page, and saves a full-page screenshot.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_tungstenite::tungstenite::Message;

/// What the page showed.
pub struct Rendered {
    /// Console errors, uncaught exceptions and log errors (a blocked request among them).
    pub errors: Vec<String>,
    /// The value of the expression evaluated once the page had loaded.
    pub value: Value,
}

fn chromium() -> String {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect("a chromium is installed (.ci/run installs Debian's)")
        .to_string()
}

struct Cdp {
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    next: u64,
    session: Option<String>,
    errors: Vec<String>,
    events: Vec<Value>,
}

impl Cdp {
    /// Sends a command and waits for its answer, keeping the events that come meanwhile.
    async fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = &self.session {
            msg["sessionId"] = json!(s);
        }
        self.ws
            .send(Message::text(msg.to_string()))
            .await
            .expect("send to the browser");
        loop {
            let v = self.read().await;
            if v["id"] == id {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    async fn read(&mut self) -> Value {
        loop {
            let m = tokio::time::timeout(Duration::from_secs(30), self.ws.next())
                .await
                .expect("the browser answers within 30 s")
                .expect("the browser's socket stays open")
                .expect("a websocket message");
            if let Message::Text(t) = m {
                let v: Value = serde_json::from_str(&t).expect("JSON from the browser");
                self.note(&v);
                return v;
            }
        }
    }

    fn note(&mut self, v: &Value) {
        let p = &v["params"];
        match v["method"].as_str() {
            Some("Runtime.exceptionThrown") => self
                .errors
                .push(format!("exception: {}", p["exceptionDetails"])),
            Some("Runtime.consoleAPICalled") if p["type"] == "error" => {
                self.errors.push(format!("console.error: {}", p["args"]))
            }
            Some("Log.entryAdded") if p["entry"]["level"] == "error" => {
                self.errors.push(format!("log: {}", p["entry"]["text"]))
            }
            Some(_) => self.events.push(v.clone()),
            None => {}
        }
    }

    async fn wait_event(&mut self, method: &str) {
        if self.events.iter().any(|e| e["method"] == method) {
            return;
        }
        loop {
            let v = self.read().await;
            if v["method"] == method {
                return;
            }
        }
    }
}

/// Opens `page` in headless chromium, evaluates `expression` (which returns JSON-able data),
/// and writes a full-page PNG screenshot to `screenshot`.
pub async fn render(page: &Path, expression: &str, screenshot: &Path) -> Rendered {
    render_at(page, expression, screenshot, 1280).await
}

/// [`render`] in a window `width` CSS pixels wide (a phone, a narrow side panel).
pub async fn render_at(page: &Path, expression: &str, screenshot: &Path, width: u32) -> Rendered {
    let profile = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(chromium())
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--remote-debugging-port=0",
            "--remote-debugging-address=127.0.0.1",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("chromium starts");
    // It says where its DevTools socket is on stderr.
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let url = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(l) = lines.next_line().await.unwrap() {
            if let Some(u) = l.strip_prefix("DevTools listening on ") {
                return u.trim().to_string();
            }
        }
        panic!("chromium ended without a DevTools socket");
    })
    .await
    .expect("chromium opens its DevTools socket within 30 s");
    // Keep reading its stderr, so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let (ws, _) = tokio_tungstenite::connect_async(url.as_str())
        .await
        .expect("connect to chromium");
    let mut cdp = Cdp {
        ws,
        next: 0,
        session: None,
        errors: Vec::new(),
        events: Vec::new(),
    };
    let target = cdp
        .call("Target.createTarget", json!({"url": "about:blank"}))
        .await;
    let session = cdp
        .call(
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        )
        .await;
    cdp.session = session["sessionId"].as_str().map(str::to_string);
    for domain in ["Page.enable", "Runtime.enable", "Log.enable"] {
        cdp.call(domain, json!({})).await;
    }
    cdp.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": false}),
    )
    .await;
    cdp.events.clear();
    let file = format!("file://{}", page.canonicalize().unwrap().display());
    cdp.call("Page.navigate", json!({"url": file})).await;
    cdp.wait_event("Page.loadEventFired").await;
    let value = cdp
        .call(
            "Runtime.evaluate",
            json!({"expression": format!("JSON.stringify({expression})"), "returnByValue": true}),
        )
        .await;
    if let Some(e) = value.get("exceptionDetails") {
        panic!("the test's expression failed in the page: {e}");
    }
    let value: Value =
        serde_json::from_str(value["result"]["value"].as_str().expect("a string")).unwrap();
    // The whole page, as tall as it is.
    let metrics = cdp.call("Page.getLayoutMetrics", json!({})).await;
    let height = metrics["cssContentSize"]["height"]
        .as_f64()
        .unwrap_or(2000.0)
        .ceil();
    cdp.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": width, "height": height.min(16000.0), "deviceScaleFactor": 1, "mobile": false}),
    )
    .await;
    let shot = cdp
        .call("Page.captureScreenshot", json!({"format": "png"}))
        .await;
    use base64::Engine as _;
    let png = base64::engine::general_purpose::STANDARD
        .decode(shot["data"].as_str().unwrap())
        .unwrap();
    std::fs::create_dir_all(screenshot.parent().unwrap()).unwrap();
    std::fs::write(screenshot, png).unwrap();
    // Dropping the child ends chromium (kill_on_drop).
    drop(child);
    Rendered {
        errors: cdp.errors,
        value,
    }
}
