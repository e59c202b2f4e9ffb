//! `cover`: cover images, one callback with the PNGs (`data.images`, `data.taskId`).

use std::time::Duration;

use super::{FailureCode, Family, Layout, Polling, Source, Stage, Variant};

pub const FAMILY: Family = Family {
    id: "cover",
    title: "cover image (POST /api/v1/suno/cover/generate)",
    task_id_path: "data.taskId",
    stages: &[Stage {
        name: "success",
        body: r#"{"code":200,"msg":"success","data":{"taskId":"{task_id}","images":["{media:png:image1}","{media:png:image2}"]}}"#,
    }],
    error_stage: false,
    failure_body: r#"{"code":"{code}","msg":"{msg}","data":{"taskId":"{task_id}","images":null}}"#,
    failure_codes: &[
        FailureCode {
            code: 501,
            msg: "Cover generation failed",
        },
        FailureCode {
            code: 400,
            msg: "Invalid parameters",
        },
        FailureCode {
            code: 408,
            msg: "Rate limited or timed out",
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
        name: "one image",
        stage: "success",
        set: &[("data.images", r#"["{media:png:image1}"]"#)],
        remove: &[],
    }],
    polling: Polling {
        layout: Layout::Cover,
        create: "/api/v1/suno/cover/generate",
        source: Source::Fields,
        id_scope: "serve-cover",
        required: &["taskId"],
        flag: "successFlag",
        pending: "0",
        success: "1",
        failed: "3",
        path: "/api/v1/suno/cover/record-info",
        statuses: &["0", "1", "2", "3"],
    },
    deadline: Duration::from_secs(15),
    retention_days: 14,
    price: 1,
    checks_also: "the task id at data.taskId; the PNGs are downloaded",
};
