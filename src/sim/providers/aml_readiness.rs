//! Azure ML readiness, simulated: what a workspace holds beyond its own resource — its
//! datastores (the workspace's own on its default storage, and one per storage account it keeps
//! data on, [`data_accounts`], the same in both workspaces) — and the subscription's regional Azure ML
//! quota (usages computed from what the simulated clusters and deployments hold, VM sizes from a
//! small catalogue). The `workspace-drift` and `quota` faults change them; what they change is
//! kept in [`AmlSim`], so a healthy world holds nothing here.
//!
//! What the workspaces need from other providers, which exist in the simulator only for Azure ML
//! readiness, is in the submodules: `roles` (role assignments, Microsoft.Authorization),
//! `network` (private endpoints and private DNS, Microsoft.Network, and the private endpoint
//! connections of workspaces and storage accounts) and `managed` (the workspace's managed
//! network and its outbound rules).

pub mod managed;
pub mod network;
pub mod roles;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::aml::{Compute, Endpoint};
use super::system_data;
use crate::config::ComponentKind;
use crate::region::Region;
use crate::sim::reply::{ArmError, Reply};
use crate::sim::routes::{Call, Request, Route};
use crate::sim::world::World;

/// What faults changed of Azure ML readiness (nothing in a healthy world).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AmlSim {
    /// Per lowercase workspace id: the (item, lowercase name) pairs drift removed; the name
    /// `*` stands for every item of that kind.
    #[serde(default)]
    pub drift: BTreeMap<String, BTreeSet<(String, String)>>,
    /// Per region: the vCPU limits a `quota` fault set, by family key (`*`: every family and the
    /// regional total).
    #[serde(default)]
    pub limits: BTreeMap<Region, BTreeMap<String, i64>>,
}

/// Azure ML readiness routes below a workspace.
pub const ROUTES: &[Route] = &[
    Route::new(
        ComponentKind::MlWorkspace,
        "GET",
        "/models/{name}/versions/{version}",
        model_version,
    ),
    Route::new(
        ComponentKind::MlWorkspace,
        "GET",
        "/environments/{name}/versions/{version}",
        environment_version,
    ),
    Route::new(
        ComponentKind::MlWorkspace,
        "GET",
        "/codes/{name}/versions/{version}",
        code_version,
    ),
    Route::new(ComponentKind::MlWorkspace, "GET", "/datastores", datastores),
    Route::new(
        ComponentKind::MlWorkspace,
        "GET",
        "/datastores/{name}",
        datastore,
    ),
    Route::new(
        ComponentKind::MlWorkspace,
        "GET",
        "/privateEndpointConnections",
        network::workspace_connections_list,
    ),
    Route::new(
        ComponentKind::MlWorkspace,
        "GET",
        "/privateEndpointConnections/{name}",
        network::workspace_connection,
    ),
    Route::new(
        ComponentKind::Storage,
        "GET",
        "/privateEndpointConnections",
        network::storage_connections_list,
    ),
    Route::new(
        ComponentKind::Storage,
        "GET",
        "/privateEndpointConnections/{name}",
        network::storage_connection,
    ),
    Route::new(
        ComponentKind::MlWorkspace,
        "GET",
        "/outboundRules",
        managed::outbound_rules,
    ),
    Route::new(
        ComponentKind::MlWorkspace,
        "GET",
        "/outboundRules/{name}",
        managed::outbound_rule,
    ),
];

/// The drift items the `workspace-drift` fault knows.
pub const DRIFT_ITEMS: &[&str] = &[
    "datastore",
    "model",
    "environment",
    "registry-region",
    "role-assignment",
    "user-role",
    "private-endpoint",
    "dns-link",
    "managed-network",
    "restore",
];

/// The drift items that change a workspace as a whole (they take no `name`): its identity's
/// role assignments, its users' and groups' roles, its private endpoint, the DNS links of its
/// region, its managed network.
const WHOLE_ITEMS: &[&str] = &[
    "role-assignment",
    "user-role",
    "private-endpoint",
    "dns-link",
    "managed-network",
];

/// A deterministic GUID of `parts` (FNV-1a over 128 bits, as a version-8 "custom" UUID): the
/// simulated principals, names and etags are the same in every run, as Azure's are once made.
pub fn guid(parts: &[&str]) -> String {
    let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for b in parts.join("\u{1f}").bytes() {
        h ^= u128::from(b);
        h = h.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
    }
    uuid::Builder::from_custom_bytes(h.to_be_bytes())
        .into_uuid()
        .to_string()
}

/// The workspace whose default storage account is `rg`/`name` (lowercase), if any.
fn default_storage_owner(w: &World, rg: &str, name: &str) -> Option<usize> {
    w.resources.iter().position(|r| {
        r.kind == ComponentKind::MlWorkspace
            && r.id.resource_group().eq_ignore_ascii_case(rg)
            && default_storage(r.id.name()).eq_ignore_ascii_case(name)
    })
}

/// Whether `path` (lowercase) is a resource simulated here rather than configured: a
/// workspace's default storage, the registry, a private endpoint or a private DNS zone.
fn simulated_extra(w: &World, path: &str) -> bool {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    if let [
        "subscriptions",
        _,
        "resourcegroups",
        rg,
        "providers",
        "microsoft.storage",
        "storageaccounts",
        name,
    ] = segs.as_slice()
        && default_storage_owner(w, rg, name).is_some()
    {
        return true;
    }
    registry_id(w).is_some_and(|id| id.eq_ignore_ascii_case(path)) || network::exists(w, path)
}

/// The model the simulated deployments serve, in the registry and registered in both
/// workspaces: (name, version).
pub const MODEL: (&str, &str) = ("churn-model", "7");
/// The environment they run in, registered in both workspaces.
pub const ENVIRONMENT: (&str, &str) = ("churn-env", "3");
/// Their scoring code, in both workspaces.
pub const CODE: (&str, &str) = ("score", "1");

/// The simulated Azure ML registry: `mlr-{deployment}`, replicated to both regions.
pub fn registry_name(w: &World) -> String {
    format!(
        "mlr-{}",
        w.deployment.to_ascii_lowercase().replace(' ', "-")
    )
}

/// Where the registry lives: the resource group of the first workspace.
fn registry_id(w: &World) -> Option<String> {
    let ws = w
        .resources
        .iter()
        .find(|r| r.kind == ComponentKind::MlWorkspace)?;
    Some(format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.MachineLearningServices/registries/{}",
        ws.id.subscription(),
        ws.id.resource_group(),
        registry_name(w)
    ))
}

/// The regions the registry replicates to: both, less those a `registry-region` drift removed.
fn registry_regions(w: &World) -> Vec<Region> {
    [&w.primary, &w.secondary]
        .into_iter()
        .filter(|region| {
            !w.resources.iter().enumerate().any(|(i, r)| {
                r.kind == ComponentKind::MlWorkspace
                    && &&r.home == region
                    && drifted(w, i, "registry-region", "*")
            })
        })
        .cloned()
        .collect()
}

/// The registry's ARM JSON (Microsoft's shape, regionDetails per replicated region).
fn render_registry(w: &World) -> Option<Value> {
    let id = registry_id(w)?;
    let name = registry_name(w);
    let sub = &w.subscription;
    let details: Vec<Value> = registry_regions(w)
        .iter()
        .map(|r| {
            let st = format!("st{}{}", name.replace('-', ""), r.as_str()).chars().take(24).collect::<String>();
            let acr = format!("acr{}{}", name.replace('-', ""), r.as_str());
            json!({"location": r.as_str(),
                "storageAccountDetails": [{"systemCreatedStorageAccount": {"storageAccountName": st, "storageAccountType": "Standard_LRS",
                    "storageAccountHnsEnabled": false, "armResourceId": {"resourceId": format!("/subscriptions/{sub}/resourceGroups/azureml-rg-{name}/providers/Microsoft.Storage/storageAccounts/{st}")},
                    "allowBlobPublicAccess": false}}],
                "acrDetails": [{"systemCreatedAcrAccount": {"acrAccountName": acr, "acrAccountSku": "Premium",
                    "armResourceId": {"resourceId": format!("/subscriptions/{sub}/resourceGroups/azureml-rg-{name}/providers/Microsoft.ContainerRegistry/registries/{acr}")}}}]})
        })
        .collect();
    Some(json!({
        "tags": {}, "location": w.primary.as_str(), "kind": "",
        "identity": super::identity(),
        "sku": {"name": "P3", "tier": "Basic", "size": "", "family": "", "capacity": 1},
        "id": id, "name": name, "type": "Microsoft.MachineLearningServices/registries",
        "properties": {
            "regionDetails": details, "intellectualPropertyPublisher": "", "publicNetworkAccess": "Disabled",
            "discoveryUrl": format!("https://{}.api.azureml.ms/registrymanagement/v1.0/registries/{name}/discovery", w.primary),
            "managedResourceGroup": {"resourceId": format!("/subscriptions/{sub}/resourceGroups/azureml-rg-{name}")},
            "mlFlowRegistryUri": format!("azureml://{}.api.azureml.ms/mlflow/v1.0/subscriptions/{sub}/resourceGroups/azureml-rg-{name}/providers/Microsoft.MachineLearningServices/registries/{name}", w.primary),
            "registryPrivateEndpointConnections": [],
        },
        "systemData": system_data(),
    }))
}

/// A model version (`{parent}/models/{name}/versions/{version}`).
fn render_model(parent: &str, name: &str, version: &str) -> Value {
    json!({
        "id": format!("{parent}/models/{name}/versions/{version}"), "name": version,
        "type": "Microsoft.MachineLearningServices/workspaces/models/versions",
        "properties": {"description": "churn classifier", "tags": {}, "properties": {}, "isAnonymous": false,
            "flavors": {"python_function": {"data": {"loader_module": "mlflow.sklearn"}}},
            "modelType": "mlflow_model", "modelUri": format!("azureml://models/{name}/versions/{version}")},
        "systemData": system_data(),
    })
}

/// `GET {ws}/models/{name}/versions/{version}`: the deployments' model, unless drift removed it.
fn model_version(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let (n, v) = (call.param("name"), call.param("version"));
    if !n.eq_ignore_ascii_case(MODEL.0) || v != MODEL.1 || drifted(w, call.i, "model", n) {
        return Err(ArmError::not_found(call.req.path));
    }
    Ok(Reply::ok(render_model(
        w.resources[call.i].id.as_str(),
        MODEL.0,
        MODEL.1,
    )))
}

/// `GET {ws}/environments/{name}/versions/{version}`.
fn environment_version(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let (n, v) = (call.param("name"), call.param("version"));
    if !n.eq_ignore_ascii_case(ENVIRONMENT.0)
        || v != ENVIRONMENT.1
        || drifted(w, call.i, "environment", n)
    {
        return Err(ArmError::not_found(call.req.path));
    }
    let r = &w.resources[call.i];
    Ok(Reply::ok(json!({
        "id": format!("{}/environments/{}/versions/{}", r.id, ENVIRONMENT.0, ENVIRONMENT.1), "name": ENVIRONMENT.1,
        "type": "Microsoft.MachineLearningServices/workspaces/environments/versions",
        "properties": {"description": "scoring environment", "tags": {}, "properties": {}, "isAnonymous": false,
            "environmentType": "UserCreated", "image": "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest",
            "condaFile": "channels: [conda-forge]\ndependencies: [python=3.11, scikit-learn=1.5]",
            "build": {"contextUri": format!("https://{}.blob.core.windows.net/azureml/DockerBuildContext/churn-env/", default_storage(r.id.name())), "dockerfilePath": "Dockerfile"},
            "inferenceConfig": {"livenessRoute": {"path": "/", "port": 5001}, "readinessRoute": {"path": "/", "port": 5001}, "scoringRoute": {"path": "/score", "port": 5001}}},
        "systemData": system_data(),
    })))
}

/// `GET {ws}/codes/{name}/versions/{version}`.
fn code_version(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let (n, v) = (call.param("name"), call.param("version"));
    if !n.eq_ignore_ascii_case(CODE.0) || v != CODE.1 {
        return Err(ArmError::not_found(call.req.path));
    }
    let r = &w.resources[call.i];
    Ok(Reply::ok(json!({
        "id": format!("{}/codes/{}/versions/{}", r.id, CODE.0, CODE.1), "name": CODE.1,
        "type": "Microsoft.MachineLearningServices/workspaces/codes/versions",
        "properties": {"description": "scoring script", "tags": {}, "properties": {}, "isAnonymous": false,
            "codeUri": format!("https://{}.blob.core.windows.net/azureml/LocalUpload/score/", default_storage(r.id.name()))},
        "systemData": system_data(),
    })))
}

/// The default storage account the simulated workspace `name` links to (as its render names it).
pub fn default_storage(name: &str) -> String {
    format!(
        "st{}",
        name.replace('-', "").chars().take(20).collect::<String>()
    )
}

/// A workspace's default storage account: locally redundant, in the workspace's region (it is
/// never failed over; each workspace has its own).
pub(crate) fn render_default_storage(w: &World, ws: &crate::sim::world::Resource) -> Value {
    let name = default_storage(ws.id.name());
    let loc = ws.home.as_str();
    let id = format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Storage/storageAccounts/{name}",
        w.subscription,
        ws.id.resource_group()
    );
    json!({
        "id": id,
        "name": name, "type": "Microsoft.Storage/storageAccounts", "location": loc, "tags": {},
        "kind": "StorageV2", "sku": {"name": "Standard_LRS", "tier": "Standard"},
        "properties": {"primaryLocation": loc, "statusOfPrimary": "available", "provisioningState": "Succeeded",
            "creationTime": crate::sim::providers::CREATED, "isHnsEnabled": false, "allowBlobPublicAccess": false,
            "primaryEndpoints": {"blob": format!("https://{name}.blob.core.windows.net/")},
            "privateEndpointConnections": network::account_connections(w, &id)},
    })
}

/// Whether drift removed `item` `name` from workspace `i`.
fn drifted(w: &World, i: usize, item: &str, name: &str) -> bool {
    w.aml.drift.get(&w.resources[i].id.key()).is_some_and(|s| {
        s.contains(&(item.to_string(), name.to_ascii_lowercase()))
            || s.contains(&(item.to_string(), "*".to_string()))
    })
}

/// How many of its deployment's storage accounts a workspace keeps data on, at most.
pub const DATA_ACCOUNTS_PER_WORKSPACE: usize = 3;

/// The storage accounts workspace `i` keeps data on: those of its own deployment nearest to its
/// component in the configuration, at most [`DATA_ACCOUNTS_PER_WORKSPACE`] — every account of a
/// small deployment (the demo's one), a workspace's few in a large one, the same for both
/// workspaces of a pair. A world where every workspace used every account would be quadratic,
/// and impossible in Azure: 200 workspaces on 100 accounts would need 20,000 role assignments,
/// and Azure allows 4,000 per subscription.
pub fn data_accounts(w: &World, i: usize) -> Vec<&crate::sim::world::Resource> {
    let r = &w.resources[i];
    let anchor = w
        .resources
        .iter()
        .position(|x| x.component == r.component && x.deployment == r.deployment)
        .unwrap_or(i);
    let mut accounts: Vec<(usize, &crate::sim::world::Resource)> = w
        .resources
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == ComponentKind::Storage && s.deployment == r.deployment)
        .collect();
    accounts.sort_by_key(|(j, _)| (j.abs_diff(anchor), *j));
    accounts.truncate(DATA_ACCOUNTS_PER_WORKSPACE);
    accounts.sort_by_key(|(j, _)| *j);
    accounts.into_iter().map(|(_, s)| s).collect()
}

/// Workspace `i`'s datastores: its own four on its default storage, then one per storage account
/// it keeps data on ([`data_accounts`]; named after its component: `training-data` →
/// `training_data`), less what drift removed.
fn all_datastores(w: &World, i: usize) -> Vec<Value> {
    let r = &w.resources[i];
    let ws = r.id.name();
    let own = default_storage(ws);
    let wsid = format!("{i:08x}-0000-4000-8000-000000000000");
    let mut out = vec![
        blob(
            w,
            i,
            "workspaceblobstore",
            &own,
            &format!("azureml-blobstore-{wsid}"),
            true,
            None,
        ),
        file(w, i, "workspacefilestore", &own, &format!("code-{wsid}")),
        blob(
            w,
            i,
            "workspaceartifactstore",
            &own,
            &format!("azureml-blobstore-{wsid}"),
            false,
            None,
        ),
        file(
            w,
            i,
            "workspaceworkingdirectory",
            &own,
            &format!("code-{wsid}"),
        ),
    ];
    for s in data_accounts(w, i) {
        let name = s.component.replace('-', "_");
        if drifted(w, i, "datastore", &name) {
            continue;
        }
        out.push(blob(
            w,
            i,
            &name,
            s.id.name(),
            &s.component,
            false,
            Some((s.id.subscription(), s.id.resource_group())),
        ));
    }
    out
}

/// An AzureBlob datastore (identity-based access: no secrets in the answer).
fn blob(
    w: &World,
    i: usize,
    name: &str,
    account: &str,
    container: &str,
    default: bool,
    located: Option<(&str, &str)>,
) -> Value {
    let r = &w.resources[i];
    let mut props = json!({
        "description": format!("{name} ({account})"), "tags": {}, "isDefault": default, "properties": null,
        "credentials": {"credentialsType": "AccountKey", "secrets": {"secretsType": "AccountKey"}},
        "datastoreType": "AzureBlob", "accountName": account, "containerName": container,
        "endpoint": "core.windows.net", "protocol": "https",
        "serviceDataAccessAuthIdentity": "WorkspaceSystemAssignedIdentity",
    });
    let (sub, rg) = located.unwrap_or((r.id.subscription(), r.id.resource_group()));
    props["subscriptionId"] = json!(sub);
    props["resourceGroup"] = json!(rg);
    json!({
        "id": format!("{}/datastores/{name}", r.id), "name": name,
        "type": "Microsoft.MachineLearningServices/workspaces/datastores",
        "properties": props, "systemData": system_data(),
    })
}

/// An AzureFile datastore on the workspace's own storage.
fn file(w: &World, i: usize, name: &str, account: &str, share: &str) -> Value {
    let r = &w.resources[i];
    json!({
        "id": format!("{}/datastores/{name}", r.id), "name": name,
        "type": "Microsoft.MachineLearningServices/workspaces/datastores",
        "properties": {
            "description": format!("{name} ({account})"), "tags": {}, "isDefault": false, "properties": null,
            "credentials": {"credentialsType": "AccountKey", "secrets": {"secretsType": "AccountKey"}},
            "datastoreType": "AzureFile", "accountName": account, "fileShareName": share,
            "endpoint": "core.windows.net", "protocol": "https",
            "subscriptionId": r.id.subscription(), "resourceGroup": r.id.resource_group(),
        },
        "systemData": system_data(),
    })
}

/// `GET {ws}/datastores`: pages of `$top` (default 100), continued
/// with `$skipToken`.
fn datastores(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    Ok(Reply::ok(page(call.req, all_datastores(w, call.i), 100)))
}

/// `GET {ws}/datastores/{name}`.
fn datastore(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    all_datastores(w, call.i)
        .into_iter()
        .find(|d| {
            d["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(call.param("name")))
        })
        .map(Reply::ok)
        .ok_or_else(|| ArmError::not_found(call.req.path))
}

/// One page of `items`, with ARM's nextLink when more follow (it keeps the request's `$filter`).
fn page(req: &Request<'_>, items: Vec<Value>, default_top: usize) -> Value {
    let top = req
        .query
        .get("$top")
        .and_then(|t| t.parse::<usize>().ok())
        .unwrap_or(default_top)
        .clamp(1, 1000);
    let skip = req
        .query
        .get("$skiptoken")
        .and_then(|t| t.parse::<usize>().ok())
        .unwrap_or(0);
    let total = items.len();
    let value: Vec<Value> = items.into_iter().skip(skip).take(top).collect();
    let mut body = crate::sim::reply::list_body(value);
    if skip + top < total {
        let filter: String = req
            .query
            .get("$filter")
            .map(|f| {
                format!(
                    "&$filter={}",
                    form_urlencoded::byte_serialize(f.as_bytes()).collect::<String>()
                )
            })
            .unwrap_or_default();
        body["nextLink"] = json!(format!(
            "{}{}?api-version={}&$top={top}&$skipToken={}{filter}",
            req.base_url,
            req.path,
            req.api_version,
            skip + top
        ));
    }
    body
}

// ---- quota ----

/// The VM sizes the simulator knows: (name, family, vCPUs, GPUs).
const VM_SIZES: &[(&str, &str, u32, u32)] = &[
    ("Standard_DS1_v2", "standardDSv2Family", 1, 0),
    ("Standard_DS2_v2", "standardDSv2Family", 2, 0),
    ("Standard_DS3_v2", "standardDSv2Family", 4, 0),
    ("Standard_DS4_v2", "standardDSv2Family", 8, 0),
    ("Standard_DS5_v2", "standardDSv2Family", 16, 0),
    ("Standard_D4s_v3", "standardDSv3Family", 4, 0),
    ("Standard_D8s_v3", "standardDSv3Family", 8, 0),
    ("Standard_E4s_v3", "standardESv3Family", 4, 0),
    ("Standard_F4s_v2", "standardFSv2Family", 4, 0),
    ("Standard_NC6", "standardNCFamily", 6, 1),
    ("Standard_NC12", "standardNCFamily", 12, 2),
    ("Standard_NC24", "standardNCFamily", 24, 4),
    ("Standard_NC6s_v3", "standardNCSv3Family", 6, 1),
    ("Standard_NC24s_v3", "standardNCSv3Family", 24, 4),
    (
        "Standard_NC24ads_A100_v4",
        "standardNCADSA100v4Family",
        24,
        1,
    ),
    (
        "Standard_NC48ads_A100_v4",
        "standardNCADSA100v4Family",
        48,
        2,
    ),
    (
        "Standard_NC96ads_A100_v4",
        "standardNCADSA100v4Family",
        96,
        4,
    ),
];

/// The default dedicated vCPU limit of a family (GPU families are scarcer), and of the region.
fn default_limit(family: &str) -> i64 {
    if family.to_ascii_lowercase().starts_with("standardn") {
        320
    } else {
        200
    }
}
const DEFAULT_TOTAL: i64 = 600;

/// "standardNCADSA100v4Family" → "Standard NCADSA100v4 Family".
fn family_label(family: &str) -> String {
    let mid = family
        .strip_prefix("standard")
        .unwrap_or(family)
        .strip_suffix("Family")
        .unwrap_or(family);
    format!("Standard {mid} Family")
}

/// A family name reduced to what tells families apart: letters and digits, lower case, without
/// "standard" and "family" ("Standard NCADSA100v4 Family" and "NCADSA100v4" both "ncadsa100v4").
fn family_key(s: &str) -> String {
    let k: String = s
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let k = k.strip_prefix("standard").unwrap_or(&k);
    k.strip_suffix("family").unwrap_or(k).to_string()
}

fn size(vm: &str) -> Option<&'static (&'static str, &'static str, u32, u32)> {
    VM_SIZES.iter().find(|s| s.0.eq_ignore_ascii_case(vm))
}

/// Dedicated vCPUs in use in `region`, per family: clusters' allocated nodes, and deployments'
/// instances with the 20% Azure ML sets aside for upgrades.
fn in_use(w: &World, region: &Region) -> BTreeMap<&'static str, i64> {
    let mut out = BTreeMap::new();
    for r in w.resources.iter().filter(|r| &r.home == region) {
        match &r.state {
            super::State::Compute(c) => {
                let Compute {
                    vm_size,
                    current_nodes,
                    ..
                } = c;
                if let Some(s) = size(vm_size) {
                    *out.entry(s.1).or_default() += i64::from(*current_nodes) * i64::from(s.2);
                }
            }
            super::State::Endpoint(Endpoint { deployments, .. }) => {
                for d in deployments {
                    if let Some(s) = size(&d.instance_type) {
                        let reserved = (u64::from(d.capacity) * 12).div_ceil(10) as i64;
                        *out.entry(s.1).or_default() += reserved * i64::from(s.2);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The limit of `family` (`None`: the regional total) in `region`.
fn limit(w: &World, region: &Region, family: Option<&str>) -> i64 {
    let set = w.aml.limits.get(region);
    let key = family.map(family_key);
    set.and_then(|m| key.as_ref().and_then(|k| m.get(k)).or(m.get("*")))
        .copied()
        .unwrap_or_else(|| family.map_or(DEFAULT_TOTAL, default_limit))
}

/// The reads of what is simulated here rather than configured: role assignments of any scope
/// (`roles`), private endpoints and DNS (`network`), a workspace's default storage account,
/// the registry and its model, and
/// `GET /subscriptions/{s}/providers/Microsoft.MachineLearningServices/locations/{r}/usages`
/// and `.../vmSizes`; None for any other subscription-level path. `segs` are the lowercase
/// segments after the subscription.
pub fn subscription_get(w: &World, req: &Request<'_>, segs: &[&str]) -> Option<Reply> {
    if let Some(reply) = roles::subscription_get(w, req, segs) {
        return Some(reply);
    }
    if let Some(reply) = network::subscription_get(w, req, segs) {
        return Some(reply);
    }
    let registry = registry_name(w).to_ascii_lowercase();
    if let [
        "resourcegroups",
        rg,
        "providers",
        "microsoft.storage",
        "storageaccounts",
        name,
        rest @ ..,
    ] = segs
    {
        let i = default_storage_owner(w, rg, name)?;
        return match rest {
            [] => Some(Reply::ok(render_default_storage(w, &w.resources[i]))),
            _ => network::default_storage_get(w, req, i, rest),
        };
    }
    match segs {
        [
            "providers",
            "microsoft.machinelearningservices",
            "registries",
        ] => {
            let value: Vec<Value> = render_registry(w).into_iter().collect();
            return Some(Reply::ok(crate::sim::reply::list_body(value)));
        }
        [
            "resourcegroups",
            rg,
            "providers",
            "microsoft.machinelearningservices",
            "registries",
            name,
            rest @ ..,
        ] if *name == registry => {
            let id = registry_id(w)?;
            if !id
                .to_ascii_lowercase()
                .contains(&format!("/resourcegroups/{rg}/"))
            {
                return None;
            }
            return match rest {
                [] => render_registry(w).map(Reply::ok),
                ["models", m, "versions", v]
                    if m.eq_ignore_ascii_case(MODEL.0)
                        && *v == MODEL.1
                        && !registry_regions(w).is_empty() =>
                {
                    let mut body = render_model(&id, MODEL.0, MODEL.1);
                    body["type"] =
                        json!("Microsoft.MachineLearningServices/registries/models/versions");
                    Some(Reply::ok(body))
                }
                _ => None,
            };
        }
        _ => {}
    }
    let [
        "providers",
        "microsoft.machinelearningservices",
        "locations",
        region,
        what,
    ] = segs
    else {
        return None;
    };
    let region = Region::new(region);
    match *what {
        "usages" => Some(Reply::ok(page(req, usages(w, &region), 1000))),
        "vmsizes" => Some(Reply::ok(
            json!({"value": VM_SIZES.iter().map(|(name, family, vcpus, gpus)| json!({
            "name": name, "family": family, "vCPUs": vcpus, "gpus": gpus,
            "osVhdSizeMB": 1047552, "maxResourceVolumeMB": vcpus * 7168, "memoryGB": f64::from(*vcpus) * 3.5,
            "lowPriorityCapable": true, "premiumIO": true,
            "estimatedVMPrices": {"billingCurrency": "USD", "unitOfMeasure": "OneHour", "values": [
                {"retailPrice": f64::from(*vcpus) * 0.05 + f64::from(*gpus) * 3.0, "osType": "Linux", "vmTier": "Standard"}]},
            "supportedComputeTypes": ["AmlCompute", "ComputeInstance"]
        })).collect::<Vec<_>>()}),
        )),
        _ => None,
    }
}

/// The usages of `region`: the regional total, then every family (dedicated and low priority).
fn usages(w: &World, region: &Region) -> Vec<Value> {
    let sub = &w.subscription;
    let used = in_use(w, region);
    let total: i64 = used.values().sum();
    let usage = |id: String, kind: &str, name: String, current: i64, limit: i64| {
        json!({"id": id, "type": format!("Microsoft.MachineLearningServices/{kind}/usages"),
            "currentValue": current, "limit": limit, "name": {"value": name, "localizedValue": name}, "unit": "Count"})
    };
    let mut out = vec![
        usage(
            format!("/subscriptions/{sub}/usages"),
            "totalCores",
            "Clusters".into(),
            w.resources
                .iter()
                .filter(|r| &r.home == region && r.kind == ComponentKind::MlCompute)
                .count() as i64,
            200,
        ),
        usage(
            format!("/subscriptions/{sub}/usages"),
            "dedicatedCores",
            "Total Cluster Dedicated Regional vCPUs".into(),
            total,
            limit(w, region, None),
        ),
    ];
    let families: BTreeSet<&str> = VM_SIZES.iter().map(|s| s.1).collect();
    for f in families {
        let label = family_label(f);
        for (tier, current, lim) in [
            (
                "Dedicated",
                used.get(f).copied().unwrap_or(0),
                limit(w, region, Some(f)),
            ),
            ("LowPriority", 0, 100),
        ] {
            let name = format!("{label} Cluster {tier} vCPUs");
            out.push(usage(
                format!("/subscriptions/{sub}/usages/{}", name.replace(' ', "_")),
                "vmFamily",
                name,
                current,
                lim,
            ));
        }
    }
    out
}

// ---- faults ----

/// `workspace-drift`: removes `item` (`name`: one, or all when None) from the workspaces
/// `targets`, or with `restore` undoes every drift of them. The items that change a workspace as
/// a whole (`WHOLE_ITEMS`) take no name.
pub fn drift(
    w: &mut World,
    targets: &[usize],
    item: &str,
    name: Option<&str>,
) -> Result<String, String> {
    if !DRIFT_ITEMS.contains(&item) {
        return Err(format!(
            "workspace-drift item '{item}' is not simulated (items: {})",
            DRIFT_ITEMS.join(", ")
        ));
    }
    if WHOLE_ITEMS.contains(&item)
        && let Some(n) = name
    {
        return Err(format!(
            "workspace-drift item '{item}' changes the whole workspace: it takes no name ('{n}')"
        ));
    }
    let mut done = Vec::new();
    for &i in targets {
        let r = &w.resources[i];
        if r.kind != ComponentKind::MlWorkspace {
            return Err(format!("'{}' is not an Azure ML workspace", r.id));
        }
        let key = r.id.key();
        let ws = r.id.name().to_string();
        if item == "restore" {
            w.aml.drift.remove(&key);
            done.push(format!("{ws} restored"));
            continue;
        }
        let name = name.map_or("*".to_string(), str::to_ascii_lowercase);
        if item == "datastore" && name != "*" {
            let exists = all_datastores(w, i).iter().any(|d| {
                d["name"]
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&name))
            });
            if !exists {
                return Err(format!("workspace {ws} has no datastore '{name}'"));
            }
        }
        w.aml
            .drift
            .entry(key)
            .or_default()
            .insert((item.to_string(), name.clone()));
        done.push(describe(item, &name, &ws));
    }
    Ok(done.join(", "))
}

/// What a drift did, in the fault's answer.
fn describe(item: &str, name: &str, ws: &str) -> String {
    match item {
        "role-assignment" => format!("{ws}'s identity lost its role assignments"),
        "user-role" => format!("users and groups lost their roles on {ws}"),
        "private-endpoint" => format!("{ws}'s private endpoint removed"),
        "dns-link" => format!("Azure ML private DNS zones unlinked from {ws}'s region"),
        "managed-network" => format!("{ws}'s managed network deactivated"),
        _ if name == "*" => format!("{item} (all) removed from {ws}"),
        _ => format!("{item} {name} removed from {ws}"),
    }
}

/// `quota`: sets `region`'s Azure ML vCPU limit of one `family` (any spelling: "NCADSA100v4",
/// "Standard NCADSA100v4 Family", "standardNCADSA100v4Family"), or of every family and the
/// regional total.
pub fn set_quota(
    w: &mut World,
    region: &Region,
    value: i64,
    family: Option<&str>,
) -> Result<String, String> {
    if value < 0 {
        return Err("limit must be zero or more".into());
    }
    let key = match family {
        Some(f) => {
            let k = family_key(f);
            if !VM_SIZES.iter().any(|s| family_key(s.1) == k) {
                return Err(format!("no simulated VM family '{f}'"));
            }
            k
        }
        None => "*".to_string(),
    };
    let m = w.aml.limits.entry(region.clone()).or_default();
    if key == "*" {
        m.clear();
    }
    m.insert(key, value);
    Ok(format!(
        "Azure ML vCPU limit in {region}: {value} ({})",
        family.unwrap_or("every family and the regional total")
    ))
}

#[cfg(test)]
mod tests;
