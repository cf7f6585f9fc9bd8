//! Azure SQL failover groups.

use serde::{Deserialize, Serialize};

use super::Resource;
use crate::region::Region;

open_enum!(
    /// A SQL failover group member's role.
    FailoverGroupRole { Primary => "Primary", Secondary => "Secondary" }
);

/// The three SQL failover actions, by their names in ARM (`POST {group}/{action}`): the one
/// definition the client sends and the simulator routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SqlFailover {
    /// `failover`: synchronises first, loses nothing, needs the primary.
    Planned,
    /// `forceFailoverAllowDataLoss`.
    Forced,
    /// `tryPlannedBeforeForcedFailover`.
    TryPlanned,
}

impl SqlFailover {
    /// The action's name: `failover`, `forceFailoverAllowDataLoss` or
    /// `tryPlannedBeforeForcedFailover`.
    pub const fn action(self) -> &'static str {
        self.route().split_at(1).1
    }

    /// The action as the last segment of its path: `/failover`, ….
    pub const fn route(self) -> &'static str {
        match self {
            SqlFailover::Planned => "/failover",
            SqlFailover::Forced => "/forceFailoverAllowDataLoss",
            SqlFailover::TryPlanned => "/tryPlannedBeforeForcedFailover",
        }
    }
}

/// A SQL failover group, seen from one of its servers.
pub type FailoverGroup = Resource<FailoverGroupProperties>;

/// A SQL server, as the subscription's list of servers shows it (only what finding a failover
/// group's partner needs).
#[derive(Debug, Clone, Deserialize)]
pub struct SqlServer {
    pub id: String,
    pub name: String,
    pub location: Option<Region>,
}

/// `properties` of a failover group.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct FailoverGroupProperties {
    pub read_write_endpoint: Option<ReadWriteEndpoint>,
    pub replication_role: Option<FailoverGroupRole>,
    pub replication_state: Option<String>,
    #[serde(default)]
    pub partner_servers: Vec<PartnerServer>,
    #[serde(default)]
    pub databases: Vec<String>,
}

/// `readWriteEndpoint`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadWriteEndpoint {
    pub failover_policy: Option<String>,
    pub failover_with_data_loss_grace_period_minutes: Option<u32>,
}

/// A partner server of a failover group.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerServer {
    pub id: String,
    pub location: Option<Region>,
    pub replication_role: Option<FailoverGroupRole>,
}
