//! `lyrics`: one `complete` callback with the lyric texts (`data.taskId`), or an `error` one.

use std::time::Duration;

use super::{FailureCode, Family, Layout, Polling, Source, Stage, Variant};

pub const FAMILY: Family = Family {
    id: "lyrics",
    title: "lyrics (POST /api/v1/lyrics)",
    task_id_path: "data.taskId",
    stages: &[Stage {
        name: "complete",
        body: r#"{"code":200,"msg":"All generated successfully.","data":{"callbackType":"complete","taskId":"{task_id}","data":[
            {"text":"[Verse]\nNeon rain on the avenue","title":"Iron Man","status":"complete","errorMessage":""},
            {"text":"[Verse]\nSteel and thunder in the night","title":"Iron Man","status":"complete","errorMessage":""}]}}"#,
    }],
    error_stage: true,
    failure_body: r#"{"code":"{code}","msg":"{msg}","data":{"callbackType":"error","taskId":"{task_id}","data":null}}"#,
    failure_codes: &[
        FailureCode {
            code: 400,
            msg: "Lyrics generation failed",
        },
        FailureCode {
            code: 451,
            msg: "Failed to download the source",
        },
        FailureCode {
            code: 500,
            msg: "Internal Error - Please try again later",
        },
    ],
    variants: &[Variant {
        name: "an item that failed",
        stage: "complete",
        set: &[
            ("data.data.1.status", r#""failed""#),
            ("data.data.1.text", r#""""#),
            ("data.data.1.errorMessage", r#""Sensitive words""#),
        ],
        remove: &[],
    }],
    polling: Polling {
        layout: Layout::Lyrics,
        create: "/api/v1/lyrics",
        source: Source::Fields,
        id_scope: "serve-lyrics",
        required: &["prompt"],
        flag: "status",
        pending: "PENDING",
        success: "SUCCESS",
        failed: "GENERATE_LYRICS_FAILED",
        path: "/api/v1/lyrics/record-info",
        statuses: &[
            "PENDING",
            "SUCCESS",
            "CREATE_TASK_FAILED",
            "GENERATE_LYRICS_FAILED",
            "CALLBACK_EXCEPTION",
            "SENSITIVE_WORD_ERROR",
        ],
    },
    deadline: Duration::from_secs(15),
    retention_days: 15,
    price: 1,
    checks_also: "the task id at data.taskId; an item with status failed is accepted",
};
