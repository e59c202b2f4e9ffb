//! `video`: the music video (`POST /api/v1/mp4/generate`), one callback per task.

use std::time::Duration;

use super::{FailureCode, Family, Layout, Polling, Source, Stage, Variant};

pub const FAMILY: Family = Family {
    id: "video",
    title: "music video (POST /api/v1/mp4/generate)",
    task_id_path: "data.task_id",
    stages: &[Stage {
        name: "success",
        body: r#"{"code":200,"msg":"success","data":{"task_id":"{task_id}","video_url":"{media:mp4:video}"}}"#,
    }],
    error_stage: false,
    failure_body: r#"{"code":"{code}","msg":"{msg}","data":{"task_id":"{task_id}","video_url":null}}"#,
    failure_codes: &[
        FailureCode {
            code: 500,
            msg: "Internal Error - Please try again later",
        },
        FailureCode {
            code: 400,
            msg: "Music video generation failed",
        },
        FailureCode {
            code: 451,
            msg: "Failed to download the source audio",
        },
    ],
    variants: &[Variant {
        name: "msg of the other doc set",
        stage: "success",
        set: &[("msg", r#""MP4 generated successfully.""#)],
        remove: &[],
    }],
    polling: Polling {
        layout: Layout::Video,
        create: "/api/v1/mp4/generate",
        source: Source::Track {
            operation_type: "mp4",
            conflict: "Conflict - Mp4 record already exists",
        },
        id_scope: "serve",
        required: &["taskId", "audioId"],
        flag: "successFlag",
        pending: "PENDING",
        success: "SUCCESS",
        failed: "GENERATE_MP4_FAILED",
        path: "/api/v1/mp4/record-info",
        statuses: &["PENDING", "SUCCESS", "CALLBACK_EXCEPTION"],
    },
    deadline: Duration::from_secs(15),
    retention_days: 14,
    price: 2,
    checks_also: "the MP4 is downloaded while its link is valid",
};
