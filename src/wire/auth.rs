//! How a delivery presents itself to the receiver: genuine, or one of the forgeries
//! `verify-source` sends; and whether its body is one the provider could send at all.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Auth {
    /// Exactly as the provider sends it: signed when a key is configured, token intact.
    #[default]
    Genuine,
    /// No signature headers.
    Unsigned,
    /// Signed with a key that is not the receiver's.
    WrongKey,
    /// Correctly signed, with a timestamp 10 minutes old.
    StaleTimestamp,
    /// The token query parameter removed from the URL.
    NoToken,
    /// The token query parameter replaced by a wrong value.
    WrongToken,
}

impl Auth {
    /// The name scenario files use.
    pub fn name(self) -> &'static str {
        match self {
            Auth::Genuine => "genuine",
            Auth::Unsigned => "unsigned",
            Auth::WrongKey => "wrong-key",
            Auth::StaleTimestamp => "stale-timestamp",
            Auth::NoToken => "no-token",
            Auth::WrongToken => "wrong-token",
        }
    }
}

/// Whether a delivery is one the provider could send. Bad input is judged by other rules and
/// never counts towards latency or acknowledgement rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Input {
    WellFormed,
    Bad,
}
