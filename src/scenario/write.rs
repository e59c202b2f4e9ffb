//! Pieces of scenario files written by the tool itself (`record`'s recordings, `fuzz`'s
//! findings): YAML strings, and a request body kept byte for byte.

use std::fmt::Write as _;

/// A YAML double-quoted string (JSON's escapes are YAML's).
pub fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// The `body:` line of a custom delivery (a string, sent byte for byte), or `body_base64:`
/// for bytes that are not UTF-8. `indent` is the step's key indentation.
pub fn body_line(out: &mut String, indent: &str, body: &[u8]) {
    match std::str::from_utf8(body) {
        Ok(text) => {
            let _ = writeln!(out, "{indent}body: {}", quoted(text));
        }
        Err(_) => {
            use base64::Engine as _;
            let _ = writeln!(
                out,
                "{indent}body_base64: {}",
                quoted(&base64::engine::general_purpose::STANDARD.encode(body))
            );
        }
    }
}
