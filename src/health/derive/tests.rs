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
