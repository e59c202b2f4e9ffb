//! Secrets the user gives us (HMAC key, bearer keys, the token in the receiver URL) and their
//! removal from everything we print or write: every report passes through [`Secrets::redact`].

/// What replaces a secret in any output.
pub const MASK: &str = "***";

#[derive(Debug, Clone, Default)]
pub struct Secrets {
    values: Vec<String>,
}

impl Secrets {
    pub fn add(&mut self, secret: &str) {
        // A one- or two-character "secret" would mangle every report; it is still never printed
        // where we know it is a secret (URLs and headers are masked at the source).
        if secret.len() >= 3 && !self.values.iter().any(|v| v == secret) {
            self.values.push(secret.to_string());
            // Longest first, so a secret that contains another is masked whole.
            self.values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        }
    }

    /// Adds every secret of `other`.
    pub fn extend(&mut self, other: &Secrets) {
        for v in &other.values {
            self.add(v);
        }
    }

    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for v in &self.values {
            if out.contains(v.as_str()) {
                out = out.replace(v.as_str(), MASK);
            }
        }
        out
    }
}

/// A header as shown on a page or in a log: its name in lower case and its value, masked when
/// the header carries a credential (a key, a cookie, a session).
pub fn header(name: &str, value: &[u8]) -> (String, String) {
    let name = name.to_ascii_lowercase();
    let credential = matches!(
        name.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie" | "x-api-key"
    );
    let value = if credential {
        MASK.to_string()
    } else {
        String::from_utf8_lossy(value).into_owned()
    };
    (name, value)
}

/// The URL with the value of query parameter `param` masked.
pub fn mask_query_param(url: &url::Url, param: Option<&str>) -> String {
    match param {
        Some(param) => mask_query(url, |k| k == param),
        None => url.to_string(),
    }
}

/// The URL with the value of every query parameter masked: for an address whose parameters we
/// cannot tell apart (what `record` forwards to), every value may be the token.
pub fn mask_query_values(url: &url::Url) -> String {
    mask_query(url, |_| true)
}

/// The URL with the values of the query parameters `secret` names masked; as it is when it
/// has none of them.
fn mask_query(url: &url::Url, secret: impl Fn(&str) -> bool) -> String {
    if !url.query_pairs().any(|(k, _)| secret(&k)) {
        return url.to_string();
    }
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if secret(&k) {
                MASK.to_string()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    let mut u = url.clone();
    u.query_pairs_mut().clear().extend_pairs(pairs);
    u.to_string().replace("%2A%2A%2A", MASK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_every_occurrence() {
        let mut s = Secrets::default();
        s.add("hunter2");
        assert_eq!(s.redact("key hunter2 and hunter2"), "key *** and ***");
    }

    #[test]
    fn masks_the_token_parameter_only() {
        let u = url::Url::parse("http://h/cb?token=abc123&x=1").unwrap();
        assert_eq!(
            mask_query_param(&u, Some("token")),
            "http://h/cb?token=***&x=1"
        );
        assert_eq!(mask_query_param(&u, None), "http://h/cb?token=abc123&x=1");
    }

    #[test]
    fn masks_every_query_value() {
        let u = url::Url::parse("http://h/cb?token=abc123&x=1").unwrap();
        assert_eq!(mask_query_values(&u), "http://h/cb?token=***&x=***");
        let bare = url::Url::parse("http://h/cb").unwrap();
        assert_eq!(mask_query_values(&bare), "http://h/cb");
    }

    #[test]
    fn a_header_carrying_a_credential_is_masked() {
        assert_eq!(
            header("Set-Cookie", b"session=abc"),
            ("set-cookie".to_string(), MASK.to_string())
        );
        assert_eq!(
            header("Content-Type", b"application/json"),
            ("content-type".to_string(), "application/json".to_string())
        );
    }
}
