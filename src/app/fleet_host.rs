//! The fleet console's composition: every deployment's cached snapshot first (the overview's
//! first frame, before any client exists), then — attached once that frame is on screen — its
//! client, run host and engine, the fleet's engines bounded together
//! (`health::engine::spawn_fleet`); afterwards, how each run it started ended.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::azure::{ArmClient, ClientOptions, connect};
use crate::config::Config;
use crate::console::{Badge, ConsoleOptions};

use super::error::AppError;
use super::host::{ConsoleEnd, Host};
use super::session::{ConfigSource, access, load_fleet};

/// Collections running at the same time across a fleet's engines (each sends up to 32 requests
/// at once): the first refresh of twenty deployments comes in five waves, not all at once.
pub const FLEET_COLLECT_CONCURRENCY: usize = 4;

/// Each deployment's console options for the fleet's first frame: its configuration and its
/// cached snapshot (read for all of them at once), nothing that needs a client — so the
/// overview is on screen before any client is built or request sent.
pub fn first_frame_options(cfgs: &[Config], read_only: bool) -> Vec<ConsoleOptions> {
    let caches: Vec<Option<crate::health::Snapshot>> = std::thread::scope(|scope| {
        let loads: Vec<_> = cfgs
            .iter()
            .map(|cfg| {
                let name = cfg.deployment.name.as_str();
                scope.spawn(move || crate::health::cache::load(name))
            })
            .collect();
        loads.into_iter().map(|l| l.join().ok().flatten()).collect()
    });
    cfgs.iter()
        .zip(caches)
        .map(|(cfg, initial)| ConsoleOptions {
            config: cfg.clone(),
            badge: Badge::Live,
            read_only,
            identity: None,
            scenario: None,
            faults: None,
            initial,
            reports_dir: crate::runbook::report::reports_dir(),
            host: None,
            sim_clock: None,
        })
        .collect()
}

/// A deployment of the fleet, connected (no sign-in yet: its engine's first refresh signs in),
/// or why it could not be.
pub type Connection = Result<(Config, ArmClient, Option<crate::azure::ArmWriter>), String>;

/// Builds every deployment's client.
pub fn connect_all(cfgs: &[Config], read_only: bool) -> Vec<Connection> {
    cfgs.iter()
        .map(|cfg| {
            connect(cfg, access(read_only), ClientOptions::from_config(cfg))
                .map(|(client, writer)| (cfg.clone(), client, writer))
                .map_err(|e| format!("cannot connect to {}: {e}", cfg.deployment.arm_endpoint))
        })
        .collect()
}

/// The engines of the fleet's deployments, in order: the connected ones bounded together
/// (`FLEET_COLLECT_CONCURRENCY` collections at a time, shared region probes), the others saying
/// why they have no health.
pub fn engines(connections: &[Connection]) -> Vec<crate::health::EngineHandle> {
    let connected: Vec<(Config, ArmClient)> = connections
        .iter()
        .filter_map(|c| {
            c.as_ref()
                .ok()
                .map(|(cfg, client, _)| (cfg.clone(), client.clone()))
        })
        .collect();
    let mut live =
        crate::health::engine::spawn_fleet(connected, FLEET_COLLECT_CONCURRENCY).into_iter();
    connections
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
    let options = first_frame_options(&cfgs, read_only);
    let hosts: Arc<Mutex<Vec<Arc<Host>>>> = Arc::default();
    let attach: crate::console::FleetAttach = {
        let hosts = hosts.clone();
        Box::new(move || {
            let connections = connect_all(&cfgs, read_only);
            let engines = engines(&connections);
            let mut kept = hosts
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            connections
                .into_iter()
                .zip(engines)
                .map(|(c, engine)| {
                    let host = c.ok().map(|(cfg, client, writer)| {
                        let host = Arc::new(Host::new(cfg, client, writer, None, None, None));
                        kept.push(host.clone());
                        host as Arc<dyn crate::console::RunHost>
                    });
                    (host, engine)
                })
                .collect()
        })
    };
    let code = crate::console::run_fleet(options, attach).await;
    let hosts: Vec<Arc<Host>> = std::mem::take(
        &mut *hosts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    let mut ends = Vec::new();
    for host in hosts {
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
