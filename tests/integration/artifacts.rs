//! The media host: a real MP4, download counts, and each per-task mode.

use std::io::Cursor;
use std::time::{Duration, Instant};

use suno_mock::artifacts::{LARGE_BYTES, MediaHost, SAMPLE_MP4};
use suno_mock::wire::MediaMode;

async fn host() -> MediaHost {
    MediaHost::start(([127, 0, 0, 1], 0).into(), None, None)
        .await
        .unwrap()
}

#[test]
fn artifacts_serve_a_real_mp4() {
    let ctx = mp4parse::read_mp4(&mut Cursor::new(SAMPLE_MP4)).expect("parses as MP4");
    assert_eq!(ctx.tracks.len(), 2, "a video and an audio track");
    assert!(
        ctx.tracks
            .iter()
            .any(|t| t.track_type == mp4parse::TrackType::Video)
    );
}

#[tokio::test]
async fn normal_mode_serves_the_file_and_counts_completed_downloads() {
    let h = host().await;
    h.set_mode("t1", MediaMode::Normal);
    let body = reqwest::get(h.url_for("t1"))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&body[..], SAMPLE_MP4);
    let d = h.downloads("t1");
    assert_eq!((d.requests, d.completed), (1, 1));
    assert_eq!(
        reqwest::get(h.url_for("unknown")).await.unwrap().status(),
        404
    );
}

#[tokio::test]
async fn expired_mode_no_longer_serves_the_file() {
    let h = host().await;
    h.set_mode("old", MediaMode::Expired);
    let r = reqwest::get(h.url_for("old")).await.unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(h.downloads("old").completed, 0);
    assert_eq!(h.downloads("old").requests, 1);
}

#[tokio::test]
async fn truncated_mode_cuts_the_connection_halfway() {
    let h = host().await;
    h.set_mode("cut", MediaMode::Truncated);
    let r = reqwest::get(h.url_for("cut")).await.unwrap();
    assert_eq!(r.content_length(), Some(SAMPLE_MP4.len() as u64));
    assert!(r.bytes().await.is_err(), "the body ends early");
    assert_eq!(h.downloads("cut").completed, 0);
}

#[tokio::test]
async fn slow_mode_trickles_the_file_out_over_the_set_time() {
    let h = host().await;
    h.set_slow_over(Duration::from_millis(600));
    h.set_mode("slow", MediaMode::Slow);
    let start = Instant::now();
    let body = reqwest::get(h.url_for("slow"))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(500),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(&body[..], SAMPLE_MP4);
}

#[tokio::test]
async fn large_mode_streams_a_valid_mp4_of_many_megabytes() {
    let h = host().await;
    h.set_mode("big", MediaMode::Large);
    let mut r = reqwest::get(h.url_for("big")).await.unwrap();
    assert_eq!(r.content_length(), Some(LARGE_BYTES));
    let mut n = 0u64;
    let mut head = Vec::new();
    while let Some(c) = r.chunk().await.unwrap() {
        if head.len() < SAMPLE_MP4.len() + 8 {
            head.extend_from_slice(&c[..c.len().min(SAMPLE_MP4.len() + 8 - head.len())]);
        }
        n += c.len() as u64;
    }
    assert_eq!(n, LARGE_BYTES);
    assert_eq!(
        &head[SAMPLE_MP4.len() + 4..],
        b"free",
        "padding is an MP4 free box"
    );
    assert_eq!(h.downloads("big").completed, 1);
}
