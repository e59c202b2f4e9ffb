//! The receiver's own tests: `suno-mock check`'s whole suite, from `cargo test`.

use std::time::Duration;

use axum_receiver::{Dedup, app, serve};
use suno_mock::{Check, Verdict};

/// Retries 10 ms apart instead of the provider's 1 s, 2 s, 4 s: the same verdicts, sooner.
fn check(callback: String, probe: String) -> Check {
    Check::new(callback)
        .probe_url(probe)
        .retry_delays([Duration::from_millis(10); 3])
        .seed(7)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_receiver_passes_every_rule() {
    let (callback, probe) = serve(app(Dedup::UniqueInsert)).await;
    let report = check(callback, probe).run().await.expect("the check ran");
    report.assert_passed();
}

#[tokio::test(flavor = "multi_thread")]
async fn check_then_insert_fails_exactly_idempotent_concurrent_and_names_the_fix() {
    let (callback, probe) = serve(app(Dedup::CheckThenInsert)).await;
    let report = check(callback, probe).run().await.expect("the check ran");
    assert!(!report.passed());
    let failed: Vec<&str> = report
        .rules()
        .iter()
        .filter(|r| r.verdict != Verdict::Pass && r.verdict != Verdict::Skip)
        .map(|r| r.id)
        .collect();
    assert_eq!(failed, ["idempotent-concurrent"], "{}", report.human());
    let rule = report.rule("idempotent-concurrent").expect("judged");
    assert!(rule.fix.contains("unique index on task_id"), "{}", rule.fix);
    assert!(rule.reason.contains("5 copies"), "{}", rule.reason);
}
