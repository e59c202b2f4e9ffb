//! The latency histogram as it travels in a JSON report: HDR histogram V2 encoding, deflated,
//! base64. Shard reports carry it so `merge` adds histograms, not percentiles, and the merged
//! percentiles are exactly those of the whole run.

use base64::Engine as _;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Deserializer, Serializer, V2DeflateSerializer};
use serde::{Deserialize, Serialize};

/// Why a histogram could not be written or read back.
#[derive(Debug, thiserror::Error)]
pub enum LatencyError {
    /// hdrhistogram's serialiser errors implement `Debug` only, so their text is kept.
    #[error("cannot encode the latency histogram: {0}")]
    Encode(String),
    #[error("the latency histogram is not base64: {0}")]
    NotBase64(#[from] base64::DecodeError),
    #[error("the latency histogram does not decode: {0}")]
    Decode(String),
}

/// Latencies in microseconds.
#[derive(Debug, Clone)]
pub struct Latencies(pub Histogram<u64>);

impl Latencies {
    /// Microseconds, from 1 µs to an hour, to 3 significant digits.
    pub fn new() -> Latencies {
        Latencies(Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds"))
    }

    pub fn encode(&self) -> Result<String, LatencyError> {
        let mut bytes = Vec::new();
        V2DeflateSerializer::new()
            .serialize(&self.0, &mut bytes)
            .map_err(|e| LatencyError::Encode(format!("{e:?}")))?;
        Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub fn decode(text: &str) -> Result<Latencies, LatencyError> {
        let bytes = base64::engine::general_purpose::STANDARD.decode(text)?;
        Deserializer::new()
            .deserialize(&mut std::io::Cursor::new(bytes))
            .map(Latencies)
            .map_err(|e| LatencyError::Decode(format!("{e:?}")))
    }
}

impl Default for Latencies {
    fn default() -> Self {
        Latencies::new()
    }
}

impl Serialize for Latencies {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.encode().map_err(serde::ser::Error::custom)?)
    }
}

impl<'de> Deserialize<'de> for Latencies {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Latencies::decode(&text).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for Latencies {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LatencyHistogram".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "Latencies in microseconds: an HDR histogram, V2 encoding, deflated, base64"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_survives_the_round_trip() {
        let mut h = Latencies::new();
        for v in [10, 200, 3000, 3000, 45_000] {
            h.0.record(v).unwrap();
        }
        let back = Latencies::decode(&h.encode().unwrap()).unwrap();
        assert_eq!(back.0.len(), 5);
        assert_eq!(back.0.max(), h.0.max());
        assert_eq!(back.0.value_at_quantile(0.5), h.0.value_at_quantile(0.5));
    }
}
