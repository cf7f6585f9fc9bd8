//! The application layer: the composition root between the command line and the domain. It
//! opens sessions (configuration, client, simulator), runs drills and scripted runs, hosts the
//! console's runs, and returns values, text and typed errors; the command line prints them and
//! `crate::exit::code` turns an error into the exit code.

pub mod drill;
pub mod error;
pub mod fleet;
pub mod fleet_host;
pub mod host;
pub mod scripted;
pub mod session;
pub mod sim;
pub mod views;

pub use error::{AppError, SessionError};
pub use session::{ConfigSource, Target, config_source};
