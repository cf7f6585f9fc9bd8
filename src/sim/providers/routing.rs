//! Traffic routing in front of the two regions: Traffic Manager profiles
//! (Microsoft.Network/trafficManagerProfiles, external endpoints changed in place) and Front
//! Door origin groups (Microsoft.Cdn/profiles/originGroups, origins changed by a
//! long-running PATCH). Failing over is disabling or deprioritising the lost region's entry.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Action, ControlPlane, Provider, State, Typed};
use crate::config::{ComponentKind, ResourceId};
use crate::region::Region;
use crate::sim::lro::{FinalReply, LroSpec, Monitors};
use crate::sim::reply::{ArmError, Reply};
use crate::sim::routes::{Call, Route, not_found};
use crate::sim::world::{Resource, Word, World};

/// A Traffic Manager endpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TmEndpoint {
    pub name: String,
    pub region: Region,
    pub enabled: bool,
    pub priority: u32,
    pub weight: u32,
    pub target: String,
}

/// A Traffic Manager profile.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrafficManager {
    #[serde(deserialize_with = "crate::sim::persist::static_str")]
    pub routing: Word,
    pub endpoints: Vec<TmEndpoint>,
}

/// A Front Door origin.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Origin {
    pub name: String,
    pub region: Region,
    pub enabled: bool,
    pub priority: u32,
    pub weight: u32,
    pub host: String,
    pub updating: bool,
}

/// A Front Door origin group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FrontDoor {
    pub origins: Vec<Origin>,
}

/// The host name of a region's scoring endpoint behind a profile or origin group named `id`.
fn host(id: &ResourceId, region: &Region) -> String {
    let base = id.name().to_ascii_lowercase();
    format!("{base}-{region}.{region}.inference.ml.azure.com")
}

impl TrafficManager {
    /// A profile over the two regions' endpoints `ends` (name, region): weighted when hot/hot,
    /// by priority (primary first) when hot/cold.
    pub fn new(id: &ResourceId, ends: [(&str, &Region); 2], hot: bool) -> TrafficManager {
        TrafficManager {
            routing: if hot { "Weighted" } else { "Priority" },
            endpoints: ends
                .into_iter()
                .zip([1, 2])
                .map(|((name, region), priority)| TmEndpoint {
                    name: name.to_string(),
                    region: region.clone(),
                    enabled: true,
                    priority,
                    weight: 50,
                    target: host(id, region),
                })
                .collect(),
        }
    }
}

impl FrontDoor {
    /// An origin group over the two regions' origins `ends` (name, region): equal priority
    /// when hot/hot, the primary first when hot/cold.
    pub fn new(id: &ResourceId, ends: [(&str, &Region); 2], hot: bool) -> FrontDoor {
        FrontDoor {
            origins: ends
                .into_iter()
                .zip([1, if hot { 1 } else { 2 }])
                .map(|((name, region), priority)| Origin {
                    name: name.to_string(),
                    region: region.clone(),
                    enabled: true,
                    priority,
                    weight: 1000,
                    host: host(id, region),
                    updating: false,
                })
                .collect(),
        }
    }
}

impl Typed for TrafficManager {
    const NAME: &'static str = "Traffic Manager profile";

    /// The profile's state, if the resource is one.
    fn of(state: &State) -> Option<&Self> {
        match state {
            State::TrafficManager(tm) => Some(tm),
            _ => None,
        }
    }

    /// The profile's state to change, if the resource is one.
    fn of_mut(state: &mut State) -> Option<&mut Self> {
        match state {
            State::TrafficManager(tm) => Some(tm),
            _ => None,
        }
    }
}

impl Typed for FrontDoor {
    const NAME: &'static str = "Front Door origin group";

    /// The origin group's state, if the resource is one.
    fn of(state: &State) -> Option<&Self> {
        match state {
            State::FrontDoor(fd) => Some(fd),
            _ => None,
        }
    }

    /// The origin group's state to change, if the resource is one.
    fn of_mut(state: &mut State) -> Option<&mut Self> {
        match state {
            State::FrontDoor(fd) => Some(fd),
            _ => None,
        }
    }
}

/// The routing routes. The simulated profiles hold external endpoints only: the other endpoint
/// types are ARM paths without a resource (404).
pub const ROUTES: &[Route] = &[
    Route::new(
        ComponentKind::TrafficManager,
        "GET",
        "/externalEndpoints/{name}",
        tm_endpoint,
    ),
    Route::new(
        ComponentKind::TrafficManager,
        "PATCH",
        "/externalEndpoints/{name}",
        tm_endpoint,
    ),
    Route::new(
        ComponentKind::TrafficManager,
        "PUT",
        "/externalEndpoints/{name}",
        tm_endpoint,
    ),
    Route::new(
        ComponentKind::TrafficManager,
        "GET",
        "/azureEndpoints/{name}",
        not_found,
    ),
    Route::new(
        ComponentKind::TrafficManager,
        "PUT",
        "/azureEndpoints/{name}",
        not_found,
    ),
    Route::new(
        ComponentKind::TrafficManager,
        "PUT",
        "/nestedEndpoints/{name}",
        not_found,
    ),
    Route::new(
        ComponentKind::TrafficManager,
        "PATCH",
        "/azureEndpoints/{name}",
        not_found,
    ),
    Route::new(
        ComponentKind::TrafficManager,
        "GET",
        "/nestedEndpoints/{name}",
        not_found,
    ),
    Route::new(
        ComponentKind::TrafficManager,
        "PATCH",
        "/nestedEndpoints/{name}",
        not_found,
    ),
    Route::new(ComponentKind::FrontDoor, "GET", "/origins", origins),
    Route::new(ComponentKind::FrontDoor, "GET", "/origins/{name}", origin),
    Route::new(ComponentKind::FrontDoor, "PATCH", "/origins/{name}", origin),
    Route::new(ComponentKind::FrontDoor, "PUT", "/origins/{name}", origin),
];

/// The `properties` of a PUT (createOrUpdate), which carries the whole resource: `required`
/// must be there, as ARM's validation requires it.
fn put_properties(call: &Call<'_>, required: &str) -> Result<Value, ArmError> {
    let props = call
        .body()
        .get("properties")
        .cloned()
        .unwrap_or(Value::Null);
    if !props.is_object() || props.get(required).is_none_or(Value::is_null) {
        return Err(ArmError::bad_request(
            "BadRequest",
            format!(
                "A PUT replaces the whole resource: the body needs properties.{required} (GET it, change it, PUT it back; or PATCH only the fields to change)."
            ),
        ));
    }
    Ok(props)
}

/// What a routing operation does when it completes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum RoutingAction {
    OriginUpdate { name: String },
}

impl From<RoutingAction> for Action {
    /// Routing's action as an operation carries it.
    fn from(a: RoutingAction) -> Action {
        Action::Routing(a)
    }
}

/// Traffic Manager's view of an endpoint's health.
pub fn tm_monitor(world: &World, e: &TmEndpoint) -> &'static str {
    if !e.enabled {
        "Disabled"
    } else if world.region_up(&e.region) {
        "Online"
    } else {
        "Degraded"
    }
}

/// A Traffic Manager endpoint's ARM JSON, with the health Traffic Manager probes.
fn render_endpoint(world: &World, r: &Resource, e: &TmEndpoint) -> Value {
    json!({
        "id": format!("{}/externalEndpoints/{}", r.id, e.name), "name": e.name,
        "type": "Microsoft.Network/trafficManagerProfiles/externalEndpoints",
        "properties": {
            "endpointStatus": if e.enabled { "Enabled" } else { "Disabled" },
            "endpointMonitorStatus": tm_monitor(world, e), "target": e.target,
            "weight": e.weight, "priority": e.priority, "endpointLocation": e.region.display_name(),
            "alwaysServe": "Disabled"
        }
    })
}

/// A Front Door origin's ARM JSON (Updating while its PATCH deploys).
fn render_origin(r: &Resource, o: &Origin) -> Value {
    json!({
        "id": format!("{}/origins/{}", r.id, o.name), "type": "Microsoft.Cdn/profiles/origingroups/origins", "name": o.name,
        "properties": {
            "hostName": o.host, "httpPort": 80, "httpsPort": 443, "originHostHeader": o.host,
            "priority": o.priority, "weight": o.weight,
            "enabledState": if o.enabled { "Enabled" } else { "Disabled" },
            "provisioningState": if o.updating { "Updating" } else { "Succeeded" },
            "deploymentStatus": if o.updating { "InProgress" } else { "Succeeded" },
            "originGroupName": r.id.name(), "sharedPrivateLinkResource": null, "enforceCertificateNameCheck": true
        }
    })
}

impl Provider for TrafficManager {
    /// Traffic Manager and Front Door are global services: they answer whatever region is
    /// down (that is what fails traffic over).
    fn control_plane(&self, _world: &World, _i: usize, _path: &str) -> ControlPlane {
        ControlPlane::Global
    }

    /// The profile with its endpoints and overall monitor status (Degraded when a region's
    /// endpoint is, Inactive when every endpoint is disabled).
    fn render(&self, world: &World, i: usize, _id: &str, _expand_geo: bool) -> Value {
        let r = &world.resources[i];
        let name = r.id.name();
        let endpoints = &self.endpoints;
        let eps: Vec<Value> = endpoints
            .iter()
            .map(|e| render_endpoint(world, r, e))
            .collect();
        let online = endpoints
            .iter()
            .filter(|e| tm_monitor(world, e) == "Online")
            .count();
        let status = if online == endpoints.len() {
            "Online"
        } else if online > 0 {
            "Degraded"
        } else if endpoints.iter().all(|e| !e.enabled) {
            "Inactive"
        } else {
            "Degraded"
        };
        let rel = name.to_ascii_lowercase();
        json!({
            "id": r.id, "name": name, "type": "Microsoft.Network/trafficManagerProfiles", "location": "global", "tags": {},
            "properties": {
                "profileStatus": "Enabled", "trafficRoutingMethod": self.routing,
                "dnsConfig": {"relativeName": rel, "fqdn": format!("{rel}.trafficmanager.net"), "ttl": 30},
                "monitorConfig": {"profileMonitorStatus": status, "protocol": "HTTPS", "port": 443, "path": "/health",
                    "intervalInSeconds": 30, "toleratedNumberOfFailures": 3, "timeoutInSeconds": 10},
                "endpoints": eps
            }
        })
    }
}

impl Provider for FrontDoor {
    /// Traffic Manager and Front Door are global services: they answer whatever region is
    /// down (that is what fails traffic over).
    fn control_plane(&self, _world: &World, _i: usize, _path: &str) -> ControlPlane {
        ControlPlane::Global
    }

    /// The origin group's settings (its origins are listed separately, as in Azure).
    fn render(&self, world: &World, i: usize, _id: &str, _expand_geo: bool) -> Value {
        let r = &world.resources[i];
        json!({
            "id": r.id, "type": "Microsoft.Cdn/profiles/origingroups", "name": r.id.name(),
            "properties": {
                "loadBalancingSettings": {"sampleSize": 4, "successfulSamplesRequired": 3, "additionalLatencyInMilliseconds": 50},
                "healthProbeSettings": {"probePath": "/health", "probeRequestType": "HEAD", "probeProtocol": "Https", "probeIntervalInSeconds": 30},
                "trafficRestorationTimeToHealedOrNewEndpointsInMinutes": 10,
                "provisioningState": "Succeeded", "deploymentStatus": "Succeeded"
            }
        })
    }

    /// The origin's deployment ended: it is Succeeded again.
    fn settle(&mut self) {
        self.origins.iter_mut().for_each(|o| o.updating = false);
    }
}

/// `GET`, `PATCH` or `PUT .../externalEndpoints/{name}`: an endpoint, or changing its status,
/// priority (1..1000, unique), weight (1..1000) or target at once (no operation). A PUT (what
/// `az network traffic-manager endpoint update` sends, after a GET) carries the whole endpoint:
/// its target is required and an endpointStatus it leaves out is Enabled, Azure's default.
fn tm_endpoint(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let i = call.i;
    let tm = w.state_of::<TrafficManager>(i)?;
    let Some(pos) = tm
        .endpoints
        .iter()
        .position(|e| e.name.eq_ignore_ascii_case(call.param("name")))
    else {
        return Err(ArmError::not_found(call.req.path));
    };
    if call.req.method != "GET" {
        let put = call.req.method == "PUT";
        let props = if put {
            put_properties(call, "target")?
        } else {
            call.body()
                .get("properties")
                .cloned()
                .unwrap_or(Value::Null)
        };
        let status = props
            .get("endpointStatus")
            .and_then(Value::as_str)
            .or(put.then_some("Enabled"));
        let enabled = match status {
            None => None,
            Some(s) if s.eq_ignore_ascii_case("enabled") => Some(true),
            Some(s) if s.eq_ignore_ascii_case("disabled") => Some(false),
            Some(s) => {
                return Err(ArmError::bad_request(
                    "BadRequest",
                    format!("endpointStatus '{s}' is not valid: use Enabled or Disabled."),
                ));
            }
        };
        let priority = props.get("priority").and_then(Value::as_u64);
        if let Some(p) = priority {
            if !(1..=1000).contains(&p) {
                return Err(ArmError::bad_request(
                    "BadRequest",
                    "Endpoint priority must be between 1 and 1000.",
                ));
            }
            if tm
                .endpoints
                .iter()
                .enumerate()
                .any(|(k, e)| k != pos && e.priority as u64 == p)
            {
                return Err(ArmError::bad_request(
                    "BadRequest",
                    format!(
                        "Priority {p} is already used by another endpoint of this profile: priorities must be unique."
                    ),
                ));
            }
        }
        let weight = props.get("weight").and_then(Value::as_u64);
        if weight.is_some_and(|w| !(1..=1000).contains(&w)) {
            return Err(ArmError::bad_request(
                "BadRequest",
                "Endpoint weight must be between 1 and 1000.",
            ));
        }
        let target = props
            .get("target")
            .and_then(Value::as_str)
            .map(str::to_string);
        if target.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err(ArmError::bad_request(
                "BadRequest",
                "Endpoint target must not be empty.",
            ));
        }
        let e = &mut w.state_of_mut::<TrafficManager>(i)?.endpoints[pos];
        if let Some(t) = target {
            e.target = t;
        }
        // Traffic Manager accepts disabling every endpoint; guarding that is the runbook's job.
        if let Some(en) = enabled {
            e.enabled = en;
        }
        if let Some(p) = priority {
            e.priority = p as u32;
        }
        if let Some(wt) = weight {
            e.weight = wt as u32;
        }
    }
    let tm = w.state_of::<TrafficManager>(i)?;
    Ok(Reply::ok(render_endpoint(
        w,
        &w.resources[i],
        &tm.endpoints[pos],
    )))
}

/// `GET .../origins`: the group's origins.
fn origins(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let fd = w.state_of::<FrontDoor>(call.i)?;
    let value: Vec<Value> = fd
        .origins
        .iter()
        .map(|o| render_origin(&w.resources[call.i], o))
        .collect();
    Ok(Reply::ok(crate::sim::reply::list_body(value)))
}

/// `GET`, `PATCH` or `PUT .../origins/{name}`: an origin, or changing its state, priority
/// (1..5), weight (1..1000) or host name, which Front Door deploys as a long-running
/// operation. A PUT (what `az afd origin update` sends, after a GET) carries the whole origin:
/// its hostName is required, and what it leaves out takes Azure's defaults (enabledState
/// Enabled, priority 1, weight 50).
fn origin(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let i = call.i;
    let fd = w.state_of::<FrontDoor>(i)?;
    let Some(pos) = fd
        .origins
        .iter()
        .position(|o| o.name.eq_ignore_ascii_case(call.param("name")))
    else {
        return Err(ArmError::not_found(call.req.path));
    };
    if call.req.method == "GET" {
        return Ok(Reply::ok(render_origin(&w.resources[i], &fd.origins[pos])));
    }
    if fd.origins[pos].updating {
        return Err(ArmError::conflict(
            "Conflict",
            "The origin is being updated; retry when provisioningState is Succeeded.",
        ));
    }
    let put = call.req.method == "PUT";
    let mut props = if put {
        put_properties(call, "hostName")?
    } else {
        call.body()
            .get("properties")
            .cloned()
            .unwrap_or(Value::Null)
    };
    if put {
        for (k, default) in [
            ("enabledState", json!("Enabled")),
            ("priority", json!(1)),
            ("weight", json!(50)),
        ] {
            if props.get(k).is_none_or(Value::is_null) {
                props[k] = default;
            }
        }
    }
    let enabled = match props.get("enabledState").and_then(Value::as_str) {
        None => None,
        Some(s) if s.eq_ignore_ascii_case("enabled") => Some(true),
        Some(s) if s.eq_ignore_ascii_case("disabled") => Some(false),
        Some(s) => {
            return Err(ArmError::bad_request(
                "BadRequest",
                format!("enabledState '{s}' is not valid: use Enabled or Disabled."),
            ));
        }
    };
    let priority = props.get("priority").and_then(Value::as_u64);
    if priority.is_some_and(|p| !(1..=5).contains(&p)) {
        return Err(ArmError::bad_request(
            "BadRequest",
            "Origin priority must be between 1 and 5.",
        ));
    }
    let weight = props.get("weight").and_then(Value::as_u64);
    if weight.is_some_and(|w| !(1..=1000).contains(&w)) {
        return Err(ArmError::bad_request(
            "BadRequest",
            "Origin weight must be between 1 and 1000.",
        ));
    }
    let host = props
        .get("hostName")
        .and_then(Value::as_str)
        .map(str::to_string);
    if host.as_deref().is_some_and(|h| h.trim().is_empty()) {
        return Err(ArmError::bad_request(
            "BadRequest",
            "Origin hostName must not be empty.",
        ));
    }
    let oname = fd.origins[pos].name.clone();
    let o = &mut w.state_of_mut::<FrontDoor>(i)?.origins[pos];
    if let Some(h) = host {
        o.host = h;
    }
    if let Some(en) = enabled {
        o.enabled = en;
    }
    if let Some(p) = priority {
        o.priority = p as u32;
    }
    if let Some(wt) = weight {
        o.weight = wt as u32;
    }
    o.updating = true;
    let fd = w.state_of::<FrontDoor>(i)?;
    let body = render_origin(&w.resources[i], &fd.origins[pos]);
    Ok(w.start_lro(
        call.req,
        i,
        LroSpec {
            action: RoutingAction::OriginUpdate { name: oname }.into(),
            duration_secs: 45,
            monitors: Monitors::AsyncLowercase,
            namespace: "Microsoft.Cdn",
            async_segment: "operationresults",
            location_segment: "operationresults",
            initial_status: 202,
            initial_body: Some(body),
            final_reply: FinalReply::Empty,
        },
    ))
}

/// An origin change taking effect: the PATCH already changed it; this only ends its
/// deployment (Front Door is global: no region to fail it).
pub fn complete(w: &mut World, i: usize, action: RoutingAction) -> Result<(), ArmError> {
    let RoutingAction::OriginUpdate { .. } = action;
    w.state_of::<FrontDoor>(i)?;
    Ok(())
}
