//! The client against suno-mock's in-process provider: create, callback, poll; and a failure.

use std::time::Duration;

use axum::Json;
use axum::routing::post;
use music_client::{Client, Error};
use serde_json::Value;
use suno_mock::{MockProvider, TaskState};
use tokio::sync::mpsc;

/// The application's callback endpoint: every body it gets, in order.
async fn callback_endpoint() -> (String, mpsc::UnboundedReceiver<Value>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/callback",
        post(move |Json(body): Json<Value>| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(body);
                Json(serde_json::json!({"status": "received"}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/callback", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, rx)
}

/// A provider started from `builder`, a client of it, and a song created with its callbacks
/// going to an endpoint of the test's own.
async fn song(
    builder: suno_mock::MockProviderBuilder,
) -> (MockProvider, Client, String, mpsc::UnboundedReceiver<Value>) {
    let api = builder.start().await.unwrap();
    let (url, callbacks) = callback_endpoint().await;
    let client = Client::new(api.base_url(), api.api_key());
    let task_id = client.generate("a calm piano piece", &url).await.unwrap();
    (api, client, task_id, callbacks)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_song_is_created_called_back_and_polled_to_its_tracks() {
    let (api, client, task_id, mut callbacks) =
        song(MockProvider::builder().generation_time(Duration::from_millis(300))).await;
    let tracks = client
        .wait(&task_id, Duration::from_millis(50))
        .await
        .unwrap();
    assert_eq!(tracks.len(), 2, "{tracks:?}");
    assert!(
        tracks
            .iter()
            .all(|t| t.audio_url.starts_with(&api.base_url()))
    );
    // The three stages, in order, each once.
    api.wait_for_task(&task_id, TaskState::Succeeded, Duration::from_secs(10))
        .await
        .unwrap();
    let mut stages = Vec::new();
    while let Ok(body) = callbacks.try_recv() {
        stages.push(body["data"]["callbackType"].as_str().unwrap().to_string());
    }
    assert_eq!(stages, ["text", "first", "complete"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_generation_is_an_error_with_the_providers_message() {
    let (api, client, task_id, mut callbacks) = song(
        MockProvider::builder()
            .generation_time(Duration::from_millis(100))
            .plan_yaml(
                "name: the first song fails\ntasks:\n  - family: music\n    stages: [text, {stage: error, code: 531}]\n",
            ),
    )
    .await;
    let err = client
        .wait(&task_id, Duration::from_millis(50))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Failed { .. }), "{err}");
    api.wait_for_task(&task_id, TaskState::Failed, Duration::from_secs(10))
        .await
        .unwrap();
    let last = std::iter::from_fn(|| callbacks.try_recv().ok())
        .last()
        .unwrap();
    assert_eq!(last["code"], 531, "{last}");
    // A bad key is refused as the provider refuses it.
    let wrong = MockProvider::builder()
        .api_key("sk-right")
        .start()
        .await
        .unwrap();
    let err = Client::new(wrong.base_url(), "sk-wrong")
        .generate("x", "http://127.0.0.1:9/callback")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Refused { code: 401, .. }), "{err}");
}
