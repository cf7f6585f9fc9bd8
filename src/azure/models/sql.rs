//! Azure SQL failover groups.

use serde::Deserialize;

use super::Resource;
use crate::region::Region;

open_enum!(
    /// A SQL failover group member's role.
    FailoverGroupRole { Primary => "Primary", Secondary => "Secondary" }
);

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
