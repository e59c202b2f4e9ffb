//! The rules judged on answers alone, each on a hand-built outcome that passes and one that
//! does not: every rule of the catalogue has a unit test (the rules with a control or a
//! baseline have theirs in their own files).

use super::Verdict;
use super::testkit::{Step, assert_verdict, delivery, judge, run, seen, setup};
use crate::wire::{Auth, Input, Role};

/// The rule `id` judged on its scenario's deliveries, answered `status`.
fn answered(id: &str, template: &str, statuses: &[Option<u16>]) -> super::RuleResult {
    let ds = statuses
        .iter()
        .map(|s| delivery("t", template, *s, 2.0))
        .collect();
    judge(id, &run(vec![(id, vec![Step::Sent(ds)])]), &setup("video"))
}

#[test]
fn rules_that_want_200() {
    for (id, level_bad) in [
        ("ack-failure", Verdict::Fail),
        ("tolerate-extra-fields", Verdict::Warn),
        ("accept-json-charset", Verdict::Warn),
        ("accept-documented-variants", Verdict::Warn),
    ] {
        assert_verdict(
            &answered(id, "failure 500", &[Some(200); 3]),
            Verdict::Pass,
            "200",
        );
        let r = answered(id, "failure 500", &[Some(200), Some(500)]);
        assert_verdict(&r, level_bad, "answered 500");
        assert_eq!(
            r.evidence.deliveries.len(),
            2,
            "{id}: the evidence is every delivery"
        );
    }
}

#[test]
fn rules_that_want_a_4xx() {
    for id in ["reject-malformed", "reject-invalid"] {
        let bad = |s| {
            let mut d = delivery("t", "custom", s, 1.0);
            d.input = Input::Bad;
            d
        };
        let judged = |statuses: &[Option<u16>]| {
            let ds = statuses.iter().map(|s| bad(*s)).collect();
            judge(id, &run(vec![(id, vec![Step::Sent(ds)])]), &setup("video"))
        };
        assert_verdict(
            &judged(&[Some(400), Some(422)]),
            Verdict::Pass,
            "refused all 2",
        );
        assert_verdict(&judged(&[Some(400), Some(200)]), Verdict::Warn, "accepted");
        assert_verdict(&judged(&[Some(500)]), Verdict::Warn, "did not refuse");
        assert_verdict(&judged(&[None]), Verdict::Warn, "did not refuse");
    }
}

#[test]
fn ack_deadline_fails_on_an_attempt_past_the_deadline_anywhere_in_the_run() {
    let r = run(vec![
        (
            "ack-success",
            vec![Step::Sent(vec![delivery("a", "success", Some(200), 3.0)])],
        ),
        (
            "ack-deadline",
            vec![Step::Sent(vec![delivery("b", "success", Some(200), 3.0)])],
        ),
    ]);
    assert_verdict(
        &judge("ack-deadline", &r, &setup("video")),
        Verdict::Pass,
        "all 2 attempts",
    );
    let r = run(vec![
        (
            "ack-success",
            vec![Step::Sent(vec![delivery("a", "success", None, 15_000.0)])],
        ),
        (
            "ack-deadline",
            vec![Step::Sent(vec![delivery("b", "success", Some(200), 3.0)])],
        ),
    ]);
    assert_verdict(
        &judge("ack-deadline", &r, &setup("video")),
        Verdict::Fail,
        "went unanswered",
    );
}

#[test]
fn async_processing_fails_when_the_slow_media_holds_up_the_answer() {
    let id = "async-processing";
    assert_verdict(
        &answered(id, "success", &[Some(200)]),
        Verdict::Pass,
        "without waiting",
    );
    assert_verdict(
        &answered(id, "success", &[None]),
        Verdict::Fail,
        "the download blocks the answer",
    );
}

#[test]
fn download_media_passes_on_a_completed_download_only() {
    let id = "download-media";
    let with = |completed| {
        let r = run(vec![(
            id,
            vec![
                Step::Sent(vec![delivery("video", "success", Some(200), 2.0)]),
                Step::Seen(seen(Role::After, "video", completed, None)),
            ],
        )]);
        judge(id, &r, &setup("video"))
    };
    assert_verdict(&with(1), Verdict::Pass, "completed a download");
    assert_verdict(&with(0), Verdict::Warn, "did not fetch");
}

#[test]
fn verify_source_refuses_forgeries_and_accepts_the_genuine_callback() {
    let id = "verify-source";
    let mut st = setup("video");
    st.hmac = true;
    let judged = |forged_status, forged_processed: u64| {
        let mut steps = Vec::new();
        for auth in super::SIGNATURE_VARIANTS {
            let mut d = delivery(auth.name(), "success", Some(forged_status), 2.0);
            d.auth = auth;
            steps.push(Step::Seen(seen(Role::Before, auth.name(), 0, None)));
            steps.push(Step::Sent(vec![d]));
            steps.push(Step::Seen(seen(
                Role::After,
                auth.name(),
                forged_processed,
                None,
            )));
        }
        steps.push(Step::Seen(seen(Role::ControlBefore, "genuine", 0, None)));
        let mut g = delivery("genuine", "success", Some(200), 2.0);
        g.auth = Auth::Genuine;
        steps.push(Step::Sent(vec![g]));
        steps.push(Step::Seen(seen(Role::ControlAfter, "genuine", 1, None)));
        judge(id, &run(vec![(id, steps)]), &st)
    };
    assert_verdict(
        &judged(401, 0),
        Verdict::Pass,
        "refused all 3 forged callbacks",
    );
    assert_verdict(&judged(200, 1), Verdict::Warn, "the unsigned callback");
    assert_verdict(&judged(401, 1), Verdict::Warn, "was processed");
}

/// Issue 28: a slow-media attempt cut by Ctrl-C is no measurement: inconclusive, not fail.
#[test]
fn an_attempt_cut_by_ctrl_c_is_never_a_verdict() {
    let id = "async-processing";
    let mut d = delivery("video", "success", None, 4992.0);
    d.attempts[0].error = Some(crate::wire::ErrorClass::Interrupted);
    let r = judge(
        id,
        &run(vec![(id, vec![Step::Sent(vec![d])])]),
        &setup("video"),
    );
    assert_verdict(
        &r,
        Verdict::Inconclusive,
        "interrupted: the success callback",
    );
}
