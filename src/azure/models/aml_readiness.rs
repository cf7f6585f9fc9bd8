//! Azure ML readiness reads: what a standby workspace holds beyond its own resource — datastores
//! and the regional Azure ML quota (usages and VM sizes).

use serde::Deserialize;

use super::Resource;

mod network;
mod roles;

pub use network::*;
pub use roles::*;

/// A datastore of a workspace (`{ws}/datastores`).
pub type Datastore = Resource<DatastoreProperties>;

/// `properties` of a datastore (AzureBlob, AzureDataLakeGen2, AzureFile, ...: the fields of
/// the kinds azfailover compares; the rest is ignored).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DatastoreProperties {
    pub datastore_type: Option<String>,
    #[serde(default)]
    pub is_default: bool,
    pub account_name: Option<String>,
    /// AzureBlob.
    pub container_name: Option<String>,
    /// AzureDataLakeGen2.
    pub filesystem: Option<String>,
    /// AzureFile.
    pub file_share_name: Option<String>,
    /// AzureDataLakeGen1.
    pub store_name: Option<String>,
    /// Where the account lives, when the datastore says (recent api-versions do).
    pub resource_group: Option<String>,
    pub subscription_id: Option<String>,
    /// How the datastore reaches its data; `credentialsType` `None` is identity-based access.
    pub credentials: Option<DatastoreCredentials>,
}

/// `credentials` of a datastore (its secrets are never returned by ARM nor read here).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DatastoreCredentials {
    /// `AccountKey`, `Sas`, `ServicePrincipal`, `Certificate`, `None` (identity-based).
    pub credentials_type: Option<String>,
}

impl DatastoreProperties {
    /// The container, filesystem or file share it points at, whichever its kind has.
    pub fn target(&self) -> Option<&str> {
        self.container_name
            .as_deref()
            .or(self.filesystem.as_deref())
            .or(self.file_share_name.as_deref())
    }

    /// Whether it reads its data as the caller's or the workspace's identity (no stored
    /// credential): then that identity needs a data role on the account.
    pub fn identity_based(&self) -> bool {
        self.credentials
            .as_ref()
            .and_then(|c| c.credentials_type.as_deref())
            .is_some_and(|t| t.eq_ignore_ascii_case("None"))
    }

    /// The storage account's ARM id, when the datastore says where it lives.
    pub fn account_id(&self) -> Option<String> {
        Some(format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Storage/storageAccounts/{}",
            self.subscription_id.as_deref()?,
            self.resource_group.as_deref()?,
            self.account_name.as_deref()?
        ))
    }

    /// The account (or Data Lake Gen1 store) it points at.
    pub fn account(&self) -> Option<&str> {
        self.account_name.as_deref().or(self.store_name.as_deref())
    }
}

/// The names the workspace makes for itself on its own default storage: every workspace has
/// them, each on its own account, so they are never compared across regions.
pub const BUILT_IN_DATASTORES: &[&str] = &[
    "workspaceblobstore",
    "workspacefilestore",
    "workspaceartifactstore",
    "workspaceworkingdirectory",
];

impl Datastore {
    /// Whether the workspace made it for itself on its own default storage (the default one,
    /// or one of [`BUILT_IN_DATASTORES`]): never compared across regions.
    pub fn is_workspace_own(&self) -> bool {
        self.properties.is_default
            || BUILT_IN_DATASTORES
                .iter()
                .any(|b| b.eq_ignore_ascii_case(&self.name))
    }
}

/// One line of `GET /subscriptions/{s}/providers/Microsoft.MachineLearningServices/locations/{r}/usages`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    #[serde(default)]
    pub id: String,
    /// `Microsoft.MachineLearningServices/vmFamily/usages`, `.../dedicatedCores/usages`,
    /// `.../workspaces/usages`, ...
    #[serde(rename = "type")]
    pub usage_type: Option<String>,
    pub current_value: Option<i64>,
    pub limit: Option<i64>,
    #[serde(default)]
    pub name: UsageName,
    pub unit: Option<String>,
}

/// `name` of a usage.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct UsageName {
    #[serde(default)]
    pub value: String,
    pub localized_value: Option<String>,
}

impl Usage {
    /// A subscription-wide usage of one VM family ("Standard DSv2 Family Cluster Dedicated vCPUs").
    pub fn is_family(&self) -> bool {
        self.usage_type.as_deref().is_some_and(|t| {
            t.eq_ignore_ascii_case("Microsoft.MachineLearningServices/vmFamily/usages")
        })
    }

    /// The subscription-wide total of dedicated vCPUs in the region.
    pub fn is_regional_total(&self) -> bool {
        self.usage_type.as_deref().is_some_and(|t| {
            t.eq_ignore_ascii_case("Microsoft.MachineLearningServices/dedicatedCores/usages")
        })
    }

    /// Dedicated (not low-priority) vCPUs.
    pub fn is_dedicated(&self) -> bool {
        self.name.value.to_ascii_lowercase().contains("dedicated")
    }

    /// The family this usage counts, as a key comparable with [`family_key`] of a VM size's
    /// `family` ("Standard DSv2 Family Cluster Dedicated vCPUs" → "standarddsv2family").
    pub fn family_key(&self) -> String {
        let v = self.name.value.as_str();
        let end = v
            .to_ascii_lowercase()
            .find(" family")
            .map_or(v.len(), |i| i + " family".len());
        family_key(&v[..end])
    }

    /// What is left: limit minus current value (never below zero).
    pub fn available(&self) -> i64 {
        (self.limit.unwrap_or(0) - self.current_value.unwrap_or(0)).max(0)
    }
}

/// A VM family name reduced to letters and digits, lower case: "standardDSv2Family" and
/// "Standard DSv2 Family" both read "standarddsv2family".
pub fn family_key(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// One line of `GET .../locations/{r}/vmSizes`.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct VmSize {
    pub name: String,
    pub family: Option<String>,
    #[serde(rename = "vCPUs")]
    pub v_cpus: Option<u32>,
    pub gpus: Option<u32>,
}

/// `GET .../vmSizes` answers `{"value": [...]}` without paging.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct VmSizeList {
    #[serde(default)]
    pub value: Vec<VmSize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_and_vm_size_families_meet_on_one_key() {
        let u: Usage = serde_json::from_value(serde_json::json!({
            "type": "Microsoft.MachineLearningServices/vmFamily/usages", "currentValue": 2, "limit": 24,
            "name": {"value": "Standard DSv2 Family Cluster Dedicated vCPUs"}
        }))
        .unwrap();
        assert!(u.is_family() && u.is_dedicated() && !u.is_regional_total());
        assert_eq!(u.family_key(), family_key("standardDSv2Family"));
        assert_eq!(u.available(), 22);
        assert_eq!(
            family_key("Standard NCADSA100v4 Family"),
            "standardncadsa100v4family"
        );
    }
}

/// An online deployment, for the assets it uses (`model`, `environmentId`, `codeConfiguration`).
pub type DeploymentAssets = Resource<DeploymentAssetProperties>;

/// The asset references of a deployment's `properties`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentAssetProperties {
    pub model: Option<String>,
    pub environment_id: Option<String>,
    pub code_configuration: Option<CodeConfiguration>,
}

/// `codeConfiguration` of a deployment.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CodeConfiguration {
    pub code_id: Option<String>,
}

impl DeploymentAssets {
    /// Every asset it uses: (kind, reference as written).
    pub fn asset_refs(&self) -> Vec<(AssetKind, String)> {
        let p = &self.properties;
        [
            (AssetKind::Model, p.model.clone()),
            (AssetKind::Environment, p.environment_id.clone()),
            (
                AssetKind::Code,
                p.code_configuration
                    .as_ref()
                    .and_then(|c| c.code_id.clone()),
            ),
        ]
        .into_iter()
        .filter_map(|(k, r)| Some((k, r.filter(|s| !s.is_empty())?)))
        .collect()
    }
}

/// The kinds of asset a deployment uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AssetKind {
    Model,
    Environment,
    Code,
}

impl AssetKind {
    /// The collection in a workspace or registry path: `models`, `environments`, `codes`.
    pub fn collection(self) -> &'static str {
        match self {
            AssetKind::Model => "models",
            AssetKind::Environment => "environments",
            AssetKind::Code => "codes",
        }
    }

    /// "model", "environment", "code".
    pub fn word(self) -> &'static str {
        match self {
            AssetKind::Model => "model",
            AssetKind::Environment => "environment",
            AssetKind::Code => "code",
        }
    }
}

/// Where a deployment's asset lives, as its reference says.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AssetRef {
    /// `azureml://registries/{registry}/{collection}/{name}/versions/{version}`.
    Registry {
        registry: String,
        name: String,
        version: String,
    },
    /// A workspace's asset: its ARM id (`.../workspaces/{ws}/{collection}/{name}/versions/{v}`)
    /// or `azureml:{name}:{version}`.
    Workspace { name: String, version: String },
    /// A reference that names no single version (`@latest`, a label, an unknown form).
    Unpinned(String),
}

impl AssetRef {
    /// Reads a reference of `kind`.
    pub fn parse(kind: AssetKind, s: &str) -> AssetRef {
        let segs: Vec<&str> = s.trim_matches('/').split('/').collect();
        let lower: Vec<String> = segs.iter().map(|x| x.to_ascii_lowercase()).collect();
        let at = |i: usize| segs.get(i).copied().unwrap_or_default().to_string();
        let tail = |from: usize| {
            (lower.get(from).map(String::as_str) == Some(kind.collection())
                && lower.get(from + 2).map(String::as_str) == Some("versions")
                && segs.len() == from + 4)
                .then(|| (at(from + 1), at(from + 3)))
        };
        if let Some(rest) = s.strip_prefix("azureml://registries/") {
            let r: Vec<&str> = rest.split('/').collect();
            if r.len() == 5
                && r[1].eq_ignore_ascii_case(kind.collection())
                && r[3].eq_ignore_ascii_case("versions")
            {
                return AssetRef::Registry {
                    registry: r[0].to_string(),
                    name: r[2].to_string(),
                    version: r[4].to_string(),
                };
            }
            return AssetRef::Unpinned(s.to_string());
        }
        if let Some(i) = lower.iter().position(|x| x == "workspaces")
            && let Some((name, version)) = tail(i + 2)
        {
            return AssetRef::Workspace { name, version };
        }
        if let Some(short) = s.strip_prefix("azureml:")
            && let Some((name, version)) = short.split_once(':')
            && !name.is_empty()
            && !version.is_empty()
            && !version.contains(':')
        {
            return AssetRef::Workspace {
                name: name.to_string(),
                version: version.to_string(),
            };
        }
        AssetRef::Unpinned(s.to_string())
    }
}

/// An Azure ML registry (`Microsoft.MachineLearningServices/registries`).
pub type MlRegistry = Resource<MlRegistryProperties>;

/// `properties` of a registry: the regions it replicates to.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct MlRegistryProperties {
    #[serde(default)]
    pub region_details: Vec<RegistryRegion>,
}

/// One of `regionDetails`.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct RegistryRegion {
    pub location: Option<crate::region::Region>,
}

impl MlRegistry {
    /// Whether the registry replicates its assets to `region`.
    pub fn replicates_to(&self, region: &crate::region::Region) -> bool {
        self.properties
            .region_details
            .iter()
            .any(|d| d.location.as_ref() == Some(region))
    }
}

#[cfg(test)]
mod asset_tests {
    use super::*;

    #[test]
    fn references_of_every_form_read() {
        assert_eq!(
            AssetRef::parse(
                AssetKind::Model,
                "azureml://registries/mlr-contoso/models/churn/versions/7"
            ),
            AssetRef::Registry {
                registry: "mlr-contoso".into(),
                name: "churn".into(),
                version: "7".into()
            }
        );
        assert_eq!(
            AssetRef::parse(
                AssetKind::Environment,
                "/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/environments/env/versions/3"
            ),
            AssetRef::Workspace {
                name: "env".into(),
                version: "3".into()
            }
        );
        assert_eq!(
            AssetRef::parse(AssetKind::Model, "azureml:churn-model:7"),
            AssetRef::Workspace {
                name: "churn-model".into(),
                version: "7".into()
            }
        );
        assert!(matches!(
            AssetRef::parse(AssetKind::Model, "azureml:churn-model@latest"),
            AssetRef::Unpinned(_)
        ));
        assert!(matches!(
            AssetRef::parse(AssetKind::Model, "string"),
            AssetRef::Unpinned(_)
        ));
    }
}
