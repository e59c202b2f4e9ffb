//! `serve` end to end: a small client creates music-video tasks, its receiver gets the
//! callbacks, it polls record-info and downloads the video, as an application would.

use std::io::Cursor;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use suno_mock::mock_api::ServeConfig;
use suno_mock::scenario::{Outcome, parse_serve_plan};

use crate::mock_client::*;

use crate::harness::{answering, builtin_receiver};

#[tokio::test(flavor = "multi_thread")]
async fn success_flow_create_callback_poll_download() {
    let (_api, base) = serve(fast()).await;
    let rx = answering(200).await;
    let (status, created) = create(&base, task_body(&format!("{}/cb", rx.uri()), "music-1")).await;
    assert_eq!(status, 200);
    assert_eq!(created["code"], 200);
    let task_id = created["data"]["taskId"].as_str().unwrap().to_string();
    let rec = poll(&base, &task_id, Some("SUCCESS")).await;
    let d = &rec["data"];
    assert_eq!(d["musicId"], "music-1");
    assert_eq!(d["audioId"], "e231-8cadc7dc");
    assert!(d["createTime"].as_i64().unwrap() <= d["completeTime"].as_i64().unwrap());
    let video_url = d["response"]["videoUrl"].as_str().unwrap().to_string();
    let attempts = attempts_for(&base, &task_id, 1).await;
    assert_eq!(attempts[0]["accepted"], true);
    let got = rx.received_requests().await.unwrap();
    let cb: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(cb["code"], 200);
    assert_eq!(cb["data"]["task_id"], task_id.as_str());
    assert_eq!(cb["data"]["video_url"], video_url.as_str());
    let video = reqwest::get(&video_url)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mp4 = mp4parse::read_mp4(&mut Cursor::new(&video[..])).expect("the video is an MP4");
    assert!(!mp4.tracks.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn failure_flow_reports_the_code_in_callback_and_record() {
    let (_api, base) = serve(ServeConfig {
        outcome: Some(Outcome::Failure),
        failure_code: 451,
        ..fast()
    })
    .await;
    let rx = answering(200).await;
    let (_, created) = create(&base, task_body(&rx.uri(), "music-2")).await;
    let task_id = created["data"]["taskId"].as_str().unwrap().to_string();
    let rec = poll(&base, &task_id, None).await;
    assert_eq!(rec["data"]["successFlag"], "GENERATE_MP4_FAILED");
    assert_eq!(rec["data"]["errorCode"], 451);
    assert_eq!(rec["data"]["response"], Value::Null);
    attempts_for(&base, &task_id, 1).await;
    let cb: Value = serde_json::from_slice(&rx.received_requests().await.unwrap()[0].body).unwrap();
    assert_eq!(cb["code"], 451);
    assert_eq!(cb["data"]["video_url"], Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicates_deliver_identical_copies() {
    let (_api, base) = serve(ServeConfig {
        duplicates: 2,
        concurrent_duplicates: true,
        ..fast()
    })
    .await;
    let rx = answering(200).await;
    let (_, created) = create(&base, task_body(&rx.uri(), "music-3")).await;
    let task_id = created["data"]["taskId"].as_str().unwrap().to_string();
    let attempts = attempts_for(&base, &task_id, 3).await;
    let mut copies: Vec<u64> = attempts
        .iter()
        .map(|a| a["copy"].as_u64().unwrap())
        .collect();
    copies.sort();
    assert_eq!(copies, [1, 2, 3]);
    let bodies: Vec<_> = rx
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.body)
        .collect();
    assert_eq!(bodies.len(), 3);
    assert!(bodies.iter().all(|b| b == &bodies[0]));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_that_is_down_is_retried_then_callback_exception() {
    let (_api, base) = serve(ServeConfig {
        callback_exception: true,
        ..fast()
    })
    .await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (_, created) = create(
        &base,
        task_body(&format!("http://127.0.0.1:{port}/cb"), "music-4"),
    )
    .await;
    let task_id = created["data"]["taskId"].as_str().unwrap().to_string();
    let rec = poll(&base, &task_id, Some("CALLBACK_EXCEPTION")).await;
    assert_eq!(
        rec["data"]["response"]["videoUrl"]
            .as_str()
            .map(|u| u.ends_with(".mp4")),
        Some(true)
    );
    let attempts = attempts_for(&base, &task_id, 3).await;
    assert_eq!(attempts.len(), 3, "1 attempt + 2 retries");
    assert!(
        attempts.iter().all(|a| a["error"] == "refused"),
        "{attempts:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_only_polls_gets_its_tracks_whatever_the_callbacks_get() {
    // Nothing listens at the callback URL; generation goes on on its own clock.
    let (_api, base) = serve(fast()).await;
    let down = format!("http://127.0.0.1:{}/cb", crate::harness::free_port());
    let (status, v) = post_json(
        &base,
        "/api/v1/generate",
        &json!({"customMode": false, "instrumental": false, "model": "V4_5", "prompt": "a song", "callBackUrl": down}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let id = v["data"]["taskId"].as_str().unwrap().to_string();
    let start = Instant::now();
    let record = loop {
        let r = get_json(&format!("{base}/api/v1/generate/record-info?taskId={id}")).await;
        if r["data"]["status"] == "SUCCESS" {
            break r;
        }
        assert_ne!(r["data"]["status"], "CALLBACK_EXCEPTION", "{r}");
        assert!(start.elapsed() < Duration::from_secs(10), "{r}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let tracks = record["data"]["response"]["sunoData"].as_array().unwrap();
    assert_eq!(tracks.len(), 2, "{record}");
    for t in tracks {
        let url = t["audioUrl"].as_str().unwrap();
        let r = client().get(url).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{url}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_drives_each_task() {
    let (plan, warnings) = parse_serve_plan(
        "plan.yaml",
        "name: first fails with 451, second is delivered twice\ntasks:\n  - outcome: failure\n    code: 451\n  - outcome: success\n    duplicates: 1\n",
    )
    .unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let (_api, base) = serve(ServeConfig {
        plan: Some(plan),
        ..fast()
    })
    .await;
    let rx = answering(200).await;
    let (_, first) = create(&base, task_body(&rx.uri(), "m-a")).await;
    let (_, second) = create(&base, task_body(&rx.uri(), "m-b")).await;
    let first = first["data"]["taskId"].as_str().unwrap().to_string();
    let second = second["data"]["taskId"].as_str().unwrap().to_string();
    assert_eq!(poll(&base, &first, None).await["data"]["errorCode"], 451);
    assert_eq!(
        poll(&base, &second, None).await["data"]["successFlag"],
        "SUCCESS"
    );
    assert_eq!(attempts_for(&base, &second, 2).await.len(), 2);
    assert_eq!(attempts_for(&base, &first, 1).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_requests_get_the_documented_codes() {
    let (_api, base) = serve(ServeConfig {
        api_key: Some("right".into()),
        ..fast()
    })
    .await;
    let post = |auth: Option<&'static str>, ct: &'static str, body: String| {
        let base = base.clone();
        async move {
            let mut r = client()
                .post(format!("{base}/api/v1/mp4/generate"))
                .header("Content-Type", ct)
                .body(body);
            if let Some(a) = auth {
                r = r.bearer_auth(a);
            }
            let r = r.send().await.unwrap();
            let status = r.status().as_u16();
            let v: Value = r.json().await.unwrap();
            assert_eq!(
                v["code"].as_u64(),
                Some(u64::from(status)),
                "HTTP status mirrors code: {v}"
            );
            (status, v["msg"].as_str().unwrap().to_string())
        }
    };
    let ok = task_body("http://127.0.0.1:9/cb", "m").to_string();
    assert_eq!(post(None, "application/json", ok.clone()).await.0, 401);
    assert_eq!(
        post(Some("wrong"), "application/json", ok.clone()).await.0,
        401
    );
    let (s, m) = post(
        Some("right"),
        "application/json",
        json!({"taskId": "m", "callBackUrl": "http://x/"}).to_string(),
    )
    .await;
    assert_eq!((s, m.as_str()), (400, "audioId is required"));
    let (s, m) = post(
        Some("right"),
        "application/json",
        task_body("not a url", "m").to_string(),
    )
    .await;
    assert!(s == 400 && m.contains("callBackUrl"), "{m}");
    let (s, _) = post(Some("right"), "application/json", "{\"taskId\":".into()).await;
    assert_eq!(s, 400);
    let (s, m) = post(Some("right"), "text/plain", ok.clone()).await;
    assert!(s == 400 && m.contains("Content-Type"), "{m}");
    let mut long = task_body("http://127.0.0.1:9/cb", "m");
    long["author"] = json!("x".repeat(51));
    assert_eq!(
        post(Some("right"), "application/json", long.to_string())
            .await
            .0,
        413
    );
    assert_eq!(
        post(Some("right"), "application/json", ok.clone()).await.0,
        200
    );
    let (s, m) = post(Some("right"), "application/json", ok).await;
    assert!(s == 409 && m.contains("already exists"), "{m}");
    let r = client()
        .get(format!("{base}/api/v1/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = client()
        .delete(format!("{base}/api/v1/mp4/generate"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["code"], 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn creates_cost_credits_and_a_create_the_balance_cannot_pay_is_refused() {
    let server = answering(200).await;
    let cb = format!("{}/cb", server.uri());
    let (_api, base) = serve(ServeConfig {
        credits: 5,
        prices: vec![("video".into(), 2)],
        ..fast()
    })
    .await;
    assert_eq!(balance(&base).await, 5);
    assert_eq!(create(&base, task_body(&cb, "m1")).await.0, 200);
    assert_eq!(create(&base, task_body(&cb, "m2")).await.0, 200);
    assert_eq!(balance(&base).await, 1);
    let (status, v) = create(&base, task_body(&cb, "m3")).await;
    assert_eq!((status, v["code"].as_i64()), (429, Some(429)), "{v}");
    assert!(
        v["msg"].as_str().unwrap().contains("insufficient credits"),
        "{v}"
    );
    assert_eq!(balance(&base).await, 1, "a refused create costs nothing");
    assert_eq!(task_count(&base).await, 2, "and leaves no task behind");
    // The pair of the refused create is still free.
    let (_api2, base2) = serve(fast()).await;
    assert_eq!(create(&base2, task_body(&cb, "m3")).await.0, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn creates_beyond_the_rate_limit_are_refused_and_leave_nothing() {
    let server = answering(200).await;
    let cb = format!("{}/cb", server.uri());
    let (_api, base) = serve(ServeConfig {
        rate_limit: Some((3, Duration::from_secs(60))),
        ..fast()
    })
    .await;
    for i in 0..3 {
        assert_eq!(create(&base, task_body(&cb, &format!("r{i}"))).await.0, 200);
    }
    let before = balance(&base).await;
    let (status, v) = create(&base, task_body(&cb, "r3")).await;
    assert_eq!(status, 430, "{v}");
    assert!(
        v["msg"]
            .as_str()
            .unwrap()
            .contains("at most 3 creates every 60s"),
        "{v}"
    );
    assert_eq!(task_count(&base).await, 3);
    assert_eq!(balance(&base).await, before);
    // `off`: no limit.
    let (_api, base) = serve(ServeConfig {
        rate_limit: None,
        ..fast()
    })
    .await;
    for i in 0..25 {
        assert_eq!(create(&base, task_body(&cb, &format!("o{i}"))).await.0, 200);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn music_creates_are_validated_as_documented() {
    let (_api, base) = serve(fast()).await;
    let cb = "http://127.0.0.1:9/cb";
    for (body, code, word) in [
        (
            json!({"instrumental": false, "model": "V4", "callBackUrl": cb, "prompt": "x"}),
            400,
            "customMode",
        ),
        (
            json!({"customMode": false, "instrumental": false, "callBackUrl": cb, "prompt": "x"}),
            400,
            "model",
        ),
        (
            json!({"customMode": false, "instrumental": false, "model": "V9", "callBackUrl": cb, "prompt": "x"}),
            400,
            "V9",
        ),
        (
            json!({"customMode": false, "instrumental": false, "model": "V4", "prompt": "x"}),
            400,
            "callBackUrl",
        ),
        (
            json!({"customMode": true, "instrumental": false, "model": "V4", "callBackUrl": cb, "prompt": "x", "title": "t"}),
            400,
            "style",
        ),
        (
            json!({"customMode": true, "instrumental": false, "model": "V4", "callBackUrl": cb, "style": "s", "title": "t"}),
            400,
            "prompt",
        ),
        (
            json!({"customMode": false, "instrumental": false, "model": "V5", "callBackUrl": cb, "prompt": "p".repeat(501)}),
            413,
            "500",
        ),
        (
            json!({"customMode": true, "instrumental": true, "model": "V4", "callBackUrl": cb, "style": "s".repeat(201), "title": "t"}),
            413,
            "style",
        ),
        (
            json!({"customMode": true, "instrumental": true, "model": "V4_5ALL", "callBackUrl": cb, "style": "s", "title": "t".repeat(81)}),
            413,
            "title",
        ),
    ] {
        let (status, v) = post_json(&base, "/api/v1/generate", &body).await;
        assert_eq!(
            (status, v["code"].as_i64()),
            (code, Some(i64::from(code))),
            "{body}: {v}"
        );
        assert!(v["msg"].as_str().unwrap().contains(word), "{body}: {v}");
    }
    // Instrumental custom mode needs no prompt; a malformed body is a 400 in the envelope.
    let ok = json!({"customMode": true, "instrumental": true, "model": "V4", "callBackUrl": cb, "style": "s", "title": "t"});
    assert_eq!(post_json(&base, "/api/v1/generate", &ok).await.0, 200);
    let r = client()
        .post(format!("{base}/api/v1/generate"))
        .bearer_auth("test-key")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(v["msg"].as_str().unwrap().contains("not valid JSON"), "{v}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_application_runs_its_whole_music_flow_offline() {
    use suno_mock::receiver::ReceiverConfig;
    // The application's receiver: the built-in one, for music.
    let rcfg = ReceiverConfig {
        family: suno_mock::family::find("music").unwrap(),
        ..ReceiverConfig::default()
    };
    let rec = builtin_receiver(&rcfg).await;
    let (_api, base) = serve(ServeConfig {
        generation_time: Duration::from_millis(600),
        credits: 15,
        ..fast()
    })
    .await;
    // Create music.
    let (status, v) = post_json(
        &base,
        "/api/v1/generate",
        &json!({"customMode": false, "instrumental": false, "model": "V4_5", "prompt": "a calm piano piece", "callBackUrl": rec.callback_url(&rcfg)}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let task = v["data"]["taskId"].as_str().unwrap().to_string();
    assert_eq!(balance(&base).await, 3, "music costs 12");
    // Poll to SUCCESS: the statuses move as the stages go out.
    let (info, seen) = poll_music(&base, &task, "SUCCESS").await;
    // Never backwards: every status seen is a later one than the one before.
    let order = ["PENDING", "TEXT_SUCCESS", "FIRST_SUCCESS", "SUCCESS"];
    let ranks: Vec<usize> = seen
        .iter()
        .map(|s| {
            order
                .iter()
                .position(|o| o == s)
                .unwrap_or_else(|| panic!("{s}"))
        })
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    // The receiver got text, first and complete, in that order, and processed each once.
    let (mut state, start) = (Value::Null, Instant::now());
    while state["stage"] != "complete" {
        assert!(start.elapsed() < Duration::from_secs(10), "{state}");
        state = get_json(&rec.probe_url().replace("{task_id}", &task)).await;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(state["processed"], 3, "{state}");
    let deliveries: Value = get_json(&format!("{base}/_mock/deliveries")).await;
    let stages: Vec<&str> = deliveries
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["taskId"] == task.as_str())
        .map(|d| d["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["text", "first", "complete"]);
    // Download the tracks: a real MP3 and a real JPEG.
    let track = &info["data"]["response"]["sunoData"][0];
    assert_eq!(
        info["data"]["response"]["sunoData"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let mp3 = client()
        .get(track["audioUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(mp3.headers()["content-type"], "audio/mpeg");
    assert_eq!(
        &mp3.bytes().await.unwrap()[..],
        suno_mock::artifacts::SAMPLE_MP3
    );
    let jpeg = client()
        .get(track["imageUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        &jpeg.bytes().await.unwrap()[..],
        suno_mock::artifacts::SAMPLE_JPEG
    );
    // A WAV of the first track: its callback, its record, a real WAV file.
    let wav_rx = answering(200).await;
    let (status, v) = post_json(
        &base,
        "/api/v1/wav/generate",
        &json!({"taskId": task, "audioId": track["id"], "callBackUrl": wav_rx.uri()}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let wav_task = v["data"]["taskId"].as_str().unwrap().to_string();
    let record = poll_until(
        &base,
        "/api/v1/wav/record-info",
        &wav_task,
        "successFlag",
        "SUCCESS",
    )
    .await;
    let wav_url = record["data"]["response"]["audioWavUrl"].as_str().unwrap();
    let wav = client().get(wav_url).send().await.unwrap();
    assert_eq!(wav.headers()["content-type"], "audio/wav");
    assert_eq!(
        &wav.bytes().await.unwrap()[..],
        suno_mock::artifacts::SAMPLE_WAV
    );
    let sent = attempts_for(&base, &wav_task, 1).await;
    assert_eq!(
        (sent[0]["family"].as_str(), sent[0]["stage"].as_str()),
        (Some("wav"), Some("success"))
    );
    assert_eq!(balance(&base).await, 2, "a WAV costs 1");
    // A video from the first track.
    let (status, v) = create(
        &base,
        json!({"taskId": task, "audioId": track["id"], "callBackUrl": "http://127.0.0.1:9/cb"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(balance(&base).await, 0);
    // Then the credits are gone: refused with 429, nothing created.
    let (status, v) = post_json(
        &base,
        "/api/v1/generate",
        &json!({"customMode": false, "instrumental": true, "model": "V5", "prompt": "more", "callBackUrl": "http://127.0.0.1:9/cb"}),
    )
    .await;
    assert_eq!(status, 429, "{v}");
    assert_eq!(
        task_count(&base).await,
        3,
        "one music, one WAV and one video task"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_mock_task_list_names_each_family_and_record_info_stays_the_providers() {
    let server = answering(200).await;
    let cb = format!("{}/cb", server.uri());
    let (_api, base) = serve(fast()).await;
    let (_, v) = create(&base, task_body(&cb, "fam")).await;
    let video = v["data"]["taskId"].as_str().unwrap().to_string();
    let (_, v) = post_json(
        &base,
        "/api/v1/generate",
        &json!({"customMode": false, "instrumental": true, "model": "V5", "prompt": "p", "callBackUrl": cb}),
    )
    .await;
    let music = v["data"]["taskId"].as_str().unwrap().to_string();
    let list: Value = get_json(&format!("{base}/_mock/tasks")).await;
    let family = |id: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|t| t["taskId"] == id)
            .map(|t| t["family"].clone())
            .unwrap()
    };
    assert_eq!(family(&video), "video");
    assert_eq!(family(&music), "music");
    let info = poll(&base, &video, None).await;
    assert!(info["data"].get("family").is_none(), "{info}");
}

#[tokio::test(flavor = "multi_thread")]
async fn media_links_stop_serving_after_the_retention() {
    let server = answering(200).await;
    let cb = format!("{}/cb", server.uri());
    for (retention, expected) in [(None, 200), (Some(Duration::from_millis(1)), 403)] {
        // 403 "Request has expired", as a signed link answers once it is over.
        let (_api, base) = serve(ServeConfig {
            retention,
            ..fast()
        })
        .await;
        let (_, v) = create(&base, task_body(&cb, "keep")).await;
        let id = v["data"]["taskId"].as_str().unwrap().to_string();
        let info = poll(&base, &id, Some("SUCCESS")).await;
        let url = info["data"]["response"]["videoUrl"].as_str().unwrap();
        let r = client().get(url).send().await.unwrap();
        assert_eq!(r.status().as_u16(), expected, "retention {retention:?}");
    }
}

/// Issue 29: a forgotten task takes its callback attempts along, so a `serve` left running
/// does not grow without bound.
#[tokio::test(flavor = "multi_thread")]
async fn a_forgotten_task_leaves_nothing_behind() {
    let server = answering(200).await;
    let cb = format!("{}/cb", server.uri());
    let (api, base) = serve(ServeConfig {
        retention: Some(Duration::from_millis(1)),
        forget_after: Duration::from_secs(1),
        ..fast()
    })
    .await;
    let (_, v) = create(&base, task_body(&cb, "gone")).await;
    let id = v["data"]["taskId"].as_str().unwrap().to_string();
    // Its callback answered: the attempt is recorded a moment after the record says SUCCESS.
    attempts_for(&base, &id, 1).await;
    let held = api.store.sizes();
    assert_eq!((held.tasks, held.pairs), (1, 1), "{held:?}");
    assert!(held.attempts >= 1, "{held:?}");
    // The worker forgets the task once its time is up; its end is only seen from outside.
    let start = Instant::now();
    while api.store.sizes().tasks > 0 {
        assert!(start.elapsed() < Duration::from_secs(10), "never forgotten");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let left = api.store.sizes();
    assert_eq!(
        (left.tasks, left.pairs, left.attempts),
        (0, 0, 0),
        "{left:?}"
    );
    let deliveries = get_json(&format!("{base}/_mock/deliveries")).await;
    assert_eq!(deliveries, json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_one_callback_family_creates_calls_back_and_polls() {
    let server = answering(200).await;
    let cb = format!("{}/cb", server.uri());
    let (_api, base) = serve(fast()).await;
    for family in suno_mock::family::CATALOGUE
        .iter()
        .filter(|f| !matches!(f.id, "video" | "music" | "replace-section"))
    {
        let p = &family.polling;
        let mut body = serde_json::Map::new();
        body.insert("callBackUrl".into(), json!(cb));
        // Leaving out a required field names it.
        if let Some(first) = p.required.first() {
            let (status, v) = post_json(&base, p.create, &Value::Object(body.clone())).await;
            assert_eq!(status, 400, "{}: {v}", family.id);
            assert!(
                v["msg"].as_str().unwrap().contains(first),
                "{}: {v}",
                family.id
            );
        }
        for name in p.required {
            body.insert((*name).into(), json!("x-1"));
        }
        let (status, v) = post_json(&base, p.create, &Value::Object(body)).await;
        assert_eq!(status, 200, "{}: {v}", family.id);
        let id = v["data"]["taskId"].as_str().unwrap().to_string();
        // Polled until done: the flag in the family's key and type.
        let done: Value = if p.success.parse::<i64>().is_ok() {
            json!(p.success.parse::<i64>().unwrap())
        } else {
            json!(p.success)
        };
        let start = Instant::now();
        let record = loop {
            let v: Value = get_json(&format!("{base}{}?taskId={id}", p.path)).await;
            if v["data"][p.flag] == done {
                break v["data"].clone();
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{}: {v}",
                family.id
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        // The result where the family's details page puts it.
        let result = match p.layout {
            suno_mock::family::Layout::Midi => &record["midiData"],
            suno_mock::family::Layout::Voice => &record["voiceId"],
            _ => &record["response"],
        };
        assert!(
            result.is_object() || result.is_string(),
            "{}: {record}",
            family.id
        );
        // The callback reached the receiver with the task id where the family keeps it.
        let start = Instant::now();
        loop {
            let got = server.received_requests().await.unwrap().iter().any(|r| {
                serde_json::from_slice::<Value>(&r.body)
                    .ok()
                    .is_some_and(|b| {
                        b.pointer(&format!("/{}", family.task_id_path.replace('.', "/")))
                            == Some(&json!(id))
                    })
            });
            if got {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "{}", family.id);
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// Creates a task at `path` and polls `details` until `done` says so; the final record.
async fn created_and_done(
    base: &str,
    path: &str,
    details: &str,
    body: Value,
    done: impl Fn(&Value) -> bool,
) -> (String, Value) {
    let (status, v) = post_json(base, path, &body).await;
    assert_eq!(status, 200, "{path}: {v}");
    let id = v["data"]["taskId"].as_str().unwrap().to_string();
    let start = Instant::now();
    loop {
        let r = get_json(&format!("{base}{details}?taskId={id}")).await;
        if done(&r["data"]) {
            return (id, r["data"].clone());
        }
        assert!(start.elapsed() < Duration::from_secs(10), "{path}: {r}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The first callback body `rx` received that `matches`, once it has come.
async fn callback_where(rx: &wiremock::MockServer, matches: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let found = rx
            .received_requests()
            .await
            .unwrap()
            .into_iter()
            .filter_map(|q| serde_json::from_slice::<Value>(&q.body).ok())
            .find(|b| matches(b));
        if let Some(b) = found {
            return b;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no such callback"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The keys of a record, sorted.
fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

#[tokio::test(flavor = "multi_thread")]
async fn details_answers_are_laid_out_as_each_family_s_page_gives_them() {
    let rx = answering(200).await;
    let cb = format!("{}/cb", rx.uri());
    let (_api, base) = serve(fast()).await;
    // WAV: the source track's id, its index, string times.
    let (_, wav) = created_and_done(
        &base,
        "/api/v1/wav/generate",
        "/api/v1/wav/record-info",
        json!({"taskId": "music-1", "audioId": "a-1", "callBackUrl": cb}),
        |d| d["successFlag"] == "SUCCESS",
    )
    .await;
    assert_eq!(wav["musicId"], "music-1", "{wav}");
    assert_eq!(wav["musicIndex"], 0);
    assert!(wav["response"]["audioWavUrl"].is_string(), "{wav}");
    let t = wav["createTime"].as_str().unwrap();
    assert!(
        regex::Regex::new(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
            .unwrap()
            .is_match(t),
        "{t}"
    );
    // Separation: a flat camelCase response with every stem key.
    let (_, vocal) = created_and_done(
        &base,
        "/api/v1/vocal-removal/generate",
        "/api/v1/vocal-removal/record-info",
        json!({"taskId": "music-1", "audioId": "a-1", "type": "separate_vocal", "callBackUrl": cb}),
        |d| d["successFlag"] == "SUCCESS",
    )
    .await;
    let r = &vocal["response"];
    assert!(
        r["vocalUrl"].is_string() && r["instrumentalUrl"].is_string(),
        "{r}"
    );
    assert!(
        r["drumsUrl"].is_null() && r.get("vocal_removal_info").is_none(),
        "{r}"
    );
    assert_eq!(keys(r).len(), 16, "{r}");
    assert_eq!(r["originData"].as_array().unwrap().len(), 2, "{r}");
    let (split_id, split) = created_and_done(
        &base,
        "/api/v1/vocal-removal/generate",
        "/api/v1/vocal-removal/record-info",
        json!({"taskId": "music-1", "audioId": "a-1", "type": "split_stem", "callBackUrl": cb}),
        |d| d["successFlag"] == "SUCCESS",
    )
    .await;
    let r = &split["response"];
    assert!(
        r["instrumentalUrl"].is_null() && r["drumsUrl"].is_string(),
        "{r}"
    );
    assert_eq!(r["originData"].as_array().unwrap().len(), 12, "{r}");
    // Its callback carries the 13 snake_case keys of split_stem.
    let split_body = callback_where(&rx, |b| b["data"]["task_id"] == json!(split_id)).await;
    assert_eq!(
        split_body["data"]["vocal_removal_info"]
            .as_object()
            .unwrap()
            .len(),
        13,
        "{split_body}"
    );
    // MIDI: `midiData` directly under `data`, an integer flag.
    let (_, midi) = created_and_done(
        &base,
        "/api/v1/midi/generate",
        "/api/v1/midi/record-info",
        json!({"taskId": split_id, "callBackUrl": cb}),
        |d| d["successFlag"] == 1,
    )
    .await;
    assert_eq!(midi["midiData"]["state"], "complete", "{midi}");
    assert!(
        midi.get("response").is_none() && midi["recordTaskId"] == -1,
        "{midi}"
    );
    // Cover: the parent task, its images, ISO times, an integer flag.
    let (_, cover) = created_and_done(
        &base,
        "/api/v1/suno/cover/generate",
        "/api/v1/suno/cover/record-info",
        json!({"taskId": "music-1", "callBackUrl": cb}),
        |d| d["successFlag"] == 1,
    )
    .await;
    assert_eq!(cover["parentTaskId"], "music-1");
    assert_eq!(cover["response"]["images"].as_array().unwrap().len(), 2);
    assert!(
        cover["createTime"].as_str().unwrap().ends_with(".000Z"),
        "{cover}"
    );
    // Voice: flat, `voiceId` directly under `data`.
    let (_, voice) = created_and_done(
        &base,
        "/api/v1/voice/generate",
        "/api/v1/voice/record-info",
        json!({"taskId": "validate-1", "verifyUrl": "https://example.invalid/v.mp3", "callBackUrl": cb}),
        |d| d["status"] == "success",
    )
    .await;
    assert!(voice["voiceId"].is_string(), "{voice}");
    assert_eq!(
        keys(&voice),
        ["errorCode", "errorMessage", "status", "taskId", "voiceId"]
    );
    // Lyrics.
    let (_, lyrics) = created_and_done(
        &base,
        "/api/v1/lyrics",
        "/api/v1/lyrics/record-info",
        json!({"prompt": "rain", "callBackUrl": cb}),
        |d| d["status"] == "SUCCESS",
    )
    .await;
    assert_eq!(lyrics["type"], "LYRICS");
    assert!(
        lyrics["response"]["data"]
            .as_array()
            .is_some_and(|a| !a.is_empty()),
        "{lyrics}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_custom_mode_track_carries_the_request_s_title_style_and_lyrics() {
    let rx = answering(200).await;
    let cb = format!("{}/cb", rx.uri());
    let (_api, base) = serve(fast()).await;
    let lyrics = "[Verse] Headlights on the rain";
    let (id, music) = created_and_done(
        &base,
        "/api/v1/generate",
        "/api/v1/generate/record-info",
        json!({"customMode": true, "instrumental": false, "model": "V4_5", "title": "Night Drive",
               "style": "synthwave", "prompt": lyrics, "callBackUrl": cb}),
        |d| d["status"] == "SUCCESS",
    )
    .await;
    for t in music["response"]["sunoData"].as_array().unwrap() {
        assert_eq!(
            (
                t["title"].as_str(),
                t["tags"].as_str(),
                t["prompt"].as_str()
            ),
            (Some("Night Drive"), Some("synthwave"), Some(lyrics)),
            "{t}"
        );
    }
    // The callbacks say the same.
    let complete = callback_where(&rx, |b| {
        b["data"]["task_id"] == json!(id) && b["data"]["callbackType"] == "complete"
    })
    .await;
    assert_eq!(
        complete["data"]["data"][0]["title"], "Night Drive",
        "{complete}"
    );
    // A file the task has is served; a name built by hand, or another family's path, is not.
    let track = music["response"]["sunoData"][0]["audioUrl"]
        .as_str()
        .unwrap();
    assert_eq!(
        client().get(track).send().await.unwrap().status().as_u16(),
        200
    );
    for wrong in [
        track.replace("track1.mp3", "nope.mp3"),
        track.replace("track1.mp3", "track9.mp3"),
        format!("{base}/videos/{id}.mp4"),
    ] {
        let status = client().get(&wrong).send().await.unwrap().status().as_u16();
        assert_eq!(status, 404, "{wrong}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_early_answer_never_leaves_a_kept_alive_connection_broken() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let (_api, base) = serve(fast()).await;
    let addr = base.trim_start_matches("http://");
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    // The head of a POST to a path the provider lacks, its body not sent yet.
    conn.write_all(
        format!("POST /api/v1/nope HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n").as_bytes(),
    )
    .await
    .unwrap();
    let mut buf = [0u8; 4096];
    // Nothing comes back before the body has been read (absence cannot be awaited: a
    // bounded look).
    let early = tokio::time::timeout(Duration::from_millis(300), conn.read(&mut buf)).await;
    assert!(
        early.is_err(),
        "answered before reading the body: {early:?}"
    );
    conn.write_all(b"{}").await.unwrap();
    let n = conn.read(&mut buf).await.unwrap();
    let first = String::from_utf8_lossy(&buf[..n]).to_ascii_lowercase();
    assert!(first.starts_with("http/1.1 404"), "{first}");
    assert!(!first.contains("connection: close"), "{first}");
    // The same connection serves the next, unrelated call.
    conn.write_all(
        format!("GET /api/v1/generate/credit HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer k\r\n\r\n").as_bytes(),
    )
    .await
    .unwrap();
    let n = conn.read(&mut buf).await.unwrap();
    let second = String::from_utf8_lossy(&buf[..n]);
    assert!(second.starts_with("HTTP/1.1 200"), "{second}");
}

#[tokio::test(flavor = "multi_thread")]
async fn mashup_sounds_and_the_synchronous_calls_answer_as_documented() {
    let rx = answering(200).await;
    let cb = format!("{}/cb", rx.uri());
    let (_api, base) = serve(fast()).await;
    // Mashup: exactly two URLs.
    let one = json!({"uploadUrlList": ["https://a.invalid/1.mp3"], "customMode": false, "model": "V5", "prompt": "p", "callBackUrl": cb});
    let (status, v) = post_json(&base, "/api/v1/generate/mashup", &one).await;
    assert_eq!(
        (status, v["msg"].as_str().unwrap().contains("exactly 2")),
        (400, true),
        "{v}"
    );
    let two = json!({"uploadUrlList": ["https://a.invalid/1.mp3", "https://a.invalid/2.mp3"], "customMode": true, "instrumental": false,
                     "model": "V5", "style": "lofi", "title": "Both", "prompt": "[Verse] two songs", "callBackUrl": cb});
    let (id, mashup) = created_and_done(
        &base,
        "/api/v1/generate/mashup",
        "/api/v1/generate/record-info",
        two,
        |d| d["status"] == "SUCCESS",
    )
    .await;
    assert_eq!(mashup["operationType"], "mashup");
    // Sounds: V5 only, no callback needed; polled as music.
    let (status, v) = post_json(
        &base,
        "/api/v1/generate/sounds",
        &json!({"prompt": "rain", "model": "V4"}),
    )
    .await;
    assert_eq!(status, 400, "{v}");
    let (_, sounds) = created_and_done(
        &base,
        "/api/v1/generate/sounds",
        "/api/v1/generate/record-info",
        json!({"prompt": "rain on a tin roof", "model": "V5", "soundLoop": true}),
        |d| d["status"] == "SUCCESS",
    )
    .await;
    assert_eq!(sounds["response"]["sunoData"].as_array().unwrap().len(), 2);
    // Timestamped lyrics of a finished track: the words it sings.
    let audio = mashup["response"]["sunoData"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, v) = post_json(
        &base,
        "/api/v1/generate/get-timestamped-lyrics",
        &json!({"taskId": id, "audioId": audio}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let words: Vec<&str> = v["data"]["alignedWords"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["word"].as_str().unwrap())
        .collect();
    assert_eq!(words, ["[Verse]", "two", "songs"]);
    assert!(v["data"]["waveformData"].is_array() && v["data"]["hootCer"].is_number());
    // A persona: the request echoed, one per track.
    let ask = json!({"taskId": id, "audioId": audio, "name": "Nova", "description": "airy alto", "vocalStart": 0, "vocalEnd": 20});
    let (status, v) = post_json(&base, "/api/v1/generate/generate-persona", &ask).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (
            v["data"]["name"].as_str(),
            v["data"]["description"].as_str()
        ),
        (Some("Nova"), Some("airy alto"))
    );
    assert!(v["data"]["personaId"].is_string());
    let (status, _) = post_json(&base, "/api/v1/generate/generate-persona", &ask).await;
    assert_eq!(status, 409);
    let (status, _) = post_json(
        &base,
        "/api/v1/generate/generate-persona",
        &json!({"taskId": id, "audioId": "nope", "name": "n", "description": "d"}),
    )
    .await;
    assert_eq!(status, 404);
    // Boost style: synchronous, a string flag.
    let (status, v) = post_json(
        &base,
        "/api/v1/style/generate",
        &json!({"content": "Pop, Mysterious"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["data"]["successFlag"], "1");
    assert!(
        v["data"]["result"]
            .as_str()
            .unwrap()
            .starts_with("Pop, Mysterious")
    );
    // check-voice takes `task_id`, snake_case.
    let (status, v) = post_json(
        &base,
        "/api/v1/voice/check-voice",
        &json!({"task_id": "nope"}),
    )
    .await;
    assert_eq!(
        (status, &v["data"]["isAvailable"]),
        (200, &json!(false)),
        "{v}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_upload_calls_keep_a_file_whose_download_url_upload_cover_takes() {
    let (_api, base) = serve(fast()).await;
    let six = |d: &Value| {
        let mut k = keys(d);
        k.sort();
        k
    };
    let want = [
        "downloadUrl",
        "fileName",
        "filePath",
        "fileSize",
        "mimeType",
        "uploadedAt",
    ];
    // Base64, as a data: URL.
    let (status, v) = post_json(
        &base,
        "/api/file-base64-upload",
        &json!({"base64Data": "data:audio/mpeg;base64,SUQzBAAAAAAAAA==", "uploadPath": "songs", "fileName": "a.mp3"}),
    )
    .await;
    assert_eq!((status, v["success"].as_bool()), (200, Some(true)), "{v}");
    assert_eq!(six(&v["data"]), want);
    assert_eq!(
        (
            v["data"]["filePath"].as_str(),
            v["data"]["mimeType"].as_str(),
            v["data"]["fileSize"].as_u64()
        ),
        (Some("songs/a.mp3"), Some("audio/mpeg"), Some(10))
    );
    let url = v["data"]["downloadUrl"].as_str().unwrap().to_string();
    let got = client().get(&url).send().await.unwrap();
    assert_eq!(got.headers()["content-type"], "audio/mpeg");
    assert_eq!(got.bytes().await.unwrap().len(), 10);
    // A leading slash in uploadPath is refused in the upload host's own envelope.
    let (status, v) = post_json(
        &base,
        "/api/file-base64-upload",
        &json!({"base64Data": "AA==", "uploadPath": "/x"}),
    )
    .await;
    assert_eq!((status, v["success"].as_bool()), (400, Some(false)), "{v}");
    // From a URL (a loopback server standing in for the file's host).
    let host = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .insert_header("content-type", "audio/wav")
                .set_body_bytes(b"RIFFWAVE".to_vec()),
        )
        .mount(&host)
        .await;
    let (status, v) = post_json(
        &base,
        "/api/file-url-upload",
        &json!({"fileUrl": format!("{}/b.wav", host.uri()), "uploadPath": "in"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (
            v["data"]["fileName"].as_str(),
            v["data"]["mimeType"].as_str(),
            v["data"]["fileSize"].as_u64()
        ),
        (Some("b.wav"), Some("audio/wav"), Some(8)),
        "{v}"
    );
    // A multipart stream, its file's own name kept.
    let boundary = "XyZ";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"uploadPath\"\r\n\r\nraw\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.png\"\r\nContent-Type: image/png\r\n\r\nPNGDATA\r\n--{boundary}--\r\n"
    );
    let r = client()
        .post(format!("{base}/api/file-stream-upload"))
        .bearer_auth("k")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        (
            v["data"]["fileName"].as_str(),
            v["data"]["mimeType"].as_str(),
            v["data"]["fileSize"].as_u64()
        ),
        (Some("c.png"), Some("image/png"), Some(7)),
        "{v}"
    );
    // Without the key: 401, in the same envelope.
    let r = client()
        .post(format!("{base}/api/file-base64-upload"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // The download URL is what upload-cover takes.
    let rx = answering(200).await;
    let (_, cover) = created_and_done(
        &base,
        "/api/v1/generate/upload-cover",
        "/api/v1/generate/record-info",
        json!({"uploadUrl": url, "customMode": false, "instrumental": true, "model": "V4_5", "prompt": "a cover", "callBackUrl": format!("{}/cb", rx.uri())}),
        |d| d["status"] == "SUCCESS",
    )
    .await;
    assert_eq!(cover["operationType"], "upload_cover");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_suno_voice_is_validated_regenerated_made_and_checked() {
    let rx = answering(200).await;
    let cb = format!("{}/cb", rx.uri());
    let (_api, base) = serve(fast()).await;
    // Validate: the phrase to record, polled on validate-info (flat).
    let (status, v) = post_json(
        &base,
        "/api/v1/voice/validate",
        &json!({"voiceUrl": "https://a.invalid/me.mp3", "vocalStartS": 5, "vocalEndS": 3}),
    )
    .await;
    assert_eq!(status, 400, "{v}");
    let (validate, info) = created_and_done(
        &base,
        "/api/v1/voice/validate",
        "/api/v1/voice/validate-info",
        json!({"voiceUrl": "https://a.invalid/me.mp3", "vocalStartS": 0, "vocalEndS": 20, "language": "en", "callBackUrl": cb}),
        |d| d["status"] == "wait_validating",
    )
    .await;
    assert!(
        info["validateInfo"].as_str().is_some_and(|p| !p.is_empty()),
        "{info}"
    );
    assert_eq!(
        keys(&info),
        [
            "errorCode",
            "errorMessage",
            "status",
            "taskId",
            "validateInfo"
        ]
    );
    // Not on the voice's record-info.
    let r = get_json(&format!(
        "{base}/api/v1/voice/record-info?taskId={validate}"
    ))
    .await;
    assert_eq!(r["code"], 400, "{r}");
    // Regenerate takes `calBackUrl`, with one "l", and a validate task.
    let (status, v) = post_json(
        &base,
        "/api/v1/voice/regenerate",
        &json!({"taskId": validate, "callBackUrl": cb}),
    )
    .await;
    assert_eq!(status, 400, "{v}");
    assert!(v["msg"].as_str().unwrap().contains("calBackUrl"), "{v}");
    let (status, v) = post_json(
        &base,
        "/api/v1/voice/regenerate",
        &json!({"taskId": "nope", "calBackUrl": cb}),
    )
    .await;
    assert_eq!(status, 400, "{v}");
    let (_, again) = created_and_done(
        &base,
        "/api/v1/voice/regenerate",
        "/api/v1/voice/validate-info",
        json!({"taskId": validate, "calBackUrl": cb}),
        |d| d["status"] == "wait_validating",
    )
    .await;
    assert!(again["validateInfo"].is_string());
    // Generate the voice from the recording, then it is available.
    let (voice_task, voice) = created_and_done(
        &base,
        "/api/v1/voice/generate",
        "/api/v1/voice/record-info",
        json!({"taskId": validate, "verifyUrl": "https://a.invalid/phrase.mp3", "callBackUrl": cb}),
        |d| d["status"] == "success",
    )
    .await;
    assert!(voice["voiceId"].is_string());
    let (_, v) = post_json(
        &base,
        "/api/v1/voice/check-voice",
        &json!({"task_id": voice_task}),
    )
    .await;
    assert_eq!(v["data"]["isAvailable"], true, "{v}");
    // The validate callback carried the phrase and its status.
    callback_where(&rx, |b| {
        b["data"]["taskId"] == json!(validate)
            && b["data"]["status"] == "wait_validating"
            && b["data"]["validateInfo"].is_string()
    })
    .await;
}

/// Issue 28: the provider makes videos of its own finished tracks only; a client bug that
/// passes the wrong ids is refused, saying which ids it has.
#[tokio::test(flavor = "multi_thread")]
async fn a_video_of_a_track_this_server_never_made_is_refused() {
    let (_api, base) = serve_strict(fast()).await;
    let cb = format!("http://127.0.0.1:{}/cb", crate::harness::free_port());
    let (status, v) = create(&base, task_body(&cb, "task_made_up")).await;
    assert_eq!((status, v["code"].as_u64()), (400, Some(400)), "{v}");
    assert!(
        v["msg"]
            .as_str()
            .unwrap()
            .contains("names no music task of this server"),
        "{v}"
    );
    let (_, made) = post_json(
        &base,
        "/api/v1/generate",
        &json!({"customMode": false, "instrumental": false, "model": "V4_5", "prompt": "a song", "callBackUrl": cb}),
    )
    .await;
    let music = made["data"]["taskId"].as_str().unwrap().to_string();
    let (record, _) = poll_music(&base, &music, "SUCCESS").await;
    let track = record["data"]["response"]["sunoData"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let wrong = json!({"taskId": music, "audioId": "not-a-track", "callBackUrl": cb});
    let (_, v) = create(&base, wrong).await;
    assert_eq!(v["code"], 400, "{v}");
    let msg = v["msg"].as_str().unwrap();
    assert!(
        msg.contains("audioId not-a-track is not a finished track") && msg.contains(&track),
        "{v}"
    );
    let right = json!({"taskId": music, "audioId": track, "callBackUrl": cb});
    let (_, v) = create(&base, right).await;
    assert_eq!(v["code"], 200, "{v}");
}
