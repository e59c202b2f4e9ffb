//! A job that could not be set up or run, with the exit status that says so.

/// A failure to set up or to run, with its exit status (`exit::USAGE`, `exit::HARNESS`).
#[derive(Debug)]
pub struct Fatal(pub i32, pub String);

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.1)
    }
}

impl std::error::Error for Fatal {}
