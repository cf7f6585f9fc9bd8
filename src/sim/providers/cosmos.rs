//! Cosmos DB accounts (Microsoft.DocumentDB/databaseAccounts): one write region (the online
//! region with the lowest failover priority) and read regions. A manual failover changes the
//! priorities and needs every involved region healthy; during an outage the way out is
//! `offlineRegion`, which moves the writes and loses the lag.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Action, CREATED, ControlPlane, Provider, State, Typed, identity};
use crate::config::ComponentKind;
use crate::region::Region;
use crate::sim::lro::{FinalReply, LroSpec, Monitors};
use crate::sim::reply::{ArmError, Reply};
use crate::sim::routes::{Call, Route};
use crate::sim::world::{Replication, World};

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

impl Cosmos {
    /// An account in `regions`, in that order of priority (the first writes), 2 s behind.
    pub fn new(regions: &[Region]) -> Cosmos {
        Cosmos {
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
        }
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

/// Keeps priorities unique and dense (0..n-1) in their current order.
fn normalise_priorities(c: &mut Cosmos) {
    let mut order: Vec<usize> = (0..c.regions.len()).collect();
    order.sort_by_key(|&k| (c.regions[k].priority, c.regions[k].offline));
    for (p, k) in order.into_iter().enumerate() {
        c.regions[k].priority = p as u32;
    }
}

impl Typed for Cosmos {
    const NAME: &'static str = "Cosmos DB account";

    /// The account's state, if the resource is one.
    fn of(state: &State) -> Option<&Self> {
        match state {
            State::Cosmos(c) => Some(c),
            _ => None,
        }
    }

    /// The account's state to change, if the resource is one.
    fn of_mut(state: &mut State) -> Option<&mut Self> {
        match state {
            State::Cosmos(c) => Some(c),
            _ => None,
        }
    }
}

/// The account's routes: the manual failover and the outage-time region actions.
pub const ROUTES: &[Route] = &[
    Route::new(
        ComponentKind::CosmosDb,
        "POST",
        "/failoverPriorityChange",
        priority_change,
    ),
    Route::new(ComponentKind::CosmosDb, "POST", "/offlineRegion", offline),
    Route::new(ComponentKind::CosmosDb, "POST", "/onlineRegion", online),
];

/// What a Cosmos DB operation does when it completes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum CosmosAction {
    CosmosPriority { order: Vec<(Region, u32)> },
    CosmosOffline(Region),
    CosmosOnline(Region),
}

impl From<CosmosAction> for Action {
    /// Cosmos DB's action as an operation carries it.
    fn from(a: CosmosAction) -> Action {
        Action::Cosmos(a)
    }
}

impl Provider for Cosmos {
    /// A Cosmos DB account's control plane is global: the account and its
    /// failoverPriorityChange/offlineRegion actions answer whatever region is down.
    fn control_plane(&self, _world: &World, _i: usize, _path: &str) -> ControlPlane {
        ControlPlane::Global
    }

    /// The account with its write, read and all locations, as the DocumentDB RP lists them
    /// (by priority), so the console can show where writes go.
    fn render(&self, world: &World, i: usize, _id: &str, _expand_geo: bool) -> Value {
        let r = &world.resources[i];
        let name = r.id.name();
        let c = self;
        let loc_entry = |cr: &CosmosRegion| {
            json!({
                "id": format!("{name}-{}", cr.region), "locationName": cr.region.display_name(),
                "documentEndpoint": format!("https://{name}-{}.documents.azure.com:443/", cr.region),
                "provisioningState": if cr.offline { "Offline" } else { "Succeeded" },
                "failoverPriority": cr.priority, "isZoneRedundant": false
            })
        };
        let mut sorted: Vec<_> = c.regions.iter().collect();
        sorted.sort_by_key(|cr| cr.priority);
        let write = write_region(c);
        let writes: Vec<Value> = sorted
            .iter()
            .filter(|cr| Some(&cr.region) == write.as_ref())
            .map(|cr| loc_entry(cr))
            .collect();
        let reads: Vec<Value> = sorted
            .iter()
            .filter(|cr| !cr.offline)
            .map(|cr| loc_entry(cr))
            .collect();
        let all: Vec<Value> = sorted.iter().map(|cr| loc_entry(cr)).collect();
        let policies: Vec<Value> = sorted.iter().map(|cr| json!({"id": format!("{name}-{}", cr.region), "locationName": cr.region.display_name(), "failoverPriority": cr.priority})).collect();
        json!({
            "id": r.id, "name": name, "location": r.home.display_name(), "type": "Microsoft.DocumentDB/databaseAccounts",
            "kind": "GlobalDocumentDB", "tags": {},
            "properties": {
                "provisioningState": if c.busy { "Updating" } else { "Succeeded" },
                "documentEndpoint": format!("https://{name}.documents.azure.com:443/"),
                "ipRules": [], "isVirtualNetworkFilterEnabled": false, "virtualNetworkRules": [],
                "databaseAccountOfferType": "Standard", "disableKeyBasedMetadataWriteAccess": true,
                "defaultIdentity": "FirstPartyIdentity",
                "consistencyPolicy": {"defaultConsistencyLevel": "Session", "maxIntervalInSeconds": 5, "maxStalenessPrefix": 100},
                "writeLocations": writes, "readLocations": reads, "locations": all, "failoverPolicies": policies,
                "enableAutomaticFailover": false, "enableMultipleWriteLocations": false,
                "privateEndpointConnections": [], "cors": [], "enableFreeTier": false, "apiProperties": {},
                "enableAnalyticalStorage": false, "enableBurstCapacity": false, "enablePerRegionPerPartitionAutoscale": false,
                "analyticalStorageConfiguration": {"schemaType": "WellDefined"},
                "instanceId": format!("{:08x}-2f53-4541-b3d8-3044f4f9810d", i), "createMode": "Default",
                "backupPolicy": {"type": "Periodic", "periodicModeProperties": {"backupIntervalInMinutes": 240, "backupRetentionIntervalInHours": 8, "backupStorageRedundancy": "Geo"}},
                "networkAclBypass": "None", "networkAclBypassResourceIds": [],
                "keysMetadata": {"primaryMasterKey": {"generationTime": CREATED}, "secondaryMasterKey": {"generationTime": CREATED},
                    "primaryReadonlyMasterKey": {"generationTime": CREATED}, "secondaryReadonlyMasterKey": {"generationTime": CREATED}},
                "enablePartitionMerge": false, "minimalTlsVersion": "Tls12"
            },
            "identity": identity()
        })
    }

    /// The account serves from its write region.
    fn serving_region(&self) -> Option<Region> {
        write_region(self)
    }

    /// Data flows out of the write region.
    fn replication_source(&self, _world: &World) -> Option<Region> {
        write_region(self)
    }

    /// The account's replication, which lag faults and outages change.
    fn replication_mut(&mut self) -> Option<&mut Replication> {
        Some(&mut self.replication)
    }

    /// The region operation ended (either way): the account takes another.
    fn settle(&mut self) {
        self.busy = false;
    }
}

/// The 409 a second region operation gets while one runs.
fn busy() -> ArmError {
    ArmError::conflict(
        "Conflict",
        "Another region operation is in progress on this account; retry when it completes.",
    )
}

/// `POST .../failoverPriorityChange`: new priorities for every region, 0 becoming the write
/// region; the body must name each region once with priorities 0..n-1.
fn priority_change(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let (i, body) = (call.i, call.body());
    let c = w.state_of::<Cosmos>(i)?;
    if c.busy {
        return Err(busy());
    }
    let Some(list) = body.get("failoverPolicies").and_then(Value::as_array) else {
        return Err(ArmError::bad_request(
            "BadRequest",
            "The request body needs 'failoverPolicies': every region of the account with a unique failoverPriority.",
        ));
    };
    let mut order = Vec::new();
    for p in list {
        let (Some(name), Some(prio)) = (
            p.get("locationName").and_then(Value::as_str),
            p.get("failoverPriority").and_then(Value::as_u64),
        ) else {
            return Err(ArmError::bad_request(
                "BadRequest",
                "Each failover policy needs 'locationName' and 'failoverPriority'.",
            ));
        };
        order.push((Region::new(name), prio as u32));
    }
    let mut prios: Vec<u32> = order.iter().map(|(_, p)| *p).collect();
    prios.sort_unstable();
    let regions_match = order.len() == c.regions.len()
        && c.regions
            .iter()
            .all(|cr| order.iter().any(|(r, _)| *r == cr.region));
    if !regions_match {
        let names: Vec<String> = c
            .regions
            .iter()
            .map(|cr| cr.region.display_name())
            .collect();
        return Err(ArmError::bad_request(
            "BadRequest",
            format!(
                "failoverPolicies must list every region of the account exactly once: {}.",
                names.join(", ")
            ),
        ));
    }
    if prios != (0..order.len() as u32).collect::<Vec<_>>() {
        return Err(ArmError::bad_request(
            "BadRequest",
            "Failover priorities must be unique and run from 0 to the number of regions minus one.",
        ));
    }
    w.state_of_mut::<Cosmos>(i)?.busy = true;
    Ok(w.start_lro(
        call.req,
        i,
        LroSpec {
            action: CosmosAction::CosmosPriority { order }.into(),
            duration_secs: 120,
            monitors: Monitors::Both,
            namespace: "Microsoft.DocumentDB",
            async_segment: "operationsStatus",
            location_segment: "operationResults",
            initial_status: 202,
            initial_body: None,
            final_reply: FinalReply::NoContent,
        },
    ))
}

/// `POST .../offlineRegion`: takes a region out (the next by priority takes the writes,
/// losing the lag if it was the write region).
fn offline(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    region_action(w, call, true)
}

/// `POST .../onlineRegion`: brings a region back, as the last read region.
fn online(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    region_action(w, call, false)
}

/// Accepts `offlineRegion`/`onlineRegion` for the body's `region`, refusing what Cosmos DB
/// refuses (not a region of the account, already so, the last online region, busy).
fn region_action(w: &mut World, call: &Call<'_>, offline: bool) -> Result<Reply, ArmError> {
    let (i, body) = (call.i, call.body());
    let now = w.now();
    let Some(name) = body.get("region").and_then(Value::as_str) else {
        return Err(ArmError::bad_request(
            "BadRequest",
            "The request body needs 'region'.",
        ));
    };
    let region = Region::new(name);
    let c = w.state_of::<Cosmos>(i)?;
    let Some(cr) = c.regions.iter().find(|cr| cr.region == region) else {
        return Err(ArmError::bad_request(
            "BadRequest",
            format!("'{name}' is not a region of this account."),
        ));
    };
    if c.busy {
        return Err(busy());
    }
    if offline == cr.offline {
        return Err(ArmError::bad_request(
            "BadRequest",
            format!(
                "Region '{name}' is already {}.",
                if offline { "offline" } else { "online" }
            ),
        ));
    }
    if offline && c.regions.iter().filter(|r| !r.offline).count() < 2 {
        return Err(ArmError::bad_request(
            "BadRequest",
            "The last online region of an account cannot be taken offline.",
        ));
    }
    if offline && write_region(c).as_ref() == Some(&region) {
        let lag = c.replication.lag(now);
        w.record_loss(i, lag, now);
    }
    w.state_of_mut::<Cosmos>(i)?.busy = true;
    Ok(w.start_lro(
        call.req,
        i,
        LroSpec {
            action: if offline {
                CosmosAction::CosmosOffline(region)
            } else {
                CosmosAction::CosmosOnline(region)
            }
            .into(),
            duration_secs: if offline { 60 } else { 120 },
            monitors: Monitors::Both,
            namespace: "Microsoft.DocumentDB",
            async_segment: "operationsStatus",
            location_segment: "operationResults",
            initial_status: 202,
            initial_body: None,
            final_reply: FinalReply::Empty,
        },
    ))
}

/// A region operation taking effect. A priority change fails if the old or new write region
/// is down (use offlineRegion then); a region coming online must be up.
pub fn complete(w: &mut World, i: usize, action: CosmosAction) -> Result<(), ArmError> {
    match action {
        CosmosAction::CosmosPriority { order } => {
            let c = w.state_of::<Cosmos>(i)?;
            let new_write = order.iter().find(|(_, p)| *p == 0).map(|(r, _)| r.clone());
            let cur_write = write_region(c);
            for r in [new_write, cur_write].into_iter().flatten() {
                if !w.region_up(&r) {
                    return Err(ArmError::new(
                        503,
                        "ServiceUnavailable",
                        format!(
                            "Failover priority change failed: region '{}' is unavailable. A manual failover needs every involved region healthy; use offlineRegion during an outage.",
                            r.display_name()
                        ),
                    ));
                }
            }
            let c = w.state_of_mut::<Cosmos>(i)?;
            for cr in &mut c.regions {
                if let Some((_, p)) = order.iter().find(|(r, _)| *r == cr.region) {
                    cr.priority = *p;
                }
            }
            Ok(())
        }
        CosmosAction::CosmosOffline(region) => {
            let c = w.state_of_mut::<Cosmos>(i)?;
            if let Some(cr) = c.regions.iter_mut().find(|cr| cr.region == region) {
                cr.offline = true;
            }
            // The next online region by priority takes the writes.
            c.replication.frozen_at = None;
            Ok(())
        }
        CosmosAction::CosmosOnline(region) => {
            if !w.region_up(&region) {
                return Err(ArmError::unavailable(&region));
            }
            let c = w.state_of_mut::<Cosmos>(i)?;
            let max = c.regions.iter().map(|cr| cr.priority).max().unwrap_or(0);
            if let Some(cr) = c.regions.iter_mut().find(|cr| cr.region == region) {
                cr.offline = false;
                // A region that comes back joins as the last read region: switching back is manual.
                cr.priority = max + 1;
            }
            normalise_priorities(c);
            Ok(())
        }
    }
}
