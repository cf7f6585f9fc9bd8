//! Tests of `aml_readiness`.
use super::*;
use crate::config::Config;
use crate::sim::clock::SimClock;

fn world() -> World {
    World::from_config(&Config::demo(), SimClock::new(1.0))
}

fn ws(w: &World, region: &str) -> usize {
    w.resources
        .iter()
        .position(|r| r.kind == ComponentKind::MlWorkspace && r.home.as_str() == region)
        .unwrap()
}

#[test]
fn the_default_storage_is_the_one_the_workspace_links() {
    let w = world();
    let i = ws(&w, "westus");
    let linked = w.render(i, w.resources[i].id.as_str(), false)["properties"]["storageAccount"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(linked.ends_with(&format!("/{}", default_storage(w.resources[i].id.name()))));
}

#[test]
fn drift_removes_a_datastore_and_restore_brings_it_back() {
    let mut w = world();
    let i = ws(&w, "westus");
    let names = |w: &World| -> Vec<String> {
        all_datastores(w, i)
            .iter()
            .map(|d| d["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(names(&w).contains(&"training_data".to_string()));
    drift(&mut w, &[i], "datastore", Some("training_data")).unwrap();
    assert!(!names(&w).contains(&"training_data".to_string()));
    assert!(drift(&mut w, &[i], "datastore", Some("nope")).is_err());
    assert!(drift(&mut w, &[i], "bogus", None).is_err());
    drift(&mut w, &[i], "restore", None).unwrap();
    assert!(names(&w).contains(&"training_data".to_string()));
}

#[test]
fn usage_counts_what_the_region_holds_and_a_fault_sets_the_limit() {
    let mut w = world();
    let east = Region::new("eastus");
    let west = Region::new("westus");
    // The serving cluster holds one A100 node; the serving deployment 3 instances (+20%).
    let used = in_use(&w, &east);
    assert_eq!(used.get("standardNCADSA100v4Family"), Some(&24));
    assert_eq!(used.get("standardDSv2Family"), Some(&16));
    assert_eq!(limit(&w, &west, Some("standardNCADSA100v4Family")), 320);
    set_quota(&mut w, &west, 48, Some("NCADSA100v4")).unwrap();
    assert_eq!(limit(&w, &west, Some("standardNCADSA100v4Family")), 48);
    assert_eq!(limit(&w, &west, Some("standardDSv2Family")), 200);
    set_quota(&mut w, &west, 0, None).unwrap();
    assert_eq!(limit(&w, &west, None), 0);
    assert_eq!(limit(&w, &west, Some("standardDSv2Family")), 0);
    assert!(set_quota(&mut w, &west, 1, Some("nope")).is_err());
    let u = usages(&w, &east);
    assert!(u.iter().any(|x| x["name"]["value"]
        == "Standard NCADSA100v4 Family Cluster Dedicated vCPUs"
        && x["currentValue"] == 24));
}

// ---- identity roles, private network, managed network (tests in `tests/`) ----

mod identity_roles;
mod managed_network;
mod private_network;

/// GET `path` (with `query`) through the world's routing, as the server hands it over; an
/// error answer as its ARM error.
fn get(w: &mut World, path: &str, query: &[(&str, &str)]) -> Result<Value, ArmError> {
    let query: std::collections::BTreeMap<String, String> = query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let req = Request {
        method: "GET",
        path,
        query: &query,
        body: None,
        base_url: "http://sim",
        api_version: "2025-09-01",
    };
    let reply = w.handle(&req)?;
    let body = reply.body.expect("a body");
    if reply.status >= 400 {
        let e = &body["error"];
        let text = |k: &str| e[k].as_str().unwrap_or_default().to_string();
        return Err(ArmError::new(reply.status, &text("code"), text("message")));
    }
    Ok(body)
}

/// The `value` array of a list answer.
fn values(v: Value) -> Vec<Value> {
    v["value"].as_array().expect("a list").clone()
}

/// A workspace-drift of workspace `i`.
fn drift_ws(w: &mut World, i: usize, item: &str) {
    drift(w, &[i], item, None).unwrap();
}

/// Resource `i`'s id.
fn id(w: &World, i: usize) -> String {
    w.resources[i].id.to_string()
}

/// A workspace renders as a private-link workspace with its own identity, a managed network,
/// and the vault it links to takes RBAC.
#[test]
fn the_workspace_is_private_with_its_own_identity_and_a_managed_network() {
    let w = world();
    let (e, s) = (ws(&w, "eastus"), ws(&w, "westus"));
    let body = w.render(s, &id(&w, s), false);
    let principal = body["identity"]["principalId"].as_str().unwrap();
    assert_eq!(principal, roles::workspace_principal(&id(&w, s)));
    assert_eq!(
        principal,
        roles::workspace_principal(&id(&w, s).to_uppercase())
    );
    assert_ne!(principal, roles::workspace_principal(&id(&w, e)));
    let parsed = uuid::Uuid::parse_str(principal).unwrap();
    assert_eq!(parsed.to_string(), principal, "lowercase 8-4-4-4-12");
    assert_eq!(body["identity"]["tenantId"], crate::sim::providers::TENANT);
    let p = &body["properties"];
    assert_eq!(p["publicNetworkAccess"], "Disabled");
    assert_eq!(
        p["managedNetwork"]["isolationMode"],
        "AllowOnlyApprovedOutbound"
    );
    assert_eq!(p["managedNetwork"]["status"]["status"], "Active");
    assert_eq!(p["privateLinkCount"], 1);
    let kv = w
        .resources
        .iter()
        .position(|r| r.kind == ComponentKind::KeyVault)
        .unwrap();
    assert_eq!(
        w.render(kv, &id(&w, kv), false)["properties"]["enableRbacAuthorization"],
        true
    );
}

#[test]
fn whole_workspace_drifts_take_no_name_and_come_from_scenarios_and_fault_bodies() {
    let mut w = world();
    let s = ws(&w, "westus");
    assert!(drift(&mut w, &[s], "dns-link", Some("x")).is_err());
    let scenario = crate::sim::Scenario::parse(
        r#"name = "t"
description = "d"
[[events]]
kind = "workspace-drift"
target = "kind:ml-workspace@secondary"
item = "user-role"
[[events]]
kind = "workspace-drift"
target = "kind:ml-workspace@secondary"
item = "managed-network"
"#,
        "test",
    )
    .unwrap();
    for (_, f) in &scenario.events {
        w.apply_fault(f).unwrap();
    }
    let fault: crate::sim::Fault = serde_json::from_value(json!({
        "kind": "workspace-drift", "resource": id(&w, s), "item": "private-endpoint"
    }))
    .unwrap();
    w.apply_fault(&fault).unwrap();
    for item in ["user-role", "managed-network", "private-endpoint"] {
        assert!(drifted(&w, s, item, "*"), "{item}");
    }
    assert!(!drifted(&w, ws(&w, "eastus"), "user-role", "*"));
}
