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

// ---- identity roles, private network, managed network ----

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

fn id(w: &World, i: usize) -> String {
    w.resources[i].id.to_string()
}

/// (principalId, roleDefinition GUID, scope) of each assignment of a list.
fn triples(list: &[Value]) -> Vec<(String, String, String)> {
    list.iter()
        .map(|a| {
            let p = &a["properties"];
            let role = p["roleDefinitionId"].as_str().unwrap();
            (
                p["principalId"].as_str().unwrap().to_string(),
                role.rsplit('/').next().unwrap().to_string(),
                p["scope"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn role_list(w: &mut World, scope: &str, filter: Option<&str>) -> Vec<Value> {
    let path = format!("{scope}/providers/Microsoft.Authorization/roleAssignments");
    let q: Vec<(&str, &str)> = filter.map(|f| ("$filter", f)).into_iter().collect();
    values(get(w, &path, &q).unwrap())
}

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
fn the_workspace_identity_holds_its_roles_on_what_it_links_to() {
    let mut w = world();
    let s = ws(&w, "westus");
    let wid = id(&w, s);
    let p = roles::workspace_principal(&wid);
    let props = w.render(s, &wid, false)["properties"].clone();
    let at_ws = role_list(&mut w, &wid, Some("atScope()"));
    let mut got = triples(&at_ws);
    got.sort();
    let mut want = vec![
        (p.clone(), roles::CONTRIBUTOR.to_string(), wid.clone()),
        (
            roles::USER.into(),
            roles::DATA_SCIENTIST.into(),
            wid.clone(),
        ),
        (roles::GROUP.into(), roles::CONTRIBUTOR.into(), wid.clone()),
    ];
    want.sort();
    assert_eq!(got, want);
    assert_eq!(role_list(&mut w, &wid, None), at_ws, "no filter: the same");
    let a = &at_ws[0];
    assert_eq!(a["type"], "Microsoft.Authorization/roleAssignments");
    assert!(a["id"].as_str().unwrap().starts_with(&format!(
        "{wid}/providers/Microsoft.Authorization/roleAssignments/"
    )));
    assert!(
        a["properties"]["roleDefinitionId"]
            .as_str()
            .unwrap()
            .starts_with(&format!(
                "/subscriptions/{}/providers/Microsoft.Authorization/roleDefinitions/",
                w.subscription
            ))
    );
    let principal_type = |l: &[Value], who: &str| {
        l.iter()
            .find(|a| a["properties"]["principalId"] == who)
            .map(|a| a["properties"]["principalType"].clone())
    };
    assert_eq!(principal_type(&at_ws, &p), Some(json!("ServicePrincipal")));
    assert_eq!(principal_type(&at_ws, roles::USER), Some(json!("User")));
    assert_eq!(principal_type(&at_ws, roles::GROUP), Some(json!("Group")));
    // Its identity's assignments anywhere in the subscription, by principal.
    let sub = format!("/subscriptions/{}", w.subscription);
    let filter = format!("principalId eq '{p}'");
    let mine = triples(&role_list(&mut w, &sub, Some(&filter)));
    let data = w
        .resources
        .iter()
        .find(|r| r.kind == ComponentKind::Storage)
        .unwrap()
        .id
        .to_string();
    for (role, scope) in [
        (roles::CONTRIBUTOR, wid.as_str()),
        (
            roles::BLOB_DATA_CONTRIBUTOR,
            props["storageAccount"].as_str().unwrap(),
        ),
        (roles::BLOB_DATA_CONTRIBUTOR, &data),
        (
            roles::KEY_VAULT_ADMINISTRATOR,
            props["keyVault"].as_str().unwrap(),
        ),
        (
            roles::ACR_PULL,
            props["containerRegistry"].as_str().unwrap(),
        ),
    ] {
        assert!(
            mine.contains(&(p.clone(), role.to_string(), scope.to_string())),
            "{role} on {scope}: {mine:?}"
        );
    }
    assert_eq!(mine.len(), 5, "{mine:?}");
    // The same on the default storage's scope and the data account's (both identities).
    let default = props["storageAccount"].as_str().unwrap();
    assert_eq!(role_list(&mut w, default, Some("atScope()")).len(), 1);
    assert_eq!(role_list(&mut w, &data, None).len(), 2);
    // One assignment by name; names are unique.
    let name = at_ws[0]["name"].as_str().unwrap().to_string();
    let one = get(
        &mut w,
        &format!("{wid}/providers/Microsoft.Authorization/roleAssignments/{name}"),
        &[],
    )
    .unwrap();
    assert_eq!(one, at_ws[0]);
    let all = role_list(&mut w, &sub, None);
    let names: BTreeSet<&str> = all.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), all.len());
    assert!(role_list(&mut w, &sub, Some("atScope()")).is_empty());
}

#[test]
fn role_reads_refuse_what_arm_refuses() {
    let mut w = world();
    let wid = id(&w, ws(&w, "westus"));
    let base = format!("{wid}/providers/Microsoft.Authorization/roleAssignments");
    let e = get(&mut w, &base, &[("$filter", "roleName eq 'x'")]).unwrap_err();
    assert_eq!((e.status, e.code.as_str()), (400, "UnsupportedQuery"));
    let e = get(
        &mut w,
        &format!("{base}/00000000-0000-0000-0000-000000000000"),
        &[],
    )
    .unwrap_err();
    assert_eq!((e.status, e.code.as_str()), (404, "RoleAssignmentNotFound"));
    let nowhere = format!("{wid}x/providers/Microsoft.Authorization/roleAssignments");
    assert_eq!(
        get(&mut w, &nowhere, &[]).unwrap_err().code,
        "ResourceNotFound"
    );
    let rg = format!(
        "/subscriptions/{}/resourceGroups/rg-nope/providers/Microsoft.Authorization/roleAssignments",
        w.subscription
    );
    assert_eq!(
        get(&mut w, &rg, &[]).unwrap_err().code,
        "ResourceGroupNotFound"
    );
    // assignedTo() as az sends it with --include-groups: the principal's own.
    let f = format!("atScope() and assignedTo('{}')", roles::USER);
    assert_eq!(role_list(&mut w, &wid, Some(&f)).len(), 1);
    // The role definitions the assignments name.
    let defs = values(
        get(
            &mut w,
            &format!("{wid}/providers/Microsoft.Authorization/roleDefinitions"),
            &[],
        )
        .unwrap(),
    );
    let ids: Vec<&str> = defs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    for a in role_list(&mut w, &wid, None) {
        assert!(ids.contains(&a["properties"]["roleDefinitionId"].as_str().unwrap()));
    }
    let one = format!(
        "/subscriptions/{}/providers/Microsoft.Authorization/roleDefinitions/{}",
        w.subscription,
        roles::ACR_PULL
    );
    assert_eq!(
        get(&mut w, &one, &[]).unwrap()["properties"]["roleName"],
        "AcrPull"
    );
}

#[test]
fn role_drifts_remove_assignments_of_one_workspace_and_restore_brings_them_back() {
    let mut w = world();
    let (e, s) = (ws(&w, "eastus"), ws(&w, "westus"));
    let (eid, sid) = (id(&w, e), id(&w, s));
    let sub = format!("/subscriptions/{}", w.subscription);
    let of = |w: &mut World, who: &str| {
        role_list(w, &sub, Some(&format!("principalId eq '{who}'"))).len()
    };
    let ps = roles::workspace_principal(&sid);
    let pe = roles::workspace_principal(&eid);
    assert_eq!((of(&mut w, &ps), of(&mut w, &pe)), (5, 5));
    drift_ws(&mut w, s, "role-assignment");
    assert_eq!((of(&mut w, &ps), of(&mut w, &pe)), (0, 5));
    assert_eq!(role_list(&mut w, &sid, None).len(), 2, "users keep theirs");
    drift_ws(&mut w, s, "user-role");
    assert!(role_list(&mut w, &sid, None).is_empty());
    assert_eq!(
        role_list(&mut w, &eid, None).len(),
        3,
        "the other keeps its own"
    );
    assert_eq!(of(&mut w, roles::USER), 1);
    drift_ws(&mut w, s, "restore");
    assert_eq!(of(&mut w, &ps), 5);
    assert_eq!(role_list(&mut w, &sid, None).len(), 3);
}

#[test]
fn each_workspace_and_storage_account_has_its_private_endpoint_connections() {
    let mut w = world();
    let s = ws(&w, "westus");
    let sid = id(&w, s);
    let list = values(get(&mut w, &format!("{sid}/privateEndpointConnections"), &[]).unwrap());
    assert_eq!(list.len(), 1);
    let c = &list[0];
    assert_eq!(c["name"], "pe-mlw-contoso-westus");
    assert_eq!(
        c["type"],
        "Microsoft.MachineLearningServices/workspaces/privateEndpointConnections"
    );
    let pe = format!(
        "/subscriptions/{}/resourceGroups/rg-contoso-ml-westus/providers/Microsoft.Network/privateEndpoints/pe-mlw-contoso-westus",
        w.subscription
    );
    assert_eq!(c["properties"]["privateEndpoint"]["id"], pe.as_str());
    assert_eq!(
        c["properties"]["privateLinkServiceConnectionState"],
        json!({"status": "Approved", "description": "Auto-Approved", "actionsRequired": "None"})
    );
    assert_eq!(c["properties"]["provisioningState"], "Succeeded");
    let one = get(
        &mut w,
        &format!("{sid}/privateEndpointConnections/PE-mlw-contoso-westus"),
        &[],
    );
    assert_eq!(&one.unwrap(), c);
    // A data account: one per region, in that region's workspace's resource group.
    let data = w
        .resources
        .iter()
        .find(|r| r.kind == ComponentKind::Storage)
        .unwrap()
        .id
        .to_string();
    let list = values(get(&mut w, &format!("{data}/privateEndpointConnections"), &[]).unwrap());
    let names: Vec<&str> = list.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "pe-stcontosotraindata-eastus",
            "pe-stcontosotraindata-westus"
        ]
    );
    let state = &list[1]["properties"]["privateLinkServiceConnectionState"];
    assert_eq!(state["actionRequired"], "None");
    assert!(
        list[1]["properties"]["privateEndpoint"]["id"]
            .as_str()
            .unwrap()
            .contains("/resourceGroups/rg-contoso-ml-westus/")
    );
    // The workspace's default storage: one, in its own region.
    let default = w.render(s, &sid, false)["properties"]["storageAccount"]
        .as_str()
        .unwrap()
        .to_string();
    let list = values(
        get(
            &mut w,
            &format!("{default}/privateEndpointConnections"),
            &[],
        )
        .unwrap(),
    );
    assert_eq!(list.len(), 1);
    assert_eq!(
        list[0]["name"],
        format!("pe-{}", default_storage("mlw-contoso-westus"))
    );
}

#[test]
fn a_private_endpoint_answers_with_its_subnet_and_target() {
    let mut w = world();
    let s = ws(&w, "westus");
    let sub = w.subscription.clone();
    let rg = format!("/subscriptions/{sub}/resourceGroups/rg-contoso-ml-westus");
    let pe = get(
        &mut w,
        &format!("{rg}/providers/Microsoft.Network/privateEndpoints/pe-mlw-contoso-westus"),
        &[],
    )
    .unwrap();
    assert_eq!(pe["location"], "westus");
    assert_eq!(pe["type"], "Microsoft.Network/privateEndpoints");
    assert_eq!(
        pe["properties"]["subnet"]["id"],
        format!(
            "{rg}/providers/Microsoft.Network/virtualNetworks/vnet-contoso-ml-westus/subnets/snet-private-endpoints"
        )
    );
    let conn = &pe["properties"]["privateLinkServiceConnections"][0]["properties"];
    assert_eq!(conn["privateLinkServiceId"], id(&w, s));
    assert_eq!(conn["groupIds"], json!(["amlworkspace"]));
    assert_eq!(
        conn["privateLinkServiceConnectionState"]["status"],
        "Approved"
    );
    assert_eq!(pe["properties"]["provisioningState"], "Succeeded");
    let blob = get(
        &mut w,
        &format!("{rg}/providers/Microsoft.Network/privateEndpoints/pe-stcontosotraindata-westus"),
        &[],
    )
    .unwrap();
    let conn = &blob["properties"]["privateLinkServiceConnections"][0]["properties"];
    assert_eq!(conn["groupIds"], json!(["blob"]));
    assert!(
        conn["privateLinkServiceId"]
            .as_str()
            .unwrap()
            .ends_with("/stcontosotraindata")
    );
    assert_ne!(
        blob["properties"]["customDnsConfigs"][0]["ipAddresses"],
        pe["properties"]["customDnsConfigs"][0]["ipAddresses"]
    );
    for missing in [
        format!("{rg}/providers/Microsoft.Network/privateEndpoints/pe-nope"),
        // In another resource group than its own.
        format!(
            "/subscriptions/{sub}/resourceGroups/rg-contoso-ml-eastus/providers/Microsoft.Network/privateEndpoints/pe-mlw-contoso-westus"
        ),
    ] {
        assert_eq!(
            get(&mut w, &missing, &[]).unwrap_err().status,
            404,
            "{missing}"
        );
    }
    let in_rg = values(
        get(
            &mut w,
            &format!("{rg}/providers/Microsoft.Network/privateEndpoints"),
            &[],
        )
        .unwrap(),
    );
    assert_eq!(
        in_rg.len(),
        3,
        "workspace, its default storage, the data account's westus one"
    );
}

#[test]
fn private_endpoint_drift_removes_the_workspace_endpoint_and_restore_brings_it_back() {
    let mut w = world();
    let (e, s) = (ws(&w, "eastus"), ws(&w, "westus"));
    let sid = id(&w, s);
    let pe = format!(
        "/subscriptions/{}/resourceGroups/rg-contoso-ml-westus/providers/Microsoft.Network/privateEndpoints/pe-mlw-contoso-westus",
        w.subscription
    );
    let conns = |w: &mut World, i: usize| {
        let id = id(w, i);
        values(get(w, &format!("{id}/privateEndpointConnections"), &[]).unwrap()).len()
    };
    drift_ws(&mut w, s, "private-endpoint");
    assert_eq!((conns(&mut w, s), conns(&mut w, e)), (0, 1));
    let err = get(&mut w, &pe, &[]).unwrap_err();
    assert_eq!((err.status, err.code.as_str()), (404, "ResourceNotFound"));
    assert_eq!(
        w.render(s, &sid, false)["properties"]["privateLinkCount"],
        0
    );
    drift_ws(&mut w, s, "restore");
    assert_eq!(conns(&mut w, s), 1);
    assert!(get(&mut w, &pe, &[]).is_ok());
}

#[test]
fn private_dns_zones_link_both_regions_until_dns_link_drift() {
    let mut w = world();
    let s = ws(&w, "westus");
    let sub = w.subscription.clone();
    let zones = values(
        get(
            &mut w,
            &format!("/subscriptions/{sub}/providers/Microsoft.Network/privateDnsZones"),
            &[],
        )
        .unwrap(),
    );
    let names: Vec<&str> = zones.iter().map(|z| z["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "privatelink.api.azureml.ms",
            "privatelink.notebooks.azure.net",
            "privatelink.blob.core.windows.net"
        ]
    );
    let zone = format!(
        "/subscriptions/{sub}/resourceGroups/rg-contoso-ml-eastus/providers/Microsoft.Network/privateDnsZones/privatelink.api.azureml.ms"
    );
    for z in &zones {
        assert_eq!(z["location"], "global");
        assert_eq!(z["type"], "Microsoft.Network/privateDnsZones");
        assert_eq!(z["properties"]["numberOfVirtualNetworkLinks"], 2);
        assert_eq!(z["properties"]["provisioningState"], "Succeeded");
    }
    assert_eq!(get(&mut w, &zone, &[]).unwrap(), zones[0]);
    // SOA plus three names of each of the two workspace endpoints.
    assert_eq!(zones[0]["properties"]["numberOfRecordSets"], 7);
    let links = |w: &mut World, zone: &str| {
        values(get(w, &format!("{zone}/virtualNetworkLinks"), &[]).unwrap())
    };
    let healthy = links(&mut w, &zone);
    let vnets: Vec<&str> = healthy
        .iter()
        .map(|l| l["properties"]["virtualNetwork"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        vnets,
        [
            format!(
                "/subscriptions/{sub}/resourceGroups/rg-contoso-ml-eastus/providers/Microsoft.Network/virtualNetworks/vnet-contoso-ml-eastus"
            ),
            format!(
                "/subscriptions/{sub}/resourceGroups/rg-contoso-ml-westus/providers/Microsoft.Network/virtualNetworks/vnet-contoso-ml-westus"
            ),
        ]
    );
    let l = &healthy[1];
    assert_eq!(l["name"], "link-westus");
    assert_eq!(l["properties"]["registrationEnabled"], false);
    assert_eq!(l["properties"]["virtualNetworkLinkState"], "Completed");
    assert_eq!(
        get(
            &mut w,
            &format!("{zone}/virtualNetworkLinks/link-westus"),
            &[]
        )
        .unwrap(),
        *l
    );
    let blob = zone.replace(
        "privatelink.api.azureml.ms",
        "privatelink.blob.core.windows.net",
    );
    let notebooks = zone.replace(
        "privatelink.api.azureml.ms",
        "privatelink.notebooks.azure.net",
    );
    drift_ws(&mut w, s, "dns-link");
    let names = |l: Vec<Value>| -> Vec<String> {
        l.iter()
            .map(|x| x["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(links(&mut w, &zone)), ["link-eastus"]);
    assert_eq!(names(links(&mut w, &notebooks)), ["link-eastus"]);
    assert_eq!(links(&mut w, &blob).len(), 2);
    assert_eq!(
        get(&mut w, &zone, &[]).unwrap()["properties"]["numberOfVirtualNetworkLinks"],
        1
    );
    assert_eq!(
        get(
            &mut w,
            &format!("{zone}/virtualNetworkLinks/link-westus"),
            &[]
        )
        .unwrap_err()
        .status,
        404
    );
    drift_ws(&mut w, s, "restore");
    assert_eq!(links(&mut w, &zone), healthy);
    let nope = zone.replace("privatelink.api.azureml.ms", "privatelink.vault.azure.net");
    assert_eq!(get(&mut w, &nope, &[]).unwrap_err().status, 404);
}

#[test]
fn outbound_rules_are_active_until_managed_network_drift() {
    let mut w = world();
    let (e, s) = (ws(&w, "eastus"), ws(&w, "westus"));
    let sid = id(&w, s);
    let rules = |w: &mut World, i: usize| {
        let id = id(w, i);
        values(get(w, &format!("{id}/outboundRules"), &[]).unwrap())
    };
    let list = rules(&mut w, s);
    let user: Vec<&Value> = list
        .iter()
        .filter(|r| r["properties"]["category"] == "UserDefined")
        .collect();
    assert_eq!(user.len(), 2);
    assert_eq!(user[0]["name"], "pypi");
    assert_eq!(user[0]["properties"]["type"], "FQDN");
    assert_eq!(user[0]["properties"]["destination"], "pypi.org");
    assert_eq!(user[1]["name"], "data-blob");
    assert_eq!(user[1]["properties"]["type"], "PrivateEndpoint");
    let dest = &user[1]["properties"]["destination"];
    assert!(
        dest["serviceResourceId"]
            .as_str()
            .unwrap()
            .ends_with("/stcontosotraindata")
    );
    assert_eq!(
        (
            dest["subresourceTarget"].clone(),
            dest["sparkEnabled"].clone()
        ),
        (json!("blob"), json!(false))
    );
    assert!(
        list.iter()
            .any(|r| r["properties"]["category"] == "Required"
                && r["properties"]["destination"]["serviceTag"] == "AzureMachineLearning")
    );
    assert!(list.iter().all(|r| r["properties"]["status"] == "Active"));
    let strip = |l: Vec<Value>| -> Vec<Value> {
        l.into_iter()
            .filter(|r| r["properties"]["category"] == "UserDefined")
            .map(|r| r["properties"].clone())
            .collect()
    };
    assert_eq!(
        strip(rules(&mut w, e)),
        strip(list.clone()),
        "the same in both"
    );
    let one = get(&mut w, &format!("{sid}/outboundRules/PYPI"), &[]).unwrap();
    assert_eq!(one, *user[0]);
    assert_eq!(
        get(&mut w, &format!("{sid}/outboundRules/nope"), &[])
            .unwrap_err()
            .status,
        404
    );
    drift_ws(&mut w, s, "managed-network");
    assert!(
        rules(&mut w, s)
            .iter()
            .all(|r| r["properties"]["status"] == "Inactive")
    );
    assert!(
        rules(&mut w, e)
            .iter()
            .all(|r| r["properties"]["status"] == "Active")
    );
    assert_eq!(
        w.render(s, &sid, false)["properties"]["managedNetwork"]["status"]["status"],
        "Inactive"
    );
    drift_ws(&mut w, s, "restore");
    assert_eq!(rules(&mut w, s), list);
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
