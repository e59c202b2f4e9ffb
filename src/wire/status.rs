//! Which HTTP statuses a rule, an expectation or the sender's acceptance policy allows:
//! one code, a class such as `2xx`, or a list of either (`[2xx, 4xx]`: anything but a server
//! error or a redirect, what a fuzz finding's scenario expects).

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusMatch {
    Code(u16),
    /// Codes and classes, never nested lists.
    List(Vec<StatusMatch>),
    /// The hundreds digit: `4` for `4xx`.
    Class(u16),
}

impl StatusMatch {
    pub fn matches(&self, status: u16) -> bool {
        match self {
            StatusMatch::Code(c) => *c == status,
            StatusMatch::List(l) => l.iter().any(|m| m.matches(status)),
            StatusMatch::Class(c) => status / 100 == *c,
        }
    }

    /// Parses `4xx`; the error says what is allowed.
    pub fn parse_class(text: &str) -> Result<Self, StatusError> {
        let t = text.trim().to_ascii_lowercase();
        match t.as_bytes() {
            [d @ b'1'..=b'5', b'x', b'x'] => Ok(StatusMatch::Class(u16::from(d - b'0'))),
            _ => match t.parse::<u16>() {
                Ok(c) => Self::code(i64::from(c)),
                Err(_) => Err(StatusError::NotAStatus(text.to_string())),
            },
        }
    }

    pub fn code(c: i64) -> Result<Self, StatusError> {
        valid_code(c).map(StatusMatch::Code)
    }
}

/// A status written in a scenario that is not one.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatusError {
    #[error(
        "`{0}` is not a status; write a code like `200`, a list like `[200, 204]` or a class like `4xx`"
    )]
    NotAStatus(String),
    #[error("{0} is not an HTTP status (100 to 599)")]
    OutOfRange(i64),
}

/// An HTTP status code as a number from 100 to 599.
pub fn valid_code(c: i64) -> Result<u16, StatusError> {
    u16::try_from(c)
        .ok()
        .filter(|c| (100..=599).contains(c))
        .ok_or(StatusError::OutOfRange(c))
}

impl fmt::Display for StatusMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusMatch::Code(c) => write!(f, "{c}"),
            StatusMatch::List(l) => {
                let items: Vec<String> = l.iter().map(ToString::to_string).collect();
                write!(f, "one of {}", items.join(", "))
            }
            StatusMatch::Class(c) => write!(f, "{c}xx"),
        }
    }
}

impl Serialize for StatusMatch {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            StatusMatch::Code(c) => s.serialize_u16(*c),
            StatusMatch::List(l) => l.serialize(s),
            StatusMatch::Class(c) => s.collect_str(&format_args!("{c}xx")),
        }
    }
}

impl<'de> Deserialize<'de> for StatusMatch {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Item {
            Code(i64),
            Text(String),
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            One(Item),
            List(Vec<Item>),
        }
        let one = |i: Item| match i {
            Item::Code(c) => StatusMatch::code(c),
            Item::Text(t) => StatusMatch::parse_class(&t),
        };
        let r = match Raw::deserialize(d)? {
            Raw::One(i) => one(i),
            Raw::List(l) => l
                .into_iter()
                .map(one)
                .collect::<Result<Vec<_>, _>>()
                .map(StatusMatch::List),
        };
        r.map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for StatusMatch {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Status".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "an HTTP status (`200`), a class (`4xx`) or a list of either (`[200, 204]`, `[2xx, 4xx]`)",
            "anyOf": [
                {"type": "integer", "minimum": 100, "maximum": 599},
                {"type": "array", "items": {"anyOf": [
                    {"type": "integer", "minimum": 100, "maximum": 599},
                    {"type": "string", "pattern": "^[1-5][xX][xX]$"}
                ]}, "minItems": 1},
                {"type": "string", "pattern": "^[1-5][xX][xX]$"}
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_code_list_and_class() {
        assert!(StatusMatch::Code(200).matches(200));
        assert!(!StatusMatch::Code(200).matches(204));
        let list = StatusMatch::List(vec![StatusMatch::Code(200), StatusMatch::Code(204)]);
        assert!(list.matches(204));
        assert_eq!(list.to_string(), "one of 200, 204");
        assert!(serde_json::from_str::<StatusMatch>(r#"["2xx", 4]"#).is_err());
        let classes: StatusMatch = serde_json::from_str(r#"["2xx", "4xx"]"#).unwrap();
        assert!(classes.matches(201) && classes.matches(429) && !classes.matches(500));
        assert_eq!(classes.to_string(), "one of 2xx, 4xx");
        assert!(StatusMatch::parse_class("4xx").unwrap().matches(422));
        assert!(!StatusMatch::parse_class("4xx").unwrap().matches(500));
        assert!(StatusMatch::parse_class("6xx").is_err());
        assert!(StatusMatch::code(99).is_err());
    }
}
