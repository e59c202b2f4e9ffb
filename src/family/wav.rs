//! `wav`: WAV conversion, one callback pointing at the WAV file (`audioWavUrl`).

use std::time::Duration;

use super::{FailureCode, Family, Layout, Polling, Source, Stage, Variant};

pub const FAMILY: Family = Family {
    id: "wav",
    title: "WAV conversion (POST /api/v1/wav/generate)",
    task_id_path: "data.task_id",
    stages: &[Stage {
        name: "success",
        body: r#"{"code":200,"msg":"success","data":{"audioWavUrl":"{media:wav:wav}","task_id":"{task_id}"}}"#,
    }],
    error_stage: false,
    failure_body: r#"{"code":"{code}","msg":"{msg}","data":{"audioWavUrl":null,"task_id":"{task_id}"}}"#,
    failure_codes: &[
        FailureCode {
            code: 400,
            msg: "WAV format conversion failed",
        },
        FailureCode {
            code: 451,
            msg: "Failed to download the source audio",
        },
        FailureCode {
            code: 500,
            msg: "Internal Error - Please try again later",
        },
    ],
    variants: &[Variant {
        name: "msg of the other doc set",
        stage: "success",
        set: &[("msg", r#""WAV generated successfully.""#)],
        remove: &[],
    }],
    polling: Polling {
        layout: Layout::Wav,
        create: "/api/v1/wav/generate",
        source: Source::Fields,
        id_scope: "serve-wav",
        required: &["taskId", "audioId"],
        flag: "successFlag",
        pending: "PENDING",
        success: "SUCCESS",
        failed: "GENERATE_WAV_FAILED",
        path: "/api/v1/wav/record-info",
        statuses: &[
            "PENDING",
            "SUCCESS",
            "CREATE_TASK_FAILED",
            "GENERATE_WAV_FAILED",
            "CALLBACK_EXCEPTION",
        ],
    },
    deadline: Duration::from_secs(15),
    retention_days: 15,
    price: 1,
    checks_also: "the WAV is downloaded while its link is valid",
};
