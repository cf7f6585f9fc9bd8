//! Global routing: Traffic Manager profiles and endpoints, Front Door origin groups and origins.

use serde::Deserialize;

use super::{ProvisioningState, Resource};
use crate::region::Region;

open_enum!(
    /// Traffic Manager endpoint or Front Door origin status.
    EnabledState { Enabled => "Enabled", Disabled => "Disabled" }
);
open_enum!(
    /// Traffic Manager's health view of an endpoint.
    EndpointMonitorStatus { CheckingEndpoint => "CheckingEndpoint", Online => "Online", Degraded => "Degraded",
        Disabled => "Disabled", Inactive => "Inactive", Stopped => "Stopped", Unmonitored => "Unmonitored" }
);

/// A Traffic Manager profile with its endpoints.
pub type TrafficManagerProfile = Resource<TrafficManagerProperties>;

/// `properties` of a Traffic Manager profile.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct TrafficManagerProperties {
    pub profile_status: Option<EnabledState>,
    pub traffic_routing_method: Option<String>,
    pub dns_config: Option<DnsConfig>,
    #[serde(default)]
    pub endpoints: Vec<TrafficManagerEndpoint>,
}

/// `dnsConfig`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsConfig {
    pub fqdn: Option<String>,
    pub ttl: Option<u32>,
}

/// A Traffic Manager endpoint.
pub type TrafficManagerEndpoint = Resource<TrafficManagerEndpointProperties>;

/// `properties` of a Traffic Manager endpoint.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct TrafficManagerEndpointProperties {
    pub endpoint_status: Option<EnabledState>,
    pub endpoint_monitor_status: Option<EndpointMonitorStatus>,
    pub target: Option<String>,
    pub weight: Option<u32>,
    pub priority: Option<u32>,
    pub endpoint_location: Option<Region>,
}

impl TrafficManagerEndpoint {
    /// The PascalCase endpoint type used in the PATCH path (`ExternalEndpoints`, ...).
    pub fn path_type(&self) -> &'static str {
        let t = self
            .resource_type
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if t.ends_with("azureendpoints") {
            "AzureEndpoints"
        } else if t.ends_with("nestedendpoints") {
            "NestedEndpoints"
        } else {
            "ExternalEndpoints"
        }
    }
}

/// A Front Door origin group.
pub type OriginGroup = Resource<OriginGroupProperties>;

/// `properties` of an origin group.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct OriginGroupProperties {
    pub provisioning_state: Option<ProvisioningState>,
    pub deployment_status: Option<String>,
}

/// A Front Door origin.
pub type Origin = Resource<OriginProperties>;

/// `properties` of an origin.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct OriginProperties {
    pub host_name: Option<String>,
    pub priority: Option<u32>,
    pub weight: Option<u32>,
    pub enabled_state: Option<EnabledState>,
    pub provisioning_state: Option<ProvisioningState>,
    pub deployment_status: Option<String>,
}
