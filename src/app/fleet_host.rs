//! The fleet console's composition: for every deployment of the fleet its client, its cached
//! snapshot (the overview's first frame, before any request), its run host and its engine —
//! the fleet's engines bounded together (`health::engine::spawn_fleet`) — then the fleet
//! overview; afterwards, how each run it started ended.

use std::path::PathBuf;
use std::sync::Arc;

use crate::azure::{ClientOptions, connect};
use crate::console::{Badge, ConsoleOptions};

use super::error::AppError;
use super::host::{ConsoleEnd, Host};
use super::session::{ConfigSource, access, load_fleet};

/// Collections running at the same time across a fleet's engines (each sends up to 32 requests
/// at once): the first refresh of twenty deployments comes in five waves, not all at once.
pub const FLEET_COLLECT_CONCURRENCY: usize = 4;

/// Everything the fleet console needs from the deployments, ready before the terminal is taken:
/// no request has been sent yet. Cached snapshots are read here, all at once.
pub struct Prepared {
    pub options: Vec<ConsoleOptions>,
    /// The clients of the deployments that have one (None: connecting failed, with why).
    pub connections: Vec<Result<(crate::config::Config, crate::azure::ArmClient), String>>,
    hosts: Vec<Option<Arc<Host>>>,
}

/// Prepares a fleet's consoles: clients (no sign-in: each engine's first refresh signs in, so
/// the first frame never waits for it), run hosts and the cached snapshots.
pub fn prepare(cfgs: Vec<crate::config::Config>, read_only: bool) -> Prepared {
    let caches: Vec<Option<crate::health::Snapshot>> = std::thread::scope(|scope| {
        let loads: Vec<_> = cfgs
            .iter()
            .map(|cfg| {
                let name = cfg.deployment.name.clone();
                scope.spawn(move || crate::health::cache::load(&name))
            })
            .collect();
        loads.into_iter().map(|l| l.join().ok().flatten()).collect()
    });
    let mut options = Vec::new();
    let mut connections = Vec::new();
    let mut hosts = Vec::new();
    for (cfg, initial) in cfgs.into_iter().zip(caches) {
        let connected = connect(&cfg, access(read_only), ClientOptions::from_config(&cfg));
        let (host, connection) = match connected {
            Ok((client, writer)) => {
                let host = Arc::new(Host::new(
                    cfg.clone(),
                    client.clone(),
                    writer,
                    None,
                    None,
                    None,
                ));
                (Some(host), Ok((cfg.clone(), client)))
            }
            Err(e) => (
                None,
                Err(format!(
                    "cannot connect to {}: {e}",
                    cfg.deployment.arm_endpoint
                )),
            ),
        };
        options.push(ConsoleOptions {
            config: cfg,
            badge: Badge::Live,
            read_only,
            identity: None,
            scenario: None,
            faults: None,
            initial,
            reports_dir: crate::runbook::report::reports_dir(),
            host: host.clone().map(|h| h as Arc<dyn crate::console::RunHost>),
            sim_clock: None,
        });
        connections.push(connection);
        hosts.push(host);
    }
    Prepared {
        options,
        connections,
        hosts,
    }
}

/// Starts the engines of a prepared fleet, in its order: the connected deployments' bounded
/// together, the others saying why they have no health.
pub fn engines(prepared: &Prepared) -> Vec<crate::health::EngineHandle> {
    let connected: Vec<(crate::config::Config, crate::azure::ArmClient)> = prepared
        .connections
        .iter()
        .filter_map(|c| c.as_ref().ok().cloned())
        .collect();
    let mut live =
        crate::health::engine::spawn_fleet(connected, FLEET_COLLECT_CONCURRENCY).into_iter();
    prepared
        .connections
        .iter()
        .map(|c| match c {
            Ok(_) => live.next().expect("one engine per connected deployment"),
            Err(why) => crate::health::engine::failed(why.clone()),
        })
        .collect()
}

/// The fleet console on the configurations `paths` name (several files, or a directory).
/// Returns how it ended: the console's code first, then each run that one of its deployments
/// started (ended with its report, or left unfinished).
pub async fn console(paths: &[PathBuf], read_only: bool) -> Result<Vec<ConsoleEnd>, AppError> {
    let cfgs = load_fleet(&ConfigSource::Fleet(paths.to_vec()))?;
    let prepared = prepare(cfgs, read_only);
    let engines = engines(&prepared);
    let Prepared { options, hosts, .. } = prepared;
    let code = crate::console::run_fleet(options, engines).await;
    let mut ends = Vec::new();
    for host in hosts.into_iter().flatten() {
        let end = host.end(&code, None).await?;
        if end.run.is_some() || end.left_unfinished.is_some() {
            ends.push(end);
        }
    }
    let code = code.map_err(AppError::Terminal)?;
    for end in &mut ends {
        end.code = code;
    }
    if ends.is_empty() {
        ends.push(ConsoleEnd {
            code,
            run: None,
            left_unfinished: None,
        });
    }
    Ok(ends)
}
