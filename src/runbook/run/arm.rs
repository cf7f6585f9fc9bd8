//! The one table of what each runbook action sends to ARM: `request` maps an action to its
//! operation in `crate::azure::ops` (method, path, api-version, query and body, defined there
//! per provider). `send` sends it; `describe` names it for the journal and the report.

use crate::azure::models::ScaleSettings;
use crate::azure::ops::{self, ArmRequest};
use crate::azure::{ArmWriter, AzureError, ErrorKind, Submitted};
use crate::runbook::model::*;

/// How the journal names a Traffic Manager endpoint's type before the profile is read.
const TRAFFIC_MANAGER_ENDPOINT_TYPE: &str = "ExternalEndpoints";

/// An action's ARM request.
pub(super) fn request(a: &Action) -> ArmRequest {
    match a {
        Action::StorageFailover { id, planned } => ops::storage::failover(id, *planned),
        Action::StorageSetSku { id, sku } => ops::storage::set_sku(id, sku),
        Action::SqlFailover {
            group_on_target,
            mode,
        } => ops::sql::failover(group_on_target, *mode),
        Action::CosmosPriority { id, order } => ops::cosmos::failover_priority_change(id, order),
        Action::CosmosOffline { id, region } => ops::cosmos::offline_region(id, region),
        Action::CosmosOnline { id, region } => ops::cosmos::online_region(id, region),
        Action::PostgresPromote { replica, opts } => ops::flex::postgres_promote(replica, *opts),
        Action::MysqlStopReplication { replica } => ops::flex::mysql_stop_replication(replica),
        Action::AksPower { id, start } => ops::aks::power(id, *start),
        Action::AksScale { id, pool, count } => ops::aks::scale_pool(id, pool, *count),
        Action::ComputeScale { id, min, max } => ops::aml::compute_scale(
            id,
            &ScaleSettings {
                max_node_count: *max,
                min_node_count: *min,
                node_idle_time_before_scale_down: Some("PT5M".into()),
            },
        ),
        Action::EndpointTraffic { id, traffic } => ops::aml::endpoint_traffic(id, traffic),
        Action::DeploymentScale {
            endpoint,
            deployment,
            instances,
        } => ops::aml::deployment_scale(endpoint, deployment, *instances),
        // Sent with the endpoint's type and name as the profile spells them (`send`).
        Action::TrafficManagerEndpoint {
            profile,
            endpoint,
            update,
        } => ops::routing::traffic_manager_endpoint(
            profile,
            TRAFFIC_MANAGER_ENDPOINT_TYPE,
            endpoint,
            update,
        ),
        Action::FrontDoorOrigin {
            origin_group,
            origin,
            update,
        } => ops::routing::front_door_origin(origin_group, origin, update),
    }
}

/// Sends an action's request.
pub(super) async fn send(w: &ArmWriter, a: &Action) -> Result<Submitted, AzureError> {
    if let Action::TrafficManagerEndpoint {
        profile,
        endpoint,
        update,
    } = a
    {
        // The endpoint's type (Azure, External, Nested) is the profile's.
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
        return w.traffic_manager_endpoint(profile, ep, update).await;
    }
    w.send(&request(a)).await
}

/// The method and path an action sends (for the journal and the report).
pub(super) fn describe(a: &Action) -> (String, String) {
    let r = request(a);
    (r.method.to_string(), r.path)
}
