//! Reports written from outcome data: human text, JSON with `schema_version`, JUnit XML,
//! GitHub Actions annotations and step summary.
//! Every text passes through the secret redactor before it leaves the process.

pub mod check;
pub mod evidence;
pub mod fuzz;
pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod load;
pub mod style;

pub use style::Style;

/// `1 rule`, `2 rules`, `1 delivery`, `3 deliveries`: counts in reports read as English.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// [`count`] for words whose plural only adds an `s`.
pub fn plural(n: usize, word: &str) -> String {
    count(n, word, &format!("{word}s"))
}
