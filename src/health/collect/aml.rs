//! The reads of Azure ML readiness, beside each workspace pair's own: both workspaces'
//! datastores and the storage accounts they point at (those the configuration does not name
//! already), the assets of the primary's deployments, both workspaces' role assignments and
//! private network (read at most every [`SLOW_READS_TTL`]: they change rarely, and cost a
//! dozen requests), the managed networks' outbound rules, and the secondary region's Azure ML
//! quota (usages and VM sizes) when a compute cluster or an online endpoint has a standby there.

use std::collections::{BTreeSet, HashMap};

use super::ReadError;
use crate::azure::ArmClient;
use crate::azure::models::*;
use crate::config::{ComponentKind, Config, Targets};

/// What readiness read about one workspace pair (by component name in [`super::Observations`]).
#[derive(Debug, Clone, Default)]
pub struct AmlReadiness {
    /// The primary workspace's datastores (None: not read).
    pub primary_datastores: Option<Result<Vec<Datastore>, ReadError>>,
    /// The secondary workspace's datastores.
    pub secondary_datastores: Option<Result<Vec<Datastore>, ReadError>>,
    /// The storage accounts the primary's datastores point at that no configured component
    /// reads, by lowercase account name (read where the datastore says the account lives).
    pub accounts: HashMap<String, Result<StorageAccount, ReadError>>,
    /// The primary's online deployments (of every endpoint of the workspace), for their assets.
    pub deployments: Option<Result<Vec<DeploymentAssets>, ReadError>>,
    /// The subscription's Azure ML registries, when a deployment takes an asset from one.
    pub registries: Option<Result<Vec<MlRegistry>, ReadError>>,
    /// Whether the secondary workspace has each workspace asset the deployments use, by kind
    /// and lowercase name and version.
    pub secondary_assets: HashMap<(AssetKind, String, String), Result<bool, ReadError>>,
    /// The secondary workspace's default storage account (its `storageAccount`), for its region.
    pub secondary_storage: Option<Result<StorageAccount, ReadError>>,
    /// The secondary workspace as readiness read it (its identity, network settings).
    pub secondary_workspace: Option<Result<Workspace, ReadError>>,
    /// Role assignments (cached: see [`SLOW_READS_TTL`]).
    pub roles: Option<AmlRoles>,
    /// Private endpoints and DNS links (cached: see [`SLOW_READS_TTL`]).
    pub network: Option<AmlNetwork>,
    /// Both workspaces' managed-network outbound rules, when either uses a managed network.
    pub outbound: Option<(RulesRead, RulesRead)>,
}

/// A list of outbound rules as read.
pub type RulesRead = Result<Vec<OutboundRule>, ReadError>;

/// How long role assignments and the private network are reused before they are read again
/// (Azure's time: a simulated world's clock in a drill).
pub const SLOW_READS_TTL: time::Duration = time::Duration::minutes(5);

/// How long `name`'s complete slow reads are reused: between half of [`SLOW_READS_TTL`] and all
/// of it, the same for a pair every time, so that the pairs of a large deployment (read together
/// at start) are read again spread over minutes, not in one burst every five.
fn slow_ttl(name: &str) -> time::Duration {
    let std = super::detail::age_limit(name, SLOW_READS_TTL.unsigned_abs());
    time::Duration::try_from(std).unwrap_or(SLOW_READS_TTL)
}

/// The role assignments readiness compares.
#[derive(Debug, Clone)]
pub struct AmlRoles {
    /// Azure's time when they were read.
    pub read_at: time::OffsetDateTime,
    /// The primary workspace (for its identity).
    pub primary_workspace: Result<Workspace, ReadError>,
    /// Assignments that apply at the primary workspace (`atScope()`).
    pub at_primary: Result<Vec<RoleAssignment>, ReadError>,
    /// Assignments that apply at the secondary workspace.
    pub at_secondary: Result<Vec<RoleAssignment>, ReadError>,
    /// Every assignment of the primary's identity (None: it has none to read).
    pub primary_identity: Option<Result<Vec<RoleAssignment>, ReadError>>,
    /// Every assignment of the secondary's identity.
    pub secondary_identity: Option<Result<Vec<RoleAssignment>, ReadError>>,
}

/// The private network readiness compares.
#[derive(Debug, Clone)]
pub struct AmlNetwork {
    pub read_at: time::OffsetDateTime,
    /// The private endpoint connections of the primary and the secondary workspace.
    pub primary_pecs: Result<Vec<PrivateEndpointConnection>, ReadError>,
    pub secondary_pecs: Result<Vec<PrivateEndpointConnection>, ReadError>,
    /// The connections of each data account (the datastores' accounts and both default
    /// storages), by lowercase account id.
    pub account_pecs: HashMap<String, Result<Vec<PrivateEndpointConnection>, ReadError>>,
    /// Every approved connection's private endpoint, by lowercase id.
    pub endpoints: HashMap<String, Result<PrivateEndpoint, ReadError>>,
    /// The subscription's private DNS zones (None: not needed, no endpoint to find a vnet).
    pub zones: Option<Result<Vec<PrivateDnsZone>, ReadError>>,
    /// The links of each Azure ML zone found, by lowercase zone name.
    pub links: HashMap<String, Result<Vec<VirtualNetworkLink>, ReadError>>,
}

/// A workspace pair's setup readiness compares (cached: see [`SLOW_READS_TTL`]).
#[derive(Debug, Clone)]
pub struct AmlSetup {
    /// Azure's time when it was read.
    pub read_at: time::OffsetDateTime,
    pub primary_datastores: Result<Vec<Datastore>, ReadError>,
    pub secondary_datastores: Result<Vec<Datastore>, ReadError>,
    pub deployments: Option<Result<Vec<DeploymentAssets>, ReadError>>,
    pub registries: Option<Result<Vec<MlRegistry>, ReadError>>,
    pub secondary_assets: HashMap<(AssetKind, String, String), Result<bool, ReadError>>,
    pub outbound: Option<(RulesRead, RulesRead)>,
    /// The secondary workspace's default storage account (its region is judged).
    pub secondary_storage: Option<Result<StorageAccount, ReadError>>,
}

impl AmlSetup {
    fn complete(&self) -> bool {
        self.primary_datastores.is_ok()
            && self.secondary_datastores.is_ok()
            && !matches!(self.deployments, Some(Err(_)))
            && !matches!(self.registries, Some(Err(_)))
            && self.secondary_assets.values().all(Result::is_ok)
            && self
                .outbound
                .as_ref()
                .is_none_or(|(a, b)| a.is_ok() && b.is_ok())
            && !matches!(self.secondary_storage, Some(Err(_)))
    }
}

impl AmlRoles {
    fn complete(&self) -> bool {
        self.primary_workspace.is_ok()
            && self.at_primary.is_ok()
            && self.at_secondary.is_ok()
            && !matches!(self.primary_identity, Some(Err(_)))
            && !matches!(self.secondary_identity, Some(Err(_)))
    }
}

impl AmlNetwork {
    fn complete(&self) -> bool {
        self.primary_pecs.is_ok()
            && self.secondary_pecs.is_ok()
            && self.account_pecs.values().all(Result::is_ok)
            && self.endpoints.values().all(Result::is_ok)
            && !matches!(self.zones, Some(Err(_)))
            && self.links.values().all(Result::is_ok)
    }
}

/// How long a slow read that failed in part is reused before it is tried again (a region that
/// does not answer is not asked a dozen questions again at every refresh).
pub const SLOW_RETRY_TTL: time::Duration = time::Duration::minutes(1);

/// The last complete slow reads of each workspace pair, by component name, and the last ones
/// that failed in part.
#[derive(Debug, Default)]
pub struct SlowCache {
    roles: std::sync::Mutex<HashMap<String, AmlRoles>>,
    network: std::sync::Mutex<HashMap<String, AmlNetwork>>,
    roles_partial: std::sync::Mutex<HashMap<String, AmlRoles>>,
    network_partial: std::sync::Mutex<HashMap<String, AmlNetwork>>,
    setup: std::sync::Mutex<HashMap<String, AmlSetup>>,
    setup_partial: std::sync::Mutex<HashMap<String, AmlSetup>>,
}

/// One kind of kept reading, by component name.
type Kept<T> = std::sync::Mutex<HashMap<String, T>>;

/// A map of the cache, locked (a poisoned lock still holds good readings).
fn locked<T>(
    map: &std::sync::Mutex<HashMap<String, T>>,
) -> std::sync::MutexGuard<'_, HashMap<String, T>> {
    map.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl SlowCache {
    /// The reading of `name` if it was taken less than `ttl` ago (Azure's time); any age when
    /// `ttl` is None.
    fn within<T: Clone>(
        map: &std::sync::Mutex<HashMap<String, T>>,
        name: &str,
        (now, ttl): (time::OffsetDateTime, Option<time::Duration>),
        at: impl Fn(&T) -> time::OffsetDateTime,
    ) -> Option<T> {
        locked(map)
            .get(name)
            // Azure's clock as the client gives it never steps back on a `Date` header's
            // rounding (`ArmClient::server_now`): a reading "after" now is from a clock that
            // changed, and is read again.
            .filter(|x| ttl.is_none_or(|ttl| now - at(x) < ttl && now >= at(x)))
            .cloned()
    }

    /// The reading of `name` to reuse at `now`: the complete one (`full`) taken less than
    /// its [`slow_ttl`] ago, else the one that failed in part (`partial`) taken less than
    /// [`SLOW_RETRY_TTL`] ago.
    fn reusable<T: Clone>(
        (full, partial): (&Kept<T>, &Kept<T>),
        name: &str,
        now: time::OffsetDateTime,
        at: impl Fn(&T) -> time::OffsetDateTime + Copy,
    ) -> Option<T> {
        SlowCache::within(full, name, (now, Some(slow_ttl(name))), at)
            .or_else(|| SlowCache::within(partial, name, (now, Some(SLOW_RETRY_TTL)), at))
    }

    /// Forgets every cached reading (the next collection reads them all).
    pub fn clear(&self) {
        locked(&self.roles).clear();
        locked(&self.network).clear();
        locked(&self.roles_partial).clear();
        locked(&self.network_partial).clear();
        locked(&self.setup).clear();
        locked(&self.setup_partial).clear();
    }

    /// Whether the network of `name` will be read again at `now`.
    fn network_stale(&self, name: &str, now: time::OffsetDateTime) -> bool {
        SlowCache::reusable((&self.network, &self.network_partial), name, now, |x| {
            x.read_at
        })
        .is_none()
    }

    fn keep<T>(map: &std::sync::Mutex<HashMap<String, T>>, name: &str, v: T) {
        locked(map).insert(name.to_string(), v);
    }
}

/// Reads of one collection, each sent at most once however many workspace pairs need it (by
/// lowercase key): pairs share storage accounts, private endpoints, DNS zones and principals.
struct Once<T>(std::sync::Mutex<HashMap<String, std::sync::Arc<tokio::sync::OnceCell<T>>>>);

impl<T> Default for Once<T> {
    fn default() -> Self {
        Once(std::sync::Mutex::new(HashMap::new()))
    }
}

impl<T: Clone> Once<T> {
    /// The value of `key`: read by `f` the first time, the same answer after (callers meanwhile
    /// wait for the first).
    async fn get<F: std::future::Future<Output = T>>(&self, key: &str, f: impl FnOnce() -> F) -> T {
        let cell = locked(&self.0)
            .entry(key.to_ascii_lowercase())
            .or_default()
            .clone();
        cell.get_or_init(f).await.clone()
    }
}

/// What the workspace pairs of one collection read once and share.
#[derive(Default)]
pub(super) struct Shared {
    workspaces: Once<Result<Workspace, ReadError>>,
    storage: Once<Result<StorageAccount, ReadError>>,
    connections: Once<Result<Vec<PrivateEndpointConnection>, ReadError>>,
    /// A subscription's private endpoints, by lowercase id.
    endpoint_lists: Once<Option<std::sync::Arc<HashMap<String, PrivateEndpoint>>>>,
    endpoints: Once<Result<PrivateEndpoint, ReadError>>,
    zones: Once<Result<Vec<PrivateDnsZone>, ReadError>>,
    links: Once<Result<Vec<VirtualNetworkLink>, ReadError>>,
    principals: Once<Result<Vec<RoleAssignment>, ReadError>>,
    /// A workspace's datastores: the setup compares them, the network and the data accounts
    /// start from the primary's as soon as they answer.
    datastores: Once<Result<Vec<Datastore>, ReadError>>,
    /// Every role assignment of a subscription (unfiltered: at, above and below it), by
    /// lowercase subscription id, when the collection has [`ASSIGNMENTS_LIST_FROM`] pairs.
    assignments: Once<Result<std::sync::Arc<Assignments>, ReadError>>,
}

/// A subscription's role assignments, indexed by scope and by principal (both lowercase):
/// every pair asks for a few scopes and identities, and a deployment of hundreds of pairs has
/// thousands of assignments, so each question is answered from the index, not a scan.
struct Assignments {
    all: Vec<RoleAssignment>,
    /// Indexes into `all` by scope (no trailing `/`; "" for the root).
    by_scope: HashMap<String, Vec<usize>>,
    by_principal: HashMap<String, Vec<usize>>,
}

impl Assignments {
    fn new(all: Vec<RoleAssignment>) -> Assignments {
        let mut by_scope: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_principal: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, a) in all.iter().enumerate() {
            let scope = a
                .properties
                .scope
                .trim_end_matches('/')
                .to_ascii_lowercase();
            by_scope.entry(scope).or_default().push(i);
            by_principal
                .entry(a.properties.principal_id.to_ascii_lowercase())
                .or_default()
                .push(i);
        }
        Assignments {
            all,
            by_scope,
            by_principal,
        }
    }

    /// The assignments that apply at `scope`, as `atScope()` lists them: at it and at every
    /// scope above it (the root's included), in the list's order.
    fn at(&self, scope: &str) -> Vec<RoleAssignment> {
        let scope = scope.trim_end_matches('/').to_ascii_lowercase();
        let above = scope.match_indices('/').map(|(i, _)| &scope[..i]);
        // The root ("" after trimming: `/`, or no scope given) applies everywhere.
        let mut found: Vec<usize> = [scope.as_str(), ""]
            .into_iter()
            .chain(above)
            .filter_map(|s| self.by_scope.get(s))
            .flatten()
            .copied()
            .collect();
        found.sort_unstable();
        found.dedup();
        found.into_iter().map(|i| self.all[i].clone()).collect()
    }

    /// Every assignment of `principal`, in the list's order.
    fn of(&self, principal: &str) -> Vec<RoleAssignment> {
        self.by_principal
            .get(&principal.to_ascii_lowercase())
            .into_iter()
            .flatten()
            .map(|&i| self.all[i].clone())
            .collect()
    }
}

/// From this many workspace pairs, a collection reads the subscription's role assignments with
/// one unfiltered list (RoleAssignments_ListForSubscription: at, above and below it, as
/// `az role assignment list --all --include-inherited` shows them) instead of two lists per
/// pair and one per identity: the same assignments, filtered here as ARM filters them.
pub const ASSIGNMENTS_LIST_FROM: usize = 3;

/// Read context of one collection: the client (with the collection's bound on requests in
/// flight), the subscription-wide lists and the shared reads.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    c: &'a ArmClient,
    lists: &'a super::lists::Lists,
    shared: &'a Shared,
    /// The workspace pairs of the collection.
    pairs: usize,
}

impl Ctx<'_> {
    /// A workspace (from its kind's list when the collection reads one), read once.
    async fn workspace(&self, id: &str) -> Result<Workspace, ReadError> {
        self.shared
            .workspaces
            .get(id, || as_reading(workspace(self.c, self.lists, id)))
            .await
    }

    /// A workspace's datastores, read once.
    async fn datastores(&self, id: &str) -> Result<Vec<Datastore>, ReadError> {
        self.shared
            .datastores
            .get(id, || as_reading(self.c.datastores(id)))
            .await
    }

    /// A storage account without its replication statistics, read once: from the
    /// subscription's list of accounts when the collection reads one, else its own GET.
    async fn storage(&self, id: &str) -> Result<StorageAccount, ReadError> {
        self.shared
            .storage
            .get(id, || {
                as_reading(async {
                    match self.lists.get(self.c, ComponentKind::Storage, id).await {
                        Some(a) => Ok(a),
                        None => self.c.storage_account_plain(id).await,
                    }
                })
            })
            .await
    }

    /// Every role assignment of `sub` (one unfiltered list, read once).
    async fn assignments(&self, sub: &str) -> Result<std::sync::Arc<Assignments>, ReadError> {
        self.shared
            .assignments
            .get(sub, || async {
                as_reading(self.c.listing().role_assignments_all(sub))
                    .await
                    .map(|all| std::sync::Arc::new(Assignments::new(all)))
            })
            .await
    }

    /// The role assignments that apply at `scope` (at it and above, as `atScope()` lists
    /// them): from the subscription's list from [`ASSIGNMENTS_LIST_FROM`] pairs, else asked.
    async fn assignments_at(
        &self,
        sub: &str,
        scope: &str,
    ) -> Result<Vec<RoleAssignment>, ReadError> {
        if self.pairs < ASSIGNMENTS_LIST_FROM {
            return as_reading(self.c.role_assignments_at(scope)).await;
        }
        Ok(self.assignments(sub).await?.at(scope))
    }

    /// Every role assignment of `principal` in `sub` (at any scope): from the subscription's
    /// list from [`ASSIGNMENTS_LIST_FROM`] pairs, else asked (once per principal).
    async fn assignments_of(
        &self,
        sub: &str,
        principal: &str,
    ) -> Result<Vec<RoleAssignment>, ReadError> {
        if self.pairs < ASSIGNMENTS_LIST_FROM {
            return self
                .shared
                .principals
                .get(&format!("{sub}/{principal}"), || {
                    as_reading(self.c.role_assignments_of(sub, principal))
                })
                .await;
        }
        Ok(self.assignments(sub).await?.of(principal))
    }

    /// The private endpoint connections of a workspace or a storage account: those its own
    /// answer carries (`inline`), else its list, read once.
    async fn connections(
        &self,
        id: &str,
        inline: Option<&Vec<PrivateEndpointConnection>>,
    ) -> Result<Vec<PrivateEndpointConnection>, ReadError> {
        if let Some(l) = inline {
            return Ok(l.clone());
        }
        self.shared
            .connections
            .get(id, || as_reading(self.c.private_endpoint_connections(id)))
            .await
    }

    /// A private endpoint: from its subscription's list of private endpoints when `list` (read
    /// once), else — or when the list does not carry it — its own GET, read once.
    async fn endpoint(&self, id: &str, list: bool) -> Result<PrivateEndpoint, ReadError> {
        let sub = crate::config::ResourceId::parse(id)
            .map(|r| r.subscription().to_ascii_lowercase())
            .ok();
        if let (true, Some(sub)) = (list, sub) {
            let listed = self
                .shared
                .endpoint_lists
                .get(&sub, || async {
                    let items = as_reading(self.c.listing().private_endpoints(&sub))
                        .await
                        .ok()?;
                    Some(std::sync::Arc::new(
                        items
                            .into_iter()
                            .map(|e| (e.id.to_ascii_lowercase(), e))
                            .collect::<HashMap<_, _>>(),
                    ))
                })
                .await;
            if let Some(e) = listed.and_then(|l| l.get(&id.to_ascii_lowercase()).cloned()) {
                return Ok(e);
            }
        }
        self.shared
            .endpoints
            .get(id, || as_reading(self.c.private_endpoint(id)))
            .await
    }
}

/// The default storage account a workspace names (None: it names none, or it could not be
/// read).
async fn default_storage(
    x: Ctx<'_>,
    ws: &Result<Workspace, ReadError>,
) -> Option<Result<StorageAccount, ReadError>> {
    let id = ws.as_ref().ok()?.properties.storage_account.clone()?;
    Some(x.storage(&id).await)
}

/// Role assignments of a pair: at both workspaces, and every assignment of both identities.
async fn roles(
    x: Ctx<'_>,
    sub: &str,
    primary: &str,
    secondary: &str,
    secondary_ws: Option<&Workspace>,
) -> AmlRoles {
    let c = x.c;
    let of_principal = |p: String| async move { x.assignments_of(sub, &p).await };
    let of = |ws: Option<&Workspace>| {
        ws.and_then(|w| w.identity.as_ref())
            .and_then(|i| i.principal())
            .map(str::to_string)
    };
    let s_principal = of(secondary_ws);
    let (pw, at_primary, at_secondary, secondary_identity) = tokio::join!(
        x.workspace(primary),
        x.assignments_at(sub, primary),
        x.assignments_at(sub, secondary),
        async {
            match s_principal {
                Some(p) => Some(of_principal(p).await),
                None => None,
            }
        }
    );
    let primary_identity = match of(pw.as_ref().ok()) {
        Some(p) => Some(of_principal(p).await),
        None => None,
    };
    AmlRoles {
        // Dated once answered: Azure's clock is known from its answers by then.
        read_at: c.server_now(),
        primary_workspace: pw,
        at_primary,
        at_secondary,
        primary_identity,
        secondary_identity,
    }
}

/// The private network of a pair: both workspaces' private endpoint connections and, when
/// either has one or the primary is private, the data accounts' connections, the endpoints
/// behind every approved connection, and the Azure ML DNS zones' links.
async fn network(
    x: Ctx<'_>,
    sub: &str,
    (primary, secondary): (&str, &str),
    private: bool,
    accounts: &[String],
) -> AmlNetwork {
    let c = x.c;
    let read_at = c.server_now();
    let pecs_of = |id: &str| {
        let id = id.to_string();
        async move {
            // A workspace that does not answer has its connections (in its region's control
            // plane, like it) unread for the same reason.
            let inline = x
                .workspace(&id)
                .await?
                .properties
                .private_endpoint_connections;
            x.connections(&id, inline.as_ref()).await
        }
    };
    let (primary_pecs, secondary_pecs) = tokio::join!(pecs_of(primary), pecs_of(secondary));
    let mut n = AmlNetwork {
        read_at,
        primary_pecs,
        secondary_pecs,
        account_pecs: HashMap::new(),
        endpoints: HashMap::new(),
        zones: None,
        links: HashMap::new(),
    };
    let any = |r: &Result<Vec<PrivateEndpointConnection>, ReadError>| {
        r.as_ref().is_ok_and(|l| !l.is_empty())
    };
    if !(private || any(&n.primary_pecs) || any(&n.secondary_pecs)) {
        n.read_at = c.server_now();
        return n;
    }
    let listing = &c.listing();
    // The endpoints behind the connections, and the DNS zones and their links, at once: the
    // zones are the subscription's, whatever the connections say.
    let endpoints = async {
        // An account's own answer carries its connections: the account is read (once per
        // collection), and its list only when the answer does not carry them.
        let lists = futures_util::future::join_all(accounts.iter().map(|a| async move {
            let pecs = match x.storage(a).await {
                Ok(s) => {
                    x.connections(a, s.properties.private_endpoint_connections.as_ref())
                        .await
                }
                Err(e) => Err(e),
            };
            (a.to_ascii_lowercase(), pecs)
        }))
        .await;
        let account_pecs: HashMap<_, _> = lists.into_iter().collect();
        let endpoint_ids: BTreeSet<String> = [&n.primary_pecs, &n.secondary_pecs]
            .into_iter()
            .chain(account_pecs.values())
            .flat_map(|r| r.iter().flatten())
            .filter(|x| x.is_approved())
            .filter_map(|x| x.endpoint_id().map(str::to_string))
            .collect();
        // From LIST_FROM endpoints, one list of the subscription's private endpoints costs less.
        let by_list = endpoint_ids.len() >= super::LIST_FROM;
        let endpoints = futures_util::future::join_all(
            endpoint_ids
                .iter()
                .map(|id| async move { (id.to_ascii_lowercase(), x.endpoint(id, by_list).await) }),
        )
        .await;
        (account_pecs, endpoints.into_iter().collect())
    };
    let dns = async {
        let zones = x
            .shared
            .zones
            .get(sub, || as_reading(listing.private_dns_zones(sub)))
            .await;
        let wanted: Vec<(String, String)> = zones
            .iter()
            .flatten()
            .filter(|z| AML_DNS_ZONES.iter().any(|n| z.name.eq_ignore_ascii_case(n)))
            .map(|z| (z.name.to_ascii_lowercase(), z.id.clone()))
            .collect();
        let links = futures_util::future::join_all(wanted.iter().map(|(name, id)| async move {
            (
                name.clone(),
                x.shared
                    .links
                    .get(id, || as_reading(listing.virtual_network_links(id)))
                    .await,
            )
        }))
        .await;
        (zones, links.into_iter().collect())
    };
    let ((account_pecs, endpoints), (zones, links)) = tokio::join!(endpoints, dns);
    n.account_pecs = account_pecs;
    n.endpoints = endpoints;
    n.zones = Some(zones);
    n.links = links;
    // Dated once answered: Azure's clock is known from its answers by then.
    n.read_at = c.server_now();
    n
}

/// Microsoft's registry of curated assets, in every region.
pub const SYSTEM_REGISTRY: &str = "azureml";

/// The primary's deployments, the registries they use, and the secondary's copies of their
/// workspace assets.
async fn assets(c: &ArmClient, sub: &str, primary: &str, secondary: &str) -> AmlReadiness {
    let mut r = AmlReadiness::default();
    let endpoints = match as_reading(c.workspace_endpoints(primary)).await {
        Ok(e) => e,
        Err(e) => {
            r.deployments = Some(Err(e));
            return r;
        }
    };
    let lists = futures_util::future::join_all(
        endpoints
            .iter()
            .map(|e| as_reading(c.deployment_assets(&e.id))),
    )
    .await;
    let deployments: Result<Vec<DeploymentAssets>, ReadError> =
        lists.into_iter().try_fold(Vec::new(), |mut all, l| {
            all.extend(l?);
            Ok(all)
        });
    let refs: BTreeSet<(AssetKind, AssetRef)> = deployments
        .iter()
        .flatten()
        .flat_map(|d| d.asset_refs())
        .map(|(k, s)| (k, AssetRef::parse(k, &s)))
        .collect();
    r.deployments = Some(deployments);
    let wants_registries = refs.iter().any(|(_, x)| {
        matches!(x, AssetRef::Registry { registry, .. } if !registry.eq_ignore_ascii_case(SYSTEM_REGISTRY))
    });
    let registries = async {
        if wants_registries {
            Some(as_reading(c.listing().ml_registries(sub)).await)
        } else {
            None
        }
    };
    let lookups = futures_util::future::join_all(refs.iter().filter_map(|(k, x)| match x {
        AssetRef::Workspace { name, version } => Some(async move {
            (
                (*k, name.to_ascii_lowercase(), version.to_ascii_lowercase()),
                as_reading(c.asset_version_exists(secondary, *k, name, version)).await,
            )
        }),
        _ => None,
    }));
    let (registries, lookups) = tokio::join!(registries, lookups);
    r.registries = registries;
    r.secondary_assets = lookups.into_iter().collect();
    r
}

/// The Azure ML quota of the secondary region.
#[derive(Debug, Clone)]
pub struct AmlQuota {
    pub usages: Result<Vec<Usage>, ReadError>,
    pub vm_sizes: Result<Vec<VmSize>, ReadError>,
}

/// Reads readiness for every workspace pair of `cfg`, and the quota when it is needed; role
/// assignments and the private network come from `cache` while they are fresh.
pub(super) async fn readiness(
    c: &ArmClient,
    cfg: &Config,
    cache: &SlowCache,
    lists: &super::lists::Lists,
) -> (HashMap<String, AmlReadiness>, Option<AmlQuota>) {
    let pairs = cfg
        .components
        .iter()
        .filter_map(|comp| match &comp.targets {
            Targets::Paired { primary, secondary } if comp.kind == ComponentKind::MlWorkspace => {
                Some((
                    comp.name.clone(),
                    primary.to_string(),
                    secondary.to_string(),
                ))
            }
            _ => None,
        });
    let configured: BTreeSet<String> = cfg
        .components
        .iter()
        .filter(|x| x.kind == ComponentKind::Storage)
        .flat_map(|x| x.resource_ids())
        .map(|id| id.name().to_ascii_lowercase())
        .collect();
    let sub = cfg.deployment.subscription_id.as_str();
    let shared = Shared::default();
    let x = Ctx {
        c,
        lists,
        shared: &shared,
        pairs: pairs.clone().count(),
    };
    let workspaces = futures_util::future::join_all(pairs.map(|(name, p, s)| {
        let configured = &configured;
        async move {
            // The secondary workspace again (readiness runs beside the workspace's own read),
            // the setup and the roles at once, and the network and the data accounts as soon
            // as the primary's datastores answer (not after the whole setup: its deployments'
            // assets are a chain of three reads), with the primary workspace when the network
            // will need it: a region that answers errors costs one wait, not a chain of them.
            let now = c.server_now();
            let network_stale = cache.network_stale(&name, now);
            let kept = SlowCache::reusable((&cache.setup, &cache.setup_partial), &name, now, |v| {
                v.read_at
            });
            // The kept setup's datastores alone (the setup itself goes to `cached_setup`).
            let kept_datastores = kept.as_ref().map(|v| v.primary_datastores.clone());
            let primary_datastores = async {
                match kept_datastores {
                    Some(pd) => pd,
                    None => x.datastores(&p).await,
                }
            };
            let keys = (name.as_str(), sub, p.as_str(), s.as_str());
            let (sw, setup, roles, (accounts, network)) = tokio::join!(
                x.workspace(&s),
                cached_setup(x, cache, keys, kept),
                async {
                    let sw = x.workspace(&s).await;
                    cached_roles(x, cache, keys, sw.as_ref().ok()).await
                },
                async {
                    let prefetch = async {
                        if network_stale {
                            let _ = x.workspace(&p).await;
                        }
                    };
                    let read = async {
                        let pd = primary_datastores.await;
                        // The secondary is already being read (the first branch): one read.
                        let network = async {
                            let sw = x.workspace(&s).await;
                            cached_network(x, cache, keys, &pd, sw.as_ref().ok()).await
                        };
                        tokio::join!(data_accounts(x, configured, &pd), network)
                    };
                    tokio::join!(prefetch, read).1
                }
            );
            let mut r = AmlReadiness {
                secondary_storage: setup.secondary_storage.clone(),
                primary_datastores: Some(setup.primary_datastores.clone()),
                secondary_datastores: Some(setup.secondary_datastores.clone()),
                deployments: setup.deployments.clone(),
                registries: setup.registries.clone(),
                secondary_assets: setup.secondary_assets.clone(),
                outbound: setup.outbound.clone(),
                ..AmlReadiness::default()
            };
            r.accounts = accounts;
            r.roles = Some(roles);
            r.network = Some(network);
            r.secondary_workspace = Some(sw);
            (name, r)
        }
    }));
    let wants_quota = cfg.components.iter().any(|x| {
        matches!(
            x.kind,
            ComponentKind::MlCompute | ComponentKind::MlOnlineEndpoint
        )
    });
    let region = cfg.deployment.secondary_region.as_str();
    let quota = async {
        if !wants_quota {
            return None;
        }
        let (usages, vm_sizes) = tokio::join!(
            as_reading(c.aml_usages(sub, region)),
            as_reading(c.aml_vm_sizes(sub, region))
        );
        Some(AmlQuota { usages, vm_sizes })
    };
    let (workspaces, quota) = tokio::join!(workspaces, quota);
    (workspaces.into_iter().collect(), quota)
}

/// A pair's role assignments: the cached ones while fresh, else read (and kept when every
/// read succeeded).
async fn cached_roles(
    x: Ctx<'_>,
    cache: &SlowCache,
    (name, sub, p, s): (&str, &str, &str, &str),
    sw: Option<&Workspace>,
) -> AmlRoles {
    let now = x.c.server_now();
    if let Some(r) = SlowCache::within(&cache.roles, name, (now, Some(slow_ttl(name))), |x| {
        x.read_at
    }) {
        return r;
    }
    let r = match SlowCache::within(
        &cache.roles_partial,
        name,
        (now, Some(SLOW_RETRY_TTL)),
        |x| x.read_at,
    ) {
        Some(r) => r,
        None => roles(x, sub, p, s, sw).await,
    };
    if r.complete() {
        SlowCache::keep(&cache.roles, name, r.clone());
        return r;
    }
    SlowCache::keep(&cache.roles_partial, name, r.clone());
    // Roles change rarely: while a region does not answer, the last complete reading (dated by
    // its `read_at`) says more than a partial one.
    SlowCache::within(&cache.roles, name, (now, None), |x| x.read_at).unwrap_or(r)
}

/// The storage accounts the primary's datastores (`pd`) point at that no configured component
/// reads (`configured`: lowercase account names), by lowercase account name.
async fn data_accounts(
    x: Ctx<'_>,
    configured: &BTreeSet<String>,
    pd: &Result<Vec<Datastore>, ReadError>,
) -> HashMap<String, Result<StorageAccount, ReadError>> {
    let wanted: std::collections::BTreeMap<String, String> = pd
        .iter()
        .flatten()
        .filter(|d| !d.is_workspace_own())
        .filter_map(|d| {
            let account = d.properties.account_name.as_deref()?.to_ascii_lowercase();
            if configured.contains(&account) {
                return None;
            }
            Some((account, d.properties.account_id()?))
        })
        .collect();
    futures_util::future::join_all(
        wanted
            .into_iter()
            .map(|(account, id)| async move { (account, x.storage(&id).await) }),
    )
    .await
    .into_iter()
    .collect()
}

/// A pair's private network: the cached one while fresh, else read. The data accounts are
/// the primary's datastores' (`pd`) accounts (beyond the built-in ones) and both default
/// storages.
async fn cached_network(
    x: Ctx<'_>,
    cache: &SlowCache,
    (name, sub, p, s): (&str, &str, &str, &str),
    pd: &Result<Vec<Datastore>, ReadError>,
    sw: Option<&Workspace>,
) -> AmlNetwork {
    let now = x.c.server_now();
    if let Some(n) = SlowCache::reusable((&cache.network, &cache.network_partial), name, now, |x| {
        x.read_at
    }) {
        return n;
    }
    let mut accounts: BTreeSet<String> = pd
        .iter()
        .flatten()
        .filter(|d| !d.is_workspace_own())
        .filter_map(|d| d.properties.account_id())
        .collect();
    accounts.extend(sw.and_then(|w| w.properties.storage_account.clone()));
    let accounts: Vec<String> = accounts.into_iter().collect();
    let private = sw.is_some_and(|w| w.properties.is_private());
    let n = network(x, sub, (p, s), private, &accounts).await;
    if n.complete() {
        SlowCache::keep(&cache.network, name, n.clone());
    } else {
        SlowCache::keep(&cache.network_partial, name, n.clone());
    }
    n
}

/// Both workspaces' outbound rules, when the secondary uses a managed network or could not be
/// read (the primary's setting is in its own reading: a secondary without one is judged there).
async fn outbound_rules(
    x: Ctx<'_>,
    p: &str,
    s: &str,
    sw: Option<&Workspace>,
) -> Option<(RulesRead, RulesRead)> {
    sw.and_then(|w| w.properties.managed_isolation())?;
    let (pr, sr) = tokio::join!(
        as_reading(x.c.outbound_rules(p)),
        as_reading(x.c.outbound_rules(s))
    );
    Some((pr, sr))
}

/// A pair's setup: both workspaces' datastores, the primary's deployments' assets and the
/// secondary's copies, both managed networks' outbound rules — `kept`, the cached one while
/// fresh ([`SLOW_READS_TTL`]; one that failed in part for [`SLOW_RETRY_TTL`]), else read.
async fn cached_setup(
    x: Ctx<'_>,
    cache: &SlowCache,
    (name, sub, p, s): (&str, &str, &str, &str),
    kept: Option<AmlSetup>,
) -> AmlSetup {
    if let Some(v) = kept {
        return v;
    }
    let (pd, sd, a, (outbound, secondary_storage)) = tokio::join!(
        x.datastores(p),
        x.datastores(s),
        assets(x.c, sub, p, s),
        async {
            let sw = x.workspace(s).await;
            tokio::join!(
                outbound_rules(x, p, s, sw.as_ref().ok()),
                default_storage(x, &sw)
            )
        }
    );
    let v = AmlSetup {
        // Dated once answered: Azure's clock is known from its answers by then.
        read_at: x.c.server_now(),
        primary_datastores: pd,
        secondary_datastores: sd,
        deployments: a.deployments,
        registries: a.registries,
        secondary_assets: a.secondary_assets,
        outbound,
        secondary_storage,
    };
    if v.complete() {
        SlowCache::keep(&cache.setup, name, v.clone());
    } else {
        SlowCache::keep(&cache.setup_partial, name, v.clone());
    }
    v
}

/// A workspace: from its kind's subscription-wide list when the collection reads one, else its
/// own GET.
async fn workspace(
    c: &ArmClient,
    lists: &super::lists::Lists,
    id: &str,
) -> Result<Workspace, crate::azure::AzureError> {
    match super::listed(lists, c, ComponentKind::MlWorkspace, id).await {
        Some(w) => Ok(w),
        None => c.workspace(id).await,
    }
}

/// A read's error as a reading's.
async fn as_reading<T>(
    f: impl std::future::Future<Output = Result<T, crate::azure::AzureError>>,
) -> Result<T, ReadError> {
    f.await.map_err(ReadError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assignment(scope: &str, principal: &str) -> RoleAssignment {
        serde_json::from_value(serde_json::json!({
            "id": format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{principal}"),
            "name": principal,
            "properties": {"roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/r", "principalId": principal, "scope": scope}
        }))
        .unwrap()
    }

    /// The index answers as a scan with the model's own rule does, in the list's order.
    #[test]
    fn the_index_finds_what_a_scan_finds() {
        let sub = "/subscriptions/S";
        let ws = "/subscriptions/s/resourceGroups/RG/providers/Microsoft.MachineLearningServices/workspaces/ws";
        let all = vec![
            assignment("/", "root"),
            assignment(sub, "p1"),
            assignment(&format!("{sub}/resourceGroups/rg"), "P2"),
            assignment(&format!("{sub}/resourceGroups/rg2"), "p2"),
            assignment(&format!("{ws}/"), "p3"),
            assignment(&format!("{ws}/computes/c"), "p1"),
            assignment(
                &format!(
                    "{sub}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws2"
                ),
                "p4",
            ),
        ];
        let index = Assignments::new(all.clone());
        let names = |v: Vec<RoleAssignment>| v.into_iter().map(|a| a.name).collect::<Vec<_>>();
        for scope in [
            ws,
            sub,
            "/subscriptions/other",
            &format!("{ws}/computes/c"),
            "/",
        ] {
            let scanned: Vec<RoleAssignment> = all
                .iter()
                .filter(|a| a.properties.covers(scope))
                .cloned()
                .collect();
            assert_eq!(names(index.at(scope)), names(scanned), "at {scope}");
        }
        assert_eq!(names(index.at(ws)), ["root", "p1", "P2", "p3"]);
        assert_eq!(names(index.of("p2")), ["P2", "p2"]);
        assert!(index.of("nobody").is_empty());
    }
}
