//! The client's typed models parse every response body in Microsoft's published examples
//! (../shared/fixtures/arm-examples, read in place) that belongs to an operation azfailover calls.

use std::path::PathBuf;

use azfailover::azure::models::*;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/arm-examples")
}

/// Every response body of a fixture, with its status.
fn bodies(name: &str) -> Vec<(String, Value)> {
    let path = fixtures().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: Value = serde_json::from_str(&text).unwrap();
    v["responses"]
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(status, r)| r.get("body").map(|b| (status.clone(), b.clone())))
        .collect()
}

fn parse_all<T: DeserializeOwned>(name: &str) -> Vec<T> {
    let all = bodies(name);
    assert!(!all.is_empty(), "{name} has no response body");
    all.into_iter()
        .map(|(status, b)| {
            serde_json::from_value(b).unwrap_or_else(|e| panic!("{name} ({status}): {e}"))
        })
        .collect()
}

fn list<T: DeserializeOwned>(name: &str) -> Vec<T> {
    bodies(name)
        .into_iter()
        .flat_map(|(status, b)| {
            let items = b["value"]
                .as_array()
                .cloned()
                .unwrap_or_else(|| panic!("{name} ({status}) has no value[]"));
            items.into_iter().map(move |i| {
                serde_json::from_value::<T>(i).unwrap_or_else(|e| panic!("{name}: {e}"))
            })
        })
        .collect()
}

#[test]
fn every_fixture_is_accounted_for() {
    // Each fixture is parsed by a test below.
    let covered = [
        "acr-registry-get.json",
        "acr-replications-list.json",
        "aks-managed-cluster-get.json",
        "aks-managed-cluster-stop.json",
        "aml-compute-get-amlcompute.json",
        "aml-compute-patch-scale.json",
        "aml-computes-list.json",
        "aml-online-deployments-list.json",
        "aml-online-endpoint-get.json",
        "aml-online-endpoint-patch.json",
        "aml-online-endpoint-put.json",
        "aml-workspace-get.json",
        "appinsights-component-get.json",
        "cosmos-database-account-get.json",
        "cosmos-failover-priority-change.json",
        "cosmos-offline-region.json",
        "cosmos-online-region.json",
        "frontdoor-origin-group-get.json",
        "frontdoor-origin-patch.json",
        "frontdoor-origins-list.json",
        "keyvault-vault-get.json",
        "postgres-flex-promote-replica-forced-standalone.json",
        "postgres-flex-promote-replica-planned-switchover.json",
        "postgres-flex-replicas-list.json",
        "resourcehealth-availability-current.json",
        "resourcehealth-availability-list-by-rg.json",
        "resourcehealth-events-list-by-subscription.json",
        "resourcegraph-query.json",
        "resourcegraph-query-first-page.json",
        "resourcegraph-query-next-page.json",
        "sql-failover-group-failover.json",
        "sql-failover-group-force-failover-allow-data-loss.json",
        "sql-failover-group-get.json",
        "sql-failover-group-try-planned-before-forced.json",
        "storage-failover-planned.json",
        "storage-failover.json",
        "storage-get-geo-replication-stats.json",
        "trafficmanager-endpoint-patch.json",
        "trafficmanager-profile-get.json",
    ];
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if name.ends_with(".json") {
            assert!(covered.contains(&name.as_str()), "{name} is not covered");
        }
    }
}

#[test]
fn resource_health() {
    let s: Vec<AvailabilityStatus> = parse_all("resourcehealth-availability-current.json");
    assert_eq!(
        s[0].properties.availability_state,
        Some(AvailabilityState::Unavailable)
    );
    assert!(
        s[0].properties.occurred_time.is_some(),
        "occuredTime, as ARM spells it"
    );
    let rg: Vec<AvailabilityStatus> = list("resourcehealth-availability-list-by-rg.json");
    assert!(!rg.is_empty());
    let events: Vec<ServiceHealthEvent> = list("resourcehealth-events-list-by-subscription.json");
    assert!(events[0].is_active_issue_in(&azfailover::region::Region::new("westus")));
    assert_eq!(
        events[0].properties.impact[0].impacted_regions[0]
            .impacted_region
            .as_str(),
        "westus"
    );
}

#[test]
fn storage() {
    let a: Vec<StorageAccount> = parse_all("storage-get-geo-replication-stats.json");
    let geo = a[0].properties.geo_replication_stats.as_ref().unwrap();
    assert_eq!(geo.status, Some(GeoReplicationStatus::Live));
    assert_eq!(geo.can_failover, Some(false));
    assert!(geo.last_sync_time.is_some());
    assert_eq!(
        a[0].properties.status_of_primary,
        Some(AccountStatus::Available)
    );
    // The failover examples have no body: a 200 is "done", a 202 carries a Location.
    for f in ["storage-failover.json", "storage-failover-planned.json"] {
        assert!(bodies(f).is_empty());
    }
}

#[test]
fn sql_failover_groups() {
    for f in [
        "sql-failover-group-get.json",
        "sql-failover-group-failover.json",
        "sql-failover-group-force-failover-allow-data-loss.json",
        "sql-failover-group-try-planned-before-forced.json",
    ] {
        let g: Vec<FailoverGroup> = parse_all(f);
        assert!(
            g[0].properties
                .replication_role
                .as_ref()
                .unwrap()
                .is_known(),
            "{f}"
        );
        assert_eq!(g[0].properties.partner_servers.len(), 1, "{f}");
        assert!(g[0].location.is_some(), "{f}");
    }
}

#[test]
fn cosmos() {
    let a: Vec<CosmosAccount> = parse_all("cosmos-database-account-get.json");
    assert_eq!(a[0].write_region().unwrap().as_str(), "eastus");
    for f in [
        "cosmos-failover-priority-change.json",
        "cosmos-offline-region.json",
        "cosmos-online-region.json",
    ] {
        assert!(bodies(f).is_empty(), "{f}: 202/204/200 without a body");
    }
}

#[test]
fn container_registry() {
    let r: Vec<Registry> = parse_all("acr-registry-get.json");
    assert_eq!(r[0].sku.name, "Standard");
    let reps: Vec<RegistryReplication> = list("acr-replications-list.json");
    assert_eq!(
        reps[0]
            .properties
            .status
            .as_ref()
            .unwrap()
            .display_status
            .as_deref(),
        Some("Ready")
    );
}

#[test]
fn aks() {
    let c: Vec<ManagedCluster> = parse_all("aks-managed-cluster-get.json");
    assert_eq!(
        c[0].power(),
        PowerState::Running,
        "no powerState in the example means running"
    );
    assert_eq!(c[0].node_count(), 3);
    assert!(bodies("aks-managed-cluster-stop.json").is_empty());
}

#[test]
fn azure_machine_learning() {
    let ws: Vec<Workspace> = parse_all("aml-workspace-get.json");
    assert!(ws[0].properties.key_vault.is_some());
    let c: Vec<Compute> = parse_all("aml-compute-get-amlcompute.json");
    let props = c[0].properties.properties.as_ref().unwrap();
    assert_eq!(props.allocation_state, Some(AllocationState::Resizing));
    assert_eq!(props.scale_settings.as_ref().unwrap().max_node_count, 1);
    let patched: Vec<Compute> = parse_all("aml-compute-patch-scale.json");
    assert_eq!(
        patched[0].properties.provisioning_state,
        Some(ProvisioningState::Updating)
    );
    let listed: Vec<Compute> = list("aml-computes-list.json");
    assert!(!listed.is_empty());
    for f in [
        "aml-online-endpoint-get.json",
        "aml-online-endpoint-put.json",
        "aml-online-endpoint-patch.json",
    ] {
        let e: Vec<OnlineEndpoint> = parse_all(f);
        assert!(e[0].raw.is_object(), "{f}");
    }
    let e: Vec<OnlineEndpoint> = parse_all("aml-online-endpoint-get.json");
    assert_eq!(e[0].traffic.get("string"), Some(&1));
    // "Creating" is known; the placeholder values of the example stay readable.
    assert_eq!(e[0].provisioning_state, Some(ProvisioningState::Creating));
    let d: Vec<OnlineDeployment> = list("aml-online-deployments-list.json");
    assert_eq!(d[0].sku.as_ref().unwrap().capacity, Some(1));
}

#[test]
fn traffic_manager_and_front_door() {
    let p: Vec<TrafficManagerProfile> = parse_all("trafficmanager-profile-get.json");
    let ep = &p[0].properties.endpoints[0];
    assert_eq!(
        ep.properties.endpoint_monitor_status,
        Some(EndpointMonitorStatus::CheckingEndpoint)
    );
    assert_eq!(
        ep.properties.endpoint_location.as_ref().unwrap().as_str(),
        "northeurope"
    );
    assert_eq!(ep.path_type(), "ExternalEndpoints");
    let patched: Vec<TrafficManagerEndpoint> = parse_all("trafficmanager-endpoint-patch.json");
    assert_eq!(
        patched[0].properties.endpoint_status,
        Some(EnabledState::Enabled)
    );
    let og: Vec<OriginGroup> = parse_all("frontdoor-origin-group-get.json");
    assert_eq!(og[0].name, "origingroup1");
    let origins: Vec<Origin> = list("frontdoor-origins-list.json");
    assert_eq!(origins[0].properties.priority, None, "null priority");
    let patched: Vec<Origin> = parse_all("frontdoor-origin-patch.json");
    assert!(
        patched
            .iter()
            .any(|o| o.properties.provisioning_state == Some(ProvisioningState::Updating))
    );
}

#[test]
fn postgres() {
    let replicas: Vec<FlexibleServer> = list("postgres-flex-replicas-list.json");
    assert_eq!(replicas[0].role(), Some(ReplicationRole::AsyncReplica));
    assert_eq!(
        replicas[0]
            .properties
            .replica
            .as_ref()
            .unwrap()
            .replication_state
            .as_deref(),
        Some("Active")
    );
    for f in [
        "postgres-flex-promote-replica-forced-standalone.json",
        "postgres-flex-promote-replica-planned-switchover.json",
    ] {
        let s: Vec<FlexibleServer> = parse_all(f);
        assert!(s[0].role().is_some(), "{f}");
    }
}

#[test]
fn key_vault_and_app_insights() {
    let kv: Vec<KeyVault> = parse_all("keyvault-vault-get.json");
    assert_eq!(
        kv[0].properties.provisioning_state,
        Some(ProvisioningState::Succeeded)
    );
    let ai: Vec<AppInsights> = parse_all("appinsights-component-get.json");
    assert_eq!(ai[0].location.as_ref().unwrap().as_str(), "southcentralus");
    assert_eq!(
        ai[0].properties.ingestion_mode.as_deref(),
        Some("LogAnalytics")
    );
}

/// Azure ML readiness (`aml-readiness/`): datastores, the regional quota.
#[test]
fn azure_machine_learning_readiness() {
    let one: Vec<Datastore> = parse_all("aml-readiness/aml-datastore-get.json");
    assert!(!one[0].properties.is_default);
    assert_eq!(
        one[0].properties.datastore_type.as_deref(),
        Some("AzureBlob")
    );
    assert_eq!(one[0].properties.target(), Some("string"));
    let listed: Vec<Datastore> = list("aml-readiness/aml-datastores-list.json");
    assert_eq!(listed[0].properties.account(), Some("string"));

    let usages: Vec<Usage> = list("aml-readiness/aml-usages-list.json");
    let total = usages.iter().find(|u| u.is_regional_total()).unwrap();
    assert_eq!((total.current_value, total.limit), (Some(14), Some(24)));
    let dsv2 = usages
        .iter()
        .find(|u| u.is_family() && u.family_key() == family_key("standardDSv2Family"))
        .unwrap();
    assert_eq!(dsv2.available(), 22);
    let quotas: Vec<Usage> = list("aml-readiness/aml-quotas-list.json");
    assert!(quotas.iter().all(|q| q.limit.is_some()));

    let sizes: Vec<VmSizeList> = parse_all("aml-readiness/aml-vmsizes-list.json");
    let ds3 = sizes[0]
        .value
        .iter()
        .find(|s| s.name == "Standard_DS3_v2")
        .unwrap();
    assert_eq!(
        (ds3.v_cpus, ds3.family.as_deref()),
        (Some(4), Some("standardDSv2Family"))
    );
}

/// Azure ML readiness: a deployment's assets, registries.
#[test]
fn azure_machine_learning_assets() {
    let d: Vec<DeploymentAssets> = parse_all("aml-readiness/aml-online-deployment-get.json");
    let refs = d[0].asset_refs();
    assert_eq!(refs.len(), 3);
    assert!(
        refs.iter()
            .all(|(k, s)| matches!(AssetRef::parse(*k, s), AssetRef::Unpinned(_)))
    );
    let r: Vec<MlRegistry> = parse_all("aml-readiness/aml-registry-get.json");
    assert_eq!(r[0].properties.region_details.len(), 1);
    assert!(!r[0].replicates_to(&azfailover::region::Region::new("westus")));
    for f in [
        "aml-readiness/aml-model-version-get.json",
        "aml-readiness/aml-environment-version-get.json",
        "aml-readiness/aml-registry-model-version-get.json",
    ] {
        let v: Vec<serde_json::Value> = parse_all(f);
        assert!(v[0]["properties"].is_object(), "{f}");
    }
}

/// Azure Resource Graph: both pages of a paged query and a basic one; the request the client
/// sends has the example's shape (the same query sent again with the first page's token).
#[test]
fn resource_graph() {
    let first: Vec<QueryResponse> = parse_all("resourcegraph-query-first-page.json");
    let next: Vec<QueryResponse> = parse_all("resourcegraph-query-next-page.json");
    for (page, name) in [(&first[0], "first"), (&next[0], "next")] {
        assert_eq!((page.total_records, page.count), (386, 3), "{name}");
        assert!(!page.result_truncated, "{name}: the string \"false\"");
        assert!(page.skip_token.is_some(), "{name}: more pages follow");
        assert_eq!(page.data.len(), 3, "{name}");
        assert!(page.facets.is_empty());
        for row in &page.data {
            let t = row["type"].as_str().unwrap();
            assert_eq!(t, t.to_ascii_lowercase(), "{name}: types are lower case");
        }
    }
    assert_ne!(first[0].skip_token, next[0].skip_token);
    let basic: Vec<QueryResponse> = parse_all("resourcegraph-query.json");
    assert_eq!((basic[0].total_records, basic[0].count), (3, 3));
    assert!(basic[0].skip_token.is_none(), "the last page has no token");
    // A row is a resource: the envelope reads it.
    let row = QueryRows::resource(&basic[0].data[0]);
    let r: Resource<serde_json::Value> = serde_json::from_value(row).unwrap();
    assert_eq!(r.location.unwrap().as_str(), "centralus");
    assert_eq!(r.tags["tag1"], "Value1");

    // The requests: the client's has every field the examples send (but `$skip`: it pages by
    // token only), and the next page repeats the query with the token.
    let example = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(fixtures().join(name)).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap()["parameters"]["query"].clone()
    };
    let (ex_first, ex_next) = (
        example("resourcegraph-query-first-page.json"),
        example("resourcegraph-query-next-page.json"),
    );
    let subs: Vec<String> = vec![ex_first["subscriptions"][0].as_str().unwrap().into()];
    let mut ours = QueryRequest::new(&subs, ex_first["query"].as_str().unwrap(), 3);
    let v = serde_json::to_value(&ours).unwrap();
    assert_eq!(v["subscriptions"], ex_first["subscriptions"]);
    assert_eq!(v["query"], ex_first["query"]);
    assert_eq!(v["options"]["$top"], ex_first["options"]["$top"]);
    ours.options.skip_token = Some(first[0].skip_token.clone().unwrap());
    let v = serde_json::to_value(&ours).unwrap();
    assert_eq!(v["query"], ex_next["query"], "the same query");
    assert_eq!(v["options"]["$skipToken"], ex_next["options"]["$skipToken"]);
}
