//! Inventory from Azure Resource Graph: one query per collection, over every subscription of
//! the configuration at once, for the kinds whose reading is configuration — what ARM's own
//! writes change, of which ARM tells ARG (Microsoft: 95% of changes within 30 s, no upper
//! bound) — instead of one provider list (or GET) per kind:
//!
//! | kind | ARG type | what is read from the row |
//! | --- | --- | --- |
//! | `ml-workspace` | `microsoft.machinelearningservices/workspaces` | linked resources, identity, network settings, provisioning state (shown) |
//! | `key-vault` | `microsoft.keyvault/vaults` | vault URI, RBAC or access policies |
//! | `container-registry` | `microsoft.containerregistry/registries` | sku, login server, home region |
//!
//! A kind served here is read from ARG by [`super::listed`]; `Storage` is ready to be (a
//! workspace's default storage account needs only its region and sku, which its row has) but
//! not asked for until readiness reads it so (`collect/aml.rs` GETs each today).
//!
//! Everything a decision rests on that changes without an ARM write, or that a runbook step
//! changes and checks again at once, stays with the resource provider: storage (its
//! `geoReplicationStats`), each server's view of a SQL failover group, Cosmos DB (its write
//! region moves in a failover, a Microsoft-managed one included), AKS (power state), PostgreSQL
//! and MySQL (replica role and state), Traffic Manager (its probes' `endpointMonitorStatus`),
//! Front Door, compute clusters, online endpoints (traffic) and their deployments (capacity),
//! a registry's replications (their `displayStatus` is the replica's health now), a
//! workspace's computes (not in ARG's `Resources` table), and Application Insights: its own
//! GET is what tells that a region's control plane has stopped answering (a region is "not
//! responding" when every read of its regional resources timed out; an ARG row always
//! answers).
//!
//! A resource the answer lacks (created since, or ARG not told yet) is read on its own, so its
//! error is its own; when the query fails (throttled by ARG's own quota, an error, a page that
//! does not parse) the collection reads as it does without ARG: the provider lists and GETs.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::OnceCell;

use super::lists::LIST_FROM;
use crate::azure::ArmClient;
use crate::azure::models::QueryRows;
use crate::config::{ComponentKind, Config};

/// The kinds read from Resource Graph's rows, with their ARG type.
pub(super) const FROM_GRAPH: &[(ComponentKind, &str)] = &[
    (
        ComponentKind::MlWorkspace,
        "microsoft.machinelearningservices/workspaces",
    ),
    (ComponentKind::KeyVault, "microsoft.keyvault/vaults"),
    (
        ComponentKind::ContainerRegistry,
        "microsoft.containerregistry/registries",
    ),
];

/// The storage accounts' type: never for a `storage` component's own reading (its replication
/// statistics come only with a GET); a workspace's default storage could come from it.
const STORAGE: &str = "microsoft.storage/storageaccounts";

/// The columns asked for: what a typed model reads of a GET.
const PROJECT: &str = "id, name, type, location, kind, sku, properties, identity, tags";

/// The query pays from this many resources of [`FROM_GRAPH`]'s kinds in the configuration,
/// all kinds together (one query costs what one GET does).
pub const GRAPH_FROM: usize = LIST_FROM;

/// The rows of one query, by lowercase id; None when the query was not sent or failed.
type Rows = Option<Arc<HashMap<String, Value>>>;

/// One collection's Resource Graph query, sent at most once, by the first read that needs it.
pub(super) struct Inventory {
    subscriptions: Vec<String>,
    /// The lowercase ARG types asked for.
    types: Vec<&'static str>,
    query: String,
    rows: OnceCell<Rows>,
}

impl Inventory {
    /// The query for `cfg`, when it has at least [`GRAPH_FROM`] resources of the kinds it
    /// serves; None: read them as without ARG.
    pub(super) fn for_config(cfg: &Config) -> Option<Inventory> {
        let mut count = 0;
        let mut types = BTreeSet::new();
        let mut subscriptions = BTreeSet::new();
        for c in &cfg.components {
            let Some((_, ty)) = FROM_GRAPH.iter().find(|(k, _)| *k == c.kind) else {
                continue;
            };
            types.insert(*ty);
            for id in c.resource_ids() {
                count += 1;
                subscriptions.insert(id.subscription().to_ascii_lowercase());
            }
        }
        if count < GRAPH_FROM {
            return None;
        }
        let types: Vec<&'static str> = types.into_iter().collect();
        let list = types
            .iter()
            .map(|t| format!("'{t}'"))
            .collect::<Vec<_>>()
            .join(", ");
        Some(Inventory {
            subscriptions: subscriptions.into_iter().collect(),
            query: format!("Resources | where type in~ ({list}) | project {PROJECT}"),
            types,
            rows: OnceCell::new(),
        })
    }

    /// Whether the query carries resources of `kind`.
    pub(super) fn serves(&self, kind: ComponentKind) -> bool {
        let ty = match kind {
            ComponentKind::Storage => STORAGE,
            k => match FROM_GRAPH.iter().find(|(x, _)| *x == k) {
                Some((_, t)) => t,
                None => return false,
            },
        };
        self.types.contains(&ty)
    }

    /// The row of `id` (lowercase), as the resource's GET would carry it: Some(None) when the
    /// answer lacks it (read it on its own); None when the query did not answer (read as
    /// without ARG).
    pub(super) async fn get<T: serde::de::DeserializeOwned>(
        &self,
        c: &ArmClient,
        key: &str,
    ) -> Option<Option<T>> {
        let rows = self
            .rows
            .get_or_init(|| async { self.query(c).await })
            .await
            .clone()?;
        // Read from the row where it is (a row that does not read as `T` is as none).
        Some(rows.get(key).and_then(|row| T::deserialize(row).ok()))
    }

    /// Sends the query (unless ARG's quota says it would be refused) and keeps its rows.
    async fn query(&self, c: &ArmClient) -> Rows {
        if c.budget().graph_exhausted() {
            tracing::info!(
                "Resource Graph: its quota is spent until its window ends; reading from the resource providers"
            );
            return None;
        }
        match c
            .listing()
            .resource_graph(&self.subscriptions, &self.query)
            .await
        {
            Ok(answer) => Some(Arc::new(self.by_id(answer))),
            Err(e) => {
                tracing::info!("Resource Graph: {e}; reading from the resource providers");
                None
            }
        }
    }

    /// The rows of the asked-for types, by lowercase id.
    fn by_id(&self, answer: QueryRows) -> HashMap<String, Value> {
        answer
            .rows
            .iter()
            .filter(|r| {
                r.get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| self.types.iter().any(|x| x.eq_ignore_ascii_case(t)))
            })
            .filter_map(|r| {
                let id = r.get("id")?.as_str()?.to_ascii_lowercase();
                Some((id, QueryRows::resource(r)))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_is_asked_for_in_one_query_of_the_kinds_it_has() {
        let inv = Inventory::for_config(&Config::demo()).expect("the demo has four");
        assert_eq!(
            inv.query,
            "Resources | where type in~ ('microsoft.containerregistry/registries', \
             'microsoft.keyvault/vaults', 'microsoft.machinelearningservices/workspaces') \
             | project id, name, type, location, kind, sku, properties, identity, tags"
        );
        assert_eq!(inv.subscriptions.len(), 1);
        assert!(inv.serves(ComponentKind::MlWorkspace) && !inv.serves(ComponentKind::Storage));
        assert!(!inv.serves(ComponentKind::CosmosDb) && !inv.serves(ComponentKind::AppInsights));
        // Below the threshold: no query.
        let mut few = Config::demo();
        few.components.retain(|c| c.kind == ComponentKind::KeyVault);
        assert!(Inventory::for_config(&few).is_none());
    }
}
