//! The health engine against the simulator: every HA status and readiness outcome a responder
//! can meet, region health, "not responding", and the `status` command's exit codes.

use crate::common;

use std::time::Duration;

use azfailover::azure::{Access, ClientOptions, connect};
use azfailover::config::Config;
use azfailover::health::collect::{CollectOptions, Collector};
use azfailover::health::{
    ComponentStatus, InstanceHealth, Overall, RegionHealth, RegionRole, Snapshot,
};
use azfailover::sim::Fault;
use azfailover::sim::world::ArmBehaviour;
use common::*;

const SCALE: f64 = 1000.0;

fn pointed(sim: &Sim) -> Config {
    let mut cfg = Config::demo();
    cfg.use_simulator(sim.url());
    cfg
}

async fn snapshot_with(sim: &Sim, opts: ClientOptions) -> Snapshot {
    let cfg = pointed(sim);
    let (client, _) = connect(&cfg, Access::ReadOnly, opts).unwrap();
    Collector::new(cfg, client)
        .collect()
        .await
        .expect("a snapshot")
}

async fn snapshot(sim: &Sim) -> Snapshot {
    snapshot_with(
        sim,
        ClientOptions {
            request_timeout: Duration::from_secs(5),
            ..ClientOptions::default()
        },
    )
    .await
}

fn comp<'a>(s: &'a Snapshot, name: &str) -> &'a ComponentStatus {
    s.components
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no component {name}"))
}

fn failed_checks(c: &ComponentStatus) -> Vec<String> {
    c.checks
        .iter()
        .filter(|k| k.passed == Some(false))
        .map(|k| format!("{}: {}", k.name, k.reason))
        .collect()
}

#[tokio::test]
async fn a_healthy_deployment_is_ready_everywhere() {
    let sim = Sim::start(SCALE).await;
    let s = snapshot(&sim).await;
    assert_eq!(
        s.overall,
        Overall::Healthy,
        "{:#?}",
        s.components.iter().map(failed_checks).collect::<Vec<_>>()
    );
    assert_eq!(azfailover::exit::of_grade(s.grade()), 0);
    assert!(s.regions.iter().all(|r| r.health == RegionHealth::Healthy));
    for c in &s.components {
        assert!(
            c.ready,
            "{}: {} {:?}",
            c.name,
            c.ha_status,
            failed_checks(c)
        );
        assert_eq!(c.active_region, "eastus", "{}", c.name);
    }
    assert_eq!(comp(&s, "training-data").ha_status, "standby ready");
    assert_eq!(comp(&s, "churn-endpoint").ha_status, "both serving");
    assert_eq!(
        comp(&s, "sessions").ha_status,
        "both serving (writes in eastus)"
    );
    assert_eq!(
        comp(&s, "images").ha_status,
        "geo-replicated (Microsoft-managed)"
    );
    assert_eq!(
        comp(&s, "secrets").ha_status,
        "observe only (Microsoft-managed)"
    );
    let lag = comp(&s, "training-data").lag_seconds.unwrap();
    assert!((80.0..200.0).contains(&lag), "lag on Azure's clock: {lag}");
    // Observe-only checks are neither passed nor failed.
    assert!(comp(&s, "images").checks.iter().any(|k| k.passed.is_none()));
    // One subscription-wide availability list, everything in about two round trips (Azure ML
    // readiness adds eleven: both workspaces' datastores, the secondary's usages and VM sizes, the
    // primary's endpoints and their deployments, the registries, the secondary's environment
    // and code versions, the secondary workspace again and its default storage; then, read at
    // most every 5 minutes, five for the roles — the primary workspace, the assignments at
    // both, both identities' — and twelve for the private network — both workspaces' and two
    // accounts' endpoint connections, five private endpoints, the DNS zones and two zones'
    // links; and both workspaces' outbound rules).
    assert!(s.requests <= 58, "{} requests", s.requests);
    assert!(!comp(&s, "batch-aks").az_commands.is_empty());
}

#[tokio::test]
async fn a_primary_outage_is_an_outage_and_the_standby_can_still_take_over() {
    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: Some("Power event in East US".into()),
        arm: None,
        control_plane: None,
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let s = snapshot(&sim).await;
    assert_eq!(s.overall, Overall::Outage);
    assert_eq!(azfailover::exit::of_grade(s.grade()), 2);
    let p = s.region(RegionRole::Primary).unwrap();
    assert_eq!(p.health, RegionHealth::Outage);
    assert!(p.reason.contains("Power event"), "{}", p.reason);
    assert_eq!(p.incidents[0].title, "Power event in East US");
    let westus: Vec<String> = s
        .components
        .iter()
        .flat_map(|c| {
            c.instances
                .iter()
                .filter(|i| i.region == "westus" && i.health != InstanceHealth::Available)
                .map(move |i| format!("{}: {:?} {:?}", c.name, i.health, i.detail))
        })
        .collect();
    assert_eq!(
        s.region(RegionRole::Secondary).unwrap().health,
        RegionHealth::Healthy,
        "{westus:?}"
    );
    assert_eq!(comp(&s, "churn-endpoint").ha_status, "only westus serving");
    assert_eq!(comp(&s, "churn-endpoint").active_region, "westus");
    assert_eq!(comp(&s, "scoring-traffic").ha_status, "only westus serving");
    assert_eq!(comp(&s, "scoring-traffic").active_region, "westus");
    let storage = comp(&s, "training-data");
    assert_eq!(
        storage.instance("eastus").unwrap().health,
        InstanceHealth::Unavailable
    );
    assert!(
        storage
            .checks
            .iter()
            .any(|k| k.name == "replication live" && k.passed.is_none()),
        "{:?}",
        storage.checks
    );
    assert!(
        storage
            .checks
            .iter()
            .any(|k| k.name == "can fail over" && k.passed == Some(true))
    );
    let ws = comp(&s, "workspace");
    assert_eq!(
        ws.instance("eastus").unwrap().health,
        InstanceHealth::Unavailable
    );
    assert_eq!(
        ws.active_region, "eastus",
        "the workspace switch is a runbook step"
    );
}

#[tokio::test]
async fn replication_lag_over_the_rpo_makes_the_standby_not_ready() {
    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::ReplicationLag {
        resource: Some(storage_id()),
        target: None,
        seconds: 1200.0,
    });
    let s = snapshot(&sim).await;
    let storage = comp(&s, "training-data");
    assert!(storage.lag_over_rpo());
    assert!(!storage.ready);
    assert!(
        storage
            .ha_status
            .starts_with("standby not ready: lag 20 min vs RPO 15 min"),
        "{}",
        storage.ha_status
    );
    assert_eq!(s.overall, Overall::Degraded);
    assert_eq!(azfailover::exit::of_grade(s.grade()), 1);
}

#[tokio::test]
async fn a_degraded_secondary_is_named_with_its_reasons() {
    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::RegionDegrade {
        region: "westus".into(),
        title: Some("Degraded compute provisioning in West US".into()),
    });
    sim.inject(Fault::ResourceDown {
        resource: None,
        target: Some("kind:aks@secondary".into()),
    });
    let s = snapshot(&sim).await;
    let sec = s.region(RegionRole::Secondary).unwrap();
    assert_eq!(sec.health, RegionHealth::Degraded);
    assert!(
        sec.reason.contains("Degraded compute provisioning"),
        "{}",
        sec.reason
    );
    let aks = comp(&s, "batch-aks");
    assert!(!aks.ready);
    assert!(
        aks.ha_status
            .starts_with("standby not ready: aks-contoso-westus is unavailable"),
        "{}",
        aks.ha_status
    );
    assert_eq!(azfailover::exit::of_grade(s.grade()), 1);
    // Hot/hot components in a degraded region still serve there, and say it is degraded.
    assert_eq!(
        comp(&s, "telemetry").ha_status,
        "both serving (westus degraded)"
    );
}

#[tokio::test]
async fn failed_over_components_say_so() {
    let sim = Sim::start(SCALE).await;
    for call in [
        (
            "POST",
            format!("{}/failover?failoverType=Planned", storage_id()),
            None,
        ),
        (
            "POST",
            format!("{}/failover", sql_fg("sql-contoso-westus")),
            None,
        ),
        (
            "PATCH",
            pg("westus"),
            Some(
                serde_json::json!({"properties": {"replica": {"promoteMode": "switchover", "promoteOption": "planned"}}}),
            ),
        ),
        ("POST", format!("{}/start", aks("westus")), None),
    ] {
        let r = sim.call(call.0, &call.1, call.2).await;
        assert!(r.status < 300, "{}: {}", call.1, r.json);
        sim.wait_lro(&r).await;
    }
    sim.call("POST", &format!("{}/stop", aks("eastus")), None)
        .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let s = snapshot(&sim).await;
    for name in [
        "training-data",
        "feature-store",
        "run-metadata",
        "batch-aks",
    ] {
        let c = comp(&s, name);
        assert_eq!(
            c.ha_status,
            "failed over to westus",
            "{name}: {:?}",
            failed_checks(c)
        );
        assert_eq!(c.active_region, "westus", "{name}");
        assert!(!c.ready, "{name}");
    }
    // The table says "moved", not a red NO: they need no failover.
    let table = azfailover::health::report::render_table(&s);
    let row = table
        .lines()
        .find(|l| l.starts_with("feature-store "))
        .unwrap();
    assert!(
        row.contains(" moved ") && row.ends_with("failed over to westus"),
        "{row}"
    );
}

#[tokio::test]
async fn disabling_every_endpoint_is_flagged() {
    let sim = Sim::start(SCALE).await;
    for ep in ["eastus-endpoint", "westus-endpoint"] {
        sim.call(
            "PATCH",
            &format!("{}/ExternalEndpoints/{ep}", tm_id()),
            Some(serde_json::json!({"properties": {"endpointStatus": "Disabled"}})),
        )
        .await;
    }
    let s = snapshot(&sim).await;
    let tm = comp(&s, "scoring-traffic");
    assert_eq!(tm.ha_status, "not serving");
    assert!(
        failed_checks(tm)
            .iter()
            .any(|f| f.contains("every endpoint is disabled")),
        "{:?}",
        failed_checks(tm)
    );
    assert!(!tm.ready);
    // A disabled endpoint is configuration, not region health.
    assert_eq!(
        s.region(RegionRole::Primary).unwrap().health,
        RegionHealth::Healthy
    );
}

#[tokio::test]
async fn a_region_that_does_not_answer_is_unknown_not_responding() {
    let sim = Sim::start(SCALE).await;
    // Hangs without a Service Health incident yet: Azure has not noticed.
    {
        let w = sim.server.world();
        let mut w = w.lock().unwrap();
        let st = w
            .regions
            .get_mut(&azfailover::region::Region::new("eastus"))
            .unwrap();
        st.status = azfailover::sim::world::RegionStatus::Down;
        st.arm = ArmBehaviour::Hang;
    }
    let opts = ClientOptions {
        request_timeout: Duration::from_millis(300),
        ..ClientOptions::default()
    };
    let cfg = pointed(&sim);
    let (client, _) = connect(&cfg, Access::ReadOnly, opts).unwrap();
    let collector = Collector::new(cfg, client);
    let started = std::time::Instant::now();
    let first = collector.collect().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the deadline bounds the snapshot: {:?}",
        started.elapsed()
    );
    let p = first.region(RegionRole::Primary).unwrap();
    assert_eq!(
        p.health,
        RegionHealth::Outage,
        "Resource Health still reports its resources unavailable"
    );
    let since = p.not_responding_since.expect("not responding");
    let ws = comp(&first, "workspace");
    assert_eq!(
        ws.instance("westus").unwrap().health,
        InstanceHealth::Available
    );
    // The "since" stays the first moment it stopped answering.
    let second = collector.collect().await.unwrap();
    assert_eq!(
        second
            .region(RegionRole::Primary)
            .unwrap()
            .not_responding_since,
        Some(since)
    );
}

#[tokio::test]
async fn resource_health_being_unreadable_is_reported_not_fatal() {
    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::Malformed {
        resource: None,
        count: Some(1),
    });
    let s = snapshot(&sim).await;
    assert_eq!(s.components.len(), 12);
    assert!(s.overall != Overall::Healthy || s.errors.is_empty());
}

#[tokio::test]
async fn an_unreachable_arm_is_a_clear_failure() {
    let mut cfg = Config::demo();
    cfg.deployment.arm_endpoint = "http://127.0.0.1:9".into();
    let (client, _) = connect(
        &cfg,
        Access::ReadOnly,
        ClientOptions {
            max_attempts: 1,
            ..ClientOptions::default()
        },
    )
    .unwrap();
    let e = Collector::new(cfg, client).collect().await.unwrap_err();
    assert!(e.contains("could not be reached"), "{e}");
}

// ---- the `status` command through the real binary ----

#[tokio::test]
async fn status_json_carries_the_verdict_of_a_primary_outage() {
    let sim = Sim::start(SCALE).await;
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), sim.url());
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: Some("Power event in East US".into()),
        arm: None,
        control_plane: None,
    });
    // Replication out of eastus stopped: at this time scale the lag passes the 15 min RPO in
    // about a second.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (code, out, err) = tokio::task::spawn_blocking({
        let p = path.clone();
        move || status(&p, "json")
    })
    .await
    .unwrap();
    assert_eq!(code, 2, "{err}");
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    let v = &s["verdict"];
    for field in [
        "recommendation",
        "possible",
        "variant",
        "blockers",
        "estimated_data_loss_seconds",
        "summary",
    ] {
        assert!(v.get(field).is_some(), "{field}: {v}");
    }
    assert_eq!(v["recommendation"], "failover", "{v}");
    assert_eq!(v["variant"], "forced");
    assert_eq!(
        v["possible"], true,
        "the downed Cosmos write region and the frozen storage lag are what the forced failover is for: {v}"
    );
    assert_eq!(v["blockers"], serde_json::json!([]));
    let storage = s["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "training-data")
        .unwrap();
    let lag = storage["lag_seconds"].as_f64().unwrap();
    assert!(lag > 900.0, "past the RPO: {lag}");
    assert_eq!(v["estimated_data_loss_seconds"], lag.round() as u64);
    let lag_check = storage["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "lag within RPO")
        .unwrap();
    assert_eq!(lag_check["passed"], serde_json::Value::Null, "{lag_check}");
    let summary = v["summary"].as_str().unwrap();
    assert!(
        summary.starts_with("eastus down · forced failover possible · ≈")
            && summary.ends_with(" of writes lost · azfailover failover"),
        "{summary}"
    );

    let (_, table, _) = tokio::task::spawn_blocking(move || status(&path, "table"))
        .await
        .unwrap();
    let line = table.lines().nth(1).unwrap_or_default();
    assert!(
        line.starts_with("eastus down · forced failover possible · ≈"),
        "the table says the summary under its title (the lag has grown since): {table}"
    );
}

fn status(cfg_path: &std::path::Path, format: &str) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_azfailover"))
        .args(["status", "--format", format, "--config"])
        .arg(cfg_path)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn write_config(dir: &std::path::Path, url: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string("assets/demo.toml")
        .unwrap()
        .replace("http://127.0.0.1:0", url);
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn status_exit_codes_follow_the_contract() {
    let sim = Sim::start(SCALE).await;
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), sim.url());

    let (code, out, err) = tokio::task::spawn_blocking({
        let p = path.clone();
        move || status(&p, "json")
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["deployment"], "contoso-ml");
    assert_eq!(v["overall"], "healthy");
    assert_eq!(v["regions"][0]["role"], "primary");
    assert_eq!(v["regions"][1]["health"], "healthy");
    let c = &v["components"][0];
    for field in [
        "name",
        "kind",
        "mode",
        "active_region",
        "ready",
        "instances",
    ] {
        assert!(c.get(field).is_some(), "{field}");
    }
    assert_eq!(c["instances"][0]["health"], "available");

    sim.inject(Fault::ReplicationLag {
        resource: Some(storage_id()),
        target: None,
        seconds: 3600.0,
    });
    let (code, out, _) = tokio::task::spawn_blocking({
        let p = path.clone();
        move || status(&p, "table")
    })
    .await
    .unwrap();
    assert_eq!(code, 1, "{out}");
    // 3600 s injected, plus however long the simulated clock ran until the read.
    assert!(
        out.contains("standby not ready: lag 1 h 0") && out.contains("min vs RPO 15 min"),
        "{out}"
    );

    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    let (code, out, _) = tokio::task::spawn_blocking({
        let p = path.clone();
        move || status(&p, "table")
    })
    .await
    .unwrap();
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("OUTAGE"), "{out}");

    // Nothing listening: 69.
    let closed = write_config(dir.path(), "http://127.0.0.1:9");
    let (code, _, err) = tokio::task::spawn_blocking(move || status(&closed, "json"))
        .await
        .unwrap();
    assert_eq!(code, 69, "{err}");
    assert!(err.contains("could not be reached"), "{err}");
}

// ---- Azure ML readiness ----

fn check_of<'a>(c: &'a ComponentStatus, name: &str) -> &'a azfailover::health::Check {
    c.checks
        .iter()
        .find(|k| k.name == name)
        .unwrap_or_else(|| panic!("{}: no check {name}", c.name))
}

#[tokio::test]
async fn the_demo_workspaces_pass_datastores_and_quota() {
    let sim = Sim::start(SCALE).await;
    let s = snapshot(&sim).await;
    let ws = comp(&s, "workspace");
    let k = check_of(ws, "datastores");
    assert_eq!(k.passed, Some(true), "{}", k.reason);
    assert_eq!(
        k.reason,
        "training_data in both workspaces, on geo-redundant storage"
    );
    for name in ["train-cluster", "churn-endpoint"] {
        let k = check_of(comp(&s, name), "quota");
        assert_eq!(k.passed, Some(true), "{name}: {}", k.reason);
    }
    let k = check_of(ws, "linked resources");
    assert_eq!(k.passed, Some(true), "{}", k.reason);
    assert!(k.reason.starts_with("storage stmlwcontosowestus in westus, Key Vault kv-contoso-ml, registry acrcontosoml (replica in westus)"), "{}", k.reason);
    let k = check_of(ws, "assets");
    assert_eq!(k.passed, Some(true), "{}", k.reason);
    assert_eq!(
        k.reason,
        "3 asset(s) of the primary's deployments reach westus (1 from a replicated registry)"
    );
}

#[tokio::test]
async fn a_model_only_in_the_primary_region_and_a_missing_environment_are_named() {
    let sim = Sim::start(SCALE).await;
    for item in ["registry-region", "environment"] {
        sim.inject(Fault::WorkspaceDrift {
            resource: Some(workspace("westus")),
            target: None,
            item: item.into(),
            name: None,
        });
    }
    let s = snapshot(&sim).await;
    let k = check_of(comp(&s, "workspace"), "assets");
    assert_eq!(k.passed, Some(false));
    assert_eq!(
        k.reason,
        "missing in westus: churn-model:7 (model, registry mlr-contoso-ml does not replicate to westus), churn-env:3 (environment)"
    );
    assert_eq!(azfailover::exit::of_grade(s.grade()), 1);
}

#[tokio::test]
async fn a_datastore_missing_in_the_standby_workspace_makes_it_not_ready() {
    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::WorkspaceDrift {
        resource: Some(workspace("westus")),
        target: None,
        item: "datastore".into(),
        name: Some("training_data".into()),
    });
    let s = snapshot(&sim).await;
    let ws = comp(&s, "workspace");
    assert!(!ws.ready);
    let k = check_of(ws, "datastores");
    assert_eq!(k.passed, Some(false));
    assert_eq!(k.reason, "training_data missing in westus");
    assert_eq!(azfailover::exit::of_grade(s.grade()), 1);
    assert!(
        s.verdict
            .blockers
            .iter()
            .any(|b| b.reason.contains("training_data missing in westus")),
        "{:?}",
        s.verdict.blockers
    );

    sim.inject(Fault::WorkspaceDrift {
        resource: Some(workspace("westus")),
        target: None,
        item: "restore".into(),
        name: None,
    });
    let s = snapshot(&sim).await;
    assert_eq!(
        check_of(comp(&s, "workspace"), "datastores").passed,
        Some(true)
    );
}

#[tokio::test]
async fn a_gpu_quota_short_in_the_secondary_names_the_family_and_the_missing_vcpus() {
    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::Quota {
        region: "westus".into(),
        limit: 96,
        family: Some("NCADSA100v4".into()),
    });
    let s = snapshot(&sim).await;
    let c = comp(&s, "train-cluster");
    let k = check_of(c, "quota");
    assert_eq!(k.passed, Some(false));
    assert!(
        k.reason.starts_with(
            "Standard NCADSA100v4 Family Cluster Dedicated vCPUs in westus: 96 vCPUs missing (192 needed at target size"
        ),
        "{}",
        k.reason
    );
    assert!(!c.ready);
    assert_eq!(azfailover::exit::of_grade(s.grade()), 1);
    // The endpoint's family is another one.
    assert_eq!(
        check_of(comp(&s, "churn-endpoint"), "quota").passed,
        Some(true)
    );
}

/// `status` (the real binary, JSON) after each Azure ML readiness fault of the contract: exit 1,
/// the named check failing with the item in its reason, the side-by-side row of the secondary
/// marked missing; and every other readiness check of the workspace still passing.
#[tokio::test]
async fn status_names_the_item_of_every_readiness_fault() {
    let ws = workspace("westus");
    let drift = |item: &str, name: Option<&str>| Fault::WorkspaceDrift {
        resource: Some(ws.clone()),
        target: None,
        item: item.into(),
        name: name.map(str::to_string),
    };
    let cases: Vec<(Fault, &str, &str, &str)> = vec![
        (
            drift("datastore", Some("training_data")),
            "workspace",
            "datastores",
            "training_data missing in westus",
        ),
        (
            drift("environment", None),
            "workspace",
            "assets",
            "churn-env:3 (environment)",
        ),
        (
            drift("registry-region", None),
            "workspace",
            "assets",
            "does not replicate to westus",
        ),
        (
            drift("role-assignment", None),
            "workspace",
            "identity roles",
            "mlw-contoso-westus's identity lacks Contributor on the workspace (mlw-contoso-westus)",
        ),
        (
            drift("user-role", None),
            "workspace",
            "identity roles",
            "AzureML Data Scientist of user 11111111-2222-4333-8444-555555555555 is on the primary workspace, not on mlw-contoso-westus",
        ),
        (
            drift("private-endpoint", None),
            "workspace",
            "private network",
            "no approved private endpoint for mlw-contoso-westus in westus",
        ),
        (
            drift("dns-link", None),
            "workspace",
            "private network",
            "privatelink.api.azureml.ms is not linked to",
        ),
        (
            drift("managed-network", None),
            "workspace",
            "managed network",
            "managed network is Inactive: ≈30 min to provision",
        ),
        (
            Fault::Quota {
                region: "westus".into(),
                limit: 96,
                family: Some("NCADSA100v4".into()),
            },
            "train-cluster",
            "quota",
            "Standard NCADSA100v4 Family Cluster Dedicated vCPUs in westus: 96 vCPUs missing",
        ),
    ];
    for (fault, component, check, item) in cases {
        let sim = Sim::start(SCALE).await;
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(dir.path(), sim.url());
        let what = format!("{fault:?}");
        sim.inject(fault);
        let (code, out, err) = tokio::task::spawn_blocking(move || status(&path, "json"))
            .await
            .unwrap();
        assert_eq!(code, 1, "{what}: {err}");
        let s: serde_json::Value = serde_json::from_str(&out).unwrap();
        let c = s["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == component)
            .unwrap();
        let k = c["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["name"] == check)
            .unwrap_or_else(|| panic!("{what}: no check {check}"));
        assert_eq!(k["passed"], false, "{what}: {k}");
        let reason = k["reason"].as_str().unwrap();
        assert!(reason.contains(item), "{what}: {reason}");
        if component == "workspace" {
            assert!(
                c["standby"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r["check"] == check && r["secondary"] == false),
                "{what}: no missing row for {check}: {:#}",
                c["standby"]
            );
            for other in [
                "datastores",
                "assets",
                "identity roles",
                "private network",
                "managed network",
            ] {
                if other == check {
                    continue;
                }
                let k = c["checks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|k| k["name"] == other)
                    .unwrap();
                assert_eq!(k["passed"], true, "{what}: {other} should still pass: {k}");
            }
        }
    }
}

/// The deployments take their model from the registry: the secondary workspace losing its own
/// copy changes nothing (the registry replicates to westus), and `assets` says where it comes
/// from.
#[tokio::test]
async fn a_model_removed_from_the_secondary_workspace_still_reaches_it_from_the_registry() {
    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::WorkspaceDrift {
        resource: Some(workspace("westus")),
        target: None,
        item: "model".into(),
        name: None,
    });
    let s = snapshot(&sim).await;
    let ws = comp(&s, "workspace");
    let k = check_of(ws, "assets");
    assert_eq!(k.passed, Some(true), "{}", k.reason);
    let row = ws
        .standby
        .iter()
        .find(|r| r.item == "model churn-model:7")
        .expect("the model's row");
    assert_eq!(row.secondary, Some(true));
    assert_eq!(row.note, "registry mlr-contoso-ml");
}

/// Several resources of a kind are read with one subscription-wide list; in an outage the list
/// lacks the downed region's, and those are read on their own (and fail as they would).
#[tokio::test]
async fn a_kind_with_several_resources_is_read_by_one_list_and_an_outage_still_shows() {
    let mut text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo.toml")).unwrap();
    for i in 2..4 {
        text.push_str(&format!(
            "\n[[components]]\nname = \"workspace-{i}\"\nkind = \"ml-workspace\"\nmode = \"hot-cold\"\nprimary = \"{}\"\nsecondary = \"{}\"\n",
            common::rid("rg-contoso-ml-eastus", &format!("Microsoft.MachineLearningServices/workspaces/mlw-{i}-eastus")),
            common::rid("rg-contoso-ml-westus", &format!("Microsoft.MachineLearningServices/workspaces/mlw-{i}-westus")),
        ));
    }
    let cfg = Config::parse(&text, "test").unwrap();
    let sim = Sim::with_config(&cfg, SCALE).await;
    let mut c = cfg.clone();
    c.deployment.arm_endpoint = sim.url().to_string();
    c.auth.method = azfailover::config::AuthMethod::Simulator;
    let (client, _) = connect(&c, Access::ReadOnly, ClientOptions::default()).unwrap();
    // The lists, as without Resource Graph (its query serves workspaces: see below).
    let collector = Collector::with_options(
        c.clone(),
        client,
        CollectOptions {
            resource_graph: false,
            ..CollectOptions::default()
        },
    );
    let s = collector.collect().await.unwrap();
    for name in ["workspace", "workspace-2", "workspace-3"] {
        let k = check_of(comp(&s, name), "standby provisioned");
        assert_eq!(k.passed, Some(true), "{name}: {}", k.reason);
    }
    let gets = |path: &str| {
        let w = sim.server.world();
        let w = w.lock().unwrap();
        w.gets.get(&path.to_ascii_lowercase()).copied().unwrap_or(0)
    };
    let list =
        format!("/subscriptions/{SUB}/providers/Microsoft.MachineLearningServices/workspaces");
    assert_eq!(gets(&list), 1, "one list of the six workspaces");
    let ws2 = common::rid(
        "rg-contoso-ml-eastus",
        "Microsoft.MachineLearningServices/workspaces/mlw-2-eastus",
    );
    assert_eq!(gets(&ws2), 0, "the list carried it: no GET of its own");
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    let s = collector.collect().await.unwrap();
    let w2 = comp(&s, "workspace-2");
    let primary = w2.instances.iter().find(|i| i.region == "eastus").unwrap();
    assert_ne!(
        primary.health,
        azfailover::health::InstanceHealth::Available,
        "the downed region's workspace is not read as available from a list: {primary:?}"
    );
}

/// Workspace pairs share what readiness reads beside them — data accounts, private endpoints,
/// the DNS zones — and each is read once per collection; the private endpoints come from one
/// list of the subscription's, the connections from the accounts' and workspaces' own answers;
/// the setup (datastores, assets, outbound rules) is kept like the roles.
#[tokio::test]
async fn workspace_pairs_read_what_they_share_once() {
    let mut text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo.toml")).unwrap();
    for i in 2..5 {
        text.push_str(&format!(
            "\n[[components]]\nname = \"workspace-{i}\"\nkind = \"ml-workspace\"\nmode = \"hot-cold\"\nprimary = \"{}\"\nsecondary = \"{}\"\n",
            common::rid("rg-contoso-ml-eastus", &format!("Microsoft.MachineLearningServices/workspaces/mlw-{i}-eastus")),
            common::rid("rg-contoso-ml-westus", &format!("Microsoft.MachineLearningServices/workspaces/mlw-{i}-westus")),
        ));
    }
    let cfg = Config::parse(&text, "test").unwrap();
    // Azure's clock at real time: the 5 minutes the setup is kept do not pass in the test.
    let sim = Sim::with_config(&cfg, 1.0).await;
    let mut c = cfg.clone();
    c.deployment.arm_endpoint = sim.url().to_string();
    c.auth.method = azfailover::config::AuthMethod::Simulator;
    let (client, _) = connect(&c, Access::ReadOnly, ClientOptions::default()).unwrap();
    let collector = Collector::new(c.clone(), client);
    let s = collector.collect().await.unwrap();
    for name in ["workspace", "workspace-2", "workspace-3", "workspace-4"] {
        for check in ["private network", "datastores", "identity roles"] {
            let k = check_of(comp(&s, name), check);
            assert_eq!(k.passed, Some(true), "{name} {check}: {}", k.reason);
        }
    }
    let gets = |filter: &dyn Fn(&str) -> bool| {
        let w = sim.server.world();
        let w = w.lock().unwrap();
        w.gets
            .iter()
            .filter(|(p, _)| filter(p))
            .map(|(p, n)| (p.clone(), *n))
            .collect::<Vec<_>>()
    };
    // Beside the component's own reads: a configured data account once more (readiness reads
    // its connections with it) and the primary's deployments once more (for their assets).
    let own_twice = ["/storageaccounts/stcontosotraindata", "/deployments"];
    let more_than_once = gets(&|_| true)
        .into_iter()
        .filter(|(p, n)| {
            let expected = p.contains("/providers/microsoft.resourcehealth/")
                || (*n == 2 && own_twice.iter().any(|x| p.ends_with(x)));
            *n > 1 && !expected
        })
        .collect::<Vec<_>>();
    assert!(
        more_than_once.is_empty(),
        "one collection reads each path once: {more_than_once:?}"
    );
    let endpoints = gets(&|p| p.contains("/microsoft.network/privateendpoints"));
    assert_eq!(
        endpoints,
        vec![(
            format!("/subscriptions/{SUB}/providers/microsoft.network/privateendpoints")
                .to_ascii_lowercase(),
            1
        )],
        "the private endpoints come from one list"
    );
    // Four pairs: every role assignment from one unfiltered list of the subscription, none
    // asked scope by scope or principal by principal.
    let assignments = gets(&|p| p.ends_with("/providers/microsoft.authorization/roleassignments"));
    assert_eq!(
        assignments,
        vec![(
            format!("/subscriptions/{SUB}/providers/microsoft.authorization/roleassignments")
                .to_ascii_lowercase(),
            1
        )],
        "the role assignments come from one list"
    );
    let connections = gets(&|p| p.ends_with("/privateendpointconnections"));
    assert!(
        connections.is_empty(),
        "the connections come with the workspaces and accounts: {connections:?}"
    );
    let before = gets(&|p| p.ends_with("/datastores") || p.ends_with("/outboundrules"));
    assert!(!before.is_empty());
    collector.collect().await.unwrap();
    assert_eq!(
        gets(&|p| p.ends_with("/datastores") || p.ends_with("/outboundrules")),
        before,
        "the setup is kept between refreshes"
    );
    // A refresh the responder asks for reads it again.
    collector.forget_slow_reads();
    collector.collect().await.unwrap();
    assert!(
        gets(&|p| p.ends_with("/datastores"))
            .iter()
            .all(|(_, n)| *n == 2)
    );
    // What the one list gives is judged as the lists scope by scope were: a role taken from one
    // pair's secondary identity, and a user's role missing on another's standby, are named on
    // those pairs only.
    for (item, ws) in [
        ("role-assignment", "mlw-3-westus"),
        ("user-role", "mlw-4-westus"),
    ] {
        sim.inject(Fault::WorkspaceDrift {
            resource: Some(common::rid(
                "rg-contoso-ml-westus",
                &format!("Microsoft.MachineLearningServices/workspaces/{ws}"),
            )),
            target: None,
            item: item.into(),
            name: None,
        });
    }
    collector.forget_slow_reads();
    let s = collector.collect().await.unwrap();
    let roles = |name: &str| check_of(comp(&s, name), "identity roles").clone();
    assert_eq!(
        roles("workspace").passed,
        Some(true),
        "{}",
        roles("workspace").reason
    );
    assert_eq!(
        roles("workspace-2").passed,
        Some(true),
        "{}",
        roles("workspace-2").reason
    );
    for name in ["workspace-3", "workspace-4"] {
        assert_eq!(
            roles(name).passed,
            Some(false),
            "{name}: {}",
            roles(name).reason
        );
    }
}

/// A demo refresh in a regional outage fits what the documented read bucket (250, refilled 25 a
/// second) gets back in the console's 2 s between refreshes, with the console's probe of each
/// region every second — with little to spare, and a run's reads come on top (a drill at ×60
/// reads live state many times a second): so the demo's and drills' own simulator still runs
/// without ARM's token buckets (`DEMO_RATE_LIMITS`).
#[tokio::test]
async fn a_demo_refresh_in_an_outage_fits_the_documented_read_refill() {
    use azfailover::sim::RateLimits;
    // Azure's clock at real time, as the demo runs it: the minutes the slow reads are kept
    // (Azure's time) must not pass between the two refreshes.
    let sim = Sim::start(1.0).await;
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    let cfg = pointed(&sim);
    let (client, _) = connect(&cfg, Access::ReadOnly, ClientOptions::from_config(&cfg)).unwrap();
    let collector = Collector::new(cfg, client.clone());
    collector.collect().await.expect("a first snapshot");
    // The second refresh, as every later one: the slowly changing reads are cached by now.
    let s = collector.collect().await.expect("a snapshot");
    assert_eq!(
        client.budget().throttled,
        0,
        "the buckets held two refreshes"
    );
    eprintln!("a demo refresh in an outage: {} reads", s.requests);
    let refill = RateLimits::documented().reads.refill_per_second;
    let demand = s.requests as f64 / 2.0 + 2.0;
    assert!(
        demand <= refill,
        "{} reads a refresh: {demand} a second, more than the read bucket's refill of {refill}",
        s.requests
    );
    // So the demo's own simulator has none: no throttling, no rate-limit headers.
    let demo = azfailover::app::Target::simulated(Config::demo(), None, None, true, None)
        .await
        .expect("the demo's simulator");
    let url = demo.sim.as_ref().expect("in process").url().to_string();
    let r = reqwest::Client::new()
        .get(format!("{url}/subscriptions/{SUB}?api-version=2022-12-01"))
        .bearer_auth("t")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()
            .get("x-ms-ratelimit-remaining-subscription-reads")
            .is_none()
    );
    let budget: serde_json::Value = reqwest::get(format!("{url}/_sim/budget"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(budget["enabled"], false);
}

// ---- inventory from Azure Resource Graph ------------------------------------------------------

const BENCH_SUB: &str = common::bench_like::SUB;

/// A deployment like the benchmark's (`examples/bench.rs`, the same generator): `n` components
/// cycling through ten kinds, half paired, half replicated.
fn bench_like(n: usize) -> Config {
    Config::parse(&common::bench_like::toml(n), "bench-like").expect("a valid configuration")
}

/// A simulator of a bench-like `cfg` without ARM's buckets (several collections of it at once
/// would empty them), on a clock at real time (the lag an outage freezes must not grow between
/// two collections compared).
async fn bench_like_sim(cfg: &Config) -> Sim {
    Sim::with_options(
        cfg,
        azfailover::sim::SimOptions {
            time_scale: Some(1.0),
            rate_limits: Some(azfailover::sim::RateLimits::unlimited()),
            ..Default::default()
        },
    )
    .await
}

/// What a responder sees of a snapshot, without what moves between two of them (times, lag,
/// request ids).
fn statuses(s: &Snapshot) -> Vec<String> {
    let plain = |e: &str| {
        e.split(" [x-ms-request-id")
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let mut out = vec![format!("overall {:?}", s.overall)];
    for r in &s.regions {
        out.push(format!(
            "region {} {:?} {} {:?}",
            r.name,
            r.health,
            r.reason,
            r.not_responding_since.is_some()
        ));
    }
    for c in &s.components {
        out.push(format!(
            "{} active {} ready {} ha {}",
            c.name, c.active_region, c.ready, c.ha_status
        ));
        for i in &c.instances {
            out.push(format!(
                "{} {} {:?} {} {:?}",
                c.name,
                i.region,
                i.health,
                i.state,
                i.detail.as_deref().map(plain)
            ));
        }
        for k in &c.checks {
            out.push(format!("{} check {} {:?}", c.name, k.name, k.passed));
        }
        // Which read failed may differ (a workspace's own GET, or its computes beside its
        // row), not whether one did.
        out.push(format!("{} errors {}", c.name, c.errors.len()));
    }
    out
}

/// Asserts two snapshots say the same, naming the lines that differ.
fn assert_same(a: &Snapshot, b: &Snapshot, what: &str) {
    let (a, b) = (statuses(a), statuses(b));
    let only_a: Vec<&String> = a.iter().filter(|l| !b.contains(l)).collect();
    let only_b: Vec<&String> = b.iter().filter(|l| !a.contains(l)).collect();
    assert!(
        a == b,
        "{what}: with Resource Graph only:\n{only_a:#?}\nwithout only:\n{only_b:#?}"
    );
}

/// A collector of `cfg` against `sim`, with or without Resource Graph.
fn collector_of(sim: &Sim, cfg: &Config, resource_graph: bool) -> Collector {
    let mut c = cfg.clone();
    c.use_simulator(sim.url());
    let (client, _) = connect(&c, Access::ReadOnly, ClientOptions::default()).unwrap();
    Collector::with_options(
        c,
        client,
        CollectOptions {
            resource_graph,
            ..CollectOptions::default()
        },
    )
}

fn gets(sim: &Sim, path: &str) -> u64 {
    let w = sim.server.world();
    let w = w.lock().unwrap();
    w.gets.get(&path.to_ascii_lowercase()).copied().unwrap_or(0)
}

fn graph_queries(sim: &Sim) -> u64 {
    sim.server.world().lock().unwrap().graph_queries
}

/// The benchmark's kind of deployment reads the same with Resource Graph as without it, in
/// fewer requests: its workspaces, vaults and registries come from one query instead of their
/// lists; in an outage too.
#[tokio::test]
async fn a_bench_like_deployment_reads_the_same_with_resource_graph_in_fewer_requests() {
    let cfg = bench_like(40);
    let sim = bench_like_sim(&cfg).await;
    let (with, without) = (
        collector_of(&sim, &cfg, true),
        collector_of(&sim, &cfg, false),
    );
    let lists = |sim: &Sim| {
        [
            "Microsoft.MachineLearningServices/workspaces",
            "Microsoft.KeyVault/vaults",
            "Microsoft.ContainerRegistry/registries",
        ]
        .iter()
        .map(|t| gets(sim, &format!("/subscriptions/{BENCH_SUB}/providers/{t}")))
        .sum::<u64>()
    };
    // First passes each (nothing cached yet on either side: the same reads but the inventory's).
    let a = with.collect().await.unwrap();
    assert_eq!(graph_queries(&sim), 1, "one query per collection");
    assert_eq!(lists(&sim), 0, "no list of the kinds the query serves");
    let b = without.collect().await.unwrap();
    assert_eq!(lists(&sim), 3, "without it: three lists");
    assert_same(&a, &b, "healthy");
    assert!(
        a.requests < b.requests,
        "{} requests with Resource Graph, {} without",
        a.requests,
        b.requests
    );
    eprintln!(
        "bench-like 40, first pass: {} requests with Resource Graph, {} without",
        a.requests, b.requests
    );

    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    let a = with.collect().await.unwrap();
    let b = without.collect().await.unwrap();
    assert_same(&a, &b, "in an outage");
}

/// A resource the query does not return is read on its own (its error is its own); when the
/// query fails the collection reads as without it, and says the same.
#[tokio::test]
async fn a_resource_graph_that_lacks_a_resource_or_fails_leaves_it_to_the_provider() {
    // At real time: the retried query must not age the lags read beside it.
    let sim = Sim::start(1.0).await;
    // The collector's configuration names a vault the world does not have: ARG cannot return it.
    let mut cfg = Config::demo();
    let mut vault = cfg
        .components
        .iter()
        .find(|c| c.kind == azfailover::config::ComponentKind::KeyVault)
        .unwrap()
        .clone();
    let gone = common::rid("rg-contoso-ml-global", "Microsoft.KeyVault/vaults/kv-gone");
    vault.name = "gone-vault".into();
    vault.targets = azfailover::config::Targets::Replicated {
        resource: azfailover::config::ResourceId::parse(&gone).unwrap(),
        regions: Vec::new(),
    };
    cfg.components.push(vault);
    let with = collector_of(&sim, &cfg, true);
    let without = collector_of(&sim, &cfg, false);
    let kv = common::rid(
        "rg-contoso-ml-global",
        "Microsoft.KeyVault/vaults/kv-contoso-ml",
    );
    let a = with.collect().await.unwrap();
    assert_eq!(graph_queries(&sim), 1);
    assert_eq!(gets(&sim, &kv), 0, "the query carried the demo's vault");
    assert_eq!(gets(&sim, &gone), 1, "the one it lacks is read on its own");
    let missing = comp(&a, "gone-vault");
    assert!(
        missing
            .errors
            .iter()
            .any(|e| e.contains("ResourceNotFound")),
        "its own error: {:?}",
        missing.errors
    );
    let b = without.collect().await.unwrap();
    assert_same(&a, &b, "a vault ARG lacks");
    // Every Resource Graph query fails: the provider reads, the same statuses.
    sim.inject(Fault::Flaky {
        error_rate: 1.0,
        drop_rate: 0.0,
        seconds: None,
        methods: Some(vec!["POST".into()]),
        after_apply: None,
    });
    let before = gets(&sim, &kv);
    let c = with.collect().await.unwrap();
    assert!(
        graph_queries(&sim) == 1,
        "the failed query never reached ARG's answer"
    );
    assert_eq!(gets(&sim, &kv), before + 1, "the vault read on its own");
    assert_same(&c, &b, "the query failed");
}

// ---- details reused by the console's refreshes -------------------------------------------------

/// The console's refreshes reuse what no list carries (storage replication statistics, the
/// partner server's view of a SQL group, registry replications, workspace computes) while the
/// last snapshot saw the component healthy and the resource is as it was; they say the same as
/// a collection that reads everything, date what they reused, and read a detail again as soon
/// as its resource changes or anything in the deployment's regions is unhealthy.
#[tokio::test]
async fn the_console_reuses_unchanged_details_while_all_is_healthy_and_reads_them_on_any_change() {
    let cfg = bench_like(40);
    let sim = bench_like_sim(&cfg).await;
    let mut c = cfg.clone();
    c.use_simulator(sim.url());
    let (client, _) = connect(&c, Access::ReadOnly, ClientOptions::default()).unwrap();
    let console = Collector::with_options(c.clone(), client.clone(), CollectOptions::console());
    let everything = Collector::new(c.clone(), client);
    let rg = |p: &str| format!("/subscriptions/{BENCH_SUB}/resourceGroups/{p}");
    let account = rg("rg-data/providers/Microsoft.Storage/storageAccounts/st0");
    let details = [
        account.clone(),
        rg("rg-data/providers/Microsoft.Storage/storageAccounts/st10"),
        // c1's partner server (the simulator's pairs are named after their regions).
        rg("rg-data/providers/Microsoft.Sql/servers/sql1-westus/failoverGroups/fog1"),
        rg("rg-g/providers/Microsoft.ContainerRegistry/registries/acr3/replications"),
        rg("rg-e/providers/Microsoft.MachineLearningServices/workspaces/ws6e/computes"),
        rg("rg-w/providers/Microsoft.MachineLearningServices/workspaces/ws6w/computes"),
    ];
    let reads = |sim: &Sim| details.iter().map(|p| gets(sim, p)).collect::<Vec<_>>();
    let storage_list =
        format!("/subscriptions/{BENCH_SUB}/providers/Microsoft.Storage/storageAccounts");

    let first = console.collect().await.unwrap();
    let read_first = reads(&sim);
    assert_eq!(
        read_first,
        vec![1; details.len()],
        "the first refresh reads every detail"
    );
    // (Readiness takes the accounts its workspaces keep their data in from that list.)
    let lists = gets(&sim, &storage_list);
    let second = console.collect().await.unwrap();
    assert_eq!(
        reads(&sim),
        read_first,
        "all healthy: the details are reused"
    );
    assert_eq!(
        gets(&sim, &storage_list),
        lists + 1,
        "the accounts from one list"
    );
    assert!(
        second.requests + 30 <= first.requests,
        "{} requests, then {}",
        first.requests,
        second.requests
    );
    let fresh = everything.collect().await.unwrap();
    assert_same(&second, &fresh, "reused details");
    let dated = comp(&second, "c0")
        .properties
        .iter()
        .find(|(k, _)| k == "geo-replication statistics")
        .map(|(_, v)| v.clone())
        .expect("the reused statistics are dated");
    assert!(
        dated.starts_with("read ") && dated.contains(" s ago"),
        "{dated}"
    );
    assert!(
        !comp(&fresh, "c0")
            .properties
            .iter()
            .any(|(k, _)| k == "geo-replication statistics"),
        "a collection that reads everything dates nothing"
    );
    let before = reads(&sim);

    // The account changes (its primary endpoint goes down): its statistics are read again at
    // once, the others are still reused.
    sim.inject(Fault::ResourceDown {
        resource: Some(account.clone()),
        target: None,
    });
    let third = console.collect().await.unwrap();
    let now = reads(&sim);
    assert_eq!(now[0], before[0] + 1, "the changed account is read again");
    assert_eq!(now[1..], before[1..], "the unchanged ones are not");
    assert_same(
        &third,
        &everything.collect().await.unwrap(),
        "one account down",
    );

    // A region under a Service Health incident: nothing is calm, every detail is read again.
    sim.inject(Fault::RegionDegrade {
        region: "westus".into(),
        title: Some("Storage incident".into()),
    });
    console.collect().await.unwrap();
    let before = reads(&sim);
    console.collect().await.unwrap();
    let after = reads(&sim);
    assert!(
        before.iter().zip(&after).all(|(b, a)| a == &(b + 1)),
        "while a region is unhealthy every refresh reads every detail: {before:?} → {after:?}"
    );
}
