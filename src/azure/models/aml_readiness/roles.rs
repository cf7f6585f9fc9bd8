//! Role assignments (`Microsoft.Authorization/roleAssignments`), read for Azure ML readiness:
//! what the standby workspace's identity and the people who use the primary hold.

use serde::Deserialize;

use super::super::Resource;

/// A role assignment.
pub type RoleAssignment = Resource<RoleAssignmentProperties>;

/// `properties` of a role assignment.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RoleAssignmentProperties {
    /// `/subscriptions/{s}/providers/Microsoft.Authorization/roleDefinitions/{guid}`.
    #[serde(default)]
    pub role_definition_id: String,
    #[serde(default)]
    pub principal_id: String,
    /// `User`, `Group`, `ServicePrincipal`, `ForeignGroup`, `Device`.
    pub principal_type: Option<String>,
    #[serde(default)]
    pub scope: String,
}

impl RoleAssignmentProperties {
    /// The role's GUID, lower case (the last segment of its definition id).
    pub fn role(&self) -> String {
        self.role_definition_id
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    }

    /// Whether the assignment applies to `id`: its scope is `id` or one above it (the
    /// subscription, the resource group, `/` for the tenant root).
    pub fn covers(&self, id: &str) -> bool {
        let scope = self.scope.trim_end_matches('/').to_ascii_lowercase();
        let id = id.trim_end_matches('/').to_ascii_lowercase();
        scope.is_empty() || id == scope || id.starts_with(&format!("{scope}/"))
    }
}

/// Built-in roles azfailover names: (GUID, name). Microsoft's GUIDs are the same in every
/// tenant (learn.microsoft.com/azure/role-based-access-control/built-in-roles).
pub const BUILT_IN_ROLES: &[(&str, &str)] = &[
    (role::OWNER, "Owner"),
    (role::CONTRIBUTOR, "Contributor"),
    (role::READER, "Reader"),
    (role::STORAGE_BLOB_DATA_OWNER, "Storage Blob Data Owner"),
    (
        role::STORAGE_BLOB_DATA_CONTRIBUTOR,
        "Storage Blob Data Contributor",
    ),
    (role::STORAGE_BLOB_DATA_READER, "Storage Blob Data Reader"),
    (role::KEY_VAULT_ADMINISTRATOR, "Key Vault Administrator"),
    (role::KEY_VAULT_SECRETS_OFFICER, "Key Vault Secrets Officer"),
    (role::KEY_VAULT_SECRETS_USER, "Key Vault Secrets User"),
    (role::ACR_PULL, "AcrPull"),
    (role::ACR_PUSH, "AcrPush"),
    (role::AZUREML_DATA_SCIENTIST, "AzureML Data Scientist"),
];

/// The GUIDs of the built-in roles readiness looks for.
pub mod role {
    pub const OWNER: &str = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    pub const CONTRIBUTOR: &str = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    pub const READER: &str = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    pub const STORAGE_BLOB_DATA_OWNER: &str = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    pub const STORAGE_BLOB_DATA_CONTRIBUTOR: &str = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    pub const STORAGE_BLOB_DATA_READER: &str = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    pub const KEY_VAULT_ADMINISTRATOR: &str = "00482a5a-887f-4fb3-b363-3b7fe8e74483";
    pub const KEY_VAULT_SECRETS_OFFICER: &str = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
    pub const KEY_VAULT_SECRETS_USER: &str = "4633458b-17de-408a-b874-0445c86b69e6";
    pub const ACR_PULL: &str = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
    pub const ACR_PUSH: &str = "8311e382-0749-4cb8-b61a-304f252e45ec";
    pub const AZUREML_DATA_SCIENTIST: &str = "f6c7c914-8db3-469d-8ca1-694a8f32e121";
}

/// A role's name, or its GUID when it is not one azfailover names.
pub fn role_name(guid: &str) -> String {
    BUILT_IN_ROLES
        .iter()
        .find(|(g, _)| g.eq_ignore_ascii_case(guid))
        .map_or_else(|| guid.to_string(), |(_, n)| (*n).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_assignment_covers_its_scope_and_what_is_below_only() {
        let a = RoleAssignmentProperties {
            role_definition_id: format!(
                "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/{}",
                role::CONTRIBUTOR.to_uppercase()
            ),
            scope: "/subscriptions/s/resourceGroups/rg-ml".into(),
            ..Default::default()
        };
        assert_eq!(a.role(), role::CONTRIBUTOR);
        assert_eq!(role_name(&a.role()), "Contributor");
        assert!(a.covers("/subscriptions/s/resourceGroups/RG-ML/providers/X/y/z"));
        assert!(a.covers("/subscriptions/s/resourceGroups/rg-ml"));
        assert!(!a.covers("/subscriptions/s/resourceGroups/rg-ml-west/providers/X/y/z"));
        assert!(!a.covers("/subscriptions/s"));
    }
}
