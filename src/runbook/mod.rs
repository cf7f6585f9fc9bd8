//! Runbooks: generation from topology and live state, safety rules, execution with a journal
//! that survives a crash, and reports.

pub mod journal;
pub mod lock;
pub mod markdown;
pub mod model;
pub mod operator;
pub mod plan;
pub mod report;
pub mod run;

pub use model::*;
pub use plan::plan;
