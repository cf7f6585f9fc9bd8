//! Azure ML readiness reads: what a standby workspace holds beyond its own resource — datastores
//! and the regional Azure ML quota (usages and VM sizes).

use serde::Deserialize;

use super::Resource;

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
}

impl DatastoreProperties {
    /// The container, filesystem or file share it points at, whichever its kind has.
    pub fn target(&self) -> Option<&str> {
        self.container_name
            .as_deref()
            .or(self.filesystem.as_deref())
            .or(self.file_share_name.as_deref())
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
