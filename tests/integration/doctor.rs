//! `suno-mock doctor URL` (issue 22): every check seen to pass and to fail on a case built for
//! it. Certificates are made here (a CA, an intermediate, leaves good and bad); servers are
//! the built-in receiver over TLS and wiremock, on loopback. Anything that hands the tool a
//! private or public address runs inside a network namespace of its own (`unshare -n`) that
//! has no route out, so nothing can leave this machine even if the code were wrong.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DnType, IsCa, Issuer, KeyPair,
    date_time_ymd,
};
use serde_json::Value;

use crate::harness::{Out, answering_with, suno};

/// The Authority Information Access extension, naming where the issuer's certificate is (as a
/// public CA writes it into every certificate it issues from an intermediate). Nothing
/// fetches it.
fn aia(uri: &str) -> CustomExtension {
    let mut inner = vec![0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];
    inner.extend([0x86, uri.len() as u8]);
    inner.extend(uri.as_bytes());
    let mut ad = vec![0x30, inner.len() as u8];
    ad.extend(inner);
    let mut seq = vec![0x30, ad.len() as u8];
    seq.extend(ad);
    CustomExtension::from_oid_content(&[1, 3, 6, 1, 5, 5, 7, 1, 1], seq)
}

/// A CA, an intermediate under it, and leaves made to order, as PEM files in a folder.
struct Pki {
    dir: tempfile::TempDir,
    ca: Issuer<'static, KeyPair>,
    intermediate: Issuer<'static, KeyPair>,
    intermediate_pem: String,
}

#[derive(Clone, Copy, PartialEq)]
enum From {
    Ca,
    Intermediate,
}

struct Leaf<'a> {
    names: &'a [&'a str],
    from: From,
    /// Seconds since the epoch.
    not_before: u64,
    not_after: u64,
    /// The chain file holds the intermediate after the leaf.
    with_intermediate: bool,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

const DAY: u64 = 86_400;

impl Leaf<'_> {
    fn good(names: &[&'static str]) -> Leaf<'static> {
        let names: &'static [&'static str] = Box::leak(names.to_vec().into_boxed_slice());
        Leaf {
            names,
            from: From::Ca,
            not_before: now() - DAY,
            not_after: now() + 90 * DAY,
            with_intermediate: false,
        }
    }
}

fn ca_params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.distinguished_name.push(DnType::CommonName, cn);
    p
}

impl Pki {
    fn new() -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let ca_key = KeyPair::generate().unwrap();
        let ca_p = ca_params("suno-mock test root CA");
        let ca_cert = ca_p.self_signed(&ca_key).unwrap();
        std::fs::write(dir.path().join("ca.pem"), ca_cert.pem()).unwrap();
        let ca = Issuer::new(ca_p, ca_key);
        let int_key = KeyPair::generate().unwrap();
        let int_p = ca_params("suno-mock test intermediate");
        let int_cert = int_p.signed_by(&int_key, &ca).unwrap();
        let intermediate = Issuer::new(int_p, int_key);
        Pki {
            dir,
            ca,
            intermediate,
            intermediate_pem: int_cert.pem(),
        }
    }

    fn ca_pem(&self) -> String {
        self.dir.path().join("ca.pem").display().to_string()
    }

    /// Writes `name.pem` (the chain the server sends) and `name.key`.
    fn leaf(&self, name: &str, l: &Leaf<'_>) -> (PathBuf, PathBuf) {
        let key = KeyPair::generate().unwrap();
        let mut p =
            CertificateParams::new(l.names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        p.distinguished_name.push(DnType::CommonName, l.names[0]);
        p.is_ca = IsCa::ExplicitNoCa;
        let epoch = date_time_ymd(1970, 1, 1);
        p.not_before = epoch + Duration::from_secs(l.not_before);
        p.not_after = epoch + Duration::from_secs(l.not_after);
        if l.from == From::Intermediate {
            p.custom_extensions
                .push(aia("http://ca.invalid/suno-mock-intermediate.crt"));
        }
        let cert = match l.from {
            From::Ca => p.signed_by(&key, &self.ca),
            From::Intermediate => p.signed_by(&key, &self.intermediate),
        }
        .unwrap();
        let mut chain = cert.pem();
        if l.with_intermediate {
            chain.push_str(&self.intermediate_pem);
        }
        let (c, k) = (
            self.dir.path().join(format!("{name}.pem")),
            self.dir.path().join(format!("{name}.key")),
        );
        std::fs::write(&c, chain).unwrap();
        std::fs::write(&k, key.serialize_pem()).unwrap();
        (c, k)
    }
}

/// The built-in receiver over TLS with this chain and key, on a loopback port of its own.
async fn tls_receiver(cert: &Path, key: &Path) -> suno_mock::receiver::RunningReceiver {
    let tls = suno_mock::http_server::tls_config(cert, key).unwrap();
    suno_mock::receiver::start_on(
        suno_mock::receiver::ReceiverConfig::default(),
        ([127, 0, 0, 1], 0).into(),
        Some(tls),
    )
    .await
    .unwrap()
}

/// `doctor` with `--format json`; the report and the exit status.
async fn doctor(args: &[&str]) -> (Value, Out) {
    let mut all = vec!["doctor", "--format", "json"];
    all.extend_from_slice(args);
    let out = suno(&all).await;
    let v: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", out.stdout, out.stderr));
    (v, out)
}

/// The verdict and fact of check `id`.
fn check<'a>(report: &'a Value, id: &str) -> (&'a str, &'a str) {
    let c = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {report:#}"));
    (c["verdict"].as_str().unwrap(), c["fact"].as_str().unwrap())
}

fn https_url(r: &suno_mock::receiver::RunningReceiver) -> String {
    format!("https://localhost:{}/callback", r.server.addr.port())
}

#[tokio::test]
async fn a_leaf_of_a_trusted_ca_passes_every_tls_check_and_the_callback_is_answered() {
    let pki = Pki::new();
    let (c, k) = pki.leaf("good", &Leaf::good(&["localhost", "127.0.0.1"]));
    let r = tls_receiver(&c, &k).await;
    let (rep, out) = doctor(&[&https_url(&r), "--ca-cert", &pki.ca_pem()]).await;
    for id in [
        "https",
        "url-form",
        "resolve",
        "connect",
        "tls-handshake",
        "tls-chain",
        "tls-name",
        "tls-dates",
        "answer",
        "answer-time",
    ] {
        assert_eq!(check(&rep, id).0, "pass", "{id}: {rep:#}");
    }
    let (v, fact) = check(&rep, "tls-handshake");
    assert!(
        fact.starts_with("TLS 1.3") || fact.starts_with("TLS 1.2"),
        "{v} {fact}"
    );
    assert!(check(&rep, "tls-dates").1.contains("days left"));
    // The only fail: loopback is not where the provider can reach.
    assert_eq!(check(&rep, "public").0, "fail");
    assert!(
        check(&rep, "public")
            .1
            .contains("the provider cannot reach 127.0.0.1")
    );
    assert_eq!(out.code, 1);
    assert_eq!(rep["summary"]["fail"], 1);
    assert_eq!(rep["command"], "doctor");
    assert_eq!(rep["exit_code"], 1);
    // The callback sent was a failure for a task id of doctor's own, which the receiver kept.
    let task = rep["task_id"].as_str().unwrap();
    assert!(task.starts_with("doctor-"), "{task}");
    assert!(check(&rep, "answer").1.contains(task));
    assert!(r.record(task).is_some(), "the receiver never got {task}");
}

#[tokio::test]
async fn the_same_leaf_without_its_ca_is_untrusted_and_nothing_is_sent() {
    let pki = Pki::new();
    let (c, k) = pki.leaf("good", &Leaf::good(&["localhost", "127.0.0.1"]));
    let r = tls_receiver(&c, &k).await;
    let (rep, out) = doctor(&[&https_url(&r)]).await;
    let (v, fact) = check(&rep, "tls-chain");
    assert_eq!(v, "fail");
    assert!(
        fact.contains("suno-mock test root CA") && fact.contains("not a trusted root"),
        "{fact}"
    );
    // Name and dates are judged on their own: they are fine.
    assert_eq!(check(&rep, "tls-name").0, "pass");
    assert_eq!(check(&rep, "tls-dates").0, "pass");
    assert_eq!(check(&rep, "answer").0, "skip");
    assert_eq!(out.code, 1);
    assert!(r.record(rep["task_id"].as_str().unwrap()).is_none());
}

#[tokio::test]
async fn an_expired_leaf_fails_the_dates_alone() {
    let pki = Pki::new();
    let mut l = Leaf::good(&["localhost"]);
    l.not_before = now() - 400 * DAY;
    l.not_after = now() - 35 * DAY;
    let (c, k) = pki.leaf("expired", &l);
    let r = tls_receiver(&c, &k).await;
    let (rep, _) = doctor(&[&https_url(&r), "--ca-cert", &pki.ca_pem()]).await;
    let (v, fact) = check(&rep, "tls-dates");
    assert_eq!(v, "fail");
    assert!(
        fact.starts_with("expired on") && fact.contains("35 days ago"),
        "{fact}"
    );
    assert_eq!(check(&rep, "tls-chain").0, "pass");
    assert_eq!(check(&rep, "tls-name").0, "pass");
}

#[tokio::test]
async fn a_leaf_that_expires_within_two_weeks_warns_and_one_not_valid_yet_fails() {
    let pki = Pki::new();
    let mut soon = Leaf::good(&["localhost"]);
    soon.not_after = now() + 5 * DAY + 3600;
    let (c, k) = pki.leaf("soon", &soon);
    let r = tls_receiver(&c, &k).await;
    let (rep, _) = doctor(&[&https_url(&r), "--ca-cert", &pki.ca_pem()]).await;
    let (v, fact) = check(&rep, "tls-dates");
    assert_eq!((v, fact.contains("in 5 days")), ("warn", true), "{fact}");

    let mut later = Leaf::good(&["localhost"]);
    later.not_before = now() + 3 * DAY;
    let (c, k) = pki.leaf("later", &later);
    let r = tls_receiver(&c, &k).await;
    let (rep, _) = doctor(&[&https_url(&r), "--ca-cert", &pki.ca_pem()]).await;
    let (v, fact) = check(&rep, "tls-dates");
    assert_eq!(
        (v, fact.starts_with("not valid yet")),
        ("fail", true),
        "{fact}"
    );
}

#[tokio::test]
async fn a_leaf_for_another_host_fails_the_name_and_says_which_names_it_has() {
    let pki = Pki::new();
    let (c, k) = pki.leaf("other", &Leaf::good(&["hooks.example.com"]));
    let r = tls_receiver(&c, &k).await;
    let (rep, _) = doctor(&[&https_url(&r), "--ca-cert", &pki.ca_pem()]).await;
    let (v, fact) = check(&rep, "tls-name");
    assert_eq!(v, "fail");
    assert_eq!(
        fact,
        "the certificate is for hooks.example.com, not localhost"
    );
    assert_eq!(check(&rep, "tls-chain").0, "pass");
}

#[tokio::test]
async fn a_leaf_served_without_its_intermediate_is_named_as_the_missing_intermediate() {
    let pki = Pki::new();
    let mut l = Leaf::good(&["localhost"]);
    l.from = From::Intermediate;
    let (c, k) = pki.leaf("bare", &l);
    let r = tls_receiver(&c, &k).await;
    let (rep, _) = doctor(&[&https_url(&r), "--ca-cert", &pki.ca_pem()]).await;
    let (v, fact) = check(&rep, "tls-chain");
    assert_eq!(v, "fail");
    assert!(
        fact.starts_with("missing intermediate:") && fact.contains("suno-mock test intermediate"),
        "{fact}"
    );

    // The same leaf with its intermediate sent passes.
    l.with_intermediate = true;
    let (c, k) = pki.leaf("full", &l);
    let r = tls_receiver(&c, &k).await;
    let (rep, _) = doctor(&[&https_url(&r), "--ca-cert", &pki.ca_pem()]).await;
    let (v, fact) = check(&rep, "tls-chain");
    assert_eq!(v, "pass", "{fact}");
    assert!(fact.starts_with("2 certificates sent"), "{fact}");
}

#[tokio::test]
async fn a_self_signed_certificate_is_called_self_signed() {
    let dir = tempfile::tempdir().unwrap();
    let key = KeyPair::generate().unwrap();
    let mut p = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    p.distinguished_name.push(DnType::CommonName, "localhost");
    let cert = p.self_signed(&key).unwrap();
    let (c, k) = (dir.path().join("c.pem"), dir.path().join("k.pem"));
    std::fs::write(&c, cert.pem()).unwrap();
    std::fs::write(&k, key.serialize_pem()).unwrap();
    let r = tls_receiver(&c, &k).await;
    let (rep, _) = doctor(&[&https_url(&r)]).await;
    let (v, fact) = check(&rep, "tls-chain");
    assert_eq!(
        (v, fact.starts_with("self-signed")),
        ("fail", true),
        "{fact}"
    );
}

#[tokio::test]
async fn an_https_url_on_a_plain_http_port_fails_the_handshake_in_words() {
    let r = crate::harness::builtin_receiver(&suno_mock::receiver::ReceiverConfig::default()).await;
    let url = format!("https://127.0.0.1:{}/callback", r.server.addr.port());
    let (rep, out) = doctor(&[&url, "--timeout", "3s"]).await;
    let (v, fact) = check(&rep, "tls-handshake");
    assert_eq!(v, "fail");
    assert!(fact.contains("plain HTTP"), "{fact}");
    assert_eq!(check(&rep, "tls-chain").0, "skip");
    assert_eq!(check(&rep, "answer").0, "skip");
    assert_eq!(out.code, 1);
}

#[tokio::test]
async fn an_http_url_warns_and_has_no_tls_lines() {
    let r = crate::harness::builtin_receiver(&suno_mock::receiver::ReceiverConfig::default()).await;
    let url = format!("{}/callback", r.server.url());
    let (rep, _) = doctor(&[&url]).await;
    let (v, fact) = check(&rep, "https");
    assert_eq!(v, "warn");
    assert!(
        fact.contains("the URL you give the provider must be https"),
        "{fact}"
    );
    assert!(
        !rep["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"].as_str().unwrap().starts_with("tls-"))
    );
    assert_eq!(check(&rep, "answer").0, "pass");
}

#[tokio::test]
async fn the_url_form_warns_on_credentials_a_bare_root_and_a_fragment_never_printing_the_password()
{
    let r = crate::harness::builtin_receiver(&suno_mock::receiver::ReceiverConfig::default()).await;
    let url = format!(
        "http://admin:PASSWORD-XYZ@127.0.0.1:{}/#frag",
        r.server.addr.port()
    );
    let (rep, out) = doctor(&[&url, "--no-send"]).await;
    let (v, fact) = check(&rep, "url-form");
    assert_eq!(v, "warn");
    for part in ["user name and password", "no path", "#frag"] {
        assert!(fact.contains(part), "{part}: {fact}");
    }
    assert!(!out.stdout.contains("PASSWORD-XYZ"), "{}", out.stdout);
    assert_eq!(check(&rep, "answer").0, "skip");
    assert_eq!(check(&rep, "connect").0, "pass");
}

#[tokio::test]
async fn each_refusal_of_the_callback_is_explained() {
    let cases: Vec<(wiremock::ResponseTemplate, &str, &str)> = vec![
        (
            wiremock::ResponseTemplate::new(302)
                .insert_header("Location", "https://hooks.invalid/final"),
            "fail",
            "does not follow redirects (this one goes to https://hooks.invalid/final)",
        ),
        (
            wiremock::ResponseTemplate::new(404),
            "fail",
            "nothing answers POST at /callback",
        ),
        (
            wiremock::ResponseTemplate::new(405),
            "fail",
            "/callback exists but does not take POST",
        ),
        (wiremock::ResponseTemplate::new(401), "fail", "--hmac-key"),
        (
            wiremock::ResponseTemplate::new(403),
            "fail",
            "--token-param",
        ),
        (
            wiremock::ResponseTemplate::new(500),
            "fail",
            "200 to every callback you can parse, failures included",
        ),
        (
            wiremock::ResponseTemplate::new(204),
            "fail",
            "counts 204 as a failed delivery",
        ),
    ];
    for (answer, verdict, advice) in cases {
        let server = answering_with(answer).await;
        let url = format!("{}/callback", server.uri());
        let (rep, _) = doctor(&[&url]).await;
        let c = rep["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "answer")
            .unwrap();
        assert_eq!(c["verdict"], verdict, "{c:#}");
        assert!(
            c["advice"].as_str().unwrap_or_default().contains(advice),
            "{advice}: {c:#}"
        );
        // Exactly one POST went out: no redirect followed, no retry.
        let got = server.received_requests().await.unwrap();
        assert_eq!(got.len(), 1, "{c:#}");
        assert_eq!(got[0].method.as_str(), "POST");
        let body: Value = serde_json::from_slice(&got[0].body).unwrap();
        assert_eq!(body["code"], 500, "{body}");
        assert!(
            body["data"]["task_id"]
                .as_str()
                .unwrap()
                .starts_with("doctor-")
        );
    }
}

#[tokio::test]
async fn a_receiver_slower_than_the_deadline_fails_answer_and_time() {
    let server =
        answering_with(wiremock::ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
            .await;
    let url = format!("{}/callback", server.uri());
    let (rep, out) = doctor(&[&url, "--timeout", "1s"]).await;
    let (v, fact) = check(&rep, "answer");
    assert_eq!(v, "fail");
    assert!(
        fact.starts_with("no answer to a video failure callback"),
        "{fact}"
    );
    assert!(fact.ends_with("within 1s"), "{fact}");
    assert_eq!(
        check(&rep, "answer-time"),
        ("fail", "1s passed without an answer")
    );
    assert_eq!(out.code, 1);
}

#[tokio::test]
async fn secrets_on_the_command_line_never_appear_and_the_callback_is_signed() {
    let cfg = suno_mock::receiver::ReceiverConfig {
        hmac_key: Some("HMAC-KEY-SECRET".into()),
        token: Some(("token".into(), "TOKEN-SECRET".into())),
        ..Default::default()
    };
    let r = crate::harness::builtin_receiver(&cfg).await;
    let url = format!("{}/callback?token=TOKEN-SECRET", r.server.url());
    for format in ["human", "json"] {
        let out = suno(&[
            "doctor",
            &url,
            "--hmac-key",
            "HMAC-KEY-SECRET",
            "--token-param",
            "token",
            "--format",
            format,
        ])
        .await;
        let all = format!("{}{}", out.stdout, out.stderr);
        assert!(
            !all.contains("TOKEN-SECRET") && !all.contains("HMAC-KEY-SECRET"),
            "{all}"
        );
        assert!(all.contains("token=***"), "{all}");
        assert!(all.contains("answered 200"), "{all}");
    }
    // Unsigned, the same receiver refuses, and doctor says how to sign.
    let (rep, _) = doctor(&[&url, "--token-param", "token"]).await;
    let (v, fact) = check(&rep, "answer");
    assert_eq!(
        (v, fact.starts_with("answered 401")),
        ("fail", true),
        "{fact}"
    );
}

#[tokio::test]
async fn usage_errors_exit_2_with_the_reason() {
    for (args, says) in [
        (vec!["doctor", "ftp://example.com/cb"], "http or https"),
        (vec!["doctor", "not a url"], "is not a URL"),
        (
            vec![
                "doctor",
                "https://example.com/cb",
                "--ca-cert",
                "/nonexistent.pem",
            ],
            "--ca-cert /nonexistent.pem",
        ),
        (
            vec![
                "doctor",
                "https://example.com/cb",
                "--resolve",
                "example.com",
            ],
            "write HOST:ADDR",
        ),
    ] {
        let out = suno(&args).await;
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
    }
}

/// Runs `script` under bash in a network namespace of its own: only its loopback interface,
/// up, with `addrs` added to it, and no route anywhere else. `$BIN` is the binary, `$DIR` a
/// folder of this test's. Prints what the script printed.
fn in_sealed_namespace(script: &str, addrs: &[&str], dir: &Path) -> std::process::Output {
    let mut setup = String::from("set -e\nip link set lo up\n");
    for a in addrs {
        setup.push_str(&format!("ip addr add {a} dev lo\n"));
    }
    // Connections this namespace opened (TCP ActiveOpens) and datagrams it sent: to show that
    // something was, or was not, attempted.
    setup.push_str(
        "opens() { awk '/^Tcp:/ { n++; if (n == 2) print $6 }' /proc/net/snmp; }\n\
         sent() { awk '/^Udp:/ { n++; if (n == 2) print $5 }' /proc/net/snmp; }\n\
         set +e\n",
    );
    // A bound on the whole script, so a server it forgot to stop fails the test, not hangs it.
    let out = std::process::Command::new("timeout")
        .args([
            "120",
            "unshare",
            "-n",
            "bash",
            "-c",
            &format!("{setup}{script}"),
        ])
        .env("BIN", env!("CARGO_BIN_EXE_suno-mock"))
        .env("DIR", dir)
        .env("NO_COLOR", "1")
        .env_remove("SUNO_MOCK_HMAC_KEY")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("unshare runs (the tests run as root)");
    assert!(
        out.status.success(),
        "the namespace script failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn a_private_address_is_reported_without_a_single_connection_attempt() {
    let dir = tempfile::tempdir().unwrap();
    let out = in_sealed_namespace(
        r#"
        before=$(opens); udp=$(sent)
        "$BIN" doctor https://10.20.30.40/callback --format json > "$DIR/literal.json"; echo "literal exit $?"
        "$BIN" doctor https://hooks.internal.test/callback --resolve hooks.internal.test:192.168.7.8             --resolve hooks.internal.test:100.64.1.2 --format json > "$DIR/named.json"; echo "named exit $?"
        echo "opened $(( $(opens) - before )) connections, sent $(( $(sent) - udp )) datagrams"
        "#,
        &[],
        dir.path(),
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("literal exit 1"), "{printed}");
    assert!(printed.contains("named exit 1"), "{printed}");
    assert!(
        printed.contains("opened 0 connections, sent 0 datagrams"),
        "{printed}"
    );
    let literal: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("literal.json")).unwrap())
            .unwrap();
    let (v, fact) = check(&literal, "public");
    assert_eq!(v, "fail");
    assert!(
        fact.contains("the provider cannot reach 10.20.30.40 (private"),
        "{fact}"
    );
    let named: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("named.json")).unwrap())
            .unwrap();
    assert!(
        check(&named, "resolve")
            .1
            .contains("192.168.7.8 and 100.64.1.2")
    );
    let (_, fact) = check(&named, "public");
    assert!(
        fact.contains("the provider cannot reach 192.168.7.8 (private"),
        "{fact}"
    );
    assert!(
        fact.contains("the provider cannot reach 100.64.1.2 (carrier-grade NAT"),
        "{fact}"
    );
    for rep in [&literal, &named] {
        let c = rep["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "connect")
            .unwrap();
        assert_eq!(c["verdict"], "skip");
        assert!(c["advice"].as_str().unwrap().contains("--allow-private"));
        assert_eq!(check(rep, "answer").0, "skip");
    }
}

#[test]
fn allow_private_goes_on_and_a_public_address_that_passes_everything_exits_0() {
    let pki = Pki::new();
    let (c, k) = pki.leaf("hooks", &Leaf::good(&["hooks.example.com"]));
    let dir = tempfile::tempdir().unwrap();
    // 10.77.0.1 stands for a private address and 198.41.0.77 for a public one; both live on
    // this namespace's loopback interface, so a packet to either never leaves it.
    let script = format!(
        r#"
        exec 3< <(exec "$BIN" receiver --listen 10.77.0.1:8080 2>/dev/null); p1=$!
        read -r -u 3 line; echo "private: $line"
        exec 4< <(exec "$BIN" receiver --listen 198.41.0.77:443 --tls-cert {c} --tls-key {k} 2>/dev/null); p2=$!
        read -r -u 4 line; echo "public: $line"
        "$BIN" doctor http://10.77.0.1:8080/callback --allow-private --format json > "$DIR/private.json"; echo "private exit $?"
        "$BIN" doctor https://hooks.example.com/callback --resolve hooks.example.com:198.41.0.77             --ca-cert {ca} > "$DIR/public.txt"; echo "public exit $?"
        "$BIN" doctor https://no-such-host.invalid/callback --format json > "$DIR/nodns.json"; echo "nodns exit $?"
        "$BIN" doctor https://hooks.example.com/callback --resolve hooks.example.com:198.41.0.77 \
            --resolve hooks.example.com:2606:4700::1111 --ca-cert {ca} --format json > "$DIR/v6.json"; echo "v6 exit $?"
        kill $p1 $p2
        "#,
        c = c.display(),
        k = k.display(),
        ca = pki.ca_pem()
    );
    let out = in_sealed_namespace(&script, &["10.77.0.1/32", "198.41.0.77/32"], dir.path());
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("private exit 1"), "{printed}");
    assert!(printed.contains("public exit 0"), "{printed}");
    assert!(printed.contains("nodns exit 1"), "{printed}");
    let private: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("private.json")).unwrap())
            .unwrap();
    assert_eq!(check(&private, "public").0, "fail");
    assert_eq!(check(&private, "connect").0, "pass");
    assert_eq!(check(&private, "answer").0, "pass");
    let public = std::fs::read_to_string(dir.path().join("public.txt")).unwrap();
    assert!(
        public.contains("nothing here stops the provider's callbacks"),
        "{public}"
    );
    assert!(!public.contains("fail "), "{public}");
    let nodns: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("nodns.json")).unwrap())
            .unwrap();
    // An IPv6 address this namespace has no route to is not checked, and not a fail: the
    // provider may well reach it. The IPv4 address carries the rest.
    assert!(printed.contains("v6 exit 0"), "{printed}");
    let v6: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("v6.json")).unwrap())
            .unwrap();
    let (v, fact) = check(&v6, "connect");
    assert_eq!(v, "warn", "{fact}");
    assert!(
        fact.contains("198.41.0.77:443 accepted")
            && fact.contains("[2606:4700::1111]:443 not checked: this machine has no route"),
        "{fact}"
    );
    assert_eq!(check(&v6, "answer").0, "pass");
    let (v, fact) = check(&nodns, "resolve");
    assert_eq!(v, "fail");
    assert!(
        fact.starts_with("no-such-host.invalid does not resolve"),
        "{fact}"
    );
    assert_eq!(check(&nodns, "connect").0, "skip");
}

#[test]
fn check_warns_use_https_on_a_remote_http_receiver_and_passes_it_over_https() {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new();
    let (c, k) = pki.leaf("hooks", &Leaf::good(&["10.77.0.2"]));
    let script = format!(
        r#"
        exec 3< <(exec "$BIN" receiver --listen 10.77.0.1:8080 2>/dev/null); p1=$!
        read -r -u 3 line
        exec 4< <(exec "$BIN" receiver --listen 10.77.0.2:8443 --tls-cert {c} --tls-key {k} 2>/dev/null); p2=$!
        read -r -u 4 line
        "$BIN" check --receiver http://10.77.0.1:8080/callback --only ack-success,use-https --format json > "$DIR/http.json"; echo "http exit $?"
        "$BIN" check --receiver https://10.77.0.2:8443/callback --insecure --only ack-success,use-https --format json > "$DIR/https.json"; echo "https exit $?"
        kill $p1 $p2
        "#,
        c = c.display(),
        k = k.display(),
    );
    let out = in_sealed_namespace(&script, &["10.77.0.1/32", "10.77.0.2/32"], dir.path());
    let printed = String::from_utf8_lossy(&out.stdout);
    // A should rule that warns does not fail the run.
    assert!(printed.contains("http exit 0"), "{printed}");
    assert!(printed.contains("https exit 0"), "{printed}");
    let rule = |file: &str| -> (String, String) {
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join(file)).unwrap()).unwrap();
        let r = v["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == "use-https")
            .unwrap()
            .clone();
        assert_eq!(
            v["rules"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["id"] == "ack-success")
                .unwrap()["verdict"],
            "pass"
        );
        (
            r["verdict"].as_str().unwrap().to_string(),
            r["reason"].as_str().unwrap().to_string(),
        )
    };
    let (v, reason) = rule("http.json");
    assert_eq!(v, "warn", "{reason}");
    assert!(reason.contains("http://10.77.0.1"), "{reason}");
    let (v, reason) = rule("https.json");
    assert_eq!(v, "pass", "{reason}");
}

/// A server that speaks TLS 1.1 and nothing newer, on Python's `ssl` (OpenSSL still builds
/// one at security level 0; rustls, which the tool uses, cannot). Prints its port.
const TLS_1_1_SERVER: &str = r#"
import socket, ssl, sys, warnings
warnings.simplefilter("ignore", DeprecationWarning)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.set_ciphers("DEFAULT@SECLEVEL=0")
ctx.minimum_version = ssl.TLSVersion.TLSv1_1
ctx.maximum_version = ssl.TLSVersion.TLSv1_1
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(5)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept()
    try:
        ctx.wrap_socket(c, server_side=True).close()
    except (ssl.SSLError, OSError) as e:
        print(type(e).__name__, e, flush=True)
        c.close()
"#;

#[tokio::test]
async fn a_server_that_speaks_only_tls_1_1_is_named_as_too_old() {
    use tokio::io::AsyncBufReadExt;
    let pki = Pki::new();
    let (c, k) = pki.leaf("old", &Leaf::good(&["localhost"]));
    let script = pki.dir.path().join("tls11.py");
    std::fs::write(&script, TLS_1_1_SERVER).unwrap();
    let mut server = tokio::process::Command::new("python3")
        .arg(&script)
        .arg(&c)
        .arg(&k)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(server.stdout.take().unwrap()).lines();
    let port = lines.next_line().await.unwrap().unwrap();
    let url = format!("https://localhost:{port}/callback");
    let (rep, out) = doctor(&[&url, "--ca-cert", &pki.ca_pem()]).await;
    let (v, fact) = check(&rep, "tls-handshake");
    assert_eq!(v, "fail", "{fact}");
    assert!(
        fact.contains("no TLS version the provider's client speaks (TLS 1.2 or 1.3)"),
        "{fact}"
    );
    assert_eq!(check(&rep, "answer").0, "skip");
    assert_eq!(out.code, 1);
    // The server saw a client that would not go below TLS 1.2.
    let said = lines.next_line().await.unwrap().unwrap();
    assert!(said.contains("UNSUPPORTED_PROTOCOL"), "{said}");
}

/// Issue 28: with no address this machine can connect to, the URL is unchecked: exit 4, never
/// "nothing here stops the provider's callbacks", and the advice names the family it lacks.
#[test]
fn a_url_nothing_could_be_connected_to_is_unchecked_not_passed() {
    let dir = tempfile::tempdir().unwrap();
    let out = in_sealed_namespace(
        r#"
        "$BIN" doctor https://hooks.example.test/cb --resolve hooks.example.test:93.184.216.34 > "$DIR/human.txt"; echo "human exit $?"
        "$BIN" doctor https://hooks.example.test/cb --resolve hooks.example.test:93.184.216.34 --format json > "$DIR/unrouted.json"; echo "json exit $?"
        "#,
        &[],
        dir.path(),
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("human exit 4"), "{printed}");
    assert!(printed.contains("json exit 4"), "{printed}");
    let human = std::fs::read_to_string(dir.path().join("human.txt")).unwrap();
    assert!(human.contains("the URL is UNCHECKED"), "{human}");
    assert!(!human.contains("nothing here stops"), "{human}");
    assert!(human.contains("a route to IPv4 addresses"), "{human}");
    assert!(!human.contains("IPv6"), "{human}");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("unrouted.json")).unwrap())
            .unwrap();
    assert_eq!(check(&json, "connect").0, "inconclusive");
    assert_eq!(json["exit_code"], 4);
    assert_eq!(json["summary"]["unchecked"], 1);
}
