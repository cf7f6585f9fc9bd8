//! Azure Machine Learning: workspaces, compute clusters, online endpoints and deployments.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use super::{ProvisioningState, Resource, Sku};
use crate::region::Region;

open_enum!(
    /// AmlCompute allocation state.
    AllocationState { Steady => "Steady", Resizing => "Resizing" }
);

/// An Azure ML workspace.
pub type Workspace = Resource<WorkspaceProperties>;

/// `properties` of a workspace.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceProperties {
    pub provisioning_state: Option<ProvisioningState>,
    pub storage_account: Option<String>,
    pub key_vault: Option<String>,
    pub container_registry: Option<String>,
    pub application_insights: Option<String>,
    pub discovery_url: Option<String>,
    pub public_network_access: Option<String>,
    pub managed_network: Option<ManagedNetwork>,
    /// The workspace's private endpoint connections as its GET carries them (None: absent
    /// from the answer, so read `{workspace}/privateEndpointConnections`).
    pub private_endpoint_connections: Option<Vec<super::PrivateEndpointConnection>>,
}

impl WorkspaceProperties {
    /// Whether the workspace turned public network access off (private link only).
    pub fn is_private(&self) -> bool {
        self.public_network_access
            .as_deref()
            .is_some_and(|x| x.eq_ignore_ascii_case("Disabled"))
    }

    /// The managed network's isolation mode when it uses one (not `Disabled`).
    pub fn managed_isolation(&self) -> Option<&str> {
        self.managed_network
            .as_ref()
            .and_then(|m| m.isolation_mode.as_deref())
            .filter(|m| !m.eq_ignore_ascii_case("Disabled"))
    }
}

/// `managedNetwork` of a workspace.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ManagedNetwork {
    /// `Disabled`, `AllowInternetOutbound`, `AllowOnlyApprovedOutbound`.
    pub isolation_mode: Option<String>,
    pub status: Option<ManagedNetworkStatus>,
}

/// `managedNetwork.status`: `Active` once provisioned, `Inactive` before.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ManagedNetworkStatus {
    pub status: Option<String>,
    pub spark_ready: Option<bool>,
}

/// An Azure ML compute.
pub type Compute = Resource<ComputeProperties>;

/// `properties` of a compute.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ComputeProperties {
    pub compute_type: Option<String>,
    pub provisioning_state: Option<ProvisioningState>,
    pub properties: Option<AmlComputeProperties>,
}

/// The inner `properties` of an AmlCompute cluster.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AmlComputeProperties {
    pub vm_size: Option<String>,
    pub scale_settings: Option<ScaleSettings>,
    pub allocation_state: Option<AllocationState>,
    pub current_node_count: Option<u32>,
    pub target_node_count: Option<u32>,
}

/// `scaleSettings` of an AmlCompute cluster.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ScaleSettings {
    pub max_node_count: u32,
    #[serde(default)]
    pub min_node_count: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_idle_time_before_scale_down: Option<String>,
}

/// A managed online endpoint. `raw` keeps the whole resource: changing traffic is a PUT of it.
#[derive(Debug, Clone)]
pub struct OnlineEndpoint {
    pub id: String,
    pub name: String,
    pub location: Option<Region>,
    pub provisioning_state: Option<ProvisioningState>,
    pub traffic: BTreeMap<String, u32>,
    pub scoring_uri: Option<String>,
    pub raw: serde_json::Value,
}

/// `properties` of an online endpoint, as read (traffic values that are no number are dropped).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EndpointProperties {
    provisioning_state: Option<ProvisioningState>,
    #[serde(default)]
    traffic: BTreeMap<String, serde_json::Value>,
    scoring_uri: Option<String>,
}

impl<'de> Deserialize<'de> for OnlineEndpoint {
    /// Parses the envelope and keeps the raw body beside it.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = serde_json::Value::deserialize(d)?;
        let r: Resource<Option<EndpointProperties>> =
            serde_json::from_value(raw.clone()).map_err(serde::de::Error::custom)?;
        let props = r.properties;
        Ok(OnlineEndpoint {
            id: r.id,
            name: r.name,
            location: r.location,
            provisioning_state: props.as_ref().and_then(|p| p.provisioning_state.clone()),
            traffic: props
                .as_ref()
                .map(|p| {
                    p.traffic
                        .iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_u64()? as u32)))
                        .collect()
                })
                .unwrap_or_default(),
            scoring_uri: props.and_then(|p| p.scoring_uri),
            raw,
        })
    }
}

/// A managed online deployment.
pub type OnlineDeployment = Resource<DeploymentProperties, Option<Sku>>;

/// `properties` of an online deployment.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentProperties {
    pub provisioning_state: Option<ProvisioningState>,
    pub instance_type: Option<String>,
    pub endpoint_compute_type: Option<String>,
}
