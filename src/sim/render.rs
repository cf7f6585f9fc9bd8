//! The JSON the simulator answers for each resource kind: the field names and types of the
//! real ARM responses (checked against Microsoft's examples by tests/fixture_shapes.rs).

use serde_json::{Map, Value, json};

use super::world::{Incident, Resource, State, TmEndpoint, World, write_region};
use crate::config::ComponentKind;
use crate::region::Region;
use crate::timefmt::rfc3339;

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const PRINCIPAL: &str = "5b4c3d2e-1f0a-4b9c-8d7e-6f5a4b3c2d1e";
const CREATED: &str = "2025-03-04T09:15:00Z";

/// `systemData` as ARM writes it.
fn system_data() -> Value {
    json!({"createdAt": CREATED, "createdBy": "platform-team@contoso.com", "createdByType": "User",
           "lastModifiedAt": CREATED, "lastModifiedBy": "platform-team@contoso.com", "lastModifiedByType": "User"})
}

/// A system-assigned managed identity (`userAssignedIdentities` is the empty map, as for the
/// workspace).
fn identity() -> Value {
    json!({"type": "SystemAssigned", "principalId": PRINCIPAL, "tenantId": TENANT, "userAssignedIdentities": {}})
}

/// The first resource of a kind, preferring one in `region` (for workspace dependencies).
fn related(world: &World, kind: ComponentKind, region: Option<&Region>) -> Option<String> {
    let mut candidates = world.resources.iter().filter(|r| r.kind == kind);
    let all: Vec<&Resource> = candidates.by_ref().collect();
    all.iter()
        .find(|r| region.is_none_or(|reg| &r.home == reg))
        .or(all.first())
        .map(|r| r.id.to_string())
}

/// The JSON of resource `i` as seen through `id` (a SQL failover group has one per server).
pub fn resource(world: &World, i: usize, id: &str, expand_geo: bool) -> Value {
    let r = &world.resources[i];
    let name = r.id.name();
    let loc = r.home.as_str();
    let ty = r.id.full_type();
    match &r.state {
        State::Workspace => {
            let ws_default = format!(
                "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Storage/storageAccounts/st{}",
                r.id.subscription(),
                r.id.resource_group(),
                name.replace('-', "").chars().take(20).collect::<String>()
            );
            let kv = related(world, ComponentKind::KeyVault, None).unwrap_or_default();
            json!({
                "id": r.id, "name": name, "type": ty, "location": loc,
                "identity": {"principalId": PRINCIPAL, "tenantId": TENANT, "type": "SystemAssigned", "userAssignedIdentities": {}},
                "properties": {
                    "containerRegistry": related(world, ComponentKind::ContainerRegistry, None),
                    "keyVault": kv,
                    "applicationInsights": related(world, ComponentKind::AppInsights, Some(&r.home)),
                    "storageAccount": ws_default,
                    "discoveryUrl": format!("https://{loc}.api.azureml.ms/discovery"),
                    "friendlyName": name, "description": format!("{} workspace ({loc})", world.deployment),
                    "encryption": {"status": "Disabled", "identity": {"userAssignedIdentity": null},
                        "keyVaultProperties": {"keyVaultArmId": kv, "keyIdentifier": "", "identityClientId": ""}},
                    "hbiWorkspace": false,
                    "serviceProvisionedResourceGroup": format!("{name}_managed"),
                    "privateLinkCount": 0, "allowPublicAccessWhenBehindVnet": false,
                    "publicNetworkAccess": "Enabled", "imageBuildCompute": "",
                    "privateEndpointConnections": [], "sharedPrivateLinkResources": [],
                    "provisioningState": "Succeeded",
                    "workspaceId": format!("{:08x}-0000-4000-8000-000000000000", i),
                }
            })
        }
        State::Compute(c) => {
            let target = if c.updating {
                c.min_nodes
            } else {
                c.current_nodes
            };
            json!({
                "id": r.id, "type": ty, "name": name, "location": loc,
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
        State::Endpoint(e) => json!({
            "id": r.id, "name": name, "type": ty,
            "properties": {
                "description": "churn scoring", "properties": {},
                "scoringUri": format!("https://{name}.{loc}.inference.ml.azure.com/score"),
                "swaggerUri": format!("https://{name}.{loc}.inference.ml.azure.com/swagger.json"),
                "authMode": "Key", "provisioningState": e.provisioning, "traffic": e.traffic,
            },
            "systemData": system_data(), "tags": e.tags, "location": loc, "kind": "Managed",
            "identity": identity(), "sku": {"name": "Default", "tier": "Standard", "size": "Default", "family": "Managed", "capacity": 1}
        }),
        State::Aks(a) => {
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
        State::Postgres(f) | State::Mysql(f) => {
            let pg = matches!(r.state, State::Postgres(_));
            let now = world.now();
            let source = f.source.map(|s| world.resources[s].id.to_string());
            let host = if pg {
                "postgres.database.azure.com"
            } else {
                "mysql.database.azure.com"
            };
            let mut props = json!({
                "fullyQualifiedDomainName": format!("{name}.{host}"),
                "version": if pg { "16" } else { "8.0.21" }, "minorVersion": if pg { "8" } else { "0" },
                "administratorLogin": "mladmin", "state": f.state, "availabilityZone": "1",
                "storage": {"storageSizeGB": 512, "autoGrow": "Enabled", "tier": "P20", "iops": 2300},
                "dataEncryption": {"type": "SystemManaged"},
                "authConfig": {"activeDirectoryAuth": "Enabled", "passwordAuth": "Disabled"},
                "backup": {"backupRetentionDays": 7, "geoRedundantBackup": "Disabled", "earliestRestoreDate": rfc3339(now - time::Duration::days(7))},
                "network": {"publicNetworkAccess": "Disabled"},
                // Read replicas cannot have high availability [F:postgres-flex-replicas-list]; a
                // zone-redundant primary names its standby's zone [F:postgres-flex-promote-*].
                "highAvailability": if f.role == "Primary" {
                    json!({"mode": "ZoneRedundant", "state": "Healthy", "standbyAvailabilityZone": "2"})
                } else {
                    json!({"mode": "Disabled", "state": "NotEnabled"})
                },
                "maintenanceWindow": {"customWindow": "Disabled", "dayOfWeek": 0, "startHour": 0, "startMinute": 0},
                "replicationRole": f.role,
                "replicaCapacity": if f.role == "Primary" { 5 } else { 0 },
                "sourceServerResourceId": source,
            });
            if pg {
                let state = if f.source.is_none() {
                    None
                } else if f.replication.frozen_at.is_some() {
                    Some("Broken")
                } else {
                    Some("Active")
                };
                props["replica"] = json!({"role": f.role, "capacity": if f.role == "Primary" { 5 } else { 0 }, "replicationState": state});
            }
            json!({
                "sku": {"name": "Standard_D4ds_v5", "tier": "GeneralPurpose"},
                "properties": props, "location": loc, "tags": {}, "id": r.id, "name": name, "type": ty,
                "systemData": system_data()
            })
        }
        State::AppInsights => json!({
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
        }),
        State::Storage(s) => storage(world, r, s, expand_geo),
        State::SqlFg(fg) => {
            let side = fg
                .servers
                .iter()
                .position(|(sid, _)| id.to_ascii_lowercase().starts_with(&sid.key()))
                .unwrap_or(0);
            let other = 1 - side;
            let role = |k: usize| {
                if fg.primary == k {
                    "Primary"
                } else {
                    "Secondary"
                }
            };
            let state = if fg.busy {
                "PENDING"
            } else if fg.replication.frozen_at.is_some() {
                "SUSPENDED"
            } else {
                "CATCH_UP"
            };
            json!({
                "id": format!("{}/failoverGroups/{}", fg.servers[side].0, fg.name), "name": fg.name,
                "type": "Microsoft.Sql/servers/failoverGroups", "location": fg.servers[side].1.display_name(),
                "properties": {
                    "readWriteEndpoint": {"failoverPolicy": "Manual"},
                    // Read-only traffic goes to the current secondary [F:sql-failover-group-try-planned-before-forced].
                    "readOnlyEndpoint": {"failoverPolicy": "Disabled", "targetServer": fg.servers[1 - fg.primary].0},
                    "replicationRole": role(side), "replicationState": state,
                    "partnerServers": [{"id": fg.servers[other].0, "location": fg.servers[other].1.display_name(), "replicationRole": role(other)}],
                    "databases": [format!("{}/databases/features", fg.servers[side].0), format!("{}/databases/feature-history", fg.servers[side].0)]
                }
            })
        }
        State::Cosmos(c) => {
            let loc_entry = |cr: &super::world::CosmosRegion| {
                json!({
                    "id": format!("{name}-{}", cr.region), "locationName": cr.region.display_name(),
                    "documentEndpoint": format!("https://{name}-{}.documents.azure.com:443/", cr.region),
                    "provisioningState": if cr.offline { "Offline" } else { "Succeeded" },
                    "failoverPriority": cr.priority, "isZoneRedundant": false
                })
            };
            let mut sorted: Vec<_> = c.regions.iter().collect();
            sorted.sort_by_key(|cr| cr.priority);
            let write = write_region(c);
            let writes: Vec<Value> = sorted
                .iter()
                .filter(|cr| Some(&cr.region) == write.as_ref())
                .map(|cr| loc_entry(cr))
                .collect();
            let reads: Vec<Value> = sorted
                .iter()
                .filter(|cr| !cr.offline)
                .map(|cr| loc_entry(cr))
                .collect();
            let all: Vec<Value> = sorted.iter().map(|cr| loc_entry(cr)).collect();
            let policies: Vec<Value> = sorted.iter().map(|cr| json!({"id": format!("{name}-{}", cr.region), "locationName": cr.region.display_name(), "failoverPriority": cr.priority})).collect();
            json!({
                "id": r.id, "name": name, "location": r.home.display_name(), "type": "Microsoft.DocumentDB/databaseAccounts",
                "kind": "GlobalDocumentDB", "tags": {},
                "properties": {
                    "provisioningState": if c.busy { "Updating" } else { "Succeeded" },
                    "documentEndpoint": format!("https://{name}.documents.azure.com:443/"),
                    "ipRules": [], "isVirtualNetworkFilterEnabled": false, "virtualNetworkRules": [],
                    "databaseAccountOfferType": "Standard", "disableKeyBasedMetadataWriteAccess": true,
                    "defaultIdentity": "FirstPartyIdentity",
                    "consistencyPolicy": {"defaultConsistencyLevel": "Session", "maxIntervalInSeconds": 5, "maxStalenessPrefix": 100},
                    "writeLocations": writes, "readLocations": reads, "locations": all, "failoverPolicies": policies,
                    "enableAutomaticFailover": false, "enableMultipleWriteLocations": false,
                    "privateEndpointConnections": [], "cors": [], "enableFreeTier": false, "apiProperties": {},
                    "enableAnalyticalStorage": false, "enableBurstCapacity": false, "enablePerRegionPerPartitionAutoscale": false,
                    "analyticalStorageConfiguration": {"schemaType": "WellDefined"},
                    "instanceId": format!("{:08x}-2f53-4541-b3d8-3044f4f9810d", i), "createMode": "Default",
                    "backupPolicy": {"type": "Periodic", "periodicModeProperties": {"backupIntervalInMinutes": 240, "backupRetentionIntervalInHours": 8, "backupStorageRedundancy": "Geo"}},
                    "networkAclBypass": "None", "networkAclBypassResourceIds": [],
                    "keysMetadata": {"primaryMasterKey": {"generationTime": CREATED}, "secondaryMasterKey": {"generationTime": CREATED},
                        "primaryReadonlyMasterKey": {"generationTime": CREATED}, "secondaryReadonlyMasterKey": {"generationTime": CREATED}},
                    "enablePartitionMerge": false, "minimalTlsVersion": "Tls12"
                },
                "identity": identity()
            })
        }
        State::Acr(a) => json!({
            "id": r.id, "name": name, "type": ty, "location": a.home.as_str(), "tags": {},
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
        }),
        State::KeyVault => json!({
            "id": r.id, "name": name, "type": ty, "location": loc, "tags": {}, "systemData": system_data(),
            "properties": {
                "sku": {"family": "A", "name": "standard"}, "tenantId": TENANT,
                "accessPolicies": [], "enabledForDeployment": false, "enabledForDiskEncryption": false,
                "enabledForTemplateDeployment": false, "hsmPoolResourceId": null, "enableRbacAuthorization": true,
                "vaultUri": format!("https://{name}.vault.azure.net"), "provisioningState": "Succeeded",
                "publicNetworkAccess": "Enabled", "enableSoftDelete": true, "softDeleteRetentionInDays": 90, "enablePurgeProtection": true
            }
        }),
        State::TrafficManager { routing, endpoints } => {
            let eps: Vec<Value> = endpoints.iter().map(|e| tm_endpoint(world, r, e)).collect();
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
                    "profileStatus": "Enabled", "trafficRoutingMethod": routing,
                    "dnsConfig": {"relativeName": rel, "fqdn": format!("{rel}.trafficmanager.net"), "ttl": 30},
                    "monitorConfig": {"profileMonitorStatus": status, "protocol": "HTTPS", "port": 443, "path": "/health",
                        "intervalInSeconds": 30, "toleratedNumberOfFailures": 3, "timeoutInSeconds": 10},
                    "endpoints": eps
                }
            })
        }
        State::FrontDoor { .. } => json!({
            "id": r.id, "type": "Microsoft.Cdn/profiles/origingroups", "name": name,
            "properties": {
                "loadBalancingSettings": {"sampleSize": 4, "successfulSamplesRequired": 3, "additionalLatencyInMilliseconds": 50},
                "healthProbeSettings": {"probePath": "/health", "probeRequestType": "HEAD", "probeProtocol": "Https", "probeIntervalInSeconds": 30},
                "trafficRestorationTimeToHealedOrNewEndpointsInMinutes": 10,
                "provisioningState": "Succeeded", "deploymentStatus": "Succeeded"
            }
        }),
    }
}

fn storage(world: &World, r: &Resource, s: &super::world::Storage, expand_geo: bool) -> Value {
    let name = r.id.name();
    let now = world.now();
    let endpoints = |suffix: &str| {
        json!({
            "web": format!("https://{name}{suffix}.z13.web.core.windows.net/"), "dfs": format!("https://{name}{suffix}.dfs.core.windows.net/"),
            "blob": format!("https://{name}{suffix}.blob.core.windows.net/"), "file": format!("https://{name}{suffix}.file.core.windows.net/"),
            "queue": format!("https://{name}{suffix}.queue.core.windows.net/"), "table": format!("https://{name}{suffix}.table.core.windows.net/"),
        })
    };
    let available = |reg: &Region| {
        if world.region_up(reg) && !r.down && !s.failover_in_progress {
            "available"
        } else {
            "unavailable"
        }
    };
    let mut props = json!({
        "keyCreationTime": {"key1": CREATED, "key2": CREATED},
        "isHnsEnabled": true, "creationTime": CREATED,
        "networkAcls": {"bypass": "AzureServices", "defaultAction": "Allow", "ipRules": [], "virtualNetworkRules": [], "resourceAccessRules": []},
        "primaryEndpoints": endpoints(""),
        "primaryLocation": s.primary.as_str(),
        "provisioningState": "Succeeded",
        "encryption": {"services": {"file": {"keyType": "Account", "enabled": true, "lastEnabledTime": CREATED},
            "blob": {"keyType": "Account", "enabled": true, "lastEnabledTime": CREATED}}, "keySource": "Microsoft.Storage"},
        "statusOfPrimary": available(&s.primary),
        "supportsHttpsTrafficOnly": true, "isSkuConversionBlocked": false, "accountMigrationInProgress": false,
        "minimumTlsVersion": "TLS1_2", "accessTier": "Hot",
    });
    let p = props.as_object_mut().expect("object");
    if let Some(sec) = &s.secondary {
        p.insert("secondaryLocation".into(), json!(sec.as_str()));
        p.insert("statusOfSecondary".into(), json!(available(sec)));
        if s.sku.contains("RA") {
            p.insert("secondaryEndpoints".into(), endpoints("-secondary"));
        }
    }
    if let Some(t) = s.last_geo_failover {
        p.insert("lastGeoFailoverTime".into(), json!(rfc3339(t)));
    }
    if s.failover_in_progress {
        p.insert("failoverInProgress".into(), json!(true));
    }
    if let (true, Some(sec)) = (expand_geo, &s.secondary) {
        let bootstrapping = s.bootstrap_until.is_some_and(|t| t > now);
        let status = if bootstrapping {
            "Bootstrap"
        } else if s.replication.frozen_at.is_some() {
            "Unavailable"
        } else {
            "Live"
        };
        let can = !bootstrapping && world.region_up(sec) && !s.failover_in_progress && !r.down;
        let post_planned = s.sku.clone();
        p.insert(
            "geoReplicationStats".into(),
            json!({
                "status": status,
                "lastSyncTime": rfc3339(s.replication.last_sync(now)),
                "canFailover": can,
                "canPlannedFailover": can && world.region_up(&s.primary) && s.replication.frozen_at.is_none(),
                "postFailoverRedundancy": if s.sku.contains("GZRS") { "Standard_ZRS" } else { "Standard_LRS" },
                "postPlannedFailoverRedundancy": post_planned,
            }),
        );
    }
    json!({
        "id": r.id, "kind": "StorageV2", "location": r.home.as_str(), "name": name,
        "properties": props,
        "sku": {"name": s.sku, "tier": "Standard"}, "tags": {}, "type": "Microsoft.Storage/storageAccounts"
    })
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

/// A Traffic Manager endpoint.
pub fn tm_endpoint(world: &World, r: &Resource, e: &TmEndpoint) -> Value {
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

/// A Front Door origin.
pub fn origin(r: &Resource, o: &super::world::Origin) -> Value {
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

/// A managed online deployment.
pub fn deployment(r: &Resource, d: &super::world::Deployment) -> Value {
    json!({
        "id": format!("{}/deployments/{}", r.id, d.name), "name": d.name,
        "type": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
        "properties": {
            "description": "churn model", "properties": {},
            "codeConfiguration": {"codeId": format!("{}/codes/score/versions/1", r.id.parent().map(|p| p.to_string()).unwrap_or_default()), "scoringScript": "score.py"},
            "environmentId": "azureml://registries/azureml/environments/sklearn-1.5/versions/1",
            "environmentVariables": {},
            "scaleSettings": {"scaleType": "Default"},
            "requestSettings": {"maxQueueWait": "PT0.5S", "requestTimeout": "PT5S", "maxConcurrentRequestsPerInstance": 1},
            "modelMountPath": "/var/azureml-app/models",
            "appInsightsEnabled": true,
            "livenessProbe": {"failureThreshold": 30, "successThreshold": 1, "timeout": "PT2S", "period": "PT10S", "initialDelay": "PT10S"},
            "provisioningState": d.provisioning, "instanceType": d.instance_type,
            "model": "azureml:churn-model:7", "endpointComputeType": "Managed"
        },
        "systemData": system_data(), "tags": {}, "location": r.home.as_str(), "kind": "Managed",
        "identity": identity(), "sku": {"name": "Default", "tier": "Standard", "size": "Default", "family": "Managed", "capacity": d.capacity}
    })
}

/// An ACR replication.
pub fn replication(world: &World, r: &Resource, region: &Region, enabled: bool) -> Value {
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

/// Resource Health's current availability of resource `i`.
pub fn availability(world: &World, i: usize) -> Value {
    let r = &world.resources[i];
    let (state, title, summary) = world.availability(i);
    let now = rfc3339(world.now());
    let since = world
        .regions
        .get(&world.serving_region(i))
        .and_then(|s| s.since)
        .map(rfc3339)
        .unwrap_or_else(|| CREATED.to_string());
    let mut props = json!({
        "availabilityState": state, "title": title, "summary": summary,
        "reasonType": if state == "Available" { "" } else { "Unplanned" },
        "context": if state == "Available" { "" } else { "Platform Initiated" },
        "category": if state == "Available" { "" } else { "Unplanned" },
        "reasonChronicity": if state == "Available" { "Persistent" } else { "Transient" },
        "detailedStatus": summary, "occuredTime": since, "reportedTime": now,
        "recommendedActions": [
            {"action": "Check Azure Service Health for incidents in this region", "actionUrl": "<#ServiceHealth>", "actionUrlText": "Service Health"}
        ]
    });
    let m: &mut Map<String, Value> = props.as_object_mut().expect("object");
    if state != "Available" {
        m.insert("rootCauseAttributionTime".into(), json!(since));
        m.insert("resolutionETA".into(), Value::Null);
    } else if let Some(inc) = recently_resolved(world, i) {
        // An outage of the serving region that ended within the last day.
        m.insert(
            "recentlyResolved".into(),
            json!({
                "unavailableOccuredTime": rfc3339(inc.started),
                "resolvedTime": inc.mitigated.map(rfc3339),
                "unavailableSummary": format!("An Azure service issue in {} made this resource unavailable.", inc.region.display_name()),
            }),
        );
    }
    json!({
        "id": format!("{}/providers/Microsoft.ResourceHealth/availabilityStatuses/current", r.id),
        "name": "current", "type": "Microsoft.ResourceHealth/AvailabilityStatuses",
        "location": world.serving_region(i).as_str(), "properties": props
    })
}

/// The latest outage (Critical incident) of resource `i`'s serving region that was mitigated in
/// the last 24 hours of simulated time, for Resource Health's `recentlyResolved`.
fn recently_resolved(world: &World, i: usize) -> Option<&Incident> {
    let region = world.serving_region(i);
    let now = world.now();
    world
        .incidents
        .iter()
        .filter(|inc| inc.region == region && inc.level == "Critical")
        .filter(|inc| {
            inc.mitigated
                .is_some_and(|m| now - m <= time::Duration::hours(24))
        })
        .max_by_key(|inc| inc.mitigated)
}

/// The Service Health events of the subscription.
pub fn events(world: &World) -> Value {
    let value: Vec<Value> = world.incidents.iter().map(|inc| {
        let status = if inc.mitigated.is_some() { "Resolved" } else { "Active" };
        json!({
            "id": format!("/providers/Microsoft.ResourceHealth/events/{}", inc.tracking_id),
            "name": inc.tracking_id, "type": "/providers/Microsoft.ResourceHealth/events",
            "properties": {
                "eventType": "ServiceIssue", "eventSource": "ServiceHealth", "status": status,
                "title": inc.title,
                "summary": format!("Starting at {} UTC, customers in {} may experience failures or high latency across multiple services.",
                    rfc3339(inc.started), inc.region.display_name()),
                "header": "Your service might have been impacted by an Azure service issue",
                "article": {"articleContent": format!("<p>{}</p>", inc.title)},
                "links": [],
                "level": if inc.level == "Critical" { "Critical" } else { "Warning" },
                "eventLevel": inc.level,
                "impactStartTime": rfc3339(inc.started),
                "impactMitigationTime": inc.mitigated.map(rfc3339),
                "impact": [{
                    "impactedService": "Multiple Services", "impactedServiceGuid": "00000000-0000-0000-0000-000000000001",
                    "impactedRegions": [{"impactedRegion": inc.region.display_name(), "status": status,
                        "impactedSubscriptions": [world.subscription], "impactedTenants": [],
                        "lastUpdateTime": rfc3339(inc.mitigated.unwrap_or(inc.started))}]
                }],
                "recommendedActions": {"message": "Consider failing over to your disaster-recovery region", "actions": [], "localeCode": "en"},
                "faqs": [], "isHIR": false, "enableMicrosoftSupport": true, "enableChatWithUs": false,
                "priority": if inc.level == "Critical" { 1 } else { 10 },
                "lastUpdateTime": rfc3339(inc.mitigated.unwrap_or(inc.started)),
                "hirStage": if inc.mitigated.is_some() { "resolved" } else { "active" }
            }
        })
    }).collect();
    json!({ "value": value })
}
