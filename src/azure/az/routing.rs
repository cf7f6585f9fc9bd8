//! Traffic Manager profiles and Front Door origin groups (`az network traffic-manager`,
//! `az afd`).

use super::sub;
use crate::config::ResourceId;

/// The endpoints of a profile.
pub fn tm_endpoints(profile: &ResourceId) -> String {
    format!(
        "az network traffic-manager endpoint list -g {} --profile-name {} {} -o table",
        profile.resource_group(),
        profile.name(),
        sub(profile)
    )
}

/// Enables or disables an endpoint of type `ep_type` (`azureEndpoints`, `externalEndpoints`,
/// `nestedEndpoints`); `status` `Enabled` or `Disabled`.
pub fn tm_endpoint_status(
    profile: &ResourceId,
    endpoint: &str,
    ep_type: &str,
    status: &str,
) -> String {
    format!(
        "az network traffic-manager endpoint update -g {} --profile-name {} -n {endpoint} --type {ep_type} --endpoint-status {status} {}",
        profile.resource_group(),
        profile.name(),
        sub(profile)
    )
}

/// The origins of an origin group (`.../profiles/{p}/originGroups/{g}`).
pub fn afd_origins(group: &ResourceId) -> String {
    format!(
        "az afd origin list -g {} --profile-name {} --origin-group-name {} {} -o table",
        group.resource_group(),
        group.parent_name().unwrap_or_default(),
        group.name(),
        sub(group)
    )
}

/// Enables or disables an origin; `state` `Enabled` or `Disabled`.
pub fn afd_origin_state(group: &ResourceId, origin: &str, state: &str) -> String {
    format!(
        "az afd origin update -g {} --profile-name {} --origin-group-name {} --origin-name {origin} --enabled-state {state} {}",
        group.resource_group(),
        group.parent_name().unwrap_or_default(),
        group.name(),
        sub(group)
    )
}
