//! Subscription-wide lists: a kind with several resources in a subscription is read with one
//! list of that provider's resources (`GET /subscriptions/{s}/providers/{type}`, paged) instead
//! of one GET each — the lists of these providers answer the same objects as their GETs. A
//! resource the list does not carry (created since, in a region whose control plane does not
//! answer, or a list that failed) is read on its own, so its error is its own, never a guess.
//! Storage accounts are listed only for the console's refreshes that reuse their replication
//! statistics (those come only with a GET: `detail.rs`); SQL failover groups are not (each
//! server's view is read), nor children of a resource.
//!
//! The kinds Azure Resource Graph serves (`resource_graph.rs`) come from its one query when the
//! collection has one; their lists are read only when that query does not answer.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::OnceCell;

use super::resource_graph::Inventory;
use crate::azure::ArmClient;
use crate::azure::api::versions as v;
use crate::config::{ComponentKind, Config};

/// The kinds read by list, with their type and api-version.
const LISTED: &[(ComponentKind, &str, &str)] = &[
    // Read only when the accounts' `geoReplicationStats` from an earlier read may be reused
    // (`detail.rs`): Accounts_List answers every account as its GET does without `$expand`.
    (
        ComponentKind::Storage,
        "Microsoft.Storage/storageAccounts",
        v::STORAGE,
    ),
    (
        ComponentKind::CosmosDb,
        "Microsoft.DocumentDB/databaseAccounts",
        v::COSMOS,
    ),
    (
        ComponentKind::ContainerRegistry,
        "Microsoft.ContainerRegistry/registries",
        v::ACR,
    ),
    (
        ComponentKind::Aks,
        "Microsoft.ContainerService/managedClusters",
        v::AKS,
    ),
    (
        ComponentKind::MlWorkspace,
        "Microsoft.MachineLearningServices/workspaces",
        v::AML,
    ),
    (
        ComponentKind::PostgresFlexible,
        "Microsoft.DBforPostgreSQL/flexibleServers",
        v::POSTGRES,
    ),
    (
        ComponentKind::MysqlFlexible,
        "Microsoft.DBforMySQL/flexibleServers",
        v::MYSQL,
    ),
    (
        ComponentKind::KeyVault,
        "Microsoft.KeyVault/vaults",
        v::KEY_VAULT,
    ),
    (
        ComponentKind::AppInsights,
        "Microsoft.Insights/components",
        v::APP_INSIGHTS,
    ),
    // Profiles_ListBySubscription answers whole profiles, endpoints and their
    // `endpointMonitorStatus` included (Traffic Manager is global: no region's outage hides it).
    (
        ComponentKind::TrafficManager,
        "Microsoft.Network/trafficmanagerprofiles",
        v::TRAFFIC_MANAGER,
    ),
];

/// A list pays from this many resources of a kind in one subscription (a list of two costs
/// what two GETs do, and answers more).
pub const LIST_FROM: usize = 3;

type Listed = Option<Arc<HashMap<String, Value>>>;

/// The lists one collection may use, each read at most once, by the first read that needs it,
/// and its Resource Graph query.
#[derive(Default)]
pub(super) struct Lists {
    cells: HashMap<(String, ComponentKind), OnceCell<Listed>>,
    graph: Option<Inventory>,
}

impl Lists {
    /// The lists worth reading for `cfg` (the listed kinds with at least [`LIST_FROM`]
    /// resources in a subscription) and, with `resource_graph`, its Resource Graph query (see
    /// [`Inventory::for_config`]).
    pub(super) fn with_graph(cfg: &Config, resource_graph: bool) -> Lists {
        Lists {
            graph: if resource_graph {
                Inventory::for_config(cfg)
            } else {
                None
            },
            ..Lists::for_config(cfg)
        }
    }

    /// The lists worth reading for `cfg`, without Resource Graph.
    pub(super) fn for_config(cfg: &Config) -> Lists {
        let mut counts: HashMap<(String, ComponentKind), usize> = HashMap::new();
        for c in &cfg.components {
            if !LISTED.iter().any(|(k, ..)| *k == c.kind) {
                continue;
            }
            for id in c.resource_ids() {
                *counts
                    .entry((id.subscription().to_ascii_lowercase(), c.kind))
                    .or_default() += 1;
            }
        }
        Lists {
            cells: counts
                .into_iter()
                .filter(|(_, n)| *n >= LIST_FROM)
                .map(|(k, _)| (k, OnceCell::new()))
                .collect(),
            graph: None,
        }
    }

    /// The listed object of `id` (a `kind` resource): its Resource Graph row when the
    /// collection's query serves the kind and answered, else its kind's list when the kind is
    /// listed; None: read it on its own. The query or list is read once, by the first caller
    /// (the others wait for it, holding no place in the collection's bound).
    pub(super) async fn get<T: serde::de::DeserializeOwned>(
        &self,
        c: &ArmClient,
        kind: ComponentKind,
        id: &str,
    ) -> Option<T> {
        let id = crate::config::ResourceId::parse(id).ok()?;
        if let Some(graph) = self.graph.as_ref().filter(|g| g.serves(kind))
            && let Some(row) = graph.get(c, &id.key()).await
        {
            return row;
        }
        let sub = id.subscription().to_ascii_lowercase();
        let cell = self.cells.get(&(sub.clone(), kind))?;
        let (_, path, version) = LISTED.iter().find(|(k, ..)| *k == kind)?;
        let listed = cell
            .get_or_init(|| async {
                let items: Vec<Value> = c
                    .listing()
                    .list(
                        &format!("/subscriptions/{sub}/providers/{path}"),
                        version,
                        &[],
                    )
                    .await
                    .ok()?;
                Some(Arc::new(
                    items
                        .into_iter()
                        .filter_map(|x| Some((x["id"].as_str()?.to_ascii_lowercase(), x)))
                        .collect(),
                ))
            })
            .await
            .clone()?;
        // Read from the list where it is (an item that does not read as `T` is as none).
        listed.get(&id.key()).and_then(|x| T::deserialize(x).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_kinds_with_enough_resources_in_a_subscription_are_listed() {
        let lists = Lists::for_config(&Config::demo());
        // The demo has one or two of each: every resource is read on its own.
        assert!(lists.cells.is_empty(), "{:?}", lists.cells.keys());
        let mut cfg = Config::demo();
        let kv = cfg
            .components
            .iter()
            .find(|c| c.kind == ComponentKind::KeyVault)
            .unwrap()
            .clone();
        for i in 0..2 {
            let mut more = kv.clone();
            more.name = format!("vault-{i}");
            cfg.components.push(more);
        }
        let lists = Lists::for_config(&cfg);
        assert_eq!(lists.cells.len(), 1);
    }
}
