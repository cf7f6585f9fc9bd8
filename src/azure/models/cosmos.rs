//! Cosmos DB accounts and their regions.

use serde::Deserialize;

use super::{ProvisioningState, Resource};
use crate::region::Region;

/// A Cosmos DB account.
pub type CosmosAccount = Resource<CosmosProperties>;

/// `properties` of a Cosmos DB account.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CosmosProperties {
    pub provisioning_state: Option<ProvisioningState>,
    #[serde(default)]
    pub write_locations: Vec<CosmosLocation>,
    #[serde(default)]
    pub read_locations: Vec<CosmosLocation>,
    #[serde(default)]
    pub locations: Vec<CosmosLocation>,
    #[serde(default)]
    pub failover_policies: Vec<CosmosLocation>,
    pub enable_automatic_failover: Option<bool>,
    pub enable_multiple_write_locations: Option<bool>,
}

/// A region of a Cosmos DB account.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CosmosLocation {
    pub location_name: Region,
    pub failover_priority: Option<u32>,
    pub provisioning_state: Option<String>,
}

impl CosmosAccount {
    /// The write region (single-write accounts: `writeLocations[0]`).
    pub fn write_region(&self) -> Option<Region> {
        self.properties
            .write_locations
            .first()
            .map(|l| l.location_name.clone())
    }
}
