//! One task's life after creation: the "generation", its result, then the callback delivered
//! with the engine's sender (same deadline, retries and signing as `check`).

use super::Api;
use std::sync::Arc;

use super::store::{
    AttemptRecord, CALLBACK_EXCEPTION, GENERATE_FAILED, SUCCESS, VideoResponse, now_ms,
};
use crate::outcome::Attempt;
use crate::payload::ids;
use crate::run::deliver::{Target, TaskRef, deliver};
use crate::scenario::{DeliverStep, Outcome, ServeTask, Template};
use crate::sender::AttemptHook;
use crate::wire::took;

/// What happens to the task created `index`-th: the plan's entry, else the flags.
pub(super) fn fate(api: &Api, index: usize) -> ServeTask {
    let cfg = &api.cfg;
    if let Some(t) = cfg.plan.as_ref().and_then(|p| p.tasks.get(index)) {
        return t.clone();
    }
    let outcome = cfg.outcome.unwrap_or_else(|| {
        // Seeded per index, so the same seed fails the same tasks.
        let draw = (ids::mix(cfg.seed ^ index as u64) >> 11) as f64 / (1u64 << 53) as f64;
        if draw < cfg.failure_rate {
            Outcome::Failure
        } else {
            Outcome::Success
        }
    });
    ServeTask {
        outcome,
        code: (outcome == Outcome::Failure).then_some(cfg.failure_code),
        msg: None,
        duplicates: cfg.duplicates,
        concurrent: cfg.concurrent_duplicates,
        video: cfg.video,
        generation_time: None,
    }
}

pub(super) async fn run(api: Api, index: usize, task_id: String) {
    let f = fate(&api, index);
    tokio::time::sleep(
        f.generation_time
            .map(|d| d.0)
            .unwrap_or(api.cfg.generation_time),
    )
    .await;
    let Some(task) = api.store.get(&task_id) else {
        return;
    };
    api.host.set_mode(&task_id, f.video);
    api.host
        .expire_after(&task_id, api.cfg.retention_for(crate::family::video()));
    let video_url = api.host.url_for(&task_id);
    let family = crate::family::video();
    let mut step = DeliverStep::new(
        if f.outcome == Outcome::Success {
            Template::Success
        } else {
            Template::Failure
        },
        "task",
    );
    step.code = f.code;
    step.msg = f.msg.clone();
    step.copies = Some(1 + f.duplicates);
    step.concurrent = f.concurrent && f.duplicates > 0;
    api.store.update(&task_id, |t| {
        t.complete_time = Some(now_ms());
        match f.outcome {
            Outcome::Success => {
                t.success_flag = SUCCESS;
                t.response = Some(VideoResponse {
                    video_url: video_url.clone(),
                });
            }
            Outcome::Failure => {
                let code = f.code.unwrap_or(500);
                t.success_flag = GENERATE_FAILED;
                t.error_code = Some(code);
                t.error_message = Some(
                    f.msg
                        .clone()
                        .unwrap_or_else(|| family.failure_msg(code).to_string()),
                );
            }
        }
    });
    let acknowledged = send(&api, &task_id, &task.callback_url, &step, family, None).await;
    if !acknowledged {
        api.store
            .update(&task_id, |t| t.success_flag = CALLBACK_EXCEPTION);
    }
}

/// Delivers one callback of a task (and its copies) with the engine's sender, recording and
/// logging every attempt; true when some copy was acknowledged.
pub(super) async fn send(
    api: &Api,
    task_id: &str,
    callback_url: &str,
    step: &DeliverStep,
    family: &crate::family::Family,
    stage: Option<&'static str>,
) -> bool {
    let Ok(url) = url::Url::parse(callback_url) else {
        return false;
    };
    let target = Target {
        receiver: &url,
        token_param: None,
    };
    let hook: AttemptHook = {
        let (store, log, task_id, callback) = (
            api.store.clone(),
            api.cfg.log,
            task_id.to_string(),
            callback_url.to_string(),
        );
        Arc::new(move |copy, a: &Attempt| {
            if log {
                let what = stage.map(|s| format!(" {s}")).unwrap_or_default();
                crate::console::outln!(
                    "{:>9.3}s  callback {task_id}{what} copy {copy} attempt {} -> {}",
                    (a.at_ms + a.duration_ms) / 1000.0,
                    a.number,
                    took(a)
                );
            }
            store.record(AttemptRecord {
                task_id: task_id.clone(),
                callback_url: callback.clone(),
                stage: stage.map(str::to_string),
                copy,
                attempt: a.clone(),
            });
        })
    };
    let result = deliver(
        &api.sender,
        &target,
        step,
        &TaskRef {
            family,
            id: task_id,
            media: &|kind, slot: &str| api.host.media_url(task_id, kind, slot),
        },
        &api.cfg.policy,
        Some(hook),
    )
    .await;
    match result {
        Ok(deliveries) => deliveries.iter().any(|d| d.acknowledged),
        Err(e) => {
            // The callback could not even be built: the task's record says so.
            if api.cfg.log {
                crate::console::outln!("callback {task_id}: not sent: {e}");
            }
            false
        }
    }
}
