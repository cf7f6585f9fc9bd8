//! AKS operations (Microsoft.ContainerService/managedClusters).

use serde_json::json;

use super::{ArmRequest, Body};
use crate::azure::api::versions::AKS;

/// `POST {id}/start` (true) or `POST {id}/stop` (false).
pub fn power(id: &str, start: bool) -> ArmRequest {
    ArmRequest {
        method: "POST",
        path: format!("{id}/{}", if start { "start" } else { "stop" }),
        api_version: AKS,
        query: &[],
        body: Body::None,
    }
}

/// `PUT {cluster}/agentPools/{pool}`: scales a node pool.
pub fn scale_pool(cluster_id: &str, pool: &str, count: u32) -> ArmRequest {
    ArmRequest {
        method: "PUT",
        path: format!("{cluster_id}/agentPools/{pool}"),
        api_version: AKS,
        query: &[],
        body: Body::Json(json!({"properties": {"count": count}})),
    }
}
