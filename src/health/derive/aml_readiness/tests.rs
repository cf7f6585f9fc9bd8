//! Tests of `aml_readiness`.
use serde_json::json;

use crate::azure::models::*;
use crate::config::ResourceId;
use crate::health::collect::{AmlQuota, AmlReadiness, ReadError, Reading};
use crate::health::derive::tests::*;

fn ds(name: &str, account: &str, container: &str, default: bool) -> Datastore {
    model(
        json!({"name": name, "properties": {"datastoreType": "AzureBlob", "isDefault": default,
        "accountName": account, "containerName": container}}),
    )
}

fn ws(id: &ResourceId, storage: &str) -> Reading {
    Reading::Workspace(
        model(json!({"id": id.to_string(), "name": id.name(),
            "properties": {"storageAccount": format!("/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/{storage}")}})),
        Vec::new(),
    )
}

fn storage(sku: &str) -> Reading {
    Reading::Storage(model(
        json!({"name": "stcontosotraindata", "sku": {"name": sku},
        "properties": {"primaryLocation": "eastus", "secondaryLocation": "westus"}}),
    ))
}

/// The demo workspaces, each with its own default storage, and `training` on the training
/// data account in the primary; the secondary's datastores are `s`.
fn setup(s: Vec<Datastore>, sku: &str) -> Obs {
    let mut o = Obs::demo();
    let (p, sid) = o.pair("workspace");
    let acct = o.resource("training-data");
    o.read(&p, ws(&p, "stmlweastus"))
        .read(&sid, ws(&sid, "stmlwwestus"))
        .read(&acct, storage(sku));
    o.obs.aml.insert(
        "workspace".into(),
        AmlReadiness {
            primary_datastores: Some(Ok(vec![
                ds("workspaceblobstore", "stmlweastus", "azureml", true),
                ds("workspacefilestore", "stmlweastus", "code", false),
                ds("training", "stcontosotraindata", "training-data", false),
            ])),
            secondary_datastores: Some(Ok(s)),
            ..Default::default()
        },
    );
    o
}

fn datastores(o: &Obs) -> crate::health::model::Check {
    chk(o, "workspace", "datastores")
}

/// A check of a component of the snapshot, owned.
fn chk(o: &Obs, component: &str, name: &str) -> crate::health::model::Check {
    check(&o.component(component), name).clone()
}

#[test]
fn datastores_on_the_same_geo_redundant_account_pass() {
    let o = setup(
        vec![
            ds("workspaceblobstore", "stmlwwestus", "azureml", true),
            ds("TRAINING", "stcontosotraindata", "training-data", false),
        ],
        "Standard_RAGRS",
    );
    let k = datastores(&o);
    assert_eq!(k.passed, Some(true), "{}", k.reason);
    assert_eq!(
        k.reason,
        "training in both workspaces, on geo-redundant storage"
    );
}

#[test]
fn a_missing_datastore_fails_naming_it() {
    let o = setup(
        vec![ds("workspaceblobstore", "stmlwwestus", "azureml", true)],
        "Standard_RAGRS",
    );
    let k = datastores(&o);
    assert_eq!(k.passed, Some(false));
    assert_eq!(k.reason, "training missing in westus");
    assert!(!o.component("workspace").ready);
}

#[test]
fn a_datastore_on_another_container_or_local_storage_fails() {
    let o = setup(
        vec![ds("training", "stcontosotraindata", "other", false)],
        "Standard_RAGRS",
    );
    assert_eq!(
        datastores(&o).reason,
        "training points at stcontosotraindata/other in westus, stcontosotraindata/training-data in eastus"
    );
    let o = setup(
        vec![ds("training", "stcontosotraindata", "training-data", false)],
        "Standard_LRS",
    );
    let k = datastores(&o);
    assert_eq!(k.passed, Some(false));
    assert_eq!(
        k.reason,
        "training is on stcontosotraindata, Standard_LRS (not geo-redundant)"
    );
}

#[test]
fn a_datastore_on_a_default_storage_fails() {
    let mut o = setup(
        vec![ds("scratch", "stmlweastus", "scratch", false)],
        "Standard_RAGRS",
    );
    if let Some(Ok(l)) = &mut o.obs.aml.get_mut("workspace").unwrap().primary_datastores {
        l.retain(|d| d.name != "training");
        l.push(ds("scratch", "stmlweastus", "scratch", false));
    }
    let k = datastores(&o);
    assert_eq!(k.passed, Some(false));
    assert!(
        k.reason
            .starts_with("scratch is on stmlweastus, a workspace's default storage"),
        "{}",
        k.reason
    );
}

#[test]
fn unreadable_datastores_or_accounts_are_undecided_never_passed() {
    let mut o = setup(Vec::new(), "Standard_RAGRS");
    o.obs.aml.get_mut("workspace").unwrap().secondary_datastores = Some(Err(ReadError {
        message: "GET ...: 403 AuthorizationFailed".into(),
        not_responding: false,
        auth: true,
        transient: false,
    }));
    let k = datastores(&o);
    assert_eq!(k.passed, None);
    assert_eq!(
        k.reason,
        "the secondary workspace's datastores could not be read: GET ...: 403 AuthorizationFailed"
    );

    let mut o = setup(
        vec![ds("training", "stcontosotraindata", "training-data", false)],
        "Standard_RAGRS",
    );
    let acct = o.resource("training-data");
    o.fail(&acct, "timed out", true);
    let k = datastores(&o);
    assert_eq!(k.passed, None);
    assert_eq!(
        k.reason,
        "training: stcontosotraindata could not be read: timed out"
    );

    let mut o = Obs::demo();
    o.obs.aml.clear();
    let (p, s) = o.pair("workspace");
    o.read(&p, ws(&p, "a")).read(&s, ws(&s, "b"));
    assert_eq!(datastores(&o).passed, None);
}

// ---- linked resources ----

/// The demo workspaces linked to the configured vault, registry (replicas `acr_regions`)
/// and each region's Application Insights; the secondary's default storage in `st_region`.
fn linked_setup(acr_regions: &[&str], st_region: &str, secondary_ai: &str) -> Obs {
    let mut o = Obs::demo();
    let (p, s) = o.pair("workspace");
    let kv = o.resource("secrets").to_string();
    let acr = o.resource("images");
    let (pai, sai) = o.pair("telemetry");
    let link = |id: &ResourceId, st: &str, ai: &str| {
        Reading::Workspace(
            model(
                json!({"id": id.to_string(), "name": id.name(), "properties": {
                "storageAccount": format!("/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/{st}"),
                "keyVault": kv, "containerRegistry": acr.to_string(), "applicationInsights": ai}}),
            ),
            Vec::new(),
        )
    };
    let ai_for = |which: &str| {
        if which == "primary" {
            pai.to_string()
        } else {
            sai.to_string()
        }
    };
    o.read(&p, link(&p, "stmlweastus", &pai.to_string()))
        .read(&s, link(&s, "stmlwwestus", &ai_for(secondary_ai)))
        .read(
            &acr,
            Reading::Acr(
                model(json!({"name": "acrcontosoml", "location": "eastus", "sku": {"name": "Premium"}})),
                acr_regions
                    .iter()
                    .map(|r| model(json!({"name": r, "location": r, "properties": {"provisioningState": "Succeeded"}})))
                    .collect(),
            ),
        )
        .read(&sai, Reading::AppInsights(model(json!({"name": sai.name(), "location": "westus"}))));
    o.obs.aml.insert(
        "workspace".into(),
        AmlReadiness {
            secondary_storage: Some(Ok(model(
                json!({"name": "stmlwwestus", "location": st_region,
                "sku": {"name": "Standard_LRS"}}),
            ))),
            ..Default::default()
        },
    );
    o
}

#[test]
fn linked_resources_of_the_secondary_pass() {
    let o = linked_setup(&["eastus", "westus"], "westus", "secondary");
    let k = chk(&o, "workspace", "linked resources");
    assert_eq!(k.passed, Some(true), "{}", k.reason);
    assert_eq!(
        k.reason,
        "storage stmlwwestus in westus, Key Vault kv-contoso-ml, registry acrcontosoml (replica in westus), Application Insights appi-contoso-westus in westus"
    );
}

#[test]
fn linked_resources_name_what_is_wrong() {
    let o = linked_setup(&["eastus"], "eastus", "primary");
    let k = chk(&o, "workspace", "linked resources");
    assert_eq!(k.passed, Some(false));
    assert_eq!(
        k.reason,
        "default storage stmlwwestus is in eastus, not westus; container registry acrcontosoml has no ready replica in westus; Application Insights appi-contoso-eastus is the primary's (eastus)"
    );
}

#[test]
fn an_unreadable_default_storage_is_undecided() {
    let mut o = linked_setup(&["eastus", "westus"], "westus", "secondary");
    o.obs.aml.get_mut("workspace").unwrap().secondary_storage = Some(Err(ReadError {
        message: "GET ...: 403".into(),
        not_responding: false,
        auth: true,
        transient: false,
    }));
    let k = chk(&o, "workspace", "linked resources");
    assert_eq!(k.passed, None);
    assert_eq!(
        k.reason,
        "default storage stmlwwestus could not be read: GET ...: 403"
    );
}

// ---- quota ----

fn cluster(id: &ResourceId, max: u32, current: u32) -> Reading {
    Reading::Compute(model(json!({
        "id": id.to_string(), "name": id.name(),
        "properties": {"computeType": "AmlCompute", "properties": {
            "vmSize": "Standard_NC24ads_A100_v4", "currentNodeCount": current,
            "scaleSettings": {"minNodeCount": 0, "maxNodeCount": max}}}
    })))
}

fn endpoint(id: &ResourceId, capacity: u32) -> Reading {
    Reading::Endpoint(
        model(
            json!({"id": id.to_string(), "name": id.name(), "properties": {"traffic": {"blue": 100}}}),
        ),
        vec![model(
            json!({"name": "blue", "properties": {"instanceType": "Standard_DS3_v2",
            "provisioningState": "Succeeded"}, "sku": {"capacity": capacity}}),
        )],
    )
}

fn usage(kind: &str, name: &str, current: i64, limit: i64) -> Usage {
    model(
        json!({"type": format!("Microsoft.MachineLearningServices/{kind}/usages"),
        "currentValue": current, "limit": limit, "name": {"value": name}}),
    )
}

/// The demo's cluster (8 × 24 vCPUs in the primary, 0 in the standby) and endpoint (3
/// instances of 4 vCPUs, 1 in the standby), with these free vCPUs of the A100 family.
fn quota_setup(a100_limit: i64, total_limit: i64) -> Obs {
    let mut o = Obs::demo();
    let (pc, sc) = o.pair("train-cluster");
    let (pe, se) = o.pair("churn-endpoint");
    o.read(&pc, cluster(&pc, 8, 2))
        .read(&sc, cluster(&sc, 0, 0))
        .read(&pe, endpoint(&pe, 3))
        .read(&se, endpoint(&se, 1));
    o.obs.aml_quota = Some(AmlQuota {
        usages: Ok(vec![
            usage(
                "dedicatedCores",
                "Total Cluster Dedicated Regional vCPUs",
                8,
                total_limit,
            ),
            usage(
                "vmFamily",
                "Standard NCADSA100v4 Family Cluster Dedicated vCPUs",
                0,
                a100_limit,
            ),
            usage(
                "vmFamily",
                "Standard DSv2 Family Cluster Dedicated vCPUs",
                8,
                100,
            ),
            usage(
                "vmFamily",
                "Standard NCADSA100v4 Family Cluster LowPriority vCPUs",
                0,
                1000,
            ),
        ]),
        vm_sizes: Ok(vec![
            model(
                json!({"name": "Standard_NC24ads_A100_v4", "family": "standardNCADSA100v4Family", "vCPUs": 24, "gpus": 1}),
            ),
            model(json!({"name": "Standard_DS3_v2", "family": "standardDSv2Family", "vCPUs": 4})),
        ]),
    });
    o
}

#[test]
fn quota_that_covers_the_standby_at_target_size_passes() {
    let o = quota_setup(320, 400);
    let k = chk(&o, "train-cluster", "quota");
    assert_eq!(k.passed, Some(true), "{}", k.reason);
    // 8 × 24 for the cluster; ceil(1.2 × 3) − ceil(1.2 × 1) = 2 more instances × 4 for the endpoint.
    assert_eq!(
        k.reason,
        "westus: Standard NCADSA100v4 Family Cluster Dedicated vCPUs: 192 of 320 free; regional total: 200 of 392 free"
    );
    let k = chk(&o, "churn-endpoint", "quota");
    assert_eq!(k.passed, Some(true), "{}", k.reason);
    assert!(
        k.reason
            .contains("DSv2 Family Cluster Dedicated vCPUs: 8 of 92 free"),
        "{}",
        k.reason
    );
}

#[test]
fn a_short_family_fails_naming_it_and_the_missing_vcpus() {
    let o = quota_setup(96, 400);
    let c = o.component("train-cluster");
    let k = check(&c, "quota");
    assert_eq!(k.passed, Some(false));
    assert_eq!(
        k.reason,
        "Standard NCADSA100v4 Family Cluster Dedicated vCPUs in westus: 96 vCPUs missing (192 needed at target size, 8 × Standard_NC24ads_A100_v4 (24 vCPUs); 96 free of 96)"
    );
    assert!(!c.ready);
    // The endpoint's own family is fine.
    assert_eq!(chk(&o, "churn-endpoint", "quota").passed, Some(true));
}

#[test]
fn a_short_regional_total_fails_every_standby() {
    let o = quota_setup(320, 108);
    for name in ["train-cluster", "churn-endpoint"] {
        let k = chk(&o, name, "quota");
        assert_eq!(k.passed, Some(false), "{name}");
        assert!(
            k.reason.contains("Total Cluster Dedicated Regional vCPUs in westus: 100 vCPUs missing (200 needed, 100 free of 108)"),
            "{name}: {}",
            k.reason
        );
    }
}

#[test]
fn unreadable_quota_or_an_unread_primary_is_undecided() {
    let mut o = quota_setup(320, 400);
    o.obs.aml_quota.as_mut().unwrap().usages = Err(ReadError {
        message: "GET .../usages: 503".into(),
        not_responding: false,
        auth: false,
        transient: true,
    });
    let k = chk(&o, "train-cluster", "quota");
    assert_eq!(k.passed, None);
    assert_eq!(
        k.reason,
        "the Azure ML quota of westus could not be read: GET .../usages: 503"
    );

    let mut o = quota_setup(320, 400);
    let (pc, _) = o.pair("train-cluster");
    o.fail(&pc, "timed out", true);
    let k = chk(&o, "train-cluster", "quota");
    assert_eq!(k.passed, None);
    assert!(k.reason.contains("target size is unknown"), "{}", k.reason);

    let mut o = quota_setup(320, 400);
    o.obs.aml_quota = None;
    assert_eq!(chk(&o, "churn-endpoint", "quota").passed, None);
}
