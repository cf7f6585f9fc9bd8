//! The built-in Azure Resource Manager simulator: a real HTTP server on loopback that answers the
//! ARM operations azfailover uses, with the same shapes and long-running-operation protocol,
//! plus faults, scenarios and a control API under `/_sim/`. It powers `demo`, drills and tests.
//!
//! Where things live:
//! - `providers/` — one file per resource provider, named as in every layer (`storage`, `sql`,
//!   `cosmos`, `flex`, `aks`, `aml`, `routing`, `observe`, `resource_graph`): its state, ARM JSON, request
//!   handlers and routes, and the completion rules of its long-running operations.
//!   `providers/mod.rs` joins them: a resource's `State`, the route table, the `Action` an
//!   operation carries.
//! - `routes.rs` — how a request finds its answer (monitors, subscription-wide reads, what every
//!   resource answers, then the route table), and the `Route`/`Call` types handlers use.
//! - `lro.rs` — the long-running-operation engine: monitor headers, polling, completion in the
//!   order operations fell due.
//! - `health.rs` — Resource Health and Service Health for every resource.
//! - `tags.rs` — the Tags API on resource groups (where the run lock lives).
//! - `world.rs` — the world container: regions, incidents, resources, the operation log, data
//!   lost by forced failovers.
//! - `server.rs` — HTTP(S), authentication, api-version, transport faults, the `/_sim/` API.
//! - `tls.rs` — HTTPS on loopback (a generated CA and certificate), the managed-identity token
//!   endpoint and Azure's cloud metadata, for Microsoft's own clients (`az`, SDK credentials).
//! - `tenant.rs` — what ARM answers above any resource: subscriptions, tenants, the resource
//!   list of a subscription.
//! - `throttle.rs` — ARM's token buckets per subscription (or tenant), principal and operation
//!   type, the `x-ms-ratelimit-remaining-*` headers and the 429 of an emptied bucket.
//! - `faults.rs`, `scenario.rs`, `clock.rs`, `persist.rs`, `reply.rs` — faults, scripted
//!   scenarios, simulated time, the saved world of a drill, and ARM's answer and error shapes.

pub mod clock;
pub mod faults;
pub mod health;
pub mod lro;
pub mod persist;
pub mod providers;
pub mod reply;
pub mod routes;
pub mod scenario;
mod server;
pub mod tags;
pub mod tenant;
pub mod throttle;
pub mod tls;
pub mod world;

pub use clock::SimClock;
pub use faults::Fault;
pub use scenario::Scenario;
pub use server::{SimOptions, SimServer, fingerprint, state};
pub use throttle::RateLimits;
pub use tls::TlsOptions;
pub use world::World;
