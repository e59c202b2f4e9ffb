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
    /// Ends the watch on what the run waits for.
    done: tokio_util::sync::CancellationToken,
}

/// A wait is mentioned once it has lasted this long, and again this often while it lasts.
const QUIET_FOR: Duration = Duration::from_secs(3);
const SAY_AGAIN: Duration = Duration::from_secs(5);

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
            done: tokio_util::sync::CancellationToken::new(),
        }
    }

    /// Says what the run is waiting for while it waits (issue 19: a minute of silence read as
    /// a hang): on a terminal on the spinner line; elsewhere (a CI log) as a line on stderr
    /// once a wait has lasted 3 s, and every 5 s while it lasts. Stdout is untouched.
    pub fn watch(self: &std::sync::Arc<Self>, activity: std::sync::Arc<crate::job::Activity>) {
        let live = self.clone();
        tokio::spawn(async move {
            let mut said: Option<std::time::Instant> = None;
            let mut tick = tokio::time::interval(Duration::from_millis(500));
            loop {
                tokio::select! {
                    () = live.done.cancelled() => return,
                    _ = tick.tick() => {}
                }
                let Some(what) = activity.describe(QUIET_FOR) else {
                    said = None;
                    continue;
                };
                let what = live.secrets.redact(&what);
                match &live.spinner {
                    Some(bar) => bar.set_message(what),
                    None if said.is_none_or(|t| t.elapsed() >= SAY_AGAIN) => {
                        crate::console::errln!("… {what}");
                        said = Some(std::time::Instant::now());
                    }
                    None => {}
                }
            }
        });
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
        self.done.cancel();
        if let Some(bar) = &self.spinner {
            bar.finish_and_clear();
        }
    }
}

/// Verdict lines held back until every rule before them in the report's order has gone out,
/// so the streamed report reads the same on every run although concurrent scenarios end in
/// any order.
pub struct InOrder {
    order: Vec<&'static str>,
    next: usize,
    held: std::collections::HashMap<&'static str, String>,
    printed: Vec<&'static str>,
}

impl InOrder {
    /// `order`: the ids whose verdicts will be streamed, in report order.
    pub fn new(order: Vec<&'static str>) -> InOrder {
        InOrder {
            order,
            next: 0,
            held: Default::default(),
            printed: Vec::new(),
        }
    }

    /// Takes `id`'s line and returns what may be printed now (possibly nothing, possibly the
    /// lines of later rules that were waiting for this one). An id outside the order goes
    /// out at once.
    pub fn push(&mut self, id: &'static str, line: String) -> String {
        if !self.order.contains(&id) {
            self.printed.push(id);
            return line;
        }
        self.held.insert(id, line);
        let mut out = String::new();
        while let Some(line) = self
            .order
            .get(self.next)
            .and_then(|id| self.held.remove(id))
        {
            out.push_str(&line);
            self.printed.push(self.order[self.next]);
            self.next += 1;
        }
        out
    }

    /// The ids whose lines went out; the rest belong in the final report.
    pub fn printed(&self) -> &[&'static str] {
        &self.printed
    }
}

#[cfg(test)]
mod tests {
    use super::InOrder;

    #[test]
    fn lines_go_out_in_order_whatever_order_they_arrive_in() {
        let mut o = InOrder::new(vec!["a", "b", "c"]);
        assert_eq!(o.push("c", "C\n".into()), "");
        assert_eq!(o.push("a", "A\n".into()), "A\n");
        assert_eq!(o.push("x", "X\n".into()), "X\n");
        assert_eq!(o.push("b", "B\n".into()), "B\nC\n");
        assert_eq!(o.printed(), ["a", "x", "b", "c"]);
    }

    #[test]
    fn a_line_waiting_for_a_rule_that_never_ended_is_not_counted_as_printed() {
        let mut o = InOrder::new(vec!["a", "b"]);
        assert_eq!(o.push("b", "B\n".into()), "");
        assert!(o.printed().is_empty());
    }
}
