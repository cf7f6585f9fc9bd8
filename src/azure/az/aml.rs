//! Azure Machine Learning (`az ml`, the ml extension: checked against
//! `tests/az_reference/ml.txt`). A workspace's children name it with `-w`.

use super::{named, sub};
use crate::config::ResourceId;

/// `-n {name} -w {workspace} -g {group} --subscription ...` of a workspace child (compute,
/// online endpoint).
fn child(id: &ResourceId) -> String {
    format!(
        "-n {} -w {} -g {} {}",
        id.name(),
        id.parent_name().unwrap_or_default(),
        id.resource_group(),
        sub(id)
    )
}

/// `-w {workspace} -g {group} --subscription ...` of a workspace id.
fn in_workspace(ws: &ResourceId) -> String {
    format!("-w {} -g {} {}", ws.name(), ws.resource_group(), sub(ws))
}

/// A workspace; `query` as az's `--query`, if any.
pub fn workspace_show(ws: &ResourceId, query: Option<&str>) -> String {
    match query {
        Some(q) => format!("az ml workspace show {} --query {q}", named(ws)),
        None => format!("az ml workspace show {}", named(ws)),
    }
}

/// A compute cluster.
pub fn compute_show(compute: &ResourceId) -> String {
    format!("az ml compute show {}", child(compute))
}

/// Scales a compute cluster.
pub fn compute_update(compute: &ResourceId, min: u32, max: u32) -> String {
    format!(
        "az ml compute update {} --min-instances {min} --max-instances {max}",
        child(compute)
    )
}

/// An online endpoint's traffic.
pub fn endpoint_show_traffic(endpoint: &ResourceId) -> String {
    format!(
        "az ml online-endpoint show {} --query traffic",
        child(endpoint)
    )
}

/// Sends all of an endpoint's traffic to `deployment`.
pub fn endpoint_route(endpoint: &ResourceId, deployment: &str) -> String {
    format!(
        "az ml online-endpoint update {} --traffic \"{deployment}=100\"",
        child(endpoint)
    )
}

/// Invokes an endpoint with a sample request (the gate's smoke test).
pub fn endpoint_invoke(endpoint: &ResourceId) -> String {
    format!(
        "az ml online-endpoint invoke {} --request-file sample.json",
        child(endpoint)
    )
}

/// The deployments of an endpoint.
pub fn deployment_list(endpoint: &ResourceId) -> String {
    format!(
        "az ml online-deployment list --endpoint-name {} -w {} -g {} {} -o table",
        endpoint.name(),
        endpoint.parent_name().unwrap_or_default(),
        endpoint.resource_group(),
        sub(endpoint)
    )
}

/// Scales a deployment of an endpoint.
pub fn deployment_scale(endpoint: &ResourceId, deployment: &str, instances: u32) -> String {
    format!(
        "az ml online-deployment update -n {deployment} --endpoint-name {} -w {} -g {} {} --set instance_count={instances}",
        endpoint.name(),
        endpoint.parent_name().unwrap_or_default(),
        endpoint.resource_group(),
        sub(endpoint)
    )
}

/// The schedules of a workspace.
pub fn schedule_list(ws: &ResourceId) -> String {
    format!("az ml schedule list {} -o table", in_workspace(ws))
}

/// The running jobs of a workspace.
pub fn running_jobs(ws: &ResourceId) -> String {
    format!(
        "az ml job list {} --query \"[?status=='Running'].name\"",
        in_workspace(ws)
    )
}

// ---- preparing the standby workspace (Azure ML readiness fixes) ----
//
// The fixes of the readiness checks: most are `az ml`; a role, a private endpoint and a DNS link
// are Azure's own commands (`az role`, `az network`), kept here because only the standby
// workspace's preparation prints them.

/// Attaches a datastore to a workspace from its YAML (`{name}.yml`: the primary's type,
/// account and container).
pub fn datastore_create(ws: &ResourceId, name: &str) -> String {
    format!(
        "az ml datastore create --file {name}.yml {}",
        in_workspace(ws)
    )
}

/// A datastore of a workspace.
pub fn datastore_show(ws: &ResourceId, name: &str) -> String {
    format!("az ml datastore show -n {name} {}", in_workspace(ws))
}

/// Shares a model or environment of the primary workspace to a registry (same name and
/// version): `kind` is `model` or `environment`.
pub fn asset_share(
    kind: &str,
    ws: &ResourceId,
    name: &str,
    version: &str,
    registry: &str,
) -> String {
    format!(
        "az ml {kind} share -n {name} -v {version} --registry-name {registry} --share-with-name {name} --share-with-version {version} {}",
        in_workspace(ws)
    )
}

/// A registry (its replication regions).
pub fn registry_show(registry: &str, group: &str, subscription: &str) -> String {
    format!("az ml registry show -n {registry} -g {group} --subscription {subscription}")
}

/// Updates a registry from its YAML (`{registry}.yml`, `replication_locations` listing the
/// region to add with the existing ones).
pub fn registry_update(registry: &str, group: &str, subscription: &str) -> String {
    format!(
        "az ml registry update -n {registry} -g {group} --file {registry}.yml --subscription {subscription}"
    )
}

/// Provisions a workspace's managed network now (else the first compute or deployment does,
/// ≈30 minutes on its path).
pub fn provision_network(ws: &ResourceId) -> String {
    format!("az ml workspace provision-network {}", named(ws))
}

/// The outbound rules of a workspace's managed network.
pub fn outbound_rule_list(ws: &ResourceId) -> String {
    format!("az ml workspace outbound-rule list {}", in_workspace(ws))
}

/// Adds an FQDN outbound rule to a workspace's managed network.
pub fn outbound_rule_fqdn(ws: &ResourceId, rule: &str, fqdn: &str) -> String {
    format!(
        "az ml workspace outbound-rule set --rule {rule} --type fqdn --destination {fqdn} {}",
        in_workspace(ws)
    )
}

/// Adds a service-tag outbound rule.
pub fn outbound_rule_service_tag(
    ws: &ResourceId,
    rule: &str,
    tag: &str,
    protocol: &str,
    ports: &str,
) -> String {
    format!(
        "az ml workspace outbound-rule set --rule {rule} --type service_tag --service-tag {tag} --protocol {protocol} --port-ranges {ports} {}",
        in_workspace(ws)
    )
}

/// Adds a private-endpoint outbound rule.
pub fn outbound_rule_private_endpoint(
    ws: &ResourceId,
    rule: &str,
    target: &str,
    subresource: &str,
) -> String {
    format!(
        "az ml workspace outbound-rule set --rule {rule} --type private_endpoint --service-resource-id {target} --subresource-target {subresource} {}",
        in_workspace(ws)
    )
}

/// Grants a role to a principal at a scope (`principal_type`: `ServicePrincipal`, `User`,
/// `Group`; known so the CLI need not look it up in Microsoft Graph).
pub fn role_assign(principal: &str, principal_type: &str, role: &str, scope: &str) -> String {
    format!(
        "az role assignment create --assignee-object-id {principal} --assignee-principal-type {principal_type} --role \"{role}\" --scope {scope}"
    )
}

/// The role assignments at a scope.
pub fn role_list(scope: &str) -> String {
    format!("az role assignment list --scope {scope} --fill-principal-name false -o table")
}

/// Creates a private endpoint for `target` (`group`: `amlworkspace`, `blob`, ...) in `subnet`
/// (a subnet id).
pub fn private_endpoint_create(
    name: &str,
    ws: &ResourceId,
    subnet: &str,
    target: &str,
    group: &str,
) -> String {
    format!(
        "az network private-endpoint create -n {name} -g {} --subscription {} --subnet {subnet} --private-connection-resource-id {target} --group-id {group} --connection-name {name}",
        ws.resource_group(),
        ws.subscription()
    )
}

/// Links a private DNS zone to a virtual network (`zone`: the zone's id, `vnet`: the network's).
pub fn dns_link_create(zone: &ResourceId, link: &str, vnet: &str) -> String {
    format!(
        "az network private-dns link vnet create -g {} -z {} -n {link} -v {vnet} -e false {}",
        zone.resource_group(),
        zone.name(),
        sub(zone)
    )
}

/// The links of a private DNS zone.
pub fn dns_link_list(zone: &ResourceId) -> String {
    format!(
        "az network private-dns link vnet list -g {} -z {} {} -o table",
        zone.resource_group(),
        zone.name(),
        sub(zone)
    )
}
