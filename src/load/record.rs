//! The two things a load run writes as it goes: `--record FILE` (one JSON line per attempt,
//! streamed, never held) and the progress bar on a terminal.

use std::path::Path;

use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::LoadError;

/// Lines sent to the returned channel are appended to `path`; the handle ends when the last
/// sender is dropped and everything is flushed.
pub async fn writer(
    path: &Path,
) -> Result<(mpsc::Sender<String>, JoinHandle<Result<(), LoadError>>), LoadError> {
    let failed = |source| LoadError::Record {
        path: path.to_path_buf(),
        source,
    };
    let file = tokio::fs::File::create(path).await.map_err(failed)?;
    let (tx, mut rx) = mpsc::channel::<String>(4096);
    let path = path.to_path_buf();
    let handle = tokio::spawn(async move {
        let mut out = tokio::io::BufWriter::new(file);
        let written = async {
            while let Some(line) = rx.recv().await {
                out.write_all(line.as_bytes()).await?;
                out.write_all(b"\n").await?;
            }
            out.flush().await
        };
        written
            .await
            .map_err(|source| LoadError::Record { path, source })
    });
    Ok((tx, handle))
}

/// A bar when the number of deliveries is known (tasks and their duplicates), a spinner
/// otherwise; drawn on stderr, the rate in whole deliveries per second. The library without
/// its command line (`default-features = false`) draws nothing.
#[cfg(feature = "cli")]
pub fn progress(deliveries: Option<u64>) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressStyle};
    let (bar, template) = match deliveries {
        Some(n) => (
            ProgressBar::new(n),
            "{bar:40} {pos}/{len} deliveries  {rate}  eta {eta}",
        ),
        None => (
            ProgressBar::new_spinner(),
            "{spinner} {pos} deliveries  {rate}  {elapsed}",
        ),
    };
    if let Ok(s) = ProgressStyle::with_template(template) {
        bar.set_style(s.with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}/s", state.per_sec());
            },
        ));
    }
    bar
}

/// No bar without the command line.
#[cfg(not(feature = "cli"))]
pub fn progress(_deliveries: Option<u64>) -> NoBar {
    NoBar
}

/// What `progress` gives without the command line: a bar that draws nothing.
#[cfg(not(feature = "cli"))]
#[derive(Clone)]
pub struct NoBar;

#[cfg(not(feature = "cli"))]
impl NoBar {
    pub fn set_position(&self, _: u64) {}
    pub fn finish_and_clear(&self) {}
}
