//! The create endpoints of the music-like operations and what each requires: generate, extend,
//! upload-cover, upload-extend, add-instrumental, add-vocals (the `music` family, three
//! stages) and replace-section (its own family: one callback, a 10 s sender deadline). All
//! report on `GET /api/v1/generate/record-info`.
//!
//! The provider's pages give generate's rules in full (`customMode`, `instrumental`, `model`,
//! `callBackUrl`; the custom-mode fields; the per-model lengths). For the others the mock
//! requires the fields their pages mark required and applies the same length limits.

use serde_json::{Map, Value};

pub use super::fields::Kind;
use super::fields::{Refusal, callback_url, require, text, typed};
use crate::family::{Family, MUSIC, REPLACE_SECTION};

/// The models a create may name.
pub const MODELS: &[&str] = &["V4", "V4_5", "V4_5PLUS", "V4_5ALL", "V5", "V5_5"];

/// What else an operation checks beyond its required fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extra {
    None,
    /// `customMode: true` requires `style` and `title`, and `prompt` unless instrumental;
    /// otherwise `prompt` (at most 500 characters) is the only input.
    CustomMode,
    /// `defaultParamFlag: true` requires `prompt`, `style`, `title` and `continueAt`.
    DefaultParams,
    /// `infillStartS` before `infillEndS`, neither negative.
    Infill,
    /// `uploadUrlList` of exactly two http(s) URLs, then the custom-mode rules.
    Mashup,
    /// Model `V5` only, `prompt` at most 500 characters, `soundTempo` 1-300, and the
    /// `callBackUrl` optional (a sounds task may be polled only).
    Sounds,
}

#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// The `POST` path.
    pub path: &'static str,
    /// The catalogue family whose callbacks it sends.
    pub family: &'static Family,
    /// `operationType` in record-info.
    pub operation_type: &'static str,
    /// The failure `msg` of this operation's callbacks (code 400).
    pub failure_msg: &'static str,
    /// Required fields, checked in this order (`callBackUrl` is always checked after these).
    pub required: &'static [(&'static str, Kind)],
    pub extra: Extra,
}

pub static OPERATIONS: &[Operation] = &[
    Operation {
        path: "/api/v1/generate",
        family: MUSIC,
        operation_type: "generate",
        failure_msg: "Music generation failed",
        required: &[
            ("customMode", Kind::Bool),
            ("instrumental", Kind::Bool),
            ("model", Kind::Text),
        ],
        extra: Extra::CustomMode,
    },
    Operation {
        path: "/api/v1/generate/extend",
        family: MUSIC,
        operation_type: "extend",
        failure_msg: "Music extension failed",
        required: &[
            ("defaultParamFlag", Kind::Bool),
            ("audioId", Kind::Text),
            ("model", Kind::Text),
        ],
        extra: Extra::DefaultParams,
    },
    Operation {
        path: "/api/v1/generate/upload-cover",
        family: MUSIC,
        operation_type: "upload_cover",
        failure_msg: "Audio covering failed",
        required: &[
            ("uploadUrl", Kind::Text),
            ("customMode", Kind::Bool),
            ("instrumental", Kind::Bool),
            ("model", Kind::Text),
        ],
        extra: Extra::CustomMode,
    },
    Operation {
        path: "/api/v1/generate/upload-extend",
        family: MUSIC,
        operation_type: "upload_extend",
        failure_msg: "Audio extension failed",
        required: &[
            ("uploadUrl", Kind::Text),
            ("defaultParamFlag", Kind::Bool),
            ("model", Kind::Text),
        ],
        extra: Extra::DefaultParams,
    },
    Operation {
        path: "/api/v1/generate/add-instrumental",
        family: MUSIC,
        operation_type: "add_instrumental",
        failure_msg: "Instrumental generation failed",
        required: &[
            ("uploadUrl", Kind::Text),
            ("title", Kind::Text),
            ("tags", Kind::Text),
            ("negativeTags", Kind::Text),
        ],
        extra: Extra::None,
    },
    Operation {
        path: "/api/v1/generate/add-vocals",
        family: MUSIC,
        operation_type: "add_vocals",
        failure_msg: "Vocal generation failed",
        required: &[
            ("uploadUrl", Kind::Text),
            ("prompt", Kind::Text),
            ("title", Kind::Text),
            ("style", Kind::Text),
            ("negativeTags", Kind::Text),
        ],
        extra: Extra::None,
    },
    Operation {
        path: "/api/v1/generate/mashup",
        family: MUSIC,
        operation_type: "mashup",
        failure_msg: "Music generation failed",
        required: &[("customMode", Kind::Bool), ("model", Kind::Text)],
        extra: Extra::Mashup,
    },
    Operation {
        path: "/api/v1/generate/sounds",
        family: MUSIC,
        operation_type: "sounds",
        failure_msg: "Sound generation failed",
        required: &[("prompt", Kind::Text), ("model", Kind::Text)],
        extra: Extra::Sounds,
    },
    Operation {
        path: "/api/v1/generate/replace-section",
        family: REPLACE_SECTION,
        operation_type: "replace_section",
        failure_msg: "Invalid parameters",
        required: &[
            ("taskId", Kind::Text),
            ("audioId", Kind::Text),
            ("prompt", Kind::Text),
            ("tags", Kind::Text),
            ("title", Kind::Text),
            ("infillStartS", Kind::Number),
            ("infillEndS", Kind::Number),
        ],
        extra: Extra::Infill,
    },
];

impl Operation {
    /// The documented checks in order; the model (when given) and the callback URL (`None`
    /// only where the page makes it optional).
    pub fn validate(
        &self,
        o: &Map<String, Value>,
    ) -> Result<(Option<String>, Option<String>), Refusal> {
        for (name, kind) in self.required {
            require(o, name, *kind, "")?;
        }
        if self.extra == Extra::Mashup {
            let urls = o.get("uploadUrlList").and_then(Value::as_array);
            let ok = urls.is_some_and(|u| {
                u.len() == 2
                    && u.iter().all(|x| {
                        x.as_str()
                            .and_then(|s| url::Url::parse(s).ok())
                            .is_some_and(|u| matches!(u.scheme(), "http" | "https"))
                    })
            });
            if !ok {
                return Err(Refusal::new(
                    400,
                    "uploadUrlList must be a list of exactly 2 http(s) URLs",
                ));
            }
        }
        let callback = if self.extra == Extra::Sounds && !o.contains_key("callBackUrl") {
            None
        } else {
            Some(callback_url(o)?)
        };
        if self.extra == Extra::Sounds {
            for name in ["soundLoop", "grabLyrics"] {
                typed(o, name, Kind::Bool)?;
            }
            if let Some(k) = o.get("soundKey").filter(|k| !k.is_null()) {
                let key = k.as_str().unwrap_or_default();
                if !sound_key(key) {
                    return Err(Refusal::new(
                        400,
                        format!(
                            "soundKey `{key}` is not Any or a key like C, F#, Am, C#m (sharps only)"
                        ),
                    ));
                }
            }
            if text(o, "model") != Some("V5") {
                return Err(Refusal::new(400, "model must be V5 for sounds"));
            }
            over(o, "prompt", 500, Some("V5"))?;
            match o.get("soundTempo") {
                None | Some(Value::Null) => {}
                Some(v) if v.as_i64().is_some_and(|t| (1..=300).contains(&t)) => {}
                Some(_) => {
                    return Err(Refusal::new(
                        400,
                        "soundTempo must be an integer from 1 to 300",
                    ));
                }
            }
            return Ok((Some("V5".to_string()), callback));
        }
        let model = text(o, "model").map(str::to_string);
        if let Some(m) = &model
            && !MODELS.contains(&m.as_str())
        {
            return Err(Refusal::new(
                400,
                format!("model `{m}` is not one of {}", MODELS.join(", ")),
            ));
        }
        for name in ["prompt", "style", "title"] {
            typed(o, name, Kind::Text)?;
        }
        optional_knobs(o)?;
        let flag = |name| o.get(name).and_then(Value::as_bool).unwrap_or(false);
        match self.extra {
            Extra::CustomMode | Extra::Mashup if flag("customMode") => {
                require(o, "style", Kind::Text, " in custom mode")?;
                require(o, "title", Kind::Text, " in custom mode")?;
                if !flag("instrumental") {
                    require(
                        o,
                        "prompt",
                        Kind::Text,
                        " in custom mode unless instrumental",
                    )?;
                }
            }
            Extra::CustomMode | Extra::Mashup => {
                require(o, "prompt", Kind::Text, "")?;
                return over(o, "prompt", 500, model.as_deref()).map(|_| (model, callback));
            }
            Extra::DefaultParams if flag("defaultParamFlag") => {
                let when = " when defaultParamFlag is true";
                for name in ["prompt", "style", "title"] {
                    require(o, name, Kind::Text, when)?;
                }
                require(o, "continueAt", Kind::Number, when)?;
            }
            Extra::Infill => {
                let at = |name| o.get(name).and_then(Value::as_f64).unwrap_or(0.0);
                let (start, end) = (at("infillStartS"), at("infillEndS"));
                if start < 0.0 || end <= start {
                    return Err(Refusal::new(
                        400,
                        format!(
                            "infillStartS ({start}) must be at least 0 and before infillEndS ({end})"
                        ),
                    ));
                }
            }
            _ => {}
        }
        let v4 = model.as_deref() == Some("V4");
        over(o, "prompt", if v4 { 3000 } else { 5000 }, model.as_deref())?;
        over(o, "style", if v4 { 200 } else { 1000 }, model.as_deref())?;
        let short = v4 || model.as_deref() == Some("V4_5ALL");
        over(o, "title", if short { 80 } else { 100 }, model.as_deref())?;
        Ok((model, callback))
    }
}

/// The optional knobs of the music creates: `vocalGender` `m` or `f`, and `styleWeight`,
/// `weirdnessConstraint`, `audioWeight` from 0 to 1.
fn optional_knobs(o: &Map<String, Value>) -> Result<(), Refusal> {
    match o.get("vocalGender") {
        None | Some(Value::Null) => {}
        Some(Value::String(g)) if g == "m" || g == "f" => {}
        Some(_) => return Err(Refusal::new(400, "vocalGender must be m or f")),
    }
    for name in ["styleWeight", "weirdnessConstraint", "audioWeight"] {
        match o.get(name) {
            None | Some(Value::Null) => {}
            Some(v) if v.as_f64().is_some_and(|w| (0.0..=1.0).contains(&w)) => {}
            Some(_) => {
                return Err(Refusal::new(
                    400,
                    format!("{name} must be a number from 0 to 1"),
                ));
            }
        }
    }
    Ok(())
}

/// A `soundKey` the sounds page allows: `Any`, or a note with sharps only, major or minor.
fn sound_key(key: &str) -> bool {
    const NOTES: &[&str] = &[
        "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B",
    ];
    key == "Any" || NOTES.contains(&key.strip_suffix('m').unwrap_or(key))
}

/// 413 when a text field is longer than the model allows.
fn over(
    o: &Map<String, Value>,
    name: &str,
    max: usize,
    model: Option<&str>,
) -> Result<(), Refusal> {
    match text(o, name) {
        Some(s) if s.chars().count() > max => Err(Refusal::new(
            413,
            match model {
                Some(m) => format!("{name} is longer than {max} characters for model {m}"),
                None => format!("{name} is longer than {max} characters"),
            },
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op(path: &str) -> &'static Operation {
        OPERATIONS.iter().find(|o| o.path == path).unwrap()
    }

    /// The refusal's message, or `None` when the body is accepted.
    fn refusal(path: &str, body: Value) -> Option<String> {
        op(path)
            .validate(body.as_object().unwrap())
            .err()
            .map(|r| r.msg)
    }

    #[test]
    fn the_optional_knobs_and_the_sound_key_are_checked() {
        let body = json!({"customMode": false, "instrumental": false, "model": "V5", "prompt": "p",
            "callBackUrl": "http://h/cb", "vocalGender": "x"});
        assert!(
            refusal("/api/v1/generate", body)
                .unwrap()
                .contains("vocalGender")
        );
        let body = json!({"customMode": false, "instrumental": false, "model": "V5", "prompt": "p",
            "callBackUrl": "http://h/cb", "styleWeight": 1.5});
        assert!(
            refusal("/api/v1/generate", body)
                .unwrap()
                .contains("styleWeight")
        );
        let ok = json!({"customMode": false, "instrumental": false, "model": "V5", "prompt": "p",
            "callBackUrl": "http://h/cb", "vocalGender": "f", "audioWeight": 0.25});
        assert_eq!(refusal("/api/v1/generate", ok), None);
        for (key, good) in [
            ("Any", true),
            ("C#m", true),
            ("F#", true),
            ("Db", false),
            ("H", false),
        ] {
            let s = json!({"prompt": "rain", "model": "V5", "soundKey": key});
            assert_eq!(
                refusal("/api/v1/generate/sounds", s).is_none(),
                good,
                "{key}"
            );
        }
    }
}
