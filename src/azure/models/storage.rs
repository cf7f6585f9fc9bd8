//! Storage accounts and their geo-replication.

use serde::Deserialize;
use time::OffsetDateTime;

use super::{ProvisioningState, Resource, Sku, lenient_time};
use crate::region::Region;

open_enum!(
    /// Geo-replication status of a storage account.
    GeoReplicationStatus { Live => "Live", Bootstrap => "Bootstrap", Unavailable => "Unavailable" }
);
open_enum!(
    /// A storage endpoint's status.
    AccountStatus { Available => "available", Unavailable => "unavailable" }
);

/// A storage account (read with `$expand=geoReplicationStats`).
pub type StorageAccount = Resource<StorageProperties, Sku>;

/// `properties` of a storage account.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct StorageProperties {
    pub primary_location: Option<Region>,
    pub secondary_location: Option<Region>,
    pub status_of_primary: Option<AccountStatus>,
    pub status_of_secondary: Option<AccountStatus>,
    pub provisioning_state: Option<ProvisioningState>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub last_geo_failover_time: Option<OffsetDateTime>,
    pub failover_in_progress: Option<bool>,
    pub geo_replication_stats: Option<GeoReplicationStats>,
    /// The account's private endpoint connections as its GET carries them (None: absent from
    /// the answer, so read `{account}/privateEndpointConnections`).
    pub private_endpoint_connections: Option<Vec<super::PrivateEndpointConnection>>,
}

/// `geoReplicationStats`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GeoReplicationStats {
    pub status: Option<GeoReplicationStatus>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub last_sync_time: Option<OffsetDateTime>,
    pub can_failover: Option<bool>,
    pub can_planned_failover: Option<bool>,
    pub post_failover_redundancy: Option<String>,
    pub post_planned_failover_redundancy: Option<String>,
}

impl StorageAccount {
    /// Whether the sku replicates to a second region.
    pub fn is_geo_redundant(&self) -> bool {
        self.sku.name.contains("GRS") || self.sku.name.contains("GZRS")
    }
}
