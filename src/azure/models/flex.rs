//! PostgreSQL and MySQL flexible servers and their read replicas.

use serde::Deserialize;

use super::Resource;

open_enum!(
    /// A flexible server's replication role. PostgreSQL writes `Primary`, `AsyncReplica`,
    /// `GeoAsyncReplica` or `None`; MySQL writes `Source`, `Replica` or `None`.
    ReplicationRole { None_ => "None", Primary => "Primary", AsyncReplica => "AsyncReplica", GeoAsyncReplica => "GeoAsyncReplica", Source => "Source", Replica => "Replica" }
);

impl ReplicationRole {
    /// A read replica of another server (PostgreSQL `AsyncReplica`/`GeoAsyncReplica`, MySQL
    /// `Replica`).
    pub fn is_replica(&self) -> bool {
        matches!(
            self,
            ReplicationRole::AsyncReplica
                | ReplicationRole::GeoAsyncReplica
                | ReplicationRole::Replica
        )
    }

    /// A server that takes writes: the source of replicas (PostgreSQL `Primary`, MySQL
    /// `Source`) or a standalone server (`None`, also a promoted replica).
    pub fn takes_writes(&self) -> bool {
        matches!(
            self,
            ReplicationRole::Primary | ReplicationRole::Source | ReplicationRole::None_
        )
    }
}

/// A PostgreSQL or MySQL flexible server.
pub type FlexibleServer = Resource<FlexibleServerProperties>;

/// `properties` of a flexible server.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct FlexibleServerProperties {
    pub state: Option<String>,
    pub replication_role: Option<ReplicationRole>,
    pub replica: Option<ReplicaInfo>,
    pub source_server_resource_id: Option<String>,
    pub fully_qualified_domain_name: Option<String>,
}

/// `replica` of a PostgreSQL flexible server.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaInfo {
    pub role: Option<ReplicationRole>,
    pub replication_state: Option<String>,
}

impl FlexibleServer {
    /// The replication role (from `replica.role` or `replicationRole`).
    pub fn role(&self) -> Option<ReplicationRole> {
        self.properties.replication_role.clone().or_else(|| {
            self.properties
                .replica
                .as_ref()
                .and_then(|r| r.role.clone())
        })
    }
}
