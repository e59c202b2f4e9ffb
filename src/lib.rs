//! suno-mock plays the provider's side of the Suno music-video callbacks and checks the
//! receivers written for them. The binary is a thin shell over this library.

pub mod artifacts;
pub mod cli;
mod console;
pub mod doctor;
pub mod duration;
pub mod exit;
pub mod family;
pub mod fuzz;
pub mod http_server;
pub mod job;
pub mod load;
pub mod mock_api;
pub mod observe;
pub mod outcome;
pub mod payload;
pub mod receiver;
pub mod record;
pub mod report;
pub mod rules;
pub mod run;
pub mod scenario;
pub mod secrets;
pub mod sender;
pub mod wire;
