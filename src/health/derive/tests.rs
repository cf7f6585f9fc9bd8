//! Pure derivation tests on hand-built observations (the simulator-backed ones are in
//! tests/health.rs).

use std::collections::{BTreeMap, HashMap};

use super::*;
use crate::health::collect::{Observations, Reading};

fn ws(name: &str, computes: &[&str]) -> Reading {
    let w: Workspace = serde_json::from_value(
        serde_json::json!({"id": format!("/x/{name}"), "name": name, "properties": {}}),
    )
    .unwrap();
    let cs = computes
        .iter()
        .map(|c| {
            serde_json::from_value(serde_json::json!({"id": format!("/x/{c}"), "name": c})).unwrap()
        })
        .collect();
    Reading::Workspace(w, cs)
}

fn observations(
    _cfg: &Config,
    reads: Vec<(&ResourceId, Result<Reading, ReadError>)>,
) -> Observations {
    Observations {
        now: OffsetDateTime::now_utc(),
        availability: Ok(HashMap::new()),
        events: Ok(Vec::new()),
        reads: reads
            .into_iter()
            .map(|(id, r)| (id.key(), r))
            .collect::<HashMap<_, _>>(),
    }
}

fn workspace_ids(cfg: &Config) -> (ResourceId, ResourceId) {
    match &cfg.component("workspace").unwrap().targets {
        Targets::Paired { primary, secondary } => (primary.clone(), secondary.clone()),
        _ => unreachable!(),
    }
}

#[test]
fn drift_between_workspaces_makes_the_standby_not_ready() {
    let cfg = Config::demo();
    let (p, s) = workspace_ids(&cfg);
    let obs = observations(
        &cfg,
        vec![
            (&p, Ok(ws("a", &["gpu-train", "cpu-etl"]))),
            (&s, Ok(ws("b", &["gpu-train"]))),
        ],
    );
    let snap = snapshot(&cfg, &obs, &mut BTreeMap::new());
    let c = snap
        .components
        .iter()
        .find(|c| c.name == "workspace")
        .unwrap();
    assert!(!c.ready);
    assert_eq!(
        c.ha_status,
        "standby not ready: drift: missing in westus: cpu-etl"
    );
}

#[test]
fn an_unreadable_standby_is_not_ready_and_says_why() {
    let cfg = Config::demo();
    let (p, s) = workspace_ids(&cfg);
    let err = ReadError {
        message: "GET ...: 403 AuthorizationFailed: no access".into(),
        not_responding: false,
        auth: false,
        transient: false,
    };
    let obs = observations(&cfg, vec![(&p, Ok(ws("a", &[]))), (&s, Err(err))]);
    let snap = snapshot(&cfg, &obs, &mut BTreeMap::new());
    let c = snap
        .components
        .iter()
        .find(|c| c.name == "workspace")
        .unwrap();
    assert!(c.ha_status.starts_with("standby not ready: mlw-contoso-westus could not be read: GET ...: 403 AuthorizationFailed"), "{}", c.ha_status);
    assert_eq!(c.instances[1].health, InstanceHealth::Unknown);
    assert_eq!(c.errors.len(), 1);
}

#[test]
fn nothing_read_means_unknown_not_healthy() {
    let cfg = Config::demo();
    let obs = observations(&cfg, Vec::new());
    let snap = snapshot(&cfg, &obs, &mut BTreeMap::new());
    assert!(
        snap.components
            .iter()
            .all(|c| !c.ready || c.ha_status.contains("Microsoft")),
        "{:#?}",
        snap.components
            .iter()
            .map(|c| (&c.name, &c.ha_status))
            .collect::<Vec<_>>()
    );
    assert_ne!(snap.exit_code(), 0);
}

fn storage_id(cfg: &Config) -> ResourceId {
    match &cfg.component("training-data").unwrap().targets {
        Targets::Replicated { resource, .. } => resource.clone(),
        _ => unreachable!(),
    }
}

/// The demo's RA-GRS account, eastus → westus, last synced `lag` seconds before `now`.
fn storage(id: &ResourceId, now: OffsetDateTime, lag: i64, status: &str) -> Reading {
    let last_sync = crate::timefmt::rfc3339(now - time::Duration::seconds(lag));
    Reading::Storage(
        serde_json::from_value(serde_json::json!({
            "id": id.to_string(), "name": id.name(), "location": "eastus",
            "sku": {"name": "Standard_RAGRS"},
            "properties": {
                "primaryLocation": "eastus", "secondaryLocation": "westus",
                "statusOfPrimary": "available", "statusOfSecondary": "available",
                "geoReplicationStats": {"status": status, "lastSyncTime": last_sync,
                    "canFailover": true, "canPlannedFailover": status == "Live"}
            }
        }))
        .unwrap(),
    )
}

/// A critical Service Health issue in eastus.
fn eastus_down() -> Vec<crate::azure::models::ServiceHealthEvent> {
    vec![
        serde_json::from_value(serde_json::json!({
            "name": "SIM-1",
            "properties": {"eventType": "ServiceIssue", "status": "Active", "eventLevel": "Critical",
                "title": "power event in East US",
                "impact": [{"impactedService": "Storage",
                    "impactedRegions": [{"impactedRegion": "eastus", "status": "Active"}]}]}
        }))
        .unwrap(),
    ]
}

fn lag_check(snap: &Snapshot) -> &Check {
    snap.components
        .iter()
        .find(|c| c.name == "training-data")
        .unwrap()
        .checks
        .iter()
        .find(|k| k.name == "lag within RPO")
        .unwrap()
}

#[test]
fn a_lag_that_grows_because_the_source_is_down_is_no_failed_check() {
    let cfg = Config::demo();
    let id = storage_id(&cfg);
    let mut obs = observations(&cfg, Vec::new());
    obs.now = obs.now.replace_nanosecond(0).unwrap();
    obs.reads
        .insert(id.key(), Ok(storage(&id, obs.now, 20 * 60, "Unavailable")));
    let live = snapshot(&cfg, &obs, &mut BTreeMap::new());
    assert_eq!(
        lag_check(&live).passed,
        Some(false),
        "eastus answers: the lag is a standby problem"
    );

    obs.events = Ok(eastus_down());
    let down = snapshot(&cfg, &obs, &mut BTreeMap::new());
    let k = lag_check(&down);
    assert_eq!(k.passed, None, "{k:?}");
    assert_eq!(
        k.reason,
        "lag 20 min vs RPO 15 min: replication stopped with eastus; a forced failover loses it"
    );
    let c = down
        .components
        .iter()
        .find(|c| c.name == "training-data")
        .unwrap();
    assert!(c.ready, "the standby can take over: {}", c.ha_status);
    assert_eq!(
        down.verdict.estimated_data_loss_seconds,
        Some(20 * 60),
        "{:?}",
        down.verdict
    );
}

#[test]
fn a_copy_towards_the_downed_region_waits_for_it_and_is_no_failed_check() {
    // After the failover: westus is the account's primary, re-protected towards eastus, down.
    let cfg = Config::demo();
    let id = storage_id(&cfg);
    let mut obs = observations(&cfg, Vec::new());
    let account = serde_json::json!({
        "id": id.to_string(), "name": id.name(), "location": "westus",
        "sku": {"name": "Standard_RAGRS"},
        "properties": {
            "primaryLocation": "westus", "secondaryLocation": "eastus",
            "geoReplicationStats": {"status": "Bootstrap", "canFailover": false,
                "lastSyncTime": crate::timefmt::rfc3339(obs.now)}
        }
    });
    obs.reads.insert(
        id.key(),
        Ok(Reading::Storage(serde_json::from_value(account).unwrap())),
    );
    obs.events = Ok(eastus_down());
    let snap = snapshot(&cfg, &obs, &mut BTreeMap::new());
    let c = snap
        .components
        .iter()
        .find(|c| c.name == "training-data")
        .unwrap();
    assert_eq!(c.active_region, "westus");
    let check = |name: &str| c.checks.iter().find(|k| k.name == name).unwrap();
    assert_eq!(check("replication live").passed, None, "{:?}", c.checks);
    assert_eq!(
        check("replication live").reason,
        "geo-replication is Bootstrap: eastus is down; it goes on when eastus recovers"
    );
    assert_eq!(check("can fail over").passed, None);
}
