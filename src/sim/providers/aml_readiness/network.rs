//! Azure ML readiness, private network: the private endpoints (Microsoft.Network) of each
//! simulated workspace and of the storage it reads, the private endpoint connections the
//! workspaces and storage accounts show of them, and the private DNS zones of Azure ML and blob
//! storage with one virtual network link per region. None of this is Azure ML's provider, and
//! none of it is configured: it exists in the simulator only for Azure ML readiness, so it lives
//! here, with the `private-endpoint` and `dns-link` drifts that remove parts of it.
//!
//! Each region with a workspace has one virtual network, `vnet-{deployment}-{region}` in that
//! workspace's resource group, whose subnet `snet-private-endpoints` holds the region's
//! endpoints: a workspace's `pe-{workspace}` and `pe-{default storage}`, and a data account's
//! `pe-{account}-{region}` (one per region). The DNS zones live in the resource group of the
//! primary region's workspace.

use serde_json::{Value, json};

use super::{drifted, guid};
use crate::config::ComponentKind;
use crate::region::Region;
use crate::sim::providers::aml;
use crate::sim::reply::{ArmError, Reply};
use crate::sim::routes::{Call, Request};
use crate::sim::world::World;

/// The private DNS zones, and whether each is one of Azure ML's (which a `dns-link` drift
/// unlinks from the workspace's region).
const ZONES: &[(&str, bool)] = &[
    ("privatelink.api.azureml.ms", true),
    ("privatelink.notebooks.azure.net", true),
    ("privatelink.blob.core.windows.net", false),
];

/// The subnet every region's private endpoints are in.
const SUBNET: &str = "snet-private-endpoints";

/// One simulated private endpoint.
#[derive(Debug, Clone)]
pub struct PrivateEndpoint {
    name: String,
    /// Its resource group, as the resource ids write it.
    rg: String,
    region: Region,
    /// The resource it connects to.
    target: String,
    /// `amlworkspace` or `blob`.
    group: &'static str,
    /// The workspace whose `private-endpoint` drift removes it (a workspace's own endpoint).
    owner: Option<usize>,
    fqdns: Vec<String>,
    ip: String,
}

impl PrivateEndpoint {
    /// Its resource id.
    fn id(&self, w: &World) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/privateEndpoints/{}",
            w.subscription, self.rg, self.name
        )
    }
}

/// The deployment's name as resource names write it.
fn slug(w: &World) -> String {
    w.deployment.to_ascii_lowercase().replace(' ', "-")
}

/// The deployment's regions that have a workspace, each with its first workspace (whose
/// resource group holds the region's network).
fn regions(w: &World) -> Vec<(Region, usize)> {
    [&w.primary, &w.secondary]
        .into_iter()
        .filter_map(|region| {
            let i = w
                .resources
                .iter()
                .position(|r| r.kind == ComponentKind::MlWorkspace && &r.home == region)?;
            Some((region.clone(), i))
        })
        .collect()
}

/// The virtual network of `region`, if it has a workspace.
fn vnet_id(w: &World, region: &Region) -> Option<String> {
    let (_, i) = regions(w).into_iter().find(|(r, _)| r == region)?;
    Some(format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/virtualNetworks/vnet-{}-{region}",
        w.subscription,
        w.resources[i].id.resource_group(),
        slug(w)
    ))
}

/// Every private endpoint of a healthy world, each region's addresses in order (built once
/// per world: [`World::endpoints`]).
fn all_endpoints(w: &World) -> &[PrivateEndpoint] {
    w.endpoints.get_or_init(|| build_endpoints(w))
}

/// [`all_endpoints`], built.
fn build_endpoints(w: &World) -> Vec<PrivateEndpoint> {
    let mut out = Vec::new();
    for (i, r) in w.resources.iter().enumerate() {
        if r.kind != ComponentKind::MlWorkspace {
            continue;
        }
        let (ws, region) = (r.id.name(), &r.home);
        let id = aml::workspace_guid(i);
        let api = format!("{region}.api.azureml.ms");
        let fqdns = vec![
            format!("{id}.workspace.{api}"),
            format!("{id}.workspace.{region}.cert.api.azureml.ms"),
            format!("*.{id}.inference.{api}"),
            format!("ml-{ws}-{region}-{id}.{region}.notebooks.azure.net"),
        ];
        let rg = r.id.resource_group().to_string();
        out.push(endpoint(
            format!("pe-{ws}"),
            &rg,
            region,
            r.id.to_string(),
            "amlworkspace",
            Some(i),
            fqdns,
        ));
        let storage = aml::links(w, i).storage;
        let account = super::default_storage(ws);
        out.push(blob_endpoint(
            format!("pe-{account}"),
            &rg,
            region,
            storage,
            &account,
        ));
    }
    for s in w
        .resources
        .iter()
        .filter(|r| r.kind == ComponentKind::Storage)
    {
        let account = s.id.name();
        for (region, i) in regions(w) {
            let rg = w.resources[i].id.resource_group().to_string();
            let name = format!("pe-{account}-{region}");
            out.push(blob_endpoint(name, &rg, &region, s.id.to_string(), account));
        }
    }
    for (k, region) in [&w.primary, &w.secondary].into_iter().enumerate() {
        for (n, e) in out.iter_mut().filter(|e| &e.region == region).enumerate() {
            e.ip = format!("10.{}.1.{}", 10 * (k + 1), 4 + n);
        }
    }
    out
}

/// A private endpoint (its address set once all are known).
fn endpoint(
    name: String,
    rg: &str,
    region: &Region,
    target: String,
    group: &'static str,
    owner: Option<usize>,
    fqdns: Vec<String>,
) -> PrivateEndpoint {
    PrivateEndpoint {
        name,
        rg: rg.to_string(),
        region: region.clone(),
        target,
        group,
        owner,
        fqdns,
        ip: String::new(),
    }
}

/// A private endpoint to a storage account's blob service.
fn blob_endpoint(
    name: String,
    rg: &str,
    region: &Region,
    target: String,
    account: &str,
) -> PrivateEndpoint {
    let fqdns = vec![format!("{account}.blob.core.windows.net")];
    endpoint(name, rg, region, target, "blob", None, fqdns)
}

/// The private endpoints there are: all, less the workspaces' own that drift removed.
fn endpoints(w: &World) -> Vec<&PrivateEndpoint> {
    all_endpoints(w)
        .iter()
        .filter(|e| {
            e.owner
                .is_none_or(|i| !drifted(w, i, "private-endpoint", "*"))
        })
        .collect()
}

/// A private endpoint's ARM JSON (Microsoft.Network, Microsoft's shape).
fn render_endpoint(w: &World, e: &PrivateEndpoint) -> Value {
    let id = e.id(w);
    let subnet = vnet_id(w, &e.region).map(|v| format!("{v}/subnets/{SUBNET}"));
    json!({
        "name": e.name, "id": id, "type": "Microsoft.Network/privateEndpoints",
        "location": e.region.as_str(), "etag": format!("W/\"{}\"", guid(&["etag", &id])), "tags": {},
        "properties": {
            "provisioningState": "Succeeded", "resourceGuid": guid(&["resource", &id]),
            "privateLinkServiceConnections": [{
                "id": format!("{id}/privateLinkServiceConnections/{}", e.name), "name": e.name,
                "type": "Microsoft.Network/privateEndpoints/privateLinkServiceConnections",
                "etag": format!("W/\"{}\"", guid(&["etag", &id, "connection"])),
                "properties": {
                    "provisioningState": "Succeeded", "privateLinkServiceId": e.target, "groupIds": [e.group],
                    "privateLinkServiceConnectionState": {"status": "Approved", "description": "Auto-Approved", "actionsRequired": "None"},
                },
            }],
            "manualPrivateLinkServiceConnections": [],
            "subnet": {"id": subnet},
            "networkInterfaces": [{"id": format!("/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/networkInterfaces/{}-nic", w.subscription, e.rg, e.name)}],
            "customNetworkInterfaceName": format!("{}-nic", e.name),
            "customDnsConfigs": e.fqdns.iter().map(|f| json!({"fqdn": f, "ipAddresses": [e.ip]})).collect::<Vec<_>>(),
            "ipConfigurations": [], "applicationSecurityGroups": [],
        },
    })
}

/// The private endpoint connections `target` shows: `storage` in Microsoft.Storage's shape
/// (`actionRequired`), else Azure ML's (`actionsRequired`).
fn connections(w: &World, target: &str, storage: bool) -> Vec<Value> {
    let (kind, actions) = if storage {
        ("Microsoft.Storage/storageAccounts", "actionRequired")
    } else {
        (
            "Microsoft.MachineLearningServices/workspaces",
            "actionsRequired",
        )
    };
    endpoints(w)
        .iter()
        .filter(|e| e.target.eq_ignore_ascii_case(target))
        .map(|e| {
            json!({
                "id": format!("{target}/privateEndpointConnections/{}", e.name), "name": e.name,
                "type": format!("{kind}/privateEndpointConnections"),
                "properties": {
                    "provisioningState": "Succeeded", "privateEndpoint": {"id": e.id(w)},
                    "privateLinkServiceConnectionState": {"status": "Approved", "description": "Auto-Approved", actions: "None"},
                },
            })
        })
        .collect()
}

/// The private endpoint connections a storage account shows, as its list and (inline, in
/// `properties.privateEndpointConnections`) its GET answer them.
pub fn account_connections(w: &World, account_id: &str) -> Vec<Value> {
    connections(w, account_id, true)
}

/// Workspace `i`'s private endpoint connections (none once drift removed its endpoint).
pub fn workspace_connections(w: &World, i: usize) -> Vec<Value> {
    connections(w, w.resources[i].id.as_str(), false)
}

/// The item of `items` named `name` (any case), or ARM's 404 for `path`.
fn named(items: Vec<Value>, name: &str, path: &str) -> Result<Reply, ArmError> {
    items
        .into_iter()
        .find(|v| {
            v["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
        .map(Reply::ok)
        .ok_or_else(|| ArmError::not_found(path))
}

/// `GET {workspace}/privateEndpointConnections`.
pub fn workspace_connections_list(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    Ok(Reply::ok(
        json!({"value": workspace_connections(w, call.i)}),
    ))
}

/// `GET {workspace}/privateEndpointConnections/{name}`.
pub fn workspace_connection(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    named(
        workspace_connections(w, call.i),
        call.param("name"),
        call.req.path,
    )
}

/// `GET {storage account}/privateEndpointConnections`: one per region for a data account.
pub fn storage_connections_list(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let value = connections(w, w.resources[call.i].id.as_str(), true);
    Ok(Reply::ok(crate::sim::reply::list_body(value)))
}

/// `GET {storage account}/privateEndpointConnections/{name}`.
pub fn storage_connection(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let items = connections(w, w.resources[call.i].id.as_str(), true);
    named(items, call.param("name"), call.req.path)
}

/// What is below workspace `i`'s default storage account (`rest`, lowercase): its private
/// endpoint connections; None for anything else.
pub fn default_storage_get(w: &World, req: &Request<'_>, i: usize, rest: &[&str]) -> Option<Reply> {
    let items = connections(w, &aml::links(w, i).storage, true);
    match rest {
        ["privateendpointconnections"] => Some(Reply::ok(crate::sim::reply::list_body(items))),
        ["privateendpointconnections", name] => {
            Some(named(items, name, req.path).unwrap_or_else(Reply::from))
        }
        _ => None,
    }
}

// ---- private DNS ----

/// The resource group the zones live in: the primary region's workspace's (or the first
/// workspace's); None without workspaces.
fn zone_rg(w: &World) -> Option<String> {
    let ws = w
        .resources
        .iter()
        .filter(|r| r.kind == ComponentKind::MlWorkspace);
    let all: Vec<_> = ws.collect();
    let r = all.iter().find(|r| r.home == w.primary).or(all.first())?;
    Some(r.id.resource_group().to_string())
}

/// The id of zone `zone`, if there are zones.
fn zone_id(w: &World, zone: &str) -> Option<String> {
    Some(format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/privateDnsZones/{zone}",
        w.subscription,
        zone_rg(w)?
    ))
}

/// The virtual network links of `zone` (one of `ZONES`): one per region, less the regions a
/// `dns-link` drift unlinked from Azure ML's zones.
fn links(w: &World, zone: &(&str, bool)) -> Vec<Value> {
    let Some(zid) = zone_id(w, zone.0) else {
        return Vec::new();
    };
    regions(w)
        .into_iter()
        .filter(|(region, _)| {
            !zone.1
                || !w.resources.iter().enumerate().any(|(i, r)| {
                    r.kind == ComponentKind::MlWorkspace
                        && &r.home == region
                        && drifted(w, i, "dns-link", "*")
                })
        })
        .filter_map(|(region, _)| {
            let id = format!("{zid}/virtualNetworkLinks/link-{region}");
            Some(json!({
                "id": id, "name": format!("link-{region}"),
                "type": "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
                "location": "global", "etag": guid(&["etag", &id]), "tags": {},
                "properties": {
                    "virtualNetwork": {"id": vnet_id(w, &region)?}, "registrationEnabled": false,
                    "resolutionPolicy": "Default", "virtualNetworkLinkState": "Completed",
                    "provisioningState": "Succeeded",
                },
            }))
        })
        .collect()
}

/// A zone's ARM JSON: its record sets are the SOA and an A record per name of an endpoint
/// that resolves in it.
fn render_zone(w: &World, zone: &(&str, bool)) -> Option<Value> {
    let id = zone_id(w, zone.0)?;
    let suffix = format!(".{}", zone.0.trim_start_matches("privatelink."));
    let records = endpoints(w)
        .iter()
        .flat_map(|e| e.fqdns.iter())
        .filter(|f| f.ends_with(&suffix))
        .count();
    Some(json!({
        "id": id, "name": zone.0, "type": "Microsoft.Network/privateDnsZones",
        "etag": guid(&["etag", &id]), "location": "global", "tags": {},
        "properties": {
            "maxNumberOfRecordSets": 25000, "maxNumberOfVirtualNetworkLinks": 1000,
            "maxNumberOfVirtualNetworkLinksWithRegistration": 100,
            "numberOfRecordSets": 1 + records, "numberOfVirtualNetworkLinks": links(w, zone).len(),
            "numberOfVirtualNetworkLinksWithRegistration": 0, "provisioningState": "Succeeded",
            "internalId": guid(&["internal", &id]),
        },
    }))
}

/// Whether `path` (lowercase) is a simulated private endpoint or private DNS zone.
pub fn exists(w: &World, path: &str) -> bool {
    endpoints(w)
        .iter()
        .any(|e| e.id(w).eq_ignore_ascii_case(path))
        || ZONES
            .iter()
            .filter_map(|z| zone_id(w, z.0))
            .any(|id| id.eq_ignore_ascii_case(path))
}

/// The Microsoft.Network reads simulated here: private endpoints (of the subscription or a
/// resource group, or one), private DNS zones (likewise) and a zone's virtual network links;
/// None for other paths. `segs` are the lowercase segments after the subscription.
pub fn subscription_get(w: &World, req: &Request<'_>, segs: &[&str]) -> Option<Reply> {
    let (rg, rest) = match segs {
        ["providers", "microsoft.network", rest @ ..] => (None, rest),
        [
            "resourcegroups",
            rg,
            "providers",
            "microsoft.network",
            rest @ ..,
        ] => (Some(*rg), rest),
        _ => return None,
    };
    let in_rg = |item_rg: &str| rg.is_none_or(|g| g.eq_ignore_ascii_case(item_rg));
    let answer = match rest {
        ["privateendpoints", name @ ..] if name.len() <= usize::from(rg.is_some()) => {
            let value: Vec<Value> = endpoints(w)
                .iter()
                .filter(|e| in_rg(&e.rg))
                .map(|e| render_endpoint(w, e))
                .collect();
            list_or_one(value, name, req.path)
        }
        ["privatednszones", name @ ..] if name.len() <= usize::from(rg.is_some()) => {
            let value: Vec<Value> = ZONES
                .iter()
                .filter(|_| zone_rg(w).is_some_and(|g| in_rg(&g)))
                .filter_map(|z| render_zone(w, z))
                .collect();
            list_or_one(value, name, req.path)
        }
        ["privatednszones", zone, "virtualnetworklinks", name @ ..]
            if rg.is_some() && name.len() <= 1 =>
        {
            match ZONES.iter().find(|z| z.0 == *zone) {
                Some(z) if zone_rg(w).is_some_and(|g| in_rg(&g)) => {
                    list_or_one(links(w, z), name, req.path)
                }
                _ => Err(ArmError::not_found(req.path)),
            }
        }
        _ => return None,
    };
    Some(answer.unwrap_or_else(Reply::from))
}

/// `{"value": items}` when `name` is empty, else the item so named (404 if none).
fn list_or_one(items: Vec<Value>, name: &[&str], path: &str) -> Result<Reply, ArmError> {
    match name {
        [] => Ok(Reply::ok(crate::sim::reply::list_body(items))),
        [n] => named(items, n, path),
        _ => Err(ArmError::not_found(path)),
    }
}
