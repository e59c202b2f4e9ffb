//! The provider's callback families as data, one small file each: where the task id sits, the
//! stages and their bodies, the failure codes and messages, the media the bodies point at, the
//! variants the docs allow, the polling endpoint and its statuses, the sender's deadline. Every
//! layer that renders, sends, checks or serves a callback reads this catalogue; nothing here
//! imports from a layer above it.

mod cover;
pub mod detect;
mod lyrics;
mod midi;
mod music;
mod render;
mod replace_section;
pub mod shape;
mod stems;
mod video;
mod voice;
mod wav;

use std::time::Duration;

pub use render::{Fill, MediaRef, RenderError, body, media_refs, render};

/// The kinds of file the media host serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    Mp3,
    Jpeg,
    Png,
    Wav,
    Mp4,
}

impl MediaKind {
    pub fn ext(self) -> &'static str {
        match self {
            MediaKind::Mp3 => "mp3",
            MediaKind::Jpeg => "jpeg",
            MediaKind::Png => "png",
            MediaKind::Wav => "wav",
            MediaKind::Mp4 => "mp4",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            MediaKind::Mp3 => "audio/mpeg",
            MediaKind::Jpeg => "image/jpeg",
            MediaKind::Png => "image/png",
            MediaKind::Wav => "audio/wav",
            MediaKind::Mp4 => "video/mp4",
        }
    }

    pub fn from_ext(ext: &str) -> Option<MediaKind> {
        [
            MediaKind::Mp3,
            MediaKind::Jpeg,
            MediaKind::Png,
            MediaKind::Wav,
            MediaKind::Mp4,
        ]
        .into_iter()
        .find(|k| k.ext() == ext)
    }
}

/// One callback of a task that reports progress or success, with its body template.
///
/// Templates are JSON. A string value that is a whole placeholder is replaced when rendered:
/// `{task_id}`; `{media:KIND:SLOT}` (a URL on the media host, `KIND` one of mp3, jpeg, png,
/// wav, mp4); `{id:N}` (a stable id derived from the task id); `{code}` (the number) and
/// `{msg}` in failure bodies.
#[derive(Debug, Clone, Copy)]
pub struct Stage {
    /// `text`, `first`, `complete` for music; `success` for one-callback families.
    pub name: &'static str,
    pub body: &'static str,
}

/// A failure `code` the provider documents for the family, and its `msg`.
#[derive(Debug, Clone, Copy)]
pub struct FailureCode {
    pub code: i64,
    pub msg: &'static str,
}

/// One change the docs allow to a stage's body (another `msg` text, a field present or not, a
/// number written as a string): a correct receiver accepts every one.
#[derive(Debug, Clone, Copy)]
pub struct Variant {
    pub name: &'static str,
    /// The stage whose body it changes.
    pub stage: &'static str,
    /// JSON paths and the JSON text to put there (`null` included).
    pub set: &'static [(&'static str, &'static str)],
    /// JSON paths to delete.
    pub remove: &'static [&'static str],
}

/// How a family's record-info answer is laid out (the provider's details pages differ by
/// family: where the result sits, the status key and its type, the time format).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `response.videoUrl`, `successFlag` string, epoch-ms times.
    Video,
    /// `response.sunoData[]` camelCase tracks, `status` string, no task times (music and
    /// replace-section).
    Music,
    /// `response.data[]`, `status` string, `type: LYRICS`.
    Lyrics,
    /// `musicId`, `musicIndex`, `response.audioWavUrl`, `"YYYY-MM-DD HH:MM:SS"` times.
    Wav,
    /// `musicId`, flat camelCase `response` with the 13 stem URLs and `originData[]`.
    Separation,
    /// `midiData` directly under `data`, integer `successFlag`, `recordTaskId`.
    Midi,
    /// `parentTaskId`, `response.images[]`, integer `successFlag`, ISO times.
    Cover,
    /// Flat: `voiceId` and `status` directly under `data`.
    Voice,
    /// Flat: `validateInfo` (the phrase to record) and `status` (Suno Voice's validate-info).
    VoiceValidate,
}

/// Where a family's task is created and polled, and the statuses it reports.
#[derive(Debug, Clone, Copy)]
pub struct Polling {
    /// How its record-info answer is laid out.
    pub layout: Layout,
    /// `POST` path that creates a task (empty: not offered by `serve`).
    pub create: &'static str,
    /// The create request's required string fields besides `callBackUrl`.
    pub required: &'static [&'static str],
    /// What a create names besides `callBackUrl`, and how `serve` checks it.
    pub source: Source,
    /// The scope `serve`'s seeded task ids of this family are drawn from (the same ids for
    /// the same `--seed`, run after run).
    pub id_scope: &'static str,
    /// `GET` path that reports a task (`?taskId=`).
    pub path: &'static str,
    /// The key of the status in the report (`successFlag`, `status`).
    pub flag: &'static str,
    pub statuses: &'static [&'static str],
    /// Which of `statuses` mean pending, success and failure (an integer flag when numeric).
    pub pending: &'static str,
    pub success: &'static str,
    pub failed: &'static str,
}

/// What a family's create names besides `callBackUrl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Its `required` string fields, each present and non-empty.
    Fields,
    /// A finished track of the provider's own: `taskId` and `audioId` (its `required`), each
    /// track made into one task only (a second is refused with code 409 and `conflict`), with
    /// `author` and `domainName` of at most 50 characters; record-info names the task's
    /// `operationType`.
    Track {
        operation_type: &'static str,
        conflict: &'static str,
    },
}

#[derive(Debug, Clone, Copy)]
pub struct Family {
    pub id: &'static str,
    /// What the provider calls the task, and its create endpoint.
    pub title: &'static str,
    /// JSON path of the task id in a callback body (`data.task_id`, `data.taskId`, `task_id`).
    pub task_id_path: &'static str,
    /// The success-shaped callbacks of a task, in the order they are sent.
    pub stages: &'static [Stage],
    /// Failures go out as the `error` stage (`data.callbackType: error`).
    pub error_stage: bool,
    /// The failure body template (`{code}`, `{msg}`, `{task_id}`).
    pub failure_body: &'static str,
    pub failure_codes: &'static [FailureCode],
    pub variants: &'static [Variant],
    pub polling: Polling,
    /// The sender's deadline per attempt for this family.
    pub deadline: Duration,
    /// How long the provider keeps the media.
    pub retention_days: u32,
    /// What a create costs in `serve` by default (`--price FAMILY=N` changes it): the
    /// provider does not publish its prices per operation, these are the mock's.
    pub price: u64,
    /// What `check` verifies for this family beyond the common rules (README table).
    pub checks_also: &'static str,
}

pub const DEFAULT: &str = "video";

/// The families other tables name by reference (the mock API's operations and Suno Voice's
/// validate): the same declarations the catalogue holds.
pub const MUSIC: &Family = &music::FAMILY;
pub const REPLACE_SECTION: &Family = &replace_section::FAMILY;
pub const VOICE: &Family = &voice::FAMILY;

/// Every family, `video` first.
pub static CATALOGUE: &[Family] = &[
    video::FAMILY,
    music::FAMILY,
    replace_section::FAMILY,
    lyrics::FAMILY,
    wav::FAMILY,
    stems::FAMILY,
    midi::FAMILY,
    cover::FAMILY,
    voice::FAMILY,
];

/// The default family, `video`.
pub fn video() -> &'static Family {
    &CATALOGUE[0]
}

pub fn find(id: &str) -> Option<&'static Family> {
    CATALOGUE.iter().find(|f| f.id == id)
}

pub fn ids() -> Vec<&'static str> {
    CATALOGUE.iter().map(|f| f.id).collect()
}

/// What `build` makes of `f`, made for every family the first time one is asked for and kept
/// in `cell` for the life of the process (documented paths, documented types).
pub(crate) fn per_family<T>(
    cell: &'static std::sync::OnceLock<Vec<T>>,
    f: &Family,
    build: fn(&Family) -> T,
) -> &'static T {
    let all = cell.get_or_init(|| CATALOGUE.iter().map(build).collect());
    let i = CATALOGUE.iter().position(|c| c.id == f.id).unwrap_or(0);
    &all[i]
}

/// `unknown family `x`; families: video, music, ...`.
pub fn unknown_message(id: &str) -> String {
    let hint = crate::wire::words::did_you_mean(&id.to_ascii_lowercase(), &ids())
        .map(|m| format!("did you mean `{m}`? "))
        .unwrap_or_default();
    format!(
        "unknown family `{id}`; {hint}families: {}",
        ids().join(", ")
    )
}

/// A failure callback given code 200, which is a success.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "a failure callback with code 200 is a success callback; use success, or a failure code: {documented}"
)]
pub struct SuccessCode {
    /// The family's documented failure codes, listed.
    pub documented: String,
}

impl Family {
    /// The last success-shaped stage: what `success` means, and what is duplicated.
    pub fn final_stage(&self) -> &'static Stage {
        self.stages
            .last()
            .expect("every family has a success stage")
    }

    pub fn stage(&self, name: &str) -> Option<&'static Stage> {
        self.stages.iter().find(|s| s.name == name)
    }

    /// The fields that carry media URLs in this family's bodies (`video_url`; `audio_url`,
    /// `image_url`...), each once, in the order the bodies give them.
    pub fn media_fields(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in self.stages.iter().flat_map(|s| media_refs(s.body)) {
            // The field's own name: `images` for `data.images.0`.
            let field = r.path.rsplit('.').find(|p| p.parse::<usize>().is_err());
            if let Some(f) = field.filter(|f| !out.iter().any(|o| o == f)) {
                out.push(f.to_string());
            }
        }
        out
    }

    /// More than one callback per task (music's `text`, `first`, `complete`).
    pub fn staged(&self) -> bool {
        self.stages.len() > 1
    }

    /// The names a scenario or `send` may use for this family's deliveries.
    pub fn stage_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&str> = self.stages.iter().map(|s| s.name).collect();
        if self.error_stage {
            names.push("error");
        }
        if !names.contains(&"success") {
            names.push("success");
        }
        names.push("failure");
        names
    }

    /// The name of its failure callback's stage: `error` where the family has that stage,
    /// else `failure`.
    pub fn failure_stage(&self) -> &'static str {
        if self.error_stage { "error" } else { "failure" }
    }

    pub fn failure_msg(&self, code: i64) -> &'static str {
        self.failure_codes
            .iter()
            .find(|f| f.code == code)
            .or(self.failure_codes.first())
            .map(|f| f.msg)
            .unwrap_or("failed")
    }

    /// The first documented failure code: what `failure` sends without `code:`.
    pub fn default_failure_code(&self) -> i64 {
        self.failure_codes.first().map(|f| f.code).unwrap_or(500)
    }

    /// Whether a failure callback may carry `code`: never 200; a warning for an undocumented one.
    pub fn check_failure_code(&self, code: i64) -> Result<Option<String>, SuccessCode> {
        let documented: Vec<String> = self
            .failure_codes
            .iter()
            .map(|f| f.code.to_string())
            .collect();
        if code == 200 {
            return Err(SuccessCode {
                documented: documented.join(", "),
            });
        }
        if self.failure_codes.iter().any(|f| f.code == code) {
            Ok(None)
        } else {
            Ok(Some(format!(
                "code {code} is not a failure code the provider documents for {} ({}); it is sent as written",
                self.id,
                documented.join(", ")
            )))
        }
    }

    /// Media the family's success bodies point at.
    pub fn has_media(&self) -> bool {
        self.stages.iter().any(|s| !media_refs(s.body).is_empty())
    }
}
