//! The health engine: collects a snapshot of every component (Resource Health, Service Health
//! and kind-specific state), derives what it means for failover, and refreshes it in the
//! background so the console never waits on the network.

pub mod cache;
pub mod check;
pub mod collect;
pub mod derive;
pub mod engine;
pub mod fleet;
pub mod model;
pub mod report;
pub mod verdict;
pub mod words;

pub use check::CheckId;
pub use engine::{EngineHandle, HealthMsg, spawn};
pub use model::*;
pub use verdict::{Blocker, Recommendation, Variant, Verdict};
