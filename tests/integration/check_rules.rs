//! `check` judges every rule: the reference receiver passes all of them, each planted flaw is
//! reported on exactly the rules it breaks, and what cannot be observed is never a pass.

use std::collections::BTreeMap;

use serde_json::Value;
use suno_mock::exit;
use suno_mock::receiver::{Flaw, Flaws, ReceiverConfig, RunningReceiver};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::harness::{builtin_receiver, suno};

const KEY: &str = "test-hmac-key";

async fn start(flaws: &[Flaw]) -> (RunningReceiver, ReceiverConfig) {
    let cfg = ReceiverConfig {
        hmac_key: Some(KEY.into()),
        flaws: Flaws(flaws.to_vec()),
        ..ReceiverConfig::default()
    };
    let r = builtin_receiver(&cfg).await;
    (r, cfg)
}

/// Runs `check` with fast settings and returns (exit code, verdict by rule id, JSON report).
async fn check(url: &str, extra: &[&str]) -> (i32, BTreeMap<String, String>, Value) {
    let mut args = vec![
        "check",
        "--receiver",
        url,
        "--retry-delays",
        "10ms",
        "--format",
        "json",
        "--seed",
        "5",
    ];
    if !extra.contains(&"--timeout") {
        args.extend(["--timeout", "2s"]);
    }
    args.extend_from_slice(extra);
    let out = suno(&args).await;
    let json: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr));
    let verdicts = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (out.code, verdicts, json)
}

async fn check_flawed(
    flaws: &[Flaw],
    only: &str,
    extra: &[&str],
) -> (i32, BTreeMap<String, String>, Value) {
    let (r, cfg) = start(flaws).await;
    let probe = r.probe_url();
    let mut args = vec!["--hmac-key", KEY, "--probe-url", &probe, "--only", only];
    args.extend_from_slice(extra);
    check(&r.callback_url(&cfg), &args).await
}

fn reason<'a>(json: &'a Value, id: &str) -> &'a str {
    json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap()["reason"]
        .as_str()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_reference_receiver_passes_every_rule() {
    let (r, cfg) = start(&[]).await;
    let probe = r.probe_url();
    let (code, verdicts, json) = check(
        &r.callback_url(&cfg),
        &["--hmac-key", KEY, "--probe-url", &probe],
    )
    .await;
    assert_eq!(verdicts.len(), 19);
    assert!(
        verdicts
            .iter()
            .all(|(id, v)| v == "pass"
                || (v == "skip" && (id.starts_with("sta") || id == "use-https"))),
        "every rule passes, the stage rules skip for video, use-https on loopback: {verdicts:#?}\n{json:#}"
    );
    assert_eq!(code, exit::SUCCESS);
    for r in json["rules"].as_array().unwrap() {
        for key in ["id", "level", "verdict", "reason", "evidence"] {
            assert!(r.get(key).is_some(), "rule item lacks {key}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn answering_500_to_failures_fails_ack_failure() {
    let (code, v, json) =
        check_flawed(&[Flaw::FailOnFailure], "ack-failure,ack-success", &[]).await;
    assert_eq!(v["ack-failure"], "fail");
    assert_eq!(v["ack-success"], "pass");
    assert_eq!(code, exit::FAILED);
    assert!(reason(&json, "ack-failure").contains("answered 500"));
}

#[tokio::test(flavor = "multi_thread")]
async fn answering_202_fails_ack_success_with_the_reason() {
    let (code, v, json) =
        check_flawed(&[Flaw::Answer202], "ack-success", &["--retries", "0"]).await;
    assert_eq!(v["ack-success"], "fail");
    assert_eq!(code, exit::FAILED);
    assert!(
        reason(&json, "ack-success").contains("exactly 200"),
        "{}",
        reason(&json, "ack-success")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn downloading_before_answering_fails_async_processing_and_the_deadline() {
    let (_, v, json) = check_flawed(
        &[Flaw::BlockingDownload],
        "async-processing,ack-deadline",
        &["--timeout", "1s", "--retries", "0"],
    )
    .await;
    assert_eq!(v["async-processing"], "fail");
    assert_eq!(v["ack-deadline"], "fail");
    assert!(reason(&json, "async-processing").contains("the download blocks the answer"));
}

#[tokio::test(flavor = "multi_thread")]
async fn processing_every_copy_fails_both_idempotency_rules() {
    let (_, v, json) = check_flawed(
        &[Flaw::NoDedup],
        "idempotent-duplicate,idempotent-concurrent",
        &[],
    )
    .await;
    assert_eq!(v["idempotent-duplicate"], "fail", "{json:#}");
    assert_eq!(v["idempotent-concurrent"], "fail");
    assert!(
        reason(&json, "idempotent-duplicate").contains("\"processed\":3"),
        "{}",
        reason(&json, "idempotent-duplicate")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_racy_check_then_insert_fails_only_the_concurrent_rule() {
    let (_, v, _) = check_flawed(
        &[Flaw::RacyDedup],
        "idempotent-duplicate,idempotent-concurrent",
        &[],
    )
    .await;
    assert_eq!(v["idempotent-duplicate"], "pass");
    assert_eq!(v["idempotent-concurrent"], "fail");
}

#[tokio::test(flavor = "multi_thread")]
async fn crashing_on_bad_input_warns_on_the_bad_input_rules_and_strict_fails() {
    let only = "reject-malformed,reject-invalid,survive-bad-input";
    let (code, v, json) = check_flawed(&[Flaw::CrashOnBadInput], only, &[]).await;
    assert_eq!(
        (
            v["reject-malformed"].as_str(),
            v["reject-invalid"].as_str(),
            v["survive-bad-input"].as_str()
        ),
        ("warn", "warn", "warn")
    );
    assert_eq!(code, exit::SUCCESS, "should rules warn without --strict");
    assert!(reason(&json, "survive-bad-input").contains("did not survive"));
    let (code, _, _) = check_flawed(&[Flaw::CrashOnBadInput], only, &["--strict"]).await;
    assert_eq!(code, exit::FAILED);
}

#[tokio::test(flavor = "multi_thread")]
async fn strict_parsing_warns_on_extra_fields_and_charset() {
    let (_, v, _) = check_flawed(
        &[Flaw::StrictFields, Flaw::StrictContentType],
        "tolerate-extra-fields,accept-json-charset",
        &["--retries", "0"],
    )
    .await;
    assert_eq!(v["tolerate-extra-fields"], "warn");
    assert_eq!(v["accept-json-charset"], "warn");
}

#[tokio::test(flavor = "multi_thread")]
async fn trusting_forged_requests_warns_on_verify_source() {
    let (_, v, json) = check_flawed(&[Flaw::NoVerify], "verify-source", &[]).await;
    assert_eq!(v["verify-source"], "warn");
    assert!(reason(&json, "verify-source").contains("unsigned callback was answered 200"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_in_the_url_is_checked_with_token_param() {
    let cfg = ReceiverConfig {
        token: Some(("token".into(), "tok-123".into())),
        ..ReceiverConfig::default()
    };
    let r = builtin_receiver(&cfg).await;
    let probe = r.probe_url();
    let (_, v, json) = check(
        &r.callback_url(&cfg),
        &[
            "--token-param",
            "token",
            "--probe-url",
            &probe,
            "--only",
            "verify-source",
        ],
    )
    .await;
    assert_eq!(
        v["verify-source"],
        "pass",
        "{}",
        reason(&json, "verify-source")
    );
    assert!(reason(&json, "verify-source").contains("no-token, wrong-token"));
    assert!(
        !json.to_string().contains("tok-123"),
        "the token never appears in a report"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn never_downloading_is_reported_by_download_media() {
    let (_, v, _) = check_flawed(
        &[Flaw::NeverDownload],
        "download-video",
        &["--max-wait", "2s"],
    )
    .await;
    // The rule waits up to 60 s for a download; --max-wait bounds it.
    assert_eq!(
        v["download-media"], "warn",
        "download-video is the old name"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_answer_warns_on_fast_ack() {
    let (_, v, json) = check_flawed(&[Flaw::SlowAck], "fast-ack", &[]).await;
    assert_eq!(v["fast-ack"], "warn", "{}", reason(&json, "fast-ack"));
    assert!(reason(&json, "fast-ack").contains("more than 1s"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_whose_effects_cannot_be_seen_is_inconclusive_never_pass() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let only = "idempotent-duplicate,idempotent-concurrent,reject-malformed";
    let (code, v, json) = check(&server.uri(), &["--only", only, "--settle", "100ms"]).await;
    assert_eq!(v["idempotent-duplicate"], "inconclusive");
    assert_eq!(v["idempotent-concurrent"], "inconclusive");
    assert!(
        reason(&json, "idempotent-duplicate").contains("--probe-url"),
        "says which flag makes it observable"
    );
    assert_eq!(
        v["reject-malformed"], "warn",
        "accepting garbage is not a pass"
    );
    assert_eq!(
        code,
        exit::FAILED,
        "0 promises every must rule passed; unverified must rules fail the run"
    );
    assert_eq!(json["summary"]["rules"]["inconclusive"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn only_naming_a_rule_with_nothing_to_judge_is_a_usage_error_that_says_what_to_pass() {
    let server = MockServer::start().await;
    let cases = [
        (vec!["--only", "verify-source"], "pass --hmac-key KEY"),
        (
            vec!["--only", "ack-success,stale-stage"],
            "pass --family music",
        ),
        (
            vec!["--only", "download-media", "--family", "lyrics"],
            "its callbacks carry no media",
        ),
    ];
    let uri = server.uri();
    for (args, says) in cases {
        let mut all = vec!["check", "--receiver", uri.as_str()];
        all.extend(args.iter().copied());
        let out = suno(&all).await;
        assert_eq!(out.code, exit::USAGE, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
    }
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "nothing is sent"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_finds_exactly_the_planted_flaws() {
    let out = suno(&["demo", "--seed", "3"]).await;
    assert_eq!(out.code, exit::SUCCESS, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("flagged exactly the 8 rules its 5 planted flaws break"),
        "{}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_finds_the_stage_flaws_of_a_staged_family() {
    let out = suno(&["demo", "--family", "music", "--seed", "2"]).await;
    assert_eq!(out.code, exit::SUCCESS, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("accept-documented-variants, record-failure, reject-invalid, reject-malformed, stages-not-duplicates, survive-bad-input, verify-source"),
        "{}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rules_and_explain() {
    let out = suno(&["rules"]).await;
    assert_eq!(out.code, exit::SUCCESS);
    assert_eq!(
        out.stdout
            .lines()
            .filter(|l| l.contains(" must ") || l.contains(" should ") || l.contains(" info "))
            .count(),
        19
    );
    let out = suno(&["explain", "idempotent-concurrent"]).await;
    assert!(out.stdout.contains("How to fix a failure"));
    let out = suno(&["explain", "ack-sucess"]).await;
    assert_eq!(out.code, exit::USAGE);
    assert!(
        out.stderr.contains("did you mean `ack-success`?"),
        "{}",
        out.stderr
    );
    let out = suno(&["check", "--receiver", "builtin", "--only", "nope"]).await;
    assert_eq!(out.code, exit::USAGE);
}

/// Issue 19: a music receiver checked as video (the user forgot `--family`) is told which
/// family it looks like it takes, in the human report and in the JSON report.
#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_of_another_family_gets_the_family_hint() {
    let cfg = ReceiverConfig {
        family: suno_mock::family::find("music").unwrap(),
        ..ReceiverConfig::default()
    };
    let r = builtin_receiver(&cfg).await;
    let args = [
        "--only",
        "ack-success,ack-failure,tolerate-extra-fields",
        "--retries",
        "0",
    ];
    let (code, _, json) = check(&r.callback_url(&cfg), &args).await;
    assert_eq!(code, exit::FAILED);
    let hint = json["hints"][0].as_str().unwrap_or_default();
    assert!(
        hint.contains("refused") && hint.contains("pass `--family music`"),
        "{json:#}"
    );
    let mut human = vec!["check", "--receiver"];
    let url = r.callback_url(&cfg);
    human.push(&url);
    human.extend(args);
    let out = suno(&human).await;
    assert!(
        out.stdout.contains("hint: the receiver refused"),
        "{}",
        out.stdout
    );
}

/// Issue 30: the evidence names each forged delivery's forgery, and a re-delivery's copies as
/// copies, so no forged POST reads as a genuine success and no first duplicate as an original.
#[tokio::test(flavor = "multi_thread")]
async fn evidence_names_forgeries_and_copies() {
    let (r, cfg) = start(&[Flaw::NoVerify, Flaw::NoDedup]).await;
    let probe = r.probe_url();
    let out = suno(&[
        "check",
        "--receiver",
        &r.callback_url(&cfg),
        "--hmac-key",
        KEY,
        "--probe-url",
        &probe,
        "--only",
        "verify-source,idempotent-duplicate",
        "--retry-delays",
        "10ms",
        "--seed",
        "5",
    ])
    .await;
    assert_eq!(out.code, exit::FAILED, "{}{}", out.stdout, out.stderr);
    let posts: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("POST "))
        .collect();
    for label in [
        "success [unsigned]",
        "success [wrong-key]",
        "success [stale-timestamp]",
        "success copy 1 of 2",
        "success copy 2 of 2",
    ] {
        assert!(
            posts.iter().any(|l| l.contains(&format!(" {label}  "))),
            "no POST labelled `{label}`:\n{}",
            out.stdout
        );
    }
    // The genuine control and the first delivery carry no marker: only the template.
    assert!(
        posts.iter().any(|l| l.contains(" success  task_id")),
        "{}",
        out.stdout
    );
}
