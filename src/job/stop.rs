//! What stops a running command: Ctrl-C (SIGINT), SIGTERM (a process manager, `docker stop`,
//! a test runner's teardown) and, when the program that started the tool asks for it with
//! `SUNO_MOCK_STOP_ON_STDIN_EOF=1`, the end of standard input. The Python and Node wrappers
//! ask: they hold the other end of that pipe, and the kernel closes it when the wrapper dies,
//! even by SIGKILL, which no signal handler of theirs could pass on.

use std::io::Read as _;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// The environment variable that makes the end of standard input a stop.
pub const STDIN_EOF_ENV: &str = "SUNO_MOCK_STOP_ON_STDIN_EOF";

/// Why a command was asked to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Ctrl-C, or SIGINT from another process.
    Interrupt,
    /// SIGTERM.
    Terminate,
    /// Standard input ended while `SUNO_MOCK_STOP_ON_STDIN_EOF=1`: the wrapper is gone.
    StdinClosed,
}

impl Stop {
    /// What the tool says when it stops for this reason.
    pub fn said(self) -> &'static str {
        match self {
            Stop::Interrupt => "interrupted",
            Stop::Terminate => "terminated (SIGTERM)",
            Stop::StdinClosed => "the program that started suno-mock is gone (its pipe closed)",
        }
    }
}

/// Every stop request, in the order they came.
pub struct Stops(UnboundedReceiver<Stop>);

impl Stops {
    /// Listens to every source; each is in place when this returns, so a signal right after
    /// a banner is seen (tokio's `ctrl_c()` registers only when first polled). Must be called
    /// inside the runtime.
    pub fn register() -> Stops {
        let (tx, rx) = unbounded_channel();
        signals(&tx);
        if std::env::var_os(STDIN_EOF_ENV).is_some_and(|v| v == "1") {
            // A blocking read on its own thread: tokio's stdin is a blocking read too, and
            // this one must never hold up the runtime's shutdown.
            let tx = tx.clone();
            std::thread::spawn(move || {
                let mut sink = [0u8; 512];
                let mut stdin = std::io::stdin().lock();
                while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
                let _ = tx.send(Stop::StdinClosed);
            });
        }
        Stops(rx)
    }

    /// The next stop request; pending for ever when none can come.
    pub async fn next(&mut self) -> Stop {
        match self.0.recv().await {
            Some(s) => s,
            None => std::future::pending().await,
        }
    }
}

#[cfg(unix)]
fn signals(tx: &UnboundedSender<Stop>) {
    use tokio::signal::unix::{SignalKind, signal};
    for (kind, stop) in [
        (SignalKind::interrupt(), Stop::Interrupt),
        (SignalKind::terminate(), Stop::Terminate),
    ] {
        if let Ok(mut s) = signal(kind) {
            let tx = tx.clone();
            tokio::spawn(async move {
                while s.recv().await.is_some() {
                    if tx.send(stop).is_err() {
                        break;
                    }
                }
            });
        }
    }
}

#[cfg(not(unix))]
fn signals(tx: &UnboundedSender<Stop>) {
    let tx = tx.clone();
    tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            if tx.send(Stop::Interrupt).is_err() {
                break;
            }
        }
    });
}
