//! Azure ML readiness, managed network: each simulated workspace's managed virtual network
//! (isolation `AllowOnlyApprovedOutbound`) and its outbound rules — the ones Azure ML requires
//! (service tags, private endpoints to what the workspace links to) and two user-defined ones,
//! the same in both workspaces. The `managed-network` drift deactivates the network and its
//! rules.

use serde_json::{Value, json};

use super::drifted;
use crate::sim::providers::aml;
use crate::sim::reply::{ArmError, Reply};
use crate::sim::routes::Call;
use crate::sim::world::World;

/// The service tags Azure ML requires outbound: (tag, protocol, ports).
const SERVICE_TAGS: &[(&str, &str, &str)] = &[
    ("AzureActiveDirectory", "TCP", "80, 443"),
    ("AzureMachineLearning", "TCP", "443, 8787, 18881"),
    ("AzureMachineLearning", "UDP", "5831"),
    ("AzureResourceManager", "TCP", "443"),
    ("AzureFrontDoor.FrontEnd", "TCP", "443"),
    ("MicrosoftContainerRegistry", "TCP", "443"),
];

/// `Active`, or `Inactive` after a `managed-network` drift of workspace `i`.
fn status(w: &World, i: usize) -> &'static str {
    if drifted(w, i, "managed-network", "*") {
        "Inactive"
    } else {
        "Active"
    }
}

/// Workspace `i`'s `properties.managedNetwork`.
pub fn render(w: &World, i: usize) -> Value {
    json!({
        "isolationMode": "AllowOnlyApprovedOutbound",
        "status": {"status": status(w, i), "sparkReady": false},
    })
}

/// A private endpoint rule's destination.
fn private_endpoint(resource: &str, target: &str) -> Value {
    json!({"serviceResourceId": resource, "subresourceTarget": target, "sparkEnabled": false, "sparkStatus": "Inactive"})
}

/// Workspace `i`'s outbound rules: (name, category, type, destination).
fn rules(w: &World, i: usize) -> Vec<(String, &'static str, &'static str, Value)> {
    let region = &w.resources[i].home;
    let tag = |(tag, protocol, ports): (&str, &str, &str)| {
        let suffix = if protocol == "UDP" { "_UDP" } else { "" };
        let dest = json!({"serviceTag": tag, "protocol": protocol, "portRanges": ports, "action": "Allow", "addressPrefixes": []});
        (
            format!("__SYS_ST_{tag}{suffix}"),
            "Required",
            "ServiceTag",
            dest,
        )
    };
    let mut out: Vec<_> = SERVICE_TAGS.iter().copied().map(tag).collect();
    out.push(tag((
        &format!("BatchNodeManagement.{region}"),
        "TCP",
        "443",
    )));
    let links = aml::links(w, i);
    let mut targets = vec![(links.storage.clone(), "blob"), (links.storage, "file")];
    targets.extend(links.key_vault.map(|kv| (kv, "vault")));
    targets.extend(links.registry.map(|acr| (acr, "registry")));
    for (resource, target) in targets {
        let name = resource.rsplit('/').next().unwrap_or_default();
        let dest = private_endpoint(&resource, target);
        out.push((
            format!("__SYS_PE_{name}_{target}"),
            "Required",
            "PrivateEndpoint",
            dest,
        ));
    }
    out.push(("pypi".into(), "UserDefined", "FQDN", json!("pypi.org")));
    if let Some(data) = super::data_accounts(w, i).first() {
        let dest = private_endpoint(data.id.as_str(), "blob");
        out.push(("data-blob".into(), "UserDefined", "PrivateEndpoint", dest));
    }
    out
}

/// Workspace `i`'s outbound rules as ARM JSON.
fn render_rules(w: &World, i: usize) -> Vec<Value> {
    let ws = &w.resources[i].id;
    let status = status(w, i);
    rules(w, i)
        .into_iter()
        .map(|(name, category, kind, destination)| {
            json!({
                "id": format!("{ws}/outboundRules/{name}"), "name": name,
                "type": "Microsoft.MachineLearningServices/workspaces/outboundRules",
                "properties": {"type": kind, "destination": destination, "category": category, "status": status},
            })
        })
        .collect()
}

/// `GET {workspace}/outboundRules`.
pub fn outbound_rules(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    Ok(Reply::ok(json!({"value": render_rules(w, call.i)})))
}

/// `GET {workspace}/outboundRules/{name}`.
pub fn outbound_rule(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    render_rules(w, call.i)
        .into_iter()
        .find(|r| {
            r["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(call.param("name")))
        })
        .map(Reply::ok)
        .ok_or_else(|| ArmError::not_found(call.req.path))
}
