//! Resource Health and Service Health, through `az rest` (no dedicated az commands).

use crate::azure::api::versions::RESOURCE_HEALTH;
use crate::config::ResourceId;

/// The resource's current availability status.
pub fn availability(id: &ResourceId) -> String {
    super::rest(
        "get",
        &format!("{id}/providers/Microsoft.ResourceHealth/availabilityStatuses/current"),
        RESOURCE_HEALTH,
        None,
    )
}

/// The subscription's Service Health events.
pub fn events(subscription: &str) -> String {
    super::rest(
        "get",
        &format!("/subscriptions/{subscription}/providers/Microsoft.ResourceHealth/events"),
        RESOURCE_HEALTH,
        None,
    )
}
