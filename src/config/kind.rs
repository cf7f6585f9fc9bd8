//! Component kinds, their shapes and HA modes.

use std::fmt;

use serde::Serialize;

/// How a component's resources are laid out across the two regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One resource per region: `primary` + `secondary`.
    Paired,
    /// One resource replicated by Azure across regions: `resource`.
    Replicated,
    /// A global router: `resource` plus the names of the primary and secondary endpoint/origin.
    Routing,
}

/// Whether both regions serve (hot/hot) or the secondary waits (hot/cold).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Mode {
    #[serde(rename = "hot-hot")]
    HotHot,
    #[serde(rename = "hot-cold")]
    HotCold,
}

impl Mode {
    /// The configuration spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::HotHot => "hot-hot",
            Mode::HotCold => "hot-cold",
        }
    }

    /// Parses the configuration spelling.
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "hot-hot" => Some(Mode::HotHot),
            "hot-cold" => Some(Mode::HotCold),
            _ => None,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! kinds {
    ($($variant:ident => $name:literal, $shape:ident, $ty:literal, $label:literal;)*) => {
        /// The kinds of component CONTRACT.md names.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
        pub enum ComponentKind {
            $(#[serde(rename = $name)] $variant,)*
        }

        impl ComponentKind {
            /// Every kind, in the contract's order.
            pub const ALL: &'static [ComponentKind] = &[$(ComponentKind::$variant),*];

            /// The configuration spelling, e.g. `sql-failover-group`.
            pub fn as_str(self) -> &'static str {
                match self { $(ComponentKind::$variant => $name,)* }
            }

            /// How the component's resources are named in the configuration.
            pub fn shape(self) -> Shape {
                match self { $(ComponentKind::$variant => Shape::$shape,)* }
            }

            /// The ARM resource type its ids must have.
            pub fn resource_type(self) -> &'static str {
                match self { $(ComponentKind::$variant => $ty,)* }
            }

            /// A short human label, e.g. "SQL failover group".
            pub fn label(self) -> &'static str {
                match self { $(ComponentKind::$variant => $label,)* }
            }
        }
    };
}

kinds! {
    MlWorkspace => "ml-workspace", Paired, "Microsoft.MachineLearningServices/workspaces", "ML workspace";
    MlOnlineEndpoint => "ml-online-endpoint", Paired, "Microsoft.MachineLearningServices/workspaces/onlineEndpoints", "online endpoint";
    MlCompute => "ml-compute", Paired, "Microsoft.MachineLearningServices/workspaces/computes", "AmlCompute cluster";
    Aks => "aks", Paired, "Microsoft.ContainerService/managedClusters", "AKS cluster";
    PostgresFlexible => "postgres-flexible", Paired, "Microsoft.DBforPostgreSQL/flexibleServers", "PostgreSQL flexible server";
    MysqlFlexible => "mysql-flexible", Paired, "Microsoft.DBforMySQL/flexibleServers", "MySQL flexible server";
    AppInsights => "app-insights", Paired, "Microsoft.Insights/components", "Application Insights";
    Storage => "storage", Replicated, "Microsoft.Storage/storageAccounts", "storage account";
    SqlFailoverGroup => "sql-failover-group", Replicated, "Microsoft.Sql/servers/failoverGroups", "SQL failover group";
    CosmosDb => "cosmos-db", Replicated, "Microsoft.DocumentDB/databaseAccounts", "Cosmos DB account";
    ContainerRegistry => "container-registry", Replicated, "Microsoft.ContainerRegistry/registries", "container registry";
    KeyVault => "key-vault", Replicated, "Microsoft.KeyVault/vaults", "Key Vault";
    TrafficManager => "traffic-manager", Routing, "Microsoft.Network/trafficManagerProfiles", "Traffic Manager profile";
    FrontDoor => "front-door", Routing, "Microsoft.Cdn/profiles/originGroups", "Front Door origin group";
}

impl ComponentKind {
    /// Parses the configuration spelling.
    pub fn parse(s: &str) -> Option<ComponentKind> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// The names of the two keys that name the primary and secondary endpoint/origin (routing kinds).
    pub fn routing_keys(self) -> Option<(&'static str, &'static str)> {
        match self {
            ComponentKind::TrafficManager => Some(("primary_endpoint", "secondary_endpoint")),
            ComponentKind::FrontDoor => Some(("primary_origin", "secondary_origin")),
            _ => None,
        }
    }

    /// Whether `regions` (the replica regions) may be listed for this kind.
    pub fn has_replica_regions(self) -> bool {
        matches!(
            self,
            ComponentKind::CosmosDb | ComponentKind::ContainerRegistry
        )
    }
}

impl fmt::Display for ComponentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
