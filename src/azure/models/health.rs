//! Resource Health and Service Health: what Azure says about resources and regions.

use serde::Deserialize;
use time::OffsetDateTime;

use super::lenient_time;
use crate::region::Region;

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

impl AvailabilityState {
    /// Resource Health's own "Unknown" state (distinct from a value azfailover does not know).
    pub fn is_unknown_state(&self) -> bool {
        matches!(self, AvailabilityState::Unknown_)
    }
}

/// Resource Health's availability status of one resource.
#[derive(Debug, Clone, Deserialize)]
pub struct AvailabilityStatus {
    pub id: String,
    pub location: Option<Region>,
    #[serde(default)]
    pub properties: AvailabilityProperties,
}

/// `properties` of an availability status.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AvailabilityProperties {
    pub availability_state: Option<AvailabilityState>,
    pub title: Option<String>,
    pub summary: Option<String>,
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
    pub event_type: Option<EventType>,
    pub status: Option<EventStatus>,
    pub title: Option<String>,
    pub summary: Option<String>,
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
    pub impacted_service: Option<String>,
    #[serde(default)]
    pub impacted_regions: Vec<ImpactedRegion>,
}

/// One impacted region of an event (ARM writes the display name: "West US").
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImpactedRegion {
    pub impacted_region: Region,
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
