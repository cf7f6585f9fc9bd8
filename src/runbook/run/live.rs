//! Reading live state for a run: the reading a runbook is planned from, a step's reading of
//! what its checks look at (`scope`), the reading shared by steps followed together, and which
//! unreadable resources keep a check from deciding.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::azure::ArmClient;
use crate::config::{ComponentKind, Config, Targets};
use crate::health::collect::{CollectOptions, Collector, Observations, Reading};
use crate::health::{RegionHealth, Snapshot};
use crate::runbook::model::*;

use super::scope::Scope;

/// How a run reads live state: everything through the run's collector (which keeps the slow
/// readiness reads between readings), a part through a collector of those components only,
/// derived from them alone (what is not read is not in the snapshot: never "unknown").
#[derive(Clone, Copy)]
pub(super) struct LiveReader<'a> {
    pub(super) full: &'a Collector,
    pub(super) cfg: &'a Config,
    pub(super) client: &'a ArmClient,
}

impl LiveReader<'_> {
    /// The collector and configuration of a part (None: everything, the run's collector).
    fn part(&self, scope: &Scope) -> Option<(Collector, Config)> {
        let (cfg, health) = scope.part_of(self.cfg)?;
        let opts = CollectOptions {
            readiness: false,
            health_lists: health,
            ..CollectOptions::default()
        };
        Some((
            Collector::with_options(cfg.clone(), self.client.clone(), opts),
            cfg,
        ))
    }

    /// One pass over `scope`.
    pub(super) async fn once(&self, scope: &Scope) -> Result<Live, String> {
        match self.part(scope) {
            None => self.full.collect_full().await,
            Some((c, _)) => c.collect_full().await,
        }
    }

    /// A reading of `scope` whose transient gaps were read again ([`plan_reading`]).
    pub(super) async fn merged(&self, scope: &Scope, interval: Duration) -> Result<Live, String> {
        match self.part(scope) {
            None => plan_reading(self.full, self.cfg, interval).await,
            Some((c, cfg)) => plan_reading(&c, &cfg, interval).await,
        }
    }
}

/// The reading a runbook is planned from (and a step checked against, through a collector of
/// its scope and that scope's `cfg`): what a transient error kept from one pass is read again
/// (a few passes, with backoff) and merged in, so that a flaky read never turns a step into
/// "do it by hand". Resources in a region that is down or not responding are not waited for:
/// their silence is the outage.
pub(super) async fn plan_reading(
    collector: &Collector,
    cfg: &Config,
    interval: Duration,
) -> Result<(Observations, Snapshot), String> {
    let (mut obs, mut snap) = collector.collect_full().await?;
    for attempt in 1..6u32 {
        let ids: Vec<String> = cfg
            .components
            .iter()
            .flat_map(|c| live_ids(cfg, c, &snap))
            .collect();
        let health_flaky = matches!(&obs.availability, Err(e) if e.transient)
            || matches!(&obs.events, Err(e) if e.transient);
        if transient_error(&obs, &ids).is_none() && !health_flaky {
            break;
        }
        let pause = interval.min(Duration::from_secs(1)) * (1 << attempt.min(3));
        tokio::time::sleep(pause.mul_f64(0.5 + fastrand::f64() * 0.5)).await;
        let Ok((more, _)) = collector.collect_full().await else {
            continue;
        };
        for (k, v) in more.reads {
            let keep_old = obs.reads.get(&k).is_some_and(|old| old.is_ok());
            if !keep_old {
                obs.reads.insert(k, v);
            }
        }
        // A SQL partner a flaky first pass could not find (what a forced step is sent to).
        for (k, v) in more.sql_partners {
            obs.sql_partners.entry(k).or_insert(v);
        }
        if obs.availability.is_err() && more.availability.is_ok() {
            obs.availability = more.availability;
        }
        if obs.events.is_err() && more.events.is_ok() {
            obs.events = more.events;
        }
        obs.now = more.now;
        snap = crate::health::derive::snapshot(cfg, &obs, &mut BTreeMap::new());
    }
    // What the primary's side no longer says (it is down), as last seen: the cached facts.
    if let Some(cached) = crate::health::cache::load_of(cfg) {
        snap.facts.keep_from(&cached.facts);
    }
    Ok((obs, snap))
}

/// The resources a step's request acts on (lowercase ids).
pub(super) fn action_resources(a: &Action) -> Vec<String> {
    let id = match a {
        Action::StorageFailover { id, .. }
        | Action::StorageSetSku { id, .. }
        | Action::CosmosPriority { id, .. }
        | Action::CosmosOffline { id, .. }
        | Action::CosmosOnline { id, .. }
        | Action::AksPower { id, .. }
        | Action::AksScale { id, .. }
        | Action::ComputeScale { id, .. }
        | Action::EndpointTraffic { id, .. } => id.clone(),
        Action::SqlFailover {
            group_on_target, ..
        } => group_on_target.clone(),
        Action::PostgresPromote { replica, .. } | Action::MysqlStopReplication { replica } => {
            replica.clone()
        }
        Action::DeploymentScale { endpoint, .. } => endpoint.clone(),
        Action::TrafficManagerEndpoint { profile, .. } => profile.clone(),
        Action::FrontDoorOrigin { origin_group, .. } => origin_group.clone(),
    };
    vec![id.to_ascii_lowercase()]
}

/// A transient read error among what a step in doubt is judged by, if any.
pub(super) fn unreadable_in(
    step: &Step,
    cfg: &Config,
    obs: &Observations,
    snap: &Snapshot,
) -> Option<String> {
    let mut ids: Vec<String> = step.action.iter().flat_map(action_resources).collect();
    if let Some(c) = step.component.as_deref().and_then(|c| cfg.component(c)) {
        ids.extend(live_ids(cfg, c, snap));
    }
    transient_error(obs, &ids)
}

/// The resources of a component that can answer now: every one, except those located in a
/// region that is down or not responding (their silence is the outage, not a read problem).
pub(super) fn live_ids(cfg: &Config, c: &crate::config::Component, snap: &Snapshot) -> Vec<String> {
    let down = |r: &crate::region::Region| {
        snap.regions.iter().any(|x| {
            x.name == r.as_str() && matches!(x.health, RegionHealth::Outage | RegionHealth::Unknown)
        })
    };
    match &c.targets {
        Targets::Paired { primary, secondary } => {
            let mut out = Vec::new();
            if !down(&cfg.deployment.primary_region) {
                out.push(primary.key());
            }
            if !down(&cfg.deployment.secondary_region) {
                out.push(secondary.key());
            }
            out
        }
        // A registry's control plane is its home region's (DR-RUNBOOKS.md, the simulator's
        // table): in an outage of the primary it cannot answer, and re-reading it only waits.
        // (A SQL group whose server there is down is read through its partner by the collector.)
        Targets::Replicated { .. }
            if c.kind == crate::config::ComponentKind::ContainerRegistry
                && down(&cfg.deployment.primary_region) =>
        {
            Vec::new()
        }
        Targets::Replicated { resource, .. } | Targets::Routing { resource, .. } => {
            vec![resource.key()]
        }
    }
}

pub(super) fn transient_error(obs: &Observations, ids: &[String]) -> Option<String> {
    ids.iter().find_map(|id| match obs.reads.get(id) {
        Some(Err(e)) if e.transient => Some(e.message.clone()),
        _ => None,
    })
}

/// When a failed postcondition looked at something that could not be read, what.
pub(super) fn unreadable_post(
    p: &Postcondition,
    cfg: &Config,
    obs: &Observations,
    snap: &Snapshot,
) -> Option<String> {
    let names: Vec<&str> = match p.component() {
        Some(component) => vec![component],
        None => cfg
            .components
            .iter()
            .filter(|c| {
                matches!(
                    c.kind,
                    ComponentKind::Storage
                        | ComponentKind::SqlFailoverGroup
                        | ComponentKind::PostgresFlexible
                        | ComponentKind::MysqlFlexible
                        | ComponentKind::CosmosDb
                        | ComponentKind::MlOnlineEndpoint
                )
            })
            .map(|c| c.name.as_str())
            .collect(),
    };
    names.into_iter().find_map(|n| {
        let c = cfg.component(n)?;
        transient_error(obs, &live_ids(cfg, c, snap)).map(|e| format!("{n}: {e}"))
    })
}

/// When a failed precondition looked at something that could not be read, what.
pub(super) fn unreadable_for(
    p: &Precondition,
    cfg: &Config,
    obs: &Observations,
    snap: &Snapshot,
) -> Option<String> {
    match p {
        Precondition::RegionNotHealthy { region }
        | Precondition::RegionHealthy { region }
        | Precondition::RegionNotDown { region }
        | Precondition::RegionReady { region } => match (&obs.availability, &obs.events) {
            (Err(e), _) | (_, Err(e)) if e.transient => {
                Some(format!("Resource Health or Service Health: {}", e.message))
            }
            // Its requests did not answer: this reading cannot tell how the region is.
            _ if snap
                .regions
                .iter()
                .any(|r| r.name == *region && r.health == RegionHealth::Unknown) =>
            {
                Some(format!("{region}: not responding"))
            }
            // A resource that could not be read counts against the health of the regions it
            // has instances in (replicated ones have an instance in both).
            _ => {
                let ids: Vec<String> = cfg
                    .components
                    .iter()
                    .flat_map(|c| live_ids(cfg, c, snap))
                    .collect();
                transient_error(obs, &ids).map(|e| format!("{region}: {e}"))
            }
        },
        Precondition::StandbyProvisioned { component: c }
        | Precondition::NotLastEnabled { component: c, .. }
        | Precondition::ActiveIn { component: c, .. } => {
            let comp = cfg.component(c)?;
            transient_error(obs, &live_ids(cfg, comp, snap)).map(|e| format!("{c}: {e}"))
        }
        Precondition::VerifyGatePassed => None,
    }
}

/// One reading of live state shared by the steps followed together: a step that looks while
/// another step's reading is still fresh (and holds what it looks at) uses it; a new reading
/// reads what every step asked for lately, instead of each reading its own or everything.
pub(super) struct SharedReading<'a> {
    live: LiveReader<'a>,
    /// How long a reading counts as fresh (half the interval between checks).
    fresh_for: Duration,
    /// What steps asked for lately, and when (forgotten after four times `fresh_for`).
    wanted: std::sync::Mutex<Vec<(Instant, Scope)>>,
    last: tokio::sync::Mutex<Option<(Instant, Scope, Arc<Live>)>>,
}

/// What one reading of live state holds.
pub(super) type Live = (Observations, Snapshot);

impl<'a> SharedReading<'a> {
    pub(super) fn new(live: LiveReader<'a>, fresh_for: Duration) -> SharedReading<'a> {
        SharedReading {
            live,
            fresh_for,
            wanted: std::sync::Mutex::new(Vec::new()),
            last: tokio::sync::Mutex::new(None),
        }
    }

    /// A fresh reading holding `scope`: the last one, or a new one of what the steps followed
    /// together asked for lately (steps asking meanwhile wait for it).
    pub(super) async fn read(&self, scope: &Scope) -> Result<Arc<Live>, String> {
        let together = {
            let mut wanted = self.wanted.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            wanted.retain(|(at, _)| now.duration_since(*at) < self.fresh_for * 4);
            wanted.push((now, scope.clone()));
            wanted
                .iter()
                .fold(scope.clone(), |all, (_, s)| all.union(s))
        };
        let mut last = self.last.lock().await;
        if let Some((at, read, r)) = last.as_ref()
            && at.elapsed() < self.fresh_for
            && read.covers(scope)
        {
            return Ok(r.clone());
        }
        let r = Arc::new(self.live.once(&together).await?);
        *last = Some((Instant::now(), together, r.clone()));
        Ok(r)
    }
}

pub(super) fn reading<'a>(obs: &'a Observations, id: &str) -> Option<&'a Reading> {
    obs.reads
        .get(&id.to_ascii_lowercase())
        .and_then(|r| r.as_ref().ok())
}
