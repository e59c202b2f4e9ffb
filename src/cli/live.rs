//! What `check` and `run` print while they run: the header at once, each finished piece as
//! soon as it is known (a rule's verdict, a scenario's result), and on a terminal a spinner on
//! stderr naming what is running. Every line passes through the redactor first.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::secrets::Secrets;

pub struct Live {
    /// Print to stdout as things happen (human format); JSON waits for the end.
    stream: bool,
    secrets: Secrets,
    spinner: Option<ProgressBar>,
}

impl Live {
    pub fn new(stream: bool, secrets: Secrets) -> Live {
        let spinner = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Live {
            stream,
            secrets,
            spinner,
        }
    }

    /// Whether lines go out as they are known.
    pub fn streams(&self) -> bool {
        self.stream
    }

    /// Prints `text` now (streaming only), above the spinner.
    pub fn print(&self, text: &str) {
        if !self.stream || text.is_empty() {
            return;
        }
        let text = self.secrets.redact(text);
        let show = || crate::console::out!("{text}");
        match &self.spinner {
            Some(bar) => bar.suspend(show),
            None => show(),
        }
    }

    /// What is running now, on the spinner line (terminal only).
    pub fn status(&self, what: &str) {
        if let Some(bar) = &self.spinner {
            bar.set_message(self.secrets.redact(what));
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.spinner {
            bar.finish_and_clear();
        }
    }
}
