//! Azure Resource Manager resource ids, parsed and compared case-insensitively as ARM does.

use std::fmt;

use serde::{Serialize, Serializer};

/// A parsed ARM resource id:
/// `/subscriptions/{sub}/resourceGroups/{rg}/providers/{Namespace}/{type}/{name}[/{type}/{name}...]`.
#[derive(Debug, Clone)]
pub struct ResourceId {
    raw: String,
    subscription: String,
    resource_group: String,
    namespace: String,
    /// Type segments, e.g. `["workspaces", "computes"]`.
    types: Vec<String>,
    /// Name segments, one per type segment.
    names: Vec<String>,
}

/// Why a string is not an ARM resource id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResourceIdError {
    #[error("a resource id starts with '/subscriptions/'")]
    NoSubscription,
    #[error("the subscription id is empty")]
    EmptySubscription,
    #[error("expected '/resourceGroups/{{name}}' after the subscription")]
    NoResourceGroup,
    #[error("expected '/providers/{{Namespace}}' after the resource group")]
    NoProvider,
    #[error("expected '{{type}}/{{name}}' pairs after the provider namespace")]
    UnpairedType,
    #[error("the id has an empty segment ('//')")]
    EmptySegment,
}

impl ResourceId {
    /// Parses an id; segment keywords (`subscriptions`, `resourceGroups`, `providers`) match
    /// case-insensitively, names keep their case for display.
    pub fn parse(raw: &str) -> Result<Self, ResourceIdError> {
        let trimmed = raw.trim().trim_end_matches('/');
        let rest = trimmed
            .strip_prefix('/')
            .ok_or(ResourceIdError::NoSubscription)?;
        let segs: Vec<&str> = rest.split('/').collect();
        if segs.iter().any(|s| s.is_empty()) {
            return Err(if segs.len() >= 2 && segs[1].is_empty() {
                ResourceIdError::EmptySubscription
            } else {
                ResourceIdError::EmptySegment
            });
        }
        if segs.len() < 2 || !segs[0].eq_ignore_ascii_case("subscriptions") {
            return Err(ResourceIdError::NoSubscription);
        }
        if segs.len() < 4 || !segs[2].eq_ignore_ascii_case("resourcegroups") {
            return Err(ResourceIdError::NoResourceGroup);
        }
        if segs.len() < 6 || !segs[4].eq_ignore_ascii_case("providers") {
            return Err(ResourceIdError::NoProvider);
        }
        let pairs = &segs[6..];
        if pairs.is_empty() || !pairs.len().is_multiple_of(2) {
            return Err(ResourceIdError::UnpairedType);
        }
        Ok(ResourceId {
            raw: trimmed.to_string(),
            subscription: segs[1].to_string(),
            resource_group: segs[3].to_string(),
            namespace: segs[5].to_string(),
            types: pairs.iter().step_by(2).map(|s| s.to_string()).collect(),
            names: pairs
                .iter()
                .skip(1)
                .step_by(2)
                .map(|s| s.to_string())
                .collect(),
        })
    }

    /// The id as written (without a trailing slash).
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The lowercase form used as a map key: ARM ids are case-insensitive.
    pub fn key(&self) -> String {
        self.raw.to_ascii_lowercase()
    }

    /// The subscription id.
    pub fn subscription(&self) -> &str {
        &self.subscription
    }

    /// The resource group name.
    pub fn resource_group(&self) -> &str {
        &self.resource_group
    }

    /// The provider namespace, e.g. `Microsoft.Storage`.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The full type, e.g. `Microsoft.MachineLearningServices/workspaces/computes`.
    pub fn full_type(&self) -> String {
        format!("{}/{}", self.namespace, self.types.join("/"))
    }

    /// The leaf resource's name.
    pub fn name(&self) -> &str {
        self.names.last().map(String::as_str).unwrap_or_default()
    }

    /// The `az` arguments naming it: `-g {resource group} -n {name}`.
    pub fn az_args(&self) -> String {
        format!("-g {} -n {}", self.resource_group, self.name())
    }

    /// The parent resource's name (e.g. the workspace of a compute), if nested.
    pub fn parent_name(&self) -> Option<&str> {
        (self.names.len() >= 2).then(|| self.names[self.names.len() - 2].as_str())
    }

    /// The id of the parent resource, if nested (`.../servers/a/failoverGroups/b` → `.../servers/a`).
    pub fn parent(&self) -> Option<ResourceId> {
        if self.names.len() < 2 {
            return None;
        }
        let cut = self.raw.len() - self.types.last()?.len() - self.name().len() - 2;
        ResourceId::parse(&self.raw[..cut]).ok()
    }

    /// Whether this id's type is `namespace/types` (case-insensitive), e.g. `Microsoft.Storage/storageAccounts`.
    pub fn is_type(&self, full_type: &str) -> bool {
        self.full_type().eq_ignore_ascii_case(full_type)
    }
}

impl PartialEq for ResourceId {
    fn eq(&self, other: &Self) -> bool {
        self.raw.eq_ignore_ascii_case(&other.raw)
    }
}

impl Eq for ResourceId {}

impl std::hash::Hash for ResourceId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for ResourceId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

impl<'de> serde::Deserialize<'de> for ResourceId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        ResourceId::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WS: &str = "/subscriptions/0000/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/mlw-eastus";

    #[test]
    fn parses_the_parts() {
        let id = ResourceId::parse(&format!("{WS}/computes/gpu")).unwrap();
        assert_eq!(id.subscription(), "0000");
        assert_eq!(id.resource_group(), "rg-ml");
        assert_eq!(id.namespace(), "Microsoft.MachineLearningServices");
        assert_eq!(
            id.full_type(),
            "Microsoft.MachineLearningServices/workspaces/computes"
        );
        assert_eq!(id.name(), "gpu");
        assert_eq!(id.parent_name(), Some("mlw-eastus"));
        assert_eq!(id.parent().unwrap().as_str(), WS);
    }

    #[test]
    fn compares_case_insensitively() {
        let a = ResourceId::parse(WS).unwrap();
        let b = ResourceId::parse(&WS.to_uppercase().replace("SUBSCRIPTIONS", "subscriptions"))
            .unwrap();
        assert_eq!(a, b);
        assert!(a.is_type("microsoft.machinelearningservices/WORKSPACES"));
        let lower = ResourceId::parse(&WS.replace("resourceGroups", "resourcegroups")).unwrap();
        assert_eq!(lower.resource_group(), "rg-ml");
    }

    #[test]
    fn rejects_malformed_ids() {
        use ResourceIdError::*;
        assert_eq!(ResourceId::parse("mlw-eastus").unwrap_err(), NoSubscription);
        assert_eq!(
            ResourceId::parse("/subscriptions/0000/providers/x").unwrap_err(),
            NoResourceGroup
        );
        assert_eq!(
            ResourceId::parse("/subscriptions/0000/resourceGroups/rg").unwrap_err(),
            NoProvider
        );
        assert_eq!(
            ResourceId::parse(
                "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts"
            )
            .unwrap_err(),
            UnpairedType
        );
        assert_eq!(
            ResourceId::parse("/subscriptions//resourceGroups/rg").unwrap_err(),
            EmptySubscription
        );
    }
}
