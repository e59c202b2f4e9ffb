//! The server-response part of the checklist: one documented failure callback of the family,
//! for a task id no real task has, sent by the emulated provider's own client (one attempt,
//! no redirects followed, signed with `--hmac-key`), and its answer judged in the words of the
//! usual causes.

use std::net::SocketAddr;

use bytes::Bytes;

use super::{Heading, Line, Options, advise, line};
use crate::outcome::Attempt;
use crate::rules::Verdict;
use crate::sender::{ClientOptions, Policy, Prepared, Sender};
use crate::wire::{Auth, ErrorClass};

/// An answer slower than this passes the deadline but warns: `check`'s fast-ack threshold.
const SLOW: f64 = 1000.0;

/// The failure body of the family for `task_id`, with its first documented code.
fn body(family: &crate::family::Family, task_id: &str) -> Bytes {
    let code = family.default_failure_code();
    let fill = crate::family::Fill {
        task_id,
        media_url: &|_, _| String::new(),
        failure: None,
    };
    let v = crate::family::body(family, Err((code, family.failure_msg(code))), None, &fill)
        .unwrap_or_default();
    Bytes::from(serde_json::to_vec(&v).unwrap_or_default())
}

/// Sends the callback to the addresses already judged and says what its answer means.
pub async fn send(o: &Options, task_id: &str, addrs: &[SocketAddr]) -> Vec<Line> {
    let host = o.url.host_str().unwrap_or_default().to_string();
    let sender = Sender::new(&ClientOptions {
        hmac_key: o.hmac_key.clone(),
        connect_timeout: Some(o.timeout),
        extra_roots: o.trust.extra_der.clone(),
        pin: Some((host, addrs.to_vec())),
        ..ClientOptions::default()
    });
    let sender = match sender {
        Ok(s) => s,
        Err(e) => {
            return vec![line(
                "answer",
                Heading::Response,
                Verdict::Fail,
                e.to_string(),
            )];
        }
    };
    let req = Prepared {
        url: o.url.clone(),
        display_url: super::shown_url(o),
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body(o.family, task_id),
        task_id: task_id.to_string(),
        auth: Auth::Genuine,
    };
    let policy = Policy {
        timeout: o.timeout,
        retries: 0,
        ..Policy::default()
    };
    let attempts = sender.deliver(&req, &policy).await;
    let Some(a) = attempts.first() else {
        return vec![line(
            "answer",
            Heading::Response,
            Verdict::Fail,
            "the callback could not be sent".into(),
        )];
    };
    vec![answer_line(o, task_id, a), time_line(o, a)]
}

fn answer_line(o: &Options, task_id: &str, a: &Attempt) -> Line {
    let code = o.family.default_failure_code();
    let sent = format!(
        "a {} failure callback (code {code}) for task {task_id}",
        o.family.id
    );
    let path = o.url.path();
    let Some(status) = a.status else {
        let why = a.message.clone().unwrap_or_default();
        let (fact, advice) = match a.error {
            Some(ErrorClass::Timeout) => (
                format!(
                    "no answer to {sent} within {}",
                    crate::duration::Dur(o.timeout)
                ),
                "the provider counts this as a failed delivery and retries; answer 200 at once and do the work afterwards (a queue or a background task)",
            ),
            _ => (
                format!("no answer to {sent}: {why}"),
                "check the server's logs: the connection broke before an answer",
            ),
        };
        return advise(
            line("answer", Heading::Response, Verdict::Fail, fact),
            advice,
        );
    };
    let fact = format!("answered {status} to {sent}");
    let (verdict, advice): (Verdict, Option<String>) = match status {
        200 => (Verdict::Pass, None),
        // As `check` judges it (ack-success): the sender accepts exactly 200.
        201..=299 => (
            Verdict::Fail,
            Some(format!(
                "the page asks for 200, and a sender that checks for 200 counts {status} as a failed delivery and retries: answer 200"
            )),
        ),
        300..=399 => (
            Verdict::Fail,
            Some(format!(
                "the provider does not follow redirects (this one goes to {}): give it the final URL, the one that answers 200 itself (http to https, a missing or extra trailing slash, www)",
                a.location.as_deref().unwrap_or("no Location")
            )),
        ),
        404 => (
            Verdict::Fail,
            Some(format!(
                "nothing answers POST at {path}: the path is not the receiver's route (check the spelling, a trailing slash, a prefix your proxy adds or strips)"
            )),
        ),
        405 => (
            Verdict::Fail,
            Some(format!(
                "{path} exists but does not take POST: the provider POSTs its callbacks, so route POST there"
            )),
        ),
        401 | 403 => (
            Verdict::Fail,
            Some(if o.hmac_key.is_some() || o.token_param.is_some() {
                "refused though signed or carrying the token as given: check that the receiver's key or token is the one the provider has".to_string()
            } else {
                "the receiver refused an unauthenticated request. If it checks the provider's signature, give doctor the key (--hmac-key, or SUNO_MOCK_HMAC_KEY); if it checks a token in the URL, keep it in the URL and name the parameter with --token-param so it is masked".to_string()
            }),
        ),
        400 | 415 | 422 => (
            Verdict::Fail,
            Some("the receiver refused the body: the provider sends JSON with Content-Type: application/json, and a failure callback carries no media (data is null or empty); parse it as JSON and answer 200 to failures too".to_string()),
        ),
        500..=599 => (
            Verdict::Fail,
            Some("the receiver failed on a failure callback: the provider retries, then stops. Answer 200 to every callback you can parse, failures included, and log the rest".to_string()),
        ),
        _ => (
            Verdict::Fail,
            Some("answer 200 to the provider's callbacks".to_string()),
        ),
    };
    let l = line("answer", Heading::Response, verdict, fact);
    match advice {
        Some(a) => advise(l, a),
        None => l,
    }
}

fn time_line(o: &Options, a: &Attempt) -> Line {
    let deadline = crate::duration::Dur(o.timeout);
    let took = crate::duration::human(std::time::Duration::from_secs_f64(
        a.duration_ms.max(0.0) / 1000.0,
    ));
    if a.status.is_none() {
        let fact = if a.error == Some(ErrorClass::Timeout) {
            format!("{deadline} passed without an answer")
        } else {
            format!("no answer after {took}")
        };
        return advise(
            line("answer-time", Heading::Response, Verdict::Fail, fact),
            "the provider waits at most 15 s for the answer",
        );
    }
    let fact = format!(
        "answered in {took} (connecting {}), within the {deadline} deadline",
        crate::duration::human(std::time::Duration::from_secs_f64(
            a.connect_ms.unwrap_or(0.0).max(0.0) / 1000.0
        ))
    );
    if a.answer_ms() > SLOW {
        advise(
            line("answer-time", Heading::Response, Verdict::Warn, fact),
            "slow for a callback: under load it nears the deadline; answer before doing any work",
        )
    } else {
        line("answer-time", Heading::Response, Verdict::Pass, fact)
    }
}
