//! `suno-mock demo`: the main job on an embedded default, the reference receiver and a flawed
//! one checked on loopback, and whether the harness found exactly the planted flaws.

use super::args::DemoArgs;
use super::session::status;
use crate::job::demo::{demo, exit_code};
use crate::job::runtime;
use crate::report::Style;

pub fn run(a: DemoArgs) -> i32 {
    let seed = a.seed.unwrap_or_else(rand::random);
    status(runtime().and_then(|rt| {
        rt.block_on(async {
            let intro = || crate::console::out!("{}", crate::report::demo::intro(a.timeout.0));
            let (d, secrets) = demo(a.family, a.timeout.0, seed, intro).await?;
            crate::console::out!(
                "{}",
                secrets.redact(&crate::report::demo::human(&d, &Style::detect()))
            );
            Ok(exit_code(&d))
        })
    }))
}
