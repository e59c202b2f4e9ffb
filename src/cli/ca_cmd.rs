//! `suno-mock ca`: the local CA of `--media-tls`, made when missing, and how each stack's
//! receiver is told to trust it.

use super::session::status;

pub fn run(path_only: bool) -> i32 {
    status(crate::job::ca::ca().map(|ca| {
        if path_only {
            crate::console::outln!("{}", ca.cert.display());
        } else {
            crate::console::out!("{}", crate::report::ca::human(&ca.cert, &ca.trust));
        }
        crate::exit::SUCCESS
    }))
}
