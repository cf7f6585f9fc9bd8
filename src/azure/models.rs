//! Typed ARM resources: tolerant of what Azure adds over time. An enum value azfailover does not
//! know is kept as `Unknown("...")` and shown as such; missing optional fields are None; region
//! names are normalised ("West US" = "westus").
//!
//! One file per provider, named as in the other layers (health/derive, runbook/plan, sim): each
//! resource is the one ARM envelope, [`Resource`], around its provider's `properties`.

use std::collections::BTreeMap;

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;

use crate::region::Region;

macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)*
            /// A value this version of azfailover does not know.
            Unknown(String),
        }

        impl $name {
            /// The value as ARM writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Unknown(s) => s,
                }
            }

            /// Parses case-insensitively; anything else is kept as Unknown.
            pub fn parse(s: &str) -> Self {
                $(if s.eq_ignore_ascii_case($text) { return $name::$variant; })*
                $name::Unknown(s.to_string())
            }

            /// Whether the value is one azfailover knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl ::std::fmt::Display for $name {
            /// Writes the ARM value; one azfailover does not know says so.
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    $name::Unknown(s) => write!(f, "{s} (unknown value)"),
                    known => f.write_str(known.as_str()),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            /// Reads any string: a value not known is kept as Unknown.
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok($name::parse(&<String as ::serde::Deserialize>::deserialize(d)?))
            }
        }

        impl ::serde::Serialize for $name {
            /// Writes the value as ARM writes it.
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

mod aks;
mod aml;
mod aml_readiness;
mod cosmos;
mod flex;
mod health;
mod observe;
mod resource_graph;
mod routing;
mod sql;
mod storage;

pub use aks::*;
pub use aml::*;
pub use aml_readiness::*;
pub use cosmos::*;
pub use flex::*;
pub use health::*;
pub use observe::*;
pub use resource_graph::*;
pub use routing::*;
pub use sql::*;
pub use storage::*;

open_enum!(
    /// ARM provisioning state.
    ProvisioningState { Succeeded => "Succeeded", Failed => "Failed", Canceled => "Canceled", Creating => "Creating",
        Updating => "Updating", Deleting => "Deleting", Accepted => "Accepted", Starting => "Starting", Stopping => "Stopping",
        Scaling => "Scaling", Upgrading => "Upgrading", Migrating => "Migrating" }
);

impl ProvisioningState {
    /// Whether the state is terminal (Succeeded, Failed, Canceled).
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            ProvisioningState::Succeeded | ProvisioningState::Failed | ProvisioningState::Canceled
        )
    }
}

/// The envelope every ARM resource shares: `id`, `name`, `type`, `location`, `tags`, its kind's
/// `properties` and, for the kinds that read it, its `sku` (`S`; ignored otherwise, so an odd
/// sku never fails the read of a resource that does not need it).
#[derive(Debug, Clone, Deserialize)]
pub struct Resource<P, S = IgnoredAny> {
    /// Empty when a body leaves it out (ARM's own always carry it).
    #[serde(default)]
    pub id: String,
    pub name: String,
    /// `Microsoft.Network/trafficManagerProfiles/externalEndpoints`, ...
    #[serde(rename = "type")]
    pub resource_type: Option<String>,
    pub location: Option<Region>,
    #[serde(default, deserialize_with = "lenient_tags")]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub sku: S,
    /// The managed identity, for the kinds that have one (a workspace's: its roles are checked).
    #[serde(default)]
    pub identity: Option<ManagedIdentity>,
    #[serde(default)]
    pub properties: P,
}

/// `identity` of a resource: a system-assigned identity's principal (user-assigned ones are
/// kept by id).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ManagedIdentity {
    /// `SystemAssigned`, `UserAssigned`, `SystemAssigned,UserAssigned`, `None`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub principal_id: Option<String>,
    pub tenant_id: Option<String>,
    #[serde(default)]
    pub user_assigned_identities: BTreeMap<String, UserAssignedIdentity>,
}

/// One of `userAssignedIdentities`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct UserAssignedIdentity {
    pub principal_id: Option<String>,
}

impl ManagedIdentity {
    /// The principal the resource acts as: the system-assigned one, else the only
    /// user-assigned one.
    pub fn principal(&self) -> Option<&str> {
        self.principal_id
            .as_deref()
            .filter(|p| !p.is_empty())
            .or_else(|| {
                let mut ua = self.user_assigned_identities.values();
                match (ua.next(), ua.next()) {
                    (Some(one), None) => one.principal_id.as_deref(),
                    _ => None,
                }
            })
    }
}

/// Deserializes an RFC 3339 timestamp, tolerating absence, null and junk (kept as None).
fn lenient_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<OffsetDateTime>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(v.and_then(|v| v.as_str().and_then(crate::timefmt::parse_rfc3339)))
}

/// Deserializes `tags`, keeping only string values; anything but an object (null, the `""` of
/// Microsoft's Application Insights example) reads as no tags.
fn lenient_tags<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(v.as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect())
}

/// `{"code","message"}` of an error.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Default)]
pub struct ErrorDetail {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
}

/// The body of an Azure-AsyncOperation monitor.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationStatus {
    pub id: Option<String>,
    pub name: Option<String>,
    pub status: String,
    #[serde(default, deserialize_with = "lenient_time")]
    pub start_time: Option<OffsetDateTime>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub end_time: Option<OffsetDateTime>,
    pub percent_complete: Option<f64>,
    pub error: Option<ErrorDetail>,
}

/// `sku`.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct Sku {
    #[serde(default)]
    pub name: String,
    pub tier: Option<String>,
    pub capacity: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_enum_values_are_kept() {
        let s: PowerState = serde_json::from_str("\"Hibernating\"").unwrap();
        assert_eq!(s, PowerState::Unknown("Hibernating".into()));
        assert_eq!(s.to_string(), "Hibernating (unknown value)");
        let s: AccountStatus = serde_json::from_str("\"Available\"").unwrap();
        assert_eq!(s, AccountStatus::Available);
        let a: AvailabilityState = serde_json::from_str("\"Unknown\"").unwrap();
        assert!(a.is_unknown_state() && a.is_known());
    }

    #[test]
    fn missing_fields_and_bad_times_are_none() {
        let a: StorageAccount = serde_json::from_str(
            r#"{"id":"x","name":"n","properties":{"lastGeoFailoverTime":"yesterday","extra":1}}"#,
        )
        .unwrap();
        assert!(a.properties.last_geo_failover_time.is_none());
        assert!(a.properties.geo_replication_stats.is_none());
    }

    #[test]
    fn the_envelope_keeps_string_tags_and_ignores_a_sku_it_does_not_read() {
        let w: Workspace = serde_json::from_value(serde_json::json!({
            "id": "/x/w", "name": "w", "type": "Microsoft.MachineLearningServices/workspaces",
            "location": "West US", "tags": {"team": "ml", "n": 1}, "sku": {"capacity": "odd"},
            "properties": {}
        }))
        .unwrap();
        assert_eq!(w.location.unwrap().as_str(), "westus");
        assert_eq!(w.tags.len(), 1);
        assert_eq!(w.tags["team"], "ml");
        for tags in [serde_json::Value::Null, serde_json::json!("")] {
            let k: KeyVault =
                serde_json::from_value(serde_json::json!({"name": "kv", "tags": tags})).unwrap();
            assert!(k.id.is_empty() && k.tags.is_empty() && k.properties.vault_uri.is_none());
        }
    }

    #[test]
    fn active_issue_rule() {
        let e: ServiceHealthEvent = serde_json::from_value(serde_json::json!({
            "name": "T1", "properties": {"eventType": "ServiceIssue", "status": "Active",
            "impact": [{"impactedService": "VMs", "impactedRegions": [{"impactedRegion": "East US", "status": "Active"}]}]}
        }))
        .unwrap();
        assert!(e.is_active_issue_in(&Region::new("eastus")));
        assert!(!e.is_active_issue_in(&Region::new("westus")));
    }
}
