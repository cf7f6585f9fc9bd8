//! Runbooks: ordered steps with what they do, why, the equivalent `az` command, preconditions,
//! confirmation, postcondition and timeout.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::azure::{EndpointUpdate, PromoteOptions, SqlFailover};
use crate::config::{Phase, RunbookKind};
use crate::region::Region;

/// What kind of step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    /// azfailover sends an ARM request.
    Action,
    /// A person does it and confirms.
    Manual,
    /// azfailover checks live state.
    Verify,
}

/// How a step is confirmed before it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confirm {
    None,
    Yes,
    /// The operator types exactly this text.
    Typed(String),
}

impl Confirm {
    /// The contract's spelling: none | yes | typed.
    pub fn as_str(&self) -> &'static str {
        match self {
            Confirm::None => "none",
            Confirm::Yes => "yes",
            Confirm::Typed(_) => "typed",
        }
    }
}

/// The ARM request a step sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Action {
    StorageFailover {
        id: String,
        planned: bool,
    },
    StorageSetSku {
        id: String,
        sku: String,
    },
    SqlFailover {
        group_on_target: String,
        mode: SqlFailover,
    },
    CosmosPriority {
        id: String,
        order: Vec<(Region, u32)>,
    },
    CosmosOffline {
        id: String,
        region: Region,
    },
    CosmosOnline {
        id: String,
        region: Region,
    },
    PostgresPromote {
        replica: String,
        opts: PromoteOptions,
    },
    MysqlStopReplication {
        replica: String,
    },
    AksPower {
        id: String,
        start: bool,
    },
    AksScale {
        id: String,
        pool: String,
        count: u32,
    },
    ComputeScale {
        id: String,
        min: u32,
        max: u32,
    },
    EndpointTraffic {
        id: String,
        traffic: BTreeMap<String, u32>,
    },
    DeploymentScale {
        endpoint: String,
        deployment: String,
        instances: u32,
    },
    TrafficManagerEndpoint {
        profile: String,
        endpoint: String,
        update: EndpointUpdate,
    },
    FrontDoorOrigin {
        origin_group: String,
        origin: String,
        update: EndpointUpdate,
    },
}

/// Something that must hold before a step runs (evaluated live, just before it runs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "kebab-case")]
pub enum Precondition {
    /// The region must not be healthy (confirming an outage before a forced failover).
    RegionNotHealthy { region: String },
    /// The region must be healthy (failback).
    RegionHealthy { region: String },
    /// The region must not be in an outage (it may be degraded).
    RegionNotDown { region: String },
    /// The region can take production: not down, not degraded (except by the move itself),
    /// answering — the verdict's region blockers (health::verdict).
    RegionReady { region: String },
    /// The component's standby checks pass (except lag, which the data-loss estimate covers).
    StandbyProvisioned { component: String },
    /// The verify gate passed in this run.
    VerifyGatePassed,
    /// Another enabled endpoint/origin remains when this one is disabled.
    NotLastEnabled { component: String, endpoint: String },
    /// The component serves from this region now (the step would be a no-op or wrong otherwise).
    ActiveIn { component: String, region: String },
}

/// What must hold after a step ran (verified against live state).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "kebab-case")]
pub enum Postcondition {
    /// The component serves from this region.
    ActiveIn { component: String, region: String },
    /// The component's instance in this region is available.
    InstanceAvailable { component: String, region: String },
    /// Every data store serves (is writable) in this region and the region is not in an outage.
    DataWritableIn { region: String },
    /// The storage account is geo-redundant again.
    GeoRedundant { component: String },
    /// The storage account can fail over without loss (replication Live, canPlannedFailover).
    PlannedFailoverPossible { component: String },
    /// The AmlCompute cluster in the region may grow to `max` nodes.
    ComputeMax {
        component: String,
        region: String,
        max: u32,
    },
    /// The AKS cluster in the region runs.
    AksRunning { component: String, region: String },
    /// The online deployment in the region has this many instances.
    DeploymentCapacity {
        component: String,
        region: String,
        deployment: String,
        instances: u32,
    },
    /// The online endpoint in the region routes traffic to a deployment.
    TrafficIn { component: String, region: String },
    /// The Traffic Manager endpoint / Front Door origin is enabled (or disabled).
    EndpointEnabled {
        component: String,
        endpoint: String,
        enabled: bool,
    },
}

impl Postcondition {
    /// The one component it is about (None: `DataWritableIn`, about every data store).
    pub fn component(&self) -> Option<&str> {
        match self {
            Postcondition::DataWritableIn { .. } => None,
            Postcondition::ActiveIn { component, .. }
            | Postcondition::InstanceAvailable { component, .. }
            | Postcondition::GeoRedundant { component }
            | Postcondition::PlannedFailoverPossible { component }
            | Postcondition::ComputeMax { component, .. }
            | Postcondition::AksRunning { component, .. }
            | Postcondition::DeploymentCapacity { component, .. }
            | Postcondition::TrafficIn { component, .. }
            | Postcondition::EndpointEnabled { component, .. } => Some(component),
        }
    }
}

/// One step.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Step {
    /// Stable for the same configuration: `phase.component.verb` (or a custom step's id).
    pub id: String,
    pub title: String,
    /// Why it matters, for the operator.
    pub why: String,
    pub component: Option<String>,
    pub phase: Phase,
    pub kind: StepKind,
    pub confirm: Confirm,
    pub destructive: bool,
    /// What may be lost, e.g. "writes after 02:41:07 UTC — 6 min — will be lost".
    pub data_loss: Option<String>,
    /// The equivalent commands, for a person to run when azfailover cannot.
    pub az: Vec<String>,
    pub action: Option<Action>,
    pub preconditions: Vec<Precondition>,
    pub postcondition: Option<Postcondition>,
    #[serde(with = "secs")]
    pub timeout: Duration,
    /// Consecutive steps with the same group run side by side: each is checked, confirmed and
    /// sent in turn, then their operations are followed together.
    pub parallel_group: Option<String>,
    /// Side by side, a step that must wait for another one's verified end (an AKS node pool
    /// scale after its cluster's start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Kept outside the RTO (Microsoft-managed, observe only).
    pub outside_rto: bool,
    /// Marks the step whose end is the verified traffic shift (RTO is measured to it).
    pub completes_traffic_shift: bool,
}

/// A runbook: the steps of a failover or failback, in the order they run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Runbook {
    pub kind: RunbookKind,
    pub deployment: String,
    pub from_region: Region,
    pub to_region: Region,
    /// Planned (nothing lost, the source answers) or forced (the source is down).
    pub forced: bool,
    pub steps: Vec<Step>,
}

impl Runbook {
    /// The step with this id.
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }
}

/// Durations as whole seconds in the journal.
mod secs {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_secs())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_secs(u64::deserialize(d)?))
    }
}
