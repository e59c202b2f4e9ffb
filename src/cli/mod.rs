//! The commands: clap definitions in `args`, one file per command, shared set-up in `session`.

pub mod args;
mod ca_cmd;
mod check_cmd;
mod demo_cmd;
mod docs_cmd;
mod doctor_cmd;
mod fuzz_cmd;
mod health_cmd;
mod live;
mod load_cmd;
mod merge_cmd;
mod receiver_cmd;
mod record_cmd;
mod rules_cmd;
mod run_cmd;
mod send_cmd;
mod serve_cmd;
mod session;
mod validate_cmd;

use clap::Parser;

pub use args::Cli;

use crate::exit;

/// Parses the command line, runs the command, returns the exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                exit::USAGE
            } else {
                exit::SUCCESS
            };
        }
    };
    match cli.command {
        args::Command::Doctor(a) => doctor_cmd::run(a),
        args::Command::Run(a) => run_cmd::run(a),
        args::Command::Send(a) => send_cmd::run(a),
        args::Command::Check(a) => check_cmd::run(a),
        args::Command::Demo(a) => demo_cmd::run(a),
        args::Command::Rules { family } => rules_cmd::list(family),
        args::Command::Explain { rule, family } => rules_cmd::explain(&rule, family),
        args::Command::Validate { paths, family } => validate_cmd::validate(&paths, family),
        args::Command::Schema { what } => validate_cmd::schema(what),
        args::Command::Receiver(a) => receiver_cmd::run(a),
        args::Command::Ca { path } => ca_cmd::run(path),
        args::Command::Serve(a) => serve_cmd::run(a),
        args::Command::Health { url, timeout } => health_cmd::run(&url, timeout.0),
        args::Command::Load(a) => load_cmd::run(a),
        args::Command::Merge(a) => merge_cmd::run(a),
        args::Command::Record(a) => record_cmd::run(a),
        args::Command::Drift { dir } => record_cmd::drift(&dir),
        args::Command::Fuzz(a) => fuzz_cmd::run(a),
        args::Command::Completions { shell } => docs_cmd::completions(shell),
        args::Command::Man { dir } => docs_cmd::man(dir.as_deref()),
    }
}
