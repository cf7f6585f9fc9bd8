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

/// Starts the simulator of `cfgs` on `listen`: one deployment, or a fleet's in one world.
pub async fn serve(
    cfgs: &[Config],
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
    let Some(cfg) = cfgs.first() else {
        return Err(AppError::Usage("no configuration to simulate".into()));
    };
    // A fleet: one world with every deployment's resources, started as a restored world is.
    let (scenario, restore) = match cfgs {
        [_] => (scenario, None),
        _ => (None, Some(fleet_world(cfgs, scenario, time_scale)?)),
    };
    let server = SimServer::start(
        cfg,
        SimOptions {
            listen,
            time_scale,
            scenario,
            restore,
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
    let scenario_note = scenario_name
        .map(|n| format!("; scenario {n}"))
        .unwrap_or_default();
    if let [cfg] = cfgs {
        notes.push(format!(
            "simulating '{}' ({} components) from {}; time scale {scale}×{scenario_note}",
            cfg.deployment.name,
            cfg.components.len(),
            cfg.origin,
        ));
    } else {
        notes.push(format!(
            "simulating a fleet of {} deployments in one world (a region's outage hits every deployment there); time scale {scale}×{scenario_note}",
            cfgs.len()
        ));
        for cfg in cfgs {
            notes.push(format!(
                "  '{}' ({} components, {} → {}) from {}",
                cfg.deployment.name,
                cfg.components.len(),
                cfg.deployment.primary_region,
                cfg.deployment.secondary_region,
                cfg.origin
            ));
        }
    }
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

/// The world of a fleet: every deployment's resources (one subscription: the simulator serves
/// one), its scenario started, its clock at the scenario's or the given scale. The scenario's
/// `primary`/`secondary` are the first deployment's regions.
fn fleet_world(
    cfgs: &[Config],
    scenario: Option<Scenario>,
    time_scale: Option<f64>,
) -> Result<crate::sim::World, AppError> {
    let first = &cfgs[0];
    if let Some(other) = cfgs.iter().find(|c| {
        !c.deployment
            .subscription_id
            .eq_ignore_ascii_case(&first.deployment.subscription_id)
    }) {
        return Err(AppError::Usage(format!(
            "the simulator serves one subscription, and the fleet names two: {} in {} and {} in {}; give the configurations to simulate together the same subscription_id",
            first.deployment.subscription_id,
            first.origin,
            other.deployment.subscription_id,
            other.origin
        )));
    }
    let scale = time_scale
        .or(scenario.as_ref().and_then(|s| s.time_scale))
        .unwrap_or(1.0);
    let mut world = crate::sim::World::from_config(first, crate::sim::SimClock::new(scale));
    for cfg in &cfgs[1..] {
        world.add_deployment(cfg);
    }
    if let Some(s) = scenario {
        world.start_scenario(s);
    }
    Ok(world)
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
