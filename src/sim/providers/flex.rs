//! PostgreSQL and MySQL flexible servers (Microsoft.DBforPostgreSQL / Microsoft.DBforMySQL)
//! and their cross-region read replicas. Failing over is promoting the replica: PostgreSQL
//! `PATCH properties.replica` with promoteMode standalone/switchover and promoteOption
//! planned/forced; MySQL `PATCH properties.replicationRole = None` (stop replication).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Action, ControlPlane, Provider, State, Typed, system_data};
use crate::config::ComponentKind;
use crate::region::Region;
use crate::sim::lro::{FinalReply, LroSpec, Monitors};
use crate::sim::reply::{ArmError, Reply};
use crate::sim::routes::{Call, Route};
use crate::sim::world::{Replication, Word, World};
use crate::timefmt::rfc3339;

/// A PostgreSQL or MySQL flexible server.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FlexServer {
    /// PostgreSQL: `Primary`, `AsyncReplica` or `None`; MySQL: `Source`, `Replica` or `None`
    /// (each engine's own words for `replicationRole`).
    #[serde(deserialize_with = "crate::sim::persist::static_str")]
    pub role: Word,
    /// The server it replicates from, when a replica.
    pub source: Option<usize>,
    pub replication: Replication,
    #[serde(deserialize_with = "crate::sim::persist::static_str")]
    pub state: Word,
}

impl FlexServer {
    /// The primary server, or a replica of `source` about 4 s behind, with the roles of its
    /// engine (`mysql`: `Source`/`Replica`, else PostgreSQL's `Primary`/`AsyncReplica`).
    pub fn new(mysql: bool, primary: bool, source: Option<usize>) -> FlexServer {
        FlexServer {
            role: role_word(mysql, primary),
            source,
            replication: Replication {
                lag_secs: 4.0,
                frozen_at: None,
            },
            state: "Ready",
        }
    }
}

/// The `replicationRole` of a server that has (or may have) replicas, or of a replica:
/// MySQL says `Source`/`Replica`, PostgreSQL `Primary`/`AsyncReplica`.
pub fn role_word(mysql: bool, primary: bool) -> Word {
    match (mysql, primary) {
        (true, true) => "Source",
        (true, false) => "Replica",
        (false, true) => "Primary",
        (false, false) => "AsyncReplica",
    }
}

/// Whether a role is a replicating server's source role (`Primary` or `Source`).
fn is_source_role(role: &str) -> bool {
    role == "Primary" || role == "Source"
}

impl Typed for FlexServer {
    const NAME: &'static str = "flexible server";

    /// The server's state, if the resource is a PostgreSQL or MySQL flexible server.
    fn of(state: &State) -> Option<&Self> {
        match state {
            State::Postgres(f) | State::Mysql(f) => Some(f),
            _ => None,
        }
    }

    /// The server's state to change, if the resource is one.
    fn of_mut(state: &mut State) -> Option<&mut Self> {
        match state {
            State::Postgres(f) | State::Mysql(f) => Some(f),
            _ => None,
        }
    }
}

/// The flexible servers' routes: promotion by PATCH (each engine its own body) and the list of
/// a primary's replicas.
pub const ROUTES: &[Route] = &[
    Route::new(ComponentKind::PostgresFlexible, "PATCH", "", patch_postgres),
    Route::new(ComponentKind::MysqlFlexible, "PATCH", "", patch_mysql),
    Route::new(
        ComponentKind::PostgresFlexible,
        "GET",
        "/replicas",
        replicas,
    ),
    Route::new(ComponentKind::MysqlFlexible, "GET", "/replicas", replicas),
];

/// What a flexible-server operation does when it completes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum FlexAction {
    FlexPromote { switchover: bool, forced: bool },
}

impl From<FlexAction> for Action {
    /// The flexible servers' action as an operation carries it.
    fn from(a: FlexAction) -> Action {
        Action::Flex(a)
    }
}

impl Provider for FlexServer {
    /// A flexible server's control plane is in the server's region: an outage there takes the
    /// primary down, while the replica in the other region can still be promoted.
    fn control_plane(&self, world: &World, i: usize, _path: &str) -> ControlPlane {
        ControlPlane::Regional(world.resources[i].home.clone())
    }

    /// The server as its RP writes it, with its replication role and source (PostgreSQL also
    /// its `replica` block, Broken while the source's region is down).
    fn render(&self, world: &World, i: usize, _id: &str, _expand_geo: bool) -> Value {
        let r = &world.resources[i];
        let f = self;
        let name = r.id.name();
        let loc = r.home.as_str();
        let ty = r.id.full_type();
        let pg = matches!(r.state, State::Postgres(_));
        let now = world.now();
        let source = f.source.map(|s| world.resources[s].id.to_string());
        let host = if pg {
            "postgres.database.azure.com"
        } else {
            "mysql.database.azure.com"
        };
        let mut props = json!({
            "fullyQualifiedDomainName": format!("{name}.{host}"),
            "version": if pg { "16" } else { "8.0.21" }, "minorVersion": if pg { "8" } else { "0" },
            "administratorLogin": "mladmin", "state": f.state, "availabilityZone": "1",
            "storage": {"storageSizeGB": 512, "autoGrow": "Enabled", "tier": "P20", "iops": 2300},
            "dataEncryption": {"type": "SystemManaged"},
            "authConfig": {"activeDirectoryAuth": "Enabled", "passwordAuth": "Disabled"},
            "backup": {"backupRetentionDays": 7, "geoRedundantBackup": "Disabled", "earliestRestoreDate": rfc3339(now - time::Duration::days(7))},
            "network": {"publicNetworkAccess": "Disabled"},
            // Read replicas cannot have high availability [F:postgres-flex-replicas-list]; a
            // zone-redundant primary names its standby's zone [F:postgres-flex-promote-*].
            "highAvailability": if is_source_role(f.role) {
                json!({"mode": "ZoneRedundant", "state": "Healthy", "standbyAvailabilityZone": "2"})
            } else {
                json!({"mode": "Disabled", "state": "NotEnabled"})
            },
            "maintenanceWindow": {"customWindow": "Disabled", "dayOfWeek": 0, "startHour": 0, "startMinute": 0},
            "replicationRole": f.role,
            "replicaCapacity": if is_source_role(f.role) { 5 } else { 0 },
            "sourceServerResourceId": source,
        });
        if pg {
            let state = if f.source.is_none() {
                None
            } else if f.replication.frozen_at.is_some() {
                Some("Broken")
            } else {
                Some("Active")
            };
            props["replica"] = json!({"role": f.role, "capacity": if is_source_role(f.role) { 5 } else { 0 }, "replicationState": state});
        }
        json!({
            "sku": {"name": "Standard_D4ds_v5", "tier": "GeneralPurpose"},
            "properties": props, "location": loc, "tags": {}, "id": r.id, "name": name, "type": ty,
            "systemData": system_data()
        })
    }

    /// A replica's data flows out of its source server's region.
    fn replication_source(&self, world: &World) -> Option<Region> {
        self.source.map(|src| world.resources[src].home.clone())
    }

    /// A replica's replication (a primary or a promoted server has none).
    fn replication_mut(&mut self) -> Option<&mut Replication> {
        self.source.is_some().then_some(&mut self.replication)
    }

    /// The promotion ended (either way): the server is Ready.
    fn settle(&mut self) {
        self.state = "Ready";
    }
}

/// `GET .../replicas`: the servers replicating from this one.
fn replicas(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let i = call.i;
    let value: Vec<Value> = w
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| FlexServer::of(&r.state).is_some_and(|f| f.source == Some(i)))
        .map(|(k, r)| w.render(k, r.id.as_str(), false))
        .collect();
    Ok(Reply::ok(crate::sim::reply::list_body(value)))
}

/// PostgreSQL's promotion: `properties.replica.promoteMode` (standalone by default) and
/// `promoteOption` (planned by default).
fn patch_postgres(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let Some(replica) = call.body().pointer("/properties/replica") else {
        return Err(ArmError::bad_request(
            "BadRequest",
            "The simulator supports PATCH properties.replica.promoteMode/promoteOption on a PostgreSQL replica.",
        ));
    };
    let mode = replica
        .get("promoteMode")
        .and_then(Value::as_str)
        .unwrap_or("standalone");
    let option = replica
        .get("promoteOption")
        .and_then(Value::as_str)
        .unwrap_or("planned");
    let switchover = match mode.to_ascii_lowercase().as_str() {
        "switchover" => true,
        "standalone" => false,
        other => {
            return Err(ArmError::bad_request(
                "InvalidParameterValue",
                format!("promoteMode '{other}' is not valid: use 'standalone' or 'switchover'."),
            ));
        }
    };
    let forced = match option.to_ascii_lowercase().as_str() {
        "forced" => true,
        "planned" => false,
        other => {
            return Err(ArmError::bad_request(
                "InvalidParameterValue",
                format!("promoteOption '{other}' is not valid: use 'planned' or 'forced'."),
            ));
        }
    };
    promote(w, call, switchover, forced, "Microsoft.DBforPostgreSQL")
}

/// MySQL's promotion: stopping replication (`replicationRole: None`) makes a standalone
/// server at once, losing what had not replicated.
fn patch_mysql(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    match call
        .body()
        .pointer("/properties/replicationRole")
        .and_then(Value::as_str)
    {
        Some(r) if r.eq_ignore_ascii_case("none") => {
            promote(w, call, false, true, "Microsoft.DBforMySQL")
        }
        _ => Err(ArmError::bad_request(
            "BadRequest",
            "The simulator supports PATCH properties.replicationRole = \"None\" (stop replication) on a MySQL replica.",
        )),
    }
}

/// Accepts a promotion of a Ready replica; a forced one records the lag it loses.
fn promote(
    w: &mut World,
    call: &Call<'_>,
    switchover: bool,
    forced: bool,
    namespace: &'static str,
) -> Result<Reply, ArmError> {
    let i = call.i;
    let now = w.now();
    let f = w.state_of::<FlexServer>(i)?;
    if f.source.is_none() {
        return Err(ArmError::bad_request(
            "ServerIsNotReplica",
            format!(
                "Server '{}' is not a read replica ({}): only a replica can be promoted.",
                w.resources[i].id.name(),
                f.role
            ),
        ));
    }
    if f.state != "Ready" {
        return Err(ArmError::conflict(
            "ServerBusy",
            format!(
                "Server '{}' is {}; retry when it is Ready.",
                w.resources[i].id.name(),
                f.state
            ),
        ));
    }
    if forced {
        let lag = f.replication.lag(now);
        w.record_loss(i, lag, now);
    }
    w.state_of_mut::<FlexServer>(i)?.state = "Updating";
    let id = w.resources[i].id.to_string();
    Ok(w.start_lro(
        call.req,
        i,
        LroSpec {
            action: FlexAction::FlexPromote { switchover, forced }.into(),
            duration_secs: 2 * 60,
            monitors: Monitors::Both,
            namespace,
            async_segment: "azureAsyncOperation",
            location_segment: "operationResults",
            initial_status: 202,
            initial_body: None,
            final_reply: FinalReply::Resource(id),
        },
    ))
}

/// A promotion taking effect: the replica stands alone (or, switching over, becomes the
/// primary and the old primary its replica). A planned one needs the old primary reachable.
pub fn complete(w: &mut World, i: usize, action: FlexAction) -> Result<(), ArmError> {
    let FlexAction::FlexPromote { switchover, forced } = action;
    let home = w.resources[i].home.clone();
    if !w.region_up(&home) {
        return Err(ArmError::unavailable(&home));
    }
    let Some(src) = w.state_of::<FlexServer>(i)?.source else {
        return Err(ArmError::bad_request(
            "ServerIsNotReplica",
            "The server is no longer a replica.",
        ));
    };
    let src_up = w.region_up(&w.resources[src].home);
    if !forced && !src_up {
        return Err(ArmError::bad_request(
            "PlannedPromotionNotPossible",
            format!(
                "A planned promotion needs the primary server '{}' to be reachable to synchronise; its region is unavailable. Use promoteOption 'forced'.",
                w.resources[src].id.name()
            ),
        ));
    }
    let mysql = matches!(w.resources[i].state, State::Mysql(_));
    let f = w.state_of_mut::<FlexServer>(i)?;
    f.role = if switchover {
        role_word(mysql, true)
    } else {
        "None"
    };
    f.source = None;
    f.replication.frozen_at = None;
    if let Ok(old) = w.state_of_mut::<FlexServer>(src) {
        if switchover {
            old.role = role_word(mysql, false);
            old.source = Some(i);
            old.replication = Default::default();
            old.replication.lag_secs = 4.0;
        } else if is_source_role(old.role) {
            // Its only replica left: a server without replicas has the role None.
            old.role = "None";
        }
    }
    Ok(())
}
