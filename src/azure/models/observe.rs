//! The kinds azfailover only observes: container registries and their replications, Key
//! Vaults, Application Insights components.

use serde::Deserialize;

use super::{ProvisioningState, Resource, Sku};

/// A container registry.
pub type Registry = Resource<RegistryProperties, Sku>;

/// `properties` of a registry.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RegistryProperties {
    pub login_server: Option<String>,
    pub provisioning_state: Option<ProvisioningState>,
}

/// A geo-replication of a registry.
pub type RegistryReplication = Resource<ReplicationProperties>;

/// `properties` of a registry replication.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ReplicationProperties {
    pub provisioning_state: Option<ProvisioningState>,
    pub status: Option<ReplicationStatus>,
    pub region_endpoint_enabled: Option<bool>,
}

/// `status` of a registry replication (`displayStatus` is free text, e.g. "Ready").
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicationStatus {
    pub display_status: Option<String>,
    pub message: Option<String>,
}

/// A Key Vault.
pub type KeyVault = Resource<KeyVaultProperties>;

/// `properties` of a Key Vault.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct KeyVaultProperties {
    pub vault_uri: Option<String>,
    pub provisioning_state: Option<ProvisioningState>,
    /// Data-plane access by Azure RBAC (true) or by access policies.
    pub enable_rbac_authorization: Option<bool>,
    #[serde(default)]
    pub access_policies: Vec<AccessPolicy>,
}

/// One of a vault's `accessPolicies`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AccessPolicy {
    #[serde(default)]
    pub object_id: String,
    #[serde(default)]
    pub permissions: AccessPolicyPermissions,
}

/// What an access policy allows, per kind of object.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct AccessPolicyPermissions {
    #[serde(default)]
    pub secrets: Vec<String>,
    #[serde(default)]
    pub keys: Vec<String>,
}

/// An Application Insights component (its property names are PascalCase).
pub type AppInsights = Resource<AppInsightsProperties>;

/// `properties` of an Application Insights component.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct AppInsightsProperties {
    #[serde(rename = "provisioningState")]
    pub provisioning_state: Option<ProvisioningState>,
    #[serde(rename = "AppId")]
    pub app_id: Option<String>,
    #[serde(rename = "IngestionMode")]
    pub ingestion_mode: Option<String>,
}
