//! A located error in a scenario file, printed the way compilers print them: the place, the
//! line with a caret under the spot, and a one-line fix.

use std::fmt::Write as _;

use serde::Serialize;

use super::yaml::Pos;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub column: usize,
    #[serde(skip)]
    pub len: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// A warning: reported, but the file is still valid.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub warning: bool,
}

impl Diagnostic {
    pub fn new(file: &str, pos: Pos, len: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_string(),
            line: pos.line,
            column: pos.col,
            len: len.max(1),
            message: message.into(),
            help: None,
            warning: false,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `file:line:col: message`, for logs and JSON consumers.
    pub fn short(&self) -> String {
        format!(
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }

    /// The full rendering, quoting the offending line of `source` when it is at hand.
    pub fn render(&self, source: Option<&str>) -> String {
        let kind = if self.warning { "warning" } else { "error" };
        let mut out = format!("{kind}: {}\n", self.message);
        let gutter = self.line.to_string().len();
        let pad = " ".repeat(gutter);
        let _ = writeln!(out, "{pad}--> {}:{}:{}", self.file, self.line, self.column);
        if let Some(text) = source.and_then(|s| s.lines().nth(self.line.saturating_sub(1))) {
            let shown: String = text.chars().take(200).collect();
            let caret_at = self.column.saturating_sub(1).min(shown.chars().count());
            let width = self
                .len
                .min(shown.chars().count().saturating_sub(caret_at))
                .max(1);
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{} | {}", self.line, shown);
            let _ = writeln!(out, "{pad} | {}{}", " ".repeat(caret_at), "^".repeat(width));
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{pad} = help: {help}");
        }
        out
    }
}

pub use crate::wire::words::did_you_mean;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words_only() {
        let keys = ["copies", "concurrent", "deliver"];
        assert_eq!(did_you_mean("copis", &keys), Some("copies"));
        assert_eq!(did_you_mean("delivr", &keys), Some("deliver"));
        assert_eq!(did_you_mean("zzz", &keys), None);
    }

    #[test]
    fn renders_caret_under_the_spot() {
        let d = Diagnostic::new("s.yaml", Pos { line: 2, col: 3 }, 5, "unknown key `copis`")
            .help("did you mean `copies`?");
        let text = d.render(Some("steps:\n  copis: 2\n"));
        assert_eq!(
            text,
            "error: unknown key `copis`\n --> s.yaml:2:3\n  |\n2 |   copis: 2\n  |   ^^^^^\n  = help: did you mean `copies`?\n"
        );
    }
}
