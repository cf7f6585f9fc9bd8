//! The integration tests, one binary with a module per area (bottom's layout): the simulator
//! over HTTP, the ARM client, Microsoft's fixtures and SDKs, health, runbooks, drills,
//! reliability under faults, the console's screens and the real binary in tmux.
//!
//! Two stay binaries of their own, because they change the process's environment, which would
//! leak into every test here: `tests/auth_cli.rs` (PATH) and `tests/sql_partner.rs`
//! (XDG_CACHE_HOME, for the cached snapshot).
//!
//! Run one area with `cargo test --test integration drill::`, one test with its name.

mod common;
mod console_support;
mod tmux_support;

mod az_cli;
mod az_commands;
mod budget;
mod cli;
mod client;
mod console_fleet;
mod console_reports;
mod console_runbook;
mod console_screens;
mod console_standby;
mod console_update;
mod drill;
mod e2e_fleet;
mod e2e_runbook;
mod e2e_tmux;
mod fixture_parse;
mod fixture_shapes;
mod fleet;
mod health;
mod reliability;
mod runbook;
mod sdk_compat;
mod sim_http;
