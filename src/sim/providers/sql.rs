//! SQL failover groups (Microsoft.Sql/servers/failoverGroups), seen from both servers: a
//! failover is posted to the group on the server that becomes primary, as `failover`
//! (planned: needs the old primary), `forceFailoverAllowDataLoss`, or
//! `tryPlannedBeforeForcedFailover` (forced when the old primary is down).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Action, ControlPlane, Provider, State, Typed};
use crate::azure::models::SqlFailover;
use crate::config::{ComponentKind, ResourceId};
use crate::region::Region;
use crate::sim::lro::{FinalReply, LroSpec, Monitors};
use crate::sim::reply::{ArmError, Reply};
use crate::sim::routes::{Call, Route, not_found};
use crate::sim::world::{Replication, World};

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

impl SqlFg {
    /// The group `id` names, primary on its server in `p`, with a partner server in `s` named
    /// after it (`sql-x-eastus` → `sql-x-westus`), about 3 s behind.
    pub fn new(id: &ResourceId, p: &Region, s: &Region) -> SqlFg {
        let server = id.parent().expect("a failover group id has a server");
        let partner_name = secondary_name(server.name(), p, s);
        let partner = ResourceId::parse(&format!(
            "{}/{}",
            &server.as_str()[..server.as_str().len() - server.name().len() - 1],
            partner_name
        ))
        .expect("partner id is well-formed");
        SqlFg {
            name: id.name().to_string(),
            servers: [(server, p.clone()), (partner, s.clone())],
            primary: 0,
            replication: Replication {
                lag_secs: 3.0,
                frozen_at: None,
            },
            busy: false,
        }
    }
}

impl SqlFg {
    /// Which server (0 or 1) a request path about the group goes through: the one whose id it
    /// starts with (the configured server when neither matches).
    pub fn side(&self, path: &str) -> usize {
        let lower = path.to_ascii_lowercase();
        self.servers
            .iter()
            .position(|(id, _)| {
                let key = id.key();
                lower == key || lower.starts_with(&format!("{key}/"))
            })
            .unwrap_or(0)
    }
}

/// The partner server's name: the primary's with its region swapped, or the region appended.
fn secondary_name(name: &str, primary: &Region, secondary: &Region) -> String {
    if name.contains(primary.as_str()) {
        name.replacen(primary.as_str(), secondary.as_str(), 1)
    } else {
        format!("{name}-{secondary}")
    }
}

impl Typed for SqlFg {
    const NAME: &'static str = "SQL failover group";

    /// The group's state, if the resource is one.
    fn of(state: &State) -> Option<&Self> {
        match state {
            State::SqlFg(fg) => Some(fg),
            _ => None,
        }
    }

    /// The group's state to change, if the resource is one.
    fn of_mut(state: &mut State) -> Option<&mut Self> {
        match state {
            State::SqlFg(fg) => Some(fg),
            _ => None,
        }
    }
}

/// The failover group's routes: the three failover actions by their API names; any other
/// action is unknown to ARM (404).
pub const ROUTES: &[Route] = &[
    Route::new(
        ComponentKind::SqlFailoverGroup,
        "POST",
        SqlFailover::Planned.route(),
        planned,
    ),
    Route::new(
        ComponentKind::SqlFailoverGroup,
        "POST",
        SqlFailover::Forced.route(),
        forced,
    ),
    Route::new(
        ComponentKind::SqlFailoverGroup,
        "POST",
        SqlFailover::TryPlanned.route(),
        try_planned,
    ),
    Route::new(
        ComponentKind::SqlFailoverGroup,
        "POST",
        "/{action}",
        not_found,
    ),
];

/// What a failover-group operation does when it completes. `mode` is Planned or Forced (a
/// try-planned one is decided when it is accepted).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum SqlAction {
    SqlFailover { target: usize, mode: SqlFailover },
}

impl From<SqlAction> for Action {
    /// SQL's action as an operation carries it.
    fn from(a: SqlAction) -> Action {
        Action::Sql(a)
    }
}

impl Provider for SqlFg {
    /// A failover group is answered by the server the request goes through, in that server's
    /// region: in an outage of the primary's region its side does not answer, while the
    /// secondary server's group (and a forced failover sent to it) keeps working.
    fn control_plane(&self, _world: &World, _i: usize, path: &str) -> ControlPlane {
        ControlPlane::Regional(self.servers[self.side(path)].1.clone())
    }

    /// The group as seen from the server `id` goes through: its role, the partner's, and the
    /// replication state (SUSPENDED while the primary's region is down).
    fn render(&self, _world: &World, _i: usize, id: &str, _expand_geo: bool) -> Value {
        let fg = self;
        let side = fg.side(id);
        let other = 1 - side;
        let role = |k: usize| {
            if fg.primary == k {
                "Primary"
            } else {
                "Secondary"
            }
        };
        let state = if fg.busy {
            "PENDING"
        } else if fg.replication.frozen_at.is_some() {
            "SUSPENDED"
        } else {
            "CATCH_UP"
        };
        json!({
            "id": format!("{}/failoverGroups/{}", fg.servers[side].0, fg.name), "name": fg.name,
            "type": "Microsoft.Sql/servers/failoverGroups", "location": fg.servers[side].1.display_name(),
            "properties": {
                "readWriteEndpoint": {"failoverPolicy": "Manual"},
                // Read-only traffic goes to the current secondary [F:sql-failover-group-try-planned-before-forced].
                "readOnlyEndpoint": {"failoverPolicy": "Disabled", "targetServer": fg.servers[1 - fg.primary].0},
                "replicationRole": role(side), "replicationState": state,
                "partnerServers": [{"id": fg.servers[other].0, "location": fg.servers[other].1.display_name(), "replicationRole": role(other)}],
                "databases": [format!("{}/databases/features", fg.servers[side].0), format!("{}/databases/feature-history", fg.servers[side].0)]
            }
        })
    }

    /// The group serves from its primary server's region.
    fn serving_region(&self) -> Option<Region> {
        Some(self.servers[self.primary].1.clone())
    }

    /// Data flows out of the primary server.
    fn replication_source(&self, _world: &World) -> Option<Region> {
        Some(self.servers[self.primary].1.clone())
    }

    /// The group's replication, which lag faults and outages change.
    fn replication_mut(&mut self) -> Option<&mut Replication> {
        Some(&mut self.replication)
    }

    /// The failover ended (either way): the group takes another.
    fn settle(&mut self) {
        self.busy = false;
    }

    /// The group is also reached through the partner server's id.
    fn aliases(&self) -> Vec<String> {
        vec![format!(
            "{}/failoverGroups/{}",
            self.servers[1].0, self.name
        )]
    }
}

/// `GET /subscriptions/{s}/providers/Microsoft.Sql/servers`: every server of the failover
/// groups (both of each), as ARM lists them (one page).
pub fn list_servers(w: &World) -> Reply {
    let mut seen = std::collections::HashSet::new();
    let mut value = Vec::new();
    for r in &w.resources {
        let State::SqlFg(fg) = &r.state else {
            continue;
        };
        for (id, region) in &fg.servers {
            if !seen.insert(id.key()) {
                continue;
            }
            value.push(json!({
                "id": id, "name": id.name(), "type": "Microsoft.Sql/servers",
                "location": region.display_name(), "kind": "v12.0",
                "properties": {
                    "state": "Ready", "version": "12.0",
                    "fullyQualifiedDomainName": format!("{}.database.windows.net", id.name())
                }
            }));
        }
    }
    Reply::ok(crate::sim::reply::list_body(value))
}

/// `POST .../failover`: the planned failover, which synchronises first and loses nothing.
fn planned(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    start(w, call, SqlFailover::Planned)
}

/// `POST .../forceFailoverAllowDataLoss`: the failover for when the primary is gone.
fn forced(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    start(w, call, SqlFailover::Forced)
}

/// `POST .../tryPlannedBeforeForcedFailover`: planned if the primary answers, forced if not.
fn try_planned(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    start(w, call, SqlFailover::TryPlanned)
}

/// Accepts a failover sent to the server that is to become primary (sent to the primary it is
/// refused, as ARM refuses it); a forced one records the lag it loses.
fn start(w: &mut World, call: &Call<'_>, mode: SqlFailover) -> Result<Reply, ArmError> {
    let (req, i) = (call.req, call.i);
    let now = w.now();
    let fg = w.state_of::<SqlFg>(i)?;
    let target = fg.side(req.path);
    if target == fg.primary {
        return Err(ArmError::bad_request(
            "FailoverGroupFailoverRequestOnPrimary",
            format!(
                "The failover request for failover group '{}' was sent to server '{}', which is already its primary. Send it to the secondary server '{}'.",
                fg.name,
                fg.servers[target].0.name(),
                fg.servers[1 - target].0.name()
            ),
        ));
    }
    if fg.busy {
        return Err(ArmError::conflict(
            "FailoverGroupBusy",
            format!(
                "The failover group '{}' is busy with another operation.",
                fg.name
            ),
        ));
    }
    let old_up = w.region_up(&fg.servers[fg.primary].1);
    let forced = mode == SqlFailover::Forced || (mode == SqlFailover::TryPlanned && !old_up);
    let lag = fg.replication.lag(now);
    if forced {
        w.record_loss(i, lag, now);
    }
    w.state_of_mut::<SqlFg>(i)?.busy = true;
    let fg_id = req
        .path
        .trim_end_matches('/')
        .rsplit_once('/')
        .map(|(p, _)| p.to_string())
        .unwrap_or_default();
    Ok(w.start_lro(
        req,
        i,
        LroSpec {
            action: SqlAction::SqlFailover {
                target,
                mode: if forced {
                    SqlFailover::Forced
                } else {
                    SqlFailover::Planned
                },
            }
            .into(),
            duration_secs: if forced { 30 } else { 60 },
            monitors: Monitors::Location,
            namespace: "Microsoft.Sql",
            async_segment: "failoverGroupAzureAsyncOperation",
            location_segment: "failoverGroupOperationResults",
            initial_status: 202,
            initial_body: None,
            final_reply: FinalReply::Resource(fg_id),
        },
    ))
}

/// A failover taking effect: the target server becomes primary. Fails if the target's region
/// went down, or if a planned one finds the old primary gone (it times out, as in Azure).
pub fn complete(w: &mut World, i: usize, action: SqlAction) -> Result<(), ArmError> {
    let SqlAction::SqlFailover { target, mode } = action;
    let fg = w.state_of::<SqlFg>(i)?;
    let old = fg.primary;
    if !w.region_up(&fg.servers[target].1) {
        return Err(ArmError::unavailable(&fg.servers[target].1));
    }
    let old_up = w.region_up(&fg.servers[old].1);
    if mode == SqlFailover::Planned && !old_up {
        return Err(ArmError::bad_request(
            "PlannedFailoverTimedOut",
            format!(
                "The planned failover of '{}' timed out: the primary server in '{}' did not respond. Use a forced failover (forceFailoverAllowDataLoss).",
                fg.name, fg.servers[old].1
            ),
        ));
    }
    let fg = w.state_of_mut::<SqlFg>(i)?;
    fg.primary = target;
    if !old_up {
        fg.replication.frozen_at = None;
    }
    Ok(())
}
