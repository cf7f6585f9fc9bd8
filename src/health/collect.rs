//! Collection: every read one snapshot needs, concurrently with a bound, each with its deadline,
//! as few requests as the APIs allow (one subscription-wide list of availability statuses).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use time::OffsetDateTime;

use super::derive;
use super::model::Snapshot;
use crate::azure::models::*;
use crate::azure::{ArmClient, AzureError, ErrorKind};
use crate::config::{Component, ComponentKind, Config, ResourceId, Targets};
use crate::region::Region;

mod aml;
mod detail;
mod lists;
mod resource_graph;

pub use detail::{DETAIL_MAX_AGE, detail_name};

pub use lists::LIST_FROM;
pub use resource_graph::GRAPH_FROM;

pub use aml::{
    AmlNetwork, AmlQuota, AmlReadiness, AmlRoles, AmlSetup, RulesRead, SLOW_READS_TTL,
    SYSTEM_REGISTRY, SlowCache,
};

/// Requests on the wire at once of the console's refreshes: a background refresh needs no
/// burst (ARM's bucket paces a large one anyway), and each refresh then opens few connections
/// again beyond those the client keeps ([`crate::azure::IDLE_CONNECTIONS`]). `status` and a
/// runbook's checks, which someone waits for, send 128.
pub const CONSOLE_CONCURRENCY: usize = 32;

/// How a collection pass reads.
#[derive(Debug, Clone, Copy)]
pub struct CollectOptions {
    /// ARM requests on the wire at once at most, besides the [`crate::azure::LIST_PLACES`]
    /// of the collection's subscription-wide lists (`ArmClient::bounded`).
    pub concurrency: usize,
    /// One subscription-wide list of availability statuses (true), or one call per resource
    /// (false: the naive way, kept to measure the difference).
    pub subscription_availability: bool,
    /// Inventory from one Azure Resource Graph query (`collect/resource_graph.rs`), from
    /// [`GRAPH_FROM`] resources of the kinds it serves; false: provider lists and GETs only.
    pub resource_graph: bool,
    /// The Azure ML readiness reads (datastores, roles, network, quota); false: none are sent
    /// and every readiness check stays undecided (a runbook step's check that judges none).
    pub readiness: bool,
    /// The two subscription-wide health lists (availability statuses, Service Health events);
    /// false: neither is sent and both read as empty (a check that looks at neither).
    pub health_lists: bool,
    /// Reuse per-resource details no list carries while nothing says they changed, up to
    /// [`DETAIL_MAX_AGE`] (`collect/detail.rs`): the console's refreshes. False (the default):
    /// every collection reads them, as a runbook's checks and `status` do.
    pub reuse_details: bool,
}

impl CollectOptions {
    /// How the console's health engine reads: as the default, reusing details, with
    /// [`CONSOLE_CONCURRENCY`] requests on the wire.
    pub fn console() -> CollectOptions {
        CollectOptions {
            reuse_details: true,
            concurrency: CONSOLE_CONCURRENCY,
            ..CollectOptions::default()
        }
    }
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions {
            concurrency: 128,
            subscription_availability: true,
            resource_graph: true,
            readiness: true,
            health_lists: true,
            reuse_details: false,
        }
    }
}

/// What was read about one resource.
#[derive(Debug, Clone)]
pub enum Reading {
    Storage(StorageAccount),
    /// The group as the configured server sees it, and as its partner sees it.
    SqlFg(FailoverGroup, Option<Result<FailoverGroup, ReadError>>),
    Cosmos(CosmosAccount),
    Acr(Registry, Vec<RegistryReplication>),
    Aks(ManagedCluster),
    Workspace(Workspace, Vec<Compute>),
    Compute(Compute),
    Endpoint(OnlineEndpoint, Vec<OnlineDeployment>),
    Flex(FlexibleServer),
    KeyVault(KeyVault),
    AppInsights(AppInsights),
    TrafficManager(TrafficManagerProfile),
    FrontDoor(OriginGroup, Vec<Origin>),
}

/// Why a snapshot could not be taken at all: nothing could be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CollectError {
    /// Sign-in or authorization failed.
    #[error("{0}")]
    Auth(String),
    /// Azure (or the simulator) did not answer.
    #[error("{0}")]
    Unreachable(String),
}

/// A failed read, in a responder's words.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadError {
    pub message: String,
    /// It timed out or could not connect (the region may not be answering).
    pub not_responding: bool,
    pub auth: bool,
    /// It may well answer next time (5xx, 408, 429, a broken connection, a timeout, a garbled
    /// answer), unlike a 4xx that says how things are.
    pub transient: bool,
}

impl From<AzureError> for ReadError {
    fn from(e: AzureError) -> ReadError {
        ReadError {
            not_responding: matches!(
                e.kind,
                ErrorKind::Deadline { .. } | ErrorKind::Unreachable(_)
            ),
            auth: matches!(e.kind, ErrorKind::Auth(_)),
            transient: match &e.kind {
                ErrorKind::Api { status, .. } => *status >= 500 || matches!(status, 408 | 429),
                ErrorKind::Auth(_) => false,
                _ => true,
            },
            message: e.to_string(),
        }
    }
}

/// Where the partner (secondary) server of a SQL failover group came from.
#[derive(Debug, Clone, PartialEq)]
pub enum PartnerSource {
    /// The configured (primary) server's group named it.
    Primary,
    /// `partner_server` in the configuration.
    Config,
    /// A server of the secondary region whose group of the same name answered (found through
    /// the subscription's list of SQL servers).
    SecondaryRegion,
    /// The last good snapshot cached on disk, which saw it at `seen_at`.
    Cache { seen_at: OffsetDateTime },
}

/// The partner server of a SQL failover group: where a failover is posted.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlPartner {
    pub server: ResourceId,
    pub source: PartnerSource,
}

/// Everything one collection pass read.
#[derive(Debug, Clone)]
pub struct Observations {
    /// Azure's time when the resources' own reads ended (readiness reads may end later).
    pub now: OffsetDateTime,
    /// Availability by lowercase resource id.
    pub availability: Result<HashMap<String, AvailabilityStatus>, ReadError>,
    pub events: Result<Vec<ServiceHealthEvent>, ReadError>,
    /// Reads by lowercase resource id (as configured).
    pub reads: HashMap<String, Result<Reading, ReadError>>,
    /// The partner server of each SQL failover group, by the group's lowercase id (as
    /// configured), when one could be found (see [`PartnerSource`]).
    pub sql_partners: HashMap<String, SqlPartner>,
    /// Details reused from an earlier collection (see [`CollectOptions::reuse_details`]) and
    /// when they were read (Azure's time), by lowercase resource id.
    pub details_read_at: HashMap<String, OffsetDateTime>,
    /// Azure ML readiness reads, by workspace component name.
    pub aml: HashMap<String, AmlReadiness>,
    /// The secondary region's Azure ML quota (None: no compute cluster or endpoint needs it).
    pub aml_quota: Option<AmlQuota>,
}

/// Collects snapshots for one configuration, remembering since when regions stopped answering.
pub struct Collector {
    cfg: Config,
    client: ArmClient,
    opts: CollectOptions,
    not_responding: Mutex<BTreeMap<Region, OffsetDateTime>>,
    /// Role assignments and private networks, reused while fresh.
    slow: SlowCache,
    /// Per-resource details, reused while nothing says they changed (when the options say).
    details: Arc<detail::Details>,
}

impl Collector {
    /// A collector for a configuration, reading through `client`.
    pub fn new(cfg: Config, client: ArmClient) -> Collector {
        Collector::with_options(cfg, client, CollectOptions::default())
    }

    /// A collector with explicit concurrency and availability strategy.
    pub fn with_options(cfg: Config, client: ArmClient, opts: CollectOptions) -> Collector {
        Collector {
            cfg,
            client: client.with_max_attempts(2),
            opts: CollectOptions {
                concurrency: opts.concurrency.max(1),
                ..opts
            },
            not_responding: Mutex::new(BTreeMap::new()),
            slow: SlowCache::default(),
            details: Arc::default(),
        }
    }

    /// Reads one resource of `region` (an Application Insights component when there is one:
    /// the cheapest read), so that a region that stops answering shows within one request
    /// deadline. None when the deployment has no regional resource there.
    pub async fn probe(&self, region: &Region) -> Option<Result<(), ReadError>> {
        let mut choice: Option<(ComponentKind, String)> = None;
        for c in &self.cfg.components {
            let crate::config::Targets::Paired { primary, secondary } = &c.targets else {
                continue;
            };
            let id = if *region == self.cfg.deployment.primary_region {
                primary
            } else if *region == self.cfg.deployment.secondary_region {
                secondary
            } else {
                continue;
            };
            let better = choice.is_none() || c.kind == ComponentKind::AppInsights;
            if better {
                choice = Some((c.kind, id.to_string()));
            }
        }
        let (kind, id) = choice?;
        Some(
            read(&self.client, kind, &id, &lists::Lists::default(), None)
                .await
                .map(|_| ()),
        )
    }

    /// Forgets the role assignments and private networks read recently: the next collection
    /// reads them again (a refresh the responder asked for reads everything).
    pub fn forget_slow_reads(&self) {
        self.slow.clear();
        self.details.clear();
    }

    /// What ARM last said is left of the request budget (shared with every clone of the client).
    pub fn budget(&self) -> crate::azure::Budget {
        self.client.budget()
    }

    /// One snapshot; Err only when nothing at all could be read (sign-in failed, ARM unreachable).
    pub async fn collect(&self) -> Result<Snapshot, String> {
        self.collect_full().await.map(|(_, s)| s)
    }

    /// One snapshot with the typed readings it was derived from (runbooks need both).
    pub async fn collect_full(&self) -> Result<(Observations, Snapshot), String> {
        self.try_collect().await.map_err(|e| e.to_string())
    }

    /// As `collect_full`, saying why nothing could be read (sign-in or authorization, or
    /// Azure not reached).
    pub async fn try_collect(&self) -> Result<(Observations, Snapshot), CollectError> {
        let started = Instant::now();
        let requests_before = self.client.requests_sent();
        let gated_before = self.client.reads_gated();
        let obs = self.observe().await;
        if let Some(why) = total_failure(&obs) {
            return Err(if why.auth {
                CollectError::Auth(why.message)
            } else {
                CollectError::Unreachable(why.message)
            });
        }
        let mut since = self
            .not_responding
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let mut snap = derive::snapshot(&self.cfg, &obs, &mut since);
        *self
            .not_responding
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = since;
        snap.duration_ms = started.elapsed().as_millis() as u64;
        snap.requests = self.client.requests_sent() - requests_before;
        snap.identity = Some(self.client.identity().to_string());
        snap.reads_left = self.client.budget().reads_now();
        snap.reads_waited = self.client.reads_gated() - gated_before;
        if self.opts.reuse_details {
            self.details.learn(&self.cfg, &snap);
        }
        Ok((obs, snap))
    }

    /// Reads everything concurrently — never more per-resource requests on the wire at once
    /// than the collection's concurrency, nor than ARM last said its read bucket holds (at
    /// least 4): a burst into an empty bucket is refused request by request. The bound counts
    /// requests ([`ArmClient::bounded`]): a read waiting for its kind's list holds no place;
    /// the lists have their own few places ([`ArmClient::listing`]).
    pub async fn observe(&self) -> Observations {
        let left = self
            .client
            .budget()
            .reads_now()
            .map_or(usize::MAX, |l| l as usize);
        let client = self.client.bounded(self.opts.concurrency.min(left.max(4)));
        let sub = self.cfg.deployment.subscription_id.clone();
        let lists_on = self.opts.health_lists;
        let avail = {
            let c = client.clone();
            let sub = sub.clone();
            let ids: Vec<String> = if self.opts.subscription_availability {
                Vec::new()
            } else {
                self.cfg
                    .components
                    .iter()
                    .flat_map(|c| c.resource_ids())
                    .map(|i| i.to_string())
                    .collect()
            };
            tokio::spawn(async move {
                if !lists_on {
                    return Ok(Vec::new());
                }
                if ids.is_empty() {
                    return c.listing().availability_statuses(&sub).await;
                }
                let mut out = Vec::new();
                for id in ids {
                    out.push(c.availability(&id).await?);
                }
                Ok(out)
            })
        };
        let events = {
            let c = client.clone();
            tokio::spawn(async move {
                if !lists_on {
                    return Ok(Vec::new());
                }
                c.listing().service_health_events(&sub).await
            })
        };
        let mut reads = tokio::task::JoinSet::new();
        let lists = Arc::new(lists::Lists::with_graph(
            &self.cfg,
            self.opts.resource_graph,
        ));
        let details = self.opts.reuse_details.then(|| self.details.clone());
        for comp in &self.cfg.components {
            let ids: Vec<String> = comp.resource_ids().iter().map(|i| i.to_string()).collect();
            for id in ids {
                let c = client.clone();
                let kind = comp.kind;
                let lists = lists.clone();
                let details = details.clone();
                reads.spawn(async move {
                    let r = read(&c, kind, &id, &lists, details.as_deref()).await;
                    (id.to_ascii_lowercase(), r)
                });
            }
        }
        // Azure's time is taken when the resources' own reads end: lags are measured against
        // it, and the Azure ML readiness reads (which go on beside them, some of them chained)
        // must not age them.
        let joined = async {
            let mut out = HashMap::new();
            let mut reused = HashMap::new();
            while let Some(done) = reads.join_next().await {
                let Ok((id, r)) = done else {
                    continue;
                };
                let r = r.map(|(reading, at)| {
                    if let Some(at) = at {
                        reused.insert(id.clone(), at);
                    }
                    reading
                });
                out.insert(id, r);
            }
            (out, reused, self.client.server_now())
        };
        let readiness = async {
            if self.opts.readiness {
                aml::readiness(&client, &self.cfg, &self.slow, &lists).await
            } else {
                (HashMap::new(), None)
            }
        };
        let ((mut out, details_read_at, now), (aml, aml_quota)) = tokio::join!(joined, readiness);
        let availability = match avail.await {
            Ok(Ok(list)) => Ok(list.into_iter().map(|s| (s.target_key(), s)).collect()),
            Ok(Err(e)) => Err(e.into()),
            Err(e) => Err(ReadError {
                message: e.to_string(),
                not_responding: false,
                auth: false,
                transient: true,
            }),
        };
        let events = match events.await {
            Ok(r) => r.map_err(ReadError::from),
            Err(e) => Err(ReadError {
                message: e.to_string(),
                not_responding: false,
                auth: false,
                transient: true,
            }),
        };
        let mut sql_partners = HashMap::new();
        for comp in &self.cfg.components {
            if let Some((key, p)) = self.sql_partner(comp, &out).await {
                sql_partners.insert(key, p);
            }
        }
        // A group whose configured server did not answer (its region's control plane is down)
        // is read as its partner server sees it — Azure answers each server's view — with the
        // configured server's error as the partner's.
        for (key, p) in &sql_partners {
            if !matches!(out.get(key), Some(Err(_))) {
                continue;
            }
            let Some(Err(own_err)) = out.remove(key) else {
                continue;
            };
            let name = key.rsplit('/').next().unwrap_or_default();
            let on_partner = format!("{}/failoverGroups/{name}", p.server);
            match self.client.failover_group(&on_partner).await {
                Ok(fg) => {
                    out.insert(key.clone(), Ok(Reading::SqlFg(fg, Some(Err(own_err)))));
                }
                Err(_) => {
                    out.insert(key.clone(), Err(own_err));
                }
            }
        }
        Observations {
            now,
            availability,
            events,
            reads: out,
            sql_partners,
            details_read_at,
            aml,
            aml_quota,
        }
    }

    /// The partner server of a SQL failover group, never only from the primary server: its
    /// group's answer when it gave one, else `partner_server` of the configuration, else a
    /// server of the secondary region with a group of the same name, else the last good
    /// snapshot cached on disk.
    async fn sql_partner(
        &self,
        comp: &Component,
        reads: &HashMap<String, Result<Reading, ReadError>>,
    ) -> Option<(String, SqlPartner)> {
        if comp.kind != ComponentKind::SqlFailoverGroup {
            return None;
        }
        let Targets::Replicated { resource, .. } = &comp.targets else {
            return None;
        };
        let key = resource.key();
        let from_primary = match reads.get(&key) {
            Some(Ok(Reading::SqlFg(fg, _))) => fg
                .properties
                .partner_servers
                .first()
                .and_then(|p| ResourceId::parse(&p.id).ok()),
            _ => None,
        };
        let found = if let Some(server) = from_primary {
            Some(SqlPartner {
                server,
                source: PartnerSource::Primary,
            })
        } else if let Some(server) = comp.partner_server.clone() {
            Some(SqlPartner {
                server,
                source: PartnerSource::Config,
            })
        } else if let Some(server) = self.partner_in_secondary(resource).await {
            Some(SqlPartner {
                server,
                source: PartnerSource::SecondaryRegion,
            })
        } else {
            cached_partner(&self.cfg, resource)
        };
        found.map(|p| (key, p))
    }

    /// A server of the secondary region (not the group's own) on which the group of the same
    /// name answers, preferring one whose group names the configured server as its partner.
    async fn partner_in_secondary(&self, group: &ResourceId) -> Option<ResourceId> {
        let own = group.parent()?;
        let servers = self.client.sql_servers(group.subscription()).await.ok()?;
        let secondary = &self.cfg.deployment.secondary_region;
        let mut fallback = None;
        for s in servers {
            if s.location.as_ref() != Some(secondary) {
                continue;
            }
            let Ok(id) = ResourceId::parse(&s.id) else {
                continue;
            };
            if id == own {
                continue;
            }
            let Ok(fg) = self
                .client
                .failover_group(&format!("{id}/failoverGroups/{}", group.name()))
                .await
            else {
                continue;
            };
            let names_own = fg
                .properties
                .partner_servers
                .iter()
                .any(|p| p.id.eq_ignore_ascii_case(own.as_str()));
            if names_own {
                return Some(id);
            }
            fallback.get_or_insert(id);
        }
        fallback
    }
}

/// The partner of `group` in the last good snapshot cached on disk, if it is of this
/// deployment's subscription.
fn cached_partner(cfg: &Config, group: &ResourceId) -> Option<SqlPartner> {
    let snap = super::cache::load_of(cfg)?;
    let fact = snap
        .facts
        .sql_partners
        .iter()
        .find(|f| f.group.eq_ignore_ascii_case(group.as_str()))?;
    Some(SqlPartner {
        server: ResourceId::parse(&fact.server).ok()?,
        source: PartnerSource::Cache {
            seen_at: fact.seen_at,
        },
    })
}

/// Nothing could be read, and why (so the console says "sign-in failed" rather than showing
/// every component unknown).
fn total_failure(obs: &Observations) -> Option<ReadError> {
    let mut errors = obs.reads.values().filter_map(|r| r.as_ref().err());
    let all_failed =
        obs.availability.is_err() && obs.events.is_err() && obs.reads.values().all(Result::is_err);
    if !all_failed {
        return None;
    }
    let first = obs.availability.as_ref().err().or_else(|| errors.next())?;
    Some(if first.auth {
        first.clone()
    } else {
        ReadError {
            message: format!(
                "Azure Resource Manager could not be reached: {}",
                first.message
            ),
            ..first.clone()
        }
    })
}

/// Reads one resource: the typed reading, and when a detail in it was read if it is one reused
/// from `details` (None: everything read now).
async fn read(
    c: &ArmClient,
    kind: ComponentKind,
    id: &str,
    lists: &lists::Lists,
    details: Option<&detail::Details>,
) -> Result<(Reading, Option<OffsetDateTime>), ReadError> {
    let key = id.to_ascii_lowercase();
    // The detail may be reused: the resource is read first, and the detail only if it changed.
    let now = c.server_now();
    let reusing = details.filter(|d| d.may_reuse(&key, now));
    let keep = |base: u64, d: detail::Detail| {
        if let Some(details) = details {
            details.keep(&key, base, d, c.server_now());
        }
    };
    let reading = match kind {
        ComponentKind::Storage => {
            // The account from the subscription's list, its statistics from earlier.
            if let Some(d) = reusing
                && let Some(mut acct) = listed::<StorageAccount>(lists, c, kind, id).await
                && let Some((detail::Detail::Geo(geo), at)) =
                    d.reuse(&key, detail::storage_state(&acct), now)
            {
                acct.properties.geo_replication_stats = geo;
                return Ok((Reading::Storage(acct), Some(at)));
            }
            let acct = c.storage_account(id).await?;
            keep(
                detail::storage_state(&acct),
                detail::Detail::Geo(acct.properties.geo_replication_stats.clone()),
            );
            Reading::Storage(acct)
        }
        ComponentKind::SqlFailoverGroup => {
            let fg = c.failover_group(id).await?;
            let base = detail::fingerprint(&fg);
            if let Some(d) = reusing
                && let Some((detail::Detail::SqlPartner(p), at)) = d.reuse(&key, base, now)
            {
                return Ok((Reading::SqlFg(fg, Some(Ok(*p))), Some(at)));
            }
            let partner = fg
                .properties
                .partner_servers
                .first()
                .map(|p| format!("{}/failoverGroups/{}", p.id, fg.name));
            let partner = match partner {
                Some(p) => Some(c.failover_group(&p).await.map_err(ReadError::from)),
                None => None,
            };
            if let Some(Ok(p)) = &partner {
                keep(base, detail::Detail::SqlPartner(Box::new(p.clone())));
            }
            Reading::SqlFg(fg, partner)
        }
        ComponentKind::CosmosDb => Reading::Cosmos(match listed(lists, c, kind, id).await {
            Some(x) => x,
            None => c.cosmos_account(id).await?,
        }),
        ComponentKind::ContainerRegistry => {
            let reg = async {
                match listed(lists, c, kind, id).await {
                    Some(x) => Ok(x),
                    None => c.registry(id).await,
                }
            };
            if let Some(d) = reusing {
                let reg: Registry = reg.await?;
                let base = detail::fingerprint(&reg);
                if let Some((detail::Detail::Replications(reps), at)) = d.reuse(&key, base, now) {
                    return Ok((Reading::Acr(reg, reps), Some(at)));
                }
                let reps = c.registry_replications(id).await?;
                keep(base, detail::Detail::Replications(reps.clone()));
                return Ok((Reading::Acr(reg, reps), None));
            }
            // The replications from the provider (their status is each replica's health now);
            // a list that cannot be read makes the registry unknown, never "not replicated".
            let (reg, reps) = tokio::join!(reg, c.registry_replications(id));
            let (reg, reps) = (reg?, reps?);
            keep(
                detail::fingerprint(&reg),
                detail::Detail::Replications(reps.clone()),
            );
            Reading::Acr(reg, reps)
        }
        ComponentKind::Aks => Reading::Aks(match listed(lists, c, kind, id).await {
            Some(x) => x,
            None => c.managed_cluster(id).await?,
        }),
        ComponentKind::MlWorkspace => {
            let ws = async {
                match listed(lists, c, kind, id).await {
                    Some(x) => Ok(x),
                    None => c.workspace(id).await,
                }
            };
            if let Some(d) = reusing {
                let ws: Workspace = ws.await?;
                let base = detail::fingerprint(&ws);
                if let Some((detail::Detail::Computes(computes), at)) = d.reuse(&key, base, now) {
                    return Ok((Reading::Workspace(ws, computes), Some(at)));
                }
                let computes = c.workspace_computes(id).await?;
                keep(base, detail::Detail::Computes(computes.clone()));
                return Ok((Reading::Workspace(ws, computes), None));
            }
            let (ws, computes) = tokio::join!(ws, c.workspace_computes(id));
            let (ws, computes) = (ws?, computes?);
            keep(
                detail::fingerprint(&ws),
                detail::Detail::Computes(computes.clone()),
            );
            Reading::Workspace(ws, computes)
        }
        ComponentKind::MlCompute => Reading::Compute(c.compute(id).await?),
        ComponentKind::MlOnlineEndpoint => {
            let (ep, deps) = tokio::join!(c.online_endpoint(id), c.online_deployments(id));
            Reading::Endpoint(ep?, deps?)
        }
        ComponentKind::PostgresFlexible => Reading::Flex(match listed(lists, c, kind, id).await {
            Some(x) => x,
            None => c.postgres_server(id).await?,
        }),
        ComponentKind::MysqlFlexible => Reading::Flex(match listed(lists, c, kind, id).await {
            Some(x) => x,
            None => c.mysql_server(id).await?,
        }),
        ComponentKind::KeyVault => Reading::KeyVault(match listed(lists, c, kind, id).await {
            Some(x) => x,
            None => c.key_vault(id).await?,
        }),
        ComponentKind::AppInsights => {
            Reading::AppInsights(match listed(lists, c, kind, id).await {
                Some(x) => x,
                None => c.app_insights(id).await?,
            })
        }
        ComponentKind::TrafficManager => {
            Reading::TrafficManager(match listed(lists, c, kind, id).await {
                Some(x) => x,
                None => c.traffic_manager(id).await?,
            })
        }
        ComponentKind::FrontDoor => {
            let (og, origins) = tokio::join!(c.origin_group(id), c.origins(id));
            Reading::FrontDoor(og?, origins?)
        }
    };
    Ok((reading, None))
}

/// The typed object of `id` from its kind's subscription-wide list, when there is one that
/// carries it (and it reads as that type).
async fn listed<T: serde::de::DeserializeOwned>(
    lists: &lists::Lists,
    c: &ArmClient,
    kind: ComponentKind,
    id: &str,
) -> Option<T> {
    lists.get(c, kind, id).await
}
