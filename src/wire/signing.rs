//! Optional request signing (CONTRACT.md S7): `X-Webhook-Timestamp` and
//! `X-Webhook-Signature = base64(HMAC-SHA256(task_id + "." + timestamp, key))`.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const TIMESTAMP_HEADER: &str = "X-Webhook-Timestamp";
pub const SIGNATURE_HEADER: &str = "X-Webhook-Signature";
/// How old a timestamp the `stale-timestamp` variant sends: twice the usual 5-minute window.
pub const STALE_BY_SECS: i64 = 600;
/// The key of the `wrong-key` variant.
pub const WRONG_KEY: &str = "suno-mock-wrong-key";

pub fn signature(key: &str, task_id: &str, timestamp: i64) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(task_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Checks a signature as a receiver should: right key, timestamp within `max_age_secs` of `now`.
pub fn verify(
    key: &str,
    task_id: &str,
    timestamp: &str,
    sig: &str,
    now: i64,
    max_age_secs: i64,
) -> Result<(), &'static str> {
    let ts: i64 = timestamp.parse().map_err(|_| "timestamp is not a number")?;
    if (now - ts).abs() > max_age_secs {
        return Err("timestamp outside the allowed window");
    }
    let expected = signature(key, task_id, ts);
    // Constant-time comparison through the MAC itself would need the raw bytes; comparing the
    // base64 text in constant time is equivalent.
    if expected.len() == sig.len()
        && expected
            .bytes()
            .zip(sig.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    {
        Ok(())
    } else {
        Err("signature does not match")
    }
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_an_independent_computation() {
        // python3 -c 'import hmac,hashlib,base64;print(base64.b64encode(hmac.new(b"k",b"task_1.1700000000",hashlib.sha256).digest()).decode())'
        assert_eq!(
            signature("k", "task_1", 1_700_000_000),
            "Nw5I95q8kb5C7+X6vNbQDOZ0Ag3wu9DVExZIxzoW4sM="
        );
    }

    #[test]
    fn verify_checks_key_and_age() {
        let s = signature("k", "t", 1000);
        assert!(verify("k", "t", "1000", &s, 1000, 300).is_ok());
        assert!(verify("other", "t", "1000", &s, 1000, 300).is_err());
        assert!(verify("k", "t", "1000", &s, 1000 + 301, 300).is_err());
        assert!(verify("k", "u", "1000", &s, 1000, 300).is_err());
    }
}
