//! The interactive console: what a responder sees first. It answers "which region is down,
//! what serves where, and could we fail over right now?" at one glance, and never freezes:
//! snapshots arrive as messages from the health engine; the UI loop never awaits the network.
//!
//! Layers: `app` (state, actions, a pure `update`), `keymap` and `command` (input to actions),
//! `timeline` (health changes between snapshots), `ui` (pure drawing), `tui` (the terminal)
//! and `event_loop` (the only place that waits on anything).

pub mod act;
pub mod app;
mod bench;
pub mod command;
pub mod edit;
mod event_loop;
pub mod fleet;
mod fleet_loop;
pub mod keymap;
pub mod layout;
mod nav;
pub mod reports;
pub mod run_state;
pub mod runbook_bridge;
pub mod state;
pub mod summary;
pub mod theme;
pub mod timeline;
pub mod tui;
pub mod ui;
mod view;

pub use crate::text::sanitize;
pub use app::{Action, App, Effect, Screen, SortKey, update};
pub use bench::{bench_frame, frames_holding, frames_of, synthetic_snapshot};

/// What the header says this console is connected to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Badge {
    /// Production Azure.
    Live,
    /// The built-in simulator (`azfailover demo`).
    Demo,
    /// A DR drill against the simulator.
    Drill,
}

/// Injects a simulator fault; Ok says what changed, Err why it does not apply.
pub type FaultInjector =
    std::sync::Arc<dyn Fn(&crate::sim::Fault) -> Result<String, String> + Send + Sync>;

/// Starts runs and previews on behalf of the console; the composition root implements it (the
/// console never builds a client, plans from the network or runs an executor itself).
pub trait RunHost: Send + Sync {
    /// Starts a run of `kind` (in the demo against its simulator; elsewhere against the
    /// configured endpoint; a read-only session's is a dry run). Its messages arrive on the
    /// receiver. Err says why it cannot start (a run already started in this console).
    fn start(
        &self,
        kind: crate::config::RunbookKind,
    ) -> Result<runbook_bridge::RunReceiver, String>;
    /// Plans the runbook of `kind` from live state, off the UI thread; `done` receives it.
    fn preview(&self, kind: crate::config::RunbookKind, done: PreviewDone);
}

/// The simulator's clock (now, simulated seconds per real second), for demos and drills: the
/// console shows every time in it, labelled once per screen.
pub type SimClock = std::sync::Arc<dyn Fn() -> (time::OffsetDateTime, f64) + Send + Sync>;

/// Where a preview's runbook (or why there is none) goes.
pub type PreviewDone = Box<dyn FnOnce(Result<crate::runbook::Runbook, String>) + Send + 'static>;

/// Everything the console needs besides the health engine.
pub struct ConsoleOptions {
    /// The deployment (name, regions, RTO/RPO, components, `[console]` settings).
    pub config: crate::config::Config,
    /// Live, demo or drill: demo and drill get a theme that cannot be mistaken for production.
    pub badge: Badge,
    /// `--read-only`: shown as a badge.
    pub read_only: bool,
    /// Who is signed in, e.g. "oncall@contoso.com (tenant ...)" or "simulator".
    pub identity: Option<String>,
    /// The scenario name shown in the header for demo and drills.
    pub scenario: Option<String>,
    /// Some in demo and drills: enables the `:fault ...` command.
    pub faults: Option<FaultInjector>,
    /// A cached snapshot, shown marked STALE until the first refresh lands.
    pub initial: Option<crate::health::Snapshot>,
    /// Where the reports screen reads reports from.
    pub reports_dir: std::path::PathBuf,
    /// Starts runs and previews (`:failover`, `:failback`, `:plan`); None: the console only
    /// watches.
    pub host: Option<std::sync::Arc<dyn RunHost>>,
    /// The simulator's clock, in demos and drills.
    pub sim_clock: Option<SimClock>,
}

/// Runs the interactive console until the user quits; returns the process exit code (0, or 130
/// on Ctrl-C / SIGTERM). The terminal is restored on every exit path, including a panic.
pub async fn run(
    opts: ConsoleOptions,
    engine: crate::health::EngineHandle,
) -> std::io::Result<i32> {
    event_loop::run(opts, engine, None).await
}

/// The console of a run (`failover`, `failback`, `drill`): opens on the runbook screen and
/// answers the questions that arrive on `runs` (from a `runbook_bridge::ChannelOperator`).
/// Returns the exit code: the run's outcome once it ended, 130 on Ctrl-C.
pub async fn run_with_runbook(
    opts: ConsoleOptions,
    engine: crate::health::EngineHandle,
    runs: runbook_bridge::RunReceiver,
) -> std::io::Result<i32> {
    event_loop::run(opts, engine, Some(runs)).await
}

/// What the fleet console attaches once its first frame — drawn from the cached snapshots alone
/// — is on screen: each deployment's run host (None: it cannot start runs) and health engine,
/// in the order of the deployments. Building clients takes longer than that frame may.
pub type FleetAttach = Box<
    dyn FnOnce() -> Vec<(
            Option<std::sync::Arc<dyn RunHost>>,
            crate::health::EngineHandle,
        )> + Send,
>;

/// The fleet console: the overview of several deployments, worst first, each one's console a
/// key away. `deployments` carry no run host (`attach` gives them theirs after the first
/// frame). Returns the exit code: the worst outcome of the runs it started (0 without), 130 on
/// Ctrl-C / SIGTERM. The terminal is restored on every exit path.
pub async fn run_fleet(
    deployments: Vec<ConsoleOptions>,
    attach: FleetAttach,
) -> std::io::Result<i32> {
    fleet_loop::run(deployments, attach).await
}

#[cfg(test)]
mod tests {
    /// `run` can be spawned on a multi-threaded runtime (checked at compile time).
    #[allow(dead_code)]
    fn run_future_is_send(opts: super::ConsoleOptions, engine: crate::health::EngineHandle) {
        fn is_send<T: Send>(_: T) {}
        is_send(super::run(opts, engine));
    }
}
