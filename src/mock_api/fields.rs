//! The fields of a create request, checked the same way on every endpoint: a required one is
//! there, non-empty and of its type (400 naming it otherwise), and `callBackUrl` is an http or
//! https URL.

use serde_json::{Map, Value};

/// The JSON type a field must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Bool,
    Number,
}

/// A refused call: the envelope's code and the message that says why (naming the field, the
/// track, the limit). Every endpoint of the mock API refuses with one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub msg: String,
}

impl Refusal {
    pub fn new(status: u16, msg: impl Into<String>) -> Refusal {
        Refusal {
            status,
            msg: msg.into(),
        }
    }
}

pub(super) fn present(o: &Map<String, Value>, name: &str) -> bool {
    match o.get(name) {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(_) => true,
    }
}

pub(super) fn typed(o: &Map<String, Value>, name: &str, kind: Kind) -> Result<(), Refusal> {
    let ok = matches!(
        (o.get(name), kind),
        (None | Some(Value::Null), _)
            | (Some(Value::String(_)), Kind::Text)
            | (Some(Value::Bool(_)), Kind::Bool)
            | (Some(Value::Number(_)), Kind::Number)
    );
    if ok {
        Ok(())
    } else {
        Err(Refusal::new(
            400,
            format!(
                "{name} must be {}",
                match kind {
                    Kind::Text => "a string",
                    Kind::Bool => "true or false",
                    Kind::Number => "a number",
                }
            ),
        ))
    }
}

pub(super) fn require(
    o: &Map<String, Value>,
    name: &str,
    kind: Kind,
    when: &str,
) -> Result<(), Refusal> {
    typed(o, name, kind)?;
    if present(o, name) {
        Ok(())
    } else {
        Err(Refusal::new(400, format!("{name} is required{when}")))
    }
}

pub(super) fn text<'a>(o: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    o.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// A required string field's value.
pub(super) fn required_text(o: &Map<String, Value>, name: &str) -> Result<String, Refusal> {
    require(o, name, Kind::Text, "")?;
    Ok(text(o, name).unwrap_or_default().to_string())
}

/// `callBackUrl`: required, and an http or https URL with a host.
pub(super) fn callback_url(o: &Map<String, Value>) -> Result<String, Refusal> {
    let callback = required_text(o, "callBackUrl")?;
    match url::Url::parse(&callback) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(callback),
        Ok(_) => Err(Refusal::new(
            400,
            "callBackUrl must be an http or https URL",
        )),
        Err(e) => Err(Refusal::new(400, format!("callBackUrl is not a URL: {e}"))),
    }
}
