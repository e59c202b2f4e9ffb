//! `suno-mock send success|failure`: one delivery (or N copies), printed as an exchange.

use super::args::{SendArgs, SendKind};
use super::run_cmd::run_exit;
use super::session::{Fatal, Output, emit, runtime, setup};
use crate::exit;
use crate::report::{human, junit};
use crate::scenario::{DeliverStep, Expect, LoadedScenario, Scenario, Step, Template};
use crate::sender::StatusMatch;

fn parse_set(items: &[String]) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let mut out = serde_json::Map::new();
    for item in items {
        let (path, value) = item
            .split_once('=')
            .ok_or_else(|| format!("--set `{item}`: write it as PATH=JSON, like data.extra=1"))?;
        crate::payload::json_path::parse(path).map_err(|e| format!("--set `{item}`: {e}"))?;
        let v = serde_json::from_str(value).map_err(|e| {
            format!("--set `{item}`: the value is not JSON ({e}); quote strings: --set '{path}=\"{value}\"'")
        })?;
        out.insert(path.to_string(), v);
    }
    Ok(out)
}

/// The delivery as a one-step scenario, so `send` shares the engine and reports of `run`.
fn scenario(args: &SendArgs) -> Result<LoadedScenario, String> {
    let template = match args.kind {
        SendKind::Success => Template::Success,
        SendKind::Failure => Template::Failure,
    };
    let mut step = DeliverStep::new(template, "sent");
    step.code = args.code;
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
            name: format!(
                "send {}",
                if args.kind == SendKind::Success {
                    "success"
                } else {
                    "failure"
                }
            ),
            rule: None,
            description: None,
            sender: None,
            tasks: Default::default(),
            steps: vec![Step::Deliver(Box::new(step))],
        },
        step_lines: vec![0],
    })
}

pub fn run(args: SendArgs) -> i32 {
    if args.concurrent && args.copies < 2 {
        eprintln!("error: --concurrent needs --copies 2 or more");
        return exit::USAGE;
    }
    let sc = match scenario(&args) {
        Ok(s) => s,
        Err(m) => {
            eprintln!("error: {m}");
            return exit::USAGE;
        }
    };
    match runtime().and_then(|rt| rt.block_on(execute(&args, sc))) {
        Ok(code) => code,
        Err(Fatal(code, m)) => {
            eprintln!("error: {m}");
            code
        }
    }
}

async fn execute(args: &SendArgs, sc: LoadedScenario) -> Result<i32, Fatal> {
    let mut s = setup(&args.sender).await?;
    if let Some(t) = &args.task {
        s.engine.pin_task("sent", t);
    }
    let run = s
        .engine
        .run(std::slice::from_ref(&sc))
        .await
        .map_err(|e| Fatal(exit::HARNESS, s.secrets.redact(&e.to_string())))?;
    let code = run_exit(&run);
    let text = human::exchange(&run, &s.style);
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
    };
    Ok(emit(&args.sender, &s.secrets, out))
}
