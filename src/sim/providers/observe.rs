//! What the workloads depend on in both regions and Microsoft keeps serving: Key Vault
//! (Microsoft.KeyVault), Container Registry with its geo-replications
//! (Microsoft.ContainerRegistry, a replication's endpoint can be switched off), and
//! Application Insights (Microsoft.Insights). Nothing here fails over; the console checks it
//! is there and healthy in the region that takes over.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{CREATED, ControlPlane, Provider, State, TENANT, Typed, system_data};
use crate::config::ComponentKind;
use crate::region::Region;
use crate::sim::reply::{ArmError, Reply};
use crate::sim::routes::{Call, Route};
use crate::sim::world::{Resource, World};
use crate::timefmt::rfc3339;

/// A key vault: Microsoft replicates it to the paired region.
pub struct KeyVault;

/// An Application Insights component (one per region).
pub struct AppInsights;

/// A container registry and its replicas.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Acr {
    pub home: Region,
    /// (region, regionEndpointEnabled)
    pub replicas: Vec<(Region, bool)>,
}

impl Acr {
    /// A Premium registry in `home`, replicated to every region of `regions`.
    pub fn new(home: &Region, regions: &[Region]) -> Acr {
        Acr {
            home: home.clone(),
            replicas: regions.iter().map(|r| (r.clone(), true)).collect(),
        }
    }
}

impl Typed for Acr {
    const NAME: &'static str = "container registry";

    /// The registry's state, if the resource is one.
    fn of(state: &State) -> Option<&Self> {
        match state {
            State::Acr(a) => Some(a),
            _ => None,
        }
    }

    /// The registry's state to change, if the resource is one.
    fn of_mut(state: &mut State) -> Option<&mut Self> {
        match state {
            State::Acr(a) => Some(a),
            _ => None,
        }
    }
}

/// The registry's replication routes (vault and Application Insights answer GET only).
pub const ROUTES: &[Route] = &[
    Route::new(
        ComponentKind::ContainerRegistry,
        "GET",
        "/replications",
        replications,
    ),
    Route::new(
        ComponentKind::ContainerRegistry,
        "GET",
        "/replications/{region}",
        replication,
    ),
    Route::new(
        ComponentKind::ContainerRegistry,
        "PATCH",
        "/replications/{region}",
        replication,
    ),
];

impl Provider for KeyVault {
    /// Key Vault is failed over by Microsoft and stays readable: its ARM answers go on.
    fn control_plane(&self, _world: &World, _i: usize, _path: &str) -> ControlPlane {
        ControlPlane::Global
    }

    /// The vault as the KeyVault RP writes it (RBAC, soft delete and purge protection on).
    fn render(&self, world: &World, i: usize, _id: &str, _expand_geo: bool) -> Value {
        let r = &world.resources[i];
        let name = r.id.name();
        json!({
            "id": r.id, "name": name, "type": r.id.full_type(), "location": r.home.as_str(), "tags": {}, "systemData": system_data(),
            "properties": {
                "sku": {"family": "A", "name": "standard"}, "tenantId": TENANT,
                "accessPolicies": [], "enabledForDeployment": false, "enabledForDiskEncryption": false,
                "enabledForTemplateDeployment": false, "hsmPoolResourceId": null, "enableRbacAuthorization": true,
                "vaultUri": format!("https://{name}.vault.azure.net"), "provisioningState": "Succeeded",
                "publicNetworkAccess": "Enabled", "enableSoftDelete": true, "softDeleteRetentionInDays": 90, "enablePurgeProtection": true
            }
        })
    }

    /// Microsoft fails a vault over to the paired region itself (read-only meanwhile).
    fn microsoft_managed(&self) -> bool {
        true
    }
}

impl Provider for AppInsights {
    /// Application Insights is regional: an outage there takes the component down.
    fn control_plane(&self, world: &World, i: usize, _path: &str) -> ControlPlane {
        ControlPlane::Regional(world.resources[i].home.clone())
    }

    /// The component as Microsoft.Insights writes it (capitalised property names included).
    fn render(&self, world: &World, i: usize, _id: &str, _expand_geo: bool) -> Value {
        let r = &world.resources[i];
        let name = r.id.name();
        let loc = r.home.as_str();
        json!({
            "id": r.id, "name": name, "type": "Microsoft.Insights/components", "location": r.home.display_name(),
            "tags": {}, "kind": "web",
            "properties": {
                "ApplicationId": name, "AppId": format!("{:08x}-b5fd-40d7-9fc3-123456789abc", i),
                "Application_Type": "web", "Flow_Type": "Bluefield", "Request_Source": "rest",
                "InstrumentationKey": format!("{:08x}-3cf2-45ac-ab47-123456789abc", i),
                "CreationDate": CREATED, "TenantId": r.id.subscription(), "HockeyAppId": "", "HockeyAppToken": "",
                "provisioningState": "Succeeded", "SamplingPercentage": 100.0,
                "WorkspaceResourceId": format!("/subscriptions/{}/resourceGroups/{}/providers/Microsoft.OperationalInsights/workspaces/log-{loc}", r.id.subscription(), r.id.resource_group()),
                "ConnectionString": format!("InstrumentationKey={:08x}-3cf2-45ac-ab47-123456789abc;IngestionEndpoint=https://{loc}-0.in.applicationinsights.azure.com/", i),
                "DisableIpMasking": false, "publicNetworkAccessForQuery": "Enabled",
                "publicNetworkAccessForIngestion": "Enabled", "IngestionMode": "LogAnalytics",
                "LinkedStorages": {}
            }
        })
    }
}

impl Provider for Acr {
    /// A registry's control plane is in its home region only (geo-replicas serve pulls, not
    /// ARM): an outage there takes the registry's ARM answers down.
    fn control_plane(&self, world: &World, i: usize, _path: &str) -> ControlPlane {
        ControlPlane::Regional(world.resources[i].home.clone())
    }

    /// The registry as the ContainerRegistry RP writes it (Premium: geo-replication).
    fn render(&self, world: &World, i: usize, _id: &str, _expand_geo: bool) -> Value {
        let r = &world.resources[i];
        let name = r.id.name();
        json!({
            "id": r.id, "name": name, "type": r.id.full_type(), "location": self.home.as_str(), "tags": {},
            "sku": {"name": "Premium", "tier": "Premium"},
            "properties": {
                "loginServer": format!("{}.azurecr.io", name.to_ascii_lowercase()), "creationDate": CREATED,
                "provisioningState": "Succeeded", "adminUserEnabled": false,
                "networkRuleSet": {"defaultAction": "Allow", "ipRules": []},
                "policies": {"quarantinePolicy": {"status": "disabled"}, "trustPolicy": {"type": "Notary", "status": "disabled"},
                    "retentionPolicy": {"days": 7, "lastUpdatedTime": CREATED, "status": "disabled"}, "exportPolicy": {"status": "enabled"}},
                "encryption": {"status": "disabled"}, "status": null, "dataEndpointEnabled": false, "dataEndpointHostNames": [],
                "privateEndpointConnections": [], "publicNetworkAccess": "Enabled", "networkRuleBypassOptions": "AzureServices",
                "zoneRedundancy": "Enabled"
            }
        })
    }

    /// The registry's home region serves its management API.
    fn serving_region(&self) -> Option<Region> {
        Some(self.home.clone())
    }

    /// The other replicas keep serving pulls during an outage of one region.
    fn microsoft_managed(&self) -> bool {
        true
    }
}

/// An ACR replication's ARM JSON: Unavailable while its region is down.
pub(crate) fn render_replication(
    world: &World,
    r: &Resource,
    region: &Region,
    enabled: bool,
) -> Value {
    let up = world.region_up(region);
    json!({
        "id": format!("{}/replications/{}", r.id, region), "name": region.as_str(),
        "type": "Microsoft.ContainerRegistry/registries/replications", "location": region.as_str(), "tags": {},
        "properties": {
            "provisioningState": "Succeeded",
            "status": {"displayStatus": if up { "Ready" } else { "Unavailable" },
                "message": if up { "The replication is ready." } else { "The replication region is experiencing an outage." },
                "timestamp": rfc3339(world.now())},
            "regionEndpointEnabled": enabled, "zoneRedundancy": "Enabled"
        }
    })
}

/// `GET .../replications`: where the registry is replicated.
fn replications(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let a = w.state_of::<Acr>(call.i)?;
    let value: Vec<Value> = a
        .replicas
        .iter()
        .map(|(r, e)| render_replication(w, &w.resources[call.i], r, *e))
        .collect();
    Ok(Reply::ok(crate::sim::reply::list_body(value)))
}

/// `GET` or `PATCH .../replications/{region}` (the region's name in lower case):
/// `properties.regionEndpointEnabled` takes a region out of the registry's routing.
fn replication(w: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    let i = call.i;
    let name = call.param("region").to_ascii_lowercase();
    let a = w.state_of::<Acr>(i)?;
    let Some(pos) = a.replicas.iter().position(|(r, _)| r.as_str() == name) else {
        return Err(ArmError::not_found(call.req.path));
    };
    if call.req.method == "PATCH"
        && let Some(en) = call
            .body()
            .pointer("/properties/regionEndpointEnabled")
            .and_then(Value::as_bool)
    {
        w.state_of_mut::<Acr>(i)?.replicas[pos].1 = en;
    }
    let (r, e) = &w.state_of::<Acr>(i)?.replicas[pos];
    Ok(Reply::ok(render_replication(w, &w.resources[i], r, *e)))
}
