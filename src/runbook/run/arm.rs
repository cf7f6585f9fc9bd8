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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::SqlFailover;
    use crate::azure::ops::Body;

    fn d(a: Action) -> String {
        let (m, p) = describe(&a);
        format!("{m} {p}")
    }

    /// The journal names each request as it always has.
    #[test]
    fn describe_names_method_and_path() {
        let sql = |mode| Action::SqlFailover {
            group_on_target: "fg".into(),
            mode,
        };
        assert_eq!(d(sql(SqlFailover::Planned)), "POST fg/failover");
        assert_eq!(
            d(sql(SqlFailover::Forced)),
            "POST fg/forceFailoverAllowDataLoss"
        );
        assert_eq!(
            d(sql(SqlFailover::TryPlanned)),
            "POST fg/tryPlannedBeforeForcedFailover"
        );
        let sa = Action::StorageFailover {
            id: "sa".into(),
            planned: true,
        };
        assert_eq!(d(sa.clone()), "POST sa/failover");
        assert_eq!(request(&sa).query, &[("failoverType", "Planned")]);
        assert_eq!(
            d(Action::AksPower {
                id: "k".into(),
                start: false
            }),
            "POST k/stop"
        );
        assert_eq!(
            d(Action::AksScale {
                id: "k".into(),
                pool: "p".into(),
                count: 3
            }),
            "PUT k/agentPools/p"
        );
        assert_eq!(
            d(Action::DeploymentScale {
                endpoint: "e".into(),
                deployment: "blue".into(),
                instances: 2
            }),
            "PATCH e/deployments/blue"
        );
        assert_eq!(
            d(Action::TrafficManagerEndpoint {
                profile: "tm".into(),
                endpoint: "west".into(),
                update: Default::default()
            }),
            "PATCH tm/ExternalEndpoints/west"
        );
        assert_eq!(
            d(Action::FrontDoorOrigin {
                origin_group: "og".into(),
                origin: "o".into(),
                update: Default::default()
            }),
            "PATCH og/origins/o"
        );
        let traffic = Action::EndpointTraffic {
            id: "ep".into(),
            traffic: [("blue".to_string(), 100)].into(),
        };
        assert_eq!(d(traffic.clone()), "PUT ep");
        assert!(matches!(request(&traffic).body, Body::EndpointTraffic(_)));
    }
}
