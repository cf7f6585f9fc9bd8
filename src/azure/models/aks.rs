//! AKS managed clusters and their node pools.

use serde::Deserialize;

use super::{ProvisioningState, Resource};

open_enum!(
    /// AKS power state.
    PowerState { Running => "Running", Stopped => "Stopped" }
);

/// An AKS managed cluster.
pub type ManagedCluster = Resource<ClusterProperties>;

/// `properties` of a managed cluster.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ClusterProperties {
    pub provisioning_state: Option<ProvisioningState>,
    pub power_state: Option<PowerStateBox>,
    pub kubernetes_version: Option<String>,
    pub fqdn: Option<String>,
    #[serde(default)]
    pub agent_pool_profiles: Vec<AgentPool>,
}

/// `powerState`.
#[derive(Debug, Clone, Deserialize)]
pub struct PowerStateBox {
    pub code: PowerState,
}

/// A node pool of a cluster.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentPool {
    pub name: String,
    pub count: Option<u32>,
    pub vm_size: Option<String>,
    pub mode: Option<String>,
    pub power_state: Option<PowerStateBox>,
    pub provisioning_state: Option<ProvisioningState>,
}

impl ManagedCluster {
    /// The power state (Running when absent: the upstream examples omit it for running clusters).
    pub fn power(&self) -> PowerState {
        self.properties
            .power_state
            .as_ref()
            .map_or(PowerState::Running, |p| p.code.clone())
    }

    /// Nodes across all pools.
    pub fn node_count(&self) -> u32 {
        self.properties
            .agent_pool_profiles
            .iter()
            .filter_map(|p| p.count)
            .sum()
    }
}
