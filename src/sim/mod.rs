//! The built-in Azure Resource Manager simulator: a real HTTP server on loopback that answers the
//! ARM operations azfailover uses, with the same shapes and long-running-operation protocol,
//! plus faults, scenarios and a control API under `/_sim/`. It powers `demo`, drills and tests.

pub mod clock;
pub mod faults;
pub mod ops;
pub mod persist;
pub mod render;
pub mod reply;
pub mod scenario;
mod server;
pub mod world;

pub use clock::SimClock;
pub use faults::Fault;
pub use scenario::Scenario;
pub use server::{SimOptions, SimServer, fingerprint, state};
pub use world::World;
