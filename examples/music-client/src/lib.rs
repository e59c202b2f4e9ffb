//! A client of the provider's music generation, as an application has one: create a task with
//! a callback URL, and poll `record-info` until its tracks are ready or it failed.

use std::time::Duration;

use serde_json::{Value, json};

/// Why a call did not give what was asked.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request did not get an answer.
    #[error("request failed: {0}")]
    Http(#[from] reqwest::Error),
    /// The provider answered with a `code` other than 200.
    #[error("the provider refused: {code} {msg}")]
    Refused { code: i64, msg: String },
    /// The task ended without its tracks.
    #[error("task {task_id} failed: {status} {message}")]
    Failed {
        task_id: String,
        status: String,
        message: String,
    },
}

/// A finished track.
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    pub id: String,
    pub audio_url: String,
    pub title: String,
}

/// The provider's API at `base_url` with `api_key`.
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    api_key: String,
}

impl Client {
    pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> Client {
        Client {
            http: reqwest::Client::new(),
            base_url: base_url.into(),
            api_key: api_key.into(),
        }
    }

    async fn call(&self, req: reqwest::RequestBuilder) -> Result<Value, Error> {
        let body: Value = req.bearer_auth(&self.api_key).send().await?.json().await?;
        match body["code"].as_i64() {
            Some(200) => Ok(body["data"].clone()),
            code => Err(Error::Refused {
                code: code.unwrap_or(0),
                msg: body["msg"].as_str().unwrap_or_default().to_string(),
            }),
        }
    }

    /// Starts a song from a prompt; its task id. The provider calls `callback_url` back.
    pub async fn generate(&self, prompt: &str, callback_url: &str) -> Result<String, Error> {
        let data = self
            .call(
                self.http
                    .post(format!("{}/api/v1/generate", self.base_url))
                    .json(&json!({
                        "prompt": prompt,
                        "customMode": false,
                        "instrumental": false,
                        "model": "V4_5",
                        "callBackUrl": callback_url,
                    })),
            )
            .await?;
        Ok(data["taskId"].as_str().unwrap_or_default().to_string())
    }

    /// Polls the task every `every` until its tracks are ready (or it failed).
    pub async fn wait(&self, task_id: &str, every: Duration) -> Result<Vec<Track>, Error> {
        loop {
            let data = self
                .call(
                    self.http
                        .get(format!("{}/api/v1/generate/record-info", self.base_url))
                        .query(&[("taskId", task_id)]),
                )
                .await?;
            let status = data["status"].as_str().unwrap_or_default();
            match status {
                "SUCCESS" => {
                    let tracks = data["response"]["sunoData"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    return Ok(tracks
                        .iter()
                        .map(|t| Track {
                            id: t["id"].as_str().unwrap_or_default().to_string(),
                            audio_url: t["audioUrl"].as_str().unwrap_or_default().to_string(),
                            title: t["title"].as_str().unwrap_or_default().to_string(),
                        })
                        .collect());
                }
                "PENDING" | "TEXT_SUCCESS" | "FIRST_SUCCESS" => tokio::time::sleep(every).await,
                _ => {
                    return Err(Error::Failed {
                        task_id: task_id.to_string(),
                        status: status.to_string(),
                        message: data["errorMessage"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    });
                }
            }
        }
    }
}
