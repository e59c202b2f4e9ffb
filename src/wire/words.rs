//! Counts said as English (`1 rule`, `3 deliveries`): shared by the reports and by every
//! layer that writes text for people (recorded files, the lint), so none of them reaches up
//! into `report` for it.

/// `1 rule`, `2 rules`, `1 delivery`, `3 deliveries`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// [`count`] for words whose plural only adds an `s`.
pub fn plural(n: usize, word: &str) -> String {
    count(n, word, &format!("{word}s"))
}
