//! Tests of `private network` and `managed network`: pass, fail naming the item, unknown.
use std::collections::HashMap;

use serde_json::json;

use crate::azure::models::*;
use crate::config::ResourceId;
use crate::health::collect::{AmlNetwork, AmlReadiness, ReadError, Reading};
use crate::health::derive::tests::*;

const SUB: &str = "/subscriptions/8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b";
const DATA: &str = "/subscriptions/8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata";

fn vnet(region: &str) -> String {
    format!("{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-{region}")
}

fn pe_id(name: &str) -> String {
    format!("{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/privateEndpoints/{name}")
}

fn pec(name: &str, status: &str) -> PrivateEndpointConnection {
    model(
        json!({"name": name, "properties": {"privateEndpoint": {"id": pe_id(name)},
        "privateLinkServiceConnectionState": {"status": status}, "provisioningState": "Succeeded"}}),
    )
}

fn pe(name: &str, region: &str) -> (String, Result<PrivateEndpoint, ReadError>) {
    (
        pe_id(name).to_ascii_lowercase(),
        Ok(model(
            json!({"id": pe_id(name), "name": name, "location": region,
            "properties": {"subnet": {"id": format!("{}/subnets/snet-pe", vnet(region))}}}),
        )),
    )
}

fn link(region: &str) -> VirtualNetworkLink {
    model(
        json!({"name": format!("link-{region}"), "properties": {"virtualNetwork": {"id": vnet(region)},
        "virtualNetworkLinkState": "Completed", "provisioningState": "Succeeded"}}),
    )
}

fn zone(name: &str) -> PrivateDnsZone {
    model(
        json!({"id": format!("{SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/{name}"), "name": name}),
    )
}

fn workspace(id: &ResourceId, managed: Option<&str>) -> Workspace {
    let mut v = json!({"id": id.to_string(), "name": id.name(),
        "properties": {"publicNetworkAccess": "Disabled"}});
    if let Some(status) = managed {
        v["properties"]["managedNetwork"] =
            json!({"isolationMode": "AllowOnlyApprovedOutbound", "status": {"status": status}});
    }
    model(v)
}

fn rule(name: &str, dest: serde_json::Value, kind: &str, status: &str) -> OutboundRule {
    model(
        json!({"name": name, "properties": {"type": kind, "destination": dest,
        "category": "UserDefined", "status": status}}),
    )
}

/// The demo pair, private, each workspace and the data account with an endpoint in both
/// regions, both AML zones linked to both networks, managed networks Active with one FQDN rule.
fn setup(edit: impl FnOnce(&mut AmlNetwork, &mut Vec<OutboundRule>)) -> Obs {
    let mut o = Obs::demo();
    let (p, s) = o.pair("workspace");
    o.read(
        &p,
        Reading::Workspace(workspace(&p, Some("Active")), Vec::new()),
    )
    .read(
        &s,
        Reading::Workspace(workspace(&s, Some("Active")), Vec::new()),
    );
    let mut n = AmlNetwork {
        read_at: o.obs.now,
        primary_pecs: Ok(vec![pec("pe-ws-eastus", "Approved")]),
        secondary_pecs: Ok(vec![pec("pe-ws-westus", "Approved")]),
        account_pecs: HashMap::from([(
            DATA.to_ascii_lowercase(),
            Ok(vec![
                pec("pe-data-eastus", "Approved"),
                pec("pe-data-westus", "Approved"),
            ]),
        )]),
        endpoints: HashMap::from([
            pe("pe-ws-eastus", "eastus"),
            pe("pe-ws-westus", "westus"),
            pe("pe-data-eastus", "eastus"),
            pe("pe-data-westus", "westus"),
        ]),
        zones: Some(Ok(AML_DNS_ZONES.iter().map(|z| zone(z)).collect())),
        links: AML_DNS_ZONES
            .iter()
            .map(|z| (z.to_string(), Ok(vec![link("eastus"), link("westus")])))
            .collect(),
    };
    let mut s_rules = vec![rule("pypi", json!("pypi.org"), "FQDN", "Active")];
    edit(&mut n, &mut s_rules);
    o.obs.aml.insert(
        "workspace".into(),
        AmlReadiness {
            network: Some(n),
            outbound: Some((
                Ok(vec![rule("pypi", json!("pypi.org"), "FQDN", "Active")]),
                Ok(s_rules),
            )),
            ..Default::default()
        },
    );
    o
}

fn chk(o: &Obs, name: &str) -> crate::health::model::Check {
    check(&o.component("workspace"), name).clone()
}

#[test]
fn a_mirrored_private_network_passes_with_a_row_per_endpoint_and_zone() {
    let o = setup(|_, _| {});
    let k = chk(&o, "private network");
    assert_eq!(k.passed, Some(true), "{}", k.reason);
    let c = o.component("workspace");
    let rows: Vec<&str> = c
        .standby
        .iter()
        .filter(|x| x.check.as_str() == "private network")
        .map(|x| x.item.as_str())
        .collect();
    assert_eq!(
        rows,
        [
            "private endpoint of the workspace",
            "private endpoint for stdata",
            "DNS privatelink.api.azureml.ms",
            "DNS privatelink.notebooks.azure.net"
        ]
    );
    let k = chk(&o, "managed network");
    assert_eq!(k.passed, Some(true), "{}", k.reason);
}

#[test]
fn a_missing_workspace_endpoint_fails() {
    let o = setup(|n, _| n.secondary_pecs = Ok(vec![]));
    let k = chk(&o, "private network");
    assert_eq!(k.passed, Some(false));
    assert!(
        k.reason
            .starts_with("no approved private endpoint for mlw-contoso-westus in westus (none)"),
        "{}",
        k.reason
    );
    let c = o.component("workspace");
    let row = missing(&c).unwrap();
    assert_eq!(row.item, "private endpoint of the workspace");
    // The subnet of the data account's endpoint in westus is where the fix puts it.
    let fix = row.fix.as_deref().expect("a fix");
    assert!(fix.contains("--subnet /subscriptions/8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-westus/subnets/snet-pe"), "{fix}");
    assert!(fix.contains("--group-id amlworkspace"), "{fix}");
}

#[test]
fn a_pending_endpoint_says_so() {
    let o = setup(|n, _| n.secondary_pecs = Ok(vec![pec("pe-ws-westus", "Pending")]));
    let k = chk(&o, "private network");
    assert_eq!(k.passed, Some(false));
    assert!(
        k.reason.contains("(pe-ws-westus is Pending)"),
        "{}",
        k.reason
    );
}

#[test]
fn a_data_account_without_an_endpoint_in_the_secondary_fails_naming_it() {
    let o = setup(|n, _| {
        n.account_pecs.insert(
            DATA.to_ascii_lowercase(),
            Ok(vec![pec("pe-data-eastus", "Approved")]),
        );
    });
    let k = chk(&o, "private network");
    assert_eq!(k.passed, Some(false));
    assert_eq!(
        k.reason,
        "no approved private endpoint for stdata in westus"
    );
}

#[test]
fn a_zone_not_linked_to_the_secondary_network_fails_naming_the_zone() {
    let o = setup(|n, _| {
        n.links.insert(
            "privatelink.notebooks.azure.net".into(),
            Ok(vec![link("eastus")]),
        );
    });
    let k = chk(&o, "private network");
    assert_eq!(k.passed, Some(false));
    assert_eq!(
        k.reason,
        "privatelink.notebooks.azure.net is not linked to vnet-westus (westus)"
    );
    let c = o.component("workspace");
    let row = missing(&c).unwrap();
    assert_eq!(row.primary, Some(true));
    assert!(row.fix.as_deref().unwrap().starts_with("az network private-dns link vnet create -g rg-dns -z privatelink.notebooks.azure.net -n link-westus -v "));
}

#[test]
fn unreadable_or_absent_zones_are_undecided_never_a_pass() {
    let o = setup(|n, _| {
        n.zones = Some(Err(ReadError {
            message: "timed out".into(),
            not_responding: true,
            auth: false,
            transient: true,
        }))
    });
    let k = chk(&o, "private network");
    assert_eq!(k.passed, None, "{}", k.reason);
    let o = setup(|n, _| n.zones = Some(Ok(vec![])));
    let k = chk(&o, "private network");
    assert_eq!(k.passed, None);
    assert!(
        k.reason
            .contains("privatelink.api.azureml.ms is not in this subscription"),
        "{}",
        k.reason
    );
}

#[test]
fn a_public_primary_has_nothing_to_mirror() {
    let mut o = setup(|n, _| {
        n.primary_pecs = Ok(vec![]);
        n.secondary_pecs = Ok(vec![]);
    });
    let (p, _) = o.pair("workspace");
    let mut w = workspace(&p, None);
    w.properties.public_network_access = Some("Enabled".into());
    o.read(&p, Reading::Workspace(w, Vec::new()));
    let k = chk(&o, "private network");
    assert_eq!(k.passed, Some(true));
    assert!(k.reason.contains("public"), "{}", k.reason);
    let k = chk(&o, "managed network");
    assert_eq!(k.passed, Some(true));
    assert!(k.reason.contains("no managed network"), "{}", k.reason);
}

#[test]
fn an_inactive_managed_network_says_how_long_it_takes_and_how_to_provision() {
    let mut o = setup(|_, _| {});
    let (_, s) = o.pair("workspace");
    o.read(
        &s,
        Reading::Workspace(workspace(&s, Some("Inactive")), Vec::new()),
    );
    let k = chk(&o, "managed network");
    assert_eq!(k.passed, Some(false));
    assert!(
        k.reason.contains("mlw-contoso-westus's managed network is Inactive: ≈30 min to provision, on the RTO path of the first online deployment"),
        "{}",
        k.reason
    );
    let c = o.component("workspace");
    let row = missing(&c).unwrap();
    assert!(row.fix.as_deref().unwrap().starts_with(
        "az ml workspace provision-network -g rg-contoso-ml-westus -n mlw-contoso-westus"
    ));
}

#[test]
fn outbound_rules_missing_redirected_or_failed_are_named() {
    let o = setup(|_, s| s.clear());
    let k = chk(&o, "managed network");
    assert_eq!(k.passed, Some(false));
    assert_eq!(
        k.reason,
        "outbound rule pypi (FQDN pypi.org) missing in mlw-contoso-westus"
    );
    let c = o.component("workspace");
    let fix = missing(&c).unwrap().fix.clone().unwrap();
    assert!(fix.starts_with("az ml workspace outbound-rule set --rule pypi --type fqdn --destination pypi.org -w mlw-contoso-westus"), "{fix}");
    let o = setup(|_, s| s[0] = rule("pypi", json!("mirror.contoso.com"), "FQDN", "Active"));
    assert!(
        chk(&o, "managed network")
            .reason
            .contains("goes to mirror.contoso.com")
    );
    let o = setup(|_, s| s[0] = rule("pypi", json!("pypi.org"), "FQDN", "Failed"));
    assert!(
        chk(&o, "managed network")
            .reason
            .contains("outbound rule pypi Failed in mlw-contoso-westus")
    );
}

#[test]
fn unreadable_outbound_rules_are_undecided() {
    let mut o = setup(|_, _| {});
    if let Some(r) = o.obs.aml.get_mut("workspace") {
        r.outbound = Some((
            Ok(vec![]),
            Err(ReadError {
                message: "500".into(),
                not_responding: false,
                auth: false,
                transient: true,
            }),
        ));
    }
    assert_eq!(chk(&o, "managed network").passed, None);
}

/// The first failing row of the side-by-side view beside `linked resources` (the test
/// workspaces link nothing).
fn missing(
    c: &crate::health::model::ComponentStatus,
) -> Option<&crate::health::model::StandbyItem> {
    c.standby
        .iter()
        .find(|x| x.missing() && x.check.as_str() != "linked resources")
}
