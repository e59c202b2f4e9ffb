//! A YAML (or JSON) document as a tree of nodes that remember where they stand in the file.
//!
//! Built from `saphyr-parser`'s events rather than a ready-made loader so that the limits that
//! keep a hostile file cheap are ours: nesting depth, node count and alias expansion (a
//! "billion laughs" file is refused after a bounded amount of work, never expanded).

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// Limits on what one scenario file may ask of the parser.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
pub const MAX_DEPTH: usize = 64;
/// Counts every node, including the ones an alias copies: this is what bounds alias bombs.
pub const MAX_NODES: usize = 100_000;

/// A place in a file: line and column, both counted from 1 as editors show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    fn from_span(span: &Span) -> Self {
        Pos {
            line: span.start.line(),
            col: span.start.col() + 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
    /// The source text of a scalar, used to quote it back in messages.
    pub len: usize,
}

impl Node {
    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value as JSON, for `set:` values and custom bodies.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.scalar_text(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// A scalar as text (mapping keys are usually strings but may be `200:` or `true:`).
    pub fn scalar_text(&self) -> String {
        match &self.value {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Str(s) => s.clone(),
            Value::Seq(_) => "[..]".into(),
            Value::Map(_) => "{..}".into(),
        }
    }
}

/// Where the text stops being a document we read, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{kind}")]
pub struct YamlError {
    pub pos: Pos,
    pub kind: YamlErrorKind,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum YamlErrorKind {
    /// Not YAML at all: the scanner's own words.
    #[error("{0}")]
    Syntax(String),
    #[error("duplicate key `{key}` (first at line {first_line})")]
    DuplicateKey { key: String, first_line: usize },
    #[error("a second YAML document; put one scenario in each file")]
    SecondDocument,
    #[error("alias to an unknown anchor")]
    UnknownAlias,
    #[error("the file is empty")]
    Empty,
    /// Limits that keep a hostile file from costing the harness memory or time.
    #[error("the file is {0} bytes; scenario files are limited to {MAX_FILE_BYTES}")]
    TooLarge(usize),
    #[error("nesting deeper than {MAX_DEPTH} levels")]
    TooDeep,
    #[error(
        "the document expands to more than {MAX_NODES} nodes (aliases included); a scenario is never that large"
    )]
    TooManyNodes,
}

impl YamlErrorKind {
    /// One of the limits on size, depth and expansion, not a mistake of syntax.
    pub fn is_limit(&self) -> bool {
        matches!(
            self,
            YamlErrorKind::TooLarge(_) | YamlErrorKind::TooDeep | YamlErrorKind::TooManyNodes
        )
    }
}

enum Frame {
    Seq {
        items: Vec<Node>,
        pos: Pos,
        anchor: usize,
    },
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        pos: Pos,
        anchor: usize,
    },
}

struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
    root: Option<Node>,
}

fn count(node: &Node) -> usize {
    1 + match &node.value {
        Value::Seq(items) => items.iter().map(count).sum(),
        Value::Map(entries) => entries.iter().map(|(k, v)| count(k) + count(v)).sum(),
        _ => 0,
    }
}

impl Builder {
    fn push_node(&mut self, node: Node, anchor: usize) -> Result<(), YamlError> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    if let Some((first, _)) = entries.iter().find(|(e, _)| e.value == k.value) {
                        return Err(YamlError {
                            pos: k.pos,
                            kind: YamlErrorKind::DuplicateKey {
                                key: k.scalar_text(),
                                first_line: first.pos.line,
                            },
                        });
                    }
                    entries.push((k, node));
                }
            },
        }
        Ok(())
    }

    fn bump(&mut self, n: usize, pos: Pos) -> Result<(), YamlError> {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            return Err(YamlError {
                pos,
                kind: YamlErrorKind::TooManyNodes,
            });
        }
        Ok(())
    }
}

/// Resolves a plain scalar as YAML 1.2's core schema does (so JSON reads the same way).
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(i) = text.parse::<i64>() {
        return Value::Int(i);
    }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return Value::Int(i);
    }
    let looks_numeric = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        && text.chars().any(|c| c.is_ascii_digit());
    if looks_numeric && let Ok(f) = text.parse::<f64>() {
        return Value::Float(f);
    }
    Value::Str(text.to_string())
}

/// Parses the first document of `text`. More than one document is an error: one scenario per file.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(YamlError {
            pos: Pos { line: 1, col: 1 },
            kind: YamlErrorKind::TooLarge(text.len()),
        });
    }
    let mut b = Builder {
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        root: None,
    };
    let mut documents = 0;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| YamlError {
            pos: Pos {
                line: e.marker().line(),
                col: e.marker().col() + 1,
            },
            kind: YamlErrorKind::Syntax(e.info().to_string()),
        })?;
        let pos = Pos::from_span(&span);
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(YamlError {
                        pos,
                        kind: YamlErrorKind::SecondDocument,
                    });
                }
            }
            Event::Scalar(text, style, anchor, _tag) => {
                b.bump(1, pos)?;
                let value = if style == ScalarStyle::Plain {
                    resolve_plain(&text)
                } else {
                    Value::Str(text.to_string())
                };
                let len = span.end.index().saturating_sub(span.start.index()).max(1);
                b.push_node(Node { value, pos, len }, anchor)?;
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                b.bump(1, pos)?;
                if b.stack.len() >= MAX_DEPTH {
                    return Err(YamlError {
                        pos,
                        kind: YamlErrorKind::TooDeep,
                    });
                }
                b.stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        items: Vec::new(),
                        pos,
                        anchor,
                    }
                } else {
                    Frame::Map {
                        entries: Vec::new(),
                        key: None,
                        pos,
                        anchor,
                    }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match b.stack.pop() {
                    Some(Frame::Seq { items, pos, anchor }) => (
                        Node {
                            value: Value::Seq(items),
                            pos,
                            len: 1,
                        },
                        anchor,
                    ),
                    Some(Frame::Map {
                        entries,
                        pos,
                        anchor,
                        ..
                    }) => (
                        Node {
                            value: Value::Map(entries),
                            pos,
                            len: 1,
                        },
                        anchor,
                    ),
                    None => continue,
                };
                b.push_node(node, anchor)?;
            }
            Event::Alias(id) => {
                let Some(target) = b.anchors.get(&id).cloned() else {
                    return Err(YamlError {
                        pos,
                        kind: YamlErrorKind::UnknownAlias,
                    });
                };
                b.bump(count(&target), pos)?;
                let node = Node { pos, ..target };
                b.push_node(node, 0)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    b.root.ok_or(YamlError {
        pos: Pos { line: 1, col: 1 },
        kind: YamlErrorKind::Empty,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let doc = parse("name: x\nsteps:\n  - deliver: success\n").unwrap();
        let Value::Map(entries) = doc.value else {
            panic!("not a map")
        };
        assert_eq!(entries[1].0.pos, Pos { line: 2, col: 1 });
        let Value::Seq(steps) = &entries[1].1.value else {
            panic!("not a seq")
        };
        assert_eq!(steps[0].pos.line, 3);
    }

    #[test]
    fn resolves_core_schema_scalars() {
        let doc = parse("[1, -2, 1.5, true, null, '7', abc]").unwrap();
        let Value::Seq(items) = doc.value else {
            panic!()
        };
        let kinds: Vec<_> = items.iter().map(Node::kind).collect();
        assert_eq!(
            kinds,
            [
                "an integer",
                "an integer",
                "a number",
                "a boolean",
                "null",
                "a string",
                "a string"
            ]
        );
    }

    #[test]
    fn json_is_yaml() {
        let doc = parse(r#"{"name": "x", "steps": [{"deliver": "success"}]}"#).unwrap();
        assert_eq!(doc.to_json()["steps"][0]["deliver"], "success");
    }

    #[test]
    fn refuses_duplicate_keys_with_both_places() {
        let err = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.pos.line, 3);
        assert!(
            matches!(err.kind, YamlErrorKind::DuplicateKey { first_line: 1, .. }),
            "{err}"
        );
    }

    #[test]
    fn refuses_billion_laughs_quickly() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let err = parse(&text).unwrap_err();
        assert_eq!(err.kind, YamlErrorKind::TooManyNodes, "{err}");
    }

    #[test]
    fn refuses_deep_nesting() {
        let text = "[".repeat(200) + &"]".repeat(200);
        assert_eq!(parse(&text).unwrap_err().kind, YamlErrorKind::TooDeep);
    }

    #[test]
    fn refuses_second_document_and_empty_file() {
        assert!(parse("a: 1\n---\nb: 2\n").is_err());
        assert_eq!(parse("").unwrap_err().to_string(), "the file is empty");
    }
}
