//! `voice`: a custom voice, one callback whose `data.status` says success or fail.

use std::time::Duration;

use super::{FailureCode, Family, Layout, Polling, Source, Stage, Variant};

pub const FAMILY: Family = Family {
    id: "voice",
    title: "custom voice (POST /api/v1/voice/generate)",
    task_id_path: "data.taskId",
    stages: &[Stage {
        name: "success",
        body: r#"{"code":200,"msg":"success","data":{"taskId":"{task_id}","voiceId":"{id:voice}","status":"success","errorCode":0,"errorMessage":""}}"#,
    }],
    error_stage: false,
    failure_body: r#"{"code":"{code}","msg":"{msg}","data":{"taskId":"{task_id}","voiceId":"","status":"fail","errorCode":500,"errorMessage":"{msg}"}}"#,
    failure_codes: &[
        FailureCode {
            code: 400,
            msg: "Voice generation failed",
        },
        FailureCode {
            code: 500,
            msg: "Internal Error - Please try again later",
        },
    ],
    variants: &[Variant {
        name: "validation phrase callback (status wait_validating)",
        stage: "success",
        set: &[
            ("data.status", r#""wait_validating""#),
            ("data.validateInfo", r#""the quick brown fox""#),
        ],
        remove: &["data.voiceId"],
    }],
    polling: Polling {
        layout: Layout::Voice,
        create: "/api/v1/voice/generate",
        source: Source::Fields,
        id_scope: "serve-voice",
        required: &["taskId", "verifyUrl"],
        flag: "status",
        pending: "wait_processing",
        success: "success",
        failed: "fail",
        path: "/api/v1/voice/record-info",
        statuses: &[
            "wait_processing",
            "processing_validate",
            "processing_validate_fail",
            "wait_validating",
            "success",
            "fail",
        ],
    },
    deadline: Duration::from_secs(15),
    retention_days: 14,
    price: 5,
    checks_also: "the task id at data.taskId; a fail status is a failure callback to record",
};
