//! The `suno-mock` binary: parse, run, map to an exit status. Everything else is the library.

fn main() {
    std::process::exit(suno_mock::cli::main());
}
