//! Printing that never panics. `println!` panics when stdout is a closed pipe (`serve | head -1`,
//! issue 9); these macros write through `std::io::Write` and drop what cannot be written, so
//! a command whose reader went away still finishes its work and writes its report files.

/// `print!` to stdout, ignoring a closed pipe.
#[cfg_attr(not(feature = "cli"), allow(unused_macros))]
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut o = std::io::stdout().lock();
        let _ = write!(o, $($arg)*);
        let _ = o.flush();
    }};
}

/// `println!` to stdout, ignoring a closed pipe.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `eprint!` to stderr, ignoring a closed pipe.
#[cfg_attr(not(feature = "cli"), allow(unused_macros))]
macro_rules! err {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// `eprintln!` to stderr, ignoring a closed pipe.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

// The library without its command line prints nothing on stdout.
#[cfg_attr(not(feature = "cli"), allow(unused_imports))]
pub(crate) use {err, errln, out, outln};
