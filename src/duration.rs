//! Human-readable durations (`15s`, `500ms`, `1m 30s`) for flags and scenario files.

use std::fmt;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A duration written the way people write them on a command line; shown the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dur(pub Duration);

impl Dur {
    pub fn from_millis(ms: u64) -> Self {
        Dur(Duration::from_millis(ms))
    }
    pub fn secs(s: u64) -> Self {
        Dur(Duration::from_secs(s))
    }
}

/// Why a text is not a duration; said as the fix, in the words of a flag or a scenario key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DurationError {
    #[error("empty duration; write it like `15s` or `500ms`")]
    Empty,
    #[error("`{0}` has no unit; write `{0}s` or `{0}ms`")]
    NoUnit(String),
    #[error("`{text}` is not a duration ({reason}); write it like `15s`, `500ms` or `1m 30s`")]
    Invalid {
        text: String,
        reason: humantime::DurationError,
    },
}

/// Parses `15s`, `500ms`, `2m`, `1m 30s`. A bare number is refused: `15` could mean seconds or
/// milliseconds, and guessing wrong makes a deadline 1000 times off.
pub fn parse(text: &str) -> Result<Dur, DurationError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(DurationError::Empty);
    }
    if t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(DurationError::NoUnit(t.to_string()));
    }
    humantime::parse_duration(t)
        .map(Dur)
        .map_err(|reason| DurationError::Invalid {
            text: t.to_string(),
            reason,
        })
}

impl std::str::FromStr for Dur {
    type Err = DurationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        if d.subsec_nanos() == 0 && d.as_secs() > 0 {
            write!(f, "{}s", d.as_secs())
        } else if d.subsec_nanos().is_multiple_of(1_000_000) {
            write!(f, "{}ms", d.as_millis())
        } else {
            write!(f, "{}", humantime::format_duration(d))
        }
    }
}

impl Serialize for Dur {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse(&s).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Dur {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "a duration with a unit: `15s`, `500ms`, `2m`, `1m 30s`",
            "pattern": "^\\s*([0-9]+(\\.[0-9]+)?\\s*(ns|us|ms|s|sec|m|min|h)\\s*)+$"
        })
    }
}

/// Formats a measured duration for people: `3ms`, `1.204s`.
pub fn human(d: Duration) -> String {
    if d < Duration::from_millis(10) {
        format!("{:.1}ms", d.as_secs_f64() * 1000.0)
    } else if d < Duration::from_secs(1) {
        format!("{}ms", d.as_millis())
    } else {
        format!("{:.3}s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_refuses_bare_numbers() {
        assert_eq!(parse("15s").unwrap().0, Duration::from_secs(15));
        assert_eq!(parse("500ms").unwrap().0, Duration::from_millis(500));
        assert_eq!(parse("1m 30s").unwrap().0, Duration::from_secs(90));
        assert_eq!(parse("15").unwrap_err(), DurationError::NoUnit("15".into()));
        assert_eq!(
            parse("15").unwrap_err().to_string(),
            "`15` has no unit; write `15s` or `15ms`"
        );
        assert_eq!(parse(" ").unwrap_err(), DurationError::Empty);
        assert!(matches!(
            parse("soon").unwrap_err(),
            DurationError::Invalid { text, .. } if text == "soon"
        ));
    }

    #[test]
    fn displays_round_trip() {
        for t in ["15s", "500ms", "2s"] {
            assert_eq!(parse(t).unwrap().to_string(), t);
        }
    }
}
