//! `midi`: one callback with the notes inline; the task id at the top level (`data.taskId` in
//! the sibling docs), `start` and `end` a number or a string.

use std::time::Duration;

use super::{FailureCode, Family, Layout, Polling, Source, Stage, Variant};

pub const FAMILY: Family = Family {
    id: "midi",
    title: "MIDI (POST /api/v1/midi/generate)",
    task_id_path: "task_id",
    stages: &[Stage {
        name: "success",
        body: r#"{"task_id":"{task_id}","code":200,"msg":"success","data":{"state":"complete","instruments":[
            {"name":"Drums","notes":[{"pitch":73,"start":0.0364,"end":0.1822,"velocity":1},{"pitch":61,"start":0.2,"end":0.35,"velocity":0.8}]},
            {"name":"Bass","notes":[{"pitch":40,"start":0.0,"end":0.5,"velocity":0.9}]}]}}"#,
    }],
    error_stage: false,
    failure_body: r#"{"task_id":"{task_id}","code":"{code}","msg":"{msg}","data":null}"#,
    failure_codes: &[FailureCode {
        code: 500,
        msg: "MIDI generation failed",
    }],
    variants: &[
        Variant {
            name: "start and end as strings",
            stage: "success",
            set: &[
                ("data.instruments.0.notes.0.start", r#""0.0364""#),
                ("data.instruments.0.notes.0.end", r#""0.1822""#),
            ],
            remove: &[],
        },
        Variant {
            name: "task id at data.taskId (sibling docs)",
            stage: "success",
            set: &[("data.taskId", r#""{task_id}""#)],
            remove: &["task_id"],
        },
    ],
    polling: Polling {
        layout: Layout::Midi,
        create: "/api/v1/midi/generate",
        source: Source::Fields,
        id_scope: "serve-midi",
        required: &["taskId"],
        flag: "successFlag",
        pending: "0",
        success: "1",
        failed: "3",
        path: "/api/v1/midi/record-info",
        statuses: &["0", "1", "2", "3"],
    },
    deadline: Duration::from_secs(15),
    retention_days: 14,
    price: 2,
    checks_also: "the task id at the top level and at data.taskId; start and end as numbers and as strings",
};
