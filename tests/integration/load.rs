//! `load`: every delivery accounted for exactly once, checked against what the receiver counted;
//! thresholds turn into exit statuses; `--record` streams every attempt.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::routing::post;
use suno_mock::artifacts::MediaHost;
use suno_mock::exit;
use suno_mock::load::{self, LoadConfig, Shares};
use tokio_util::sync::CancellationToken;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::harness::{builtin_receiver, policy, suno};

/// A receiver that counts every request and answers 500 to every third one.
async fn counting_receiver() -> (suno_mock::http_server::ServerHandle, Arc<AtomicU64>) {
    let n = Arc::new(AtomicU64::new(0));
    let c = n.clone();
    let app = axum::Router::new().route(
        "/cb",
        post(move || {
            let c = c.clone();
            async move {
                let i = c.fetch_add(1, Ordering::SeqCst);
                if i % 3 == 2 {
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    axum::http::StatusCode::OK
                }
            }
        }),
    );
    let h = suno_mock::http_server::spawn(app, ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    (h, n)
}

/// A small load run's settings against `url`; tests change what they are about.
fn config(url: &str) -> LoadConfig {
    LoadConfig {
        receiver: url::Url::parse(url).unwrap(),
        display: "r".into(),
        tasks: Some(200),
        duration: None,
        rate: None,
        concurrency: 4,
        family: suno_mock::family::video(),
        shard: None,
        shares: Shares {
            duplicates: 0.0,
            failures: 0.0,
        },
        policy: policy(2000, 0, 1),
        hmac_key: None,
        insecure: false,
        seed: 1,
        record: None,
        progress: false,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_delivery_is_accounted_for_exactly_once() {
    let (server, received) = counting_receiver().await;
    let host = MediaHost::start(([127, 0, 0, 1], 0).into(), None, None)
        .await
        .unwrap();
    let cfg = LoadConfig {
        tasks: Some(600),
        concurrency: 8,
        policy: policy(2000, 1, 5),
        seed: 11,
        shares: Shares {
            duplicates: 0.2,
            failures: 0.1,
        },
        ..config(&format!("{}/cb", server.url()))
    };
    let r = load::run(cfg, &host, CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(r.counts.tasks, 600);
    assert_eq!(
        r.counts.sent,
        600 + r.counts.duplicates,
        "every task and duplicate is a delivery"
    );
    assert_eq!(
        r.counts.sent,
        r.counts.acknowledged + r.counts.failed + r.counts.ambiguous
    );
    assert_eq!(
        received.load(Ordering::SeqCst),
        r.counts.attempts,
        "the receiver saw every attempt, no more"
    );
    assert_eq!(r.counts.attempts, r.counts.sent + r.counts.retried);
    assert!(
        r.counts.retried > 0 && r.counts.failed > 0,
        "a third of the answers are 500: {r:?}"
    );
    assert_eq!(r.failed_by_class.get("status"), Some(&r.counts.failed));
    assert!(
        (100..=140).contains(&r.counts.duplicates),
        "{}",
        r.counts.duplicates
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn thresholds_set_the_exit_status_and_record_streams_attempts() {
    let (server, received) = counting_receiver().await;
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("attempts.jsonl").display().to_string();
    let url = format!("{}/cb", server.url());
    let out = suno(&[
        "load",
        "--receiver",
        &url,
        "--tasks",
        "90",
        "--duplicates",
        "0",
        "--retries",
        "0",
        "--max-failures",
        "0",
        "--record",
        &rec,
        "--seed",
        "1",
    ])
    .await;
    assert_eq!(out.code, exit::FAILED, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("FAIL max-failures: 30 failed or ambiguous, limit 0"),
        "{}",
        out.stdout
    );
    let lines = std::fs::read_to_string(&rec).unwrap();
    assert_eq!(
        lines.lines().count() as u64,
        received.load(Ordering::SeqCst)
    );
    let first: serde_json::Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    assert!(first["task_id"].as_str().unwrap().starts_with("load_"));
    let out = suno(&[
        "load",
        "--receiver",
        "builtin",
        "--tasks",
        "50",
        "--max-p99",
        "10s",
        "--format",
        "json",
    ])
    .await;
    assert_eq!(out.code, exit::SUCCESS, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["result"]["acknowledged"], v["result"]["sent"]);
    assert_eq!(v["thresholds"][0]["passed"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn pacing_follows_the_rate_and_latency_is_from_the_intended_time() {
    let (server, _) = counting_receiver().await;
    let host = MediaHost::start(([127, 0, 0, 1], 0).into(), None, None)
        .await
        .unwrap();
    let cfg = LoadConfig {
        tasks: Some(100),
        rate: Some(200.0),
        seed: 2,
        ..config(&format!("{}/cb", server.url()))
    };
    let r = load::run(cfg, &host, CancellationToken::new())
        .await
        .unwrap();
    // 100 tasks at 200/s: the last is due at 495 ms.
    assert!(r.duration_s >= 0.49, "paced: {}", r.duration_s);
    assert!(r.rate_per_s <= 210.0, "{}", r.rate_per_s);
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicates_processed_twice_show_in_the_download_count() {
    use suno_mock::receiver::{Flaw, Flaws, ReceiverConfig};
    for (flaws, twice) in [(vec![], false), (vec![Flaw::NoDedup], true)] {
        let cfg = ReceiverConfig {
            flaws: Flaws(flaws),
            ..ReceiverConfig::default()
        };
        let r = builtin_receiver(&cfg).await;
        let host = MediaHost::start(([127, 0, 0, 1], 0).into(), None, None)
            .await
            .unwrap();
        let run = LoadConfig {
            seed: 4,
            shares: Shares {
                duplicates: 0.5,
                failures: 0.0,
            },
            ..config(&r.callback_url(&cfg))
        };
        let res = load::run(run, &host, CancellationToken::new())
            .await
            .unwrap();
        assert_eq!(res.counts.success_tasks, 200);
        // load::run waits for the receiver's background downloads to settle.
        let downloads = host.open_downloads().completed;
        if twice {
            assert_eq!(
                downloads,
                200 + res.counts.duplicates,
                "every copy processed"
            );
            assert_eq!(
                res.tasks_downloaded_more, res.counts.duplicates,
                "each duplicated task shows as processed twice"
            );
        } else {
            assert_eq!(downloads, 200, "each task processed once");
            assert_eq!(
                (
                    res.tasks_downloaded_once,
                    res.tasks_downloaded_more,
                    res.tasks_downloaded_never
                ),
                (200, 0, 0)
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_duration_run_counts_exactly_the_tasks_it_sent() {
    let (server, received) = counting_receiver().await;
    let host = MediaHost::start(([127, 0, 0, 1], 0).into(), None, None)
        .await
        .unwrap();
    for rate in [Some(400.0), None] {
        let cfg = LoadConfig {
            tasks: None,
            duration: Some(std::time::Duration::from_millis(250)),
            rate,
            concurrency: 16,
            ..config(&format!("{}/cb", server.url()))
        };
        let before = received.load(Ordering::SeqCst);
        let r = load::run(cfg, &host, CancellationToken::new())
            .await
            .unwrap();
        assert_eq!(
            r.counts.sent, r.counts.tasks,
            "no duplicates asked: one delivery per task"
        );
        assert_eq!(received.load(Ordering::SeqCst) - before, r.counts.attempts);
        if rate.is_some() {
            assert_eq!(r.counts.tasks, 100, "250 ms at 400/s");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn music_tasks_send_their_stages_in_order_and_duplicate_the_last() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let host = MediaHost::start(([127, 0, 0, 1], 0).into(), None, None)
        .await
        .unwrap();
    let mut cfg = config(&server.uri());
    cfg.family = suno_mock::family::find("music").unwrap();
    cfg.tasks = Some(50);
    cfg.shares.duplicates = 0.5;
    let r = load::run(cfg, &host, CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(r.counts.tasks, 50);
    assert_eq!(
        r.counts.later_stages, 100,
        "first and complete of every task"
    );
    assert_eq!(
        r.counts.sent,
        r.counts.tasks + r.counts.later_stages + r.counts.duplicates
    );
    // Per task: text, first, complete in that order; copies only of complete.
    let mut stages: std::collections::HashMap<String, Vec<String>> = Default::default();
    for req in server.received_requests().await.unwrap() {
        let v: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
        stages
            .entry(v["data"]["task_id"].as_str().unwrap().to_string())
            .or_default()
            .push(v["data"]["callbackType"].as_str().unwrap().to_string());
    }
    assert_eq!(stages.len(), 50);
    for (task, seen) in stages {
        assert_eq!(&seen[..3], ["text", "first", "complete"], "{task}");
        assert!(
            seen[3..].iter().all(|s| s == "complete"),
            "{task}: {seen:?}"
        );
    }
}

/// A receiver that, like a stock nginx after `keepalive_requests`, answers `every` requests on
/// a connection, says `Connection: close` on the last (or answers HTTP/1.0 without keep-alive)
/// and closes it. Counts the requests it read.
async fn closing_receiver(every: usize, http10: bool) -> (String, Arc<AtomicU64>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/cb", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicU64::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                for answered in 1..=every {
                    // Read one request: headers, then Content-Length bytes of body.
                    let head_end = loop {
                        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        let mut chunk = [0u8; 4096];
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    while buf.len() < head_end + len {
                        let mut chunk = [0u8; 4096];
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    buf.drain(..head_end + len);
                    counter.fetch_add(1, Ordering::SeqCst);
                    let last = answered == every;
                    let answer = match (http10, last) {
                        (true, _) => "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok".to_string(),
                        (false, true) => {
                            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                                .to_string()
                        }
                        (false, false) => {
                            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_string()
                        }
                    };
                    if sock.write_all(answer.as_bytes()).await.is_err() || (http10 || last) {
                        let _ = sock.shutdown().await;
                        return;
                    }
                }
            });
        }
    });
    (url, seen)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_the_receiver_closes_is_never_reused_and_costs_no_attempt() {
    for (every, http10) in [(5, false), (1, false), (3, true)] {
        let (url, seen) = closing_receiver(every, http10).await;
        let host = MediaHost::start(([127, 0, 0, 1], 0).into(), None, None)
            .await
            .unwrap();
        let mut cfg = config(&url);
        cfg.tasks = Some(300);
        let r = load::run(cfg, &host, CancellationToken::new())
            .await
            .unwrap();
        let label = format!("close after {every}, http/1.0 {http10}");
        assert_eq!(r.counts.sent, 300, "{label}");
        assert_eq!(r.counts.acknowledged, 300, "{label}: {r:?}");
        assert_eq!(
            r.counts.retried, 0,
            "{label}: a normal close is not a failed attempt"
        );
        assert_eq!(r.counts.attempts, 300, "{label}");
        assert_eq!(seen.load(Ordering::SeqCst), 300, "{label}");
    }
}

/// The commands the README's CI matrix and Kubernetes Indexed Job run, for shard `k` of 4.
fn shard_args<'a>(url: &'a str, k: &'a str, json: &'a str) -> Vec<&'a str> {
    vec![
        "load",
        "--receiver",
        url,
        "--tasks",
        "400",
        "--rate",
        "2000",
        "--seed",
        "42",
        "--duplicates",
        "0.2",
        "--shard",
        k,
        "--report-json",
        json,
        "--no-progress",
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn four_shards_send_every_task_once_and_merge_into_the_whole_run() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let url = server.uri();
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<String> = (1..=4)
        .map(|k| {
            dir.path()
                .join(format!("shard-{k}.json"))
                .display()
                .to_string()
        })
        .collect();
    // Each shard from another source, as the engines running them set it: a Kubernetes
    // Indexed Job (two of them), GitLab CI's `parallel:`, and the flag itself.
    // (--shard, the engine's variables, what the run says it used)
    type Source<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let sources: [Source<'_>; 4] = [
        (
            "auto",
            vec![("JOB_COMPLETION_INDEX", "0")],
            "JOB_COMPLETION_INDEX=0",
        ),
        (
            "auto",
            vec![("JOB_COMPLETION_INDEX", "1")],
            "JOB_COMPLETION_INDEX=1",
        ),
        (
            "auto",
            vec![("CI_NODE_INDEX", "3"), ("CI_NODE_TOTAL", "4")],
            "CI_NODE_INDEX=3 and CI_NODE_TOTAL=4",
        ),
        ("4/4", vec![], ""),
    ];
    let runs =
        futures_util::future::join_all(sources.iter().enumerate().map(|(i, (k, env, _))| {
            let mut args = shard_args(&url, k, &files[i]);
            args.extend(["--shard-count", "4"]);
            async move { crate::harness::suno_env(&args, env).await }
        }))
        .await;
    for ((_, _, said), out) in sources.iter().zip(&runs) {
        assert!(out.stderr.contains(said), "{}", out.stderr);
    }
    for (i, out) in runs.iter().enumerate() {
        assert_eq!(
            out.code,
            exit::SUCCESS,
            "shard {}: {}{}",
            i + 1,
            out.stdout,
            out.stderr
        );
    }
    // Every task id reached the receiver, each from exactly one shard.
    let mut per_task: std::collections::HashMap<String, u32> = Default::default();
    let requests = server.received_requests().await.unwrap();
    for r in &requests {
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        *per_task
            .entry(v["data"]["task_id"].as_str().unwrap().into())
            .or_default() += 1;
    }
    assert_eq!(per_task.len(), 400, "every task of the run, once");
    let parts: Vec<serde_json::Value> = files
        .iter()
        .map(|f| serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap())
        .collect();
    let sum = |k: &str| {
        parts
            .iter()
            .map(|p| p["result"][k].as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!(sum("tasks"), 400);
    assert_eq!(sum("sent") as usize, requests.len());
    // merge: the sum of its parts, percentiles from the merged histogram.
    let merged_json = dir.path().join("merged.json").display().to_string();
    let mut args = vec!["merge"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--report-json", &merged_json]);
    let out = suno(&args).await;
    assert_eq!(out.code, exit::SUCCESS, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("shards 1, 2, 3, 4 of 4\n"),
        "{}",
        out.stdout
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&merged_json).unwrap()).unwrap();
    for k in [
        "sent",
        "tasks",
        "duplicates",
        "acknowledged",
        "attempts",
        "video_downloads",
    ] {
        assert_eq!(m["result"][k].as_u64().unwrap(), sum(k), "{k}");
    }
    assert_eq!(m["command"], "merge");
    let h = suno_mock::outcome::load::Latencies::decode(
        m["result"]["latency_histogram"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(h.0.len(), sum("attempts"));
    assert_eq!(
        m["result"]["latency"]["p99_ms"].as_f64().unwrap(),
        h.0.value_at_quantile(0.99) as f64 / 1000.0
    );
    // The same run on one machine sends the same deliveries.
    let single = suno(&[
        "load",
        "--receiver",
        &url,
        "--tasks",
        "400",
        "--rate",
        "2000",
        "--seed",
        "42",
        "--duplicates",
        "0.2",
        "--format",
        "json",
        "--no-progress",
    ])
    .await;
    let s: serde_json::Value = serde_json::from_str(&single.stdout).unwrap();
    assert_eq!(s["result"]["sent"], m["result"]["sent"]);
    assert_eq!(s["result"]["duplicates"], m["result"]["duplicates"]);
    // Reports of another run, or a shard twice, are refused.
    let other = dir.path().join("other.json").display().to_string();
    let out = suno(&[
        "load",
        "--receiver",
        &url,
        "--tasks",
        "400",
        "--seed",
        "43",
        "--shard",
        "1/4",
        "--report-json",
        &other,
        "--no-progress",
    ])
    .await;
    assert_eq!(out.code, exit::SUCCESS);
    let out = suno(&["merge", &files[1], &other]).await;
    assert_eq!(out.code, exit::USAGE);
    assert!(out.stderr.contains("another run"), "{}", out.stderr);
    let out = suno(&["merge", &files[0], &files[0]]).await;
    assert_eq!(out.code, exit::USAGE);
    assert!(out.stderr.contains("given twice"), "{}", out.stderr);
    // A set that lost a shard's artifact is refused: its thresholds would judge part of it.
    let out = suno(&["merge", &files[0], &files[2], &files[3], "--max-p99", "10s"]).await;
    assert_eq!(out.code, exit::USAGE, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("3 shards of 4 given; shard 2 is missing")
            && out.stderr.contains("--allow-partial"),
        "{}",
        out.stderr
    );
    // Allowed, every report says so.
    let html = dir.path().join("partial.html").display().to_string();
    let xml = dir.path().join("partial.xml").display().to_string();
    let json = dir.path().join("partial.json").display().to_string();
    let out = suno(&[
        "merge",
        &files[0],
        &files[2],
        "--allow-partial",
        "--max-p99",
        "10s",
        "--report-html",
        &html,
        "--report-junit",
        &xml,
        "--report-json",
        &json,
    ])
    .await;
    assert_eq!(out.code, exit::SUCCESS, "{}{}", out.stdout, out.stderr);
    let said = "PARTIAL: shards 2, 4 are missing";
    assert!(
        out.stdout.contains("shards 1, 3 of 4 · PARTIAL") && out.stdout.contains("(PARTIAL"),
        "{}",
        out.stdout
    );
    for f in [&html, &xml] {
        let text = std::fs::read_to_string(f).unwrap();
        assert!(text.contains(said), "{f}: {text}");
    }
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(j["result"]["missing_shards"], serde_json::json!([2, 4]));
    assert!(
        std::fs::read_to_string(&html)
            .unwrap()
            .contains("<title>suno-mock merge"),
        "the page of a merge is titled so"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_field_of_a_load_report_is_in_its_schema() {
    let out = suno(&["schema", "load-report"]).await;
    assert_eq!(out.code, exit::SUCCESS);
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(schema["properties"]["result"].is_object(), "{schema}");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let report = suno(&[
        "load",
        "--receiver",
        &server.uri(),
        "--tasks",
        "5",
        "--retries",
        "0",
        "--format",
        "json",
        "--max-failures",
        "0",
        "--no-progress",
    ])
    .await;
    let v: serde_json::Value = serde_json::from_str(&report.stdout).unwrap();
    fn keys(v: &serde_json::Value, out: &mut Vec<String>) {
        if let Some(m) = v.as_object() {
            for (k, x) in m {
                out.push(k.clone());
                keys(x, out);
            }
        } else if let Some(a) = v.as_array() {
            a.iter().for_each(|x| keys(x, out));
        }
    }
    let mut fields = Vec::new();
    keys(&v, &mut fields);
    // Map keys (error classes, statuses) are data, not fields.
    fields.retain(|f| !f.chars().all(|c| c.is_ascii_digit()) && f != "status");
    for f in fields {
        assert!(
            out.stdout.contains(&format!("\"{f}\"")),
            "`{f}` of a real report is not in the schema"
        );
    }
}

/// `--shard auto` with no engine's variable set is refused, naming both sources.
#[tokio::test(flavor = "multi_thread")]
async fn shard_auto_without_an_engine_is_a_usage_error() {
    let out = suno(&[
        "load",
        "--receiver",
        "http://127.0.0.1:9/cb",
        "--shard",
        "auto",
    ])
    .await;
    assert_eq!(out.code, exit::USAGE, "{}", out.stderr);
    assert!(
        out.stderr.contains("JOB_COMPLETION_INDEX") && out.stderr.contains("CI_NODE_INDEX"),
        "{}",
        out.stderr
    );
}
