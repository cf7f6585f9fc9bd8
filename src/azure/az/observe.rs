//! What Microsoft fails over, and what does not replicate: container registries, key vaults,
//! Application Insights components.

use super::{named, sub};
use crate::config::ResourceId;

/// The geo-replications of a registry.
pub fn acr_replications(registry: &ResourceId) -> String {
    format!(
        "az acr replication list -r {} -g {} {} -o table",
        registry.name(),
        registry.resource_group(),
        sub(registry)
    )
}

/// A key vault.
pub fn keyvault_show(vault: &ResourceId) -> String {
    format!("az keyvault show {}", named(vault))
}

/// An Application Insights component.
pub fn app_insights_show(component: &ResourceId) -> String {
    format!(
        "az monitor app-insights component show -g {} --app {} {}",
        component.resource_group(),
        component.name(),
        sub(component)
    )
}
