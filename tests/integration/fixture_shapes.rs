//! The simulator's ARM answers, checked over real HTTP against Microsoft's own x-ms-examples
//! (`../shared/fixtures/arm-examples/*.json`, provenance in its SOURCES.md).
//!
//! For every fixture of an operation the simulator answers, the matching request is sent to a
//! fresh in-process simulator and its JSON must have the fixture body's *shape*: recursively,
//! every key of the fixture body is present in the simulator's body with a compatible JSON type
//! (null on either side is compatible with anything; of arrays, the first elements are compared
//! when both are non-empty; maps whose keys are data rather than schema are compared as
//! "object" only). Status codes and long-running-operation headers are checked against the
//! fixture too, and mutations are followed to their final state.
//!
//! Azure Resource Graph (`resourcegraph-*.json`): the examples' requests are sent with a query
//! that matches the demo's resources (`name contains 'contoso'`, not `'test'`), so that the
//! pages hold rows to compare.
//!
//! The few fixture fields the simulator deliberately leaves out are listed, with the reason for
//! each, in `OMITTED` below; an entry that no longer matches anything fails the test, so the
//! list cannot go stale. A shape mismatch is fixed in `src/sim/render.rs`, not here.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use azfailover::config::Config;
use serde_json::{Value, json};

use crate::common;
use common::*;

/// Simulated seconds per real second: the longest operation (a 30-minute planned storage
/// failover) takes under half a second.
const SCALE: f64 = 5000.0;
/// The subscription of `config.example.toml` (the only configuration with a Front Door).
const EXAMPLE_SUB: &str = "00000000-0000-0000-0000-000000000000";

/// A fixture path the simulator deliberately does not produce (missing, or a different type).
struct Omission {
    fixture: &'static str,
    /// `$` is the body; `.key` descends into an object, `[]` into an array's first element.
    path: &'static str,
    why: &'static str,
}

const OMITTED: &[Omission] = &[
    // --- pagination -----------------------------------------------------------------------
    Omission {
        fixture: "aml-computes-list.json",
        path: "$.nextLink",
        why: "a list that fits in one page has no nextLink (ARM: absent or null = last page)",
    },
    Omission {
        fixture: "aml-online-deployments-list.json",
        path: "$.nextLink",
        why: "a list that fits in one page has no nextLink",
    },
    Omission {
        fixture: "resourcehealth-events-list-by-subscription.json",
        path: "$.nextLink",
        why: "a list that fits in one page has no nextLink",
    },
    Omission {
        fixture: "aml-readiness/aml-datastores-list.json",
        path: "$.nextLink",
        why: "a list that fits in one page has no nextLink (smaller $top pages: tests/sim_http.rs)",
    },
    Omission {
        fixture: "aml-readiness/privatedns-virtual-network-links-list.json",
        path: "$.nextLink",
        why: "a list that fits in one page has no nextLink (one link per region)",
    },
    // --- Azure ML ---------------------------------------------------------------------------
    Omission {
        fixture: "aml-computes-list.json",
        path: "$.value[].properties.resourceId",
        why: "the example lists attached AKS computes (resourceId = the cluster); the simulator's \
              computes are AmlCompute clusters, which have no underlying ARM resource",
    },
    Omission {
        fixture: "aml-online-endpoint-get.json",
        path: "$.properties.compute",
        why: "only Kubernetes online endpoints name a compute; ours are managed endpoints",
    },
    Omission {
        fixture: "aml-online-endpoint-put.json",
        path: "$.properties.compute",
        why: "only Kubernetes online endpoints name a compute; ours are managed endpoints",
    },
    Omission {
        fixture: "aml-online-endpoint-patch.json",
        path: "$.properties.compute",
        why: "only Kubernetes online endpoints name a compute; ours are managed endpoints",
    },
    Omission {
        fixture: "aml-online-deployments-list.json",
        path: "$.value[].properties.containerResourceRequirements",
        why: "Kubernetes-only (endpointComputeType Kubernetes); managed deployments size by instanceType",
    },
    Omission {
        fixture: "aml-readiness/aml-workspace-outbound-rules-list.json",
        path: "$.value[].properties.errorInformation",
        why: "present only on a rule that failed to apply; the simulated rules apply (a \
              managed-network drift makes them Inactive, not failed)",
    },
    // --- Azure ML readiness: Microsoft.Network ---------------------------------------------
    Omission {
        fixture: "aml-readiness/network-private-endpoint-get.json",
        path: "$.properties.privateLinkServiceConnections[].properties.requestMessage",
        why: "the message a manual-approval request carries; the simulated connections are \
              auto-approved",
    },
    // --- others -------------------------------------------------------------------------------
    Omission {
        fixture: "appinsights-component-get.json",
        path: "$.tags",
        why: "upstream quirk: the example's tags is the string \"\"; ARM's tags is a map",
    },
    Omission {
        fixture: "cosmos-database-account-get.json",
        path: "$.properties.backupPolicy.migrationState",
        why: "present only while a backup policy migrates from Periodic to Continuous",
    },
    Omission {
        fixture: "sql-failover-group-get.json",
        path: "$.properties.readWriteEndpoint.failoverWithDataLossGracePeriodMinutes",
        why: "required with the Automatic policy and omitted with Manual, which we simulate",
    },
    Omission {
        fixture: "sql-failover-group-failover.json",
        path: "$.properties.readWriteEndpoint.failoverWithDataLossGracePeriodMinutes",
        why: "required with the Automatic policy and omitted with Manual, which we simulate",
    },
    Omission {
        fixture: "sql-failover-group-force-failover-allow-data-loss.json",
        path: "$.properties.readWriteEndpoint.failoverWithDataLossGracePeriodMinutes",
        why: "required with the Automatic policy and omitted with Manual, which we simulate",
    },
    Omission {
        fixture: "sql-failover-group-try-planned-before-forced.json",
        path: "$.properties.readWriteEndpoint.failoverWithDataLossGracePeriodMinutes",
        why: "required with the Automatic policy and omitted with Manual, which we simulate",
    },
    Omission {
        fixture: "storage-get-geo-replication-stats.json",
        path: "$.properties.routingPreference",
        why: "present only when a network routing preference is configured",
    },
    Omission {
        fixture: "storage-get-geo-replication-stats.json",
        path: "$.properties.primaryEndpoints.microsoftEndpoints",
        why: "published only with routingPreference.publishMicrosoftEndpoints",
    },
    Omission {
        fixture: "storage-get-geo-replication-stats.json",
        path: "$.properties.primaryEndpoints.internetEndpoints",
        why: "published only with routingPreference.publishInternetEndpoints",
    },
    Omission {
        fixture: "postgres-flex-promote-replica-planned-switchover.json",
        path: "$.properties.network.delegatedSubnetResourceId",
        why: "VNet-integrated servers only; ours use private endpoints (publicNetworkAccess Disabled)",
    },
    Omission {
        fixture: "postgres-flex-promote-replica-planned-switchover.json",
        path: "$.properties.network.privateDnsZoneArmResourceId",
        why: "VNet-integrated servers only",
    },
    Omission {
        fixture: "postgres-flex-promote-replica-forced-standalone.json",
        path: "$.properties.network.delegatedSubnetResourceId",
        why: "VNet-integrated servers only; ours use private endpoints (publicNetworkAccess Disabled)",
    },
    Omission {
        fixture: "postgres-flex-promote-replica-forced-standalone.json",
        path: "$.properties.network.privateDnsZoneArmResourceId",
        why: "VNet-integrated servers only",
    },
    Omission {
        fixture: "postgres-flex-promote-replica-forced-standalone.json",
        path: "$.properties.highAvailability.standbyAvailabilityZone",
        why: "a promoted read replica has no high availability (replicas cannot have it and \
              promotion does not enable it); the example's server had it",
    },
];

/// Keys whose value is a map keyed by data (deployment names, tag names, identity ids…).
const DATA_MAP_KEYS: &[&str] = &[
    "traffic",
    "tags",
    "userAssignedIdentities",
    "environmentVariables",
    "LinkedStorages",
    "flavors",
];

/// Whether the object at `path` of `fixture` is a data map (compared as "object" only).
fn is_data_map(fixture: &str, path: &str) -> bool {
    let key = path.rsplit(['.', '[']).next().unwrap_or_default();
    if DATA_MAP_KEYS.contains(&key) {
        return true;
    }
    // The free-form `properties` bag of AML online endpoints and deployments (for computes,
    // properties.properties is schema: the AmlCompute properties).
    let file = fixture.rsplit('/').next().unwrap_or(fixture);
    (file.starts_with("aml-online-") || file.ends_with("-version-get.json"))
        && matches!(
            path,
            "$.properties.properties" | "$.value[].properties.properties"
        )
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn compare(
    fixture: &str,
    fx: &Value,
    sim: &Value,
    path: &str,
    problems: &mut Vec<(String, String)>,
) {
    if fx.is_null() || sim.is_null() {
        return;
    }
    if json_type(fx) != json_type(sim) {
        problems.push((
            path.to_string(),
            format!(
                "fixture has {}, simulator has {} ({sim})",
                json_type(fx),
                json_type(sim)
            ),
        ));
        return;
    }
    match (fx, sim) {
        (Value::Object(f), Value::Object(s)) => {
            if is_data_map(fixture, path) {
                return;
            }
            for (k, v) in f {
                let p = format!("{path}.{k}");
                match s.get(k) {
                    Some(sv) => compare(fixture, v, sv, &p, problems),
                    None => problems.push((p, format!("missing (fixture value: {v})"))),
                }
            }
        }
        (Value::Array(f), Value::Array(s)) => {
            if let (Some(a), Some(b)) = (f.first(), s.first()) {
                compare(fixture, a, b, &format!("{path}[]"), problems);
            }
        }
        _ => {}
    }
}

/// Asserts that `sim` has the shape of `fx` (the body of `fixture`), minus `OMITTED`.
fn assert_shape(fixture: &str, fx: &Value, sim: &Value) {
    let mut problems = Vec::new();
    compare(fixture, fx, sim, "$", &mut problems);
    let omitted: Vec<&Omission> = OMITTED.iter().filter(|o| o.fixture == fixture).collect();
    let unexpected: Vec<String> = problems
        .iter()
        .filter(|(p, _)| !omitted.iter().any(|o| o.path == p))
        .map(|(p, what)| format!("  {p}: {what}"))
        .collect();
    let stale: Vec<String> = omitted
        .iter()
        .filter(|o| !problems.iter().any(|(p, _)| p == o.path))
        .map(|o| {
            format!(
                "  {} ({}) now matches: remove it from OMITTED",
                o.path, o.why
            )
        })
        .collect();
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "simulator JSON does not have the shape of {fixture}:\n{}{}\nsimulator body:\n{}",
        unexpected.join("\n"),
        stale.join("\n"),
        serde_json::to_string_pretty(sim).unwrap()
    );
}

// ---- fixtures ---------------------------------------------------------------------------------

fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures/arm-examples")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading fixture {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("parsing fixture {}: {e}", path.display()))
}

/// A fixture's api-version, sent with its request.
fn api_version(fx: &Value) -> &str {
    fx["parameters"]["api-version"]
        .as_str()
        .expect("fixture has an api-version")
}

/// The body a fixture documents for `status`.
fn fixture_body(fx: &Value, status: u16) -> &Value {
    let body = &fx["responses"][status.to_string()]["body"];
    assert!(!body.is_null(), "the fixture has no body for {status}");
    body
}

/// The statuses a fixture documents.
fn statuses(fx: &Value) -> Vec<u16> {
    fx["responses"]
        .as_object()
        .expect("responses")
        .keys()
        .map(|k| k.parse().expect("numeric status"))
        .collect()
}

const MONITORS: [&str; 2] = ["azure-asyncoperation", "location"];

/// Checks a response's status is one the fixture documents and, when the fixture records headers
/// for that status, that the response carries exactly the same monitor headers (absolute URLs).
fn assert_status_and_monitors(name: &str, fx: &Value, r: &Resp) {
    assert!(
        statuses(fx).contains(&r.status),
        "{name}: the simulator answered {} ({}); the fixture documents {:?}",
        r.status,
        r.json,
        statuses(fx)
    );
    let documented = fx["responses"][r.status.to_string()]["headers"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let want: Vec<String> = documented
        .keys()
        .map(|k| k.to_ascii_lowercase())
        .filter(|k| MONITORS.contains(&k.as_str()))
        .collect();
    let have: Vec<String> = MONITORS
        .iter()
        .filter(|m| r.headers.contains_key(**m))
        .map(|m| m.to_string())
        .collect();
    if !want.is_empty() || r.status == 202 {
        let mut want_sorted = want.clone();
        want_sorted.sort();
        let mut have_sorted = have.clone();
        have_sorted.sort();
        if !want.is_empty() {
            assert_eq!(
                have_sorted, want_sorted,
                "{name}: monitor headers of the {} answer",
                r.status
            );
        } else {
            assert!(!have.is_empty(), "{name}: a 202 needs a monitor header");
        }
    }
    for m in &have {
        let url = r.header(m).unwrap();
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "{name}: {m} must be an absolute URL: {url}"
        );
        assert!(
            url.contains("api-version="),
            "{name}: {m} must carry an api-version: {url}"
        );
    }
}

// ---- a simulator over HTTP --------------------------------------------------------------------

fn regional(region: &str, provider_path: &str) -> String {
    rid(&format!("rg-contoso-ml-{region}"), provider_path)
}

fn endpoint(region: &str) -> String {
    format!("{}/onlineEndpoints/churn-{region}", workspace(region))
}

/// `/subscriptions/{demo}/providers/Microsoft.MachineLearningServices/locations/{region}/{what}`.
fn aml_location(region: &str, what: &str) -> String {
    let ws = workspace(region);
    let sub = ws.split('/').nth(2).unwrap_or_default();
    format!(
        "/subscriptions/{sub}/providers/Microsoft.MachineLearningServices/locations/{region}/{what}"
    )
}

fn origin_group() -> String {
    format!(
        "/subscriptions/{EXAMPLE_SUB}/resourceGroups/rg-ml-global/providers/Microsoft.Cdn/profiles/afd-ml/originGroups/scoring"
    )
}

impl Sim {
    /// The demo deployment (assets/demo.toml).
    async fn demo() -> Sim {
        Sim::with_config(&Config::demo(), SCALE).await
    }

    /// config.example.toml: every kind, Front Door and MySQL included.
    async fn example() -> Sim {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
        let text = std::fs::read_to_string(&path).expect("config.example.toml");
        let cfg = Config::parse(&text, "config.example.toml")
            .expect("the example configuration is valid");
        Sim::with_config(&cfg, SCALE).await
    }

    /// Sends an ARM request; `target` is a path (api-version and `query` are appended) or an
    /// absolute monitor URL (sent as is).
    async fn call_api(
        &self,
        method: &str,
        target: &str,
        api: &str,
        query: &str,
        body: Option<Value>,
    ) -> Resp {
        let url = if target.starts_with("http") {
            target.to_string()
        } else {
            format!("{}{target}?api-version={api}{query}", self.server.url())
        };
        let mut req = self
            .http
            .request(method.parse().unwrap(), &url)
            .bearer_auth("x");
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_default();
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{method} {url}: not JSON ({e}): {text}"))
        };
        Resp {
            status,
            headers,
            json,
        }
    }

    /// GET with the fixture's api-version; asserts 200.
    async fn get_api(&self, path: &str, api: &str, query: &str) -> Value {
        let r = self.call_api("GET", path, api, query, None).await;
        assert_eq!(r.status, 200, "GET {path}: {}", r.json);
        r.json
    }

    /// A control-API fault (CONTRACT.md's `POST /_sim/faults`).
    async fn fault(&self, f: Value) {
        let r = self
            .http
            .post(format!("{}/_sim/faults", self.server.url()))
            .json(&f)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            200,
            "fault {f}: {}",
            r.text().await.unwrap_or_default()
        );
    }

    /// Follows a started LRO to its end: the Azure-AsyncOperation monitor (when present) must
    /// reach Succeeded; the Location monitor (when present) is then followed to its final answer,
    /// which is returned (None for an Azure-AsyncOperation-only operation).
    async fn finish(&self, started: &Resp) -> Option<Resp> {
        let deadline = Instant::now() + Duration::from_secs(30);
        if let Some(url) = started.header("azure-asyncoperation") {
            loop {
                assert!(
                    Instant::now() < deadline,
                    "the operation did not finish in time"
                );
                let r = self.call_api("GET", url, "", "", None).await;
                assert_eq!(r.status, 200, "Azure-AsyncOperation monitor: {}", r.json);
                for key in ["id", "name", "status", "startTime"] {
                    assert!(
                        r.json.get(key).is_some(),
                        "operation status lacks {key}: {}",
                        r.json
                    );
                }
                match r.json["status"].as_str() {
                    Some("InProgress") => tokio::time::sleep(Duration::from_millis(25)).await,
                    Some("Succeeded") => {
                        assert!(
                            r.json.get("endTime").is_some(),
                            "a finished operation has an endTime: {}",
                            r.json
                        );
                        break;
                    }
                    _ => panic!("the operation failed: {}", r.json),
                }
            }
        }
        let mut url = started.header("location")?.to_string();
        loop {
            assert!(
                Instant::now() < deadline,
                "the operation did not finish in time"
            );
            let r = self.call_api("GET", &url, "", "", None).await;
            if r.status != 202 {
                assert!(
                    r.status == 200 || r.status == 204,
                    "Location monitor answered {}: {}",
                    r.status,
                    r.json
                );
                return Some(r);
            }
            if let Some(next) = r.header("location") {
                url = next.to_string();
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

/// GET `path` and compare it with the 200 body of `name`.
async fn check_get(sim: &Sim, name: &str, path: &str, query: &str) -> Value {
    let fx = fixture(name);
    let body = sim.get_api(path, api_version(&fx), query).await;
    assert_shape(name, fixture_body(&fx, 200), &body);
    body
}

// ---- reads ----------------------------------------------------------------------------------

/// A plain read: the request for a fixture, against the demo (or, for Front Door, the
/// example configuration), whose answer must have the fixture's shape.
struct Read {
    fixture: &'static str,
    example: bool,
    path: fn() -> String,
    query: &'static str,
}

/// Every fixture that a plain read covers.
const READS: &[Read] = &[
    Read {
        fixture: "acr-registry-get.json",
        example: false,
        path: || {
            rid(
                "rg-contoso-ml-global",
                "Microsoft.ContainerRegistry/registries/acrcontosoml",
            )
        },
        query: "",
    },
    Read {
        fixture: "acr-replications-list.json",
        example: false,
        path: || {
            rid(
                "rg-contoso-ml-global",
                "Microsoft.ContainerRegistry/registries/acrcontosoml/replications",
            )
        },
        query: "",
    },
    Read {
        fixture: "aml-workspace-get.json",
        example: false,
        path: || workspace("eastus"),
        query: "",
    },
    Read {
        fixture: "aml-compute-get-amlcompute.json",
        example: false,
        path: || format!("{}/computes/gpu-train", workspace("eastus")),
        query: "",
    },
    Read {
        fixture: "aml-computes-list.json",
        example: false,
        path: || format!("{}/computes", workspace("eastus")),
        query: "",
    },
    Read {
        fixture: "aml-online-endpoint-get.json",
        example: false,
        path: || endpoint("eastus"),
        query: "",
    },
    Read {
        fixture: "aml-online-deployments-list.json",
        example: false,
        path: || format!("{}/deployments", endpoint("eastus")),
        query: "",
    },
    Read {
        fixture: "aml-readiness/aml-datastores-list.json",
        example: false,
        path: || format!("{}/datastores", workspace("westus")),
        query: "",
    },
    Read {
        fixture: "aml-readiness/aml-datastore-get.json",
        example: false,
        path: || format!("{}/datastores/training_data", workspace("westus")),
        query: "",
    },
    Read {
        fixture: "aml-readiness/aml-model-version-get.json",
        example: false,
        path: || format!("{}/models/churn-model/versions/7", workspace("westus")),
        query: "",
    },
    Read {
        fixture: "aml-readiness/aml-environment-version-get.json",
        example: false,
        path: || format!("{}/environments/churn-env/versions/3", workspace("westus")),
        query: "",
    },
    Read {
        fixture: "aml-readiness/aml-registry-get.json",
        example: false,
        path: || {
            regional(
                "eastus",
                "Microsoft.MachineLearningServices/registries/mlr-contoso-ml",
            )
        },
        query: "",
    },
    Read {
        fixture: "aml-readiness/aml-registry-model-version-get.json",
        example: false,
        path: || {
            regional(
                "eastus",
                "Microsoft.MachineLearningServices/registries/mlr-contoso-ml/models/churn-model/versions/7",
            )
        },
        query: "",
    },
    Read {
        fixture: "aml-readiness/aml-online-deployment-get.json",
        example: false,
        path: || format!("{}/deployments/blue", endpoint("eastus")),
        query: "",
    },
    Read {
        fixture: "aml-readiness/aml-usages-list.json",
        example: false,
        path: || aml_location("westus", "usages"),
        query: "",
    },
    Read {
        fixture: "aml-readiness/aml-vmsizes-list.json",
        example: false,
        path: || aml_location("westus", "vmSizes"),
        query: "",
    },
    Read {
        fixture: "aml-readiness/authorization-role-assignments-list-for-scope.json",
        example: false,
        path: || {
            format!(
                "{}/providers/Microsoft.Authorization/roleAssignments",
                workspace("westus")
            )
        },
        query: "&$filter=atScope()",
    },
    Read {
        fixture: "aml-readiness/aml-workspace-private-endpoint-connections-list.json",
        example: false,
        path: || format!("{}/privateEndpointConnections", workspace("westus")),
        query: "",
    },
    Read {
        fixture: "aml-readiness/network-private-endpoint-get.json",
        example: false,
        path: || {
            regional(
                "westus",
                "Microsoft.Network/privateEndpoints/pe-mlw-contoso-westus",
            )
        },
        query: "",
    },
    Read {
        fixture: "aml-readiness/privatedns-virtual-network-links-list.json",
        example: false,
        path: || {
            regional(
                "eastus",
                "Microsoft.Network/privateDnsZones/privatelink.api.azureml.ms/virtualNetworkLinks",
            )
        },
        query: "",
    },
    Read {
        fixture: "appinsights-component-get.json",
        example: false,
        path: || {
            regional(
                "eastus",
                "Microsoft.Insights/components/appi-contoso-eastus",
            )
        },
        query: "",
    },
    Read {
        fixture: "cosmos-database-account-get.json",
        example: false,
        path: cosmos_id,
        query: "",
    },
    Read {
        fixture: "keyvault-vault-get.json",
        example: false,
        path: || {
            rid(
                "rg-contoso-ml-global",
                "Microsoft.KeyVault/vaults/kv-contoso-ml",
            )
        },
        query: "",
    },
    Read {
        fixture: "trafficmanager-profile-get.json",
        example: false,
        path: || {
            rid(
                "rg-contoso-ml-global",
                "Microsoft.Network/trafficManagerProfiles/tm-contoso-scoring",
            )
        },
        query: "",
    },
    Read {
        fixture: "frontdoor-origin-group-get.json",
        example: true,
        path: origin_group,
        query: "",
    },
    Read {
        fixture: "frontdoor-origins-list.json",
        example: true,
        path: || format!("{}/origins", origin_group()),
        query: "",
    },
];

/// Fixtures with a test of their own (state to set up first, or more to check), by test.
const OWN_TESTS: &[(&str, &str)] = &[
    ("aks-managed-cluster-get.json", "aks_managed_cluster_get"),
    (
        "postgres-flex-replicas-list.json",
        "postgres_flex_replicas_list",
    ),
    (
        "sql-failover-group-get.json",
        "sql_failover_group_get_on_both_servers",
    ),
    (
        "storage-get-geo-replication-stats.json",
        "storage_get_geo_replication_stats",
    ),
    (
        "resourcehealth-availability-current.json",
        "resourcehealth_availability_current",
    ),
    (
        "resourcehealth-availability-list-by-rg.json",
        "resourcehealth_availability_list_by_rg",
    ),
    (
        "resourcehealth-events-list-by-subscription.json",
        "resourcehealth_events_list_by_subscription",
    ),
    ("storage-failover.json", "storage_failover_unplanned"),
    ("storage-failover-planned.json", "storage_failover_planned"),
    (
        "sql-failover-group-failover.json",
        "sql_failover_group_failover",
    ),
    (
        "sql-failover-group-force-failover-allow-data-loss.json",
        "sql_failover_group_force_failover_allow_data_loss",
    ),
    (
        "sql-failover-group-try-planned-before-forced.json",
        "sql_failover_group_try_planned_before_forced",
    ),
    (
        "cosmos-failover-priority-change.json",
        "cosmos_failover_priority_change",
    ),
    ("cosmos-offline-region.json", "cosmos_offline_region"),
    ("cosmos-online-region.json", "cosmos_online_region"),
    ("aks-managed-cluster-stop.json", "aks_managed_cluster_stop"),
    ("aml-compute-patch-scale.json", "aml_compute_patch_scale"),
    ("aml-online-endpoint-put.json", "aml_online_endpoint_put"),
    (
        "aml-online-endpoint-patch.json",
        "aml_online_endpoint_patch",
    ),
    (
        "trafficmanager-endpoint-patch.json",
        "trafficmanager_endpoint_patch",
    ),
    ("frontdoor-origin-patch.json", "frontdoor_origin_patch"),
    (
        "postgres-flex-promote-replica-planned-switchover.json",
        "postgres_flex_promote_replica_planned_switchover",
    ),
    (
        "postgres-flex-promote-replica-forced-standalone.json",
        "postgres_flex_promote_replica_forced_standalone",
    ),
    (
        "aml-readiness/aml-workspace-outbound-rules-list.json",
        "aml_workspace_outbound_rules_list",
    ),
    (
        "resourcegraph-query-first-page.json",
        "resourcegraph_query_pages",
    ),
    (
        "resourcegraph-query-next-page.json",
        "resourcegraph_query_pages",
    ),
    ("resourcegraph-query.json", "resourcegraph_query_basic"),
];

#[tokio::test]
async fn plain_reads_have_the_fixture_shapes() {
    for r in READS {
        let sim = if r.example {
            Sim::example().await
        } else {
            Sim::demo().await
        };
        check_get(&sim, r.fixture, &(r.path)(), r.query).await;
    }
}

#[tokio::test]
async fn aks_managed_cluster_get() {
    let sim = Sim::demo().await;
    let body = check_get(&sim, "aks-managed-cluster-get.json", &aks("eastus"), "").await;
    // The upstream example carries no powerState; ARM-API.md §8: the simulator must emit it.
    assert_eq!(body["properties"]["powerState"]["code"], "Running");
}

#[tokio::test]
async fn postgres_flex_replicas_list() {
    let sim = Sim::demo().await;
    let path = format!("{}/replicas", pg("eastus"));
    let body = check_get(&sim, "postgres-flex-replicas-list.json", &path, "").await;
    assert_eq!(
        body["value"][0]["properties"]["replica"]["role"],
        "AsyncReplica"
    );
}

#[tokio::test]
async fn sql_failover_group_get_on_both_servers() {
    let sim = Sim::demo().await;
    let primary = check_get(
        &sim,
        "sql-failover-group-get.json",
        &sql_fg("sql-contoso-eastus"),
        "",
    )
    .await;
    assert_eq!(primary["properties"]["replicationRole"], "Primary");
    let secondary = check_get(
        &sim,
        "sql-failover-group-get.json",
        &sql_fg("sql-contoso-westus"),
        "",
    )
    .await;
    assert_eq!(secondary["properties"]["replicationRole"], "Secondary");
}

#[tokio::test]
async fn storage_get_geo_replication_stats() {
    let sim = Sim::demo().await;
    let body = check_get(
        &sim,
        "storage-get-geo-replication-stats.json",
        &storage_id(),
        "&$expand=geoReplicationStats",
    )
    .await;
    // Without the $expand, no geoReplicationStats (ARM-API.md §4).
    let plain = sim.get_api(&storage_id(), "2025-01-01", "").await;
    assert!(plain["properties"].get("geoReplicationStats").is_none());
    assert!(body["properties"]["geoReplicationStats"]["canFailover"].is_boolean());
}

#[tokio::test]
async fn resourcehealth_availability_current() {
    let sim = Sim::demo().await;
    // The example is of an Unavailable resource, whose properties include the root-cause time
    // and resolution ETA: compare in that state.
    sim.fault(json!({"kind": "region-outage", "region": "eastus"}))
        .await;
    let path = format!(
        "{}/providers/Microsoft.ResourceHealth/availabilityStatuses/current",
        aks("eastus")
    );
    let body = check_get(
        &sim,
        "resourcehealth-availability-current.json",
        &path,
        "&$expand=recommendedactions",
    )
    .await;
    assert_eq!(body["properties"]["availabilityState"], "Unavailable");
}

#[tokio::test]
async fn resourcehealth_availability_list_by_rg() {
    let sim = Sim::demo().await;
    // The example's first item is Available with a recentlyResolved annotation: an outage that
    // has ended. $top=1 makes the list page, so nextLink is there as in the example.
    sim.fault(json!({"kind": "region-outage", "region": "eastus"}))
        .await;
    sim.fault(json!({"kind": "region-recover", "region": "eastus"}))
        .await;
    let path = format!(
        "/subscriptions/{SUB}/resourceGroups/rg-contoso-ml-eastus/providers/Microsoft.ResourceHealth/availabilityStatuses"
    );
    let body = check_get(
        &sim,
        "resourcehealth-availability-list-by-rg.json",
        &path,
        "&$expand=recommendedactions&$top=1",
    )
    .await;
    assert_eq!(
        body["value"][0]["properties"]["availabilityState"],
        "Available"
    );
    let next = body["nextLink"].as_str().expect("nextLink");
    let page2 = sim.call_api("GET", next, "", "", None).await;
    assert_eq!(page2.status, 200, "{}", page2.json);
    assert_shape(
        "resourcehealth-availability-list-by-rg.json",
        fixture_body(&fixture("resourcehealth-availability-list-by-rg.json"), 200),
        &page2.json,
    );
}

#[tokio::test]
async fn resourcehealth_events_list_by_subscription() {
    let sim = Sim::demo().await;
    sim.fault(json!({"kind": "region-outage", "region": "eastus", "title": "Multiple services in East US"})).await;
    let path = format!("/subscriptions/{SUB}/providers/Microsoft.ResourceHealth/events");
    let body = check_get(
        &sim,
        "resourcehealth-events-list-by-subscription.json",
        &path,
        "&queryStartTime=7/24/2020",
    )
    .await;
    let event = &body["value"][0]["properties"];
    assert_eq!(event["eventType"], "ServiceIssue");
    assert_eq!(
        event["impact"][0]["impactedRegions"][0]["impactedRegion"],
        "East US"
    );
}

// ---- actions --------------------------------------------------------------------------------

/// Storage failover: 202 + Location only, polled to a bodiless 200.
async fn storage_failover(name: &str, query: &str) -> Sim {
    let sim = Sim::demo().await;
    let fx = fixture(name);
    let path = format!("{}/failover", storage_id());
    let r = sim
        .call_api("POST", &path, api_version(&fx), query, None)
        .await;
    assert_eq!(r.status, 202, "{}", r.json);
    assert_status_and_monitors(name, &fx, &r);
    let done = sim.finish(&r).await.expect("a Location monitor");
    assert!(
        statuses(&fx).contains(&done.status),
        "final answer {}",
        done.status
    );
    assert!(
        done.json.is_null(),
        "the fixture's final 200 has no body: {}",
        done.json
    );
    sim
}

#[tokio::test]
async fn storage_failover_unplanned() {
    let sim = storage_failover("storage-failover.json", "").await;
    let after = sim.get_api(&storage_id(), "2025-01-01", "").await;
    assert_eq!(after["properties"]["primaryLocation"], "westus");
    assert!(after["properties"]["lastGeoFailoverTime"].is_string());
}

#[tokio::test]
async fn storage_failover_planned() {
    let sim = storage_failover("storage-failover-planned.json", "&failoverType=Planned").await;
    // After a planned failover the account is still geo-redundant: the full shape holds.
    let after = check_get(
        &sim,
        "storage-get-geo-replication-stats.json",
        &storage_id(),
        "&$expand=geoReplicationStats",
    )
    .await;
    assert_eq!(after["properties"]["primaryLocation"], "westus");
    assert_eq!(after["properties"]["secondaryLocation"], "eastus");
}

/// SQL failover actions: POST on the secondary server's group, followed to the group's body.
async fn sql_failover(name: &str, action: &str) {
    let sim = Sim::demo().await;
    let fx = fixture(name);
    let path = format!("{}/{action}", sql_fg("sql-contoso-westus"));
    let r = sim
        .call_api("POST", &path, api_version(&fx), "", None)
        .await;
    assert_status_and_monitors(name, &fx, &r);
    let body = if r.status == 202 {
        let done = sim.finish(&r).await.expect("a Location monitor");
        assert_eq!(done.status, 200);
        done.json
    } else {
        r.json
    };
    assert_shape(name, fixture_body(&fx, 200), &body);
    assert_eq!(body["properties"]["replicationRole"], "Primary");
    assert_eq!(
        body["properties"]["partnerServers"][0]["replicationRole"],
        "Secondary"
    );
    let old = check_get(
        &sim,
        "sql-failover-group-get.json",
        &sql_fg("sql-contoso-eastus"),
        "",
    )
    .await;
    assert_eq!(old["properties"]["replicationRole"], "Secondary");
}

#[tokio::test]
async fn sql_failover_group_failover() {
    sql_failover("sql-failover-group-failover.json", "failover").await;
}

#[tokio::test]
async fn sql_failover_group_force_failover_allow_data_loss() {
    sql_failover(
        "sql-failover-group-force-failover-allow-data-loss.json",
        "forceFailoverAllowDataLoss",
    )
    .await;
}

#[tokio::test]
async fn sql_failover_group_try_planned_before_forced() {
    sql_failover(
        "sql-failover-group-try-planned-before-forced.json",
        "tryPlannedBeforeForcedFailover",
    )
    .await;
}

/// Cosmos actions: 202 with both Azure-AsyncOperation and Location.
async fn cosmos_action(sim: &Sim, name: &str, action: &str, body: Value) -> Resp {
    let fx = fixture(name);
    let r = sim
        .call_api(
            "POST",
            &format!("{}/{action}", cosmos_id()),
            api_version(&fx),
            "",
            Some(body),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.json);
    assert_status_and_monitors(name, &fx, &r);
    let done = sim.finish(&r).await.expect("a Location monitor");
    assert!(
        done.json.is_null(),
        "{action} has no result body: {}",
        done.json
    );
    done
}

#[tokio::test]
async fn cosmos_failover_priority_change() {
    let sim = Sim::demo().await;
    let name = "cosmos-failover-priority-change.json";
    let body = json!({"failoverPolicies": [
        {"locationName": "westus", "failoverPriority": 0},
        {"locationName": "eastus", "failoverPriority": 1}
    ]});
    let done = cosmos_action(&sim, name, "failoverPriorityChange", body).await;
    // The example documents a synchronous 204; the Location monitor's final answer is a
    // bodiless 200 or 204 (both mean done to ARM clients).
    assert!(done.status == 200 || done.status == 204);
    let account = check_get(&sim, "cosmos-database-account-get.json", &cosmos_id(), "").await;
    assert_eq!(
        account["properties"]["writeLocations"][0]["locationName"],
        "West US"
    );
}

#[tokio::test]
async fn cosmos_offline_region() {
    let sim = Sim::demo().await;
    let name = "cosmos-offline-region.json";
    // The example names the region by display name.
    let done = cosmos_action(&sim, name, "offlineRegion", json!({"region": "East US"})).await;
    assert!(statuses(&fixture(name)).contains(&done.status));
    let account = check_get(&sim, "cosmos-database-account-get.json", &cosmos_id(), "").await;
    assert_eq!(
        account["properties"]["writeLocations"][0]["locationName"],
        "West US"
    );
}

#[tokio::test]
async fn cosmos_online_region() {
    let sim = Sim::demo().await;
    cosmos_action(
        &sim,
        "cosmos-offline-region.json",
        "offlineRegion",
        json!({"region": "East US"}),
    )
    .await;
    let name = "cosmos-online-region.json";
    let done = cosmos_action(&sim, name, "onlineRegion", json!({"region": "East US"})).await;
    assert!(statuses(&fixture(name)).contains(&done.status));
    let account = check_get(&sim, "cosmos-database-account-get.json", &cosmos_id(), "").await;
    let locations = account["properties"]["locations"].as_array().unwrap();
    assert!(
        locations
            .iter()
            .all(|l| l["provisioningState"] == "Succeeded"),
        "{account}"
    );
}

#[tokio::test]
async fn aks_managed_cluster_stop() {
    let sim = Sim::demo().await;
    let name = "aks-managed-cluster-stop.json";
    let fx = fixture(name);
    let r = sim
        .call_api(
            "POST",
            &format!("{}/stop", aks("eastus")),
            api_version(&fx),
            "",
            None,
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.json);
    assert_status_and_monitors(name, &fx, &r);
    let done = sim.finish(&r).await.expect("a location monitor");
    assert_eq!(
        done.status, 204,
        "the stop's final answer, as the fixture's synchronous one"
    );
    let cluster = check_get(&sim, "aks-managed-cluster-get.json", &aks("eastus"), "").await;
    assert_eq!(cluster["properties"]["powerState"]["code"], "Stopped");
}

#[tokio::test]
async fn aml_compute_patch_scale() {
    let sim = Sim::demo().await;
    let name = "aml-compute-patch-scale.json";
    let fx = fixture(name);
    let path = format!("{}/computes/gpu-train", workspace("westus"));
    let body = fx["parameters"]["parameters"].clone();
    let r = sim
        .call_api("PATCH", &path, api_version(&fx), "", Some(body))
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_status_and_monitors(name, &fx, &r);
    assert_shape(name, fixture_body(&fx, 200), &r.json);
    assert_eq!(r.json["properties"]["provisioningState"], "Updating");
    sim.finish(&r).await;
    let after = check_get(&sim, "aml-compute-get-amlcompute.json", &path, "").await;
    assert_eq!(
        after["properties"]["properties"]["scaleSettings"]["maxNodeCount"],
        4
    );
    assert_eq!(after["properties"]["provisioningState"], "Succeeded");
}

#[tokio::test]
async fn aml_online_endpoint_put() {
    let sim = Sim::demo().await;
    let name = "aml-online-endpoint-put.json";
    let fx = fixture(name);
    // The example's body with real values: the full tracked resource, traffic moved to "blue".
    let body = json!({
        "properties": {"description": "churn scoring", "properties": {}, "authMode": "Key", "traffic": {"blue": 100}},
        "tags": {"failover": "drill"}, "location": "westus", "kind": "Managed",
        "identity": {"type": "SystemAssigned"},
        "sku": {"name": "Default", "tier": "Standard", "size": "Default", "family": "Managed", "capacity": 1}
    });
    let r = sim
        .call_api("PUT", &endpoint("westus"), api_version(&fx), "", Some(body))
        .await;
    assert_status_and_monitors(name, &fx, &r);
    assert_shape(name, fixture_body(&fx, r.status), &r.json);
    sim.finish(&r).await;
    let after = check_get(
        &sim,
        "aml-online-endpoint-get.json",
        &endpoint("westus"),
        "",
    )
    .await;
    assert_eq!(after["properties"]["traffic"]["blue"], 100);
    assert_eq!(after["properties"]["provisioningState"], "Succeeded");
}

#[tokio::test]
async fn aml_online_endpoint_patch() {
    let sim = Sim::demo().await;
    let name = "aml-online-endpoint-patch.json";
    let fx = fixture(name);
    let body = json!({"tags": {"failover": "drill"}, "identity": {"type": "SystemAssigned"}});
    let r = sim
        .call_api(
            "PATCH",
            &endpoint("eastus"),
            api_version(&fx),
            "",
            Some(body),
        )
        .await;
    assert_status_and_monitors(name, &fx, &r);
    let result = match r.status {
        200 => r.json,
        _ => sim.finish(&r).await.expect("a Location monitor").json,
    };
    assert_shape(name, fixture_body(&fx, 200), &result);
    assert_eq!(result["tags"]["failover"], "drill");
}

#[tokio::test]
async fn trafficmanager_endpoint_patch() {
    let sim = Sim::demo().await;
    let name = "trafficmanager-endpoint-patch.json";
    let fx = fixture(name);
    let profile = rid(
        "rg-contoso-ml-global",
        "Microsoft.Network/trafficManagerProfiles/tm-contoso-scoring",
    );
    // The example's body shape (id, name, type, properties), with the failover's change.
    let body = json!({
        "id": format!("{profile}/externalEndpoints/eastus-endpoint"), "name": "eastus-endpoint",
        "type": "Microsoft.Network/trafficManagerProfiles/externalEndpoints",
        "properties": {"endpointStatus": "Disabled"}
    });
    let r = sim
        .call_api(
            "PATCH",
            &format!("{profile}/ExternalEndpoints/eastus-endpoint"),
            api_version(&fx),
            "",
            Some(body),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_status_and_monitors(name, &fx, &r);
    assert!(
        !MONITORS.iter().any(|m| r.headers.contains_key(*m)),
        "Traffic Manager PATCH is synchronous"
    );
    assert_shape(name, fixture_body(&fx, 200), &r.json);
    assert_eq!(r.json["properties"]["endpointStatus"], "Disabled");
}

#[tokio::test]
async fn frontdoor_origin_patch() {
    let sim = Sim::example().await;
    let name = "frontdoor-origin-patch.json";
    let fx = fixture(name);
    let path = format!("{}/origins/eastus-origin", origin_group());
    let before = sim.get_api(&path, api_version(&fx), "").await;
    // The example's properties (hostName, ports, enabledState), disabling the origin.
    let body = json!({"properties": {"hostName": before["properties"]["hostName"], "httpPort": 80, "httpsPort": 443, "enabledState": "Disabled"}});
    let r = sim
        .call_api("PATCH", &path, api_version(&fx), "", Some(body))
        .await;
    assert_status_and_monitors(name, &fx, &r);
    assert_shape(name, fixture_body(&fx, r.status), &r.json);
    if r.status == 202 {
        assert_eq!(r.json["properties"]["provisioningState"], "Updating");
        sim.finish(&r).await;
    }
    let after = sim.get_api(&path, api_version(&fx), "").await;
    assert_shape(name, fixture_body(&fx, 200), &after);
    assert_eq!(after["properties"]["enabledState"], "Disabled");
    assert_eq!(after["properties"]["provisioningState"], "Succeeded");
}

/// PostgreSQL replica promotion: PATCH on the replica, 202 with both monitors, followed to the
/// server's body.
async fn postgres_promote(name: &str) -> Value {
    let sim = Sim::demo().await;
    let fx = fixture(name);
    let body = fx["parameters"]["parameters"].clone();
    let r = sim
        .call_api("PATCH", &pg("westus"), api_version(&fx), "", Some(body))
        .await;
    assert_status_and_monitors(name, &fx, &r);
    let server = if r.status == 202 {
        let done = sim.finish(&r).await.expect("a Location monitor");
        assert_eq!(done.status, 200);
        done.json
    } else {
        r.json
    };
    assert_shape(name, fixture_body(&fx, 200), &server);
    assert_eq!(server["properties"]["state"], "Ready");
    server
}

#[tokio::test]
async fn postgres_flex_promote_replica_planned_switchover() {
    let server = postgres_promote("postgres-flex-promote-replica-planned-switchover.json").await;
    assert_eq!(server["properties"]["replica"]["role"], "Primary");
}

#[tokio::test]
async fn postgres_flex_promote_replica_forced_standalone() {
    let server = postgres_promote("postgres-flex-promote-replica-forced-standalone.json").await;
    assert_eq!(server["properties"]["replica"]["role"], "None");
}

/// Outbound rules are a union on `properties.type`: the example's rules are FQDN rules, whose
/// destination is a string; a ServiceTag or PrivateEndpoint rule's is an object. Every
/// simulated rule is compared with the example's rule, its destination too when it is an FQDN
/// rule (there is one: `pypi`).
#[tokio::test]
async fn aml_workspace_outbound_rules_list() {
    let name = "aml-readiness/aml-workspace-outbound-rules-list.json";
    let fx = fixture(name);
    let example = fixture_body(&fx, 200)["value"][0].clone();
    assert_eq!(example["properties"]["type"], "FQDN");
    let sim = Sim::demo().await;
    let path = format!("{}/outboundRules", workspace("westus"));
    let body = sim.get_api(&path, api_version(&fx), "").await;
    let rules = body["value"].as_array().expect("a list");
    let mut fqdn = 0;
    for rule in rules {
        let mut want = example.clone();
        if rule["properties"]["type"] == "FQDN" {
            fqdn += 1;
        } else {
            want["properties"]["destination"] = Value::Null;
        }
        assert_shape(
            name,
            &json!({ "value": [want] }),
            &json!({ "value": [rule] }),
        );
    }
    assert!(fqdn >= 1, "an FQDN rule to compare destinations: {body}");
}

/// Every fixture file is covered by `READS` or `OWN_TESTS` (or deliberately not simulated),
/// and every name those tables give is a fixture file.
#[test]
fn every_fixture_is_covered() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/arm-examples");
    let files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    let covered: Vec<&str> = READS
        .iter()
        .map(|r| r.fixture)
        .chain(OWN_TESTS.iter().map(|(f, _)| *f))
        .collect();
    let missing: Vec<&String> = files
        .iter()
        .filter(|f| !covered.contains(&f.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "fixtures with no shape test: {missing:?}"
    );
    // Names in a subdirectory (`aml-readiness/...`) are checked on disk.
    let unknown: Vec<&&str> = covered
        .iter()
        .filter(|c| !files.iter().any(|f| f == *c) && !dir.join(c).is_file())
        .collect();
    assert!(
        unknown.is_empty(),
        "tables name fixtures that do not exist: {unknown:?}"
    );
}

/// The comparison rules themselves, on small bodies.
#[test]
fn shape_comparison_rules() {
    let problems = |fx: Value, sim: Value| {
        let mut out = Vec::new();
        compare("aml-online-endpoint-get.json", &fx, &sim, "$", &mut out);
        out.into_iter().map(|(p, _)| p).collect::<Vec<_>>()
    };
    // Extra keys in the simulator are fine; missing ones and other types are not.
    assert!(problems(json!({"a": 1}), json!({"a": 2, "b": true})).is_empty());
    assert_eq!(
        problems(json!({"a": {"b": 1}}), json!({"a": {}})),
        ["$.a.b"]
    );
    assert_eq!(problems(json!({"a": "1"}), json!({"a": 1})), ["$.a"]);
    // Null on either side is compatible with anything.
    assert!(problems(json!({"a": null, "b": 1}), json!({"a": [1], "b": null})).is_empty());
    // Arrays: first elements, when both have one.
    assert_eq!(
        problems(json!({"v": [{"x": 1}]}), json!({"v": [{"y": 1}]})),
        ["$.v[].x"]
    );
    assert!(problems(json!({"v": [{"x": 1}]}), json!({"v": []})).is_empty());
    // Data maps are objects, whatever their keys.
    assert!(
        problems(
            json!({"tags": {"k": "v"}, "traffic": {"string": 1}}),
            json!({"tags": {}, "traffic": {"blue": 100}})
        )
        .is_empty()
    );
    assert!(
        problems(
            json!({"properties": {"properties": {"string": "string"}}}),
            json!({"properties": {"properties": {}}})
        )
        .is_empty()
    );
    assert_eq!(
        problems(json!({"tags": {}}), json!({"tags": []})),
        ["$.tags"]
    );
    // ...but AmlCompute's properties.properties is schema.
    let mut out = Vec::new();
    compare(
        "aml-compute-get-amlcompute.json",
        &json!({"properties": {"properties": {"vmSize": "x"}}}),
        &json!({"properties": {"properties": {}}}),
        "$",
        &mut out,
    );
    assert_eq!(out.len(), 1);
}

// ---- Azure Resource Graph -----------------------------------------------------------------------

/// The example's request body, its query's `'test'` made `'contoso'` (the demo's names).
fn graph_request(fx: &Value) -> Value {
    let mut body = fx["parameters"]["query"].clone();
    let q = body["query"]
        .as_str()
        .unwrap()
        .replace("'test'", "'contoso'");
    body["query"] = json!(q);
    body["subscriptions"] = json!([SUB]);
    body
}

/// The first page (`$top` 3, `$skip` 0), then the next one asked for with only its token: both
/// have the examples' shape, more pages follow both, and the rows go on where the first ended.
#[tokio::test]
async fn resourcegraph_query_pages() {
    let sim = Sim::demo().await;
    let path = "/providers/Microsoft.ResourceGraph/resources";
    let (first_fx, next_fx) = (
        fixture("resourcegraph-query-first-page.json"),
        fixture("resourcegraph-query-next-page.json"),
    );
    let r = sim
        .call_api(
            "POST",
            path,
            api_version(&first_fx),
            "",
            Some(graph_request(&first_fx)),
        )
        .await;
    assert_status_and_monitors("resourcegraph-query-first-page.json", &first_fx, &r);
    assert_shape(
        "resourcegraph-query-first-page.json",
        fixture_body(&first_fx, 200),
        &r.json,
    );
    assert_eq!(r.json["count"], 3);
    let mut next = graph_request(&next_fx);
    next["options"]["$skipToken"] = r.json["$skipToken"].clone();
    let n = sim
        .call_api("POST", path, api_version(&next_fx), "", Some(next))
        .await;
    assert_status_and_monitors("resourcegraph-query-next-page.json", &next_fx, &n);
    assert_shape(
        "resourcegraph-query-next-page.json",
        fixture_body(&next_fx, 200),
        &n.json,
    );
    assert_eq!(n.json["count"], 3, "the token keeps the first page's size");
    assert_eq!(n.json["totalRecords"], r.json["totalRecords"]);
    assert_ne!(n.json["data"][0]["id"], r.json["data"][0]["id"]);
    // Projected: only the example's columns.
    let keys: Vec<&String> = n.json["data"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 4, "{keys:?}");
}

#[tokio::test]
async fn resourcegraph_query_basic() {
    let sim = Sim::demo().await;
    let fx = fixture("resourcegraph-query.json");
    let r = sim
        .call_api(
            "POST",
            "/providers/Microsoft.ResourceGraph/resources",
            api_version(&fx),
            "",
            Some(graph_request(&fx)),
        )
        .await;
    assert_status_and_monitors("resourcegraph-query.json", &fx, &r);
    assert_shape("resourcegraph-query.json", fixture_body(&fx, 200), &r.json);
    assert_eq!(
        (r.json["totalRecords"].as_u64(), r.json["count"].as_u64()),
        (Some(3), Some(3))
    );
    assert!(r.json.get("$skipToken").is_none(), "limit 3: one page");
}
