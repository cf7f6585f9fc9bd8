//! azfailover: a terminal console for multi-region disaster recovery of Azure ML deployments.
#![recursion_limit = "256"]
//!
//! Layers point one way: `config` (the model) ← `sim` (the simulated Azure) and the rest;
//! nothing in the domain imports the terminal UI.

pub mod azure;
pub mod cli;
pub mod config;
pub mod exit;
pub mod paths;
pub mod region;
pub mod sim;
pub mod timefmt;
