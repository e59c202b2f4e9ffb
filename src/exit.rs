//! The process exit statuses, as documented in CONTRACT.md §5. Each one is pinned by a test.

/// Every must rule passed, or every expectation of every scenario held.
pub const SUCCESS: i32 = 0;
/// At least one must rule or scenario expectation failed (or a should rule under `--strict`).
pub const FAILED: i32 = 1;
/// The command line was wrong (clap exits with this code too).
pub const USAGE: i32 = 2;
/// A scenario file is invalid; the message names file, line and column.
pub const INVALID_SCENARIO: i32 = 3;
/// The harness could not do its job: receiver unreachable before the first delivery, a port
/// could not be bound, a report could not be written.
pub const HARNESS: i32 = 4;
/// Interrupted by Ctrl-C; partial reports were written.
pub const INTERRUPTED: i32 = 130;
