//! Typed ARM resources: tolerant of what Azure adds over time. An enum value azfailover does not
//! know is kept as `Unknown("...")` and shown as such; missing optional fields are None; region
//! names are normalised ("West US" = "westus").

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
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

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $name::Unknown(s) => write!(f, "{s} (unknown value)"),
                    known => f.write_str(known.as_str()),
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok($name::parse(&String::deserialize(d)?))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

open_enum!(
    /// Resource Health availability.
    AvailabilityState { Available => "Available", Unavailable => "Unavailable", Degraded => "Degraded", Unknown_ => "Unknown" }
);
open_enum!(
    /// Service Health event type.
    EventType { ServiceIssue => "ServiceIssue", PlannedMaintenance => "PlannedMaintenance", HealthAdvisory => "HealthAdvisory",
        Rca => "RCA", EmergingIssues => "EmergingIssues", SecurityAdvisory => "SecurityAdvisory" }
);
open_enum!(
    /// Active or resolved (Service Health events and their impacted regions).
    EventStatus { Active => "Active", Resolved => "Resolved" }
);
open_enum!(
    /// Geo-replication status of a storage account.
    GeoReplicationStatus { Live => "Live", Bootstrap => "Bootstrap", Unavailable => "Unavailable" }
);
open_enum!(
    /// A storage endpoint's status.
    AccountStatus { Available => "available", Unavailable => "unavailable" }
);
open_enum!(
    /// A SQL failover group member's role.
    FailoverGroupRole { Primary => "Primary", Secondary => "Secondary" }
);
open_enum!(
    /// AKS power state.
    PowerState { Running => "Running", Stopped => "Stopped" }
);
open_enum!(
    /// AmlCompute allocation state.
    AllocationState { Steady => "Steady", Resizing => "Resizing" }
);
open_enum!(
    /// Traffic Manager endpoint or Front Door origin status.
    EnabledState { Enabled => "Enabled", Disabled => "Disabled" }
);
open_enum!(
    /// Traffic Manager's health view of an endpoint.
    EndpointMonitorStatus { CheckingEndpoint => "CheckingEndpoint", Online => "Online", Degraded => "Degraded",
        Disabled => "Disabled", Inactive => "Inactive", Stopped => "Stopped", Unmonitored => "Unmonitored" }
);
open_enum!(
    /// A flexible server's replication role.
    ReplicationRole { None_ => "None", Primary => "Primary", AsyncReplica => "AsyncReplica", GeoAsyncReplica => "GeoAsyncReplica", Source => "Source", Replica => "Replica" }
);
open_enum!(
    /// ARM provisioning state.
    ProvisioningState { Succeeded => "Succeeded", Failed => "Failed", Canceled => "Canceled", Creating => "Creating",
        Updating => "Updating", Deleting => "Deleting", Accepted => "Accepted", Starting => "Starting", Stopping => "Stopping",
        Scaling => "Scaling", Upgrading => "Upgrading", Migrating => "Migrating" }
);

impl AvailabilityState {
    /// Resource Health's own "Unknown" state (distinct from a value azfailover does not know).
    pub fn is_unknown_state(&self) -> bool {
        matches!(self, AvailabilityState::Unknown_)
    }
}

impl ProvisioningState {
    /// Whether the state is terminal (Succeeded, Failed, Canceled).
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            ProvisioningState::Succeeded | ProvisioningState::Failed | ProvisioningState::Canceled
        )
    }
}

/// Deserializes an RFC 3339 timestamp, tolerating absence, null and junk (kept as None).
fn lenient_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<OffsetDateTime>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(v.and_then(|v| v.as_str().and_then(crate::timefmt::parse_rfc3339)))
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
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    pub status: String,
    #[serde(default, deserialize_with = "lenient_time")]
    pub start_time: Option<OffsetDateTime>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub end_time: Option<OffsetDateTime>,
    #[serde(default)]
    pub percent_complete: Option<f64>,
    #[serde(default)]
    pub error: Option<ErrorDetail>,
}

/// `sku`.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct Sku {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub tier: Option<String>,
    #[serde(default)]
    pub capacity: Option<u32>,
}

// ---- Resource Health and Service Health ----

/// Resource Health's availability status of one resource.
#[derive(Debug, Clone, Deserialize)]
pub struct AvailabilityStatus {
    pub id: String,
    #[serde(default)]
    pub location: Option<Region>,
    #[serde(default)]
    pub properties: AvailabilityProperties,
}

/// `properties` of an availability status.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AvailabilityProperties {
    #[serde(default)]
    pub availability_state: Option<AvailabilityState>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub reason_type: Option<String>,
    /// ARM spells it `occuredTime`.
    #[serde(default, rename = "occuredTime", deserialize_with = "lenient_time")]
    pub occurred_time: Option<OffsetDateTime>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub reported_time: Option<OffsetDateTime>,
}

impl AvailabilityStatus {
    /// The id of the resource this status is about (lowercase, for matching).
    pub fn target_key(&self) -> String {
        let lower = self.id.to_ascii_lowercase();
        match lower.find("/providers/microsoft.resourcehealth/") {
            Some(i) => lower[..i].to_string(),
            None => lower,
        }
    }
}

/// A Service Health event.
#[derive(Debug, Clone, Deserialize)]
pub struct ServiceHealthEvent {
    #[serde(default)]
    pub id: Option<String>,
    /// The tracking id.
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub properties: EventProperties,
}

/// `properties` of a Service Health event.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct EventProperties {
    #[serde(default)]
    pub event_type: Option<EventType>,
    #[serde(default)]
    pub status: Option<EventStatus>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub event_level: Option<String>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub impact_start_time: Option<OffsetDateTime>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub impact_mitigation_time: Option<OffsetDateTime>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub last_update_time: Option<OffsetDateTime>,
    #[serde(default)]
    pub impact: Vec<Impact>,
}

/// One impacted service of an event.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Impact {
    #[serde(default)]
    pub impacted_service: Option<String>,
    #[serde(default)]
    pub impacted_regions: Vec<ImpactedRegion>,
}

/// One impacted region of an event (ARM writes the display name: "West US").
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImpactedRegion {
    pub impacted_region: Region,
    #[serde(default)]
    pub status: Option<EventStatus>,
}

impl ServiceHealthEvent {
    /// Whether this is an active service issue in `region` (the console's "region down" rule).
    pub fn is_active_issue_in(&self, region: &Region) -> bool {
        let p = &self.properties;
        p.event_type == Some(EventType::ServiceIssue)
            && p.status != Some(EventStatus::Resolved)
            && p.impact
                .iter()
                .flat_map(|i| &i.impacted_regions)
                .any(|r| &r.impacted_region == region && r.status != Some(EventStatus::Resolved))
    }
}

// ---- Storage ----

/// A storage account (read with `$expand=geoReplicationStats`).
#[derive(Debug, Clone, Deserialize)]
pub struct StorageAccount {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub location: Option<Region>,
    #[serde(default)]
    pub sku: Sku,
    #[serde(default)]
    pub properties: StorageProperties,
}

/// `properties` of a storage account.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct StorageProperties {
    #[serde(default)]
    pub primary_location: Option<Region>,
    #[serde(default)]
    pub secondary_location: Option<Region>,
    #[serde(default)]
    pub status_of_primary: Option<AccountStatus>,
    #[serde(default)]
    pub status_of_secondary: Option<AccountStatus>,
    #[serde(default)]
    pub provisioning_state: Option<ProvisioningState>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub last_geo_failover_time: Option<OffsetDateTime>,
    #[serde(default)]
    pub failover_in_progress: Option<bool>,
    #[serde(default)]
    pub geo_replication_stats: Option<GeoReplicationStats>,
}

/// `geoReplicationStats`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GeoReplicationStats {
    #[serde(default)]
    pub status: Option<GeoReplicationStatus>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub last_sync_time: Option<OffsetDateTime>,
    #[serde(default)]
    pub can_failover: Option<bool>,
    #[serde(default)]
    pub can_planned_failover: Option<bool>,
    #[serde(default)]
    pub post_failover_redundancy: Option<String>,
    #[serde(default)]
    pub post_planned_failover_redundancy: Option<String>,
}

impl StorageAccount {
    /// Whether the sku replicates to a second region.
    pub fn is_geo_redundant(&self) -> bool {
        self.sku.name.contains("GRS") || self.sku.name.contains("GZRS")
    }
}

// ---- SQL failover group ----

/// A SQL failover group, seen from one of its servers.
#[derive(Debug, Clone, Deserialize)]
pub struct FailoverGroup {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub location: Option<Region>,
    #[serde(default)]
    pub properties: FailoverGroupProperties,
}

/// `properties` of a failover group.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct FailoverGroupProperties {
    #[serde(default)]
    pub read_write_endpoint: Option<ReadWriteEndpoint>,
    #[serde(default)]
    pub replication_role: Option<FailoverGroupRole>,
    #[serde(default)]
    pub replication_state: Option<String>,
    #[serde(default)]
    pub partner_servers: Vec<PartnerServer>,
    #[serde(default)]
    pub databases: Vec<String>,
}

/// `readWriteEndpoint`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadWriteEndpoint {
    #[serde(default)]
    pub failover_policy: Option<String>,
    #[serde(default)]
    pub failover_with_data_loss_grace_period_minutes: Option<u32>,
}

/// A partner server of a failover group.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerServer {
    pub id: String,
    #[serde(default)]
    pub location: Option<Region>,
    #[serde(default)]
    pub replication_role: Option<FailoverGroupRole>,
}

// ---- Cosmos DB ----

/// A Cosmos DB account.
#[derive(Debug, Clone, Deserialize)]
pub struct CosmosAccount {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub location: Option<Region>,
    #[serde(default)]
    pub properties: CosmosProperties,
}

/// `properties` of a Cosmos DB account.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CosmosProperties {
    #[serde(default)]
    pub provisioning_state: Option<ProvisioningState>,
    #[serde(default)]
    pub write_locations: Vec<CosmosLocation>,
    #[serde(default)]
    pub read_locations: Vec<CosmosLocation>,
    #[serde(default)]
    pub locations: Vec<CosmosLocation>,
    #[serde(default)]
    pub failover_policies: Vec<CosmosLocation>,
    #[serde(default)]
    pub enable_automatic_failover: Option<bool>,
    #[serde(default)]
    pub enable_multiple_write_locations: Option<bool>,
}

/// A region of a Cosmos DB account.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CosmosLocation {
    pub location_name: Region,
    #[serde(default)]
    pub failover_priority: Option<u32>,
    #[serde(default)]
    pub provisioning_state: Option<String>,
}

impl CosmosAccount {
    /// The write region (single-write accounts: `writeLocations[0]`).
    pub fn write_region(&self) -> Option<Region> {
        self.properties
            .write_locations
            .first()
            .map(|l| l.location_name.clone())
    }
}

// ---- Container Registry ----

/// A container registry.
#[derive(Debug, Clone, Deserialize)]
pub struct Registry {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub location: Option<Region>,
    #[serde(default)]
    pub sku: Sku,
    #[serde(default)]
    pub properties: RegistryProperties,
}

/// `properties` of a registry.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RegistryProperties {
    #[serde(default)]
    pub login_server: Option<String>,
    #[serde(default)]
    pub provisioning_state: Option<ProvisioningState>,
}

/// A geo-replication of a registry.
#[derive(Debug, Clone, Deserialize)]
pub struct RegistryReplication {
    pub name: String,
    #[serde(default)]
    pub location: Option<Region>,
    #[serde(default)]
    pub properties: ReplicationProperties,
}

/// `properties` of a registry replication.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ReplicationProperties {
    #[serde(default)]
    pub provisioning_state: Option<ProvisioningState>,
    #[serde(default)]
    pub status: Option<ReplicationStatus>,
    #[serde(default)]
    pub region_endpoint_enabled: Option<bool>,
}

/// `status` of a registry replication (`displayStatus` is free text, e.g. "Ready").
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicationStatus {
    #[serde(default)]
    pub display_status: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

// ---- AKS ----

/// An AKS managed cluster.
#[derive(Debug, Clone, Deserialize)]
pub struct ManagedCluster {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub location: Option<Region>,
    #[serde(default)]
    pub properties: ClusterProperties,
}

/// `properties` of a managed cluster.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ClusterProperties {
    #[serde(default)]
    pub provisioning_state: Option<ProvisioningState>,
    #[serde(default)]
    pub power_state: Option<PowerStateBox>,
    #[serde(default)]
    pub kubernetes_version: Option<String>,
    #[serde(default)]
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
    #[serde(default)]
    pub count: Option<u32>,
    #[serde(default)]
    pub vm_size: Option<String>,
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub power_state: Option<PowerStateBox>,
    #[serde(default)]
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

// ---- Azure Machine Learning ----

/// An Azure ML workspace.
#[derive(Debug, Clone, Deserialize)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub location: Option<Region>,
    #[serde(default)]
    pub properties: WorkspaceProperties,
}

/// `properties` of a workspace.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceProperties {
    #[serde(default)]
    pub provisioning_state: Option<ProvisioningState>,
    #[serde(default)]
    pub storage_account: Option<String>,
    #[serde(default)]
    pub key_vault: Option<String>,
    #[serde(default)]
    pub container_registry: Option<String>,
    #[serde(default)]
    pub application_insights: Option<String>,
    #[serde(default)]
    pub discovery_url: Option<String>,
    #[serde(default)]
    pub public_network_access: Option<String>,
}

/// An Azure ML compute.
#[derive(Debug, Clone, Deserialize)]
pub struct Compute {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub location: Option<Region>,
    #[serde(default)]
    pub properties: ComputeProperties,
}

/// `properties` of a compute.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ComputeProperties {
    #[serde(default)]
    pub compute_type: Option<String>,
    #[serde(default)]
    pub provisioning_state: Option<ProvisioningState>,
    #[serde(default)]
    pub properties: Option<AmlComputeProperties>,
}

/// The inner `properties` of an AmlCompute cluster.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AmlComputeProperties {
    #[serde(default)]
    pub vm_size: Option<String>,
    #[serde(default)]
    pub scale_settings: Option<ScaleSettings>,
    #[serde(default)]
    pub allocation_state: Option<AllocationState>,
    #[serde(default)]
    pub current_node_count: Option<u32>,
    #[serde(default)]
    pub target_node_count: Option<u32>,
}

/// `scaleSettings` of an AmlCompute cluster.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ScaleSettings {
    pub max_node_count: u32,
    #[serde(default)]
    pub min_node_count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
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

impl<'de> Deserialize<'de> for OnlineEndpoint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Props {
            #[serde(default)]
            provisioning_state: Option<ProvisioningState>,
            #[serde(default)]
            traffic: BTreeMap<String, serde_json::Value>,
            #[serde(default)]
            scoring_uri: Option<String>,
        }
        #[derive(Deserialize)]
        struct Shape {
            id: String,
            name: String,
            #[serde(default)]
            location: Option<Region>,
            #[serde(default)]
            properties: Option<Props>,
        }
        let raw = serde_json::Value::deserialize(d)?;
        let s: Shape = serde_json::from_value(raw.clone()).map_err(serde::de::Error::custom)?;
        let props = s.properties;
        Ok(OnlineEndpoint {
            id: s.id,
            name: s.name,
            location: s.location,
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
#[derive(Debug, Clone, Deserialize)]
pub struct OnlineDeployment {
    pub name: String,
    #[serde(default)]
    pub sku: Option<Sku>,
    #[serde(default)]
    pub properties: DeploymentProperties,
}

/// `properties` of an online deployment.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentProperties {
    #[serde(default)]
    pub provisioning_state: Option<ProvisioningState>,
    #[serde(default)]
    pub instance_type: Option<String>,
    #[serde(default)]
    pub endpoint_compute_type: Option<String>,
}

// ---- Traffic Manager and Front Door ----

/// A Traffic Manager profile with its endpoints.
#[derive(Debug, Clone, Deserialize)]
pub struct TrafficManagerProfile {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub properties: TrafficManagerProperties,
}

/// `properties` of a Traffic Manager profile.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct TrafficManagerProperties {
    #[serde(default)]
    pub profile_status: Option<EnabledState>,
    #[serde(default)]
    pub traffic_routing_method: Option<String>,
    #[serde(default)]
    pub dns_config: Option<DnsConfig>,
    #[serde(default)]
    pub endpoints: Vec<TrafficManagerEndpoint>,
}

/// `dnsConfig`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsConfig {
    #[serde(default)]
    pub fqdn: Option<String>,
    #[serde(default)]
    pub ttl: Option<u32>,
}

/// A Traffic Manager endpoint.
#[derive(Debug, Clone, Deserialize)]
pub struct TrafficManagerEndpoint {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub properties: TrafficManagerEndpointProperties,
}

/// `properties` of a Traffic Manager endpoint.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct TrafficManagerEndpointProperties {
    #[serde(default)]
    pub endpoint_status: Option<EnabledState>,
    #[serde(default)]
    pub endpoint_monitor_status: Option<EndpointMonitorStatus>,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub weight: Option<u32>,
    #[serde(default)]
    pub priority: Option<u32>,
    #[serde(default)]
    pub endpoint_location: Option<Region>,
}

impl TrafficManagerEndpoint {
    /// The PascalCase endpoint type used in the PATCH path (`ExternalEndpoints`, ...).
    pub fn path_type(&self) -> &'static str {
        let t = self
            .kind
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if t.ends_with("azureendpoints") {
            "AzureEndpoints"
        } else if t.ends_with("nestedendpoints") {
            "NestedEndpoints"
        } else {
            "ExternalEndpoints"
        }
    }
}

/// A Front Door origin group.
#[derive(Debug, Clone, Deserialize)]
pub struct OriginGroup {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub properties: OriginGroupProperties,
}

/// `properties` of an origin group.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct OriginGroupProperties {
    #[serde(default)]
    pub provisioning_state: Option<ProvisioningState>,
    #[serde(default)]
    pub deployment_status: Option<String>,
}

/// A Front Door origin.
#[derive(Debug, Clone, Deserialize)]
pub struct Origin {
    pub name: String,
    #[serde(default)]
    pub properties: OriginProperties,
}

/// `properties` of an origin.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct OriginProperties {
    #[serde(default)]
    pub host_name: Option<String>,
    #[serde(default)]
    pub priority: Option<u32>,
    #[serde(default)]
    pub weight: Option<u32>,
    #[serde(default)]
    pub enabled_state: Option<EnabledState>,
    #[serde(default)]
    pub provisioning_state: Option<ProvisioningState>,
    #[serde(default)]
    pub deployment_status: Option<String>,
}

// ---- PostgreSQL / MySQL flexible servers ----

/// A PostgreSQL or MySQL flexible server.
#[derive(Debug, Clone, Deserialize)]
pub struct FlexibleServer {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub location: Option<Region>,
    #[serde(default)]
    pub properties: FlexibleServerProperties,
}

/// `properties` of a flexible server.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct FlexibleServerProperties {
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub replication_role: Option<ReplicationRole>,
    #[serde(default)]
    pub replica: Option<ReplicaInfo>,
    #[serde(default)]
    pub source_server_resource_id: Option<String>,
    #[serde(default)]
    pub fully_qualified_domain_name: Option<String>,
}

/// `replica` of a PostgreSQL flexible server.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaInfo {
    #[serde(default)]
    pub role: Option<ReplicationRole>,
    #[serde(default)]
    pub replication_state: Option<String>,
}

impl FlexibleServer {
    /// The replication role (from `replica.role` or `replicationRole`).
    pub fn role(&self) -> Option<ReplicationRole> {
        self.properties.replication_role.clone().or_else(|| {
            self.properties
                .replica
                .as_ref()
                .and_then(|r| r.role.clone())
        })
    }
}

// ---- Key Vault and Application Insights ----

/// A Key Vault.
#[derive(Debug, Clone, Deserialize)]
pub struct KeyVault {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub location: Option<Region>,
    #[serde(default)]
    pub properties: KeyVaultProperties,
}

/// `properties` of a Key Vault.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct KeyVaultProperties {
    #[serde(default)]
    pub vault_uri: Option<String>,
    #[serde(default)]
    pub provisioning_state: Option<ProvisioningState>,
}

/// An Application Insights component (its property names are PascalCase).
#[derive(Debug, Clone, Deserialize)]
pub struct AppInsights {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub location: Option<Region>,
    #[serde(default)]
    pub properties: AppInsightsProperties,
}

/// `properties` of an Application Insights component.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct AppInsightsProperties {
    #[serde(default, rename = "provisioningState")]
    pub provisioning_state: Option<ProvisioningState>,
    #[serde(default, rename = "AppId")]
    pub app_id: Option<String>,
    #[serde(default, rename = "IngestionMode")]
    pub ingestion_mode: Option<String>,
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
