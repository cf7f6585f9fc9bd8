//! Storage accounts (Microsoft.Storage): geo-replication to the paired region, the
//! customer-initiated failover (planned: roles swap, nothing lost; unplanned: the secondary
//! takes over alone, the account drops to LRS/ZRS and the replication lag is lost), and SKU
//! changes that re-establish geo-redundancy after one.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::{Action, CREATED, ControlPlane, Provider, State, Typed};
use crate::config::ComponentKind;
use crate::region::Region;
use crate::sim::lro::{FinalReply, LroSpec, Monitors};
use crate::sim::reply::{ArmError, Reply};
use crate::sim::routes::{Call, Route};
use crate::sim::world::{Replication, World};
use crate::timefmt::rfc3339;

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

impl Storage {
    /// An RA-GRS account in `primary`, replicating to `secondary` about 90 s behind.
    pub fn new(primary: &Region, secondary: &Region) -> Storage {
        Storage {
            sku: "Standard_RAGRS".into(),
            primary: primary.clone(),
            secondary: Some(secondary.clone()),
            replication: Replication {
                lag_secs: 90.0,
                frozen_at: None,
            },
            failover_in_progress: false,
            last_geo_failover: None,
            bootstrap_until: None,
        }
    }
}

impl Typed for Storage {
    const NAME: &'static str = "storage account";

    /// The account's state, if the resource is one.
    fn of(state: &State) -> Option<&Self> {
        match state {
            State::Storage(s) => Some(s),
            _ => None,
        }
    }

    /// The account's state to change, if the resource is one.
    fn of_mut(state: &mut State) -> Option<&mut Self> {
        match state {
            State::Storage(s) => Some(s),
            _ => None,
        }
    }
}

/// The storage account's routes (GET and Resource Health are answered for every resource).
pub const ROUTES: &[Route] = &[
    Route::new(ComponentKind::Storage, "POST", "/failover", failover),
    Route::new(ComponentKind::Storage, "PATCH", "", patch),
];

/// What a storage operation does when it completes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum StorageAction {
    StorageFailover { planned: bool },
}

impl From<StorageAction> for Action {
    /// Storage's action as an operation carries it.
    fn from(a: StorageAction) -> Action {
        Action::Storage(a)
    }
}

impl Provider for Storage {
    /// A storage account's metadata and its failover are served by a global control plane: the
    /// account answers, and fails over, in an outage of its primary region (that is what the
    /// customer-initiated failover is for).
    fn control_plane(&self, _world: &World, _i: usize, _path: &str) -> ControlPlane {
        ControlPlane::Global
    }

    /// The account as the Storage RP writes it; `geoReplicationStats` only when asked for, as
    /// the runbook does to read `canFailover` and the last sync time.
    fn render(&self, world: &World, i: usize, _id: &str, expand_geo: bool) -> Value {
        render(world, i, self, expand_geo)
    }

    /// The account serves from its primary, which a failover moves.
    fn serving_region(&self) -> Option<Region> {
        Some(self.primary.clone())
    }

    /// Data flows out of the primary while the account has a secondary.
    fn replication_source(&self, _world: &World) -> Option<Region> {
        self.secondary.as_ref().map(|_| self.primary.clone())
    }

    /// The account's geo-replication, which lag faults and outages change.
    fn replication_mut(&mut self) -> Option<&mut Replication> {
        Some(&mut self.replication)
    }

    /// The failover ended (either way): the account is writable again.
    fn settle(&mut self) {
        self.failover_in_progress = false;
    }

    /// During a failover the account is down whatever the region does.
    fn availability(&self, _world: &World, _i: usize) -> Option<(&'static str, String, String)> {
        self.failover_in_progress.then(|| {
            (
                "Unavailable",
                "Failover in progress".into(),
                "A customer-initiated failover is in progress; the account is unavailable until it completes.".into(),
            )
        })
    }
}

/// `POST .../failover[?failoverType=Planned]`: refused when it cannot work (no secondary, one
/// running, bootstrapping, secondary down, planned without both regions); an unplanned one
/// records the lag it loses.
fn failover(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let i = call.i;
    let planned = match call.req.query.get("failovertype").map(String::as_str) {
        None => false,
        Some(t) if t.eq_ignore_ascii_case("planned") => true,
        Some(t) => {
            return Err(ArmError::bad_request(
                "InvalidQueryParameterValue",
                format!("Value '{t}' is not valid for failoverType; the only value is 'Planned'."),
            ));
        }
    };
    let now = w.now();
    let name = w.resources[i].id.name().to_string();
    let s = w.state_of::<Storage>(i)?;
    let Some(sec) = s.secondary.clone() else {
        return Err(ArmError::bad_request(
            "FailoverNotSupported",
            format!(
                "The storage account '{name}' is {} and has no secondary region to fail over to.",
                s.sku
            ),
        ));
    };
    if s.failover_in_progress {
        return Err(ArmError::conflict(
            "FailoverInProgress",
            format!("A failover of '{name}' is already in progress."),
        ));
    }
    if s.bootstrap_until.is_some_and(|t| t > now) {
        return Err(ArmError::bad_request(
            "FailoverNotAllowed",
            format!(
                "Geo-replication of '{name}' is still bootstrapping; failover is possible once its status is Live."
            ),
        ));
    }
    if !w.region_up(&sec) {
        return Err(ArmError::bad_request(
            "FailoverNotAllowed",
            format!("The secondary region '{sec}' of '{name}' is unavailable."),
        ));
    }
    if planned && (!w.region_up(&s.primary) || s.replication.frozen_at.is_some()) {
        return Err(ArmError::bad_request(
            "PlannedFailoverNotAllowed",
            format!(
                "A planned failover of '{name}' needs both regions available (canPlannedFailover is false); '{}' is unavailable.",
                s.primary
            ),
        ));
    }
    let lag = s.replication.lag(now);
    w.state_of_mut::<Storage>(i)?.failover_in_progress = true;
    if !planned {
        w.record_loss(i, lag, now);
    }
    Ok(w.start_lro(
        call.req,
        i,
        LroSpec {
            action: StorageAction::StorageFailover { planned }.into(),
            duration_secs: if planned { 30 * 60 } else { 20 * 60 },
            monitors: Monitors::Location,
            namespace: "Microsoft.Storage",
            async_segment: "asyncoperations",
            location_segment: "asyncoperations",
            initial_status: 202,
            initial_body: None,
            final_reply: FinalReply::Empty,
        },
    ))
}

/// `PATCH` with `sku.name`: how geo-redundancy comes back after an unplanned failover (a geo
/// SKU bootstraps for 30 minutes before another failover is possible) or is given up.
fn patch(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let i = call.i;
    let now = w.now();
    let body = call.body();
    if let Some(sku) = body.pointer("/sku/name").and_then(Value::as_str) {
        const SKUS: &[&str] = &[
            "Standard_LRS",
            "Standard_GRS",
            "Standard_RAGRS",
            "Standard_ZRS",
            "Standard_GZRS",
            "Standard_RAGZRS",
        ];
        let Some(sku) = SKUS.iter().find(|s| s.eq_ignore_ascii_case(sku)) else {
            return Err(ArmError::bad_request(
                "InvalidValuesForRequestParameters",
                format!("Values for request parameters are invalid: sku.name '{sku}'."),
            ));
        };
        let s = w.state_of::<Storage>(i)?;
        if s.failover_in_progress {
            return Err(ArmError::conflict(
                "FailoverInProgress",
                "The account cannot be updated while a failover is in progress.",
            ));
        }
        let pair = if s.primary == w.primary {
            w.secondary.clone()
        } else {
            w.primary.clone()
        };
        let geo = sku.contains("GRS") || sku.contains("GZRS");
        let s = w.state_of_mut::<Storage>(i)?;
        if geo && s.secondary.is_none() {
            s.secondary = Some(pair);
            s.bootstrap_until = Some(now + time::Duration::minutes(30));
            s.replication.frozen_at = None;
        } else if !geo {
            s.secondary = None;
        }
        s.sku = sku.to_string();
    }
    Ok(Reply::ok(w.render(i, call.req.path, false)))
}

/// A failover taking effect: planned swaps the regions; unplanned leaves the account alone in
/// the old secondary, locally redundant. Fails if a region it needs went down meanwhile.
pub fn complete(w: &mut World, i: usize, action: StorageAction) -> Result<(), ArmError> {
    let StorageAction::StorageFailover { planned } = action;
    let now = w.now();
    let s = w.state_of::<Storage>(i)?;
    let Some(sec) = s.secondary.clone() else {
        return Err(ArmError::bad_request(
            "FailoverNotSupported",
            "The account has no secondary region.",
        ));
    };
    if !w.region_up(&sec) {
        return Err(ArmError::unavailable(&sec));
    }
    let primary_up = w.region_up(&s.primary);
    let s = w.state_of_mut::<Storage>(i)?;
    if planned {
        if !primary_up {
            return Err(ArmError::new(
                409,
                "PlannedFailoverNotPossible",
                format!(
                    "A planned failover needs both regions available; '{}' is not. Use an unplanned failover.",
                    s.primary
                ),
            ));
        }
        s.secondary = Some(std::mem::replace(&mut s.primary, sec));
    } else {
        s.primary = sec;
        s.secondary = None;
        s.sku = if s.sku.contains("GZRS") {
            "Standard_ZRS"
        } else {
            "Standard_LRS"
        }
        .into();
        s.replication.frozen_at = None;
    }
    s.last_geo_failover = Some(now);
    Ok(())
}

/// The account's ARM JSON: endpoints, locations and their status, and (when expanded) the
/// geo-replication stats a responder checks before failing over.
fn render(world: &World, i: usize, s: &Storage, expand_geo: bool) -> Value {
    let r = &world.resources[i];
    let name = r.id.name();
    let now = world.now();
    let endpoints = |suffix: &str| {
        json!({
            "web": format!("https://{name}{suffix}.z13.web.core.windows.net/"), "dfs": format!("https://{name}{suffix}.dfs.core.windows.net/"),
            "blob": format!("https://{name}{suffix}.blob.core.windows.net/"), "file": format!("https://{name}{suffix}.file.core.windows.net/"),
            "queue": format!("https://{name}{suffix}.queue.core.windows.net/"), "table": format!("https://{name}{suffix}.table.core.windows.net/"),
        })
    };
    let available = |reg: &Region| {
        if world.region_up(reg) && !r.down && !s.failover_in_progress {
            "available"
        } else {
            "unavailable"
        }
    };
    let mut props = json!({
        "keyCreationTime": {"key1": CREATED, "key2": CREATED},
        "isHnsEnabled": true, "creationTime": CREATED,
        "networkAcls": {"bypass": "AzureServices", "defaultAction": "Allow", "ipRules": [], "virtualNetworkRules": [], "resourceAccessRules": []},
        "primaryEndpoints": endpoints(""),
        "primaryLocation": s.primary.as_str(),
        "provisioningState": "Succeeded",
        "encryption": {"services": {"file": {"keyType": "Account", "enabled": true, "lastEnabledTime": CREATED},
            "blob": {"keyType": "Account", "enabled": true, "lastEnabledTime": CREATED}}, "keySource": "Microsoft.Storage"},
        "statusOfPrimary": available(&s.primary),
        "supportsHttpsTrafficOnly": true, "isSkuConversionBlocked": false, "accountMigrationInProgress": false,
        "minimumTlsVersion": "TLS1_2", "accessTier": "Hot",
        "privateEndpointConnections": super::aml_readiness::network::account_connections(world, r.id.as_str()),
    });
    let p = props.as_object_mut().expect("object");
    if let Some(sec) = &s.secondary {
        p.insert("secondaryLocation".into(), json!(sec.as_str()));
        p.insert("statusOfSecondary".into(), json!(available(sec)));
        if s.sku.contains("RA") {
            p.insert("secondaryEndpoints".into(), endpoints("-secondary"));
        }
    }
    if let Some(t) = s.last_geo_failover {
        p.insert("lastGeoFailoverTime".into(), json!(rfc3339(t)));
    }
    if s.failover_in_progress {
        p.insert("failoverInProgress".into(), json!(true));
    }
    if let (true, Some(sec)) = (expand_geo, &s.secondary) {
        let bootstrapping = s.bootstrap_until.is_some_and(|t| t > now);
        let status = if bootstrapping {
            "Bootstrap"
        } else if s.replication.frozen_at.is_some() {
            "Unavailable"
        } else {
            "Live"
        };
        let can = !bootstrapping && world.region_up(sec) && !s.failover_in_progress && !r.down;
        let post_planned = s.sku.clone();
        p.insert(
            "geoReplicationStats".into(),
            json!({
                "status": status,
                "lastSyncTime": rfc3339(s.replication.last_sync(now)),
                "canFailover": can,
                "canPlannedFailover": can && world.region_up(&s.primary) && s.replication.frozen_at.is_none(),
                "postFailoverRedundancy": if s.sku.contains("GZRS") { "Standard_ZRS" } else { "Standard_LRS" },
                "postPlannedFailoverRedundancy": post_planned,
            }),
        );
    }
    json!({
        "id": r.id, "kind": "StorageV2", "location": r.home.as_str(), "name": name,
        "properties": props,
        "sku": {"name": s.sku, "tier": "Standard"}, "tags": {}, "type": "Microsoft.Storage/storageAccounts"
    })
}
