//! What `validate` found valid: each serve plan and scenario file with its warnings, in the
//! order they are said.

/// One valid file.
#[derive(Debug, Clone, PartialEq)]
pub enum Valid {
    Plan {
        file: String,
        tasks: usize,
        /// Rendered with the lines they quote.
        warnings: Vec<String>,
    },
    Scenario {
        file: String,
        steps: usize,
        warnings: Vec<String>,
    },
}

impl Valid {
    pub fn warnings(&self) -> &[String] {
        match self {
            Valid::Plan { warnings, .. } | Valid::Scenario { warnings, .. } => warnings,
        }
    }
}
