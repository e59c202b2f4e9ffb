//! Turns the PATH arguments of `run` and `validate` into parsed scenarios, in a stable order:
//! arguments as given, each folder's files sorted by path.

use std::path::{Path, PathBuf};

use super::diagnostic::Diagnostic;
use super::model::Scenario;
use super::parse::parse_located;
use crate::family::Family;

#[derive(Debug, Clone)]
pub struct LoadedScenario {
    /// The path as the user would write it, used in every report.
    pub file: String,
    pub scenario: Scenario,
    /// The line each step starts on.
    pub step_lines: Vec<usize>,
    /// Warnings about the file, rendered with its text (a valid file may have some).
    pub warnings: Vec<String>,
    /// The family its deliveries are rendered in: its `family:`, else the run's.
    pub family: &'static Family,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A path that does not exist or cannot be read: a usage error.
    #[error(transparent)]
    Path(#[from] Unreadable),
    /// Files that do not parse: every diagnostic of every file, with the sources to quote.
    #[error("{} in the files", crate::wire::words::plural(.0.iter().filter(|(d, _)| !d.warning).count(), "error"))]
    Invalid(Vec<(Diagnostic, Option<String>)>),
}

/// A path given that cannot be read, or that holds no scenario file.
#[derive(Debug, thiserror::Error)]
pub enum Unreadable {
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot list `{}`: {source}", path.display())]
    List {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no scenario files (*.yaml, *.yml, *.json) under {0}")]
    NoFiles(String),
}

fn is_scenario_file(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

pub fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), Unreadable> {
    let meta = std::fs::metadata(path).map_err(|source| Unreadable::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|source| Unreadable::List {
            path: path.to_path_buf(),
            source,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for e in entries {
        if e.is_dir() {
            collect(&e, out)?;
        } else if is_scenario_file(&e) {
            out.push(e);
        }
    }
    Ok(())
}

/// The scenario's own `family:`, else the run's.
fn effective(s: &super::Scenario, run: &'static Family) -> &'static Family {
    s.family
        .as_deref()
        .and_then(crate::family::find)
        .unwrap_or(run)
}

/// Reads and parses every scenario under `paths`. All invalid files are reported together.
pub fn load_paths(
    paths: &[PathBuf],
    family: &'static Family,
) -> Result<Vec<LoadedScenario>, LoadError> {
    let mut files = Vec::new();
    for p in paths {
        collect(p, &mut files)?;
    }
    if files.is_empty() {
        return Err(Unreadable::NoFiles(
            paths
                .iter()
                .map(|p| format!("`{}`", p.display()))
                .collect::<Vec<_>>()
                .join(", "),
        )
        .into());
    }
    let mut loaded = Vec::new();
    let mut invalid = Vec::new();
    for f in files {
        let name = f.display().to_string();
        let text = match std::fs::read(&f) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    let d = Diagnostic::new(
                        &name,
                        super::yaml::Pos { line: 1, col: 1 },
                        1,
                        format!(
                            "the file is not UTF-8 text (byte {})",
                            e.utf8_error().valid_up_to()
                        ),
                    )
                    .help("save it as UTF-8");
                    invalid.push((d, None));
                    continue;
                }
            },
            Err(source) => return Err(Unreadable::Read { path: f, source }.into()),
        };
        match parse_located(&name, &text, family) {
            Ok((scenario, step_lines, warnings)) => loaded.push(LoadedScenario {
                family: effective(&scenario, family),
                file: name,
                scenario,
                step_lines,
                warnings: warnings.iter().map(|w| w.render(Some(&text))).collect(),
            }),
            Err(ds) => invalid.extend(ds.into_iter().map(|d| (d, Some(text.clone())))),
        }
    }
    if invalid.is_empty() {
        Ok(loaded)
    } else {
        Err(LoadError::Invalid(invalid))
    }
}

/// Parses scenarios compiled into the binary (the contract suite), named as `suite:NAME`.
pub fn load_embedded(
    files: &[(&str, &str)],
    family: &'static Family,
) -> Result<Vec<LoadedScenario>, LoadError> {
    let mut loaded = Vec::new();
    let mut invalid = Vec::new();
    for (name, text) in files {
        match parse_located(name, text, family) {
            Ok((scenario, step_lines, warnings)) => loaded.push(LoadedScenario {
                family: effective(&scenario, family),
                file: (*name).to_string(),
                scenario,
                step_lines,
                warnings: warnings.iter().map(|w| w.render(Some(text))).collect(),
            }),
            Err(ds) => invalid.extend(ds.into_iter().map(|d| (d, Some((*text).to_string())))),
        }
    }
    if invalid.is_empty() {
        Ok(loaded)
    } else {
        Err(LoadError::Invalid(invalid))
    }
}
