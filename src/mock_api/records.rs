//! The record-info answer of a task, laid out as its family's details page documents it
//! (`family::Layout`): what it holds at creation, and what each stage writes into it, taken
//! from the very callback body that reports the stage, so polling and callbacks always agree.
//!
//! Where the docs leave a choice open, the choice is marked `Choice:` here and in the README.

use serde_json::{Map, Value, json};

use super::store::now_ms;
use crate::family::{Family, Layout};

/// What polling shows for a failed stage.
pub struct Failed {
    pub code: i64,
    pub msg: String,
}

/// What a task is created from.
pub struct Created<'a> {
    pub family: &'static Family,
    /// The layout of the details answer (the family's, or validate-info's).
    pub layout: Layout,
    pub task_id: &'a str,
    pub request: &'a Map<String, Value>,
    pub callback_url: &'a str,
    /// `operationType` of a music-like task.
    pub operation_type: &'a str,
}

fn text(request: &Map<String, Value>, key: &str) -> Value {
    request
        .get(key)
        .and_then(Value::as_str)
        .map_or(Value::Null, Value::from)
}

/// A time as the family's details page writes it: epoch ms (MP4, separation, MIDI),
/// `"YYYY-MM-DD HH:MM:SS"` (WAV) or ISO-8601 with `.000Z` (cover).
pub(super) fn time(layout: Layout, ms: i64) -> Value {
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64);
    match layout {
        Layout::Wav => {
            let iso = humantime::format_rfc3339_seconds(at).to_string();
            Value::from(iso.trim_end_matches('Z').replace('T', " "))
        }
        Layout::Cover => {
            let iso = humantime::format_rfc3339_seconds(at).to_string();
            Value::from(iso.replace('Z', ".000Z"))
        }
        _ => Value::from(ms),
    }
}

/// A status as the family writes it: an integer for MIDI and cover.
fn flag(value: &str) -> Value {
    value
        .parse::<i64>()
        .map(Value::from)
        .unwrap_or_else(|_| Value::from(value))
}

/// The record of a task just created: pending, nothing to show yet.
pub fn initial(c: &Created<'_>) -> Value {
    let f = c.family;
    let layout = c.layout;
    let pending = flag(f.polling.pending);
    let created = time(layout, now_ms());
    let param = Value::Object(c.request.clone()).to_string();
    match layout {
        Layout::Video => {
            let mut o = json!({
                "taskId": c.task_id,
                "musicId": text(c.request, "taskId"),
                "audioId": text(c.request, "audioId"),
                "callbackUrl": c.callback_url,
                "createTime": created,
                "completeTime": null,
                "response": null,
                "successFlag": pending,
                "errorCode": null,
                "errorMessage": null,
            });
            for key in ["author", "domainName"] {
                if let Some(v) = c.request.get(key).filter(|v| v.is_string()) {
                    o[key] = v.clone();
                }
            }
            o
        }
        // The details page documents no task times for music.
        Layout::Music => json!({
            "taskId": c.task_id,
            "parentMusicId": c.request.get("taskId").or(c.request.get("audioId")).and_then(Value::as_str).unwrap_or(""),
            "param": param,
            "response": {"taskId": c.task_id, "sunoData": []},
            "status": pending,
            "type": c.request.get("model").and_then(Value::as_str).unwrap_or("GENERATE"),
            "operationType": c.operation_type,
            "errorCode": null,
            "errorMessage": null,
        }),
        Layout::Lyrics => json!({
            "taskId": c.task_id,
            "param": param,
            "response": {"taskId": c.task_id, "data": []},
            "status": pending,
            "type": "LYRICS",
            "errorCode": null,
            "errorMessage": null,
        }),
        Layout::Wav | Layout::Separation => json!({
            "taskId": c.task_id,
            "musicId": text(c.request, "taskId"),
            "musicIndex": 0,
            "callbackUrl": c.callback_url,
            "completeTime": null,
            "createTime": created,
            "response": null,
            "successFlag": pending,
            "errorCode": null,
            "errorMessage": null,
        }),
        Layout::Midi => json!({
            "taskId": c.task_id,
            "recordTaskId": -1,
            "audioId": text(c.request, "audioId"),
            "callbackUrl": c.callback_url,
            "completeTime": null,
            "createTime": created,
            "midiData": null,
            "successFlag": pending,
            "errorCode": null,
            "errorMessage": null,
        }),
        Layout::Cover => json!({
            "taskId": c.task_id,
            "parentTaskId": text(c.request, "taskId"),
            "callbackUrl": c.callback_url,
            "completeTime": null,
            "createTime": created,
            "response": null,
            "successFlag": pending,
            "errorCode": null,
            "errorMessage": null,
        }),
        Layout::Voice => json!({
            "taskId": c.task_id,
            "voiceId": null,
            "status": pending,
            "errorCode": null,
            "errorMessage": null,
        }),
        Layout::VoiceValidate => json!({
            "taskId": c.task_id,
            "validateInfo": null,
            "status": pending,
            "errorCode": null,
            "errorMessage": null,
        }),
    }
}

/// How far along a music status is: a stage sent late (`first` after `complete`) never
/// moves the record back.
fn progress(status: &Value) -> u8 {
    match status.as_str() {
        Some("PENDING") => 0,
        Some("TEXT_SUCCESS") => 1,
        Some("FIRST_SUCCESS") => 2,
        _ => 3,
    }
}

/// `audio_url` as `audioUrl`.
pub fn camel(key: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in key.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

fn camel_items(items: &Value) -> Value {
    Value::Array(
        items
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .map(|o| Value::Object(o.iter().map(|(k, v)| (camel(k), v.clone())).collect()))
            .collect(),
    )
}

/// The 13 stem keys of the separation details, in the page's order.
const STEMS: &[&str] = &[
    "instrumental",
    "vocal",
    "backing_vocals",
    "drums",
    "bass",
    "guitar",
    "keyboard",
    "percussion",
    "strings",
    "synth",
    "fx",
    "brass",
    "woodwinds",
];

/// The separation details' flat camelCase `response`, from the callback's
/// `vocal_removal_info`: every stem key present (`null` when the mode does not make it),
/// `originData[]` one item per stem made.
fn separation(info: &Value, split: bool) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), Value::Null);
    // Both of the page's split_stem examples show `originUrl: null`.
    o.insert(
        "originUrl".into(),
        if split {
            Value::Null
        } else {
            info["origin_url"].clone()
        },
    );
    let mut origin = Vec::new();
    for (i, stem) in STEMS.iter().enumerate() {
        let url = info[format!("{stem}_url")].clone();
        if let Some(u) = url.as_str().filter(|u| !u.is_empty()) {
            let group = match *stem {
                "vocal" => "Vocals".to_string(),
                "instrumental" => "Instrumental".to_string(),
                other => {
                    let words: Vec<String> = other
                        .split('_')
                        .map(|w| {
                            let mut c = w.chars();
                            c.next()
                                .map(|f| f.to_uppercase().chain(c).collect())
                                .unwrap_or_default()
                        })
                        .collect();
                    words.join(" ")
                }
            };
            origin.push(json!({
                "duration": 198.44,
                "audio_url": u,
                "stem_type_group_name": group,
                "id": crate::payload::ids::task_id(i as u64, "stem", u),
            }));
        }
        o.insert(format!("{}Url", camel(stem)), url);
    }
    o.insert("originData".into(), Value::Array(origin));
    Value::Object(o)
}

/// Writes what the callback `body` of a stage reports into the record; `failed` for a
/// failure stage. `split`: a separation made with `split_stem`.
pub fn mark(
    family: &'static Family,
    layout: Layout,
    record: &mut Value,
    stage: &str,
    failed: Option<&Failed>,
    body: &Value,
    split: bool,
) {
    let p = &family.polling;
    let data = &body["data"];
    if layout == Layout::Music {
        let status = match (stage, failed) {
            (_, Some(_)) => "GENERATE_AUDIO_FAILED",
            ("text", _) => "TEXT_SUCCESS",
            ("first", _) => "FIRST_SUCCESS",
            _ => "SUCCESS",
        };
        let status = Value::from(status);
        if progress(&status) < progress(&record["status"]) {
            return;
        }
        if stage != "text" && failed.is_none() {
            record["response"]["sunoData"] = camel_items(&data["data"]);
        }
        record["status"] = status;
    } else if layout == Layout::VoiceValidate {
        // The phrase is ready (`wait_validating`), or validating failed.
        record["status"] = if failed.is_some() {
            json!("processing_validate_fail")
        } else {
            record["validateInfo"] = data["validateInfo"].clone();
            data["status"].clone()
        };
    } else {
        let status = if failed.is_some() {
            p.failed
        } else {
            p.success
        };
        record[p.flag] = flag(status);
        if record.get("completeTime").is_some() {
            record["completeTime"] = time(layout, now_ms());
        }
        if failed.is_none() {
            match layout {
                Layout::Video => record["response"] = json!({"videoUrl": data["video_url"]}),
                Layout::Lyrics => {
                    record["response"]["data"] = data["data"].clone();
                }
                Layout::Wav => {
                    record["response"] = json!({"audioWavUrl": data["audioWavUrl"]});
                }
                Layout::Separation => {
                    record["response"] = separation(&data["vocal_removal_info"], split);
                }
                Layout::Midi => record["midiData"] = data.clone(),
                Layout::Cover => {
                    record["response"] = json!({"images": data["images"]});
                    // Choice: the cover page gives `errorCode` 200 and `errorMessage` "" on
                    // success.
                    record["errorCode"] = json!(200);
                    record["errorMessage"] = json!("");
                }
                Layout::Voice => record["voiceId"] = data["voiceId"].clone(),
                Layout::Music | Layout::VoiceValidate => {}
            }
        }
    }
    if let Some(Failed { code, msg }) = failed {
        record["errorCode"] = json!(code);
        record["errorMessage"] = json!(msg);
    }
}

/// The status a record shows when no copy of one of its callbacks was acknowledged and the
/// operator asked for it (`--callback-exception`): the families with a string status;
/// MIDI's and cover's integer flags have no value for it.
pub fn callback_exception(family: &'static Family, record: &mut Value) {
    let p = &family.polling;
    if p.statuses.contains(&"CALLBACK_EXCEPTION") {
        record[p.flag] = json!("CALLBACK_EXCEPTION");
    }
}

/// The status value a record shows now, for the log.
pub fn status(family: &'static Family, record: &Value) -> String {
    match &record[family.polling.flag] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_family_writes_its_own_times() {
        let ms = 1_735_689_600_000; // 2025-01-01 00:00:00 UTC
        assert_eq!(time(Layout::Wav, ms), json!("2025-01-01 00:00:00"));
        assert_eq!(time(Layout::Cover, ms), json!("2025-01-01T00:00:00.000Z"));
        assert_eq!(time(Layout::Midi, ms), json!(ms));
    }

    #[test]
    fn a_split_stem_separation_has_every_stem_key_and_no_instrumental() {
        let info = json!({"origin_url": "o", "vocal_url": "v", "drums_url": "d"});
        let r = separation(&info, true);
        assert_eq!(r["originUrl"], Value::Null);
        assert_eq!(r["instrumentalUrl"], Value::Null);
        assert_eq!(r["vocalUrl"], "v");
        assert_eq!(r["woodwindsUrl"], Value::Null);
        assert_eq!(
            r.as_object().unwrap().len(),
            16,
            "id, originUrl, originData, 13 stems"
        );
        let groups: Vec<&str> = r["originData"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["stem_type_group_name"].as_str().unwrap())
            .collect();
        assert_eq!(groups, ["Vocals", "Drums"]);
        let vocal = separation(
            &json!({"origin_url": "o", "instrumental_url": "i", "vocal_url": "v"}),
            false,
        );
        assert_eq!(vocal["originUrl"], "o");
        assert_eq!(vocal["instrumentalUrl"], "i");
    }
}
