//! The bodies the media host streams. Each counts a completed download when its last byte has
//! been handed to the connection, and none holds more than one chunk beyond the sample file.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use futures_util::stream;

use super::HostState;
use crate::family::MediaKind;

type Chunk = Result<Bytes, std::io::Error>;
const CHUNK: usize = 64 * 1024;

/// Chunks of `data`; the download counts as completed when the last chunk is handed to the
/// connection (with a Content-Length, hyper never asks for the end of the stream).
fn counted(
    state: Arc<HostState>,
    task_id: String,
    chunks: Vec<Bytes>,
    pause: Duration,
) -> impl Stream<Item = Chunk> + Send {
    stream::unfold((chunks.into_iter(), true), move |(mut it, first)| {
        let (state, task_id) = (state.clone(), task_id.clone());
        async move {
            let c = it.next()?;
            if !first && !pause.is_zero() {
                tokio::time::sleep(pause).await;
            }
            if it.len() == 0 {
                state.completed(&task_id);
            }
            Some((Ok(c), (it, false)))
        }
    })
}

pub(super) fn whole(
    state: Arc<HostState>,
    task_id: String,
    data: &'static [u8],
) -> impl Stream<Item = Chunk> + Send {
    counted(
        state,
        task_id,
        vec![Bytes::from_static(data)],
        Duration::ZERO,
    )
}

/// The file in 20 pieces spread over `over`.
pub(super) fn trickle(
    state: Arc<HostState>,
    task_id: String,
    data: &'static [u8],
    over: Duration,
) -> impl Stream<Item = Chunk> + Send {
    let pieces = 20;
    let size = data.len().div_ceil(pieces);
    let chunks: Vec<Bytes> = data.chunks(size).map(Bytes::from_static).collect();
    let pause = over / chunks.len().max(1) as u32;
    counted(state, task_id, chunks, pause)
}

/// Half the file, then the connection is cut (the announced length is the whole file). The
/// pause lets the first half reach the client before the cut, as on a real dropped link.
pub(super) fn truncated(data: &'static [u8]) -> impl Stream<Item = Chunk> + Send {
    let half = Bytes::from_static(&data[..data.len() / 2]);
    let cut = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "truncated on purpose",
        ))
    };
    futures_util::StreamExt::chain(stream::iter([Ok(half)]), stream::once(cut))
}

/// The sample file padded to `total` bytes, generated chunk by chunk. An MP4 is padded with a
/// `free` box, so it stays a valid MP4; other kinds with zeros after the file's end, which
/// their decoders skip as trailing data.
pub(super) fn large(
    state: Arc<HostState>,
    task_id: String,
    kind: MediaKind,
    total: u64,
) -> impl Stream<Item = Chunk> + Send {
    let data = super::sample(kind);
    let pad = total - data.len() as u64;
    let mut header = Vec::with_capacity(8);
    if kind == MediaKind::Mp4 {
        header.extend_from_slice(&(pad as u32).to_be_bytes());
        header.extend_from_slice(b"free");
    } else {
        header.extend_from_slice(&[0u8; 8]);
    }
    let zeros = Bytes::from(vec![0u8; CHUNK]);
    let remaining = pad - 8;
    let head = stream::iter([Ok(Bytes::from_static(data)), Ok(Bytes::from(header))]);
    let tail = stream::unfold(remaining, move |remaining| {
        let (zeros, state, task_id) = (zeros.clone(), state.clone(), task_id.clone());
        async move {
            if remaining == 0 {
                return None;
            }
            let take = remaining.min(CHUNK as u64);
            if take == remaining {
                state.completed(&task_id);
            }
            Some((Ok(zeros.slice(..take as usize)), remaining - take))
        }
    });
    futures_util::StreamExt::chain(head, tail)
}
