//! Readiness check ids. The derivations name each check they make with a [`CheckId`]; the
//! verdict and the runbook executor decide on it. It reads, prints and serializes as the check's
//! name in a responder's words ("lag within RPO"), so `status --format json` and cached
//! snapshots keep `"name": "lag within RPO"`.

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! check_ids {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)*) => {
        /// What a readiness check is about (see the module docs).
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum CheckId {
            $($(#[$doc])* $variant,)*
            /// A router's configured endpoint or origin exists; holds the whole name,
            /// "endpoint 'westus-endpoint' exists".
            EntryExists(String),
            /// A name this version does not make (a snapshot written by another version).
            Other(String),
        }

        impl CheckId {
            /// The check's name as the responder reads it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(CheckId::$variant => $name,)*
                    CheckId::EntryExists(s) | CheckId::Other(s) => s,
                }
            }

            /// The id of a check's name (what [`CheckId::as_str`] wrote).
            pub fn parse(name: &str) -> CheckId {
                match name {
                    $($name => CheckId::$variant,)*
                    _ if is_entry_exists(name) => CheckId::EntryExists(name.to_string()),
                    _ => CheckId::Other(name.to_string()),
                }
            }
        }
    };
}

check_ids! {
    /// The paired standby could be read.
    StandbyProvisioned => "standby provisioned",
    /// The paired standby is available.
    StandbyHealthy => "standby healthy",
    /// A replicated resource or a router could be read.
    Readable => "readable",
    /// A hot/hot component serves in both regions.
    BothServe => "both regions serve",
    /// Workspaces: the same compute clusters.
    SameComputes => "same compute clusters as primary",
    /// Online endpoints: the same deployments.
    SameDeployments => "same deployments as primary",
    /// AKS: the same node pools.
    SameNodePools => "same node pools as primary",
    /// Compute clusters: the same VM size.
    SameVmSize => "same VM size as primary",
    /// Workspaces: switching is the runbook's (observe only).
    SwitchIsRunbookStep => "switch is a runbook step",
    /// Online endpoints: the secondary's deployments succeeded.
    SecondaryDeploymentsSucceeded => "secondary deployments succeeded",
    /// Hot/hot online endpoints: the secondary takes traffic.
    SecondaryTakesTraffic => "secondary takes traffic",
    /// Hot/hot AKS: the secondary runs.
    SecondaryRunning => "secondary running",
    /// Flexible servers: the secondary replicates from the primary.
    ReplicaOfPrimary => "replica of the primary",
    /// Storage, SQL, flexible servers: replication goes on.
    ReplicationLive => "replication live",
    /// SQL, flexible servers, Cosmos DB: the lag ARM does not expose (observe only).
    ReplicationLag => "replication lag",
    /// Storage: the sku replicates to a second region.
    GeoRedundant => "geo-redundant",
    /// Storage: the last sync is within the RPO.
    LagWithinRpo => "lag within RPO",
    /// Storage: `canFailover`.
    CanFailOver => "can fail over",
    /// Storage: `canPlannedFailover`.
    PlannedFailoverPossible => "planned failover possible",
    /// Storage: no failover under way (it fails while Azure fails the account over).
    NoFailoverInProgress => "no failover in progress",
    /// SQL: the two servers agree on their roles.
    OnePrimaryOneSecondary => "one primary, one secondary",
    /// SQL: the group has a partner server.
    PartnerServer => "partner server",
    /// SQL: the failover policy is Manual (observe only when it is not).
    CustomerManagedFailover => "customer-managed failover",
    /// Hot/cold Cosmos DB: the secondary is a read region.
    SecondaryRegionOnline => "secondary region online",
    /// Container registries: a replica in the secondary.
    ReplicatedToSecondary => "replicated to the secondary",
    /// Registries and Key Vaults: Microsoft fails them over (observe only).
    MicrosoftFailover => "failover",
    /// Application Insights: one per region (observe only).
    Telemetry => "telemetry",
    /// Traffic Manager: the secondary endpoint is enabled.
    SecondaryEndpointEnabled => "secondary endpoint enabled",
    /// Front Door: the secondary origin is enabled.
    SecondaryOriginEnabled => "secondary origin enabled",
    /// Traffic Manager: some endpoint is enabled.
    SomeEndpointEnabled => "some endpoint enabled",
    /// Front Door: some origin is enabled.
    SomeOriginEnabled => "some origin enabled",
    /// Workspaces: the primary's datastores exist in the secondary, on geo-redundant storage.
    Datastores => "datastores",
    /// Workspaces: the secondary's storage, vault, registry and Application Insights.
    LinkedResources => "linked resources",
    /// Workspaces: the secondary's identity and the users' roles.
    IdentityRoles => "identity roles",
    /// Workspaces: the primary's deployments' models, environments and code reach the secondary.
    Assets => "assets",
    /// Workspaces: private endpoints and DNS links of the secondary.
    PrivateNetwork => "private network",
    /// Workspaces: the secondary's managed network and outbound rules.
    ManagedNetwork => "managed network",
    /// Compute clusters, online endpoints: the secondary region's Azure ML vCPU quota.
    Quota => "quota",
}

/// Whether `name` reads "endpoint '...' exists" or "origin '...' exists".
fn is_entry_exists(name: &str) -> bool {
    ["endpoint '", "origin '"]
        .iter()
        .any(|p| name.starts_with(p) && name.ends_with("' exists"))
}

impl CheckId {
    /// The router check that its configured `word` ("endpoint", "origin") `name` exists.
    pub fn entry_exists(word: &str, name: &str) -> CheckId {
        CheckId::EntryExists(format!("{word} '{name}' exists"))
    }

    /// Whether the check is about the secondary as a standby: in a failback, that is the
    /// source, not what the run moves to.
    pub fn is_about_standby(&self) -> bool {
        match self {
            CheckId::StandbyProvisioned
            | CheckId::StandbyHealthy
            | CheckId::SameComputes
            | CheckId::SameDeployments
            | CheckId::SameNodePools
            | CheckId::SameVmSize
            | CheckId::SecondaryDeploymentsSucceeded
            | CheckId::SecondaryTakesTraffic
            | CheckId::SecondaryRunning
            | CheckId::SecondaryRegionOnline
            | CheckId::SecondaryEndpointEnabled
            | CheckId::SecondaryOriginEnabled
            | CheckId::Datastores
            | CheckId::LinkedResources
            | CheckId::IdentityRoles
            | CheckId::Assets
            | CheckId::PrivateNetwork
            | CheckId::ManagedNetwork
            | CheckId::Quota => true,
            // Another version's check: by its words.
            CheckId::Other(s) => ["standby ", "secondary ", "same "]
                .iter()
                .any(|p| s.starts_with(p)),
            _ => false,
        }
    }
}

impl Deref for CheckId {
    type Target = str;

    /// The name, so a check id reads as the text it stands for.
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for CheckId {
    /// Writes the name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for CheckId {
    /// The id of a name.
    fn from(name: &str) -> CheckId {
        CheckId::parse(name)
    }
}

impl From<String> for CheckId {
    /// The id of a name.
    fn from(name: String) -> CheckId {
        CheckId::parse(&name)
    }
}

impl PartialEq<str> for CheckId {
    /// Compares by name.
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for CheckId {
    /// Compares by name.
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for CheckId {
    /// Serializes as the name.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CheckId {
    /// Reads a name back into its id.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(CheckId::parse(&String::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_serializes_as_its_name_and_reads_back() {
        for id in [
            CheckId::LagWithinRpo,
            CheckId::BothServe,
            CheckId::entry_exists("origin", "westus-origin"),
            CheckId::Other("replication lag within RPO".into()),
        ] {
            let json = serde_json::to_string(&id).unwrap();
            assert_eq!(json, format!("\"{}\"", id.as_str()));
            assert_eq!(serde_json::from_str::<CheckId>(&json).unwrap(), id);
        }
        assert_eq!(CheckId::LagWithinRpo.as_str(), "lag within RPO");
        assert_eq!(
            CheckId::from("endpoint 'eastus-endpoint' exists"),
            CheckId::entry_exists("endpoint", "eastus-endpoint")
        );
        assert_eq!(CheckId::from("failover"), CheckId::MicrosoftFailover);
    }

    #[test]
    fn checks_about_the_standby_are_known_by_id_and_old_names_by_their_words() {
        assert!(CheckId::SecondaryRunning.is_about_standby());
        assert!(CheckId::SameVmSize.is_about_standby());
        assert!(!CheckId::ReplicatedToSecondary.is_about_standby());
        assert!(!CheckId::BothServe.is_about_standby());
        assert!(CheckId::from("secondary quota").is_about_standby());
        assert!(!CheckId::from("replication lag within RPO").is_about_standby());
    }
}
