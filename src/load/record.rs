//! The two things a load run writes as it goes: `--record FILE` (one JSON line per attempt,
//! streamed, never held) and the progress bar on a terminal.

use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Lines sent to the returned channel are appended to `path`; the handle ends when the last
/// sender is dropped and everything is flushed.
pub async fn writer(
    path: &Path,
) -> Result<(mpsc::Sender<String>, JoinHandle<Result<(), String>>), String> {
    let file = tokio::fs::File::create(path)
        .await
        .map_err(|e| format!("cannot write the record {}: {e}", path.display()))?;
    let (tx, mut rx) = mpsc::channel::<String>(4096);
    let shown = path.display().to_string();
    let handle = tokio::spawn(async move {
        let mut out = tokio::io::BufWriter::new(file);
        while let Some(line) = rx.recv().await {
            out.write_all(line.as_bytes())
                .await
                .map_err(|e| format!("writing {shown}: {e}"))?;
            out.write_all(b"\n")
                .await
                .map_err(|e| format!("writing {shown}: {e}"))?;
        }
        out.flush()
            .await
            .map_err(|e| format!("writing {shown}: {e}"))
    });
    Ok((tx, handle))
}

/// A bar when the number of deliveries is known (tasks and their duplicates), a spinner
/// otherwise; drawn on stderr, the rate in whole deliveries per second.
pub fn progress(deliveries: Option<u64>) -> ProgressBar {
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
