//! Everything azfailover knows about Azure goes through here: sign-in, the ARM HTTP client
//! (deadlines, retries, long-running operations, paging), typed resources and operations.

pub mod api;
pub mod auth;
pub mod az;
pub mod client;
pub mod error;
pub mod models;
pub mod ops;

pub use api::{EndpointUpdate, PromoteOptions, SqlFailover};
pub use auth::Identity;
pub use client::{
    Access, ArmClient, ArmWriter, BACKGROUND_READ_RESERVE, Budget, ClientOptions, IDLE_CONNECTIONS,
    LIST_PLACES, Lro, LroProgress, LroState, READ_GATE_MAX_WAIT, RunPriority, Submitted, connect,
    read_gate,
};
pub use error::{AzureError, ErrorKind};
