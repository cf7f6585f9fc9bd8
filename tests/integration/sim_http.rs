//! The simulator over real HTTP on loopback: every operation, the LRO protocol, every fault.

use crate::common;

use std::time::Duration;

use azfailover::config::Config;
use azfailover::sim::Fault;
use common::*;
use serde_json::json;

const SCALE: f64 = 2000.0;

#[tokio::test]
async fn requests_need_a_bearer_token_and_an_api_version() {
    let sim = Sim::start(SCALE).await;
    let url = format!("{}{}?api-version=2025-01-01", sim.url(), storage_id());
    let r = sim.http.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "AuthenticationFailed");

    let r = sim
        .call("GET", &format!("{}?x=1", storage_id()), None)
        .await;
    // `call` adds api-version when missing; send one without it explicitly.
    assert_eq!(r.status, 200);
    let no_version = sim
        .http
        .get(format!("{}{}", sim.url(), storage_id()))
        .bearer_auth("t")
        .send()
        .await
        .unwrap();
    assert_eq!(no_version.status(), 400);
    let body: serde_json::Value = no_version.json().await.unwrap();
    assert_eq!(body["error"]["code"], "MissingApiVersionParameter");

    let bad = sim
        .call("GET", &format!("{}?api-version=latest", storage_id()), None)
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json["error"]["code"], "InvalidApiVersionParameter");
    let preview = sim
        .call(
            "GET",
            &format!("{}?api-version=2023-01-01-preview", storage_id()),
            None,
        )
        .await;
    assert_eq!(preview.status, 200);
    assert!(preview.header("x-ms-request-id").is_some());
    assert!(preview.header("x-ms-correlation-request-id").is_some());
}

#[tokio::test]
async fn paths_match_case_insensitively_and_unknown_ones_are_404() {
    let sim = Sim::start(SCALE).await;
    let upper = storage_id()
        .to_uppercase()
        .replace("SUBSCRIPTIONS", "subscriptions");
    let body = sim.get(&upper).await;
    assert_eq!(body["name"], "stcontosotraindata");
    let missing = sim
        .call(
            "GET",
            &rid("rg", "Microsoft.Storage/storageAccounts/nope"),
            None,
        )
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json["error"]["code"], "ResourceNotFound");
    let other_sub = sim.call("GET", "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.ResourceHealth/events", None).await;
    assert_eq!(other_sub.status, 404);
    assert_eq!(other_sub.json["error"]["code"], "SubscriptionNotFound");
    let delete = sim.call("DELETE", &storage_id(), None).await;
    assert_eq!(delete.status, 405);
}

#[tokio::test]
async fn storage_unplanned_failover_moves_primary_and_drops_to_lrs() {
    let sim = Sim::start(SCALE).await;
    let before = sim
        .get(&format!("{}?$expand=geoReplicationStats", storage_id()))
        .await;
    assert_eq!(before["sku"]["name"], "Standard_RAGRS");
    assert_eq!(
        before["properties"]["geoReplicationStats"]["status"],
        "Live"
    );
    assert_eq!(
        before["properties"]["geoReplicationStats"]["canFailover"],
        true
    );

    let r = sim
        .call("POST", &format!("{}/failover", storage_id()), None)
        .await;
    assert_eq!(r.status, 202, "{}", r.json);
    assert!(r.header("location").unwrap().contains("/asyncoperations/"));
    assert!(r.header("azure-asyncoperation").is_none());
    assert!(r.header("retry-after").is_some());
    // A second failover while one runs is refused.
    let again = sim
        .call("POST", &format!("{}/failover", storage_id()), None)
        .await;
    assert_eq!(again.status, 409);
    let during = sim.get(&storage_id()).await;
    assert_eq!(during["properties"]["failoverInProgress"], true);

    let (status, last) = sim.wait_lro(&r).await;
    assert_eq!(status, "Succeeded");
    assert_eq!(last.status, 200);
    let after = sim
        .get(&format!("{}?$expand=geoReplicationStats", storage_id()))
        .await;
    let p = &after["properties"];
    assert_eq!(p["primaryLocation"], "westus");
    assert!(p.get("secondaryLocation").is_none());
    assert!(p.get("geoReplicationStats").is_none());
    assert!(p.get("lastGeoFailoverTime").is_some());
    assert_eq!(after["sku"]["name"], "Standard_LRS");
    assert_eq!(
        after["location"], "eastus",
        "the resource provider does not move"
    );
    let state = sim.state().await;
    assert_eq!(state["data_loss"].as_array().unwrap().len(), 1);
    assert!(state["data_loss"][0]["seconds"].as_f64().unwrap() >= 90.0);
}

#[tokio::test]
async fn storage_planned_failover_keeps_geo_redundancy_and_needs_both_regions() {
    let sim = Sim::start(SCALE).await;
    let r = sim
        .call(
            "POST",
            &format!("{}/failover?failoverType=Planned", storage_id()),
            None,
        )
        .await;
    assert_eq!(r.status, 202);
    let (status, _) = sim.wait_lro(&r).await;
    assert_eq!(status, "Succeeded");
    let after = sim.get(&storage_id()).await;
    assert_eq!(after["properties"]["primaryLocation"], "westus");
    assert_eq!(after["properties"]["secondaryLocation"], "eastus");
    assert_eq!(after["sku"]["name"], "Standard_RAGRS");
    assert!(
        sim.state().await["data_loss"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    sim.inject(Fault::RegionOutage {
        region: "westus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    let refused = sim
        .call(
            "POST",
            &format!("{}/failover?failoverType=Planned", storage_id()),
            None,
        )
        .await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.json["error"]["code"], "PlannedFailoverNotAllowed");
    let bad_type = sim
        .call(
            "POST",
            &format!("{}/failover?failoverType=Soon", storage_id()),
            None,
        )
        .await;
    assert_eq!(bad_type.status, 400);
}

#[tokio::test]
async fn storage_reprotect_bootstraps_then_goes_live() {
    let sim = Sim::start(SCALE).await;
    let r = sim
        .call("POST", &format!("{}/failover", storage_id()), None)
        .await;
    sim.wait_lro(&r).await;
    let lrs = sim
        .call("POST", &format!("{}/failover", storage_id()), None)
        .await;
    assert_eq!(lrs.status, 400);
    assert_eq!(lrs.json["error"]["code"], "FailoverNotSupported");
    let patched = sim
        .call(
            "PATCH",
            &storage_id(),
            Some(json!({"sku": {"name": "Standard_RAGRS"}})),
        )
        .await;
    assert_eq!(patched.status, 200);
    let geo = sim
        .get(&format!("{}?$expand=geoReplicationStats", storage_id()))
        .await;
    assert_eq!(geo["properties"]["secondaryLocation"], "eastus");
    assert_eq!(
        geo["properties"]["geoReplicationStats"]["status"],
        "Bootstrap"
    );
    assert_eq!(
        geo["properties"]["geoReplicationStats"]["canFailover"],
        false
    );
    // 30 simulated minutes at 2000× ≈ 0.9 s.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let geo = sim
        .get(&format!("{}?$expand=geoReplicationStats", storage_id()))
        .await;
    assert_eq!(geo["properties"]["geoReplicationStats"]["status"], "Live");
}

#[tokio::test]
async fn sql_failover_goes_to_the_secondary_and_swaps_roles() {
    let sim = Sim::start(SCALE).await;
    let primary = sim.get(&sql_fg("sql-contoso-eastus")).await;
    assert_eq!(primary["properties"]["replicationRole"], "Primary");
    assert_eq!(primary["location"], "East US");
    assert_eq!(
        primary["properties"]["partnerServers"][0]["replicationRole"],
        "Secondary"
    );
    let secondary = sim.get(&sql_fg("sql-contoso-westus")).await;
    assert_eq!(secondary["properties"]["replicationRole"], "Secondary");

    let wrong = sim
        .call(
            "POST",
            &format!("{}/failover", sql_fg("sql-contoso-eastus")),
            None,
        )
        .await;
    assert_eq!(wrong.status, 400);
    assert_eq!(
        wrong.json["error"]["code"],
        "FailoverGroupFailoverRequestOnPrimary"
    );

    let r = sim
        .call(
            "POST",
            &format!("{}/failover", sql_fg("sql-contoso-westus")),
            None,
        )
        .await;
    assert_eq!(r.status, 202);
    assert!(
        r.header("location")
            .unwrap()
            .contains("failoverGroupOperationResults")
    );
    let busy = sim
        .call(
            "POST",
            &format!("{}/failover", sql_fg("sql-contoso-westus")),
            None,
        )
        .await;
    assert_eq!(busy.status, 409);
    assert_eq!(busy.json["error"]["code"], "FailoverGroupBusy");
    let (status, last) = sim.wait_lro(&r).await;
    assert_eq!(status, "Succeeded");
    assert_eq!(last.json["properties"]["replicationRole"], "Primary");
    assert_eq!(
        sim.get(&sql_fg("sql-contoso-eastus")).await["properties"]["replicationRole"],
        "Secondary"
    );
    assert!(
        sim.state().await["data_loss"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn sql_planned_failover_times_out_in_an_outage_and_forced_loses_the_lag() {
    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::ReplicationLag {
        resource: Some(sql_fg("sql-contoso-eastus")),
        target: None,
        seconds: 120.0,
    });
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    let fg = sim.get(&sql_fg("sql-contoso-westus")).await;
    assert_eq!(fg["properties"]["replicationState"], "SUSPENDED");

    let planned = sim
        .call(
            "POST",
            &format!("{}/failover", sql_fg("sql-contoso-westus")),
            None,
        )
        .await;
    let (status, last) = sim.wait_lro(&planned).await;
    assert_eq!(status, "Failed");
    assert_eq!(last.json["error"]["code"], "PlannedFailoverTimedOut");

    let forced = sim
        .call(
            "POST",
            &format!(
                "{}/forceFailoverAllowDataLoss",
                sql_fg("sql-contoso-westus")
            ),
            None,
        )
        .await;
    assert_eq!(forced.status, 202);
    let (status, _) = sim.wait_lro(&forced).await;
    assert_eq!(status, "Succeeded");
    assert_eq!(
        sim.get(&sql_fg("sql-contoso-westus")).await["properties"]["replicationRole"],
        "Primary"
    );
    let loss = sim.state().await["data_loss"][0]["seconds"]
        .as_f64()
        .unwrap();
    assert!(loss >= 120.0, "{loss}");
}

#[tokio::test]
async fn sql_try_planned_falls_back_to_forced_when_the_primary_is_down() {
    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    let r = sim
        .call(
            "POST",
            &format!(
                "{}/tryPlannedBeforeForcedFailover",
                sql_fg("sql-contoso-westus")
            ),
            None,
        )
        .await;
    assert_eq!(r.status, 202);
    assert_eq!(sim.wait_lro(&r).await.0, "Succeeded");
    assert_eq!(sim.state().await["data_loss"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn cosmos_priority_change_moves_the_write_region_and_fails_in_an_outage() {
    let sim = Sim::start(SCALE).await;
    let acct = sim.get(&cosmos_id()).await;
    assert_eq!(
        acct["properties"]["writeLocations"][0]["locationName"],
        "East US"
    );
    let body = json!({"failoverPolicies": [{"locationName": "westus", "failoverPriority": 0}, {"locationName": "East US", "failoverPriority": 1}]});
    let r = sim
        .call(
            "POST",
            &format!("{}/failoverPriorityChange", cosmos_id()),
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, 202);
    assert!(r.header("azure-asyncoperation").is_some() && r.header("location").is_some());
    assert_eq!(sim.wait_lro(&r).await.0, "Succeeded");
    let acct = sim.get(&cosmos_id()).await;
    assert_eq!(
        acct["properties"]["writeLocations"][0]["locationName"],
        "West US"
    );

    let invalid = sim
        .call(
            "POST",
            &format!("{}/failoverPriorityChange", cosmos_id()),
            Some(json!({"failoverPolicies": [{"locationName": "eastus", "failoverPriority": 0}]})),
        )
        .await;
    assert_eq!(invalid.status, 400);

    // Back to East US while East US is down: accepted, then the operation fails.
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    let back = json!({"failoverPolicies": [{"locationName": "eastus", "failoverPriority": 0}, {"locationName": "westus", "failoverPriority": 1}]});
    let r = sim
        .call(
            "POST",
            &format!("{}/failoverPriorityChange", cosmos_id()),
            Some(back),
        )
        .await;
    let (status, last) = sim.wait_lro(&r).await;
    assert_eq!(status, "Failed");
    assert_eq!(last.json["error"]["code"], "ServiceUnavailable");
    assert_eq!(
        sim.get(&cosmos_id()).await["properties"]["writeLocations"][0]["locationName"],
        "West US"
    );
}

#[tokio::test]
async fn cosmos_offline_region_fails_writes_over_and_online_returns_as_read() {
    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    let r = sim
        .call(
            "POST",
            &format!("{}/offlineRegion", cosmos_id()),
            Some(json!({"region": "East US"})),
        )
        .await;
    assert_eq!(r.status, 202);
    assert_eq!(sim.wait_lro(&r).await.0, "Succeeded");
    let acct = sim.get(&cosmos_id()).await;
    assert_eq!(
        acct["properties"]["writeLocations"][0]["locationName"],
        "West US"
    );
    assert_eq!(
        acct["properties"]["readLocations"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(sim.state().await["data_loss"].as_array().unwrap().len(), 1);

    sim.inject(Fault::RegionRecover {
        region: "eastus".into(),
    });
    let r = sim
        .call(
            "POST",
            &format!("{}/onlineRegion", cosmos_id()),
            Some(json!({"region": "eastus"})),
        )
        .await;
    assert_eq!(sim.wait_lro(&r).await.0, "Succeeded");
    let acct = sim.get(&cosmos_id()).await;
    assert_eq!(
        acct["properties"]["writeLocations"][0]["locationName"], "West US",
        "switching back is manual"
    );
    assert_eq!(
        acct["properties"]["readLocations"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn aks_start_stop_and_node_pool_scale() {
    let sim = Sim::start(SCALE).await;
    let cold = sim.get(&aks("westus")).await;
    assert_eq!(cold["properties"]["powerState"]["code"], "Stopped");
    let r = sim
        .call("POST", &format!("{}/start", aks("westus")), None)
        .await;
    assert_eq!(r.status, 202);
    assert!(r.header("location").unwrap().contains("/operationresults/"));
    assert_eq!(
        sim.get(&aks("westus")).await["properties"]["provisioningState"],
        "Starting"
    );
    let (status, last) = sim.wait_lro(&r).await;
    assert_eq!(status, "Succeeded");
    assert_eq!(last.status, 204);
    assert_eq!(
        sim.get(&aks("westus")).await["properties"]["powerState"]["code"],
        "Running"
    );
    let again = sim
        .call("POST", &format!("{}/start", aks("westus")), None)
        .await;
    assert_eq!(again.status, 400);

    let pool = format!("{}/agentPools/gpu", aks("westus"));
    let r = sim
        .call("PUT", &pool, Some(json!({"properties": {"count": 4}})))
        .await;
    assert_eq!(r.status, 200);
    assert!(r.header("azure-asyncoperation").is_some());
    assert_eq!(sim.wait_lro(&r).await.0, "Succeeded");
    assert_eq!(sim.get(&pool).await["properties"]["count"], 4);
    let pools = sim.get(&format!("{}/agentPools", aks("westus"))).await;
    assert_eq!(pools["value"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn aml_compute_scale_uses_the_doubly_nested_body() {
    let sim = Sim::start(SCALE).await;
    let c = format!("{}/computes/gpu-train", workspace("westus"));
    let before = sim.get(&c).await;
    assert_eq!(
        before["properties"]["properties"]["scaleSettings"]["maxNodeCount"],
        0
    );
    let flat = sim
        .call(
            "PATCH",
            &c,
            Some(json!({"properties": {"scaleSettings": {"maxNodeCount": 8}}})),
        )
        .await;
    assert_eq!(flat.status, 400);
    let body = json!({"properties": {"properties": {"scaleSettings": {"maxNodeCount": 8, "minNodeCount": 2, "nodeIdleTimeBeforeScaleDown": "PT5M"}}}});
    let r = sim.call("PATCH", &c, Some(body)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["properties"]["provisioningState"], "Updating");
    assert!(r.header("azure-asyncoperation").is_some());
    assert_eq!(sim.wait_lro(&r).await.0, "Succeeded");
    let after = sim.get(&c).await;
    assert_eq!(
        after["properties"]["properties"]["scaleSettings"]["maxNodeCount"],
        8
    );
    assert_eq!(after["properties"]["properties"]["currentNodeCount"], 2);
    let listed = sim.get(&format!("{}/computes", workspace("westus"))).await;
    assert_eq!(listed["value"][0]["name"], "gpu-train");
}

#[tokio::test]
async fn online_endpoint_traffic_changes_by_put_only() {
    let sim = Sim::start(SCALE).await;
    let ep = format!("{}/onlineEndpoints/churn-westus", workspace("westus"));
    let patch = sim
        .call(
            "PATCH",
            &ep,
            Some(json!({"properties": {"traffic": {"blue": 0}}})),
        )
        .await;
    assert_eq!(patch.status, 400);
    let tags = sim
        .call("PATCH", &ep, Some(json!({"tags": {"drill": "yes"}})))
        .await;
    assert_eq!(tags.status, 200);
    assert_eq!(tags.json["tags"]["drill"], "yes");
    let bad = sim
        .call("PUT", &ep, Some(json!({"location": "westus", "kind": "Managed", "properties": {"authMode": "Key", "traffic": {"blue": 60}}})))
        .await;
    assert_eq!(bad.status, 400);
    let unknown = sim
        .call("PUT", &ep, Some(json!({"location": "westus", "properties": {"authMode": "Key", "traffic": {"green": 100}}})))
        .await;
    assert_eq!(unknown.status, 400);
    let r = sim
        .call("PUT", &ep, Some(json!({"location": "westus", "kind": "Managed", "properties": {"authMode": "Key", "traffic": {"blue": 0}}})))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(sim.wait_lro(&r).await.0, "Succeeded");
    assert_eq!(sim.get(&ep).await["properties"]["traffic"]["blue"], 0);

    let dep = format!("{ep}/deployments/blue");
    let r = sim
        .call("PATCH", &dep, Some(json!({"sku": {"capacity": 5}})))
        .await;
    assert_eq!(r.status, 202);
    let (status, last) = sim.wait_lro(&r).await;
    assert_eq!(status, "Succeeded");
    assert_eq!(last.json["status"], "Succeeded");
    assert_eq!(sim.get(&dep).await["sku"]["capacity"], 5);
    assert_eq!(
        sim.get(&format!("{ep}/deployments")).await["value"][0]["name"],
        "blue"
    );
}

#[tokio::test]
async fn traffic_manager_accepts_disabling_every_endpoint() {
    let sim = Sim::start(SCALE).await;
    let profile = sim.get(&tm_id()).await;
    let eps = profile["properties"]["endpoints"].as_array().unwrap();
    assert_eq!(eps.len(), 2);
    assert_eq!(eps[0]["properties"]["endpointMonitorStatus"], "Online");
    for name in ["eastus-endpoint", "westus-endpoint"] {
        let r = sim
            .call(
                "PATCH",
                &format!("{}/ExternalEndpoints/{name}", tm_id()),
                Some(json!({"properties": {"endpointStatus": "Disabled"}})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.json);
        assert_eq!(r.json["properties"]["endpointStatus"], "Disabled");
    }
    let profile = sim.get(&tm_id()).await;
    assert_eq!(
        profile["properties"]["monitorConfig"]["profileMonitorStatus"],
        "Inactive"
    );
    let dup = sim
        .call(
            "PATCH",
            &format!("{}/ExternalEndpoints/westus-endpoint", tm_id()),
            Some(json!({"properties": {"priority": 1}})),
        )
        .await;
    assert_eq!(dup.status, 400);
    sim.call(
        "PATCH",
        &format!("{}/ExternalEndpoints/westus-endpoint", tm_id()),
        Some(json!({"properties": {"endpointStatus": "Enabled"}})),
    )
    .await;
    sim.inject(Fault::RegionOutage {
        region: "westus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    let ep = sim
        .get(&format!("{}/externalEndpoints/westus-endpoint", tm_id()))
        .await;
    assert_eq!(ep["properties"]["endpointMonitorStatus"], "Degraded");
}

fn example() -> Config {
    Config::parse(
        include_str!("../../config.example.toml"),
        "config.example.toml",
    )
    .unwrap()
}

#[tokio::test]
async fn front_door_origin_patch_is_async_with_a_lowercase_header() {
    let sim = Sim::with_config(&example(), SCALE).await;
    let og = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml-global/providers/Microsoft.Cdn/profiles/afd-ml/originGroups/scoring";
    let origins = sim.get(&format!("{og}/origins")).await;
    assert_eq!(origins["value"].as_array().unwrap().len(), 2);
    let r = sim
        .call(
            "PATCH",
            &format!("{og}/origins/eastus-origin"),
            Some(json!({"properties": {"enabledState": "Disabled"}})),
        )
        .await;
    assert_eq!(r.status, 202);
    assert!(r.headers.contains_key("azure-asyncoperation"));
    assert_eq!(r.json["properties"]["provisioningState"], "Updating");
    assert_eq!(sim.wait_lro(&r).await.0, "Succeeded");
    let o = sim.get(&format!("{og}/origins/eastus-origin")).await;
    assert_eq!(o["properties"]["enabledState"], "Disabled");
    assert_eq!(o["properties"]["provisioningState"], "Succeeded");
    assert_eq!(
        sim.get(og).await["properties"]["provisioningState"],
        "Succeeded"
    );
}

#[tokio::test]
async fn postgres_promotion_switchover_and_forced_standalone() {
    let sim = Sim::start(SCALE).await;
    let replica = sim.get(&pg("westus")).await;
    assert_eq!(replica["properties"]["replicationRole"], "AsyncReplica");
    assert_eq!(
        replica["properties"]["replica"]["replicationState"],
        "Active"
    );
    let on_primary = sim
        .call("PATCH", &pg("eastus"), Some(json!({"properties": {"replica": {"promoteMode": "switchover", "promoteOption": "planned"}}})))
        .await;
    assert_eq!(on_primary.status, 400);
    let r = sim
        .call("PATCH", &pg("westus"), Some(json!({"properties": {"replica": {"promoteMode": "switchover", "promoteOption": "planned"}}})))
        .await;
    assert_eq!(r.status, 202);
    assert!(
        r.header("azure-asyncoperation")
            .unwrap()
            .contains("azureAsyncOperation")
    );
    assert!(r.header("location").unwrap().contains("operationResults"));
    assert_eq!(sim.wait_lro(&r).await.0, "Succeeded");
    assert_eq!(
        sim.get(&pg("westus")).await["properties"]["replicationRole"],
        "Primary"
    );
    assert_eq!(
        sim.get(&pg("eastus")).await["properties"]["replicationRole"],
        "AsyncReplica"
    );
    let replicas = sim.get(&format!("{}/replicas", pg("westus"))).await;
    assert_eq!(replicas["value"][0]["name"], "psql-contoso-eastus");

    // In an outage of the (new) primary region, only a forced promotion works, and loses the lag.
    sim.inject(Fault::RegionOutage {
        region: "westus".into(),
        title: None,
        arm: Some(azfailover::sim::world::ArmBehaviour::Up),
        control_plane: None,
    });
    let planned = sim
        .call("PATCH", &pg("eastus"), Some(json!({"properties": {"replica": {"promoteMode": "standalone", "promoteOption": "planned"}}})))
        .await;
    let (status, last) = sim.wait_lro(&planned).await;
    assert_eq!(status, "Failed");
    assert_eq!(last.json["error"]["code"], "PlannedPromotionNotPossible");
    let forced = sim
        .call("PATCH", &pg("eastus"), Some(json!({"properties": {"replica": {"promoteMode": "standalone", "promoteOption": "forced"}}})))
        .await;
    assert_eq!(sim.wait_lro(&forced).await.0, "Succeeded");
    assert_eq!(
        sim.get(&pg("eastus")).await["properties"]["replicationRole"],
        "None"
    );
    assert_eq!(sim.state().await["data_loss"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn mysql_stop_replication_detaches_the_replica() {
    let sim = Sim::with_config(&example(), SCALE).await;
    let replica = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml-westus/providers/Microsoft.DBforMySQL/flexibleServers/mysql-westus";
    // MySQL's words (not PostgreSQL's): the primary is the Source, the standby a Replica.
    assert_eq!(
        sim.get(replica).await["properties"]["replicationRole"],
        "Replica"
    );
    let source = replica
        .replace("rg-ml-westus", "rg-ml-eastus")
        .replace("mysql-westus", "mysql-eastus");
    assert_eq!(
        sim.get(&source).await["properties"]["replicationRole"],
        "Source"
    );
    let r = sim
        .call(
            "PATCH",
            replica,
            Some(json!({"properties": {"replicationRole": "None"}})),
        )
        .await;
    assert_eq!(r.status, 202);
    assert_eq!(sim.wait_lro(&r).await.0, "Succeeded");
    let after = sim.get(replica).await;
    assert_eq!(after["properties"]["replicationRole"], "None");
    assert!(after["properties"]["sourceServerResourceId"].is_null());
    // The source lost its only replica: a server without replicas has the role None.
    assert_eq!(
        sim.get(&source).await["properties"]["replicationRole"],
        "None"
    );
}

#[tokio::test]
async fn read_only_kinds_answer_get() {
    let sim = Sim::start(SCALE).await;
    let kv = sim
        .get(&rid(
            "rg-contoso-ml-global",
            "Microsoft.KeyVault/vaults/kv-contoso-ml",
        ))
        .await;
    assert_eq!(
        kv["properties"]["vaultUri"],
        "https://kv-contoso-ml.vault.azure.net"
    );
    let ai = sim
        .get(&rid(
            "rg-contoso-ml-westus",
            "Microsoft.Insights/components/appi-contoso-westus",
        ))
        .await;
    assert_eq!(ai["location"], "West US");
    let ws = sim.get(&workspace("eastus")).await;
    assert!(
        ws["properties"]["keyVault"]
            .as_str()
            .unwrap()
            .ends_with("kv-contoso-ml")
    );
    let acr = rid(
        "rg-contoso-ml-global",
        "Microsoft.ContainerRegistry/registries/acrcontosoml",
    );
    assert_eq!(sim.get(&acr).await["sku"]["name"], "Premium");
    let reps = sim.get(&format!("{acr}/replications")).await;
    assert_eq!(reps["value"].as_array().unwrap().len(), 2);
    let off = sim
        .call(
            "PATCH",
            &format!("{acr}/replications/westus"),
            Some(json!({"properties": {"regionEndpointEnabled": false}})),
        )
        .await;
    assert_eq!(off.json["properties"]["regionEndpointEnabled"], false);
    let write = sim
        .call(
            "POST",
            &format!(
                "{}/failover",
                rid(
                    "rg-contoso-ml-global",
                    "Microsoft.KeyVault/vaults/kv-contoso-ml"
                )
            ),
            None,
        )
        .await;
    assert_eq!(write.status, 405);
}

#[tokio::test]
async fn resource_health_and_service_health_follow_an_outage() {
    let sim = Sim::start(SCALE).await;
    let list = sim
        .get(&format!(
            "/subscriptions/{SUB}/providers/Microsoft.ResourceHealth/availabilityStatuses"
        ))
        .await;
    let items = list["value"].as_array().unwrap();
    assert!(items.len() >= 15);
    assert!(
        items
            .iter()
            .all(|i| i["properties"]["availabilityState"] == "Available")
    );
    assert!(list.get("nextLink").is_none());
    assert!(
        sim.get(&format!(
            "/subscriptions/{SUB}/providers/Microsoft.ResourceHealth/events"
        ))
        .await["value"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: Some("Power event in East US".into()),
        arm: None,
        control_plane: None,
    });
    let current = sim
        .get(&format!(
            "{}/providers/Microsoft.ResourceHealth/availabilityStatuses/current",
            workspace("eastus")
        ))
        .await;
    assert_eq!(current["properties"]["availabilityState"], "Unavailable");
    assert_eq!(current["name"], "current");
    let secondary = sim
        .get(&format!(
            "{}/providers/Microsoft.ResourceHealth/availabilityStatuses/current",
            workspace("westus")
        ))
        .await;
    assert_eq!(secondary["properties"]["availabilityState"], "Available");
    let events = sim
        .get(&format!(
            "/subscriptions/{SUB}/providers/Microsoft.ResourceHealth/events"
        ))
        .await;
    let ev = &events["value"][0]["properties"];
    assert_eq!(ev["eventType"], "ServiceIssue");
    assert_eq!(ev["status"], "Active");
    assert_eq!(ev["title"], "Power event in East US");
    assert_eq!(
        ev["impact"][0]["impactedRegions"][0]["impactedRegion"],
        "East US"
    );

    // Paging by $top follows nextLink.
    let first = sim
        .get(&format!(
            "/subscriptions/{SUB}/providers/Microsoft.ResourceHealth/availabilityStatuses?$top=5"
        ))
        .await;
    assert_eq!(first["value"].as_array().unwrap().len(), 5);
    let mut next = first["nextLink"].as_str().map(str::to_string);
    let mut total = 5;
    while let Some(url) = next {
        let page = sim.get(&url).await;
        total += page["value"].as_array().unwrap().len();
        next = page["nextLink"].as_str().map(str::to_string);
    }
    assert_eq!(total, items.len());
    let rg = sim.get(&format!("/subscriptions/{SUB}/resourceGroups/rg-contoso-ml-westus/providers/Microsoft.ResourceHealth/availabilityStatuses")).await;
    assert!(
        rg["value"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["id"].as_str().unwrap().contains("rg-contoso-ml-westus"))
    );

    sim.inject(Fault::RegionRecover {
        region: "eastus".into(),
    });
    let events = sim
        .get(&format!(
            "/subscriptions/{SUB}/providers/Microsoft.ResourceHealth/events"
        ))
        .await;
    assert_eq!(events["value"][0]["properties"]["status"], "Resolved");
}

#[tokio::test]
async fn an_outage_fails_regional_arm_calls_and_freezes_replication() {
    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::RegionOutage {
        region: "primary".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    let ws = sim.call("GET", &workspace("eastus"), None).await;
    assert_eq!(ws.status, 503);
    assert_eq!(ws.json["error"]["code"], "ServiceUnavailable");
    // Replicated resources stay manageable, and their lastSyncTime freezes.
    let a = sim
        .get(&format!("{}?$expand=geoReplicationStats", storage_id()))
        .await;
    assert_eq!(a["properties"]["statusOfPrimary"], "unavailable");
    assert_eq!(a["properties"]["geoReplicationStats"]["canFailover"], true);
    assert_eq!(
        a["properties"]["geoReplicationStats"]["canPlannedFailover"],
        false
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    let b = sim
        .get(&format!("{}?$expand=geoReplicationStats", storage_id()))
        .await;
    assert_eq!(
        a["properties"]["geoReplicationStats"]["lastSyncTime"],
        b["properties"]["geoReplicationStats"]["lastSyncTime"]
    );
    let replica = sim.get(&pg("westus")).await;
    assert_eq!(
        replica["properties"]["replica"]["replicationState"],
        "Broken"
    );

    let bad = sim.server.inject(&Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    assert!(bad.unwrap_err().contains("already down"));
}

#[tokio::test]
async fn a_hanging_region_makes_the_client_deadline_fire() {
    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: Some(azfailover::sim::world::ArmBehaviour::Hang),
        control_plane: None,
    });
    let url = format!(
        "{}{}?api-version=2025-09-01",
        sim.url(),
        workspace("eastus")
    );
    let started = std::time::Instant::now();
    let r = sim
        .http
        .get(&url)
        .bearer_auth("t")
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(r.unwrap_err().is_timeout());
    assert!(started.elapsed() < Duration::from_secs(2));
    // The other region still answers at once.
    sim.get(&workspace("westus")).await;
}

#[tokio::test]
async fn throttling_answers_429_with_retry_after() {
    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::Throttle { seconds: 1.0 });
    let r = sim.call("GET", &storage_id(), None).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(r.json["error"]["code"], "TooManyRequests");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(sim.call("GET", &storage_id(), None).await.status, 200);
}

#[tokio::test]
async fn latency_slows_only_the_named_region() {
    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::Latency {
        millis: 250,
        region: Some("eastus".into()),
        methods: None,
    });
    let t = std::time::Instant::now();
    sim.get(&workspace("eastus")).await;
    assert!(t.elapsed() >= Duration::from_millis(240));
    let t = std::time::Instant::now();
    sim.get(&workspace("westus")).await;
    assert!(t.elapsed() < Duration::from_millis(200));
    sim.inject(Fault::Latency {
        millis: 0,
        region: Some("eastus".into()),
        methods: None,
    });
    let t = std::time::Instant::now();
    sim.get(&workspace("eastus")).await;
    assert!(t.elapsed() < Duration::from_millis(200));
}

#[tokio::test]
async fn flaky_faults_drop_connections_and_answer_5xx() {
    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::Flaky {
        error_rate: 0.0,
        drop_rate: 1.0,
        seconds: None,
        after_apply: None,
        methods: None,
    });
    let url = format!("{}{}?api-version=2025-01-01", sim.url(), storage_id());
    let err = sim
        .http
        .get(&url)
        .bearer_auth("t")
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_timeout(), "{err}");
    sim.inject(Fault::Flaky {
        error_rate: 1.0,
        drop_rate: 0.0,
        seconds: None,
        after_apply: None,
        methods: None,
    });
    let r = sim.call("GET", &storage_id(), None).await;
    assert!(r.status == 500 || r.status == 503, "{}", r.status);
    sim.inject(Fault::Clear);
    assert_eq!(sim.call("GET", &storage_id(), None).await.status, 200);
}

#[tokio::test]
async fn resource_down_and_recover() {
    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::ResourceDown {
        resource: Some(storage_id()),
        target: None,
    });
    let h = sim
        .get(&format!(
            "{}/providers/Microsoft.ResourceHealth/availabilityStatuses/current",
            storage_id()
        ))
        .await;
    assert_eq!(h["properties"]["availabilityState"], "Unavailable");
    sim.inject(Fault::ResourceRecover {
        resource: Some(storage_id()),
        target: None,
    });
    let h = sim
        .get(&format!(
            "{}/providers/Microsoft.ResourceHealth/availabilityStatuses/current",
            storage_id()
        ))
        .await;
    assert_eq!(h["properties"]["availabilityState"], "Available");
    // Scenario-style targets.
    sim.inject(Fault::ResourceDown {
        resource: None,
        target: Some("kind:aks@secondary".into()),
    });
    let h = sim
        .get(&format!(
            "{}/providers/Microsoft.ResourceHealth/availabilityStatuses/current",
            aks("westus")
        ))
        .await;
    assert_eq!(h["properties"]["availabilityState"], "Unavailable");
    let h = sim
        .get(&format!(
            "{}/providers/Microsoft.ResourceHealth/availabilityStatuses/current",
            aks("eastus")
        ))
        .await;
    assert_eq!(h["properties"]["availabilityState"], "Available");
}

#[tokio::test]
async fn replication_lag_moves_last_sync_time() {
    let sim = Sim::start(1.0).await;
    sim.inject(Fault::ReplicationLag {
        resource: Some(storage_id()),
        target: None,
        seconds: 1800.0,
    });
    let a = sim
        .get(&format!("{}?$expand=geoReplicationStats", storage_id()))
        .await;
    let lst = azfailover::timefmt::parse_rfc3339(
        a["properties"]["geoReplicationStats"]["lastSyncTime"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let lag = (time::OffsetDateTime::now_utc() - lst).as_seconds_f64();
    assert!((1795.0..1810.0).contains(&lag), "{lag}");
    let kv = rid(
        "rg-contoso-ml-global",
        "Microsoft.KeyVault/vaults/kv-contoso-ml",
    );
    assert!(
        sim.server
            .inject(&Fault::ReplicationLag {
                resource: Some(kv),
                target: None,
                seconds: 5.0
            })
            .is_err()
    );
}

#[tokio::test]
async fn malformed_answers_are_truncated_json() {
    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::Malformed {
        resource: Some(storage_id()),
        count: Some(1),
    });
    let r = sim.call("GET", &storage_id(), None).await;
    assert_eq!(r.status, 200);
    assert!(r.json.is_string(), "the body does not parse as JSON");
    assert!(sim.get(&storage_id()).await.is_object());
}

#[tokio::test]
async fn control_api_validates_faults_and_logs_mutations() {
    let sim = Sim::start(SCALE).await;
    let post = |body: serde_json::Value| {
        let http = sim.http.clone();
        let url = format!("{}/_sim/faults", sim.url());
        async move { http.post(url).json(&body).send().await.unwrap() }
    };
    let ok =
        post(json!({"kind": "region-outage", "region": "eastus", "title": "Drill outage"})).await;
    assert_eq!(ok.status(), 200);
    let unknown_region = post(json!({"kind": "region-outage", "region": "centralus"})).await;
    assert_eq!(unknown_region.status(), 400);
    let text = unknown_region.text().await.unwrap();
    assert!(text.contains("not in the deployment"), "{text}");
    assert_eq!(post(json!({"kind": "meteor"})).await.status(), 400);
    assert_eq!(post(json!({"kind": "resource-down", "resource": "/subscriptions/x/resourceGroups/y/providers/A.B/c/d"})).await.status(), 400);
    assert_eq!(
        post(json!({"kind": "latency", "millis": 10}))
            .await
            .status(),
        200
    );
    assert_eq!(
        post(json!({"kind": "throttle", "seconds": 0}))
            .await
            .status(),
        400
    );

    sim.call("POST", &format!("{}/failover", storage_id()), None)
        .await;
    sim.call(
        "PATCH",
        &format!("{}/ExternalEndpoints/eastus-endpoint", tm_id()),
        Some(json!({"properties": {"endpointStatus": "Disabled"}})),
    )
    .await;
    let state = sim.state().await;
    let ops = state["operations"].as_array().unwrap();
    assert_eq!(ops.len(), 2);
    assert_eq!(ops[0]["method"], "POST");
    assert!(ops[0]["path"].as_str().unwrap().ends_with("/failover"));
    assert_eq!(ops[1]["method"], "PATCH");
    assert!(azfailover::timefmt::parse_rfc3339(ops[0]["at"].as_str().unwrap()).is_some());
    assert_eq!(state["regions"]["eastus"]["status"], "down");
    assert_eq!(state["incidents"][0]["title"], "Drill outage");
}

#[tokio::test]
async fn a_scenario_unfolds_over_simulated_time() {
    let cfg = Config::demo();
    let scenario = azfailover::sim::Scenario::resolve("eastus-outage").unwrap();
    let server = azfailover::sim::SimServer::start(
        &cfg,
        azfailover::sim::SimOptions {
            time_scale: Some(600.0),
            scenario: Some(scenario),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let state = |s: &azfailover::sim::SimServer| {
        let w = s.world();
        let mut w = w.lock().unwrap();
        w.advance();
        azfailover::sim::state(&w)
    };
    assert_eq!(state(&server)["regions"]["eastus"]["status"], "up");
    // The outage is at 4 simulated minutes: 0.4 s at 600×.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let s = state(&server);
    assert_eq!(s["regions"]["eastus"]["status"], "down");
    assert_eq!(s["scenario"]["applied"].as_array().unwrap().len(), 4);
    server.stop().await;
}

#[tokio::test]
async fn a_saved_world_goes_on_after_a_restart_with_its_operation_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("drill.sim.json");
    // 20 simulated minutes of storage failover take 4 s at 300×.
    let sim = Sim::start(300.0).await;
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: Some("Drill outage".into()),
        arm: Some(azfailover::sim::world::ArmBehaviour::Up),
        control_plane: None,
    });
    sim.server.persist_to(&saved);
    let r = sim
        .call("POST", &format!("{}/failover", storage_id()), None)
        .await;
    assert_eq!(r.status, 202, "{}", r.json);
    let monitor = r.header("location").unwrap().to_string();
    let before = sim.state().await;
    sim.server.stop().await;

    // A new simulator (a new process, a new port) restored from the file.
    let world = azfailover::sim::persist::load(&saved).unwrap();
    let server = azfailover::sim::SimServer::start(
        &Config::demo(),
        azfailover::sim::SimOptions {
            restore: Some(world),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let sim = Sim {
        server,
        http: reqwest::Client::new(),
    };
    let after = sim.state().await;
    assert_eq!(after["regions"]["eastus"]["status"], "down");
    assert_eq!(after["incidents"][0]["title"], "Drill outage");
    assert_eq!(
        after["operations"], before["operations"],
        "the log of mutations"
    );
    assert_eq!(after["operations"].as_array().unwrap().len(), 1);
    let storage = sim.get(&storage_id()).await;
    assert_eq!(storage["properties"]["failoverInProgress"], true);
    // Its monitor answers on the new server, and the failover completes there.
    let path = &monitor[monitor.find("/subscriptions/").unwrap()..];
    let started = Resp {
        status: 202,
        headers: {
            let mut h = reqwest::header::HeaderMap::new();
            h.insert("location", path.parse().unwrap());
            h
        },
        json: serde_json::Value::Null,
    };
    let (status, _) = sim.wait_lro(&started).await;
    assert_eq!(status, "Succeeded");
    let done = sim.get(&storage_id()).await;
    assert_eq!(done["properties"]["primaryLocation"], "westus");
    assert_eq!(
        sim.state().await["data_loss"].as_array().unwrap().len(),
        1,
        "the forced failover lost the replication lag"
    );
    assert!(
        azfailover::sim::persist::load(&dir.path().join("missing.json")).is_err(),
        "a missing file is an error, not a new world"
    );
    std::fs::write(
        dir.path().join("old.json"),
        r#"{"version": 0, "world": {}}"#,
    )
    .unwrap();
    let old = azfailover::sim::persist::load(&dir.path().join("old.json")).unwrap_err();
    assert!(old.contains("saved by another version"), "{old}");
}

#[tokio::test]
async fn events_and_operations_apply_in_the_order_they_fell_due() {
    // West US goes down 25 simulated minutes in; the storage failover sent at once ends at
    // about 20. Nobody asks in between: the failover must still have succeeded.
    let scenario = azfailover::sim::Scenario::parse(
        "name = \"late-outage\"\ndescription = \"d\"\n[[events]]\nat = \"25m\"\nkind = \"region-outage\"\nregion = \"secondary\"\narm = \"up\"\n",
        "test",
    )
    .unwrap();
    let server = azfailover::sim::SimServer::start(
        &Config::demo(),
        azfailover::sim::SimOptions {
            time_scale: Some(600.0),
            scenario: Some(scenario),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let sim = Sim {
        server,
        http: reqwest::Client::new(),
    };
    let r = sim
        .call("POST", &format!("{}/failover", storage_id()), None)
        .await;
    assert_eq!(r.status, 202, "{}", r.json);
    tokio::time::sleep(Duration::from_millis(3200)).await;
    let state = sim.state().await;
    assert_eq!(state["regions"]["westus"]["status"], "down", "{state:#}");
    let storage = sim.get(&storage_id()).await;
    assert_eq!(
        storage["properties"]["primaryLocation"], "westus",
        "the failover ended before the outage: {storage:#}"
    );
}

/// `az network traffic-manager endpoint update` and `az afd origin update` GET the resource and
/// PUT it back whole: both are accepted as Azure accepts them, and a PUT missing what a whole
/// resource must have is refused.
#[tokio::test]
async fn traffic_manager_endpoints_and_front_door_origins_accept_put() {
    let sim = Sim::with_config(&example(), SCALE).await;
    let ep = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml-global/providers/Microsoft.Network/trafficManagerProfiles/tm-scoring/externalEndpoints/eastus-endpoint";
    let mut whole = sim.get(ep).await;
    whole["properties"]["endpointStatus"] = json!("Disabled");
    let r = sim.call("PUT", ep, Some(whole.clone())).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["properties"]["endpointStatus"], "Disabled");
    assert_eq!(
        sim.get(ep).await["properties"]["endpointStatus"],
        "Disabled"
    );
    let r = sim
        .call(
            "PUT",
            ep,
            Some(json!({"properties": {"endpointStatus": "Enabled"}})),
        )
        .await;
    assert_eq!(r.status, 400, "a PUT without the target: {}", r.json);

    let og = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml-global/providers/Microsoft.Cdn/profiles/afd-ml/originGroups/scoring";
    let o = format!("{og}/origins/eastus-origin");
    let mut whole = sim.get(&o).await;
    whole["properties"]["enabledState"] = json!("Disabled");
    let r = sim.call("PUT", &o, Some(whole)).await;
    assert_eq!(r.status, 202, "{}", r.json);
    assert!(r.headers.contains_key("azure-asyncoperation"));
    assert_eq!(sim.wait_lro(&r).await.0, "Succeeded");
    assert_eq!(sim.get(&o).await["properties"]["enabledState"], "Disabled");
    let r = sim
        .call(
            "PUT",
            &o,
            Some(json!({"properties": {"enabledState": "Enabled"}})),
        )
        .await;
    assert_eq!(r.status, 400, "a PUT without the hostName: {}", r.json);
}

/// What the CLI asks above the resources: subscriptions, tenants, one subscription, the
/// resource list with the `$filter` a command without `-g` sends (paged), and the cloud
/// metadata, which answers without a token.
#[tokio::test]
async fn subscriptions_tenants_resources_and_cloud_metadata() {
    let sim = Sim::start(SCALE).await;
    let sub = "8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b";
    let subs = sim.get("/subscriptions").await;
    assert_eq!(subs["value"][0]["subscriptionId"], sub);
    assert_eq!(subs["value"][0]["state"], "Enabled");
    let tenant = subs["value"][0]["tenantId"].clone();
    assert_eq!(sim.get("/tenants").await["value"][0]["tenantId"], tenant);
    assert_eq!(
        sim.get(&format!("/subscriptions/{sub}")).await["id"],
        format!("/subscriptions/{sub}")
    );
    let other = sim
        .call(
            "GET",
            "/subscriptions/00000000-0000-0000-0000-000000000001",
            None,
        )
        .await;
    assert_eq!(other.status, 404);
    assert_eq!(other.json["error"]["code"], "SubscriptionNotFound");

    let filter = "resourceType eq 'Microsoft.Sql/servers' and name eq 'sql-contoso-westus'";
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("$filter", filter)
        .finish();
    let found = sim
        .get(&format!("/subscriptions/{sub}/resources?{q}"))
        .await;
    let v = found["value"].as_array().unwrap();
    assert_eq!(v.len(), 1, "{found}");
    assert_eq!(
        v[0]["id"],
        format!(
            "/subscriptions/{sub}/resourceGroups/rg-contoso-ml-data/providers/Microsoft.Sql/servers/sql-contoso-westus"
        )
    );
    assert_eq!(v[0]["location"], "westus");
    // Paged: $top per page, nextLink to the rest, every resource once.
    let mut page = sim
        .get(&format!("/subscriptions/{sub}/resources?$top=3"))
        .await;
    let mut ids = Vec::new();
    loop {
        ids.extend(
            page["value"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_string()),
        );
        let Some(next) = page["nextLink"].as_str().map(str::to_string) else {
            break;
        };
        page = sim.get(&next).await;
    }
    let unique: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len());
    assert!(
        ids.iter()
            .any(|i| i.ends_with("/workspaces/mlw-contoso-eastus")),
        "{ids:?}"
    );
    assert!(
        ids.iter().all(|i| !i.contains("/computes/")),
        "top-level only: {ids:?}"
    );

    let meta = sim
        .http
        .get(format!(
            "{}/metadata/endpoints?api-version=2022-09-01",
            sim.url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(meta.status(), 200, "no token needed");
    let meta: serde_json::Value = meta.json().await.unwrap();
    assert_eq!(meta["resourceManager"], format!("{}/", sim.url()));
    assert_eq!(
        meta["authentication"]["audiences"][0],
        "https://management.core.windows.net/"
    );
}

/// HTTPS from a test: the simulator makes and serves its certificate; a client trusting the
/// CA it hands out reaches it, takes a token from the token endpoint (App Service's protocol)
/// and calls ARM with it; monitors are https URLs.
#[tokio::test]
async fn tls_and_the_token_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("ca.pem");
    let server = azfailover::sim::SimServer::start(
        &Config::demo(),
        azfailover::sim::SimOptions {
            time_scale: Some(SCALE),
            tls: Some(azfailover::sim::TlsOptions {
                cert_path: Some(cert.clone()),
            }),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(server.url().starts_with("https://127.0.0.1:"));
    let pem = std::fs::read(&cert).unwrap();
    assert_eq!(server.ca_pem().unwrap().as_bytes(), pem.as_slice());
    let http = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let token_url = server.identity_endpoint();
    let no_header = http
        .get(format!(
            "{token_url}?api-version=2019-08-01&resource=https://management.azure.com/"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(no_header.status(), 401);
    let t: serde_json::Value = http
        .get(format!(
            "{token_url}?api-version=2019-08-01&resource=https://management.azure.com/"
        ))
        .header("X-IDENTITY-HEADER", server.identity_header())
        .header("Metadata", "true")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = t["access_token"].as_str().unwrap();
    assert_eq!(token.split('.').count(), 3, "a JWT");
    assert!(t["expires_on"].as_str().unwrap().parse::<i64>().is_ok());
    let r = http
        .post(format!(
            "{}{}/failover?api-version=2025-01-01&failoverType=Planned",
            server.url(),
            storage_id()
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let loc = r.headers()["location"].to_str().unwrap();
    assert!(
        loc.starts_with(&format!("{}/subscriptions/", server.url())),
        "{loc}"
    );
    let lines = server.client_setup();
    assert!(
        lines
            .iter()
            .any(|l| l == &format!("export REQUESTS_CA_BUNDLE={}", cert.display()))
    );
    assert!(lines.iter().any(|l| l.starts_with(
        "az cloud register -n azfailover-sim --endpoint-resource-manager https://127.0.0.1:"
    )));
    assert!(lines.iter().any(|l| l == "az login --identity"));
    server.stop().await;

    // A drill's simulator keeps plain HTTP for azfailover and adds HTTPS beside it.
    let mut server = azfailover::sim::SimServer::start(&Config::demo(), Default::default())
        .await
        .unwrap();
    let https = server
        .serve_tls_too(azfailover::sim::TlsOptions { cert_path: None })
        .await
        .unwrap();
    let http = reqwest::Client::builder()
        .add_root_certificate(
            reqwest::Certificate::from_pem(server.ca_pem().unwrap().as_bytes()).unwrap(),
        )
        .build()
        .unwrap();
    let r = http
        .get(format!("{https}{}?api-version=2025-01-01", storage_id()))
        .bearer_auth("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(server.url().starts_with("http://"));
    server.stop().await;
}

/// A failover group answers from the point of view of the server the request goes through,
/// before and after a failover, and its failover's monitors name that server's region.
#[tokio::test]
async fn sql_failover_group_views_and_monitor_region() {
    let sim = Sim::start(SCALE).await;
    let (east, west) = (sql_fg("sql-contoso-eastus"), sql_fg("sql-contoso-westus"));
    let e = sim.get(&east).await;
    let w = sim.get(&west).await;
    assert_eq!(
        e["id"].as_str().unwrap().to_ascii_lowercase(),
        east.to_ascii_lowercase()
    );
    assert_eq!(
        w["id"].as_str().unwrap().to_ascii_lowercase(),
        west.to_ascii_lowercase()
    );
    assert_eq!(
        (
            e["properties"]["replicationRole"].as_str(),
            w["properties"]["replicationRole"].as_str()
        ),
        (Some("Primary"), Some("Secondary"))
    );
    let r = sim.call("POST", &format!("{west}/failover"), None).await;
    assert_eq!(r.status, 202);
    let loc = r.header("location").unwrap();
    assert!(
        loc.contains("/providers/Microsoft.Sql/locations/westus/"),
        "{loc}"
    );
    assert_eq!(sim.wait_lro(&r).await.0, "Succeeded");
    let w = sim.get(&west).await;
    assert_eq!(w["properties"]["replicationRole"], "Primary");
    assert!(
        w["properties"]["partnerServers"][0]["id"]
            .as_str()
            .unwrap()
            .ends_with("/sql-contoso-eastus")
    );
    assert_eq!(
        w["properties"]["partnerServers"][0]["replicationRole"],
        "Secondary"
    );
    let e = sim.get(&east).await;
    assert_eq!(e["properties"]["replicationRole"], "Secondary");
    assert_eq!(
        e["properties"]["partnerServers"][0]["replicationRole"],
        "Primary"
    );
    // Back, sent to the east server: its monitors are in eastus.
    let r = sim.call("POST", &format!("{east}/failover"), None).await;
    assert!(r.header("location").unwrap().contains("/locations/eastus/"));
}

/// With `control_plane` on, an outage takes down the regional control planes there — the
/// primary server's failover group, the primary PostgreSQL server, the registry at home —
/// while the secondary server's group, a forced failover sent to it, and the global ones
/// (storage, Cosmos DB, Traffic Manager) keep answering. Off (the default for now), the
/// failover group answers through both servers as before.
#[tokio::test]
async fn regional_control_planes_in_an_outage() {
    // On by default: the primary's SQL server does not answer about its group.
    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    assert_eq!(
        sim.call("GET", &sql_fg("sql-contoso-eastus"), None)
            .await
            .status,
        503
    );
    // Switched off for the fault: only the region's own per-region resources fail.
    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: Some(false),
    });
    assert_eq!(
        sim.call("GET", &sql_fg("sql-contoso-eastus"), None)
            .await
            .status,
        200
    );
    assert_eq!(sim.call("GET", &pg("eastus"), None).await.status, 503);

    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: Some(true),
    });
    let acr = rid(
        "rg-contoso-ml-global",
        "Microsoft.ContainerRegistry/registries/acrcontosoml",
    );
    for down in [
        sql_fg("sql-contoso-eastus"),
        pg("eastus"),
        workspace("eastus"),
        aks("eastus"),
        acr,
    ] {
        let r = sim.call("GET", &down, None).await;
        assert_eq!(r.status, 503, "{down}: {}", r.json);
        assert_eq!(r.json["error"]["code"], "ServiceUnavailable");
    }
    for up in [
        sql_fg("sql-contoso-westus"),
        pg("westus"),
        storage_id(),
        cosmos_id(),
        tm_id(),
        rid(
            "rg-contoso-ml-global",
            "Microsoft.KeyVault/vaults/kv-contoso-ml",
        ),
    ] {
        assert_eq!(sim.call("GET", &up, None).await.status, 200, "{up}");
    }
    // Resource Health still answers about the downed ones.
    let h = sim
        .call(
            "GET",
            &format!(
                "{}/providers/Microsoft.ResourceHealth/availabilityStatuses/current",
                sql_fg("sql-contoso-eastus")
            ),
            None,
        )
        .await;
    assert_eq!(h.status, 200);
    let r = sim
        .call(
            "POST",
            &format!(
                "{}/forceFailoverAllowDataLoss",
                sql_fg("sql-contoso-westus")
            ),
            None,
        )
        .await;
    assert_eq!(r.status, 202);
    assert_eq!(sim.wait_lro(&r).await.0, "Succeeded");
    assert_eq!(
        sim.get(&sql_fg("sql-contoso-westus")).await["properties"]["replicationRole"],
        "Primary"
    );
    let st = sim
        .call(
            "POST",
            &format!("{}/failover?failoverType=Planned", storage_id()),
            None,
        )
        .await;
    assert_ne!(
        st.status, 503,
        "storage's control plane is global: {}",
        st.json
    );
    let c = sim
        .call("POST", &format!("{}/failoverPriorityChange", cosmos_id()), Some(json!({"failoverPolicies": [{"locationName": "westus", "failoverPriority": 0}, {"locationName": "eastus", "failoverPriority": 1}]})))
        .await;
    assert_ne!(
        c.status, 503,
        "Cosmos DB's control plane is global: {}",
        c.json
    );
}

/// Azure ML readiness: a workspace's datastores page by `$top` and nextLink; drift removes one
/// (and refuses one that does not exist); the regional usages follow the `quota` fault.
#[tokio::test]
async fn workspace_datastores_page_and_drift_and_quota_limits_apply() {
    let sim = Sim::start(SCALE).await;
    let ws = workspace("westus");
    let names = |pages: Vec<serde_json::Value>| -> Vec<String> {
        pages
            .iter()
            .flat_map(|p| p["value"].as_array().unwrap().clone())
            .map(|d| d["name"].as_str().unwrap().to_string())
            .collect()
    };
    let mut pages = vec![sim.get(&format!("{ws}/datastores?$top=2")).await];
    while let Some(next) = pages.last().unwrap()["nextLink"]
        .as_str()
        .map(str::to_string)
    {
        pages.push(sim.get(&next).await);
    }
    assert!(pages.len() >= 3, "{pages:?}");
    let all = names(pages);
    assert!(all.contains(&"workspaceblobstore".to_string()), "{all:?}");
    assert!(all.contains(&"training_data".to_string()), "{all:?}");
    let one = sim.get(&format!("{ws}/datastores/TRAINING_DATA")).await;
    assert_eq!(one["properties"]["accountName"], "stcontosotraindata");
    assert_eq!(one["properties"]["containerName"], "training-data");

    sim.inject(Fault::WorkspaceDrift {
        resource: Some(ws.clone()),
        target: None,
        item: "datastore".into(),
        name: Some("training_data".into()),
    });
    let r = sim
        .call("GET", &format!("{ws}/datastores/training_data"), None)
        .await;
    assert_eq!(r.status, 404);
    let east = sim
        .get(&format!("{}/datastores", workspace("eastus")))
        .await;
    assert!(names(vec![east]).contains(&"training_data".to_string()));
    let bad = sim.server.inject(&Fault::WorkspaceDrift {
        resource: Some(ws.clone()),
        target: None,
        item: "datastore".into(),
        name: Some("nope".into()),
    });
    assert!(bad.is_err());

    let usages = format!(
        "/subscriptions/{SUB}/providers/Microsoft.MachineLearningServices/locations/westus/usages"
    );
    let a100 = |v: &serde_json::Value| {
        v["value"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["name"]["value"] == "Standard NCADSA100v4 Family Cluster Dedicated vCPUs")
            .cloned()
            .unwrap()
    };
    assert_eq!(a100(&sim.get(&usages).await)["limit"], 320);
    sim.inject(Fault::Quota {
        region: "westus".into(),
        limit: 24,
        family: Some("Standard NCADSA100v4 Family".into()),
    });
    assert_eq!(a100(&sim.get(&usages).await)["limit"], 24);
    let sizes = sim
        .get(&format!(
            "/subscriptions/{SUB}/providers/Microsoft.MachineLearningServices/locations/westus/vmSizes"
        ))
        .await;
    assert!(
        sizes["value"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "Standard_NC24ads_A100_v4" && s["vCPUs"] == 24)
    );
}

/// `POST /_sim/faults` with a JSON body, as CONTRACT.md gives it; the status it answered.
async fn post_fault(sim: &Sim, body: serde_json::Value) -> u16 {
    let url = format!("{}/_sim/faults", sim.url());
    let r = sim.http.post(url).json(&body).send().await.unwrap();
    r.status().as_u16()
}

/// The `value` of a list read, asserting 200.
async fn list(sim: &Sim, path: &str) -> Vec<serde_json::Value> {
    sim.get(path).await["value"].as_array().unwrap().clone()
}

/// Azure ML readiness, identity roles over HTTP: the workspace's identity and the shared users
/// in their roles (percent-encoded `$filter`s as the SDKs send them), api-version required,
/// answered during the workspace's regional outage (Microsoft.Authorization is global), and
/// the `role-assignment` / `user-role` drifts posted to `/_sim/faults` then restored.
#[tokio::test]
async fn role_assignments_answer_by_scope_and_principal_and_follow_the_drifts() {
    let sim = Sim::start(SCALE).await;
    let ws = workspace("westus");
    let principal = sim.get(&ws).await["identity"]["principalId"]
        .as_str()
        .unwrap()
        .to_string();
    let at = |scope: &str, filter: &str| {
        format!(
            "{scope}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter={filter}"
        )
    };
    let here = list(&sim, &at(&ws, "atScope%28%29")).await;
    assert_eq!(here.len(), 3, "{here:?}");
    assert!(
        here.iter()
            .any(|a| a["properties"]["principalId"] == principal.as_str()
                && a["properties"]["principalType"] == "ServicePrincipal")
    );
    let sub = format!("/subscriptions/{SUB}");
    let by_principal = at(&sub, &format!("principalId%20eq%20%27{principal}%27"));
    let mine = list(&sim, &by_principal).await;
    assert_eq!(mine.len(), 5, "{mine:?}");
    assert!(
        mine.iter()
            .all(|a| a["properties"]["principalId"] == principal.as_str())
    );
    // In pages of two, the nextLink keeps the filter.
    let mut page = sim.get(&format!("{by_principal}&$top=2")).await;
    let mut paged = page["value"].as_array().unwrap().clone();
    while let Some(next) = page["nextLink"].as_str().map(str::to_string) {
        page = sim.get(&next).await;
        paged.extend(page["value"].as_array().unwrap().iter().cloned());
    }
    assert_eq!(paged, mine);
    let no_version = sim
        .http
        .get(format!(
            "{}{ws}/providers/Microsoft.Authorization/roleAssignments",
            sim.url()
        ))
        .bearer_auth("t")
        .send()
        .await
        .unwrap();
    assert_eq!(no_version.status(), 400);
    let nowhere = sim
        .call(
            "GET",
            &at(
                &rid(
                    "rg-contoso-ml-westus",
                    "Microsoft.Storage/storageAccounts/nope",
                ),
                "atScope()",
            ),
            None,
        )
        .await;
    assert_eq!(
        (nowhere.status, nowhere.json["error"]["code"].as_str()),
        (404, Some("ResourceNotFound"))
    );

    sim.inject(Fault::RegionOutage {
        region: "westus".into(),
        title: None,
        arm: None,
        control_plane: Some(true),
    });
    assert_eq!(sim.call("GET", &ws, None).await.status, 503);
    assert_eq!(list(&sim, &at(&ws, "atScope()")).await.len(), 3);
    sim.inject(Fault::RegionRecover {
        region: "westus".into(),
    });

    let drift = |item: &str| json!({"kind": "workspace-drift", "resource": ws, "item": item});
    assert_eq!(post_fault(&sim, drift("role-assignment")).await, 200);
    assert!(list(&sim, &by_principal).await.is_empty());
    assert_eq!(post_fault(&sim, drift("user-role")).await, 200);
    assert!(list(&sim, &at(&ws, "atScope()")).await.is_empty());
    assert_eq!(
        list(&sim, &at(&workspace("eastus"), "atScope()"))
            .await
            .len(),
        3
    );
    let named =
        json!({"kind": "workspace-drift", "resource": ws, "item": "user-role", "name": "x"});
    assert_eq!(post_fault(&sim, named).await, 400);
    assert_eq!(post_fault(&sim, drift("restore")).await, 200);
    assert_eq!(list(&sim, &by_principal).await.len(), 5);
    assert_eq!(list(&sim, &at(&ws, "atScope()")).await.len(), 3);
}

/// Azure ML readiness, private network over HTTP: the workspace's and storage accounts' private
/// endpoint connections, the endpoint they name (its subnet in the region's network), the
/// private DNS zones and their links; the `private-endpoint` and `dns-link` drifts posted to
/// `/_sim/faults` remove them and `restore` brings them back.
#[tokio::test]
async fn private_endpoints_and_dns_links_answer_and_follow_the_drifts() {
    let sim = Sim::start(SCALE).await;
    let ws = workspace("westus");
    let api = |path: &str, v: &str| format!("{path}?api-version={v}");
    let conns = list(
        &sim,
        &api(&format!("{ws}/privateEndpointConnections"), "2025-09-01"),
    )
    .await;
    assert_eq!(conns.len(), 1);
    let pe = conns[0]["properties"]["privateEndpoint"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let endpoint = sim.get(&api(&pe, "2024-05-01")).await;
    assert_eq!(endpoint["location"], "westus");
    let subnet = endpoint["properties"]["subnet"]["id"].as_str().unwrap();
    assert!(
        subnet.ends_with("/virtualNetworks/vnet-contoso-ml-westus/subnets/snet-private-endpoints"),
        "{subnet}"
    );
    assert_eq!(
        endpoint["properties"]["privateLinkServiceConnections"][0]["properties"]["privateLinkServiceId"],
        ws.as_str()
    );
    let data = list(
        &sim,
        &api(
            &format!("{}/privateEndpointConnections", storage_id()),
            "2025-01-01",
        ),
    )
    .await;
    assert_eq!(data.len(), 2);
    assert_eq!(
        data[0]["properties"]["privateLinkServiceConnectionState"]["actionRequired"],
        "None"
    );

    let zones = list(
        &sim,
        &api(
            &format!("/subscriptions/{SUB}/providers/Microsoft.Network/privateDnsZones"),
            "2024-06-01",
        ),
    )
    .await;
    assert_eq!(zones.len(), 3);
    let zone = zones
        .iter()
        .find(|z| z["name"] == "privatelink.api.azureml.ms")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let links_of = |zone: &str| api(&format!("{zone}/virtualNetworkLinks"), "2024-06-01");
    let links = list(&sim, &links_of(&zone)).await;
    let vnet = |l: &serde_json::Value| {
        l["properties"]["virtualNetwork"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        links.iter().any(|l| subnet.starts_with(&vnet(l))),
        "the endpoint's network is linked: {links:?}"
    );

    let drift = |item: &str| json!({"kind": "workspace-drift", "resource": ws, "item": item});
    assert_eq!(post_fault(&sim, drift("private-endpoint")).await, 200);
    assert!(
        list(
            &sim,
            &api(&format!("{ws}/privateEndpointConnections"), "2025-09-01")
        )
        .await
        .is_empty()
    );
    let gone = sim.call("GET", &api(&pe, "2024-05-01"), None).await;
    assert_eq!(
        (gone.status, gone.json["error"]["code"].as_str()),
        (404, Some("ResourceNotFound"))
    );
    assert_eq!(post_fault(&sim, drift("dns-link")).await, 200);
    let after = list(&sim, &links_of(&zone)).await;
    assert!(
        after.iter().all(|l| !subnet.starts_with(&vnet(l))),
        "{after:?}"
    );
    assert_eq!(after.len(), 1);
    assert_eq!(post_fault(&sim, drift("restore")).await, 200);
    assert_eq!(list(&sim, &links_of(&zone)).await, links);
    assert_eq!(sim.get(&api(&pe, "2024-05-01")).await, endpoint);
}

/// Azure ML readiness, managed network over HTTP: the workspace's managed network and outbound
/// rules are active; the `managed-network` drift posted to `/_sim/faults` deactivates them on
/// that workspace only, `restore` reactivates them.
#[tokio::test]
async fn outbound_rules_answer_and_follow_the_managed_network_drift() {
    let sim = Sim::start(SCALE).await;
    let ws = workspace("westus");
    let rules = |ws: &str| format!("{ws}/outboundRules?api-version=2025-09-01");
    let statuses = |l: Vec<serde_json::Value>| -> Vec<String> {
        l.iter()
            .map(|r| r["properties"]["status"].as_str().unwrap().to_string())
            .collect()
    };
    let healthy = list(&sim, &rules(&ws)).await;
    assert!(statuses(healthy.clone()).iter().all(|s| s == "Active"));
    let pypi = sim
        .get(&format!("{ws}/outboundRules/pypi?api-version=2025-09-01"))
        .await;
    assert_eq!(pypi["properties"]["destination"], "pypi.org");
    let missing = sim
        .call(
            "GET",
            &format!("{ws}/outboundRules/nope?api-version=2025-09-01"),
            None,
        )
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        sim.get(&ws).await["properties"]["managedNetwork"]["status"]["status"],
        "Active"
    );
    let drift = |item: &str| json!({"kind": "workspace-drift", "resource": ws, "item": item});
    assert_eq!(post_fault(&sim, drift("managed-network")).await, 200);
    assert!(
        statuses(list(&sim, &rules(&ws)).await)
            .iter()
            .all(|s| s == "Inactive")
    );
    assert!(
        statuses(list(&sim, &rules(&workspace("eastus"))).await)
            .iter()
            .all(|s| s == "Active")
    );
    assert_eq!(
        sim.get(&ws).await["properties"]["managedNetwork"]["status"]["status"],
        "Inactive"
    );
    assert_eq!(post_fault(&sim, drift("restore")).await, 200);
    assert_eq!(list(&sim, &rules(&ws)).await, healthy);
}

/// A provider's subscription-wide list answers every top-level resource of that type as its GET
/// does — less those whose region's control plane is down (their GET fails).
#[tokio::test]
async fn a_subscription_wide_list_answers_what_a_get_would() {
    let sim = Sim::start(SCALE).await;
    let path =
        format!("/subscriptions/{SUB}/providers/Microsoft.MachineLearningServices/workspaces");
    let list = sim.get(&path).await;
    let names: Vec<&str> = list["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["mlw-contoso-eastus", "mlw-contoso-westus"]);
    let one = sim.get(list["value"][1]["id"].as_str().unwrap()).await;
    assert_eq!(
        list["value"][1], one,
        "the list carries what the GET answers"
    );
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    let list = sim.get(&path).await;
    let names: Vec<&str> = list["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["mlw-contoso-westus"],
        "eastus's control plane is down"
    );
}

/// A resource group's Tags API (a write the world keeps, as the run lock).
fn rg_tags() -> String {
    format!(
        "/subscriptions/{SUB}/resourceGroups/rg-contoso-ml-eastus/providers/Microsoft.Resources/tags/default"
    )
}

/// A bearer JWT (unsigned: the simulator reads, never checks) naming the principal `oid`.
fn token_of(oid: &str) -> String {
    use base64::Engine;
    let b64 = |v: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string().as_bytes())
    };
    format!(
        "{}.{}.sig",
        b64(json!({"alg": "RS256", "typ": "JWT"})),
        b64(json!({"oid": oid, "sub": oid, "tid": "72f988bf-86f1-41af-91ab-2d7cd011db47"}))
    )
}

/// A GET with a principal's token: (status, its remaining-reads header, Retry-After).
async fn get_as(sim: &Sim, path: &str, token: &str) -> (u16, Option<String>, Option<String>) {
    let r = sim
        .http
        .get(format!("{}{path}?api-version=2025-01-01", sim.url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let h = |n: &str| {
        r.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    (
        r.status().as_u16(),
        h("x-ms-ratelimit-remaining-subscription-reads"),
        h("retry-after"),
    )
}

fn remaining(r: &Resp, name: &str) -> u64 {
    r.header(&format!("x-ms-ratelimit-remaining-{name}"))
        .unwrap_or_else(|| panic!("no x-ms-ratelimit-remaining-{name}: {:?}", r.headers))
        .parse()
        .unwrap()
}

/// ARM's documented buckets by default: every ARM answer (an error too) says what is left of the
/// principal's and the subscription's bucket of its operation type, one token less each time;
/// tenant requests say the tenant's; the control API and the token endpoint count nothing.
#[tokio::test]
async fn answers_say_what_is_left_of_the_documented_token_buckets() {
    let sim = Sim::start(SCALE).await;
    let a = sim.call("GET", &storage_id(), None).await;
    assert_eq!(a.status, 200);
    assert_eq!(remaining(&a, "subscription-reads"), 249);
    assert_eq!(remaining(&a, "subscription-global-reads"), 3749);
    assert!(
        a.header("x-ms-ratelimit-remaining-subscription-writes")
            .is_none()
    );
    let b = sim.call("GET", &cosmos_id(), None).await;
    assert_eq!(remaining(&b, "subscription-reads"), 248);
    // The subscription's bucket refills 375 a second: a token comes back within 3 ms.
    let global = remaining(&b, "subscription-global-reads");
    assert!((3748..=3749).contains(&global), "{global}");
    // A 404 is an ARM answer too, and counts.
    let missing = sim
        .call(
            "GET",
            &rid(
                "rg-contoso-ml-data",
                "Microsoft.Storage/storageAccounts/nope",
            ),
            None,
        )
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(remaining(&missing, "subscription-reads"), 247);
    // Writes and deletes have buckets of their own (200, the global 3000).
    let w = sim
        .call(
            "PUT",
            &rg_tags(),
            Some(json!({"properties": {"tags": {"team": "ml"}}})),
        )
        .await;
    assert_eq!(w.status, 200, "{}", w.json);
    assert_eq!(remaining(&w, "subscription-writes"), 199);
    assert_eq!(remaining(&w, "subscription-global-writes"), 2999);
    let d = sim.call("DELETE", &rg_tags(), None).await;
    assert_eq!(remaining(&d, "subscription-deletes"), 199);
    assert_eq!(remaining(&d, "subscription-global-deletes"), 2999);
    // Requests without a subscription are the tenant's.
    let t = sim.call("GET", "/tenants", None).await;
    assert_eq!(t.status, 200);
    assert_eq!(remaining(&t, "tenant-reads"), 249);
    assert!(
        t.header("x-ms-ratelimit-remaining-subscription-reads")
            .is_none()
    );
    // The control API neither counts nor says.
    let before = sim.state().await;
    let budget: serde_json::Value = sim
        .http
        .get(format!("{}/_sim/budget", sim.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The same as the state's (the levels refilled a little in between).
    assert_eq!(budget["limits"], before["rate_limits"]["limits"]);
    assert_eq!(
        budget["buckets"].as_array().unwrap().len(),
        before["rate_limits"]["buckets"].as_array().unwrap().len()
    );
    assert_eq!(budget["limits"]["reads"]["size"], 250);
    assert_eq!(budget["limits"]["reads"]["refill_per_second"], 25.0);
    let own = budget["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["scope"] == "subscription" && b["kind"] == "reads")
        .expect("the principal's read bucket");
    assert_eq!(own["principal"], "unidentified", "{own}");
    assert!(
        (247.0..250.0).contains(&own["level"].as_f64().unwrap()),
        "{own}"
    );
    let c = sim.call("GET", &storage_id(), None).await;
    assert!(remaining(&c, "subscription-reads") >= 246);
    // A request without a token has no principal: 401, nothing counted, nothing said.
    let r = sim
        .http
        .get(format!(
            "{}{}?api-version=2025-01-01",
            sim.url(),
            storage_id()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(
        r.headers()
            .get("x-ms-ratelimit-remaining-subscription-reads")
            .is_none()
    );
    // The existing throttle fault's 429 carries what is left as well.
    sim.inject(Fault::Throttle { seconds: 1.0 });
    let r = sim.call("GET", &storage_id(), None).await;
    assert_eq!(r.status, 429);
    assert!(
        r.header("x-ms-ratelimit-remaining-subscription-reads")
            .is_some()
    );
}

/// A small bucket (the `rate-limit` fault over the control API): the request past it answers
/// 429 with Retry-After and ARM's throttling error, takes nothing, and once Retry-After has
/// passed the principal is served again; another principal has a bucket of its own; `reset`
/// restores the documented sizes.
#[tokio::test]
async fn a_small_bucket_answers_429_with_retry_after_and_then_recovers() {
    let sim = Sim::start(SCALE).await;
    let small = json!({"kind": "rate-limit", "reads": 3, "read_refill": 2});
    assert_eq!(post_fault(&sim, small).await, 200);
    let alice = token_of("alice-oid");
    let mut left = Vec::new();
    for _ in 0..3 {
        let (status, reads, _) = get_as(&sim, &storage_id(), &alice).await;
        assert_eq!(status, 200);
        left.push(reads.unwrap());
    }
    assert_eq!(left, ["2", "1", "0"]);
    let r = sim
        .http
        .get(format!(
            "{}{}?api-version=2025-01-01",
            sim.url(),
            storage_id()
        ))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(retry, 1, "a token at 2/s is back within a second");
    assert_eq!(
        r.headers()["x-ms-ratelimit-remaining-subscription-reads"],
        "0"
    );
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "SubscriptionRequestsThrottled");
    let msg = body["error"]["message"].as_str().unwrap();
    assert!(msg.contains("actor 'alice-oid'"), "{msg}");
    assert!(msg.contains("try again after '1' seconds"), "{msg}");
    // Another principal (another token's oid) has its own bucket; the global one is 45.
    let (status, reads, _) = get_as(&sim, &storage_id(), &token_of("bob-oid")).await;
    assert_eq!((status, reads.as_deref()), (200, Some("2")));
    // After Retry-After, alice is served again.
    tokio::time::sleep(Duration::from_secs(retry)).await;
    let (status, _, _) = get_as(&sim, &storage_id(), &alice).await;
    assert_eq!(status, 200);
    // Writes were never limited by the reads' bucket.
    let w = sim
        .call(
            "PUT",
            &rg_tags(),
            Some(json!({"properties": {"tags": {"a": "1"}}})),
        )
        .await;
    assert_eq!(w.status, 200);
    // Reset: the documented buckets, full.
    assert_eq!(
        post_fault(&sim, json!({"kind": "rate-limit", "reset": true})).await,
        200
    );
    let (_, reads, _) = get_as(&sim, &storage_id(), &alice).await;
    assert_eq!(reads.as_deref(), Some("249"));
    // A bucket of nothing is refused.
    assert_eq!(
        post_fault(&sim, json!({"kind": "rate-limit", "reads": 0})).await,
        400
    );
}

/// A throttled mutation changes nothing and is not in the operations log; the one before it
/// took effect.
#[tokio::test]
async fn a_throttled_put_changes_nothing_and_is_not_logged() {
    let sim = Sim::start(SCALE).await;
    sim.inject(
        serde_json::from_value(json!({"kind": "rate-limit", "writes": 1, "write_refill": 0.05}))
            .unwrap(),
    );
    let first = sim
        .call(
            "PUT",
            &rg_tags(),
            Some(json!({"properties": {"tags": {"lock": "alice"}}})),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.json);
    assert_eq!(remaining(&first, "subscription-writes"), 0);
    let second = sim
        .call(
            "PUT",
            &rg_tags(),
            Some(json!({"properties": {"tags": {"lock": "bob"}}})),
        )
        .await;
    assert_eq!(second.status, 429, "{}", second.json);
    // One write token at 0.05/s: 20 s.
    assert_eq!(second.header("retry-after"), Some("20"));
    let tags = sim.get(&rg_tags()).await;
    assert_eq!(tags["properties"]["tags"], json!({"lock": "alice"}));
    let ops: Vec<String> = sim.state().await["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| format!("{} {}", o["method"].as_str().unwrap(), o["status"]))
        .collect();
    assert_eq!(ops, ["PUT 200"]);
    // A long-running failover refused alike: no operation starts.
    let r = sim
        .call("POST", &format!("{}/failover", storage_id()), None)
        .await;
    assert_eq!(r.status, 429);
    assert!(
        sim.state().await["long_running_operations"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

/// The in-process API's buckets (`SimOptions::rate_limits`), as a test sets them small or off;
/// and a long-running operation's monitor polls are reads.
#[tokio::test]
async fn simulator_options_set_the_buckets_and_monitor_polls_are_reads() {
    use azfailover::sim::{RateLimits, SimOptions, throttle::Kind};
    let off = Sim::with_options(
        &Config::demo(),
        SimOptions {
            time_scale: Some(SCALE),
            rate_limits: Some(RateLimits::unlimited()),
            ..Default::default()
        },
    )
    .await;
    for _ in 0..300 {
        let r = off.call("GET", &storage_id(), None).await;
        assert_eq!(r.status, 200);
        assert!(
            r.header("x-ms-ratelimit-remaining-subscription-reads")
                .is_none()
        );
    }
    assert_eq!(off.state().await["rate_limits"]["enabled"], false);

    let limits = RateLimits::documented()
        .with(Kind::Read, Some(50), Some(1.0))
        .unwrap();
    let sim = Sim::with_options(
        &Config::demo(),
        SimOptions {
            time_scale: Some(SCALE),
            rate_limits: Some(limits),
            ..Default::default()
        },
    )
    .await;
    let started = sim
        .call(
            "POST",
            &format!("{}/failover?failoverType=Planned", storage_id()),
            None,
        )
        .await;
    assert_eq!(started.status, 202, "{}", started.json);
    assert_eq!(remaining(&started, "subscription-writes"), 199);
    let monitor = started
        .header("azure-asyncoperation")
        .or(started.header("location"))
        .expect("a monitor")
        .to_string();
    let poll = sim.call("GET", &monitor, None).await;
    assert_eq!(remaining(&poll, "subscription-reads"), 49);
    // `clear` goes back to the buckets the simulator started with.
    sim.inject(serde_json::from_value(json!({"kind": "rate-limit", "reset": true})).unwrap());
    sim.inject(Fault::Clear);
    let r = sim.call("GET", &storage_id(), None).await;
    assert_eq!(remaining(&r, "subscription-reads"), 49);
}

// ---- Azure Resource Graph ---------------------------------------------------------------------

const GRAPH: &str = "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01";

/// The collector's kind of query, over the demo's subscription.
fn graph_query(types: &[&str], options: serde_json::Value) -> serde_json::Value {
    let list: Vec<String> = types.iter().map(|t| format!("'{t}'")).collect();
    json!({
        "subscriptions": [SUB],
        "query": format!("Resources | where type in~ ({}) | project id, name, type, location, kind, sku, properties, identity, tags, subscriptionId, resourceGroup", list.join(", ")),
        "options": options,
    })
}

/// Every page of a query, following `$skipToken` (the same query sent again with it).
async fn graph_pages(sim: &Sim, mut body: serde_json::Value) -> Vec<serde_json::Value> {
    let mut pages = Vec::new();
    loop {
        let r = sim.call("POST", GRAPH, Some(body.clone())).await;
        assert_eq!(r.status, 200, "{}", r.json);
        let token = r
            .json
            .get("$skipToken")
            .and_then(|t| t.as_str())
            .map(str::to_string);
        pages.push(r.json);
        match token {
            Some(t) => body["options"]["$skipToken"] = json!(t),
            None => return pages,
        }
    }
}

#[tokio::test]
async fn resource_graph_answers_the_resources_table_in_pages() {
    let sim = Sim::start(SCALE).await;
    let types = [
        "Microsoft.MachineLearningServices/workspaces",
        "microsoft.keyvault/vaults",
        "microsoft.insights/components",
        "microsoft.containerregistry/registries",
        "microsoft.containerregistry/registries/replications",
        "microsoft.storage/storageaccounts",
    ];
    let pages = graph_pages(&sim, graph_query(&types, json!({"$top": 3}))).await;
    assert!(pages.len() >= 3, "{} pages", pages.len());
    let total = pages[0]["totalRecords"].as_u64().unwrap();
    let rows: Vec<&serde_json::Value> = pages
        .iter()
        .flat_map(|p| p["data"].as_array().unwrap())
        .collect();
    assert_eq!(rows.len() as u64, total);
    for p in &pages {
        assert_eq!(p["resultTruncated"], "false");
        assert_eq!(p["facets"], json!([]));
        assert_eq!(
            p["count"].as_u64().unwrap() as usize,
            p["data"].as_array().unwrap().len()
        );
        assert!(p["count"].as_u64().unwrap() <= 3);
    }
    // Two workspaces and their default storage, a vault, two components, a registry and its
    // two replicas, the training data account.
    assert_eq!(total, 11, "{rows:#?}");
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_by_key(|i| i.to_ascii_lowercase());
    assert_eq!(ids, sorted, "pages are cut from rows sorted by id");
    let ws = rows
        .iter()
        .find(|r| r["name"] == "mlw-contoso-westus")
        .expect("the standby workspace");
    assert_eq!(ws["type"], "microsoft.machinelearningservices/workspaces");
    assert_eq!(ws["subscriptionId"], SUB);
    assert_eq!(ws["resourceGroup"], "rg-contoso-ml-westus");
    assert_eq!(ws["location"], "westus");
    let get = sim.get(ws["id"].as_str().unwrap()).await;
    for k in ["properties", "identity", "tags", "sku", "kind", "name"] {
        if !get[k].is_null() {
            assert_eq!(ws[k], get[k], "{k}: a row carries what the GET answers");
        }
    }
    // No subscription of the world's: no rows. A type ARG's Resources table lacks: none either.
    let mut other = graph_query(&types, json!({}));
    other["subscriptions"] = json!(["00000000-0000-0000-0000-00000000dead"]);
    let r = sim.call("POST", GRAPH, Some(other)).await;
    assert_eq!(r.json["totalRecords"], 0);
    let computes = graph_query(
        &["microsoft.machinelearningservices/workspaces/computes"],
        json!({}),
    );
    assert_eq!(
        sim.call("POST", GRAPH, Some(computes)).await.json["totalRecords"],
        0
    );
    // The table format: columns, then rows of values.
    let table = sim
        .call(
            "POST",
            GRAPH,
            Some(graph_query(
                &types,
                json!({"resultFormat": "table", "$top": 2}),
            )),
        )
        .await;
    assert_eq!(table.json["data"]["columns"][0]["name"], "id");
    assert_eq!(table.json["data"]["rows"].as_array().unwrap().len(), 2);
    // A query is a read: not in the operations log, no ARM bucket taken.
    let state = sim.state().await;
    assert_eq!(
        state["operations"],
        json!([]),
        "a query is not an operation"
    );
    assert!(pages.len() as u64 <= sim.server.world().lock().unwrap().graph_queries);
}

#[tokio::test]
async fn resource_graph_refuses_what_it_cannot_run_with_its_own_error() {
    let sim = Sim::start(SCALE).await;
    for (query, token) in [
        ("Resources | summarize count() by type", "summarize"),
        ("Resources | where type in~ ('a'", ""),
        ("resources | where type =~ 'x' |", "|"),
    ] {
        let r = sim
            .call(
                "POST",
                GRAPH,
                Some(json!({"subscriptions": [SUB], "query": query})),
            )
            .await;
        assert_eq!(r.status, 400, "{query}: {}", r.json);
        let e = &r.json["error"];
        assert_eq!(e["code"], "BadRequest");
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .starts_with("Please provide below info when asking for support")
        );
        assert_eq!(e["details"][0]["code"], "InvalidQuery", "{query}");
        assert_eq!(e["details"][1]["code"], "ParserFailure", "{query}");
        assert_eq!(e["details"][1]["token"], token, "{query}");
    }
    // A token of another query, or none at all.
    let first = sim
        .call(
            "POST",
            GRAPH,
            Some(graph_query(
                &["microsoft.insights/components"],
                json!({"$top": 1}),
            )),
        )
        .await;
    let token = first.json["$skipToken"]
        .as_str()
        .expect("two components: a second page");
    let mut other = graph_query(&["microsoft.keyvault/vaults"], json!({"$skipToken": token}));
    let r = sim.call("POST", GRAPH, Some(other.clone())).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json["error"]["details"][1]["code"], "InvalidSkipToken");
    other["options"] = json!({"$top": 0});
    assert_eq!(sim.call("POST", GRAPH, Some(other)).await.status, 400);
}

#[tokio::test]
async fn resource_graph_has_its_own_quota_and_answers_429_past_it() {
    use azfailover::sim::{RateLimits, SimOptions};
    let limits = RateLimits::documented()
        .with_graph(Some(2), Some(30.0))
        .unwrap();
    let sim = Sim::with_options(
        &Config::demo(),
        SimOptions {
            time_scale: Some(SCALE),
            rate_limits: Some(limits),
            ..Default::default()
        },
    )
    .await;
    let body = graph_query(&["microsoft.keyvault/vaults"], json!({}));
    for left in ["1", "0"] {
        let r = sim.call("POST", GRAPH, Some(body.clone())).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("x-ms-user-quota-remaining"), Some(left));
        assert!(
            r.header("x-ms-user-quota-resets-after")
                .unwrap()
                .starts_with("00:00:")
        );
        // Not a write of ARM's: no write bucket spent, no ARM rate-limit header.
        assert!(r.header("x-ms-ratelimit-remaining-tenant-writes").is_none());
    }
    let r = sim.call("POST", GRAPH, Some(body)).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.json["error"]["code"], "RateLimiting");
    assert_eq!(r.json["error"]["details"][0]["code"], "RateLimiting");
    assert_eq!(r.header("x-ms-user-quota-remaining"), Some("0"));
    let resets = r.header("x-ms-user-quota-resets-after").unwrap();
    assert!(("00:00:01"..="00:00:30").contains(&resets), "{resets}");
    let budget: serde_json::Value = reqwest::get(format!("{}/_sim/budget", sim.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(budget["refused"]["graph"], 1);
    assert_eq!(budget["limits"]["graph"]["queries"], 2);
    assert!(budget["buckets"].as_array().unwrap().is_empty(), "{budget}");
    // ARM's reads go on as before.
    assert_eq!(sim.call("GET", &storage_id(), None).await.status, 200);
}

/// In an outage ARG goes on answering with what it last knew of the downed region's resources,
/// while their own control plane answers 503.
#[tokio::test]
async fn resource_graph_keeps_the_last_row_of_a_region_whose_control_plane_is_down() {
    let sim = Sim::start(SCALE).await;
    let acr = rid(
        "rg-contoso-ml-global",
        "Microsoft.ContainerRegistry/registries/acrcontosoml",
    );
    let body = graph_query(
        &[
            "microsoft.machinelearningservices/workspaces",
            "microsoft.containerregistry/registries/replications",
        ],
        json!({}),
    );
    let before = sim.call("POST", GRAPH, Some(body.clone())).await.json;
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    assert_eq!(
        sim.call("GET", &workspace("eastus"), None).await.status,
        503
    );
    assert_eq!(
        sim.call("GET", &format!("{acr}/replications"), None)
            .await
            .status,
        503
    );
    let during = sim.call("POST", GRAPH, Some(body)).await;
    assert_eq!(during.status, 200, "ARG is global");
    let (b, d) = (
        before["data"].as_array().unwrap(),
        during.json["data"].as_array().unwrap(),
    );
    assert_eq!(b.len(), d.len());
    // (A replica's status carries the time it was read: ARG's is when the region went down.)
    let timeless = |v: &serde_json::Value| {
        let mut v = v.clone();
        if let Some(s) = v.pointer_mut("/properties/status") {
            s["timestamp"] = serde_json::Value::Null;
        }
        v
    };
    for (b, d) in b.iter().zip(d) {
        assert_eq!(
            timeless(b),
            timeless(d),
            "the rows it had before the outage"
        );
    }
    let replica = during.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "westus")
        .expect("the westus replica");
    assert_eq!(replica["properties"]["status"]["displayStatus"], "Ready");
}
