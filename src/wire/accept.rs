//! The sender's decision on a complete answer, shared by the scenario sender and `load`'s hot
//! path so the two can never disagree: a body over the cap, a redirect (never followed) or a
//! status outside the accept policy is a failed attempt, with its class and words.

use super::{ErrorClass, StatusMatch};

/// Why a complete answer was not accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub class: ErrorClass,
    pub message: String,
}

/// Judges a complete answer: `Ok` when the sender counts it as delivered.
pub fn judge_answer(
    status: u16,
    location: Option<&str>,
    body_over_cap: Option<usize>,
    accept: &StatusMatch,
) -> Result<(), Refusal> {
    if let Some(cap) = body_over_cap {
        return Err(Refusal {
            class: ErrorClass::BodyTooLarge,
            message: format!(
                "answered {status} with a body over {cap} bytes; reading stopped there"
            ),
        });
    }
    if (300..400).contains(&status) {
        return Err(Refusal {
            class: ErrorClass::Redirect,
            message: format!(
                "answered {status} redirecting to {}; redirects are never followed",
                location.unwrap_or("(no Location)")
            ),
        });
    }
    if accept.matches(status) {
        Ok(())
    } else {
        Err(Refusal {
            class: ErrorClass::Status,
            message: format!("answered {status}; the sender accepts {accept}"),
        })
    }
}

/// Whether a `Content-Type` value is JSON (`application/json`, any parameters, any case): the
/// built-in receiver and the mock API both ask.
pub fn is_json_content_type(value: &str) -> bool {
    value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .eq_ignore_ascii_case("application/json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_accepted_status_passes() {
        let ok = StatusMatch::Code(200);
        assert!(judge_answer(200, None, None, &ok).is_ok());
        assert_eq!(
            judge_answer(204, None, None, &ok).unwrap_err().class,
            ErrorClass::Status
        );
        let r = judge_answer(302, Some("/x"), None, &ok).unwrap_err();
        assert_eq!(r.class, ErrorClass::Redirect);
        assert!(r.message.contains("/x"));
        assert_eq!(
            judge_answer(200, None, Some(65536), &ok).unwrap_err().class,
            ErrorClass::BodyTooLarge
        );
    }

    #[test]
    fn json_content_types() {
        assert!(is_json_content_type("application/json"));
        assert!(is_json_content_type("Application/JSON; charset=utf-8"));
        assert!(!is_json_content_type("text/plain"));
        assert!(!is_json_content_type(""));
    }
}
