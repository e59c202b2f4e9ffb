//! `suno-mock send STAGE`: one delivery (or N copies) of a stage of the family, printed as an
//! exchange.

use super::args::SendArgs;
use super::session::{Fatal, Limits, Output, emit, runtime, setup};
use crate::exit;
use crate::report::{human, junit};
use crate::scenario::{DeliverStep, Expect, LoadedScenario, Resolved, Scenario, Step, Template};
use crate::wire::StatusMatch;

fn parse_set(items: &[String]) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let mut out = serde_json::Map::new();
    for item in items {
        let (path, value) = item
            .split_once('=')
            .ok_or_else(|| format!("--set `{item}`: write it as PATH=JSON, like data.extra=1"))?;
        crate::wire::json_path::parse(path).map_err(|e| format!("--set `{item}`: {e}"))?;
        let v = serde_json::from_str(value).map_err(|e| {
            format!("--set `{item}`: the value is not JSON ({e}); quote strings: --set '{path}=\"{value}\"'")
        })?;
        out.insert(path.to_string(), v);
    }
    Ok(out)
}

/// The delivery as a one-step scenario, so `send` shares the engine and reports of `run`.
fn scenario(args: &SendArgs, template: Template) -> Result<LoadedScenario, String> {
    let family = args.sender.family;
    let mut step = DeliverStep::new(template, "sent");
    step.code = args.code;
    if let Some(name) = &args.variant {
        let stage = match template.resolve(family) {
            Ok(Resolved::Stage(s)) => s.name,
            _ => return Err(format!("--variant: a {} has no variants", template.name())),
        };
        let names: Vec<&str> = family
            .variants
            .iter()
            .filter(|v| v.stage == stage)
            .map(|v| v.name)
            .collect();
        if !names.contains(&name.as_str()) {
            return Err(format!(
                "--variant: the {} family's `{stage}` stage has no variant `{name}`; its variants: {}",
                family.id,
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join("; ")
                }
            ));
        }
        step.variant = Some(name.clone());
    }
    step.set = parse_set(&args.set)?;
    step.copies = Some(args.copies);
    step.concurrent = args.concurrent;
    // Acknowledged, not just "status 200": a 200 whose body overflows the cap is not accepted.
    step.expect = Some(Expect {
        status: Some(StatusMatch::Code(200)),
        acknowledged: Some(true),
        ..Expect::default()
    });
    Ok(LoadedScenario {
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
    })
}

pub fn run(args: SendArgs) -> i32 {
    if args.concurrent && args.copies < 2 {
        crate::console::errln!("error: --concurrent needs --copies 2 or more");
        return exit::USAGE;
    }
    let family = args.sender.family;
    // A stage the family lacks is a usage error that names the family's stages.
    let template = match Template::from_name(&args.kind)
        .filter(|t| *t != Template::Custom)
        .ok_or_else(|| {
            format!(
                "`{}` is not something to send; the {} family's deliveries: {}",
                args.kind,
                family.id,
                family.stage_names().join(", ")
            )
        })
        .and_then(|t| t.resolve(family).map(|_| t))
    {
        Ok(t) => t,
        Err(m) => {
            crate::console::errln!("error: {m}");
            return exit::USAGE;
        }
    };
    if let (Ok(Resolved::Failure), Some(code)) = (template.resolve(family), args.code) {
        match family.check_failure_code(code) {
            Err(m) => {
                crate::console::errln!("error: --code {code}: {m}");
                return exit::USAGE;
            }
            Ok(Some(w)) => crate::console::errln!("warning: --{w}"),
            Ok(None) => {}
        }
    }
    let sc = match scenario(&args, template) {
        Ok(s) => s,
        Err(m) => {
            crate::console::errln!("error: {m}");
            return exit::USAGE;
        }
    };
    match args
        .report
        .check_paths()
        .and_then(|()| runtime())
        .and_then(|rt| rt.block_on(execute(&args, sc)))
    {
        Ok(code) => code,
        Err(Fatal(code, m)) => {
            crate::console::errln!("error: {m}");
            code
        }
    }
}

async fn execute(args: &SendArgs, sc: LoadedScenario) -> Result<i32, Fatal> {
    let mut s = setup(&args.sender, &args.observe, Limits::default()).await?;
    if let Some(t) = &args.task {
        s.engine.pin_task("sent", t);
    }
    let mut run = s
        .engine
        .run(std::slice::from_ref(&sc))
        .await
        .map_err(|e| Fatal(exit::HARNESS, s.secrets.redact(&e.to_string())))?;
    // The media host stays up until the receiver's side effects settle (downloads in progress
    // included, bounded by --max-wait): a receiver that downloads in the background must find
    // the video still there (issue 9).
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
    let code = crate::job::exit_policy::scenarios(&run);
    let text = human::exchange(&run, args.verbose, &s.style);
    let xml = junit::render(
        "suno-mock send",
        junit::run_cases(&run),
        std::time::Duration::from_secs_f64(run.duration_ms / 1000.0),
    );
    let out = Output {
        command: "send",
        run: &run,
        rules: None,
        human: text,
        junit: xml,
        code,
        deadline: s.engine.cfg.policy.timeout,
    };
    Ok(emit(&args.report, &s.secrets, out))
}
