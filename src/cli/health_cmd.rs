//! `suno-mock health`: whether a `serve` answers, for a container's health check (the image
//! has no shell and no curl).

use std::time::Duration;

use super::session::status;

pub fn run(url: &url::Url, timeout: Duration) -> i32 {
    status(crate::job::runtime().map(
        |rt| match rt.block_on(crate::job::health::ask(url, timeout)) {
            Ok(()) => {
                crate::console::outln!("ready: {url} answered 200");
                crate::exit::SUCCESS
            }
            Err(why) => {
                crate::console::errln!("not ready: {url}: {why}");
                crate::exit::FAILED
            }
        },
    ))
}
