//! Cosmos DB accounts (`az cosmosdb`; bringing a region online has no az command: `az rest` on
//! the ARM action the client posts).

use super::named;
use crate::azure::api::versions::COSMOS;
use crate::config::ResourceId;
use crate::region::Region;

/// The account's write and read regions.
pub fn show(id: &ResourceId) -> String {
    format!(
        "az cosmosdb show {} --query \"{{write:writeLocations[0].locationName, read:readLocations[].locationName}}\"",
        named(id)
    )
}

/// Takes `region` offline (the forced move of the write region).
pub fn offline_region(id: &ResourceId, region: &Region) -> String {
    format!("az cosmosdb offline-region {} --region {region}", named(id))
}

/// Brings `region` back online (`POST .../onlineRegion`, as the client sends it).
pub fn online_region(id: &ResourceId, region: &Region) -> String {
    super::rest(
        "post",
        &format!("{id}/onlineRegion"),
        COSMOS,
        Some(&format!("{{\"region\":\"{}\"}}", region.display_name())),
    )
}

/// Sets the failover priorities (`region=priority`, 0 the write region).
pub fn failover_priority_change(id: &ResourceId, policies: &[String]) -> String {
    format!(
        "az cosmosdb failover-priority-change {} --failover-policies {}",
        named(id),
        policies.join(" ")
    )
}
