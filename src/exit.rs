//! Process exit codes fixed by CONTRACT.md, and the one place that maps what the layers
//! return (a typed error, a run's end, a snapshot's grade) to them.

/// Success; for `status`: every region healthy and every standby ready.
pub const OK: i32 = 0;
/// `status`: something degraded, a lag over the RPO, or a standby not ready.
pub const DEGRADED: i32 = 1;
/// `status`: a region outage or a primary component unavailable.
pub const OUTAGE: i32 = 2;
/// Bad command line.
pub const USAGE: i32 = 64;
/// Azure (or the simulator) could not be reached, or authentication failed.
pub const UNAVAILABLE: i32 = 69;
/// A local file could not be read or written (not in CONTRACT.md: sysexits' EX_IOERR).
pub const IO_ERROR: i32 = 74;
/// Bad configuration.
pub const CONFIG: i32 = 78;
/// The user aborted.
pub const ABORTED: i32 = 130;
/// A run stopped because a request's answer was lost and live state cannot tell whether it
/// took effect: check by hand (not in CONTRACT.md: sysexits' EX_TEMPFAIL).
pub const IN_DOUBT: i32 = 75;

use crate::app::{AppError, SessionError};
use crate::health::Grade;
use crate::runbook::journal::JournalError;
use crate::runbook::run::{Outcome, RunError, RunResult, Stopped};

/// The exit code of an error that reached the top of a command: the one mapping of
/// CONTRACT.md's codes (and the README's for runs).
pub fn code(e: &AppError) -> i32 {
    match e {
        AppError::Usage(_) | AppError::Terminal(_) => USAGE,
        AppError::Session(SessionError::Config(_) | SessionError::Fleet(_)) => CONFIG,
        AppError::Session(SessionError::TimeScale) => USAGE,
        AppError::Session(SessionError::Simulator(_) | SessionError::Azure(_)) => UNAVAILABLE,
        AppError::Collect(_) | AppError::Listen { .. } | AppError::RunHost(_) => UNAVAILABLE,
        AppError::Run(e) => of_run_error(e),
        AppError::NothingToDo(_) => DEGRADED,
        AppError::Journal(JournalError::NoSuchRun { .. }) => USAGE,
        AppError::Journal(JournalError::Unreadable { .. }) | AppError::Io(_) => IO_ERROR,
    }
}

/// A run that could not start or report: the same code in a scripted run and in the console
/// (another run holding the lock is 1, as the README says).
pub fn of_run_error(e: &RunError) -> i32 {
    match e {
        RunError::Unreachable(_) => UNAVAILABLE,
        RunError::LockHeld(_) => DEGRADED,
        RunError::Io(_) => IO_ERROR,
        RunError::LeftUnfinished(_) => ABORTED,
        RunError::NothingToDo(_) => DEGRADED,
    }
}

/// A run's outcome: 0 completed, 130 aborted, 1 failed.
pub fn of_outcome(o: Outcome) -> i32 {
    match o {
        Outcome::Completed => OK,
        Outcome::Aborted => ABORTED,
        Outcome::Failed => DEGRADED,
    }
}

/// A run that ended with a report: why it stopped on its own, else its outcome.
pub fn of_run(r: &RunResult) -> i32 {
    match r.stopped {
        Some(Stopped::InDoubt) => IN_DOUBT,
        Some(Stopped::Unreadable) => UNAVAILABLE,
        None => of_outcome(r.outcome),
    }
}

/// `status`: 0 healthy and ready, 1 degraded, 2 outage.
pub fn of_grade(g: Grade) -> i32 {
    match g {
        Grade::Healthy => OK,
        Grade::Degraded => DEGRADED,
        Grade::Outage => OUTAGE,
    }
}

/// How alarming a deployment's `status` code is, to pick a fleet's worst: healthy (0) <
/// degraded (1) < not known — Azure not reached or sign-in failed (69), which may hide an
/// outage — < an outage (2), which needs someone now. Any other code (the command itself
/// failed) ranks above them all.
pub fn severity(code: i32) -> u8 {
    match code {
        OK => 0,
        DEGRADED => 1,
        UNAVAILABLE => 2,
        OUTAGE => 3,
        _ => 4,
    }
}

/// `status` over a fleet: the worst of its deployments' codes by `severity` (0 for none).
pub fn worst(codes: impl IntoIterator<Item = i32>) -> i32 {
    codes.into_iter().max_by_key(|&c| severity(c)).unwrap_or(OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_code_of_a_fleet_follows_the_contracts_meaning() {
        assert_eq!(worst([]), OK);
        assert_eq!(worst([OK, OK]), OK);
        assert_eq!(worst([OK, DEGRADED, OK]), DEGRADED);
        assert_eq!(worst([DEGRADED, UNAVAILABLE]), UNAVAILABLE);
        assert_eq!(worst([UNAVAILABLE, OUTAGE, DEGRADED]), OUTAGE);
        assert_eq!(worst([OUTAGE, CONFIG]), CONFIG);
    }
}
