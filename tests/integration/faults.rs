//! Hostile receivers, written at the TCP level: every fault is classified and reported, the run
//! goes on to the next step, finishes within its deadlines, and reads no more than its cap.

use std::sync::Arc;
use std::time::{Duration, Instant};

use suno_mock::exit;
use suno_mock::sender::{ClientOptions, Sender};
use suno_mock::wire::ErrorClass;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::harness::{policy, prepared, scenario_file, sender, suno};

#[derive(Clone, Copy, Debug)]
enum Fault {
    NeverAnswers,
    TrickleForever,
    ResetMidResponse,
    CloseBeforeStatus,
    MalformedStatus,
    HugeBody,
    RedirectLoop,
    Http10NoLength,
}

/// Reads the request head (enough to know the client sent it).
async fn read_request(s: &mut TcpStream) {
    let mut buf = vec![0u8; 16 * 1024];
    let mut seen = Vec::new();
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
}

async fn serve_fault(fault: Fault) -> String {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = l.accept().await else {
                return;
            };
            tokio::spawn(async move {
                read_request(&mut s).await;
                match fault {
                    Fault::NeverAnswers => tokio::time::sleep(Duration::from_secs(3600)).await,
                    Fault::TrickleForever => {
                        let _ = s
                            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
                            .await;
                        loop {
                            if s.write_all(b"x").await.is_err() {
                                return;
                            }
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    }
                    Fault::ResetMidResponse => {
                        let _ = s
                            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf")
                            .await;
                        let _ = s.set_zero_linger();
                        drop(s);
                    }
                    Fault::CloseBeforeStatus => drop(s),
                    Fault::MalformedStatus => {
                        let _ = s.write_all(b"HTTP/1.1 OK-ISH\r\n\r\n").await;
                    }
                    Fault::HugeBody => {
                        // Announces 2 GB and keeps sending until the client hangs up.
                        let _ = s
                            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2147483648\r\n\r\n")
                            .await;
                        let chunk = vec![b'x'; 64 * 1024];
                        while s.write_all(&chunk).await.is_ok() {}
                    }
                    Fault::RedirectLoop => {
                        let resp = format!(
                            "HTTP/1.1 302 Found\r\nLocation: http://{addr}/callback\r\nContent-Length: 0\r\n\r\n"
                        );
                        let _ = s.write_all(resp.as_bytes()).await;
                    }
                    Fault::Http10NoLength => {
                        let _ = s
                            .write_all(b"HTTP/1.0 200 OK\r\n\r\n{\"status\":\"received\"}")
                            .await;
                    }
                }
            });
        }
    });
    format!("http://{addr}/callback")
}

async fn one_attempt(fault: Fault, timeout_ms: u64) -> (suno_mock::outcome::Attempt, Duration) {
    let url = serve_fault(fault).await;
    let start = Instant::now();
    let a = sender()
        .deliver(&prepared(&url, "{}"), &policy(timeout_ms, 0, 1))
        .await;
    (a[0].clone(), start.elapsed())
}

#[tokio::test(flavor = "multi_thread")]
async fn each_fault_is_classified_within_the_deadline() {
    let cases = [
        (Fault::NeverAnswers, ErrorClass::Timeout, true),
        (Fault::TrickleForever, ErrorClass::Timeout, true),
        (Fault::ResetMidResponse, ErrorClass::Reset, true),
        (Fault::CloseBeforeStatus, ErrorClass::Closed, true),
        (Fault::MalformedStatus, ErrorClass::Protocol, true),
        (Fault::HugeBody, ErrorClass::BodyTooLarge, false),
        (Fault::RedirectLoop, ErrorClass::Redirect, false),
    ];
    for (fault, class, ambiguous) in cases {
        let (a, took) = one_attempt(fault, 800).await;
        assert_eq!(a.error, Some(class), "{fault:?}: {a:?}");
        assert_eq!(a.ambiguous, ambiguous, "{fault:?}");
        assert!(!a.accepted, "{fault:?}");
        assert!(
            a.message.as_deref().is_some_and(|m| !m.is_empty()),
            "{fault:?} has a message"
        );
        assert!(
            took < Duration::from_millis(2000),
            "{fault:?} took {took:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn http_1_0_without_length_is_read_to_the_close_and_accepted() {
    let (a, _) = one_attempt(Fault::Http10NoLength, 2000).await;
    assert_eq!(a.status, Some(200));
    assert!(a.accepted);
    assert_eq!(a.body.as_deref(), Some("{\"status\":\"received\"}"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_2gb_answer_is_read_only_up_to_the_cap() {
    let (a, took) = one_attempt(Fault::HugeBody, 5000).await;
    assert_eq!(a.error, Some(ErrorClass::BodyTooLarge));
    assert_eq!(a.status, Some(200));
    // 2 GB over loopback takes seconds; stopping at 64 KiB takes milliseconds.
    assert!(took < Duration::from_millis(1000), "{took:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_run_goes_on_after_a_fault_and_exits_1() {
    let url = serve_fault(Fault::NeverAnswers).await;
    let dir = tempfile::tempdir().unwrap();
    let f = scenario_file(
        &dir,
        "two.yaml",
        "name: two steps\nsender: { timeout: 300ms, retries: 1, retry_delays: [10ms] }\nsteps:\n  - deliver: success\n    expect: { status: 200 }\n  - deliver: failure\n    expect: { status: 200 }\n",
    );
    let start = Instant::now();
    let out = suno(&["run", &f, "--receiver", &url, "--format", "json"]).await;
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "bounded by the deadlines: {:?}",
        start.elapsed()
    );
    assert_eq!(out.code, exit::FAILED);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let steps = v["scenarios"][0]["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2);
    for s in steps {
        let attempts = s["deliveries"][0]["attempts"].as_array().unwrap();
        assert_eq!(attempts.len(), 2);
        assert!(
            attempts
                .iter()
                .all(|a| a["error"] == "timeout" && a["ambiguous"] == true)
        );
    }
}

fn self_signed() -> (
    Vec<tokio_rustls::rustls::pki_types::CertificateDer<'static>>,
    tokio_rustls::rustls::pki_types::PrivateKeyDer<'static>,
) {
    let cert =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()]).unwrap();
    let key = tokio_rustls::rustls::pki_types::PrivateKeyDer::Pkcs8(
        cert.signing_key.serialize_der().into(),
    );
    (vec![cert.cert.der().clone()], key)
}

async fn tls_receiver() -> String {
    let (certs, key) = self_signed();
    let cfg = tokio_rustls::rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(cfg));
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((s, _)) = l.accept().await else { return };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(s).await {
                    let mut buf = vec![0u8; 8192];
                    let _ = tls.read(&mut buf).await;
                    let _ = tls
                        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                        .await;
                    let _ = tls.shutdown().await;
                }
            });
        }
    });
    format!("https://{addr}/callback")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_certificate_is_refused_unless_insecure() {
    let url = tls_receiver().await;
    let strict = sender()
        .deliver(&prepared(&url, "{}"), &policy(2000, 0, 1))
        .await;
    assert_eq!(strict[0].error, Some(ErrorClass::Tls), "{:?}", strict[0]);
    assert!(
        !strict[0].ambiguous,
        "nothing was sent before the handshake failed"
    );
    let insecure = Sender::new(&ClientOptions {
        insecure: true,
        ..Default::default()
    })
    .unwrap();
    let ok = insecure
        .deliver(&prepared(&url, "{}"), &policy(2000, 0, 1))
        .await;
    assert_eq!(ok[0].status, Some(200), "{:?}", ok[0]);
    let out = suno(&["send", "success", "--receiver", &url, "--insecure"]).await;
    assert_eq!(out.code, exit::SUCCESS, "{}", out.stderr);
    assert!(
        out.stderr.contains("NOT verified"),
        "--insecure is loud: {}",
        out.stderr
    );
    let out = suno(&["send", "success", "--receiver", &url, "--retries", "0"]).await;
    assert_eq!(out.code, exit::FAILED);
    assert!(out.stdout.contains("tls"), "{}", out.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_copies_are_each_accounted_for_once() {
    let url = serve_fault(Fault::Http10NoLength).await;
    let out = suno(&[
        "send",
        "success",
        "--receiver",
        &url,
        "--copies",
        "6",
        "--concurrent",
        "--format",
        "json",
    ])
    .await;
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let ds = v["scenarios"][0]["steps"][0]["deliveries"]
        .as_array()
        .unwrap();
    let copies: Vec<u64> = ds.iter().map(|d| d["copy"].as_u64().unwrap()).collect();
    assert_eq!(copies, [1, 2, 3, 4, 5, 6]);
    assert_eq!(v["summary"]["deliveries"], 6);
}

#[tokio::test(flavor = "multi_thread")]
async fn send_fails_on_a_200_whose_body_overflows_the_cap() {
    let url = serve_fault(Fault::HugeBody).await;
    let out = suno(&["send", "success", "--receiver", &url, "--retries", "0"]).await;
    assert_eq!(out.code, exit::FAILED, "{}", out.stdout);
    assert!(
        out.stdout.contains("reading stopped there"),
        "{}",
        out.stdout
    );
}
