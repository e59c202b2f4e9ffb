//! The one integration-test binary: a module per topic, all on loopback.

// Test helpers outside #[test] functions unwrap too: a failure there is a failed test.
#![allow(clippy::unwrap_used)]

mod artifacts;
mod bench_scripts;
mod browser;
mod check_rules;
mod ci_docs;
mod cli;
mod doctor;
mod evidence;
mod families;
mod faults;
mod first_hour;
mod fuzz;
mod harness;
mod html_report;
mod interrupt;
mod layout;
mod library;
mod load;
mod mock_api;
mod mock_client;
mod parse_props;
mod readme;
mod record;
mod reports;
mod scenario_errors;
mod schema;
mod sender;
mod serve_scripts;
mod stdlib_receiver;
