//! One task's life after creation, for every family: what the plan or the flags say happens to
//! it, then its callbacks in order, spread over the generation time, each delivered with the
//! engine's sender (same deadline, retries and signing as `check`) after what polling shows
//! was brought up to date.

use super::Api;
use std::sync::Arc;

use super::store::{
    AttemptRecord, CALLBACK_EXCEPTION, GENERATE_FAILED, SUCCESS, VideoResponse, now_ms,
};
use crate::family::Family;
use crate::outcome::Attempt;
use crate::payload::ids;
use crate::run::deliver::{Target, TaskRef, deliver};
use crate::scenario::serve_plan::PlanStage;
use crate::scenario::{DeliverStep, Outcome, ServeTask};
use crate::sender::AttemptHook;
use crate::wire::took;

/// What happens to the `index`-th task (from 0) of `family`: the plan's entry, else the flags.
pub(super) fn fate(api: &Api, family: &Family, index: usize) -> ServeTask {
    let cfg = &api.cfg;
    if let Some(t) = cfg.plan.as_ref().and_then(|p| p.task(family.id, index)) {
        return t.clone();
    }
    let outcome = cfg.outcome.unwrap_or_else(|| {
        // Seeded per family and index, so the same seed fails the same tasks (video keeps the
        // draws it had before other families were served).
        let salt = if family.id == crate::family::DEFAULT {
            0
        } else {
            ids::mix(family.id.bytes().fold(0u64, |h, b| h * 31 + u64::from(b)))
        };
        let draw = (ids::mix(cfg.seed ^ salt ^ index as u64) >> 11) as f64 / (1u64 << 53) as f64;
        if draw < cfg.failure_rate {
            Outcome::Failure
        } else {
            Outcome::Success
        }
    });
    ServeTask::from_flags(
        family.id,
        outcome,
        (outcome == Outcome::Failure).then_some(cfg.failure_code),
        cfg.duplicates,
        cfg.concurrent_duplicates,
        cfg.video,
    )
}

/// A failure stage's code and message, as its callback and the polling record carry them.
pub(super) struct Failed {
    pub code: i64,
    pub msg: String,
}

/// The failure `msg` for a code: the family's documented one.
pub(super) fn documented_msg(family: &'static Family) -> impl Fn(i64) -> String {
    move |code| family.failure_msg(code).to_string()
}

/// Plays a task's callbacks: before each, waits its share of the generation time and lets
/// `mark` write what polling shows (with the code and message when the stage is a failure;
/// the message is the plan's, else `failure_msg`'s). Stops at a callback no copy of which was
/// acknowledged; false then.
pub(super) async fn play(
    api: &Api,
    family: &'static Family,
    task_id: &str,
    callback_url: &str,
    fate: &ServeTask,
    failure_msg: impl Fn(i64) -> String,
    mut mark: impl FnMut(&PlanStage, Option<Failed>),
) -> bool {
    api.host.set_mode(task_id, fate.video);
    api.host
        .expire_after(task_id, api.cfg.retention_for(family));
    let stages = fate.deliveries(family);
    let total = fate
        .generation_time
        .map(|d| d.0)
        .unwrap_or(api.cfg.generation_time);
    let share = total / stages.len().max(1) as u32;
    for stage in &stages {
        tokio::time::sleep(share).await;
        let mut step = DeliverStep::new(stage.stage, "task");
        let failed = stage.is_failure().then(|| {
            let code = stage.code.unwrap_or_else(|| family.default_failure_code());
            Failed {
                code,
                msg: stage.msg.clone().unwrap_or_else(|| failure_msg(code)),
            }
        });
        step.code = failed.as_ref().map(|f| f.code);
        step.msg = failed.as_ref().map(|f| f.msg.clone());
        step.copies = Some(1 + stage.duplicates);
        step.concurrent = stage.concurrent && stage.duplicates > 0;
        mark(stage, failed);
        let name = stage.stage.name();
        if !send(api, task_id, callback_url, &step, family, name).await {
            return false;
        }
    }
    true
}

/// A music-video task: `successFlag` and the video URL, or the error, then its callback.
pub(super) async fn run(api: Api, index: usize, task_id: String) {
    let family = crate::family::video();
    let f = fate(&api, family, index);
    let Some(task) = api.store.get(&task_id) else {
        return;
    };
    let video_url = api.host.url_for(&task_id);
    let wording = documented_msg(family);
    let acknowledged = play(
        &api,
        family,
        &task_id,
        &task.callback_url,
        &f,
        wording,
        |_, failed| {
            api.store.update(&task_id, |t| {
                t.complete_time = Some(now_ms());
                match failed {
                    None => {
                        t.success_flag = SUCCESS;
                        t.response = Some(VideoResponse {
                            video_url: video_url.clone(),
                        });
                    }
                    Some(Failed { code, msg }) => {
                        t.success_flag = GENERATE_FAILED;
                        t.error_code = Some(code);
                        t.error_message = Some(msg);
                    }
                }
            });
        },
    )
    .await;
    if !acknowledged {
        api.store
            .update(&task_id, |t| t.success_flag = CALLBACK_EXCEPTION);
    }
}

/// Delivers one callback of a task (and its copies) with the engine's sender and the family's
/// deadline, recording and logging every attempt; true when some copy was acknowledged.
pub(super) async fn send(
    api: &Api,
    task_id: &str,
    callback_url: &str,
    step: &DeliverStep,
    family: &'static Family,
    stage: &'static str,
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
                crate::console::outln!(
                    "{:>9.3}s  callback {task_id} {} {stage} copy {copy} attempt {} -> {}",
                    (a.at_ms + a.duration_ms) / 1000.0,
                    family.id,
                    a.number,
                    took(a)
                );
            }
            store.record(AttemptRecord {
                task_id: task_id.clone(),
                callback_url: callback.clone(),
                family: family.id,
                stage,
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
            media_host: api.host.base_url(),
        },
        &api.cfg.policy_for(family),
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
