//! azfailover: a terminal console for multi-region disaster recovery of Azure ML deployments.
//!
//! Layers point one way: `config` (the model) ← `azure` (the ARM client) and `sim` (the
//! simulated Azure) ← the health engine, runbooks and console; the domain never imports the
//! terminal UI, and the UI never speaks HTTP.
#![recursion_limit = "256"]
// ARM errors carry the request ids and the resource on purpose; a few hundred bytes on an error
// path that waits on the network are not worth a Box.
#![allow(clippy::result_large_err)]

/// `println!` that ignores a closed stdout, so `azfailover status | head` does not panic.
#[macro_export]
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// `print!` that ignores a closed stdout.
#[macro_export]
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($t)*);
    }};
}

pub mod app;
pub mod azure;
pub mod cli;
pub mod config;
pub mod console;
pub mod exit;
pub mod health;
pub mod memory;
pub mod paths;
pub mod region;
pub mod runbook;
pub mod sim;
pub mod suggest;
pub mod text;
pub mod timefmt;
