//! The world container: every resource the configuration names (each with its provider's
//! `State`), the regions, faults, incidents, long-running operations, data lost by forced
//! failovers and the log of mutating requests. What a resource *is* lives with its provider
//! (`providers/`); this file only asks the provider (`State::provider`).

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::clock::SimClock;
use super::lro::Operation;
use super::providers::{self, State};
use super::reply::ArmError;
use super::scenario::Timeline;
use crate::config::{ComponentKind, Config, Mode, ResourceId, Targets};
use crate::region::Region;

/// One of the world's fixed words (provisioning states, roles, modes). An alias, so that serde
/// does not try to borrow it from the input when a saved world is read back.
pub type Word = &'static str;

/// How a region is doing in the simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegionStatus {
    Up,
    Degraded,
    Down,
}

/// What ARM does with requests about a downed region's regional resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ArmBehaviour {
    /// Requests are answered as usual (only the data plane is down).
    Up,
    /// Requests fail quickly with 503 ServiceUnavailable.
    #[default]
    Error,
    /// Requests hang (until the client gives up).
    Hang,
}

/// One region's state.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RegionState {
    pub status: RegionStatus,
    #[serde(with = "time::serde::rfc3339::option")]
    pub since: Option<OffsetDateTime>,
    pub arm: ArmBehaviour,
    /// While down: whether every regional control plane there is down (`ControlPlane`), not
    /// only those of the pairs' per-region resources.
    #[serde(default)]
    pub control_plane: bool,
}

/// A Service Health incident raised by an outage or degradation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Incident {
    pub tracking_id: String,
    pub title: String,
    pub region: Region,
    #[serde(deserialize_with = "super::persist::static_str")]
    pub level: Word,
    #[serde(with = "time::serde::rfc3339")]
    pub started: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub mitigated: Option<OffsetDateTime>,
}

/// A mutating ARM request the simulator received (CONTRACT.md's `operations`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoggedOperation {
    pub method: String,
    pub path: String,
    pub at: String,
    pub status: u16,
}

/// Data lost by a forced failover (what the lag was at that moment).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DataLoss {
    pub resource: String,
    pub seconds: f64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Transient transport faults: throttling, latency, flaky responses, malformed bodies.
#[derive(Debug, Default)]
pub struct Faults {
    pub throttle_until: Option<Instant>,
    /// Added latency per region (None = every request) and HTTP method (None = every method).
    pub latency: BTreeMap<LatencyKey, Duration>,
    pub flaky: Option<Flaky>,
    /// Remaining malformed answers, per lowercase resource id ("" = any request).
    pub malformed: HashMap<String, u32>,
}

/// Which requests an added latency slows: those about a region (None: all) with a method
/// (None: all).
pub type LatencyKey = (Option<Region>, Option<String>);

/// Random 5xx answers and dropped connections.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flaky {
    pub error_rate: f64,
    pub drop_rate: f64,
    /// The share of dropped connections dropped after the request took effect (a lost answer).
    #[serde(default)]
    pub after_apply: f64,
    /// The HTTP methods it hits (upper case); all when None.
    #[serde(default)]
    pub methods: Option<Vec<String>>,
    #[serde(skip)]
    pub until: Option<Instant>,
}

/// Replication of a replicated resource: its normal lag and, during an outage of the source,
/// the moment replication stopped.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Replication {
    pub lag_secs: f64,
    pub frozen_at: Option<OffsetDateTime>,
}

impl Replication {
    /// The last moment whose writes are in the secondary.
    pub fn last_sync(&self, now: OffsetDateTime) -> OffsetDateTime {
        self.frozen_at.unwrap_or(now) - time::Duration::seconds_f64(self.lag_secs)
    }

    /// The current lag: writes newer than this are not yet in the secondary.
    pub fn lag(&self, now: OffsetDateTime) -> f64 {
        (now - self.last_sync(now)).as_seconds_f64().max(0.0)
    }
}

/// One simulated resource.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Resource {
    pub id: ResourceId,
    pub component: String,
    pub kind: ComponentKind,
    /// Where it lives (for replicated kinds: where it was created).
    pub home: Region,
    /// Whether it is one of a pair's per-region resources (regional control plane).
    pub regional: bool,
    /// Taken down by a `resource-down` fault.
    pub down: bool,
    pub state: State,
    /// The deployment that named it (a fleet's world holds several), for what a resource
    /// links to in its own deployment (a workspace's vault, registry, Application Insights).
    #[serde(default)]
    pub deployment: String,
}

/// The whole simulated world.
#[derive(Debug, Serialize, Deserialize)]
pub struct World {
    #[serde(with = "super::persist::clock")]
    pub clock: SimClock,
    pub deployment: String,
    pub subscription: String,
    pub primary: Region,
    pub secondary: Region,
    pub resources: Vec<Resource>,
    /// Lowercase resource id → index in `resources` (both ids of a SQL failover group).
    pub index: HashMap<String, usize>,
    pub regions: BTreeMap<Region, RegionState>,
    pub incidents: Vec<Incident>,
    #[serde(with = "super::persist::faults")]
    pub faults: Faults,
    /// ARM's token buckets (`throttle.rs`); a saved world keeps their limits, not their levels.
    #[serde(with = "super::throttle::persist", default)]
    pub throttle: super::throttle::Throttle,
    pub ops: Vec<Operation>,
    pub log: Vec<LoggedOperation>,
    pub data_loss: Vec<DataLoss>,
    pub timeline: Option<Timeline>,
    pub requests: u64,
    /// GETs answered, by lowercase path (no query), so tests can tell which reads a client made.
    #[serde(skip)]
    pub gets: HashMap<String, u64>,
    /// The GETs answered, each as sent (path and query), when `Some` (`examples/bench` replays
    /// one snapshot's through Microsoft's Python SDK); at most [`GET_LOG_MAX`] are kept.
    #[serde(skip)]
    pub get_log: Option<Vec<String>>,
    /// Resource Graph queries answered (the same, for its POSTs).
    #[serde(skip)]
    pub graph_queries: u64,
    /// Resource Graph's rows of each resource (by lowercase id) as it last knew them: what it
    /// answers while the resource's control plane is down.
    #[serde(skip)]
    pub graph_rows: HashMap<String, Vec<serde_json::Value>>,
    /// Every private endpoint of the world, built once: they follow from its resources alone,
    /// and each workspace's and storage account's answer lists its own (rebuilt for each, a
    /// list of 1,000 components took the simulator a second).
    #[serde(skip)]
    pub endpoints:
        std::sync::OnceLock<Vec<super::providers::aml_readiness::network::PrivateEndpoint>>,
    /// Tags of the resource groups (the runbook lock lives there).
    pub rg_tags: HashMap<String, BTreeMap<String, String>>,
    /// Fingerprints (not values) of the bearer tokens seen, so tests can tell whose token arrived.
    pub token_fingerprints: std::collections::BTreeSet<String>,
    /// What faults changed of Azure ML readiness (workspace drift, quota limits).
    #[serde(default)]
    pub aml: providers::aml_readiness::AmlSim,
    /// Where the world is saved after every change a request makes (drills), if anywhere.
    #[serde(skip)]
    pub persist_to: Option<std::path::PathBuf>,
}

/// The most GETs [`World::get_log`] keeps.
pub const GET_LOG_MAX: usize = 100_000;

impl World {
    /// Data lost by forced failovers so far: (resource, seconds).
    pub fn data_losses(&self) -> Vec<(String, f64)> {
        self.data_loss
            .iter()
            .map(|d| (d.resource.clone(), d.seconds))
            .collect()
    }

    /// Saves the world where `persist_to` says (nothing when it says nowhere). A failed save is
    /// logged: the drill goes on, it just could not be resumed from this point.
    pub fn persist(&self) {
        if let Some(path) = &self.persist_to
            && let Err(e) = super::persist::save(self, path)
        {
            tracing::warn!("cannot save the simulated world to {}: {e}", path.display());
        }
    }

    /// Builds the world the configuration describes, in its normal (healthy, primary-active) state.
    pub fn from_config(cfg: &Config, clock: SimClock) -> World {
        let d = &cfg.deployment;
        let mut world = World {
            clock,
            deployment: d.name.clone(),
            subscription: d.subscription_id.clone(),
            primary: d.primary_region.clone(),
            secondary: d.secondary_region.clone(),
            resources: Vec::new(),
            index: HashMap::new(),
            regions: BTreeMap::new(),
            incidents: Vec::new(),
            faults: Faults::default(),
            throttle: Default::default(),
            ops: Vec::new(),
            log: Vec::new(),
            data_loss: Vec::new(),
            timeline: None,
            requests: 0,
            gets: HashMap::new(),
            get_log: None,
            graph_queries: 0,
            graph_rows: HashMap::new(),
            endpoints: std::sync::OnceLock::new(),
            token_fingerprints: Default::default(),
            persist_to: None,
            rg_tags: HashMap::new(),
            aml: Default::default(),
        };
        world.add_deployment(cfg);
        world
    }

    /// Adds a deployment's regions and resources, healthy and primary-active: a fleet's
    /// simulator holds every deployment of the fleet in one world, so that a region's outage
    /// hits them all. A component whose resource another deployment already named is left out
    /// (the resource is shared, and simulated once).
    pub fn add_deployment(&mut self, cfg: &Config) {
        let d = &cfg.deployment;
        let (p, s) = (d.primary_region.clone(), d.secondary_region.clone());
        for r in [&p, &s] {
            self.regions.entry(r.clone()).or_insert(RegionState {
                status: RegionStatus::Up,
                since: None,
                arm: ArmBehaviour::Error,
                control_plane: false,
            });
        }
        let first = self.resources.len();
        for c in &cfg.components {
            if c.resource_ids()
                .iter()
                .any(|id| self.index.contains_key(&id.key()))
            {
                continue;
            }
            let hot = c.mode == Mode::HotHot;
            match &c.targets {
                Targets::Paired { primary, secondary } => {
                    let pi = self.add(
                        c.name.clone(),
                        c.kind,
                        primary.clone(),
                        p.clone(),
                        true,
                        providers::paired(c.kind, true, hot, None),
                    );
                    self.add(
                        c.name.clone(),
                        c.kind,
                        secondary.clone(),
                        s.clone(),
                        true,
                        providers::paired(c.kind, false, hot, Some(pi)),
                    );
                }
                Targets::Replicated { resource, regions } => {
                    let state = providers::replicated(c.kind, resource, regions, &p, &s);
                    let idx = self.add(
                        c.name.clone(),
                        c.kind,
                        resource.clone(),
                        p.clone(),
                        false,
                        state,
                    );
                    // A SQL failover group also answers through its partner server's id.
                    for alias in self.resources[idx].state.provider().aliases() {
                        self.index.insert(alias.to_ascii_lowercase(), idx);
                    }
                }
                Targets::Routing {
                    resource,
                    primary,
                    secondary,
                } => {
                    let state =
                        providers::routing(c.kind, resource, primary, secondary, &p, &s, hot);
                    self.add(
                        c.name.clone(),
                        c.kind,
                        resource.clone(),
                        Region::new("global"),
                        false,
                        state,
                    );
                }
            }
        }
        for r in &mut self.resources[first..] {
            r.deployment = d.name.clone();
        }
    }

    /// Adds a resource and indexes it by its id, so requests about it find it.
    fn add(
        &mut self,
        component: String,
        kind: ComponentKind,
        id: ResourceId,
        home: Region,
        regional: bool,
        state: State,
    ) -> usize {
        self.index.insert(id.key(), self.resources.len());
        self.endpoints = std::sync::OnceLock::new();
        self.resources.push(Resource {
            id,
            component,
            kind,
            home,
            regional,
            down: false,
            state,
            deployment: String::new(),
        });
        self.resources.len() - 1
    }

    /// The current simulated time.
    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// The status of a region (regions outside the deployment are always up).
    pub fn region_status(&self, r: &Region) -> RegionStatus {
        self.regions.get(r).map_or(RegionStatus::Up, |s| s.status)
    }

    /// Whether a region is not down.
    pub fn region_up(&self, r: &Region) -> bool {
        self.region_status(r) != RegionStatus::Down
    }

    /// Resolves `primary`/`secondary` aliases and normalises a region name.
    pub fn resolve_region(&self, raw: &str) -> Option<Region> {
        let r = match raw {
            "primary" => self.primary.clone(),
            "secondary" => self.secondary.clone(),
            _ => Region::new(raw),
        };
        self.regions.contains_key(&r).then_some(r)
    }

    /// The resource whose id is `path` or the longest prefix of it, and the rest of the path.
    pub fn find<'p>(&self, path: &'p str) -> Option<(usize, &'p str)> {
        let lower = path.to_ascii_lowercase();
        let mut end = lower.len();
        loop {
            if let Some(&i) = self.index.get(&lower[..end]) {
                return Some((i, &path[end..]));
            }
            end = lower[..end].rfind('/')?;
            if end == 0 {
                return None;
            }
        }
    }

    /// The region a resource serves from now (moves after a failover).
    pub fn serving_region(&self, i: usize) -> Region {
        let r = &self.resources[i];
        r.state
            .provider()
            .serving_region()
            .unwrap_or_else(|| r.home.clone())
    }

    /// Where the control plane answering requests about resource `i` through `path` lives
    /// (its provider's rule).
    pub fn control_plane(&self, i: usize, path: &str) -> providers::ControlPlane {
        self.resources[i]
            .state
            .provider()
            .control_plane(self, i, path)
    }

    /// The region whose outage fails a request about resource `i` through `path`, if any: with
    /// `control_plane` on for that region, the provider's rule; otherwise (the former rule) only
    /// a pair's per-region resources, in the region they serve from. Role assignments on a
    /// resource are Microsoft.Authorization's, a global control plane: never.
    pub fn outage_region(&self, i: usize, path: &str) -> Option<Region> {
        if providers::aml_readiness::roles::is_authorization(path) {
            return None;
        }
        if let providers::ControlPlane::Regional(r) = self.control_plane(i, path)
            && self.regions.get(&r).is_some_and(|s| s.control_plane)
        {
            return Some(r);
        }
        self.resources[i].regional.then(|| self.serving_region(i))
    }

    /// Mutable access to a resource's replication record, if it has one.
    pub fn replication_mut(&mut self, i: usize) -> Option<&mut Replication> {
        self.resources[i].state.provider_mut()?.replication_mut()
    }

    /// Freezes or resumes replication out of regions according to their status.
    pub fn refresh_replication(&mut self) {
        let now = self.now();
        for i in 0..self.resources.len() {
            // A resource that does not replicate is passed over before its source is asked.
            if self.replication_mut(i).is_none() {
                continue;
            }
            let Some(source) = self.resources[i].state.provider().replication_source(self) else {
                continue;
            };
            let up = self.region_up(&source) && !self.resources[i].down;
            if let Some(rep) = self.replication_mut(i) {
                match (up, rep.frozen_at) {
                    (false, None) => rep.frozen_at = Some(now),
                    (true, Some(_)) => rep.frozen_at = None,
                    _ => {}
                }
            }
        }
    }

    /// The ARM JSON of resource `i` as seen through `id` (a SQL failover group has one per
    /// server), written by its provider.
    pub fn render(&self, i: usize, id: &str, expand_geo: bool) -> serde_json::Value {
        self.resources[i]
            .state
            .provider()
            .render(self, i, id, expand_geo)
    }

    /// Resource `i`'s state as its provider's own type, for a handler the route table chose by
    /// kind (a mismatch is the simulator's bug: 500, never a panic).
    pub fn state_of<T: providers::Typed>(&self, i: usize) -> Result<&T, ArmError> {
        T::of(&self.resources[i].state).ok_or_else(|| self.not_a(i, T::NAME))
    }

    /// Resource `i`'s state as its provider's own type, to change it.
    pub fn state_of_mut<T: providers::Typed>(&mut self, i: usize) -> Result<&mut T, ArmError> {
        let err = self.not_a(i, T::NAME);
        T::of_mut(&mut self.resources[i].state).ok_or(err)
    }

    /// The internal error of a handler given another provider's resource.
    fn not_a(&self, i: usize, what: &str) -> ArmError {
        ArmError::new(
            500,
            "InternalServerError",
            format!(
                "The simulated resource '{}' is not a {what}.",
                self.resources[i].id
            ),
        )
    }

    /// Records what a forced failover of resource `i` lost: the replication lag at `now`, which
    /// the drill report compares with the RPO.
    pub fn record_loss(&mut self, i: usize, lag: f64, now: OffsetDateTime) {
        self.data_loss.push(DataLoss {
            resource: self.resources[i].id.to_string(),
            seconds: lag,
            at: now,
        });
    }

    /// Records a mutating request for `/_sim/state` and reports.
    pub fn log_mutation(&mut self, method: &str, path: &str, status: u16) {
        let at = crate::timefmt::rfc3339(self.now());
        self.log.push(LoggedOperation {
            method: method.to_string(),
            path: path.to_string(),
            at,
            status,
        });
    }
}
