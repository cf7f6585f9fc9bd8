//! The health snapshot: what a responder needs to see, derived from one collection pass.
//! Serializable: it is cached on disk and printed by `status --format json`.

use crate::config::{ComponentKind, Mode};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::check::CheckId;

/// Health of a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegionHealth {
    Healthy,
    Degraded,
    Outage,
    /// It did not answer (see `not_responding_since`).
    Unknown,
}

/// Health of one resource instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum InstanceHealth {
    Available,
    Degraded,
    Unavailable,
    Unknown,
}

/// Overall health of the deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Overall {
    Healthy,
    Degraded,
    Outage,
}

/// The role of a region in the deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegionRole {
    Primary,
    Secondary,
}

/// An active (or recently resolved) Service Health incident in a region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub tracking_id: String,
    pub title: String,
    pub active: bool,
    /// `Critical`, `Warning`, ...
    pub level: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub started: Option<OffsetDateTime>,
}

/// One region of the deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionStatus {
    pub name: String,
    pub display_name: String,
    pub role: RegionRole,
    pub health: RegionHealth,
    /// One line saying why (e.g. "2 of 9 resources unavailable", "Service Health incident").
    pub reason: String,
    pub incidents: Vec<Incident>,
    /// Resources located in the region, and how many of them are available.
    pub resources: usize,
    pub available: usize,
    /// Since when its requests time out or fail to connect, if they do.
    #[serde(with = "time::serde::rfc3339::option")]
    pub not_responding_since: Option<OffsetDateTime>,
}

/// One resource of a component, in one region (replicated resources have one per region too:
/// the same resource seen in each of its regions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceStatus {
    pub region: String,
    pub health: InstanceHealth,
    /// The resource id (for replicated kinds, the same id in both regions).
    pub resource_id: String,
    /// A short state, e.g. "Running, 7 nodes", "Primary", "write region", "traffic 100%".
    pub state: String,
    /// Why it is not available, or the error reading it.
    pub detail: Option<String>,
}

/// One readiness check of a component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// What it checks; serialized as its name ("lag within RPO").
    pub name: CheckId,
    /// Some(true) passed, Some(false) failed, None: observe only (Microsoft-managed) or unknown.
    pub passed: Option<bool>,
    pub reason: String,
}

/// A component's health.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentStatus {
    pub name: String,
    pub kind: ComponentKind,
    pub mode: Mode,
    /// Where it serves now (moves after a failover).
    pub active_region: String,
    /// True when it could fail over now (hot/hot: when its secondary serves).
    pub ready: bool,
    /// In a responder's words: "both serving", "standby ready", "standby not ready: ...",
    /// "failed over to westus", "only westus serving".
    pub ha_status: String,
    pub instances: Vec<InstanceStatus>,
    /// Replication lag now, when the kind exposes it.
    pub lag_seconds: Option<f64>,
    pub rpo_seconds: u64,
    /// When the secondary last had every write (storage lastSyncTime), when known.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_sync_time: Option<OffsetDateTime>,
    pub checks: Vec<Check>,
    /// Key properties, in display order.
    pub properties: Vec<(String, String)>,
    /// `az` commands a person would use to look.
    pub az_commands: Vec<String>,
    /// Errors met while reading it.
    pub errors: Vec<String>,
    /// Workspaces: what the standby must hold, item by item in both workspaces (datastores,
    /// assets, links, roles, network), for the side-by-side view and the runbook's fixes.
    /// Left out of JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standby: Vec<StandbyItem>,
    /// Regions where its instance is up but takes no traffic (a disabled endpoint or origin).
    /// Left out of JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub idle: Vec<String>,
}

/// One thing a standby workspace must hold, as each workspace has it: the rows of the detail
/// screen's side-by-side view and, when the secondary lacks it, a fix for the runbook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandbyItem {
    /// The readiness check it belongs to (`datastores`, `assets`, `linked resources`,
    /// `identity roles`, `private network`, `managed network`).
    pub check: CheckId,
    /// What it is, in a responder's words: "datastore training_data", "model churn-model:7",
    /// "Contributor on mlw-contoso-westus (workspace identity)".
    pub item: String,
    /// Whether the primary workspace has it (None: unknown, or not the primary's to have).
    pub primary: Option<bool>,
    /// Whether the secondary has it as it should (None: unknown).
    pub secondary: Option<bool>,
    /// What is wrong or what it is, short ("missing", "points at stdata/other", "Inactive").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// The command that fixes it when the secondary lacks it (an `az` command line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl StandbyItem {
    /// Whether the secondary lacks it (a failing item).
    pub fn missing(&self) -> bool {
        self.secondary == Some(false)
    }
}

impl ComponentStatus {
    /// Whether this hot/cold component already serves from the secondary (a failover moved it):
    /// not ready to fail over, and not needing to.
    pub fn failed_over_to(&self, secondary: &str) -> bool {
        self.mode == Mode::HotCold && self.active_region == secondary
    }

    /// Whether the lag exceeds the RPO.
    pub fn lag_over_rpo(&self) -> bool {
        self.lag_seconds
            .is_some_and(|l| l > self.rpo_seconds as f64)
    }

    /// The instance in `region`, if any.
    pub fn instance(&self, region: &str) -> Option<&InstanceStatus> {
        self.instances.iter().find(|i| i.region == region)
    }
}

/// One health snapshot of the whole deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub deployment: String,
    pub subscription_id: String,
    pub overall: Overall,
    pub regions: Vec<RegionStatus>,
    pub components: Vec<ComponentStatus>,
    /// When it was taken (Azure's clock, from the answers' Date header).
    #[serde(with = "time::serde::rfc3339")]
    pub taken_at: OffsetDateTime,
    /// How long collecting it took.
    pub duration_ms: u64,
    /// ARM requests it took.
    pub requests: u64,
    /// Who collected it (no secret: the signed-in identity's name).
    pub identity: Option<String>,
    /// Problems that are not about one component (Resource Health or Service Health unreadable).
    pub errors: Vec<String>,
    /// What to do now (absent from snapshots cached by older versions).
    #[serde(default)]
    pub verdict: super::verdict::Verdict,
    /// What a runbook may need when the primary region no longer answers, as last seen (the
    /// snapshot cache keeps the last good ones).
    #[serde(default)]
    pub facts: Facts,
    /// ARM reads left in this principal's bucket when it was taken, as ARM's headers said
    /// (not in JSON: a figure of the moment, not of the deployment).
    #[serde(skip)]
    pub reads_left: Option<u32>,
    /// Reads that waited at the client's read gate while it was taken (ARM's read bucket had no
    /// room for them yet: `azure::read_gate`), by every clone of its client. Not in JSON.
    #[serde(skip)]
    pub reads_waited: u64,
}

/// Facts about the deployment that a forced failover needs from the primary's side, each with
/// when it was last seen live, so a run during an outage can still use (and date) them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Facts {
    /// The partner (secondary) server of each SQL failover group.
    #[serde(default)]
    pub sql_partners: Vec<PartnerFact>,
    /// The capacity of each compute cluster and AKS cluster (what a standby is scaled to).
    #[serde(default)]
    pub capacities: Vec<CapacityFact>,
}

/// A cluster's capacity, as last seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityFact {
    /// The cluster's id, as configured.
    pub resource: String,
    pub capacity: Capacity,
    /// When it was last seen live.
    #[serde(with = "time::serde::rfc3339")]
    pub seen_at: OffsetDateTime,
}

/// What a standby is scaled to match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Capacity {
    /// An Azure ML compute cluster's scale settings.
    Compute { min: u32, max: u32 },
    /// An AKS cluster's node pools: name and node count.
    NodePools { pools: Vec<(String, u32)> },
}

/// The partner server of a SQL failover group, as last seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerFact {
    /// The failover group's id, as configured.
    pub group: String,
    /// The partner server's id.
    pub server: String,
    /// When it was last seen live (the snapshot that saw it).
    #[serde(with = "time::serde::rfc3339")]
    pub seen_at: OffsetDateTime,
}

impl Facts {
    /// Keeps what `older` knew and this does not (a snapshot taken during an outage does not
    /// erase the last good facts).
    pub fn keep_from(&mut self, older: &Facts) {
        for f in &older.sql_partners {
            if !self
                .sql_partners
                .iter()
                .any(|n| n.group.eq_ignore_ascii_case(&f.group))
            {
                self.sql_partners.push(f.clone());
            }
        }
        for f in &older.capacities {
            if !self
                .capacities
                .iter()
                .any(|n| n.resource.eq_ignore_ascii_case(&f.resource))
            {
                self.capacities.push(f.clone());
            }
        }
    }

    /// The last capacity seen of `resource`.
    pub fn capacity(&self, resource: &str) -> Option<&CapacityFact> {
        self.capacities
            .iter()
            .find(|f| f.resource.eq_ignore_ascii_case(resource))
    }
}

impl Snapshot {
    /// The region with this role.
    pub fn region(&self, role: RegionRole) -> Option<&RegionStatus> {
        self.regions.iter().find(|r| r.role == role)
    }

    /// How things are, for `status` (its exit code): an outage (a region outage or a primary
    /// component unavailable), degraded (something degraded, a lag over the RPO, a standby not
    /// ready) or healthy.
    pub fn grade(&self) -> Grade {
        let primary = self
            .region(RegionRole::Primary)
            .map(|r| r.name.clone())
            .unwrap_or_default();
        // `overall` already weighs regions, readiness, lags and read errors; what it does not
        // say is that a component still served from the primary is down there.
        let primary_down = self.components.iter().any(|c| {
            c.instance(&primary)
                .is_some_and(|i| i.health == InstanceHealth::Unavailable)
                && c.active_region == primary
        });
        if self.overall == Overall::Outage || primary_down {
            Grade::Outage
        } else if self.overall != Overall::Healthy {
            Grade::Degraded
        } else {
            Grade::Healthy
        }
    }
}

/// A snapshot's grade: what `status` exits with (`crate::exit::of_grade`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grade {
    /// Every region healthy and every standby ready.
    Healthy,
    /// Something degraded, a lag over the RPO, or a standby not ready.
    Degraded,
    /// A region outage, or a primary component unavailable.
    Outage,
}
