//! `stems`: vocal removal and stem separation, one callback with an MP3 per stem
//! (`vocal_removal_info.*_url`); `separate_vocal` by default, `split_stem` as a variant.

use std::time::Duration;

use super::{FailureCode, Family, Layout, Polling, Source, Stage, Variant};

pub const FAMILY: Family = Family {
    id: "stems",
    title: "vocal removal / stem separation (POST /api/v1/vocal-removal/generate)",
    task_id_path: "data.task_id",
    stages: &[Stage {
        name: "success",
        body: r#"{"code":200,"msg":"vocal Removal generated successfully.","data":{"task_id":"{task_id}","vocal_removal_info":{"instrumental_url":"{media:mp3:instrumental}","origin_url":"{media:mp3:origin}","vocal_url":"{media:mp3:vocal}"}}}"#,
    }],
    error_stage: false,
    failure_body: r#"{"code":"{code}","msg":"{msg}","data":{"task_id":"{task_id}","vocal_removal_info":null}}"#,
    failure_codes: &[
        FailureCode {
            code: 400,
            msg: "Vocal removal failed",
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
    variants: &[
        Variant {
            name: "origin_url empty",
            stage: "success",
            set: &[("data.vocal_removal_info.origin_url", r#""""#)],
            remove: &[],
        },
        Variant {
            name: "split_stem: twelve stems",
            stage: "success",
            set: &[(
                "data.vocal_removal_info",
                r#"{"origin_url":"{media:mp3:origin}","vocal_url":"{media:mp3:vocal}","backing_vocals_url":"{media:mp3:backing}","drums_url":"{media:mp3:drums}","bass_url":"{media:mp3:bass}","guitar_url":"{media:mp3:guitar}","keyboard_url":"{media:mp3:keyboard}","percussion_url":"{media:mp3:percussion}","strings_url":"{media:mp3:strings}","synth_url":"{media:mp3:synth}","fx_url":"{media:mp3:fx}","brass_url":"{media:mp3:brass}","woodwinds_url":"{media:mp3:woodwinds}"}"#,
            )],
            remove: &[],
        },
    ],
    polling: Polling {
        layout: Layout::Separation,
        create: "/api/v1/vocal-removal/generate",
        source: Source::Fields,
        id_scope: "serve-stems",
        required: &["taskId", "audioId"],
        flag: "successFlag",
        pending: "PENDING",
        success: "SUCCESS",
        failed: "GENERATE_AUDIO_FAILED",
        path: "/api/v1/vocal-removal/record-info",
        statuses: &[
            "PENDING",
            "SUCCESS",
            "CREATE_TASK_FAILED",
            "GENERATE_AUDIO_FAILED",
            "CALLBACK_EXCEPTION",
        ],
    },
    deadline: Duration::from_secs(15),
    retention_days: 15,
    price: 5,
    checks_also: "both stem layouts (separate_vocal, split_stem) and an empty origin_url are accepted",
};
