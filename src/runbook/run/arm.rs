use crate::azure::models::*;
use crate::azure::{ArmWriter, AzureError, ErrorKind, Submitted};
use crate::runbook::model::*;

/// Sends an action's request.
pub(super) async fn send(w: &ArmWriter, a: &Action) -> Result<Submitted, AzureError> {
    match a {
        Action::StorageFailover { id, planned } => w.storage_failover(id, *planned).await,
        Action::StorageSetSku { id, sku } => w.storage_set_sku(id, sku).await,
        Action::SqlFailover {
            group_on_target,
            mode,
        } => w.sql_failover(group_on_target, *mode).await,
        Action::CosmosPriority { id, order } => w.cosmos_failover_priority_change(id, order).await,
        Action::CosmosOffline { id, region } => w.cosmos_offline_region(id, region).await,
        Action::CosmosOnline { id, region } => w.cosmos_online_region(id, region).await,
        Action::PostgresPromote { replica, opts } => w.postgres_promote(replica, *opts).await,
        Action::MysqlStopReplication { replica } => w.mysql_stop_replication(replica).await,
        Action::AksPower { id, start } => w.aks_power(id, *start).await,
        Action::AksScale { id, pool, count } => w.aks_scale_pool(id, pool, *count).await,
        Action::ComputeScale { id, min, max } => {
            w.compute_scale(
                id,
                &ScaleSettings {
                    max_node_count: *max,
                    min_node_count: *min,
                    node_idle_time_before_scale_down: Some("PT5M".into()),
                },
            )
            .await
        }
        Action::EndpointTraffic { id, traffic } => w.endpoint_set_traffic(id, traffic).await,
        Action::DeploymentScale {
            endpoint,
            deployment,
            instances,
        } => w.deployment_scale(endpoint, deployment, *instances).await,
        Action::TrafficManagerEndpoint {
            profile,
            endpoint,
            update,
        } => {
            let p = w.reader().traffic_manager(profile).await?;
            let Some(ep) = p
                .properties
                .endpoints
                .iter()
                .find(|e| e.name.eq_ignore_ascii_case(endpoint))
            else {
                return Err(AzureError::new(
                    ErrorKind::Malformed(format!("no endpoint '{endpoint}' in the profile")),
                    "PATCH",
                    profile,
                ));
            };
            w.traffic_manager_endpoint(profile, ep, update).await
        }
        Action::FrontDoorOrigin {
            origin_group,
            origin,
            update,
        } => w.front_door_origin(origin_group, origin, update).await,
    }
}

/// The method and path an action sends (for the journal and the report).
pub(super) fn describe(a: &Action) -> (String, String) {
    let (m, p) = match a {
        Action::StorageFailover { id, .. } => ("POST", format!("{id}/failover")),
        Action::StorageSetSku { id, .. } => ("PATCH", id.clone()),
        Action::SqlFailover {
            group_on_target,
            mode,
        } => (
            "POST",
            format!(
                "{group_on_target}/{}",
                match mode {
                    crate::azure::SqlFailover::Planned => "failover",
                    crate::azure::SqlFailover::Forced => "forceFailoverAllowDataLoss",
                    crate::azure::SqlFailover::TryPlanned => "tryPlannedBeforeForcedFailover",
                }
            ),
        ),
        Action::CosmosPriority { id, .. } => ("POST", format!("{id}/failoverPriorityChange")),
        Action::CosmosOffline { id, .. } => ("POST", format!("{id}/offlineRegion")),
        Action::CosmosOnline { id, .. } => ("POST", format!("{id}/onlineRegion")),
        Action::PostgresPromote { replica, .. } | Action::MysqlStopReplication { replica } => {
            ("PATCH", replica.clone())
        }
        Action::AksPower { id, start } => (
            "POST",
            format!("{id}/{}", if *start { "start" } else { "stop" }),
        ),
        Action::AksScale { id, pool, .. } => ("PUT", format!("{id}/agentPools/{pool}")),
        Action::ComputeScale { id, .. } => ("PATCH", id.clone()),
        Action::EndpointTraffic { id, .. } => ("PUT", id.clone()),
        Action::DeploymentScale {
            endpoint,
            deployment,
            ..
        } => ("PATCH", format!("{endpoint}/deployments/{deployment}")),
        Action::TrafficManagerEndpoint {
            profile, endpoint, ..
        } => ("PATCH", format!("{profile}/ExternalEndpoints/{endpoint}")),
        Action::FrontDoorOrigin {
            origin_group,
            origin,
            ..
        } => ("PATCH", format!("{origin_group}/origins/{origin}")),
    };
    (m.to_string(), p)
}
