//! One task's life after creation, the same for every family: what the plan or the flags say
//! happens to it, then its stages on the task's own clock (spread over the generation time),
//! each written where polling shows it and then reported by its callback. Generation never
//! waits on a callback: a receiver that is down still leaves a task a polling client can
//! finish. When the media expire (`--retention`), the task is forgotten.

use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::Value;

use super::Api;
use super::callback::{self, Callback};
use super::records::{self, Failed};
use super::store::{Sent, TaskState};
use crate::family::Family;
use crate::payload::{build_body, ids};
use crate::scenario::serve_plan::PlanStage;
use crate::scenario::{DeliverStep, Outcome, ServeTask};

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

/// A failure stage's code and message: the plan's, else the operation's own for a 400
/// ("Music extension failed"), else the family's documented one.
fn failure(family: &Family, own_400: Option<&str>, stage: &PlanStage) -> Option<Failed> {
    stage.is_failure().then(|| {
        let code = stage.code.unwrap_or_else(|| family.default_failure_code());
        let msg = stage.msg.clone().unwrap_or_else(|| match own_400 {
            Some(m) if code == 400 => m.to_string(),
            _ => family.failure_msg(code).to_string(),
        });
        Failed { code, msg }
    })
}

/// The callback body of a stage, rendered from the catalogue for this task, its tracks
/// echoing the request.
fn render(
    api: &Api,
    task_id: &str,
    task: &Plan,
    stage: &PlanStage,
    failed: Option<&Failed>,
) -> Result<Value, crate::payload::BodyError> {
    let (family, echo, variant, layout) = (task.family, &task.echo, task.variant, task.layout);
    let mut step = DeliverStep::new(stage.stage, "task");
    step.code = failed.map(|f| f.code);
    step.msg = failed.map(|f| f.msg.clone());
    step.variant = variant.filter(|_| failed.is_none()).map(str::to_string);
    let media = |kind, slot: &str| api.host.media_url(task_id, kind, slot);
    let body = build_body(&step, family, task_id, &media, api.host.base_url())?;
    let mut v = body.json.unwrap_or(Value::Null);
    // A phrase that could not be validated: the voice failure body, with validate's status.
    if failed.is_some()
        && layout == crate::family::Layout::VoiceValidate
        && let Some(d) = v.get_mut("data").and_then(Value::as_object_mut)
    {
        d.insert("status".into(), "processing_validate_fail".into());
    }
    // `get_mut`, not indexing: indexing would add a `data` the body does not have.
    if let Some(items) = v
        .get_mut("data")
        .and_then(|d| d.get_mut("data"))
        .and_then(Value::as_array_mut)
    {
        for item in items.iter_mut().filter_map(Value::as_object_mut) {
            for (key, value) in echo.iter() {
                item.insert((*key).to_string(), value.clone());
            }
        }
    }
    Ok(v)
}

/// What the worker reads of a task once.
struct Plan {
    family: &'static Family,
    index: usize,
    failure_400: Option<&'static str>,
    callback_url: Option<String>,
    echo: Vec<(&'static str, Value)>,
    variant: Option<&'static str>,
    layout: crate::family::Layout,
}

/// The time to a task's first stage: its share of the generation time.
pub(super) fn first_wait(api: &Api, family: &Family, index: usize) -> Duration {
    let fate = fate(api, family, index);
    let total = fate
        .generation_time
        .map(|d| d.0)
        .unwrap_or(api.cfg.generation_time);
    total / fate.deliveries(family).len().max(1) as u32
}

/// Plays a task whose life has just begun (its first stage due, `due.rs`; or the failure
/// `Fail` set on it).
pub(super) async fn play_now(api: Api, task_id: String, created: Instant) {
    Box::pin(play(api, task_id, created)).await;
}

/// Plays the task created as `task_id` to its end (its first stage due now), then forgets it
/// when its media expire.
async fn play(api: Api, task_id: String, created: Instant) {
    // What the worker needs of the task, not its record.
    let Some((task, forced)) = api.store.read(&task_id, |t| {
        let plan = Plan {
            family: t.family,
            index: t.index,
            failure_400: t.failure_400,
            callback_url: t.callback_url.clone(),
            echo: t.echo.clone(),
            variant: t.variant,
            layout: t.layout,
        };
        (plan, t.forced_failure)
    }) else {
        return;
    };
    let family = task.family;
    let fate = match forced {
        // `Fail`: the family's failure with the code asked for, now, once.
        Some(code) => ServeTask::from_flags(
            family.id,
            Outcome::Failure,
            Some(code),
            0,
            false,
            api.cfg.video,
        ),
        None => fate(&api, family, task.index),
    };
    let retention = api.cfg.retention_for(family);
    let stages = fate.deliveries(family);
    let total = fate
        .generation_time
        .map(|d| d.0)
        .unwrap_or(api.cfg.generation_time);
    let mode = fate.video;
    drop(fate);
    let mut on_host = false;
    let share = total / stages.len().max(1) as u32;
    // The task's callbacks, one after another in the order its stages came (a stage's
    // retries never let a later stage overtake it), beside the generation, which never waits
    // on them: each is chained to the one before and says whether all so far were
    // acknowledged.
    let mut callbacks: Option<tokio::task::JoinHandle<Option<bool>>> = None;
    for (i, stage) in stages.iter().enumerate() {
        if i > 0 {
            tokio::time::sleep(share).await;
        }
        let failed = failure(family, task.failure_400, stage);
        let name = stage.stage.name();
        let body = match render(&api, &task_id, &task, stage, failed.as_ref()) {
            Ok(b) => b,
            Err(e) => {
                super::envelope::log(&api, format!("task {task_id}: {name} not rendered: {e}"));
                continue;
            }
        };
        if !on_host {
            // Known to the media host from its first stage on (a pending task costs it
            // nothing); until then, and for any file no stage reported, its URLs are a 404.
            api.host.set_mode(&task_id, mode);
            api.host
                .expire_after(&task_id, retention.saturating_sub(created.elapsed()));
            api.host.has_files(&task_id, []);
            on_host = true;
        }
        let split = task.layout == crate::family::Layout::Separation && task.variant.is_some();
        let layout = task.layout;
        // Every string of the body that is a URL of the media host is a file the task has.
        let mut urls: Vec<String> = Vec::new();
        crate::family::detect::walk_fields(&body, &mut |_, v, _| {
            urls.extend(v.as_str().map(str::to_string));
        });
        api.host
            .has_files(&task_id, urls.iter().map(String::as_str));
        let bytes = Bytes::from(serde_json::to_vec(&body).unwrap_or_default());
        api.store.update(&task_id, |t| {
            t.record
                .change(|r| records::mark(family, layout, r, name, failed.as_ref(), &body, split));
            t.state = TaskState::Generating;
            t.sent.push(Sent {
                stage: name,
                failure: stage.is_failure(),
                body: bytes.clone(),
            });
        });
        if let Some(url) = &task.callback_url {
            let cb = Callback {
                family,
                task_id: task_id.clone(),
                url: url.clone(),
                stage: name,
                body: bytes,
                copies: 1 + stage.duplicates,
                concurrent: stage.concurrent && stage.duplicates > 0,
                failure: stage.is_failure(),
                action: None,
            };
            let (before, api) = (callbacks.take(), api.clone());
            let sends = api.clone();
            callbacks = Some(sends.spawn(Box::pin(async move {
                let so_far = match before {
                    Some(b) => b.await.ok().flatten().unwrap_or(false),
                    None => true,
                };
                callback::send(api, cb).await && so_far
            })));
        }
    }
    let acknowledged = match callbacks {
        Some(c) => c.await.ok().flatten().unwrap_or(false),
        None => true,
    };
    let last_failed = stages.last().is_some_and(PlanStage::is_failure);
    api.store.update(&task_id, |t| {
        t.state = if last_failed {
            TaskState::Failed
        } else {
            TaskState::Succeeded
        };
    });
    // Choice: the docs define CALLBACK_EXCEPTION only as "an error occurred during the
    // callback"; the results stay, and the status says it only when asked.
    if !acknowledged && api.cfg.callback_exception {
        api.store.update(&task_id, |t| {
            t.record.change(|r| records::callback_exception(family, r));
        });
    }
    // Choice: the record outlives its media by a while (`--forget-after`, ten minutes from
    // its creation unless given), so an application testing an expired link
    // (`--retention 5s`) still polls the task and gets the link; then the task is forgotten,
    // and its memory freed.
    let keep = retention.max(api.cfg.forget_after);
    let left = keep.saturating_sub(created.elapsed());
    if left < Duration::from_secs(u64::from(u32::MAX)) {
        tokio::time::sleep(left).await;
        api.store.forget(&task_id);
        api.host.forget(&task_id);
    }
}
