//! Azure Machine Learning (Microsoft.MachineLearningServices): workspaces, AmlCompute
//! clusters (scaled up in the region that takes over), and managed online endpoints with their
//! deployments (traffic moved by a PUT of the whole endpoint, capacity by a PATCH of a
//! deployment's `sku.capacity`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::aml_readiness::{default_storage, managed, network, roles};
use super::{Action, CREATED, ControlPlane, Provider, State, TENANT, Typed, identity, system_data};
use crate::config::ComponentKind;
use crate::region::Region;
use crate::sim::lro::{FinalReply, LroSpec, Monitors};
use crate::sim::reply::{ArmError, Reply};
use crate::sim::routes::{Call, Route};
use crate::sim::world::{Resource, Word, World};

/// A workspace: nothing a failover changes, only what it links to.
pub struct Workspace;

/// An AmlCompute cluster.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Compute {
    pub vm_size: String,
    pub min_nodes: u32,
    pub max_nodes: u32,
    pub current_nodes: u32,
    pub updating: bool,
}

impl Compute {
    /// A GPU cluster: one node up to eight when `serving`, scaled to zero when it waits.
    pub fn new(serving: bool) -> Compute {
        Compute {
            vm_size: "STANDARD_NC24ADS_A100_V4".into(),
            min_nodes: if serving { 1 } else { 0 },
            max_nodes: if serving { 8 } else { 0 },
            current_nodes: if serving { 1 } else { 0 },
            updating: false,
        }
    }
}

/// A managed online deployment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Deployment {
    pub name: String,
    pub capacity: u32,
    pub instance_type: String,
    #[serde(deserialize_with = "crate::sim::persist::static_str")]
    pub provisioning: Word,
}

/// A managed online endpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Endpoint {
    pub traffic: BTreeMap<String, u32>,
    pub deployments: Vec<Deployment>,
    #[serde(deserialize_with = "crate::sim::persist::static_str")]
    pub provisioning: Word,
    pub tags: serde_json::Map<String, serde_json::Value>,
}

impl Endpoint {
    /// An endpoint with one deployment, `blue`: all traffic and three instances when
    /// `serving`, no traffic and one instance when it waits.
    pub fn new(serving: bool) -> Endpoint {
        Endpoint {
            traffic: [("blue".to_string(), if serving { 100 } else { 0 })].into(),
            deployments: vec![Deployment {
                name: "blue".into(),
                capacity: if serving { 3 } else { 1 },
                instance_type: "Standard_DS3_v2".into(),
                provisioning: "Succeeded",
            }],
            provisioning: "Succeeded",
            tags: Default::default(),
        }
    }
}

impl Typed for Compute {
    const NAME: &'static str = "compute cluster";

    /// The cluster's state, if the resource is one.
    fn of(state: &State) -> Option<&Self> {
        match state {
            State::Compute(c) => Some(c),
            _ => None,
        }
    }

    /// The cluster's state to change, if the resource is one.
    fn of_mut(state: &mut State) -> Option<&mut Self> {
        match state {
            State::Compute(c) => Some(c),
            _ => None,
        }
    }
}

impl Typed for Endpoint {
    const NAME: &'static str = "online endpoint";

    /// The endpoint's state, if the resource is one.
    fn of(state: &State) -> Option<&Self> {
        match state {
            State::Endpoint(e) => Some(e),
            _ => None,
        }
    }

    /// The endpoint's state to change, if the resource is one.
    fn of_mut(state: &mut State) -> Option<&mut Self> {
        match state {
            State::Endpoint(e) => Some(e),
            _ => None,
        }
    }
}

/// Azure ML's routes: the workspace's child lists, compute scaling, the endpoint's PUT/PATCH
/// and its deployments.
pub const ROUTES: &[Route] = &[
    Route::new(ComponentKind::MlWorkspace, "GET", "/computes", computes),
    Route::new(
        ComponentKind::MlWorkspace,
        "GET",
        "/onlineEndpoints",
        online_endpoints,
    ),
    Route::new(ComponentKind::MlCompute, "PATCH", "", scale_compute),
    Route::new(ComponentKind::MlOnlineEndpoint, "PUT", "", put_endpoint),
    Route::new(ComponentKind::MlOnlineEndpoint, "PATCH", "", patch_endpoint),
    Route::new(
        ComponentKind::MlOnlineEndpoint,
        "GET",
        "/deployments",
        deployments,
    ),
    Route::new(
        ComponentKind::MlOnlineEndpoint,
        "GET",
        "/deployments/{name}",
        deployment,
    ),
    Route::new(
        ComponentKind::MlOnlineEndpoint,
        "PATCH",
        "/deployments/{name}",
        scale_deployment,
    ),
];

/// What an Azure ML operation does when it completes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum AmlAction {
    ComputeScale { min: u32, max: u32 },
    EndpointTraffic { traffic: BTreeMap<String, u32> },
    DeploymentScale { name: String, capacity: u32 },
}

impl From<AmlAction> for Action {
    /// Azure ML's action as an operation carries it.
    fn from(a: AmlAction) -> Action {
        Action::Aml(a)
    }
}

/// The first resource of a kind in the deployment of resource `of` (a fleet's world holds
/// several), preferring one in `region` (for workspace dependencies).
fn related(
    world: &World,
    of: usize,
    kind: ComponentKind,
    region: Option<&Region>,
) -> Option<String> {
    let deployment = &world.resources[of].deployment;
    let mut candidates = world
        .resources
        .iter()
        .filter(|r| r.kind == kind && &r.deployment == deployment);
    let all: Vec<&Resource> = candidates.by_ref().collect();
    all.iter()
        .find(|r| region.is_none_or(|reg| &r.home == reg))
        .or(all.first())
        .map(|r| r.id.to_string())
}

impl Provider for Workspace {
    /// Azure ML's control plane is regional (the workspace's region): an outage there takes
    /// the workspace, its computes and its endpoints down.
    fn control_plane(&self, world: &World, i: usize, _path: &str) -> ControlPlane {
        ControlPlane::Regional(world.resources[i].home.clone())
    }

    /// The workspace with the registry, vault and Application Insights it depends on, which
    /// the console checks exist in the region that takes over; a private-link workspace (public
    /// access disabled, its private endpoint connections) with a managed network.
    fn render(&self, world: &World, i: usize, _id: &str, _expand_geo: bool) -> Value {
        let r = &world.resources[i];
        let name = r.id.name();
        let loc = r.home.as_str();
        let links = links(world, i);
        let kv = links.key_vault.unwrap_or_default();
        let connections = network::workspace_connections(world, i);
        json!({
            "id": r.id, "name": name, "type": r.id.full_type(), "location": loc,
            "identity": {"principalId": roles::workspace_principal(r.id.as_str()), "tenantId": TENANT, "type": "SystemAssigned", "userAssignedIdentities": {}},
            "properties": {
                "containerRegistry": links.registry,
                "keyVault": kv,
                "applicationInsights": related(world, i, ComponentKind::AppInsights, Some(&r.home)),
                "storageAccount": links.storage,
                "discoveryUrl": format!("https://{loc}.api.azureml.ms/discovery"),
                "friendlyName": name, "description": format!("{} workspace ({loc})", world.deployment),
                "encryption": {"status": "Disabled", "identity": {"userAssignedIdentity": null},
                    "keyVaultProperties": {"keyVaultArmId": kv, "keyIdentifier": "", "identityClientId": ""}},
                "hbiWorkspace": false,
                "serviceProvisionedResourceGroup": format!("{name}_managed"),
                "privateLinkCount": connections.len(), "allowPublicAccessWhenBehindVnet": false,
                "publicNetworkAccess": "Disabled", "imageBuildCompute": "",
                "privateEndpointConnections": connections, "sharedPrivateLinkResources": [],
                "managedNetwork": managed::render(world, i),
                "provisioningState": "Succeeded",
                "workspaceId": workspace_guid(i),
            }
        })
    }
}

/// What a workspace links to: its default storage account (its own, in its resource group),
/// and the deployment's Key Vault and container registry when it has them.
pub struct Links {
    pub storage: String,
    pub key_vault: Option<String>,
    pub registry: Option<String>,
}

/// The resources workspace `i` links to, as its ARM JSON names them.
pub fn links(world: &World, i: usize) -> Links {
    let id = &world.resources[i].id;
    Links {
        storage: format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Storage/storageAccounts/{}",
            id.subscription(),
            id.resource_group(),
            default_storage(id.name())
        ),
        key_vault: related(world, i, ComponentKind::KeyVault, None),
        registry: related(world, i, ComponentKind::ContainerRegistry, None),
    }
}

/// The `workspaceId` GUID of workspace `i` (its data plane's name for it).
pub fn workspace_guid(i: usize) -> String {
    format!("{i:08x}-0000-4000-8000-000000000000")
}

impl Provider for Compute {
    /// Azure ML's control plane is regional (the workspace's region): an outage there takes
    /// the workspace, its computes and its endpoints down.
    fn control_plane(&self, world: &World, i: usize, _path: &str) -> ControlPlane {
        ControlPlane::Regional(world.resources[i].home.clone())
    }

    /// The cluster with its scale settings and node counts (Resizing while it scales).
    fn render(&self, world: &World, i: usize, _id: &str, _expand_geo: bool) -> Value {
        let r = &world.resources[i];
        let c = self;
        let name = r.id.name();
        let loc = r.home.as_str();
        let target = if c.updating {
            c.min_nodes
        } else {
            c.current_nodes
        };
        json!({
            "id": r.id, "type": r.id.full_type(), "name": name, "location": loc,
            "properties": {
                "description": "training cluster", "createdOn": CREATED, "modifiedOn": CREATED,
                "computeType": "AmlCompute",
                "provisioningState": if c.updating { "Updating" } else { "Succeeded" },
                "properties": {
                    "vmSize": c.vm_size, "vmPriority": "Dedicated", "osType": "Linux",
                    "virtualMachineImage": null, "isolatedNetwork": false,
                    "subnet": {"id": format!("/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/virtualNetworks/vnet-{loc}/subnets/training", r.id.subscription(), r.id.resource_group())},
                    "scaleSettings": {"maxNodeCount": c.max_nodes, "minNodeCount": c.min_nodes, "nodeIdleTimeBeforeScaleDown": "PT5M"},
                    "remoteLoginPortPublicAccess": "Disabled",
                    "allocationState": if c.updating { "Resizing" } else { "Steady" },
                    "allocationStateTransitionTime": CREATED, "errors": null,
                    "currentNodeCount": c.current_nodes, "targetNodeCount": target,
                    "nodeStateCounts": {"preparingNodeCount": 0, "runningNodeCount": 0, "idleNodeCount": c.current_nodes,
                        "unusableNodeCount": 0, "leavingNodeCount": 0, "preemptedNodeCount": 0},
                    "enableNodePublicIp": false
                }
            }
        })
    }

    /// The resize ended (either way): the cluster is Steady.
    fn settle(&mut self) {
        self.updating = false;
    }
}

impl Provider for Endpoint {
    /// Azure ML's control plane is regional (the workspace's region): an outage there takes
    /// the workspace, its computes and its endpoints down.
    fn control_plane(&self, world: &World, i: usize, _path: &str) -> ControlPlane {
        ControlPlane::Regional(world.resources[i].home.clone())
    }

    /// The endpoint with its traffic split, which the runbook moves between regions.
    fn render(&self, world: &World, i: usize, _id: &str, _expand_geo: bool) -> Value {
        let r = &world.resources[i];
        let e = self;
        let name = r.id.name();
        let loc = r.home.as_str();
        json!({
            "id": r.id, "name": name, "type": r.id.full_type(),
            "properties": {
                "description": "churn scoring", "properties": {},
                "scoringUri": format!("https://{name}.{loc}.inference.ml.azure.com/score"),
                "swaggerUri": format!("https://{name}.{loc}.inference.ml.azure.com/swagger.json"),
                "authMode": "Key", "provisioningState": e.provisioning, "traffic": e.traffic,
            },
            "systemData": system_data(), "tags": e.tags, "location": loc, "kind": "Managed",
            "identity": identity(), "sku": {"name": "Default", "tier": "Standard", "size": "Default", "family": "Managed", "capacity": 1}
        })
    }

    /// The update ended (either way): endpoint and deployments are Succeeded.
    fn settle(&mut self) {
        self.provisioning = "Succeeded";
        for d in &mut self.deployments {
            d.provisioning = "Succeeded";
        }
    }
}

/// A managed online deployment's ARM JSON, with its instance count (`sku.capacity`).
pub(crate) fn render_deployment(w: &World, r: &Resource, d: &Deployment) -> Value {
    use super::aml_readiness::{CODE, ENVIRONMENT, MODEL, registry_name};
    let ws = r.id.parent().map(|p| p.to_string()).unwrap_or_default();
    json!({
        "id": format!("{}/deployments/{}", r.id, d.name), "name": d.name,
        "type": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
        "properties": {
            "description": "churn model", "properties": {},
            "codeConfiguration": {"codeId": format!("{ws}/codes/{}/versions/{}", CODE.0, CODE.1), "scoringScript": "score.py"},
            "environmentId": format!("{ws}/environments/{}/versions/{}", ENVIRONMENT.0, ENVIRONMENT.1),
            "environmentVariables": {},
            "scaleSettings": {"scaleType": "Default"},
            "requestSettings": {"maxQueueWait": "PT0.5S", "requestTimeout": "PT5S", "maxConcurrentRequestsPerInstance": 1},
            "modelMountPath": "/var/azureml-app/models",
            "appInsightsEnabled": true,
            "livenessProbe": {"failureThreshold": 30, "successThreshold": 1, "timeout": "PT2S", "period": "PT10S", "initialDelay": "PT10S"},
            "readinessProbe": {"failureThreshold": 30, "successThreshold": 1, "timeout": "PT2S", "period": "PT10S", "initialDelay": "PT10S"},
            "provisioningState": d.provisioning, "instanceType": d.instance_type,
            "model": format!("azureml://registries/{}/models/{}/versions/{}", registry_name(w), MODEL.0, MODEL.1),
            "endpointComputeType": "Managed"
        },
        "systemData": system_data(), "tags": {}, "location": r.home.as_str(), "kind": "Managed",
        "identity": identity(), "sku": {"name": "Default", "tier": "Standard", "size": "Default", "family": "Managed", "capacity": d.capacity}
    })
}

/// `GET {workspace}/computes`: the workspace's compute clusters.
fn computes(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    children(w, call.i, "computes")
}

/// `GET {workspace}/onlineEndpoints`: the workspace's online endpoints.
fn online_endpoints(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    children(w, call.i, "onlineendpoints")
}

/// The simulated resources below workspace `i` in its `child` collection.
fn children(w: &World, i: usize, child: &str) -> Result<Reply, ArmError> {
    let prefix = format!("{}/{}/", w.resources[i].id.key(), child);
    let value: Vec<Value> = w
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.id.as_str()
                .get(..prefix.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(&prefix))
        })
        .map(|(k, r)| w.render(k, r.id.as_str(), false))
        .collect();
    Ok(Reply::ok(crate::sim::reply::list_body(value)))
}

/// `PATCH` a compute cluster's scale settings (ClusterUpdateParameters nests `properties`
/// twice): how the region that takes over gets its training nodes.
fn scale_compute(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let i = call.i;
    let Some(scale) = call.body().pointer("/properties/properties/scaleSettings") else {
        return Err(ArmError::bad_request(
            "BadRequest",
            "The body needs properties.properties.scaleSettings (ClusterUpdateParameters nests 'properties' twice).",
        ));
    };
    let c = w.state_of::<Compute>(i)?;
    if c.updating {
        return Err(ArmError::conflict(
            "Conflict",
            "The compute is being resized; retry when it is Steady.",
        ));
    }
    let min = scale
        .get("minNodeCount")
        .and_then(Value::as_u64)
        .unwrap_or(c.min_nodes as u64) as u32;
    let max = scale
        .get("maxNodeCount")
        .and_then(Value::as_u64)
        .map(|v| v as u32);
    let Some(max) = max else {
        return Err(ArmError::bad_request(
            "BadRequest",
            "scaleSettings.maxNodeCount is required.",
        ));
    };
    if min > max {
        return Err(ArmError::bad_request(
            "BadRequest",
            format!("minNodeCount ({min}) must not exceed maxNodeCount ({max})."),
        ));
    }
    w.state_of_mut::<Compute>(i)?.updating = true;
    let body = w.render(i, call.req.path, false);
    Ok(w.start_lro(
        call.req,
        i,
        LroSpec {
            action: AmlAction::ComputeScale { min, max }.into(),
            duration_secs: 2 * 60,
            monitors: Monitors::Async,
            namespace: "Microsoft.MachineLearningServices",
            async_segment: "computeOperationsStatus",
            location_segment: "computeOperationResults",
            initial_status: 200,
            initial_body: Some(body),
            final_reply: FinalReply::Empty,
        },
    ))
}

/// `PUT` the whole endpoint: how traffic moves between deployments (each 0..100, summing to
/// 100 or all 0, naming only deployments that exist).
fn put_endpoint(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let (i, body) = (call.i, call.body());
    let e = w.state_of::<Endpoint>(i)?;
    if e.provisioning != "Succeeded" {
        return Err(ArmError::conflict(
            "Conflict",
            "The endpoint is being updated; retry when its provisioningState is Succeeded.",
        ));
    }
    let Some(props) = body.get("properties").and_then(Value::as_object) else {
        return Err(ArmError::bad_request(
            "BadRequest",
            "The body needs 'properties' (a full online endpoint: location, identity, kind, properties).",
        ));
    };
    if props.get("authMode").is_none() {
        return Err(ArmError::bad_request(
            "BadRequest",
            "properties.authMode is required.",
        ));
    }
    let mut traffic = BTreeMap::new();
    if let Some(t) = props.get("traffic").and_then(Value::as_object) {
        for (name, v) in t {
            let Some(pct) = v.as_u64().filter(|p| *p <= 100) else {
                return Err(ArmError::bad_request(
                    "BadArgument",
                    format!("Traffic for deployment '{name}' must be an integer from 0 to 100."),
                ));
            };
            if !e.deployments.iter().any(|d| d.name == *name) {
                return Err(ArmError::bad_request(
                    "BadArgument",
                    format!("Deployment '{name}' does not exist in this endpoint."),
                ));
            }
            traffic.insert(name.clone(), pct as u32);
        }
    }
    let sum: u32 = traffic.values().sum();
    if sum != 100 && sum != 0 {
        return Err(ArmError::bad_request(
            "BadArgument",
            format!("Traffic values must add up to 100 (or all be 0); they add up to {sum}."),
        ));
    }
    let e = w.state_of_mut::<Endpoint>(i)?;
    e.provisioning = "Updating";
    if let Some(tags) = body.get("tags").and_then(Value::as_object) {
        e.tags = tags.clone();
    }
    let body = w.render(i, call.req.path, false);
    Ok(w.start_lro(
        call.req,
        i,
        LroSpec {
            action: AmlAction::EndpointTraffic { traffic }.into(),
            duration_secs: 30,
            monitors: Monitors::Async,
            namespace: "Microsoft.MachineLearningServices",
            async_segment: "mfeOperationsStatus",
            location_segment: "mfeOperationResults",
            initial_status: 200,
            initial_body: Some(body),
            final_reply: FinalReply::Empty,
        },
    ))
}

/// `PATCH` the endpoint: tags only, as Azure ML allows (traffic needs the PUT, which a
/// client sending a PATCH must be told).
fn patch_endpoint(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let (i, body) = (call.i, call.body());
    if body.get("properties").is_some() || body.get("sku").is_some() {
        return Err(ArmError::bad_request(
            "BadRequest",
            "PATCH on an online endpoint updates only 'tags' and 'identity'; change 'traffic' with PUT (createOrUpdate).",
        ));
    }
    if let Some(tags) = body.get("tags").and_then(Value::as_object) {
        w.state_of_mut::<Endpoint>(i)?.tags = tags.clone();
    }
    Ok(Reply::ok(w.render(i, call.req.path, false)))
}

/// `GET .../deployments`: the endpoint's deployments.
fn deployments(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let e = w.state_of::<Endpoint>(call.i)?;
    let value: Vec<Value> = e
        .deployments
        .iter()
        .map(|d| render_deployment(w, &w.resources[call.i], d))
        .collect();
    Ok(Reply::ok(crate::sim::reply::list_body(value)))
}

/// `GET .../deployments/{name}`: one deployment (names match in any case).
fn deployment(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let e = w.state_of::<Endpoint>(call.i)?;
    let d = e
        .deployments
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case(call.param("name")))
        .ok_or_else(|| ArmError::not_found(call.req.path))?;
    Ok(Reply::ok(render_deployment(w, &w.resources[call.i], d)))
}

/// `PATCH .../deployments/{name}` with `sku.capacity` (1..50): the instances the region that
/// takes over needs before traffic moves to it.
fn scale_deployment(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let i = call.i;
    let e = w.state_of::<Endpoint>(i)?;
    let Some(pos) = e
        .deployments
        .iter()
        .position(|d| d.name.eq_ignore_ascii_case(call.param("name")))
    else {
        return Err(ArmError::not_found(call.req.path));
    };
    let Some(capacity) = call.body().pointer("/sku/capacity").and_then(Value::as_u64) else {
        return Err(ArmError::bad_request(
            "BadRequest",
            "The simulator scales a deployment with {\"sku\": {\"capacity\": N}}.",
        ));
    };
    if !(1..=50).contains(&capacity) {
        return Err(ArmError::bad_request(
            "BadArgument",
            format!("Instance count {capacity} is outside 1..50."),
        ));
    }
    let dname = e.deployments[pos].name.clone();
    w.state_of_mut::<Endpoint>(i)?.deployments[pos].provisioning = "Updating";
    let id = format!("{}/deployments/{dname}", w.resources[i].id);
    Ok(w.start_lro(
        call.req,
        i,
        LroSpec {
            action: AmlAction::DeploymentScale {
                name: dname,
                capacity: capacity as u32,
            }
            .into(),
            duration_secs: 5 * 60,
            monitors: Monitors::Both,
            namespace: "Microsoft.MachineLearningServices",
            async_segment: "mfeOperationsStatus",
            location_segment: "mfeOperationResults",
            initial_status: 202,
            initial_body: None,
            final_reply: FinalReply::Resource(id),
        },
    ))
}

/// A scale or traffic change taking effect, unless the resource's region went down (a
/// deployment then reports the capacity it could not get).
pub fn complete(w: &mut World, i: usize, action: AmlAction) -> Result<(), ArmError> {
    let home = w.resources[i].home.clone();
    let up = w.region_up(&home);
    match action {
        AmlAction::ComputeScale { min, max } => {
            let c = w.state_of_mut::<Compute>(i)?;
            if !up {
                return Err(ArmError::unavailable(&home));
            }
            c.min_nodes = min;
            c.max_nodes = max;
            c.current_nodes = min;
        }
        AmlAction::EndpointTraffic { traffic } => {
            let e = w.state_of_mut::<Endpoint>(i)?;
            if !up {
                return Err(ArmError::unavailable(&home));
            }
            e.traffic = traffic;
        }
        AmlAction::DeploymentScale { name, capacity } => {
            let e = w.state_of_mut::<Endpoint>(i)?;
            if !up {
                return Err(ArmError::new(
                    503,
                    "ServiceUnavailable",
                    format!(
                        "Not enough capacity in '{home}' to scale deployment '{name}': the region is unavailable."
                    ),
                ));
            }
            if let Some(d) = e.deployments.iter_mut().find(|d| d.name == name) {
                d.capacity = capacity;
            }
        }
    }
    Ok(())
}
