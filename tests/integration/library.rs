//! The library's public API, used as a Rust test suite uses it (issue 31): `MockProvider`
//! through create, callback and poll, stopped without leaving a port, a task or a descriptor
//! behind; `Check` against the built-in receiver, right and flawed, async and blocking.

use std::time::Duration;

use serde_json::{Value, json};
use suno_mock::receiver::{Flaw, Flaws, ReceiverConfig};
use suno_mock::{Check, MockProvider, Outcome, TaskState, Verdict};

use crate::harness::builtin_receiver;

async fn create_video(api: &MockProvider, callback: &str) -> String {
    let created: Value = reqwest::Client::new()
        .post(format!("{}/api/v1/mp4/generate", api.base_url()))
        .bearer_auth(api.api_key())
        .json(&json!({"taskId": "task_10f612c9594a", "audioId": "419b523a-5e8e", "callBackUrl": callback}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    created["data"]["taskId"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_string()
}

/// A provider whose tasks end 50 ms after their creation, making videos of any track ids.
async fn quick_provider() -> MockProvider {
    MockProvider::builder()
        .generation_time(Duration::from_millis(50))
        .any_track_ids(true)
        .start()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mock_provider_creates_calls_back_and_answers_polls() {
    let cfg = ReceiverConfig::default();
    let rec = builtin_receiver(&cfg).await;
    let api = quick_provider().await;
    let task_id = create_video(&api, &rec.callback_url(&cfg)).await;
    let task = api
        .wait_for_task(&task_id, TaskState::Succeeded, Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(task.family, "video");
    assert_eq!(task.record["successFlag"], "SUCCESS", "{}", task.record);
    let d = api.deliveries();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        (d[0].stage, d[0].status, d[0].accepted),
        ("success", Some(200), true)
    );
    assert_eq!(api.tasks(), vec![task]);
    // A failure plan: the task fails with the plan's code, and the receiver got it.
    let failing = MockProvider::builder()
        .outcome(Outcome::Failure)
        .failure_code(451)
        .generation_time(Duration::from_millis(50))
        .any_track_ids(true)
        .start()
        .await
        .unwrap();
    let task_id = create_video(&failing, &rec.callback_url(&cfg)).await;
    let task = failing
        .wait_for_task(&task_id, TaskState::Failed, Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(task.state, TaskState::Failed);
    assert_eq!(failing.deliveries()[0].stage, "failure");
    // A wait that cannot be met says where the task is.
    let err = failing
        .wait_for_task("task_nope", TaskState::Succeeded, Duration::from_millis(50))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no task task_nope"), "{err}");
}

/// What this process holds open.
fn descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Issue 31: a stopped or dropped provider leaves its port free and no task of its running;
/// two hundred started and dropped leave descriptors and memory flat. On a runtime of its own,
/// so its count of live tasks is this test's alone.
#[test]
fn providers_stopped_or_dropped_leave_nothing_behind() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let alive = || {
            tokio::runtime::Handle::current()
                .metrics()
                .num_alive_tasks()
        };
        let settle = |baseline: usize| async move {
            // The cancelled tasks end at their next poll, which a loaded machine may put off;
            // their ends cannot be awaited from here, so look for at most 10 s.
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while alive() > baseline {
                assert!(
                    std::time::Instant::now() < deadline,
                    "{} tasks still alive, {baseline} before",
                    alive()
                );
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        };
        // Its tasks stay pending for an hour, each with a callback still to make.
        let hour_long = || async {
            MockProvider::builder()
                .generation_time(Duration::from_secs(3600))
                .any_track_ids(true)
                .start()
                .await
                .unwrap()
        };
        let baseline = alive();
        // A task pending for an hour, with a callback to make: stopping ends both.
        let api = hour_long().await;
        let addr = api.base_url().trim_start_matches("http://").to_string();
        create_video(&api, "http://127.0.0.1:9/cb").await;
        assert!(alive() > baseline);
        api.stop().await;
        assert!(tokio::net::TcpStream::connect(&addr).await.is_err());
        std::net::TcpListener::bind(&addr).expect("the port is free again");
        settle(baseline).await;
        // Dropped, not stopped: the same, once the runtime has run the cancelled tasks.
        let api = hour_long().await;
        create_video(&api, "http://127.0.0.1:9/cb").await;
        drop(api);
        settle(baseline).await;

        let round = || async {
            for _ in 0..50 {
                let api = MockProvider::start().await.unwrap();
                drop(api);
            }
            settle(baseline).await;
        };
        // The first rounds warm the allocator and the runtime up.
        round().await;
        round().await;
        let (fds, rss) = (descriptors(), resident_kib());
        for _ in 0..4 {
            round().await;
        }
        assert!(descriptors() <= fds + 2, "{fds} then {}", descriptors());
        let grown = resident_kib().saturating_sub(rss);
        assert!(
            grown < 4096,
            "200 providers later the process grew {grown} KiB"
        );
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn many_providers_run_at_once_each_on_its_own_port() {
    let mut ports = std::collections::HashSet::new();
    let mut all = Vec::new();
    for _ in 0..20 {
        let api = MockProvider::start().await.unwrap();
        assert!(ports.insert(api.base_url()));
        all.push(api);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_check_builder_judges_as_the_command_does() {
    let right = ReceiverConfig::default();
    let rec = builtin_receiver(&right).await;
    let report = Check::new(rec.callback_url(&right))
        .probe_url(rec.probe_url())
        .retry_delays([Duration::from_millis(10); 3])
        .seed(5)
        .run()
        .await
        .unwrap();
    report.assert_passed();
    assert_eq!(report.rules().len(), suno_mock::rule_ids().count());
    assert_eq!(report.json()["command"], "check");
    assert_eq!(
        report.json()["rules"].as_array().unwrap().len(),
        report.rules().len()
    );

    let racy = ReceiverConfig {
        flaws: Flaws(vec![Flaw::RacyDedup]),
        ..ReceiverConfig::default()
    };
    let rec = builtin_receiver(&racy).await;
    let report = Check::new(rec.callback_url(&racy))
        .probe_url(rec.probe_url())
        .only(["idempotent-duplicate", "idempotent-concurrent"])
        .retry_delays([Duration::from_millis(10); 3])
        .run()
        .await
        .unwrap();
    assert!(!report.passed());
    let failed: Vec<&str> = report
        .rules()
        .iter()
        .filter(|r| r.verdict == Verdict::Fail)
        .map(|r| r.id)
        .collect();
    assert_eq!(failed, ["idempotent-concurrent"]);
    let panic = std::panic::catch_unwind(|| report.assert_passed()).unwrap_err();
    let said = panic.downcast_ref::<String>().unwrap();
    assert!(
        said.contains("idempotent-concurrent") && said.contains("explain"),
        "{said}"
    );

    let err = Check::new(rec.callback_url(&racy))
        .only(["no-such-rule"])
        .run()
        .await
        .unwrap_err();
    assert!(matches!(err, suno_mock::Error::Invalid(_)), "{err}");
    let err = Check::new("http://127.0.0.1:9/callback")
        .run()
        .await
        .unwrap_err();
    assert!(matches!(err, suno_mock::Error::Unreachable(_)), "{err}");
}

#[test]
fn the_blocking_check_runs_outside_any_runtime() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let cfg = ReceiverConfig::default();
    let rec = rt.block_on(builtin_receiver(&cfg));
    let report = Check::new(rec.callback_url(&cfg))
        .only(["ack-success", "ack-failure"])
        .retry_delays([Duration::from_millis(10); 3])
        .run_blocking()
        .unwrap();
    report.assert_passed();
    assert_eq!(report.rule("ack-failure").unwrap().verdict, Verdict::Pass);
}

/// Issue 32: `GET /_mock/health` answers once `serve` is up, and `suno-mock health` (the
/// image's health check, no shell or curl needed) says so with its exit status.
#[tokio::test(flavor = "multi_thread")]
async fn the_health_command_tells_a_ready_serve_from_none() {
    let api = MockProvider::start().await.unwrap();
    let url = format!("{}/_mock/health", api.base_url());
    let out = crate::harness::suno(&["health", &url]).await;
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("ready"), "{}", out.stdout);
    let body: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    assert_eq!(body["status"], "ready");
    api.stop().await;
    let out = crate::harness::suno(&["health", &url]).await;
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("not ready") && out.stderr.contains("refused"),
        "{}",
        out.stderr
    );
}

/// Issue 33, its event stream: `GET /_mock/events` pushes a task's creation, its stage and
/// its end, and each callback attempt, as Server-Sent Events whose data parse as the types the
/// published JSON Schema is derived from; a reader that goes away leaves the server stoppable.
#[tokio::test(flavor = "multi_thread")]
async fn the_event_stream_pushes_every_change_as_it_happens() {
    use futures_util::StreamExt;
    use suno_mock::outcome::events::ServeEvent;
    let cfg = ReceiverConfig::default();
    let rec = builtin_receiver(&cfg).await;
    let api = quick_provider().await;
    let stream = reqwest::get(format!("{}/_mock/events", api.base_url()))
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    assert!(
        stream.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let task_id = create_video(&api, &rec.callback_url(&cfg)).await;
    // Read SSE frames (`event: NAME\ndata: JSON\n\n`) until the task's end and its attempt.
    let mut body = stream.bytes_stream();
    let mut text = String::new();
    let mut events: Vec<(String, ServeEvent)> = Vec::new();
    let done = |events: &[(String, ServeEvent)]| {
        events
            .iter()
            .any(|(_, e)| matches!(e, ServeEvent::Attempt(a) if a.accepted))
            && events
                .iter()
                .any(|(_, e)| matches!(e, ServeEvent::Task(t) if t.state == "succeeded"))
    };
    while !done(&events) {
        let chunk = tokio::time::timeout(Duration::from_secs(20), body.next())
            .await
            .expect("an event within 20 s")
            .expect("the stream stays open")
            .unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = text.find("\n\n") {
            let frame: String = text.drain(..end + 2).collect();
            let name = frame.lines().find_map(|l| l.strip_prefix("event: "));
            let data = frame.lines().find_map(|l| l.strip_prefix("data: "));
            if let (Some(name), Some(data)) = (name, data) {
                let e: ServeEvent =
                    serde_json::from_str(data).unwrap_or_else(|err| panic!("{err}: {data}"));
                events.push((name.to_string(), e));
            }
        }
    }
    let states: Vec<&str> = events
        .iter()
        .filter_map(|(_, e)| match e {
            ServeEvent::Task(t) if t.task_id == task_id => Some(t.state.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(states, ["pending", "generating", "succeeded"], "{events:?}");
    for (name, e) in &events {
        let kind = serde_json::to_value(e).unwrap()["type"].clone();
        assert_eq!(
            kind,
            name.as_str(),
            "the SSE event name is the event's type"
        );
    }
    // The published schema names every event type.
    let schema = suno_mock::outcome::events::schema().to_string();
    for kind in ["task", "attempt", "forgotten", "lagged"] {
        assert!(schema.contains(&format!("\"const\":\"{kind}\"")), "{kind}");
    }
    // An open stream does not hold the server up.
    tokio::time::timeout(Duration::from_secs(10), api.stop())
        .await
        .expect("stop with a reader attached");
}

/// The report a `Check` gives back holds neither the receiver's token nor the HMAC key: not in
/// the JSON, the evidence or the human text.
#[tokio::test(flavor = "multi_thread")]
async fn the_check_report_never_holds_the_receivers_token() {
    let cfg = ReceiverConfig {
        token: Some(("token".into(), "tok-secret-123".into())),
        hmac_key: Some("hmac-secret-456".into()),
        ..ReceiverConfig::default()
    };
    let rec = builtin_receiver(&cfg).await;
    let report = Check::new(rec.callback_url(&cfg))
        .token_param("token")
        .hmac_key("hmac-secret-456")
        .only(["ack-success", "verify-source"])
        .retry_delays([Duration::from_millis(10); 3])
        .run()
        .await
        .unwrap();
    report.assert_passed();
    assert!(!report.json().to_string().contains("tok-secret-123"));
    assert!(!report.human().contains("tok-secret-123"));
    for r in report.rules() {
        assert!(
            !r.evidence.to_string().contains("tok-secret-123"),
            "{}",
            r.id
        );
    }
}
