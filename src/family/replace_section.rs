//! `replace-section`: one `complete` callback (the music shape without `source_*` fields) or an
//! `error` one carrying `data.error`; the only family whose sender deadline is 10 s.

use std::time::Duration;

use super::{FailureCode, Family, Layout, Polling, Source, Stage, Variant};

pub const FAMILY: Family = Family {
    id: "replace-section",
    title: "replace section (POST /api/v1/generate/replace-section)",
    task_id_path: "data.task_id",
    stages: &[Stage {
        name: "complete",
        body: r#"{"code":200,"msg":"All generated successfully.","data":{"callbackType":"complete","task_id":"{task_id}","data":[
            {"id":"{id:1}","audio_url":"{media:mp3:track1}","stream_audio_url":"{media:mp3:track1-stream}","image_url":"{media:jpeg:cover1}","prompt":"[Chorus] A new chorus","model_name":"chirp-v4","title":"Iron Man","tags":"electrifying, rock","createTime":"2025-01-01 00:00:00","duration":198.44}]}}"#,
    }],
    error_stage: true,
    failure_body: r#"{"code":"{code}","msg":"{msg}","data":{"callbackType":"error","task_id":"{task_id}","error":"Generation failed due to technical issues"}}"#,
    failure_codes: &[
        FailureCode {
            code: 501,
            msg: "Audio generation failed.",
        },
        FailureCode {
            code: 400,
            msg: "Invalid parameters",
        },
        FailureCode {
            code: 408,
            msg: "Generation timed out",
        },
        FailureCode {
            code: 500,
            msg: "Internal Error - Please try again later",
        },
        FailureCode {
            code: 531,
            msg: "Generation failed, credits refunded",
        },
    ],
    variants: &[Variant {
        name: "msg of the other doc set",
        stage: "complete",
        set: &[("msg", r#""success""#)],
        remove: &[],
    }],
    polling: Polling {
        layout: Layout::Music,
        create: "/api/v1/generate/replace-section",
        source: Source::Fields,
        id_scope: "serve-replace-section",
        required: &["taskId", "audioId"],
        flag: "status",
        pending: "PENDING",
        success: "SUCCESS",
        failed: "GENERATE_AUDIO_FAILED",
        path: "/api/v1/generate/record-info",
        statuses: &[
            "PENDING",
            "SUCCESS",
            "CREATE_TASK_FAILED",
            "GENERATE_AUDIO_FAILED",
            "CALLBACK_EXCEPTION",
        ],
    },
    deadline: Duration::from_secs(10),
    retention_days: 15,
    price: 5,
    checks_also: "answers within the 10 s deadline this family's sender uses; the error stage (data.error) is recorded",
};
