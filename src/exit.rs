//! Process exit codes fixed by CONTRACT.md.

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
