//! The simulated resource providers, one file each, named as in every layer of azfailover:
//!
//! | file | what it simulates |
//! | --- | --- |
//! | `storage.rs` | storage accounts: geo-replication, customer-initiated failover, SKU changes |
//! | `sql.rs` | SQL failover groups, seen from both servers |
//! | `cosmos.rs` | Cosmos DB accounts: failover priorities, offline/online regions |
//! | `flex.rs` | PostgreSQL and MySQL flexible servers and their read replicas |
//! | `aks.rs` | AKS clusters: start/stop, node pools |
//! | `aml.rs` | Azure ML: workspaces, compute clusters, online endpoints and deployments |
//! | `aml_readiness.rs` | Azure ML readiness: datastores, regional quota, workspace drift; in `aml_readiness/`, what only readiness needs of other providers: role assignments (`roles`), private endpoints and DNS (`network`), the managed network (`managed`) |
//! | `routing.rs` | Traffic Manager profiles and Front Door origin groups |
//! | `observe.rs` | Key Vault, Container Registry (replications), Application Insights |
//! | `resource_graph.rs` | Azure Resource Graph: the `Resources` table of every simulated resource, the KQL the collector sends, paging; its quota is in `throttle.rs` |
//!
//! Each file holds its provider's state types, its ARM JSON (`Provider::render`), its request
//! handlers and `ROUTES`, and the completion rules of its long-running operations. This file
//! joins them: the `State` of a resource, the `Action` an operation carries, the route table,
//! and the pieces of ARM JSON every provider writes the same way.

pub mod aks;
pub mod aml;
pub mod aml_readiness;
pub mod cosmos;
pub mod flex;
pub mod observe;
pub mod resource_graph;
pub mod routing;
pub mod sql;
pub mod storage;

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::reply::ArmError;
use super::routes::Route;
use super::world::{Replication, World};
use crate::config::{ComponentKind, ResourceId};
use crate::region::Region;

/// Kind-specific state: which provider a resource belongs to, and what it holds. The variant
/// names are the words of a saved world (`persist.rs`): keep them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[allow(clippy::large_enum_variant)]
pub enum State {
    Workspace,
    Compute(aml::Compute),
    Endpoint(aml::Endpoint),
    Aks(aks::Aks),
    Postgres(flex::FlexServer),
    Mysql(flex::FlexServer),
    AppInsights,
    Storage(storage::Storage),
    SqlFg(sql::SqlFg),
    Cosmos(cosmos::Cosmos),
    Acr(observe::Acr),
    KeyVault,
    TrafficManager(routing::TrafficManager),
    FrontDoor(routing::FrontDoor),
}

impl State {
    /// The provider behind a resource, for the parts of the simulator that serve every kind
    /// alike (GET, Resource Health, replication, operations settling).
    pub fn provider(&self) -> &dyn Provider {
        match self {
            State::Workspace => &aml::Workspace,
            State::Compute(c) => c,
            State::Endpoint(e) => e,
            State::Aks(a) => a,
            State::Postgres(f) | State::Mysql(f) => f,
            State::AppInsights => &observe::AppInsights,
            State::Storage(s) => s,
            State::SqlFg(fg) => fg,
            State::Cosmos(c) => c,
            State::Acr(a) => a,
            State::KeyVault => &observe::KeyVault,
            State::TrafficManager(tm) => tm,
            State::FrontDoor(fd) => fd,
        }
    }

    /// The provider behind a resource, to change it; None for the kinds that hold nothing a
    /// failover changes (workspace, Application Insights, Key Vault).
    pub fn provider_mut(&mut self) -> Option<&mut dyn Provider> {
        match self {
            State::Workspace | State::AppInsights | State::KeyVault => None,
            State::Compute(c) => Some(c),
            State::Endpoint(e) => Some(e),
            State::Aks(a) => Some(a),
            State::Postgres(f) | State::Mysql(f) => Some(f),
            State::Storage(s) => Some(s),
            State::SqlFg(fg) => Some(fg),
            State::Cosmos(c) => Some(c),
            State::Acr(a) => Some(a),
            State::TrafficManager(tm) => Some(tm),
            State::FrontDoor(fd) => Some(fd),
        }
    }
}

/// Where the control plane (the resource provider's ARM endpoint) that answers about a
/// resource lives: in one region, which an outage there takes down, or global (replicated
/// across regions, answering whatever region is down).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlPlane {
    Regional(Region),
    Global,
}

/// What a provider answers for the generic parts of the simulator. Only `render` is required:
/// the rest says how the provider differs from a plain regional resource.
pub trait Provider {
    /// The resource's ARM JSON as seen through `id` (`expand_geo`: storage's
    /// `$expand=geoReplicationStats`), the shape Microsoft's examples and SDKs expect.
    fn render(&self, world: &World, i: usize, id: &str, expand_geo: bool) -> Value;

    /// Where the control plane answering requests about it through `path` (the resource's id or
    /// an alias, and what follows) lives: what a regional outage takes down. Each provider says.
    fn control_plane(&self, world: &World, i: usize, path: &str) -> ControlPlane;

    /// Where it serves from now, if not where it was created (moves after a failover).
    fn serving_region(&self) -> Option<Region> {
        None
    }

    /// The region its data replicates from, if it replicates (an outage there freezes it).
    fn replication_source(&self, _world: &World) -> Option<Region> {
        None
    }

    /// Its replication record, if it replicates (lag faults and outages change it).
    fn replication_mut(&mut self) -> Option<&mut Replication> {
        None
    }

    /// Clears the busy/updating marks an operation set, whatever its outcome.
    fn settle(&mut self) {}

    /// Its own Resource Health answer, when it has one (a storage failover in progress, a
    /// stopped AKS cluster); None leaves it to the region's health.
    fn availability(&self, _world: &World, _i: usize) -> Option<(&'static str, String, String)> {
        None
    }

    /// Whether Microsoft keeps it serving from other regions during an outage of its own
    /// (Resource Health says Degraded, not Unavailable).
    fn microsoft_managed(&self) -> bool {
        false
    }

    /// Other ids requests reach it by (a SQL failover group through its partner server).
    fn aliases(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A provider's own state type, found in a resource's `State`: handlers get theirs typed
/// through `World::state_of`, never by destructuring `State` again.
pub trait Typed: Sized {
    /// What the state is called in the simulator's internal errors.
    const NAME: &'static str;
    /// This type's state, if `state` holds it.
    fn of(state: &State) -> Option<&Self>;
    /// This type's state, to change it, if `state` holds it.
    fn of_mut(state: &mut State) -> Option<&mut Self>;
}

/// What a long-running operation does when it completes: one provider's action. Saved worlds
/// and `/_sim/state` show the provider's own words (`{"StorageFailover": {...}}`), unwrapped.
#[derive(Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Action {
    Storage(storage::StorageAction),
    Sql(sql::SqlAction),
    Cosmos(cosmos::CosmosAction),
    Flex(flex::FlexAction),
    Aks(aks::AksAction),
    Aml(aml::AmlAction),
    Routing(routing::RoutingAction),
}

impl fmt::Debug for Action {
    /// The provider's action as `/_sim/state` lists it (`StorageFailover { planned: true }`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Storage(a) => fmt::Debug::fmt(a, f),
            Action::Sql(a) => fmt::Debug::fmt(a, f),
            Action::Cosmos(a) => fmt::Debug::fmt(a, f),
            Action::Flex(a) => fmt::Debug::fmt(a, f),
            Action::Aks(a) => fmt::Debug::fmt(a, f),
            Action::Aml(a) => fmt::Debug::fmt(a, f),
            Action::Routing(a) => fmt::Debug::fmt(a, f),
        }
    }
}

impl Action {
    /// Applies the action to resource `i` by its provider's rules, re-checking what must still
    /// hold when it falls due (a region that went down meanwhile fails it).
    pub fn complete(self, world: &mut World, i: usize) -> Result<(), ArmError> {
        match self {
            Action::Storage(a) => storage::complete(world, i, a),
            Action::Sql(a) => sql::complete(world, i, a),
            Action::Cosmos(a) => cosmos::complete(world, i, a),
            Action::Flex(a) => flex::complete(world, i, a),
            Action::Aks(a) => aks::complete(world, i, a),
            Action::Aml(a) => aml::complete(world, i, a),
            Action::Routing(a) => routing::complete(world, i, a),
        }
    }
}

/// The route table: every provider's routes, looked up by the resource's kind.
pub static ROUTES: &[&[Route]] = &[
    storage::ROUTES,
    sql::ROUTES,
    cosmos::ROUTES,
    flex::ROUTES,
    aks::ROUTES,
    aml::ROUTES,
    aml_readiness::ROUTES,
    routing::ROUTES,
    observe::ROUTES,
];

/// The state of one region's resource of a paired component, in its normal state: the primary
/// serves; the secondary waits (hot/cold) or serves too (hot/hot). `source` is the primary's
/// index, for replicas.
pub fn paired(kind: ComponentKind, primary: bool, hot: bool, source: Option<usize>) -> State {
    let serving = primary || hot;
    match kind {
        ComponentKind::MlWorkspace => State::Workspace,
        ComponentKind::AppInsights => State::AppInsights,
        ComponentKind::MlCompute => State::Compute(aml::Compute::new(serving)),
        ComponentKind::MlOnlineEndpoint => State::Endpoint(aml::Endpoint::new(serving)),
        ComponentKind::Aks => State::Aks(aks::Aks::new(serving)),
        ComponentKind::PostgresFlexible => {
            State::Postgres(flex::FlexServer::new(false, primary, source))
        }
        ComponentKind::MysqlFlexible => State::Mysql(flex::FlexServer::new(true, primary, source)),
        _ => unreachable!("{kind} is not a paired kind"),
    }
}

/// The state of a replicated component's one resource, primary in `p` and replicating to `s`
/// (Cosmos DB and the registry: to every region of `regions`).
pub fn replicated(
    kind: ComponentKind,
    id: &ResourceId,
    regions: &[Region],
    p: &Region,
    s: &Region,
) -> State {
    match kind {
        ComponentKind::Storage => State::Storage(storage::Storage::new(p, s)),
        ComponentKind::SqlFailoverGroup => State::SqlFg(sql::SqlFg::new(id, p, s)),
        ComponentKind::CosmosDb => State::Cosmos(cosmos::Cosmos::new(regions)),
        ComponentKind::ContainerRegistry => State::Acr(observe::Acr::new(p, regions)),
        ComponentKind::KeyVault => State::KeyVault,
        _ => unreachable!("{kind} is not a replicated kind"),
    }
}

/// The state of a routing component: the endpoints (origins) `primary` in `p` and `secondary`
/// in `s`, both taking traffic when the component is hot/hot.
pub fn routing(
    kind: ComponentKind,
    id: &ResourceId,
    primary: &str,
    secondary: &str,
    p: &Region,
    s: &Region,
    hot: bool,
) -> State {
    let ends = [(primary, p), (secondary, s)];
    match kind {
        ComponentKind::TrafficManager => {
            State::TrafficManager(routing::TrafficManager::new(id, ends, hot))
        }
        ComponentKind::FrontDoor => State::FrontDoor(routing::FrontDoor::new(id, ends, hot)),
        _ => unreachable!("{kind} is not a routing kind"),
    }
}

/// The tenant every simulated identity and vault belongs to.
pub const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
/// The principal of every simulated system-assigned identity.
pub const PRINCIPAL: &str = "5b4c3d2e-1f0a-4b9c-8d7e-6f5a4b3c2d1e";
/// When every simulated resource was created.
pub const CREATED: &str = "2025-03-04T09:15:00Z";

/// `systemData` as ARM writes it.
pub fn system_data() -> Value {
    json!({"createdAt": CREATED, "createdBy": "platform-team@contoso.com", "createdByType": "User",
           "lastModifiedAt": CREATED, "lastModifiedBy": "platform-team@contoso.com", "lastModifiedByType": "User"})
}

/// A system-assigned managed identity (`userAssignedIdentities` is the empty map, as for the
/// workspace).
pub fn identity() -> Value {
    json!({"type": "SystemAssigned", "principalId": PRINCIPAL, "tenantId": TENANT, "userAssignedIdentities": {}})
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A saved world from before the providers were split still reads: states and actions keep
    /// their words.
    #[test]
    fn saved_words_are_unchanged() {
        let action = Action::Storage(storage::StorageAction::StorageFailover { planned: true });
        assert_eq!(
            serde_json::to_value(&action).unwrap(),
            json!({"StorageFailover": {"planned": true}})
        );
        assert_eq!(format!("{action:?}"), "StorageFailover { planned: true }");
        let sql: Action =
            serde_json::from_value(json!({"SqlFailover": {"target": 1, "mode": "Forced"}}))
                .unwrap();
        assert_eq!(
            format!("{sql:?}"),
            "SqlFailover { target: 1, mode: Forced }"
        );
        let cosmos: Action = serde_json::from_value(json!({"CosmosOffline": "eastus"})).unwrap();
        assert!(matches!(
            cosmos,
            Action::Cosmos(cosmos::CosmosAction::CosmosOffline(_))
        ));
        let tm: State = serde_json::from_value(json!({"TrafficManager": {
            "routing": "Priority",
            "endpoints": [{"name": "e", "region": "eastus", "enabled": true, "priority": 1, "weight": 50, "target": "t"}]
        }}))
        .unwrap();
        assert!(matches!(tm, State::TrafficManager(_)));
        assert_eq!(
            serde_json::to_value(&tm).unwrap()["TrafficManager"]["routing"],
            "Priority"
        );
        assert_eq!(
            serde_json::to_value(State::KeyVault).unwrap(),
            json!("KeyVault")
        );
    }
}
