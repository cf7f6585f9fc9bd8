//! The verdict over hand-built snapshots of the demo's shape (the simulator-backed ones are in
//! tests/integration/health.rs).

use crate::config::{ComponentKind, Mode};
use time::macros::datetime;

use super::*;

const P: &str = "eastus";
const S: &str = "westus";

fn inst(region: &str, health: InstanceHealth, state: &str) -> InstanceStatus {
    InstanceStatus {
        region: region.into(),
        health,
        resource_id: format!("/subscriptions/x/{region}"),
        state: state.into(),
        detail: None,
    }
}

fn check(name: impl Into<CheckId>, passed: Option<bool>, reason: &str) -> Check {
    Check {
        name: name.into(),
        passed,
        reason: reason.into(),
    }
}

fn comp(name: &str, kind: &str, mode: &str, checks: Vec<Check>) -> ComponentStatus {
    ComponentStatus {
        name: name.into(),
        kind: ComponentKind::parse(kind).expect("a kind"),
        mode: Mode::parse(mode).expect("a mode"),
        active_region: P.into(),
        ready: true,
        ha_status: "standby ready".into(),
        instances: vec![
            inst(P, InstanceHealth::Available, "primary"),
            inst(S, InstanceHealth::Available, "secondary"),
        ],
        lag_seconds: None,
        rpo_seconds: 900,
        last_sync_time: None,
        checks,
        properties: Vec::new(),
        az_commands: Vec::new(),
        errors: Vec::new(),
        standby: Vec::new(),
        idle: Vec::new(),
    }
}

fn standby() -> Vec<Check> {
    vec![
        check("standby provisioned", Some(true), "exists in westus"),
        check("standby healthy", Some(true), "available"),
    ]
}

fn region(name: &str, role: RegionRole) -> RegionStatus {
    RegionStatus {
        name: name.into(),
        display_name: name.into(),
        role,
        health: RegionHealth::Healthy,
        reason: "11 of 11 resources available".into(),
        incidents: Vec::new(),
        resources: 11,
        available: 11,
        not_responding_since: None,
    }
}

/// The demo deployment, healthy, served from eastus.
fn healthy() -> Snapshot {
    let mut storage = comp(
        "training-data",
        "storage",
        "hot-cold",
        vec![
            check(
                "geo-redundant",
                Some(true),
                "Standard_RAGRS replicates to westus",
            ),
            check("replication live", Some(true), "geo-replication is Live"),
            check(CheckId::LagWithinRpo, Some(true), "lag 1 min vs RPO 15 min"),
            check("can fail over", Some(true), "canFailover is true"),
            check(
                "planned failover possible",
                Some(true),
                "a planned failover loses nothing",
            ),
        ],
    );
    storage.lag_seconds = Some(60.0);
    let mut sessions = comp("sessions", "cosmos-db", "hot-hot", Vec::new());
    sessions.instances[0].state = "write region".into();
    sessions.instances[1].state = "read region".into();
    let mut telemetry = comp("telemetry", "app-insights", "hot-hot", Vec::new());
    telemetry.ha_status = "both serving".into();
    let mut secrets = comp("secrets", "key-vault", "hot-hot", Vec::new());
    secrets.instances.truncate(1);
    Snapshot {
        deployment: "contoso-ml".into(),
        subscription_id: "sub".into(),
        overall: Overall::Healthy,
        regions: vec![
            region(P, RegionRole::Primary),
            region(S, RegionRole::Secondary),
        ],
        components: vec![
            comp("workspace", "ml-workspace", "hot-cold", standby()),
            comp("batch-aks", "aks", "hot-cold", standby()),
            storage,
            comp(
                "feature-store",
                "sql-failover-group",
                "hot-cold",
                Vec::new(),
            ),
            comp("churn-endpoint", "ml-online-endpoint", "hot-hot", standby()),
            comp("scoring-traffic", "traffic-manager", "hot-hot", Vec::new()),
            sessions,
            secrets,
            telemetry,
        ],
        taken_at: datetime!(2026-11-26 02:45:00 UTC),
        duration_ms: 0,
        requests: 0,
        identity: None,
        errors: Vec::new(),
        verdict: Verdict::default(),
        facts: Default::default(),
        reads_left: None,
        reads_waited: 0,
    }
}

fn get<'a>(s: &'a mut Snapshot, name: &str) -> &'a mut ComponentStatus {
    s.components.iter_mut().find(|c| c.name == name).unwrap()
}

/// eastus down as derive shows it: every eastus instance unavailable, replication out of it
/// frozen (the storage lag past the RPO is no failed check), hot/hot serving from westus only,
/// the router on westus, the Cosmos write region still in eastus.
fn outage() -> Snapshot {
    let mut s = healthy();
    s.overall = Overall::Outage;
    s.regions[0].health = RegionHealth::Outage;
    s.regions[0].reason = "Service Health: power event in East US".into();
    for c in &mut s.components {
        for i in c.instances.iter_mut().filter(|i| i.region == P) {
            i.health = InstanceHealth::Unavailable;
        }
        if c.mode == Mode::HotHot && c.kind != ComponentKind::CosmosDb && c.instances.len() == 2 {
            c.active_region = S.into();
            c.ready = false;
            c.ha_status = "only westus serving".into();
        }
    }
    let st = get(&mut s, "training-data");
    st.lag_seconds = Some(1_234.4);
    st.checks[1].passed = None;
    st.checks[2] = check(
        CheckId::LagWithinRpo,
        None,
        "lag 20 min vs RPO 15 min: replication stopped with eastus; a forced failover loses it",
    );
    st.checks[4].passed = None;
    get(&mut s, "sessions").ready = false;
    s
}

/// After a completed forced failover: data, routing and hot/cold components serve from westus.
fn failed_over(mut s: Snapshot) -> Snapshot {
    for c in &mut s.components {
        let moved = c.mode == Mode::HotCold
            || matches!(
                c.kind,
                ComponentKind::CosmosDb | ComponentKind::TrafficManager
            );
        if moved {
            c.active_region = S.into();
            c.ready = false;
            c.ha_status = "failed over to westus".into();
        }
    }
    s
}

/// eastus healthy again after the failover; what the failover left behind there: the Cosmos
/// region offline for the account, the storage account locally redundant.
fn recovered(mut s: Snapshot) -> Snapshot {
    s.overall = Overall::Degraded;
    s.regions[0].health = RegionHealth::Degraded;
    s.regions[0].reason = "2 of 11 resources not fully available".into();
    s.regions[0].incidents.clear();
    for c in &mut s.components {
        for i in c.instances.iter_mut().filter(|i| i.region == P) {
            i.health = InstanceHealth::Available;
        }
    }
    let sessions = get(&mut s, "sessions");
    sessions.instances[0].state = "offline".into();
    sessions.instances[0].health = InstanceHealth::Unavailable;
    let st = get(&mut s, "training-data");
    st.instances[1].state = "no replica".into();
    st.instances[1].health = InstanceHealth::Unavailable;
    st.checks[0] = check(
        "geo-redundant",
        Some(false),
        "Standard_LRS is not geo-redundant: re-enable GRS (re-protect)",
    );
    s
}

fn names(v: &Verdict) -> Vec<String> {
    v.blockers
        .iter()
        .map(|b| b.component.clone().unwrap_or_else(|| "-".into()))
        .collect()
}

#[test]
fn a_primary_outage_asks_for_a_forced_failover_that_the_outage_does_not_block() {
    let v = verdict(&outage());
    assert_eq!(v.recommendation, Recommendation::Failover);
    assert_eq!(v.variant, Some(Variant::Forced));
    assert!(
        v.possible,
        "neither the downed write region nor the frozen lag blocks: {:?}",
        v.blockers
    );
    assert_eq!(
        v.estimated_data_loss_seconds,
        Some(1_234),
        "the storage lag"
    );
    assert_eq!(
        v.summary,
        "eastus down · forced failover possible · ≈20 min of writes lost · azfailover failover"
    );
    assert!(
        v.consequences
            .iter()
            .any(|c| c.starts_with("sessions: its write region eastus is down")),
        "{:?}",
        v.consequences
    );
    assert!(
        v.consequences.iter().any(|c| c.starts_with(
            "training-data: lag 20 min vs RPO 15 min (past the RPO), growing while eastus is down"
        )),
        "{:?}",
        v.consequences
    );
    assert!(
        v.consequences
            .contains(&"churn-endpoint: only westus serving".to_string())
    );
    assert_eq!(v.serving_from, None, "data in eastus, traffic on westus");
}

#[test]
fn a_degraded_secondary_blocks_the_failover_and_is_named() {
    let mut s = outage();
    s.regions[1].health = RegionHealth::Degraded;
    s.regions[1].reason = "Service Health: degraded compute provisioning in West US".into();
    let aks = get(&mut s, "batch-aks");
    aks.instances[1].health = InstanceHealth::Unavailable;
    aks.checks[1] = check(
        "standby healthy",
        Some(false),
        "aks-contoso-westus is unavailable",
    );
    let v = verdict(&s);
    assert_eq!(v.recommendation, Recommendation::Failover);
    assert!(!v.possible);
    assert_eq!(names(&v), ["-", "batch-aks"]);
    assert_eq!(
        v.blockers[0].reason,
        "westus degraded (Service Health: degraded compute provisioning in West US)"
    );
    assert_eq!(
        v.summary,
        "eastus down · failover blocked by 2: westus degraded (Service Health: degraded compute provisioning in West US), batch-aks: aks-contoso-westus is unavailable · fix them or override in the runbook"
    );
}

#[test]
fn a_component_already_failed_over_is_no_blocker() {
    let mut s = outage();
    // The failover has moved the storage account; its re-protection to the downed eastus
    // cannot go Live, which is no concern of the rest of the failover.
    let st = get(&mut s, "training-data");
    st.active_region = S.into();
    st.ready = false;
    st.ha_status = "failed over to westus".into();
    st.checks[1] = check(
        "replication live",
        Some(false),
        "geo-replication is bootstrapping",
    );
    st.checks[3] = check("can fail over", Some(false), "canFailover is false");
    let v = verdict(&s);
    assert_eq!(v.recommendation, Recommendation::Failover, "half done");
    assert!(v.possible, "{:?}", v.blockers);
    assert!(get(&mut s, "training-data").failed_over_to(S));
    assert_eq!(
        v.summary,
        "eastus down · forced failover possible · data loss unknown · 1 of 3 data stores already on westus · azfailover failover"
    );
    assert_eq!(
        v.estimated_data_loss_seconds, None,
        "the moved account's lag is no longer at stake; nothing else exposes one"
    );
}

#[test]
fn after_the_failover_a_recovered_primary_asks_for_a_failback_listing_what_it_repairs() {
    let s = recovered(failed_over(outage()));
    let v = verdict(&s);
    assert_eq!(v.recommendation, Recommendation::Failback);
    assert_eq!(v.variant, Some(Variant::Planned));
    assert!(v.possible, "{:?}", v.blockers);
    assert_eq!(v.serving_from.as_deref(), Some(S));
    assert_eq!(
        primary_ready_for_failback(&s).unwrap(),
        [
            "training-data: no replica in eastus (the failback re-protects it)",
            "sessions: eastus offline for the account (the failback brings it online)",
        ]
    );
    assert_eq!(
        v.summary,
        "serving from westus · eastus recovered (the failback repairs training-data, sessions) · planned failback possible · azfailover failback"
    );
}

#[test]
fn a_primary_degraded_beyond_what_the_failback_repairs_is_not_ready() {
    let mut s = recovered(failed_over(outage()));
    get(&mut s, "workspace").instances[0].health = InstanceHealth::Degraded;
    let why = primary_ready_for_failback(&s).unwrap_err();
    assert_eq!(
        why,
        "eastus degraded (2 of 11 resources not fully available: workspace)"
    );
    let v = verdict(&s);
    assert_eq!(v.recommendation, Recommendation::None);
    assert!(
        v.summary.ends_with("fail back once eastus is healthy"),
        "{}",
        v.summary
    );
}

#[test]
fn serving_from_the_secondary_while_the_primary_is_down_recommends_nothing() {
    let s = failed_over(outage());
    let v = verdict(&s);
    assert_eq!(v.recommendation, Recommendation::None);
    assert_eq!(v.variant, None);
    assert_eq!(v.serving_from.as_deref(), Some(S));
    assert!(!v.possible, "a failover has nothing left to move");
    assert_eq!(
        v.blockers[0].reason,
        "nothing left to fail over: the deployment serves from westus"
    );
    assert_eq!(
        v.summary,
        "serving from westus · eastus down · fail back once eastus is healthy"
    );
    assert_eq!(v.estimated_data_loss_seconds, None);
}

#[test]
fn healthy_means_nothing_to_do_and_a_planned_failover_possible() {
    let v = verdict(&healthy());
    assert_eq!(v.recommendation, Recommendation::None);
    assert_eq!(v.variant, None);
    assert!(v.possible);
    assert!(v.blockers.is_empty());
    assert_eq!(v.serving_from.as_deref(), Some(P));
    assert_eq!(
        v.summary,
        "eastus healthy · standby ready: planned failover possible"
    );
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json["recommendation"], "none");
    assert_eq!(json["variant"], serde_json::Value::Null);
    assert_eq!(json["estimated_data_loss_seconds"], serde_json::Value::Null);
}

#[test]
fn a_standby_not_ready_is_a_blocker_even_when_healthy() {
    let mut s = healthy();
    let ws = get(&mut s, "workspace");
    ws.checks[1] = check(
        "standby healthy",
        Some(false),
        "mlw-contoso-westus is degraded",
    );
    ws.instances[1].health = InstanceHealth::Degraded;
    // Observe-only kinds never block.
    get(&mut s, "telemetry").checks = vec![check("standby healthy", Some(false), "degraded")];
    let v = verdict(&s);
    assert_eq!(v.recommendation, Recommendation::None);
    assert!(!v.possible);
    assert_eq!(names(&v), ["workspace"]);
    assert_eq!(
        v.summary,
        "eastus healthy · standby not ready: 1 blocker: workspace: mlw-contoso-westus is degraded"
    );
}

#[test]
fn a_lag_over_the_rpo_while_the_source_answers_does_not_block_a_planned_failover() {
    let mut s = healthy();
    let st = get(&mut s, "training-data");
    st.lag_seconds = Some(1_200.0);
    st.checks[2] = check(
        CheckId::LagWithinRpo,
        Some(false),
        "lag 20 min vs RPO 15 min",
    );
    let v = verdict(&s);
    assert!(v.possible, "{:?}", v.blockers);
    assert_eq!(
        v.summary,
        "eastus healthy · planned failover possible · training-data lags 20 min (RPO 15 min): synchronised first"
    );
}

#[test]
fn a_primary_component_down_in_a_degraded_region_asks_for_a_planned_failover() {
    let mut s = healthy();
    s.regions[0].health = RegionHealth::Degraded;
    get(&mut s, "feature-store").instances[0].health = InstanceHealth::Unavailable;
    let v = verdict(&s);
    assert_eq!(v.recommendation, Recommendation::Failover);
    assert_eq!(
        v.variant,
        Some(Variant::Planned),
        "as plan.rs: eastus still answers"
    );
    assert_eq!(v.estimated_data_loss_seconds, None);
    assert_eq!(
        v.summary,
        "eastus degraded · feature-store down in eastus · planned failover possible · azfailover failover"
    );
}

#[test]
fn a_component_name_cannot_break_the_summary_line() {
    let mut s = healthy();
    let ws = get(&mut s, "workspace");
    ws.name = "evil\x1b[31m\nname".into();
    ws.checks[1] = check("standby healthy", Some(false), "down\r\nnow");
    let v = verdict(&s);
    assert!(!v.summary.chars().any(char::is_control), "{:?}", v.summary);
}

#[test]
fn a_storage_account_failing_over_is_no_blocker_and_its_unavailable_target_no_degradation() {
    let mut s = outage();
    get(&mut s, "feature-store").active_region = S.into();
    let st = get(&mut s, "training-data");
    st.instances[1].health = InstanceHealth::Unavailable;
    st.checks[3] = check("can fail over", Some(false), "canFailover is false");
    st.checks.push(check(
        CheckId::NoFailoverInProgress,
        Some(false),
        "a failover is in progress",
    ));
    s.regions[1].health = RegionHealth::Degraded;
    s.regions[1].reason = "1 of 10 resources not fully available".into();
    let v = verdict(&s);
    assert!(v.possible, "{:?}", v.blockers);
    assert_eq!(
        v.summary,
        "eastus down · forced failover possible · ≈20 min of writes lost · 1 of 3 data stores already on westus · training-data failing over · azfailover failover"
    );
    // Anything else wrong in westus still blocks.
    get(&mut s, "workspace").instances[1].health = InstanceHealth::Degraded;
    assert_eq!(
        names(&verdict(&s)),
        ["-", "workspace"],
        "the region, and the workspace's own standby"
    );
}

#[test]
fn half_moved_with_the_primary_answering_says_so() {
    let mut s = recovered(failed_over(outage()));
    s.regions[0].health = RegionHealth::Healthy;
    for c in &mut s.components {
        for i in &mut c.instances {
            i.health = InstanceHealth::Available;
            i.state = "fine".into();
        }
        c.checks.retain(|k| k.passed != Some(false));
        if c.name != "training-data" {
            c.active_region = P.into();
        }
    }
    let v = verdict(&s);
    assert_eq!(v.recommendation, Recommendation::None);
    assert_eq!(v.serving_from, None);
    assert_eq!(
        v.summary,
        "eastus healthy · split: training-data on westus, the rest on eastus · planned failover of the rest possible"
    );
}

#[test]
fn the_blockers_are_the_regions_then_nothing_left_then_the_components() {
    // Failed over while westus is degraded: a failover is blocked by westus and has nothing
    // left to move; the executor asks for each part by itself.
    let mut s = failed_over(outage());
    s.regions[1].health = RegionHealth::Degraded;
    s.regions[1].reason = "Service Health: network issue".into();
    s.regions[1].incidents.push(Incident {
        tracking_id: "T2".into(),
        title: "network issue".into(),
        active: true,
        level: Some("Warning".into()),
        started: None,
    });
    let region = region_blockers(&s, RunbookKind::Failover);
    let left = nothing_left(&s, RunbookKind::Failover).expect("nothing left");
    assert_eq!(
        region.iter().map(|b| b.reason.as_str()).collect::<Vec<_>>(),
        ["westus degraded (Service Health: network issue)"]
    );
    assert_eq!(
        left.reason,
        "nothing left to fail over: the deployment serves from westus"
    );
    let all = blockers(&s, RunbookKind::Failover);
    assert_eq!(all[..2], [region[0].clone(), left]);
    assert!(all[2..].iter().all(|b| b.component.is_some()));
    assert!(nothing_left(&healthy(), RunbookKind::Failover).is_none());
    assert!(nothing_left(&healthy(), RunbookKind::Failback).is_some());
}
