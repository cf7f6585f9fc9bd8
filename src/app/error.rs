//! The errors that reach the top of a command, typed: the command line says each in its own
//! words and `crate::exit::code` turns each into the exit code of CONTRACT.md.

use std::net::SocketAddr;

use crate::config::ConfigError;
use crate::health::collect::CollectError;
use crate::runbook::journal::JournalError;
use crate::runbook::run::RunError;

/// Why a command got no further than its configuration, the simulator or sign-in.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The configuration does not load (every problem, with file and line).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Configurations of a fleet do not load (every problem of every file, with file and line).
    #[error(transparent)]
    Fleet(#[from] crate::config::FleetError),
    /// The in-process simulator did not start.
    #[error("cannot start the simulator: {0}")]
    Simulator(std::io::Error),
    /// Azure (or the simulator) could not be reached, or sign-in failed.
    #[error(transparent)]
    Azure(#[from] crate::azure::AzureError),
    /// `--time-scale` is not a positive number.
    #[error("--time-scale must be a positive number")]
    TimeScale,
}

/// Why a command failed: everything `crate::exit::code` knows how to say as an exit code.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A bad command line, scenario name or answers file.
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Session(#[from] SessionError),
    /// Live state could not be read at all.
    #[error(transparent)]
    Collect(#[from] CollectError),
    /// A run could not start, or could not end with a report.
    #[error(transparent)]
    Run(#[from] RunError),
    /// The runbook asked for has nothing to do (a failback of a deployment on its primary).
    #[error("{0}")]
    NothingToDo(String),
    /// `journal`: no such journal, or it could not be read.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// A local file (reports) could not be read.
    #[error("{0}")]
    Io(String),
    /// `sim`: the address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// The console could not start its run.
    #[error("{0}")]
    RunHost(String),
    /// The console could not take the terminal.
    #[error("the console needs a terminal: {0}")]
    Terminal(std::io::Error),
}

impl From<ConfigError> for AppError {
    fn from(e: ConfigError) -> AppError {
        AppError::Session(SessionError::Config(e))
    }
}

impl AppError {
    /// The error code of `status --format json` (CONTRACT.md: `unreachable | auth | config`).
    pub fn status_code(&self) -> &'static str {
        match self {
            AppError::Session(SessionError::Config(_) | SessionError::Fleet(_)) => "config",
            AppError::Session(SessionError::Azure(e))
                if matches!(e.kind, crate::azure::ErrorKind::Auth(_)) =>
            {
                "auth"
            }
            AppError::Collect(CollectError::Auth(_)) => "auth",
            _ => "unreachable",
        }
    }
}
