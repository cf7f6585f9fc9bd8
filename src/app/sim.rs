//! `azfailover sim`: the simulator as a server, with what it says when it starts (for the
//! command line to print) and the wait for SIGINT/SIGTERM that ends it.

use std::net::SocketAddr;

use crate::config::Config;
use crate::sim::{Scenario, SimOptions, SimServer};

use super::error::{AppError, SessionError};

/// A simulator that listens, and what to say about it.
pub struct Serving {
    /// Over TLS: the certificate and the lines that point a user's own az at it.
    pub setup: Vec<String>,
    pub server: SimServer,
    /// The first stdout line (`listening on http://HOST:PORT`).
    pub listening: String,
    /// What it says on stderr: where it listens, what it simulates, its control API.
    pub notes: Vec<String>,
}

/// Starts the simulator of `cfg` on `listen`.
pub async fn serve(
    cfg: &Config,
    listen: SocketAddr,
    scenario: Option<&str>,
    time_scale: Option<f64>,
    tls: Option<crate::sim::TlsOptions>,
    rate_limits: Option<crate::sim::RateLimits>,
) -> Result<Serving, AppError> {
    if time_scale.is_some_and(|s| !(s.is_finite() && s > 0.0)) {
        return Err(SessionError::TimeScale.into());
    }
    let scenario = scenario
        .map(Scenario::resolve)
        .transpose()
        .map_err(AppError::Usage)?;
    let scenario_name = scenario.as_ref().map(|s| s.name.clone());
    let server = SimServer::start(
        cfg,
        SimOptions {
            listen,
            time_scale,
            scenario,
            restore: None,
            tls,
            rate_limits,
        },
    )
    .await
    .map_err(|source| AppError::Listen {
        addr: listen,
        source,
    })?;
    let scale = server
        .world()
        .lock()
        .map(|w| w.clock.scale())
        .unwrap_or(1.0);
    let mut notes = Vec::new();
    if listen.ip().is_loopback() {
        notes.push(format!(
            "simulator bound to loopback only ({}); it is not reachable from other machines",
            server.url()
        ));
    } else {
        notes.push(format!(
            "WARNING: simulator bound to {listen}, reachable beyond this machine; it accepts any bearer token"
        ));
    }
    notes.push(format!(
        "simulating '{}' ({} components) from {}; time scale {scale}×{}",
        cfg.deployment.name,
        cfg.components.len(),
        cfg.origin,
        scenario_name
            .map(|n| format!("; scenario {n}"))
            .unwrap_or_default()
    ));
    notes.push(format!(
        "ARM token buckets per principal: {} (the `rate-limit` fault changes them)",
        rate_limits.unwrap_or_default().describe()
    ));
    notes.push(format!(
        "control API: POST {0}/_sim/faults, GET {0}/_sim/state, GET {0}/_sim/budget; Ctrl-C stops",
        server.url()
    ));
    // Over TLS: the certificate, then the lines that point a user's own az at it (stdout).
    let mut setup = Vec::new();
    if let Some(cert) = server.cert_path() {
        setup.push(format!("certificate {}", cert.display()));
        setup.extend(server.client_setup());
    }
    Ok(Serving {
        listening: format!("listening on {}", server.url()),
        setup,
        server,
        notes,
    })
}

impl Serving {
    /// Serves until SIGINT or SIGTERM, then stops.
    pub async fn run_until_shutdown(self) {
        wait_for_shutdown().await;
        self.server.stop().await;
    }
}

async fn wait_for_shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
