//! Cosmos DB account operations (Microsoft.DocumentDB/databaseAccounts).

use serde_json::{Value, json};

use super::{ArmRequest, Body};
use crate::azure::api::versions::COSMOS;
use crate::region::Region;

/// `POST {id}/failoverPriorityChange`: manual failover, new priorities for every region
/// (0 = write region).
pub fn failover_priority_change(id: &str, priorities: &[(Region, u32)]) -> ArmRequest {
    let policies: Vec<Value> = priorities
        .iter()
        .map(|(r, p)| json!({"locationName": r.as_str(), "failoverPriority": p}))
        .collect();
    ArmRequest {
        method: "POST",
        path: format!("{id}/failoverPriorityChange"),
        api_version: COSMOS,
        query: &[],
        body: Body::Json(json!({"failoverPolicies": policies})),
    }
}

/// `POST {id}/offlineRegion`: takes a region offline (forced failover of the write region; may
/// lose writes).
pub fn offline_region(id: &str, region: &Region) -> ArmRequest {
    ArmRequest {
        method: "POST",
        path: format!("{id}/offlineRegion"),
        api_version: COSMOS,
        query: &[],
        body: Body::Json(json!({"region": region.display_name()})),
    }
}

/// `POST {id}/onlineRegion`: brings a region back online (as a read region).
pub fn online_region(id: &str, region: &Region) -> ArmRequest {
    ArmRequest {
        method: "POST",
        path: format!("{id}/onlineRegion"),
        api_version: COSMOS,
        query: &[],
        body: Body::Json(json!({"region": region.display_name()})),
    }
}
