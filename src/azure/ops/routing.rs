//! Traffic Manager and Front Door operations (Microsoft.Network/trafficmanagerprofiles,
//! Microsoft.Cdn/profiles/originGroups).

use super::{ArmRequest, Body};
use crate::azure::api::EndpointUpdate;
use crate::azure::api::versions::{FRONT_DOOR, TRAFFIC_MANAGER};

/// `PATCH {profile}/{type}/{endpoint}`: updates a Traffic Manager endpoint (status, priority,
/// weight); synchronous. `endpoint_type`: `AzureEndpoints`, `ExternalEndpoints` or
/// `NestedEndpoints`.
pub fn traffic_manager_endpoint(
    profile_id: &str,
    endpoint_type: &str,
    endpoint: &str,
    update: &EndpointUpdate,
) -> ArmRequest {
    ArmRequest {
        method: "PATCH",
        path: format!("{profile_id}/{endpoint_type}/{endpoint}"),
        api_version: TRAFFIC_MANAGER,
        query: &[],
        body: Body::Json(update.body("endpointStatus")),
    }
}

/// `PATCH {origin_group}/origins/{origin}`: updates a Front Door origin (enabled state,
/// priority, weight).
pub fn front_door_origin(
    origin_group_id: &str,
    origin: &str,
    update: &EndpointUpdate,
) -> ArmRequest {
    ArmRequest {
        method: "PATCH",
        path: format!("{origin_group_id}/origins/{origin}"),
        api_version: FRONT_DOOR,
        query: &[],
        body: Body::Json(update.body("enabledState")),
    }
}
