//! The emulated provider against wiremock receivers: statuses, deadline, retries, redirects,
//! transport errors and body caps, each classified.

use std::time::{Duration, Instant};

use suno_mock::wire::{ErrorClass, signing};
use wiremock::matchers::{header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::harness::{policy, prepared, sender};

async fn receiver(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cb"))
        .respond_with(ResponseTemplate::new(status))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn success_is_one_accepted_attempt_with_the_documented_request() {
    let server = receiver(200).await;
    let body = r#"{"code":200,"msg":"success","data":{"task_id":"t","video_url":"http://v"}}"#;
    let attempts = sender()
        .deliver(
            &prepared(&format!("{}/cb", server.uri()), body),
            &policy(2000, 3, 10),
        )
        .await;
    assert_eq!(attempts.len(), 1);
    assert!(attempts[0].accepted);
    assert_eq!(attempts[0].status, Some(200));
    let got = server.received_requests().await.unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].method.as_str(), "POST");
    assert_eq!(
        got[0].headers.get("content-type").unwrap(),
        "application/json"
    );
    assert_eq!(got[0].body, body.as_bytes());
}

#[tokio::test]
async fn only_200_is_accepted_and_every_other_status_is_retried() {
    for status in [202, 204, 400, 451, 500] {
        let server = receiver(status).await;
        let attempts = sender()
            .deliver(
                &prepared(&format!("{}/cb", server.uri()), "{}"),
                &policy(2000, 3, 1),
            )
            .await;
        assert_eq!(attempts.len(), 4, "status {status}: 1 attempt + 3 retries");
        assert!(
            attempts
                .iter()
                .all(|a| !a.accepted && a.error == Some(ErrorClass::Status))
        );
        assert_eq!(server.received_requests().await.unwrap().len(), 4);
    }
}

#[tokio::test]
async fn fail_then_succeed_stops_retrying_at_the_first_200() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .with_priority(2)
        .mount(&server)
        .await;
    let attempts = sender()
        .deliver(&prepared(&server.uri(), "{}"), &policy(2000, 3, 1))
        .await;
    let statuses: Vec<_> = attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(503), Some(503), Some(200)]);
    assert_eq!(
        attempts.iter().map(|a| a.number).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn retry_delays_are_honoured() {
    let server = receiver(500).await;
    let attempts = sender()
        .deliver(&prepared(&server.uri(), "{}"), &policy(2000, 2, 150))
        .await;
    let gap = attempts[1].at_ms - (attempts[0].at_ms + attempts[0].duration_ms);
    assert!(gap >= 150.0, "waited {gap}ms before the retry");
}

#[tokio::test]
async fn a_receiver_slower_than_the_deadline_is_cut_off_and_marked_ambiguous() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let start = Instant::now();
    let attempts = sender()
        .deliver(&prepared(&server.uri(), "{}"), &policy(300, 0, 1))
        .await;
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "the deadline held: {:?}",
        start.elapsed()
    );
    assert_eq!(attempts[0].error, Some(ErrorClass::Timeout));
    assert!(
        attempts[0].ambiguous,
        "the request went out; the receiver may have processed it"
    );
    assert!(attempts[0].message.as_deref().unwrap().contains("300ms"));
}

#[tokio::test]
async fn redirects_are_never_followed_and_report_their_location() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cb"))
        .respond_with(
            ResponseTemplate::new(301).insert_header("Location", "http://127.0.0.1:9/elsewhere"),
        )
        .mount(&server)
        .await;
    let attempts = sender()
        .deliver(
            &prepared(&format!("{}/cb", server.uri()), "{}"),
            &policy(2000, 0, 1),
        )
        .await;
    assert_eq!(attempts[0].error, Some(ErrorClass::Redirect));
    assert_eq!(
        attempts[0].location.as_deref(),
        Some("http://127.0.0.1:9/elsewhere")
    );
    assert!(!attempts[0].ambiguous);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_classified_and_not_ambiguous() {
    // Bind and drop: nothing listens on the port afterwards.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let attempts = sender()
        .deliver(
            &prepared(&format!("http://127.0.0.1:{port}/cb"), "{}"),
            &policy(2000, 1, 1),
        )
        .await;
    assert_eq!(attempts.len(), 2);
    assert!(
        attempts
            .iter()
            .all(|a| a.error == Some(ErrorClass::Refused) && !a.ambiguous),
        "{attempts:?}"
    );
}

#[tokio::test]
async fn an_oversized_answer_is_read_up_to_the_cap_only() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 1024 * 1024]))
        .mount(&server)
        .await;
    let mut p = policy(2000, 0, 1);
    p.body_cap = 64 * 1024;
    let attempts = sender().deliver(&prepared(&server.uri(), "{}"), &p).await;
    assert_eq!(attempts[0].error, Some(ErrorClass::BodyTooLarge));
    assert_eq!(attempts[0].status, Some(200));
    assert!(!attempts[0].accepted);
    assert!(
        attempts[0].body.as_ref().unwrap().len() <= 512,
        "only an excerpt is kept"
    );
}

#[tokio::test]
async fn signing_adds_a_fresh_verifiable_signature_to_every_attempt() {
    let server = receiver(500).await;
    let s = suno_mock::sender::Sender::new(&suno_mock::sender::ClientOptions {
        hmac_key: Some("k3y".into()),
        ..Default::default()
    })
    .unwrap();
    let attempts = s
        .deliver(&prepared(&server.uri(), "{}"), &policy(2000, 1, 1))
        .await;
    assert!(attempts.iter().all(|a| a.signed_at.is_some()));
    for req in server.received_requests().await.unwrap() {
        let ts = req
            .headers
            .get(signing::TIMESTAMP_HEADER)
            .unwrap()
            .to_str()
            .unwrap();
        let sig = req
            .headers
            .get(signing::SIGNATURE_HEADER)
            .unwrap()
            .to_str()
            .unwrap();
        signing::verify("k3y", "task_test", ts, sig, signing::unix_now(), 300)
            .expect("valid signature");
    }
}

#[tokio::test]
async fn unsigned_variant_sends_no_signature() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header_exists(signing::SIGNATURE_HEADER))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let s = suno_mock::sender::Sender::new(&suno_mock::sender::ClientOptions {
        hmac_key: Some("k3y".into()),
        ..Default::default()
    })
    .unwrap();
    let mut p = prepared(&server.uri(), "{}");
    p.auth = suno_mock::wire::Auth::Unsigned;
    let attempts = s.deliver(&p, &policy(2000, 0, 1)).await;
    assert_eq!(
        attempts[0].status,
        Some(404),
        "wiremock matched nothing: no signature header"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_reported_request_is_the_one_the_receiver_got_header_for_header() {
    let server = receiver(200).await;
    let dir = tempfile::tempdir().unwrap();
    let file = crate::harness::scenario_file(
        &dir,
        "s.yaml",
        "name: s\nsteps:\n  - deliver: success\n    headers: {X-Extra: one}\n    expect: {status: 200}\n",
    );
    let json = dir.path().join("r.json");
    let out = crate::harness::suno(&[
        "run",
        &file,
        "--receiver",
        &format!("{}/cb", server.uri()),
        "--hmac-key",
        "k",
        "--report-json",
        json.to_str().unwrap(),
    ])
    .await;
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let reported: std::collections::BTreeMap<String, String> =
        report["scenarios"][0]["steps"][0]["deliveries"][0]["request"]["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h[0].as_str().unwrap().to_ascii_lowercase(),
                    h[1].as_str().unwrap().to_string(),
                )
            })
            .collect();
    let got = &server.received_requests().await.unwrap()[0];
    let wire: std::collections::BTreeMap<String, String> = got
        .headers
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap().to_string()))
        .collect();
    assert_eq!(reported, wire);
}
