//! One deliver step: the body from its template, the URL and headers for its auth variant, and
//! its copies sent one after another or released together.

use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::Barrier;

use crate::family::Family;
use crate::outcome::{Delivery, RequestRecord};
use crate::payload::{MediaUrl, build_body};
use crate::scenario::{Auth, DeliverStep, Resolved};
use crate::secrets::mask_query_param;
use crate::sender::{AttemptHook, Policy, Prepared, Sender};

/// Requests bodies longer than this are shortened in reports (never on the wire).
const BODY_IN_REPORT: usize = 2048;

/// The task a delivery is for: its family, its id, where its media live.
pub(crate) struct TaskRef<'a> {
    pub family: &'a Family,
    pub id: &'a str,
    pub media: MediaUrl<'a>,
    /// The media host those URLs are on (what `{media_host}` in a custom body becomes).
    pub media_host: &'a str,
}

pub(crate) struct Target<'a> {
    pub receiver: &'a url::Url,
    pub token_param: Option<&'a str>,
}

/// The receiver URL as this auth variant sends it.
fn url_for(t: &Target<'_>, auth: Auth) -> url::Url {
    let Some(param) = t.token_param else {
        return t.receiver.clone();
    };
    let mut u = t.receiver.clone();
    let pairs: Vec<(String, String)> = t
        .receiver
        .query_pairs()
        .filter_map(|(k, v)| match (auth, k == param) {
            (Auth::NoToken, true) => None,
            (Auth::WrongToken, true) => Some((k.into_owned(), format!("wrong-{}", v.len()))),
            _ => Some((k.into_owned(), v.into_owned())),
        })
        .collect();
    if pairs.is_empty() {
        u.set_query(None);
    } else {
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    u
}

fn headers_for(step: &DeliverStep) -> Vec<(String, String)> {
    let mut headers = vec![("Content-Type".to_string(), "application/json".to_string())];
    for (k, v) in &step.headers {
        headers.retain(|(h, _)| !h.eq_ignore_ascii_case(k));
        headers.push((k.clone(), v.clone()));
    }
    headers.retain(|(h, _)| {
        !step
            .remove_headers
            .iter()
            .any(|r| r.eq_ignore_ascii_case(h))
    });
    headers
}

/// The delivery's name in reports: `success`, `failure 451`; for staged families the stage,
/// `complete`, `error 400`; a variant follows in brackets.
pub(crate) fn template_name(step: &DeliverStep, family: &Family) -> String {
    let failure = |word: &str| {
        format!(
            "{word} {}",
            step.code.unwrap_or(family.default_failure_code())
        )
    };
    let mut name = match step.deliver.resolve(family) {
        Ok(Resolved::Stage(s)) => s.name.to_string(),
        Ok(Resolved::Failure) => failure(family.failure_stage()),
        Ok(Resolved::Custom) | Err(_) => step.deliver.name().to_string(),
    };
    if let Some(v) = &step.variant {
        name.push_str(&format!(" [{v}]"));
    }
    name
}

/// Why a delivery step could not be made (its answers are never an error).
#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    #[error(transparent)]
    Body(#[from] crate::payload::BodyError),
    #[error("a concurrent copy failed inside the harness: {0}")]
    Copy(#[from] tokio::task::JoinError),
    #[error("interrupted before the delivery finished")]
    Interrupted,
}

pub(crate) async fn deliver(
    sender: &Sender,
    target: &Target<'_>,
    step: &DeliverStep,
    task: &TaskRef<'_>,
    policy: &Policy,
    hook: Option<AttemptHook>,
) -> Result<Vec<Delivery>, DeliverError> {
    let (family, task_id) = (task.family, task.id);
    let body = build_body(step, family, task_id, task.media, task.media_host)?;
    // A body that names its own task (a custom one, or `set: data.task_id`) is signed and
    // reported under that id, as the provider would sign it.
    let carried = body
        .json
        .as_ref()
        .and_then(|j| j.pointer(&format!("/{}", family.task_id_path.replace('.', "/"))))
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let task_id = carried.as_deref().unwrap_or(task_id);
    let url = url_for(target, step.auth());
    let prepared = Prepared {
        display_url: mask_query_param(&url, target.token_param),
        url,
        headers: headers_for(step),
        body: Bytes::from(body.bytes),
        task_id: task_id.to_string(),
        auth: step.auth(),
    };
    let copies = step.copies();
    let attempts = if step.concurrent {
        // Every copy is prepared and waiting, each on its slot, before any is released.
        let barrier = Arc::new(Barrier::new(copies as usize));
        let slots = sender.hold(copies as usize).await;
        let handles: Vec<_> = (0..copies)
            .zip(slots)
            .map(|(i, slot)| {
                let (sender, prepared, policy, barrier, hook) = (
                    sender.clone(),
                    prepared.clone(),
                    policy.clone(),
                    barrier.clone(),
                    hook.clone(),
                );
                tokio::spawn(async move {
                    barrier.wait().await;
                    sender
                        .deliver_released(&prepared, &policy, i + 1, hook.as_ref(), slot)
                        .await
                })
            })
            .collect();
        let mut all = Vec::new();
        for h in handles {
            all.push(h.await?);
        }
        all
    } else {
        let mut all = Vec::new();
        for i in 0..copies {
            all.push(
                sender
                    .deliver_observed(&prepared, policy, i + 1, hook.as_ref())
                    .await,
            );
        }
        all
    };
    let shown_body =
        String::from_utf8_lossy(&prepared.body[..prepared.body.len().min(BODY_IN_REPORT)])
            .into_owned();
    Ok(attempts
        .into_iter()
        .enumerate()
        // A copy the sender never sent (it gave up on the receiver) is no delivery.
        .filter(|(_, attempts)| !attempts.is_empty())
        .map(|(i, attempts)| Delivery {
            task: step.task_alias().to_string(),
            task_id: task_id.to_string(),
            copy: i as u32 + 1,
            copies,
            concurrent: step.concurrent && copies > 1,
            template: template_name(step, family),
            input: step.input(),
            auth: step.auth(),
            request: RequestRecord {
                method: "POST",
                url: prepared.display_url.clone(),
                headers: prepared.wire_headers(attempts.first()),
                body: shown_body.clone(),
            },
            acknowledged: attempts.last().is_some_and(|a| a.accepted),
            attempts,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_variants_change_only_the_token() {
        let r = url::Url::parse("http://h/cb?token=s3cret&x=1").unwrap();
        let t = Target {
            receiver: &r,
            token_param: Some("token"),
        };
        assert_eq!(
            url_for(&t, Auth::Genuine).as_str(),
            "http://h/cb?token=s3cret&x=1"
        );
        assert_eq!(url_for(&t, Auth::NoToken).as_str(), "http://h/cb?x=1");
        assert_eq!(
            url_for(&t, Auth::WrongToken).as_str(),
            "http://h/cb?token=wrong-6&x=1"
        );
    }
}
