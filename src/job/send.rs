//! The `send` job: one delivery of a stage of the family (or N copies, at once if asked) as
//! a one-step scenario, so it shares the engine and reports of `run`; the receiver's side
//! effects observed after it, with the media still served.

use super::{JobError, Session};
use crate::family::Family;
use crate::outcome::RunOutcome;
use crate::scenario::{DeliverStep, Expect, LoadedScenario, Resolved, Scenario, Step, Template};
use crate::wire::StatusMatch;

/// What `send` delivers, as the flags say it.
#[derive(Debug, Clone, Default)]
pub struct SendRequest {
    /// A stage of the family, `success` or `failure`.
    pub kind: String,
    pub code: Option<i64>,
    pub variant: Option<String>,
    /// `PATH=JSON`, as `--set` takes them.
    pub set: Vec<String>,
    pub copies: u32,
    pub concurrent: bool,
}

/// Everything `send` can deliver in some family: success, failure and every stage's name.
pub fn stage_names() -> Vec<&'static str> {
    let mut names = vec!["success", "failure"];
    for f in crate::family::CATALOGUE {
        for n in f.stage_names() {
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    names
}

/// A delivery checked and ready, with what to warn about first.
pub struct Prepared {
    scenario: LoadedScenario,
    pub warnings: Vec<String>,
}

/// Checks the request against `family` (its stages, failure codes and variants) and makes it
/// the one-step scenario it sends.
pub fn prepare(req: &SendRequest, family: &'static Family) -> Result<Prepared, JobError> {
    let usage = JobError::Usage;
    if req.concurrent && req.copies < 2 {
        return Err(usage("--concurrent needs --copies 2 or more".into()));
    }
    // A stage the family lacks is a usage error that names the family's stages.
    let template = Template::from_name(&req.kind)
        .filter(|t| *t != Template::Custom)
        .ok_or_else(|| {
            let names = family.stage_names();
            let guess = crate::wire::words::did_you_mean(&req.kind, &names)
                .map_or(String::new(), |g| format!("did you mean `{g}`? "));
            usage(format!(
                "`{}` is not something to send; {guess}the {} family's deliveries: {}",
                req.kind,
                family.id,
                names.join(", ")
            ))
        })?;
    let resolved = template.resolve(family).map_err(|e| usage(e.to_string()))?;
    let mut warnings = Vec::new();
    if let (Resolved::Failure, Some(code)) = (resolved, req.code) {
        match family.check_failure_code(code) {
            Err(m) => return Err(usage(format!("--code {code}: {m}"))),
            Ok(Some(w)) => warnings.push(format!("warning: --{w}")),
            Ok(None) => {}
        }
    }
    let mut step = DeliverStep::new(template, "sent");
    step.code = req.code;
    if let Some(name) = &req.variant {
        let Resolved::Stage(stage) = resolved else {
            return Err(usage(format!(
                "--variant: a {} has no variants",
                template.name()
            )));
        };
        let names: Vec<&str> = family
            .variants
            .iter()
            .filter(|v| v.stage == stage.name)
            .map(|v| v.name)
            .collect();
        if !names.contains(&name.as_str()) {
            return Err(usage(format!(
                "--variant: the {} family's `{}` stage has no variant `{name}`; its variants: {}",
                family.id,
                stage.name,
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join("; ")
                }
            )));
        }
        step.variant = Some(name.clone());
    }
    step.set = parse_set(&req.set)?;
    step.copies = Some(req.copies);
    step.concurrent = req.concurrent;
    // Acknowledged, not just "status 200": a 200 whose body overflows the cap is not accepted.
    step.expect = Some(Expect {
        status: Some(StatusMatch::Code(200)),
        acknowledged: Some(true),
        ..Expect::default()
    });
    Ok(Prepared {
        scenario: LoadedScenario {
            file: "send".into(),
            scenario: Scenario {
                name: format!("send {}", template.name()),
                rule: None,
                family: Some(family.id.to_string()),
                description: None,
                sender: None,
                tasks: Default::default(),
                steps: vec![Step::Deliver(Box::new(step))],
            },
            step_lines: vec![0],
            warnings: Vec::new(),
            family,
        },
        warnings,
    })
}

fn parse_set(items: &[String]) -> Result<serde_json::Map<String, serde_json::Value>, JobError> {
    let mut out = serde_json::Map::new();
    for item in items {
        let (path, value) = item.split_once('=').ok_or_else(|| {
            JobError::Usage(format!(
                "--set `{item}`: write it as PATH=JSON, like data.extra=1"
            ))
        })?;
        crate::wire::json_path::parse(path)
            .map_err(|e| JobError::Usage(format!("--set `{item}`: {e}")))?;
        let v = serde_json::from_str(value).map_err(|e| {
            JobError::Usage(format!(
                "--set `{item}`: the value is not JSON ({e}); quote strings: --set '{path}=\"{value}\"'"
            ))
        })?;
        out.insert(path.to_string(), v);
    }
    Ok(out)
}

/// Sends the prepared delivery (under task id `task` when given), then waits for the
/// receiver's side effects to settle before the media host goes: a receiver that downloads in
/// the background must find the media still there.
pub async fn send(
    s: &mut Session,
    p: &Prepared,
    task: Option<&str>,
) -> Result<RunOutcome, JobError> {
    if let Some(t) = task {
        s.engine.pin_task("sent", t);
    }
    let mut run = s
        .engine
        .run(std::slice::from_ref(&p.scenario))
        .await
        .map_err(|e| JobError::from(e).redacted(&s.secrets))?;
    if !run.interrupted
        && let Some(step) = run
            .scenarios
            .first_mut()
            .and_then(|sc| sc.steps.first_mut())
        && let Some(task_id) = step.deliveries.first().map(|d| d.task_id.clone())
    {
        let look = tokio::select! {
            r = s.engine.observer.settled("sent", &task_id, None) => Some(r),
            () = s.engine.cancel.cancelled() => None,
        };
        match look {
            Some(Ok(o)) => step.observation = Some(o),
            Some(Err(e)) => crate::console::errln!("warning: could not observe the receiver: {e}"),
            None => run.interrupted = true,
        }
    }
    Ok(run)
}
