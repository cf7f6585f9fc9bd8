//! The simulated world: every resource the configuration names, the regions, faults, incidents,
//! long-running operations and the log of mutating requests.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::clock::SimClock;
use super::ops::Operation;
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

/// An AmlCompute cluster.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Compute {
    pub vm_size: String,
    pub min_nodes: u32,
    pub max_nodes: u32,
    pub current_nodes: u32,
    pub updating: bool,
}

/// A managed online deployment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Deployment {
    pub name: String,
    pub capacity: u32,
    pub instance_type: String,
    #[serde(deserialize_with = "super::persist::static_str")]
    pub provisioning: Word,
}

/// A managed online endpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Endpoint {
    pub traffic: BTreeMap<String, u32>,
    pub deployments: Vec<Deployment>,
    #[serde(deserialize_with = "super::persist::static_str")]
    pub provisioning: Word,
    pub tags: serde_json::Map<String, serde_json::Value>,
}

/// An AKS node pool.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NodePool {
    pub name: String,
    pub count: u32,
    #[serde(deserialize_with = "super::persist::static_str")]
    pub mode: Word,
    #[serde(deserialize_with = "super::persist::static_str")]
    pub provisioning: Word,
}

/// An AKS cluster.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Aks {
    pub running: bool,
    #[serde(deserialize_with = "super::persist::static_str")]
    pub provisioning: Word,
    pub pools: Vec<NodePool>,
}

/// A PostgreSQL or MySQL flexible server.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FlexServer {
    /// `Primary`, `AsyncReplica` or `None`.
    #[serde(deserialize_with = "super::persist::static_str")]
    pub role: Word,
    /// The server it replicates from, when a replica.
    pub source: Option<usize>,
    pub replication: Replication,
    #[serde(deserialize_with = "super::persist::static_str")]
    pub state: Word,
}

/// A storage account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Storage {
    pub sku: String,
    pub primary: Region,
    pub secondary: Option<Region>,
    pub replication: Replication,
    pub failover_in_progress: bool,
    pub last_geo_failover: Option<OffsetDateTime>,
    /// While geo-redundancy is being re-established after a failover.
    pub bootstrap_until: Option<OffsetDateTime>,
}

/// A SQL failover group, seen from both servers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SqlFg {
    pub name: String,
    /// The two servers: (id, region). Index 0 is the one the configuration names.
    pub servers: [(ResourceId, Region); 2],
    pub primary: usize,
    pub replication: Replication,
    pub busy: bool,
}

/// A Cosmos DB account region.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CosmosRegion {
    pub region: Region,
    pub priority: u32,
    pub offline: bool,
}

/// A Cosmos DB account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cosmos {
    pub regions: Vec<CosmosRegion>,
    pub replication: Replication,
    pub busy: bool,
}

/// A container registry and its replicas.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Acr {
    pub home: Region,
    /// (region, regionEndpointEnabled)
    pub replicas: Vec<(Region, bool)>,
}

/// A Traffic Manager endpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TmEndpoint {
    pub name: String,
    pub region: Region,
    pub enabled: bool,
    pub priority: u32,
    pub weight: u32,
    pub target: String,
}

/// A Front Door origin.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Origin {
    pub name: String,
    pub region: Region,
    pub enabled: bool,
    pub priority: u32,
    pub weight: u32,
    pub host: String,
    pub updating: bool,
}

/// Kind-specific state.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[allow(clippy::large_enum_variant)]
pub enum State {
    Workspace,
    Compute(Compute),
    Endpoint(Endpoint),
    Aks(Aks),
    Postgres(FlexServer),
    Mysql(FlexServer),
    AppInsights,
    Storage(Storage),
    SqlFg(SqlFg),
    Cosmos(Cosmos),
    Acr(Acr),
    KeyVault,
    TrafficManager {
        #[serde(deserialize_with = "super::persist::static_str")]
        routing: Word,
        endpoints: Vec<TmEndpoint>,
    },
    FrontDoor {
        origins: Vec<Origin>,
    },
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
    pub ops: Vec<Operation>,
    pub log: Vec<LoggedOperation>,
    pub data_loss: Vec<DataLoss>,
    pub timeline: Option<Timeline>,
    pub requests: u64,
    /// Tags of the resource groups (the runbook lock lives there).
    pub rg_tags: HashMap<String, BTreeMap<String, String>>,
    /// Fingerprints (not values) of the bearer tokens seen, so tests can tell whose token arrived.
    pub token_fingerprints: std::collections::BTreeSet<String>,
    /// Where the world is saved after every change a request makes (drills), if anywhere.
    #[serde(skip)]
    pub persist_to: Option<std::path::PathBuf>,
}

fn secondary_name(name: &str, primary: &Region, secondary: &Region) -> String {
    if name.contains(primary.as_str()) {
        name.replacen(primary.as_str(), secondary.as_str(), 1)
    } else {
        format!("{name}-{secondary}")
    }
}

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
        let (p, s) = (d.primary_region.clone(), d.secondary_region.clone());
        let mut world = World {
            clock,
            deployment: d.name.clone(),
            subscription: d.subscription_id.clone(),
            primary: p.clone(),
            secondary: s.clone(),
            resources: Vec::new(),
            index: HashMap::new(),
            regions: [&p, &s]
                .into_iter()
                .map(|r| {
                    (
                        r.clone(),
                        RegionState {
                            status: RegionStatus::Up,
                            since: None,
                            arm: ArmBehaviour::Error,
                        },
                    )
                })
                .collect(),
            incidents: Vec::new(),
            faults: Faults::default(),
            ops: Vec::new(),
            log: Vec::new(),
            data_loss: Vec::new(),
            timeline: None,
            requests: 0,
            token_fingerprints: Default::default(),
            persist_to: None,
            rg_tags: HashMap::new(),
        };
        for c in &cfg.components {
            let hot = c.mode == Mode::HotHot;
            match &c.targets {
                Targets::Paired { primary, secondary } => {
                    let pi = world.add(
                        c.name.clone(),
                        c.kind,
                        primary.clone(),
                        p.clone(),
                        true,
                        paired_state(c.kind, true, hot, None),
                    );
                    world.add(
                        c.name.clone(),
                        c.kind,
                        secondary.clone(),
                        s.clone(),
                        true,
                        paired_state(c.kind, false, hot, Some(pi)),
                    );
                }
                Targets::Replicated { resource, regions } => {
                    let state = replicated_state(c.kind, resource, regions, &p, &s);
                    let idx = world.add(
                        c.name.clone(),
                        c.kind,
                        resource.clone(),
                        p.clone(),
                        false,
                        state,
                    );
                    if let State::SqlFg(fg) = &world.resources[idx].state {
                        let partner = fg.servers[1].0.clone();
                        let fg_id = format!("{}/failoverGroups/{}", partner, fg.name);
                        world.index.insert(fg_id.to_ascii_lowercase(), idx);
                    }
                }
                Targets::Routing {
                    resource,
                    primary,
                    secondary,
                } => {
                    let state = routing_state(c.kind, resource, primary, secondary, &p, &s, hot);
                    world.add(
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
        world
    }

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
        self.resources.push(Resource {
            id,
            component,
            kind,
            home,
            regional,
            down: false,
            state,
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
        match &r.state {
            State::Storage(s) => s.primary.clone(),
            State::SqlFg(fg) => fg.servers[fg.primary].1.clone(),
            State::Cosmos(c) => write_region(c).unwrap_or_else(|| r.home.clone()),
            State::Acr(a) => a.home.clone(),
            _ => r.home.clone(),
        }
    }

    /// The region data replicates from, for resources that replicate.
    fn replication_source(&self, i: usize) -> Option<Region> {
        match &self.resources[i].state {
            State::Storage(s) if s.secondary.is_some() => Some(s.primary.clone()),
            State::SqlFg(fg) => Some(fg.servers[fg.primary].1.clone()),
            State::Cosmos(c) => write_region(c),
            State::Postgres(f) | State::Mysql(f) => {
                f.source.map(|src| self.resources[src].home.clone())
            }
            _ => None,
        }
    }

    /// Mutable access to a resource's replication record, if it has one.
    pub fn replication_mut(&mut self, i: usize) -> Option<&mut Replication> {
        match &mut self.resources[i].state {
            State::Storage(s) => Some(&mut s.replication),
            State::SqlFg(fg) => Some(&mut fg.replication),
            State::Cosmos(c) => Some(&mut c.replication),
            State::Postgres(f) | State::Mysql(f) if f.source.is_some() => Some(&mut f.replication),
            _ => None,
        }
    }

    /// Freezes or resumes replication out of regions according to their status.
    pub fn refresh_replication(&mut self) {
        let now = self.now();
        for i in 0..self.resources.len() {
            let src_up = self
                .replication_source(i)
                .map(|r| self.region_up(&r) && !self.resources[i].down);
            if let (Some(up), Some(rep)) = (src_up, self.replication_mut(i)) {
                match (up, rep.frozen_at) {
                    (false, None) => rep.frozen_at = Some(now),
                    (true, Some(_)) => rep.frozen_at = None,
                    _ => {}
                }
            }
        }
    }

    /// Availability for Resource Health: state, title, summary.
    pub fn availability(&self, i: usize) -> (&'static str, String, String) {
        let r = &self.resources[i];
        let region = self.serving_region(i);
        if r.down {
            return (
                "Unavailable",
                "Unavailable".into(),
                format!("The resource '{}' is unavailable.", r.id.name()),
            );
        }
        if let State::Storage(s) = &r.state
            && s.failover_in_progress
        {
            return (
                "Unavailable",
                "Failover in progress".into(),
                "A customer-initiated failover is in progress; the account is unavailable until it completes.".into(),
            );
        }
        if let State::Aks(a) = &r.state
            && !a.running
            && r.regional
            && self.region_up(&region)
        {
            return (
                "Available",
                "Available".into(),
                "The cluster is stopped; its control plane is healthy.".into(),
            );
        }
        let microsoft_managed = matches!(r.state, State::Acr(_) | State::KeyVault);
        match self.region_status(&region) {
            RegionStatus::Down if microsoft_managed => (
                "Degraded",
                "Degraded".into(),
                format!(
                    "An Azure service issue in {} affects this resource; Microsoft-managed replicas in other regions keep serving (writes may be unavailable).",
                    region.display_name()
                ),
            ),
            RegionStatus::Down => (
                "Unavailable",
                "Unavailable".into(),
                format!(
                    "An Azure service issue in {} is affecting this resource.",
                    region.display_name()
                ),
            ),
            RegionStatus::Degraded => (
                "Degraded",
                "Degraded".into(),
                format!(
                    "An Azure service issue in {} is degrading this resource.",
                    region.display_name()
                ),
            ),
            RegionStatus::Up => (
                "Available",
                "Available".into(),
                "There aren't any known Azure platform problems affecting this resource.".into(),
            ),
        }
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

/// The write region of a Cosmos account: the online region with the lowest priority.
pub fn write_region(c: &Cosmos) -> Option<Region> {
    c.regions
        .iter()
        .filter(|r| !r.offline)
        .min_by_key(|r| r.priority)
        .map(|r| r.region.clone())
}

fn paired_state(kind: ComponentKind, primary: bool, hot: bool, source: Option<usize>) -> State {
    let serving = primary || hot;
    match kind {
        ComponentKind::MlWorkspace => State::Workspace,
        ComponentKind::AppInsights => State::AppInsights,
        ComponentKind::MlCompute => State::Compute(Compute {
            vm_size: "STANDARD_NC24ADS_A100_V4".into(),
            min_nodes: if serving { 1 } else { 0 },
            max_nodes: if serving { 8 } else { 0 },
            current_nodes: if serving { 1 } else { 0 },
            updating: false,
        }),
        ComponentKind::MlOnlineEndpoint => State::Endpoint(Endpoint {
            traffic: [("blue".to_string(), if serving { 100 } else { 0 })].into(),
            deployments: vec![Deployment {
                name: "blue".into(),
                capacity: if serving { 3 } else { 1 },
                instance_type: "Standard_DS3_v2".into(),
                provisioning: "Succeeded",
            }],
            provisioning: "Succeeded",
            tags: Default::default(),
        }),
        ComponentKind::Aks => State::Aks(Aks {
            running: serving,
            provisioning: "Succeeded",
            pools: vec![
                NodePool {
                    name: "system".into(),
                    count: if serving { 3 } else { 1 },
                    mode: "System",
                    provisioning: "Succeeded",
                },
                NodePool {
                    name: "gpu".into(),
                    count: if serving { 4 } else { 0 },
                    mode: "User",
                    provisioning: "Succeeded",
                },
            ],
        }),
        ComponentKind::PostgresFlexible | ComponentKind::MysqlFlexible => {
            let f = FlexServer {
                role: if primary { "Primary" } else { "AsyncReplica" },
                source,
                replication: Replication {
                    lag_secs: 4.0,
                    frozen_at: None,
                },
                state: "Ready",
            };
            if kind == ComponentKind::PostgresFlexible {
                State::Postgres(f)
            } else {
                State::Mysql(f)
            }
        }
        _ => unreachable!("{kind} is not a paired kind"),
    }
}

fn replicated_state(
    kind: ComponentKind,
    id: &ResourceId,
    regions: &[Region],
    p: &Region,
    s: &Region,
) -> State {
    match kind {
        ComponentKind::Storage => State::Storage(Storage {
            sku: "Standard_RAGRS".into(),
            primary: p.clone(),
            secondary: Some(s.clone()),
            replication: Replication {
                lag_secs: 90.0,
                frozen_at: None,
            },
            failover_in_progress: false,
            last_geo_failover: None,
            bootstrap_until: None,
        }),
        ComponentKind::SqlFailoverGroup => {
            let server = id.parent().expect("a failover group id has a server");
            let partner_name = secondary_name(server.name(), p, s);
            let partner = ResourceId::parse(&format!(
                "{}/{}",
                &server.as_str()[..server.as_str().len() - server.name().len() - 1],
                partner_name
            ))
            .expect("partner id is well-formed");
            State::SqlFg(SqlFg {
                name: id.name().to_string(),
                servers: [(server, p.clone()), (partner, s.clone())],
                primary: 0,
                replication: Replication {
                    lag_secs: 3.0,
                    frozen_at: None,
                },
                busy: false,
            })
        }
        ComponentKind::CosmosDb => State::Cosmos(Cosmos {
            regions: regions
                .iter()
                .enumerate()
                .map(|(i, r)| CosmosRegion {
                    region: r.clone(),
                    priority: i as u32,
                    offline: false,
                })
                .collect(),
            replication: Replication {
                lag_secs: 2.0,
                frozen_at: None,
            },
            busy: false,
        }),
        ComponentKind::ContainerRegistry => State::Acr(Acr {
            home: p.clone(),
            replicas: regions.iter().map(|r| (r.clone(), true)).collect(),
        }),
        ComponentKind::KeyVault => State::KeyVault,
        _ => unreachable!("{kind} is not a replicated kind"),
    }
}

fn routing_state(
    kind: ComponentKind,
    id: &ResourceId,
    primary: &str,
    secondary: &str,
    p: &Region,
    s: &Region,
    hot: bool,
) -> State {
    let base = id.name().to_ascii_lowercase();
    match kind {
        ComponentKind::TrafficManager => State::TrafficManager {
            routing: if hot { "Weighted" } else { "Priority" },
            endpoints: [(primary, p, 1), (secondary, s, 2)]
                .into_iter()
                .map(|(name, region, priority)| TmEndpoint {
                    name: name.to_string(),
                    region: region.clone(),
                    enabled: true,
                    priority,
                    weight: 50,
                    target: format!("{base}-{region}.{region}.inference.ml.azure.com"),
                })
                .collect(),
        },
        ComponentKind::FrontDoor => State::FrontDoor {
            origins: [(primary, p, 1), (secondary, s, if hot { 1 } else { 2 })]
                .into_iter()
                .map(|(name, region, priority)| Origin {
                    name: name.to_string(),
                    region: region.clone(),
                    enabled: true,
                    priority,
                    weight: 1000,
                    host: format!("{base}-{region}.{region}.inference.ml.azure.com"),
                    updating: false,
                })
                .collect(),
        },
        _ => unreachable!("{kind} is not a routing kind"),
    }
}
