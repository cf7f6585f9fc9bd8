//! Tests of `aml_readiness::network`: private endpoints, their connections, private DNS, the
//! `private-endpoint` and `dns-link` drifts.
use super::*;

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
