//! The private network of a workspace, read for Azure ML readiness: private endpoint
//! connections (of the workspace and of storage accounts: one shape), private endpoints,
//! private DNS zones and their virtual network links, and the managed network's outbound rules.

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::super::Resource;

/// A private endpoint connection (`{resource}/privateEndpointConnections/{name}`).
pub type PrivateEndpointConnection = Resource<PrivateEndpointConnectionProperties>;

/// `properties` of a private endpoint connection.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PrivateEndpointConnectionProperties {
    pub private_endpoint: Option<IdRef>,
    pub private_link_service_connection_state: Option<ConnectionState>,
    pub provisioning_state: Option<String>,
}

/// `{"id": ...}`.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct IdRef {
    #[serde(default)]
    pub id: String,
}

/// `privateLinkServiceConnectionState`: `Approved`, `Pending`, `Rejected`, `Disconnected`.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct ConnectionState {
    pub status: Option<String>,
    pub description: Option<String>,
}

impl PrivateEndpointConnection {
    /// Approved and provisioned.
    pub fn is_approved(&self) -> bool {
        let p = &self.properties;
        p.private_link_service_connection_state
            .as_ref()
            .and_then(|s| s.status.as_deref())
            .is_some_and(|s| s.eq_ignore_ascii_case("Approved"))
            && p.provisioning_state
                .as_deref()
                .is_none_or(|s| s.eq_ignore_ascii_case("Succeeded"))
    }

    /// The connection state as Azure writes it ("Pending", ...), "unknown" when absent.
    pub fn state(&self) -> &str {
        self.properties
            .private_link_service_connection_state
            .as_ref()
            .and_then(|s| s.status.as_deref())
            .unwrap_or("unknown")
    }

    /// The private endpoint's id, when the connection names one.
    pub fn endpoint_id(&self) -> Option<&str> {
        self.properties
            .private_endpoint
            .as_ref()
            .map(|e| e.id.as_str())
            .filter(|id| !id.is_empty())
    }
}

/// A private endpoint (`Microsoft.Network/privateEndpoints`).
pub type PrivateEndpoint = Resource<PrivateEndpointProperties>;

/// `properties` of a private endpoint: the subnet it sits in.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PrivateEndpointProperties {
    pub subnet: Option<IdRef>,
    pub provisioning_state: Option<String>,
}

impl PrivateEndpoint {
    /// The virtual network of its subnet (`.../virtualNetworks/{vnet}`).
    pub fn vnet(&self) -> Option<String> {
        let subnet = &self.properties.subnet.as_ref()?.id;
        let i = subnet.to_ascii_lowercase().find("/subnets/")?;
        Some(subnet[..i].to_string())
    }
}

/// A private DNS zone (only its id and name are used).
pub type PrivateDnsZone = Resource<IgnoredAny>;

/// A virtual network link of a private DNS zone.
pub type VirtualNetworkLink = Resource<VirtualNetworkLinkProperties>;

/// `properties` of a virtual network link.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct VirtualNetworkLinkProperties {
    pub virtual_network: Option<IdRef>,
    /// `Completed`, `InProgress`.
    pub virtual_network_link_state: Option<String>,
    pub provisioning_state: Option<String>,
}

impl VirtualNetworkLink {
    /// Whether it links `vnet` and the link is in place.
    pub fn links(&self, vnet: &str) -> bool {
        let p = &self.properties;
        p.virtual_network
            .as_ref()
            .is_some_and(|v| v.id.eq_ignore_ascii_case(vnet))
            && p.provisioning_state
                .as_deref()
                .is_none_or(|s| s.eq_ignore_ascii_case("Succeeded"))
            && p.virtual_network_link_state
                .as_deref()
                .is_none_or(|s| s.eq_ignore_ascii_case("Completed"))
    }
}

/// The private DNS zones an Azure ML workspace's private endpoint needs (Microsoft:
/// "Configure a private endpoint for an Azure Machine Learning workspace").
pub const AML_DNS_ZONES: &[&str] = &[
    "privatelink.api.azureml.ms",
    "privatelink.notebooks.azure.net",
];

/// An outbound rule of a workspace's managed network.
pub type OutboundRule = Resource<OutboundRuleProperties>;

/// `properties` of an outbound rule.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct OutboundRuleProperties {
    /// `FQDN`, `PrivateEndpoint`, `ServiceTag`.
    #[serde(rename = "type")]
    pub rule_type: Option<String>,
    /// A string (FQDN) or an object (private endpoint, service tag).
    pub destination: Option<serde_json::Value>,
    /// `Active`, `Inactive`, `Failed`.
    pub status: Option<String>,
    /// `Required`, `Recommended`, `UserDefined`, `Dependency`.
    pub category: Option<String>,
    pub error_information: Option<String>,
}

impl OutboundRule {
    /// A rule the workspace's owners added (the others Azure makes for every workspace).
    pub fn user_defined(&self) -> bool {
        self.properties
            .category
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case("UserDefined"))
    }

    /// Where it goes, comparable across workspaces: the FQDN, the service tag, or the private
    /// endpoint's sub-resource and target ("blob of /subscriptions/...").
    pub fn target(&self) -> String {
        match &self.properties.destination {
            Some(serde_json::Value::String(s)) => s.to_ascii_lowercase(),
            Some(v) => {
                let f = |k: &str| v[k].as_str().unwrap_or_default().to_ascii_lowercase();
                let tag = f("serviceTag");
                if tag.is_empty() {
                    format!("{} of {}", f("subresourceTarget"), f("serviceResourceId"))
                } else {
                    tag
                }
            }
            None => String::new(),
        }
    }

    /// Whether Azure failed to create it.
    pub fn failed(&self) -> bool {
        self.properties
            .status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("Failed"))
    }
}
