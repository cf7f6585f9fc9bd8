//! Storage account operations (Microsoft.Storage/storageAccounts).

use serde_json::json;

use super::{ArmRequest, Body};
use crate::azure::api::versions::STORAGE;

/// `POST {id}/failover`: planned (`failoverType=Planned`: no loss, both regions up) or
/// unplanned (loses writes after lastSyncTime; the account becomes locally redundant).
pub fn failover(id: &str, planned: bool) -> ArmRequest {
    ArmRequest {
        method: "POST",
        path: format!("{id}/failover"),
        api_version: STORAGE,
        query: if planned {
            &[("failoverType", "Planned")]
        } else {
            &[]
        },
        body: Body::None,
    }
}

/// `PATCH {id}` of the sku (re-protect: back to a geo-redundant sku).
pub fn set_sku(id: &str, sku: &str) -> ArmRequest {
    ArmRequest {
        method: "PATCH",
        path: id.to_string(),
        api_version: STORAGE,
        query: &[],
        body: Body::Json(json!({"sku": {"name": sku}})),
    }
}
