//! `music`: generate, extend, upload-cover, upload-extend, add-instrumental, add-vocals. Three
//! callbacks per task (`text`, `first`, `complete`), or an `error` one. The `text` and `first`
//! bodies are not shown in the provider's docs; they follow the `complete` shape with the
//! tracks not done yet (kie.ai: `data.data` is empty on `text`), and the variants cover the
//! shapes the sources disagree on.

use std::time::Duration;

use super::{FailureCode, Family, Layout, Polling, Source, Stage, Variant};

pub const FAMILY: Family = Family {
    id: "music",
    title: "music generation (POST /api/v1/generate and extend, upload-cover, upload-extend, add-instrumental, add-vocals)",
    task_id_path: "data.task_id",
    stages: &[
        Stage {
            name: "text",
            body: r#"{"code":200,"msg":"Text generation completed.","data":{"callbackType":"text","task_id":"{task_id}","data":[
                {"id":"{id:1}","audio_url":"","stream_audio_url":"","image_url":"","prompt":"[Verse] Neon rain on the avenue","model_name":"chirp-v3-5","title":"Iron Man","tags":"electrifying, rock","createTime":"2025-01-01 00:00:00","duration":null},
                {"id":"{id:2}","audio_url":"","stream_audio_url":"","image_url":"","prompt":"[Verse] Neon rain on the avenue","model_name":"chirp-v3-5","title":"Iron Man","tags":"electrifying, rock","createTime":"2025-01-01 00:00:00","duration":null}]}}"#,
        },
        Stage {
            name: "first",
            body: r#"{"code":200,"msg":"First track generation completed.","data":{"callbackType":"first","task_id":"{task_id}","data":[
                {"id":"{id:1}","audio_url":"{media:mp3:track1}","source_audio_url":"{media:mp3:track1-source}","stream_audio_url":"{media:mp3:track1-stream}","source_stream_audio_url":"{media:mp3:track1-source-stream}","image_url":"{media:jpeg:cover1}","source_image_url":"{media:jpeg:cover1-source}","prompt":"[Verse] Neon rain on the avenue","model_name":"chirp-v3-5","title":"Iron Man","tags":"electrifying, rock","createTime":"2025-01-01 00:00:00","duration":198.44}]}}"#,
        },
        Stage {
            name: "complete",
            body: r#"{"code":200,"msg":"All generated successfully.","data":{"callbackType":"complete","task_id":"{task_id}","data":[
                {"id":"{id:1}","audio_url":"{media:mp3:track1}","source_audio_url":"{media:mp3:track1-source}","stream_audio_url":"{media:mp3:track1-stream}","source_stream_audio_url":"{media:mp3:track1-source-stream}","image_url":"{media:jpeg:cover1}","source_image_url":"{media:jpeg:cover1-source}","prompt":"[Verse] Neon rain on the avenue","model_name":"chirp-v3-5","title":"Iron Man","tags":"electrifying, rock","createTime":"2025-01-01 00:00:00","duration":198.44},
                {"id":"{id:2}","audio_url":"{media:mp3:track2}","source_audio_url":"{media:mp3:track2-source}","stream_audio_url":"{media:mp3:track2-stream}","source_stream_audio_url":"{media:mp3:track2-source-stream}","image_url":"{media:jpeg:cover2}","source_image_url":"{media:jpeg:cover2-source}","prompt":"[Verse] Neon rain on the avenue","model_name":"chirp-v3-5","title":"Iron Man","tags":"electrifying, rock","createTime":"2025-01-01 00:00:00","duration":201.12}]}}"#,
        },
    ],
    error_stage: true,
    failure_body: r#"{"code":"{code}","msg":"{msg}","data":{"callbackType":"error","task_id":"{task_id}","data":null}}"#,
    failure_codes: &[
        FailureCode {
            code: 400,
            msg: "Music generation failed",
        },
        FailureCode {
            code: 451,
            msg: "Failed to download the source audio",
        },
        FailureCode {
            code: 500,
            msg: "Internal Error - Please try again later",
        },
        FailureCode {
            code: 408,
            msg: "Generation timed out",
        },
        FailureCode {
            code: 413,
            msg: "The uploaded audio matches existing artwork",
        },
        FailureCode {
            code: 501,
            msg: "Audio generation failed",
        },
        FailureCode {
            code: 531,
            msg: "Generation failed, credits refunded",
        },
    ],
    variants: &[
        Variant {
            name: "msg of the other doc set",
            stage: "complete",
            set: &[("msg", r#""success""#)],
            remove: &[],
        },
        Variant {
            name: "no source_* fields (older docs)",
            stage: "complete",
            set: &[],
            remove: &[
                "data.data.0.source_audio_url",
                "data.data.0.source_stream_audio_url",
                "data.data.0.source_image_url",
                "data.data.1.source_audio_url",
                "data.data.1.source_stream_audio_url",
                "data.data.1.source_image_url",
            ],
        },
        Variant {
            name: "createTime as epoch milliseconds",
            stage: "complete",
            set: &[
                ("data.data.0.createTime", "1735689600000"),
                ("data.data.1.createTime", "1735689600000"),
            ],
            remove: &[],
        },
        Variant {
            name: "text stage with data.data []",
            stage: "text",
            set: &[("data.data", "[]")],
            remove: &[],
        },
        Variant {
            name: "text stage with data.data null",
            stage: "text",
            set: &[("data.data", "null")],
            remove: &[],
        },
    ],
    polling: Polling {
        layout: Layout::Music,
        create: "/api/v1/generate",
        source: Source::Fields,
        id_scope: "serve-music",
        required: &["model"],
        flag: "status",
        pending: "PENDING",
        success: "SUCCESS",
        failed: "GENERATE_AUDIO_FAILED",
        path: "/api/v1/generate/record-info",
        statuses: &[
            "PENDING",
            "TEXT_SUCCESS",
            "FIRST_SUCCESS",
            "SUCCESS",
            "CREATE_TASK_FAILED",
            "GENERATE_AUDIO_FAILED",
            "CALLBACK_EXCEPTION",
            "SENSITIVE_WORD_ERROR",
        ],
    },
    deadline: Duration::from_secs(15),
    retention_days: 15,
    price: 12,
    checks_also: "text, first and complete are three stages, not duplicates; a late first never overwrites complete; the error stage is recorded",
};
