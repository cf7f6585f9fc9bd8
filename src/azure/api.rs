//! The ARM operations azfailover uses, typed: reads of every kind, Resource Health, Service
//! Health, and the failover actions (only on an [`ArmWriter`]).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::client::{ArmClient, ArmWriter, Submitted};
use super::error::AzureError;
use super::models::*;
use super::ops;
use crate::region::Region;

/// api-versions, per provider (ARM-API.md).
pub mod versions {
    pub const RESOURCE_HEALTH: &str = "2025-04-01";
    pub const STORAGE: &str = "2025-01-01";
    pub const SQL: &str = "2023-08-01";
    pub const COSMOS: &str = "2025-04-15";
    pub const ACR: &str = "2025-04-01";
    pub const AKS: &str = "2025-08-01";
    pub const AML: &str = "2025-09-01";
    pub const TRAFFIC_MANAGER: &str = "2022-04-01";
    pub const FRONT_DOOR: &str = "2025-04-15";
    pub const POSTGRES: &str = "2024-08-01";
    pub const MYSQL: &str = "2023-12-30";
    pub const KEY_VAULT: &str = "2024-11-01";
    pub const APP_INSIGHTS: &str = "2020-02-02";
    pub const TAGS: &str = "2021-04-01";
    pub const AUTHORIZATION: &str = "2022-04-01";
    pub const NETWORK: &str = "2024-05-01";
    pub const PRIVATE_DNS: &str = "2024-06-01";
    pub const RESOURCE_GRAPH: &str = "2024-04-01";
}

use versions as v;

pub use super::models::SqlFailover;

mod readiness;
mod resource_graph;

pub use resource_graph::{GRAPH_PAGE, RESOURCE_GRAPH_PATH};

/// How a PostgreSQL replica is promoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PromoteOptions {
    /// `switchover` swaps roles; otherwise `standalone` detaches the replica.
    pub switchover: bool,
    /// `forced` skips synchronisation (region-down mode; loses the lag).
    pub forced: bool,
}

impl ArmClient {
    /// Every availability status of the subscription, in one paged call.
    pub async fn availability_statuses(
        &self,
        subscription: &str,
    ) -> Result<Vec<AvailabilityStatus>, AzureError> {
        self.list(&format!("/subscriptions/{subscription}/providers/Microsoft.ResourceHealth/availabilityStatuses"), v::RESOURCE_HEALTH, &[])
            .await
    }

    /// The current availability of one resource.
    pub async fn availability(&self, resource_id: &str) -> Result<AvailabilityStatus, AzureError> {
        self.get(
            &format!(
                "{resource_id}/providers/Microsoft.ResourceHealth/availabilityStatuses/current"
            ),
            v::RESOURCE_HEALTH,
            &[],
        )
        .await
    }

    /// Service Health events of the subscription.
    pub async fn service_health_events(
        &self,
        subscription: &str,
    ) -> Result<Vec<ServiceHealthEvent>, AzureError> {
        self.list(
            &format!("/subscriptions/{subscription}/providers/Microsoft.ResourceHealth/events"),
            v::RESOURCE_HEALTH,
            &[],
        )
        .await
    }

    /// The tags of a resource group.
    pub async fn resource_group_tags(
        &self,
        subscription: &str,
        group: &str,
    ) -> Result<BTreeMap<String, String>, AzureError> {
        let v: Value = self
            .get(&format!("/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Resources/tags/default"), v::TAGS, &[])
            .await?;
        Ok(v.pointer("/properties/tags")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// A storage account with its geo-replication statistics.
    pub async fn storage_account(&self, id: &str) -> Result<StorageAccount, AzureError> {
        self.get(id, v::STORAGE, &[("$expand", "geoReplicationStats")])
            .await
    }

    /// A SQL failover group as one server sees it.
    pub async fn failover_group(&self, id: &str) -> Result<FailoverGroup, AzureError> {
        self.get(id, v::SQL, &[]).await
    }

    /// Every SQL server of the subscription (a subscription-level list, answered whichever
    /// region is down: how a failover group's partner is found in the secondary region).
    pub async fn sql_servers(&self, subscription: &str) -> Result<Vec<SqlServer>, AzureError> {
        self.list(
            &format!("/subscriptions/{subscription}/providers/Microsoft.Sql/servers"),
            v::SQL,
            &[],
        )
        .await
    }

    /// A Cosmos DB account.
    pub async fn cosmos_account(&self, id: &str) -> Result<CosmosAccount, AzureError> {
        self.get(id, v::COSMOS, &[]).await
    }

    /// A container registry.
    pub async fn registry(&self, id: &str) -> Result<Registry, AzureError> {
        self.get(id, v::ACR, &[]).await
    }

    /// The geo-replications of a registry.
    pub async fn registry_replications(
        &self,
        id: &str,
    ) -> Result<Vec<RegistryReplication>, AzureError> {
        self.list(&format!("{id}/replications"), v::ACR, &[]).await
    }

    /// An AKS cluster.
    pub async fn managed_cluster(&self, id: &str) -> Result<ManagedCluster, AzureError> {
        self.get(id, v::AKS, &[]).await
    }

    /// An Azure ML workspace.
    pub async fn workspace(&self, id: &str) -> Result<Workspace, AzureError> {
        self.get(id, v::AML, &[]).await
    }

    /// The computes of a workspace.
    pub async fn workspace_computes(&self, workspace_id: &str) -> Result<Vec<Compute>, AzureError> {
        self.list(&format!("{workspace_id}/computes"), v::AML, &[])
            .await
    }

    /// An Azure ML compute.
    pub async fn compute(&self, id: &str) -> Result<Compute, AzureError> {
        self.get(id, v::AML, &[]).await
    }

    /// A managed online endpoint.
    pub async fn online_endpoint(&self, id: &str) -> Result<OnlineEndpoint, AzureError> {
        self.get(id, v::AML, &[]).await
    }

    /// The deployments of an online endpoint.
    pub async fn online_deployments(
        &self,
        endpoint_id: &str,
    ) -> Result<Vec<OnlineDeployment>, AzureError> {
        self.list(&format!("{endpoint_id}/deployments"), v::AML, &[])
            .await
    }

    /// A Traffic Manager profile with its endpoints.
    pub async fn traffic_manager(&self, id: &str) -> Result<TrafficManagerProfile, AzureError> {
        self.get(id, v::TRAFFIC_MANAGER, &[]).await
    }

    /// A Front Door origin group.
    pub async fn origin_group(&self, id: &str) -> Result<OriginGroup, AzureError> {
        self.get(id, v::FRONT_DOOR, &[]).await
    }

    /// The origins of a Front Door origin group.
    pub async fn origins(&self, origin_group_id: &str) -> Result<Vec<Origin>, AzureError> {
        self.list(&format!("{origin_group_id}/origins"), v::FRONT_DOOR, &[])
            .await
    }

    /// A PostgreSQL flexible server.
    pub async fn postgres_server(&self, id: &str) -> Result<FlexibleServer, AzureError> {
        self.get(id, v::POSTGRES, &[]).await
    }

    /// A MySQL flexible server.
    pub async fn mysql_server(&self, id: &str) -> Result<FlexibleServer, AzureError> {
        self.get(id, v::MYSQL, &[]).await
    }

    /// A Key Vault.
    pub async fn key_vault(&self, id: &str) -> Result<KeyVault, AzureError> {
        self.get(id, v::KEY_VAULT, &[]).await
    }

    /// An Application Insights component.
    pub async fn app_insights(&self, id: &str) -> Result<AppInsights, AzureError> {
        self.get(id, v::APP_INSIGHTS, &[]).await
    }
}

impl ArmWriter {
    /// Merges (or, with `delete`, removes) tags of a resource group.
    pub async fn resource_group_tags(
        &self,
        subscription: &str,
        group: &str,
        tags: &BTreeMap<String, String>,
        delete: bool,
    ) -> Result<Submitted, AzureError> {
        let body = json!({"operation": if delete { "Delete" } else { "Merge" }, "properties": {"tags": tags}});
        self.submit(
            "PATCH",
            &format!("/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Resources/tags/default"),
            v::TAGS,
            &[],
            Some(&body),
        )
        .await
    }

    /// Storage account failover: planned (no loss, both regions up) or unplanned (loses writes
    /// after lastSyncTime; the account becomes locally redundant).
    pub async fn storage_failover(&self, id: &str, planned: bool) -> Result<Submitted, AzureError> {
        self.send(&ops::storage::failover(id, planned)).await
    }

    /// Changes a storage account's sku (re-protect: back to a geo-redundant sku).
    pub async fn storage_set_sku(&self, id: &str, sku: &str) -> Result<Submitted, AzureError> {
        self.send(&ops::storage::set_sku(id, sku)).await
    }

    /// A SQL failover, posted to the failover group on the server that becomes primary.
    pub async fn sql_failover(
        &self,
        group_on_new_primary: &str,
        kind: SqlFailover,
    ) -> Result<Submitted, AzureError> {
        self.send(&ops::sql::failover(group_on_new_primary, kind))
            .await
    }

    /// Cosmos DB manual failover: new priorities for every region (0 = write region).
    pub async fn cosmos_failover_priority_change(
        &self,
        id: &str,
        priorities: &[(Region, u32)],
    ) -> Result<Submitted, AzureError> {
        self.send(&ops::cosmos::failover_priority_change(id, priorities))
            .await
    }

    /// Cosmos DB: takes a region offline (forced failover of the write region; may lose writes).
    pub async fn cosmos_offline_region(
        &self,
        id: &str,
        region: &Region,
    ) -> Result<Submitted, AzureError> {
        self.send(&ops::cosmos::offline_region(id, region)).await
    }

    /// Cosmos DB: brings a region back online (as a read region).
    pub async fn cosmos_online_region(
        &self,
        id: &str,
        region: &Region,
    ) -> Result<Submitted, AzureError> {
        self.send(&ops::cosmos::online_region(id, region)).await
    }

    /// Promotes a PostgreSQL read replica.
    pub async fn postgres_promote(
        &self,
        replica_id: &str,
        opts: PromoteOptions,
    ) -> Result<Submitted, AzureError> {
        self.send(&ops::flex::postgres_promote(replica_id, opts))
            .await
    }

    /// Stops replication of a MySQL read replica (irreversible; loses the lag).
    pub async fn mysql_stop_replication(&self, replica_id: &str) -> Result<Submitted, AzureError> {
        self.send(&ops::flex::mysql_stop_replication(replica_id))
            .await
    }

    /// Starts (true) or stops (false) an AKS cluster.
    pub async fn aks_power(&self, id: &str, start: bool) -> Result<Submitted, AzureError> {
        self.send(&ops::aks::power(id, start)).await
    }

    /// Scales an AKS node pool.
    pub async fn aks_scale_pool(
        &self,
        cluster_id: &str,
        pool: &str,
        count: u32,
    ) -> Result<Submitted, AzureError> {
        self.send(&ops::aks::scale_pool(cluster_id, pool, count))
            .await
    }

    /// Resizes an AmlCompute cluster (the body nests `properties` twice).
    pub async fn compute_scale(
        &self,
        id: &str,
        scale: &ScaleSettings,
    ) -> Result<Submitted, AzureError> {
        self.send(&ops::aml::compute_scale(id, scale)).await
    }

    /// Sets an online endpoint's traffic split: a PUT of the whole endpoint, since PATCH cannot.
    pub async fn endpoint_set_traffic(
        &self,
        id: &str,
        traffic: &BTreeMap<String, u32>,
    ) -> Result<Submitted, AzureError> {
        self.send(&ops::aml::endpoint_traffic(id, traffic)).await
    }

    /// Scales a managed online deployment.
    pub async fn deployment_scale(
        &self,
        endpoint_id: &str,
        deployment: &str,
        instances: u32,
    ) -> Result<Submitted, AzureError> {
        self.send(&ops::aml::deployment_scale(
            endpoint_id,
            deployment,
            instances,
        ))
        .await
    }

    /// Updates a Traffic Manager endpoint (status, priority, weight); synchronous.
    pub async fn traffic_manager_endpoint(
        &self,
        profile_id: &str,
        endpoint: &TrafficManagerEndpoint,
        update: &EndpointUpdate,
    ) -> Result<Submitted, AzureError> {
        self.send(&ops::routing::traffic_manager_endpoint(
            profile_id,
            endpoint.path_type(),
            &endpoint.name,
            update,
        ))
        .await
    }

    /// Updates a Front Door origin (enabled state, priority, weight).
    pub async fn front_door_origin(
        &self,
        origin_group_id: &str,
        origin: &str,
        update: &EndpointUpdate,
    ) -> Result<Submitted, AzureError> {
        self.send(&ops::routing::front_door_origin(
            origin_group_id,
            origin,
            update,
        ))
        .await
    }
}

/// A change to a Traffic Manager endpoint or Front Door origin.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EndpointUpdate {
    pub enabled: Option<bool>,
    pub priority: Option<u32>,
    pub weight: Option<u32>,
}

impl EndpointUpdate {
    /// `{"properties": {...}}` with the fields to change; `status_field` names the enabled
    /// state (`endpointStatus` for Traffic Manager, `enabledState` for Front Door).
    pub(super) fn body(&self, status_field: &str) -> Value {
        let mut props = serde_json::Map::new();
        if let Some(e) = self.enabled {
            props.insert(
                status_field.into(),
                json!(if e { "Enabled" } else { "Disabled" }),
            );
        }
        if let Some(p) = self.priority {
            props.insert("priority".into(), json!(p));
        }
        if let Some(w) = self.weight {
            props.insert("weight".into(), json!(w));
        }
        json!({"properties": props})
    }
}
