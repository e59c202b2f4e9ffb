//! The walk over a located YAML tree that every file format of ours shares: typed getters
//! that report a located error with a fix instead of failing, so a file's errors all come out
//! at once. `parse.rs` (scenarios) and `serve_plan.rs` (serve plans) build on it.

use super::diagnostic::{Diagnostic, did_you_mean};
use super::yaml::{self, Node, Value, YamlErrorKind};
use crate::duration::{self, Dur};
use crate::wire::MediaMode;
use crate::wire::status::StatusMatch;

pub(super) const VIDEO_MODES: &[&str] = &["normal", "slow", "expired", "truncated", "large"];

/// Parses the YAML, or says where and why it is not YAML.
pub(super) fn load(file: &str, text: &str) -> Result<Node, Vec<Diagnostic>> {
    yaml::parse(text).map_err(|e| {
        let help = match &e.kind {
            YamlErrorKind::DuplicateKey { .. } => "keep one of them",
            k if k.is_limit() => {
                "a scenario is a short list of steps; split the file or drop the aliases"
            }
            _ => "check the indentation and quoting around this spot",
        };
        // JSON is read by the same parser (JSON is YAML), but a .json file's author thinks in JSON.
        let format = if file.to_ascii_lowercase().ends_with(".json") {
            "JSON"
        } else {
            "YAML"
        };
        vec![Diagnostic::new(file, e.pos, 1, format!("not valid {format}: {}", e.kind)).help(help)]
    })
}

pub(super) struct Walker<'f> {
    pub file: &'f str,
    pub errors: Vec<Diagnostic>,
    /// Reported with the errors, or on their own when there are none; never make a file invalid.
    pub warnings: Vec<Diagnostic>,
    /// The family deliveries are checked against: the file's `family:`, else the run's.
    pub family: &'static crate::family::Family,
}

impl<'f> Walker<'f> {
    pub(super) fn new(file: &'f str) -> Self {
        Walker {
            file,
            errors: Vec::new(),
            warnings: Vec::new(),
            family: crate::family::video(),
        }
    }

    /// The value when the walk found no error, with the warnings; else every error (warnings
    /// among them), in file order.
    pub(super) fn finish<T>(
        mut self,
        value: Option<T>,
    ) -> Result<(T, Vec<Diagnostic>), Vec<Diagnostic>> {
        self.warnings.sort_by_key(|d| (d.line, d.column));
        match value {
            Some(v) if self.errors.is_empty() => Ok((v, self.warnings)),
            _ => {
                self.errors.extend(self.warnings);
                self.errors.sort_by_key(|d| (d.line, d.column));
                self.errors.dedup();
                Err(self.errors)
            }
        }
    }

    /// A located warning with a fix.
    pub(super) fn warn(
        &mut self,
        node: &Node,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let mut d = Diagnostic::new(self.file, node.pos, node.len, message).help(help);
        d.warning = true;
        self.warnings.push(d);
    }
}

/// The entries of one mapping, after unknown keys were reported.
pub(super) struct Fields<'n> {
    pub node: &'n Node,
    entries: Vec<(&'n str, &'n Node, &'n Node)>,
}

impl<'n> Fields<'n> {
    pub(super) fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, _, v)| *v)
    }
    /// The key itself, to point at a setting that should not be there.
    pub(super) fn key(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, k, _)| *k)
    }
    pub(super) fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

impl Walker<'_> {
    pub(super) fn error(
        &mut self,
        node: &Node,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let help = help.into();
        let mut d = Diagnostic::new(self.file, node.pos, node.len, message);
        if !help.is_empty() {
            d = d.help(help);
        }
        self.errors.push(d);
    }

    /// Checks that `node` is a mapping whose keys are all in `allowed`.
    pub(super) fn fields<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        allowed: &[&str],
    ) -> Option<Fields<'n>> {
        let Value::Map(entries) = &node.value else {
            self.error(
                node,
                format!("{what} must be a mapping, found {}", node.kind()),
                format!(
                    "write it as `key: value` lines; allowed keys: {}",
                    allowed.join(", ")
                ),
            );
            return None;
        };
        let mut out = Vec::new();
        for (k, v) in entries {
            let Some(key) = k.as_str() else {
                self.error(
                    k,
                    format!("a key in {what} must be a string, found {}", k.kind()),
                    format!("allowed keys: {}", allowed.join(", ")),
                );
                continue;
            };
            if allowed.contains(&key) {
                out.push((key, k, v));
            } else {
                let help = match did_you_mean(key, allowed) {
                    Some(s) => format!("did you mean `{s}`? allowed: {}", allowed.join(", ")),
                    None => format!("allowed keys: {}", allowed.join(", ")),
                };
                self.error(k, format!("unknown key `{key}` in {what}"), help);
            }
        }
        Some(Fields { node, entries: out })
    }

    pub(super) fn required<'n>(
        &mut self,
        f: &Fields<'n>,
        key: &str,
        what: &str,
        example: &str,
    ) -> Option<&'n Node> {
        let v = f.get(key);
        if v.is_none() {
            self.error(
                f.node,
                format!("{what} has no `{key}`"),
                format!("add `{key}: {example}`"),
            );
        }
        v
    }

    pub(super) fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.value {
            Value::Str(s) => Some(s.clone()),
            _ => {
                self.error(
                    node,
                    format!("{what} must be a string, found {}", node.kind()),
                    "quote it: `\"...\"`",
                );
                None
            }
        }
    }

    pub(super) fn choice(&mut self, node: &Node, what: &str, allowed: &[&str]) -> Option<String> {
        let s = self.string(node, what)?;
        if allowed.contains(&s.as_str()) {
            return Some(s);
        }
        let help = match did_you_mean(&s, allowed) {
            Some(m) => format!("did you mean `{m}`? one of: {}", allowed.join(", ")),
            None => format!("one of: {}", allowed.join(", ")),
        };
        self.error(node, format!("unknown {what} `{s}`"), help);
        None
    }

    pub(super) fn uint(&mut self, node: &Node, what: &str, max: u32) -> Option<u32> {
        match node.value {
            Value::Int(i) if (0..=i64::from(max)).contains(&i) => Some(i as u32),
            Value::Int(i) => {
                self.error(
                    node,
                    format!("{what} is {i}; it must be from 0 to {max}"),
                    "",
                );
                None
            }
            _ => {
                self.error(
                    node,
                    format!("{what} must be a whole number, found {}", node.kind()),
                    "write a number without quotes, like `3`",
                );
                None
            }
        }
    }

    pub(super) fn boolean(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.error(
                    node,
                    format!("{what} must be true or false, found {}", node.kind()),
                    "write `true` or `false` without quotes",
                );
                None
            }
        }
    }

    pub(super) fn duration(&mut self, node: &Node, what: &str) -> Option<Dur> {
        let text = match &node.value {
            Value::Str(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            _ => {
                self.error(
                    node,
                    format!("{what} must be a duration, found {}", node.kind()),
                    "write it like `15s` or `500ms`",
                );
                return None;
            }
        };
        match duration::parse(&text) {
            Ok(d) => Some(d),
            Err(e) => {
                self.error(
                    node,
                    format!("{what}: {e}"),
                    "write it like `15s` or `500ms`",
                );
                None
            }
        }
    }

    pub(super) fn string_list(&mut self, node: &Node, what: &str) -> Option<Vec<String>> {
        match &node.value {
            Value::Seq(items) => items.iter().map(|i| self.string(i, what)).collect(),
            Value::Str(s) => Some(vec![s.clone()]),
            _ => {
                self.error(
                    node,
                    format!("{what} must be a list of strings, found {}", node.kind()),
                    "write it as `[a, b]`",
                );
                None
            }
        }
    }

    pub(super) fn status(&mut self, node: &Node, what: &str) -> Option<StatusMatch> {
        let one = |v: &Value| match v {
            Value::Int(c) => Some(StatusMatch::code(*c).map_err(|e| e.to_string())),
            Value::Str(s) => Some(StatusMatch::parse_class(s).map_err(|e| e.to_string())),
            _ => None,
        };
        let r = match &node.value {
            Value::Seq(items) if !items.is_empty() => items
                .iter()
                .map(|i| {
                    one(&i.value)
                        .unwrap_or_else(|| Err(format!("a status in the list is {}", i.kind())))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(StatusMatch::List),
            v => one(v).unwrap_or_else(|| Err(format!("{what} is {}", node.kind()))),
        };
        match r {
            Ok(s) => Some(s),
            Err(e) => {
                self.error(
                    node,
                    format!("{what}: {e}"),
                    "write a code like `200`, a class like `4xx`, or a list of them like `[2xx, 4xx]`",
                );
                None
            }
        }
    }

    /// A `video:` setting; absent or invalid (reported) means normal.
    pub(super) fn video_mode(&mut self, node: Option<&Node>) -> MediaMode {
        match node
            .and_then(|n| self.choice(n, "video mode", VIDEO_MODES))
            .as_deref()
        {
            Some("slow") => MediaMode::Slow,
            Some("expired") => MediaMode::Expired,
            Some("truncated") => MediaMode::Truncated,
            Some("large") => MediaMode::Large,
            _ => MediaMode::Normal,
        }
    }
}

pub(super) fn field_node<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v),
        _ => None,
    }
}
