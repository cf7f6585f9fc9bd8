//! AKS clusters (Microsoft.ContainerService/managedClusters): a hot/cold secondary waits
//! stopped with its GPU pool at zero; failing over starts it and scales its node pools.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Action, CREATED, ControlPlane, Provider, State, Typed};
use crate::config::ComponentKind;
use crate::sim::lro::{FinalReply, LroSpec, Monitors};
use crate::sim::reply::{ArmError, Reply};
use crate::sim::routes::{Call, Route};
use crate::sim::world::{Word, World};

/// An AKS node pool.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NodePool {
    pub name: String,
    pub count: u32,
    #[serde(deserialize_with = "crate::sim::persist::static_str")]
    pub mode: Word,
    #[serde(deserialize_with = "crate::sim::persist::static_str")]
    pub provisioning: Word,
}

/// An AKS cluster.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Aks {
    pub running: bool,
    #[serde(deserialize_with = "crate::sim::persist::static_str")]
    pub provisioning: Word,
    pub pools: Vec<NodePool>,
}

impl Aks {
    /// A cluster with a system and a GPU pool: running and scaled when `serving`, stopped with
    /// the GPU pool at zero when it waits.
    pub fn new(serving: bool) -> Aks {
        Aks {
            running: serving,
            provisioning: "Succeeded",
            pools: vec![
                NodePool {
                    name: "system".into(),
                    count: if serving { 3 } else { 1 },
                    mode: "System",
                    provisioning: "Succeeded",
                },
                NodePool {
                    name: "gpu".into(),
                    count: if serving { 4 } else { 0 },
                    mode: "User",
                    provisioning: "Succeeded",
                },
            ],
        }
    }
}

impl Typed for Aks {
    const NAME: &'static str = "AKS cluster";

    /// The cluster's state, if the resource is one.
    fn of(state: &State) -> Option<&Self> {
        match state {
            State::Aks(a) => Some(a),
            _ => None,
        }
    }

    /// The cluster's state to change, if the resource is one.
    fn of_mut(state: &mut State) -> Option<&mut Self> {
        match state {
            State::Aks(a) => Some(a),
            _ => None,
        }
    }
}

/// The cluster's routes: power and node pools.
pub const ROUTES: &[Route] = &[
    Route::new(ComponentKind::Aks, "POST", "/start", start),
    Route::new(ComponentKind::Aks, "POST", "/stop", stop),
    Route::new(ComponentKind::Aks, "GET", "/agentPools", pools),
    Route::new(ComponentKind::Aks, "GET", "/agentPools/{pool}", pool),
    Route::new(ComponentKind::Aks, "PUT", "/agentPools/{pool}", pool),
];

/// What an AKS operation does when it completes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum AksAction {
    AksPower { start: bool },
    AksPool { pool: String, count: u32 },
}

impl From<AksAction> for Action {
    /// AKS's action as an operation carries it.
    fn from(a: AksAction) -> Action {
        Action::Aks(a)
    }
}

impl Provider for Aks {
    /// A cluster's control plane is in its region: an outage there takes it down.
    fn control_plane(&self, world: &World, i: usize, _path: &str) -> ControlPlane {
        ControlPlane::Regional(world.resources[i].home.clone())
    }

    /// The cluster as the ContainerService RP writes it, with its pools and power state.
    fn render(&self, world: &World, i: usize, _id: &str, _expand_geo: bool) -> Value {
        let r = &world.resources[i];
        let a = self;
        let name = r.id.name();
        let loc = r.home.as_str();
        let power = if a.running { "Running" } else { "Stopped" };
        let pools: Vec<Value> = a.pools.iter().map(|p| json!({
            "name": p.name, "count": p.count, "vmSize": if p.mode == "System" { "Standard_D4ds_v5" } else { "Standard_NC24ads_A100_v4" },
            "maxPods": 110, "osType": "Linux", "eTag": "a1b2c3", "provisioningState": p.provisioning,
            "orchestratorVersion": "1.31.2", "currentOrchestratorVersion": "1.31.2",
            "availabilityZones": ["1", "2", "3"], "nodeImageVersion": "AKSUbuntu-2204gen2containerd-202510.14.0",
            "upgradeSettings": {"maxSurge": "33%"}, "mode": p.mode, "enableAutoScaling": false,
            "powerState": {"code": power}
        })).collect();
        let dns = format!("{name}-dns");
        json!({
            "id": r.id, "location": loc, "name": name, "tags": {}, "type": "Microsoft.ContainerService/ManagedClusters", "eTag": "d4e5f6",
            "properties": {
                "provisioningState": a.provisioning, "powerState": {"code": power}, "maxAgentPools": 100,
                "kubernetesVersion": "1.31.2", "currentKubernetesVersion": "1.31.2", "dnsPrefix": dns,
                "fqdn": format!("{dns}-4f2a1b.hcp.{loc}.azmk8s.io"), "azurePortalFQDN": format!("{dns}-4f2a1b.portal.hcp.{loc}.azmk8s.io"),
                "agentPoolProfiles": pools,
                "linuxProfile": {"adminUsername": "azureuser", "ssh": {"publicKeys": [{"keyData": "ssh-rsa AAAA... simulated"}]}},
                "servicePrincipalProfile": {"clientId": "msi"},
                "nodeResourceGroup": format!("MC_{}_{name}_{loc}", r.id.resource_group()),
                "enableRBAC": true,
                "diskEncryptionSetID": null,
                "networkProfile": {"networkPlugin": "azure", "podCidr": "10.244.0.0/16", "serviceCidr": "10.0.0.0/16",
                    "dnsServiceIP": "10.0.0.10", "loadBalancerSku": "standard", "outboundType": "loadBalancer",
                    "podCidrs": ["10.244.0.0/16"], "serviceCidrs": ["10.0.0.0/16"], "ipFamilies": ["IPv4"],
                    "loadBalancerProfile": {"allocatedOutboundPorts": 0, "idleTimeoutInMinutes": 30,
                        "outboundIPs": {"publicIPs": []}, "effectiveOutboundIPs": []}},
                "upgradeSettings": {"overrideSettings": {"forceUpgrade": false, "until": CREATED}}
            }
        })
    }

    /// The power or scale operation ended (either way): cluster and pools are Succeeded.
    fn settle(&mut self) {
        self.provisioning = "Succeeded";
        for p in &mut self.pools {
            p.provisioning = "Succeeded";
        }
    }

    /// A stopped cluster in a healthy region is Available: only its nodes are off, which is
    /// what a hot/cold secondary looks like.
    fn availability(&self, world: &World, i: usize) -> Option<(&'static str, String, String)> {
        let r = &world.resources[i];
        (!self.running && r.regional && world.region_up(&world.serving_region(i))).then(|| {
            (
                "Available",
                "Available".into(),
                "The cluster is stopped; its control plane is healthy.".into(),
            )
        })
    }
}

/// `POST .../start`: brings a waiting cluster up (about 5 minutes).
fn start(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    power(w, call, true)
}

/// `POST .../stop`: stops a cluster (about 3 minutes), as a failback leaves the old secondary.
fn stop(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    power(w, call, false)
}

/// Accepts a start or stop unless another operation runs or the cluster is already so.
fn power(w: &mut World, call: &Call<'_>, start: bool) -> Result<Reply, ArmError> {
    let i = call.i;
    let a = w.state_of::<Aks>(i)?;
    if a.provisioning != "Succeeded" {
        return Err(ArmError::conflict(
            "OperationNotAllowed",
            format!(
                "Operation is not allowed: another operation ({}) is in progress.",
                a.provisioning
            ),
        ));
    }
    if a.running == start {
        return Err(ArmError::bad_request(
            "OperationNotAllowed",
            format!(
                "The cluster is already {}.",
                if start { "running" } else { "stopped" }
            ),
        ));
    }
    w.state_of_mut::<Aks>(i)?.provisioning = if start { "Starting" } else { "Stopping" };
    Ok(w.start_lro(
        call.req,
        i,
        LroSpec {
            action: AksAction::AksPower { start }.into(),
            duration_secs: if start { 5 * 60 } else { 3 * 60 },
            monitors: Monitors::Location,
            namespace: "Microsoft.ContainerService",
            async_segment: "operations",
            location_segment: "operationresults",
            initial_status: 202,
            initial_body: None,
            final_reply: FinalReply::NoContent,
        },
    ))
}

/// `GET .../agentPools`: the pools as agent-pool resources.
fn pools(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let i = call.i;
    let a = w.state_of::<Aks>(i)?;
    let all = w.render(i, call.req.path, false);
    let profiles = all["properties"]["agentPoolProfiles"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let id = w.resources[i].id.to_string();
    let value: Vec<Value> = profiles
        .into_iter()
        .zip(&a.pools)
        .map(|(p, pool)| agent_pool(&id, &pool.name, p))
        .collect();
    Ok(Reply::ok(crate::sim::reply::list_body(value)))
}

/// `GET` or `PUT .../agentPools/{pool}`: one pool, or scaling it to `properties.count` (a
/// system pool keeps at least one node; a stopped cluster must be started first).
fn pool(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let i = call.i;
    let a = w.state_of::<Aks>(i)?;
    let Some(pos) = a
        .pools
        .iter()
        .position(|p| p.name.eq_ignore_ascii_case(call.param("pool")))
    else {
        return Err(ArmError::not_found(call.req.path));
    };
    let id = w.resources[i].id.to_string();
    let name = a.pools[pos].name.clone();
    let pool_json = |w: &World| {
        let all = w.render(i, &id, false);
        agent_pool(
            &id,
            &name,
            all["properties"]["agentPoolProfiles"][pos].clone(),
        )
    };
    if call.req.method == "GET" {
        return Ok(Reply::ok(pool_json(w)));
    }
    let Some(count) = call
        .body()
        .pointer("/properties/count")
        .and_then(Value::as_u64)
    else {
        return Err(ArmError::bad_request(
            "InvalidParameter",
            "properties.count is required.",
        ));
    };
    if a.pools[pos].mode == "System" && count == 0 {
        return Err(ArmError::bad_request(
            "InvalidParameter",
            "A system node pool needs at least 1 node.",
        ));
    }
    if !a.running {
        return Err(ArmError::bad_request(
            "OperationNotAllowed",
            "The cluster is stopped: start it before scaling a node pool.",
        ));
    }
    w.state_of_mut::<Aks>(i)?.pools[pos].provisioning = "Scaling";
    let body = pool_json(w);
    Ok(w.start_lro(
        call.req,
        i,
        LroSpec {
            action: AksAction::AksPool {
                pool: name.clone(),
                count: count as u32,
            }
            .into(),
            duration_secs: 4 * 60,
            monitors: Monitors::Async,
            namespace: "Microsoft.ContainerService",
            async_segment: "operations",
            location_segment: "operationresults",
            initial_status: 200,
            initial_body: Some(body),
            final_reply: FinalReply::Empty,
        },
    ))
}

/// A pool profile of the cluster's JSON as the agent-pool resource ARM answers for it.
fn agent_pool(cluster: &str, name: &str, profile: Value) -> Value {
    let mut props = profile;
    if let Some(m) = props.as_object_mut() {
        m.remove("name");
    }
    json!({"id": format!("{cluster}/agentPools/{name}"), "name": name,
           "type": "Microsoft.ContainerService/managedClusters/agentPools", "properties": props})
}

/// A power change or pool scale taking effect, unless the cluster's region went down.
pub fn complete(w: &mut World, i: usize, action: AksAction) -> Result<(), ArmError> {
    let home = w.resources[i].home.clone();
    if !w.region_up(&home) {
        return Err(ArmError::unavailable(&home));
    }
    let a = w.state_of_mut::<Aks>(i)?;
    match action {
        AksAction::AksPower { start } => a.running = start,
        AksAction::AksPool { pool, count } => {
            if let Some(p) = a
                .pools
                .iter_mut()
                .find(|p| p.name.eq_ignore_ascii_case(&pool))
            {
                p.count = count;
            }
        }
    }
    Ok(())
}
