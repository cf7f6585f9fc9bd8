//! AKS clusters (`az aks`).

use super::{named, sub};
use crate::config::ResourceId;

/// The cluster's power state and node pools.
pub fn show(id: &ResourceId) -> String {
    format!(
        "az aks show {} --query \"{{power:powerState.code, pools:agentPoolProfiles[].{{name:name,count:count}}}}\"",
        named(id)
    )
}

/// Starts the cluster.
pub fn start(id: &ResourceId) -> String {
    format!("az aks start {}", named(id))
}

/// Stops the cluster.
pub fn stop(id: &ResourceId) -> String {
    format!("az aks stop {}", named(id))
}

/// Scales a node pool of the cluster.
pub fn nodepool_scale(cluster: &ResourceId, pool: &str, count: u32) -> String {
    format!(
        "az aks nodepool scale -g {} --cluster-name {} -n {pool} --node-count {count} {}",
        cluster.resource_group(),
        cluster.name(),
        sub(cluster)
    )
}
