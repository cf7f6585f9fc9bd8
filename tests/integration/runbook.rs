//! Runbook generation for each kind and mode, the safety rules, and runs against the simulator:
//! scripted, read-only, declined (exit 130), and killed mid-step then resumed without sending
//! any request twice.

use crate::common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use azfailover::azure::{Access, ClientOptions, connect};
use azfailover::config::{Config, Phase, RunbookKind};
use azfailover::health::collect::Collector;
use azfailover::runbook::run::{check_post, check_pre};
use azfailover::runbook::{
    Action, Confirm, Postcondition, Precondition, Runbook, StepKind, markdown, plan,
};
use azfailover::sim::Fault;
use common::*;

const BIN: &str = env!("CARGO_BIN_EXE_azfailover");

fn pointed(cfg: &Config, url: &str) -> Config {
    let mut cfg = cfg.clone();
    cfg.use_simulator(url);
    cfg
}

async fn plan_for(
    sim: &Sim,
    cfg: &Config,
    kind: RunbookKind,
) -> (
    Runbook,
    azfailover::health::collect::Observations,
    azfailover::health::Snapshot,
) {
    let cfg = pointed(cfg, sim.url());
    let (client, _) = connect(&cfg, Access::ReadOnly, ClientOptions::default()).unwrap();
    let (obs, snap) = Collector::new(cfg.clone(), client)
        .collect_full()
        .await
        .unwrap();
    (plan(&cfg, &obs, &snap, kind), obs, snap)
}

fn ids(rb: &Runbook) -> Vec<&str> {
    rb.steps.iter().map(|s| s.id.as_str()).collect()
}

#[tokio::test]
async fn planned_failover_of_the_demo_loses_nothing() {
    let sim = Sim::start(1000.0).await;
    let (rb, _, _) = plan_for(&sim, &Config::demo(), RunbookKind::Failover).await;
    assert!(!rb.forced);
    assert_eq!(rb.from_region.as_str(), "eastus");
    assert_eq!(rb.to_region.as_str(), "westus");
    // Phases in order.
    let phases: Vec<Phase> = rb.steps.iter().map(|s| s.phase).collect();
    let mut sorted = phases.clone();
    sorted.sort();
    assert_eq!(phases, sorted);
    let ids = ids(&rb);
    for id in [
        "prepare.confirm-outage",
        "prepare.fence-primary",
        "prepare.check-target",
        "page-incident-commander",
        "data.training-data.failover",
        "data.feature-store.failover",
        "data.run-metadata.promote",
        "data.sessions.failover",
        "compute.train-cluster.scale",
        "compute.batch-aks.start",
        "verify.gate",
        "traffic.scoring-traffic.disable-eastus",
        "finish.workspace.switch",
        "finish.notify",
        "rotate-scoring-keys",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let storage = rb.step("data.training-data.failover").unwrap();
    assert_eq!(
        storage.action,
        Some(Action::StorageFailover {
            id: storage_id(),
            planned: true
        })
    );
    assert_eq!(storage.confirm, Confirm::Yes);
    assert!(storage.data_loss.is_none());
    assert!(storage.az[0].contains("--failover-type Planned"));
    let sql = rb.step("data.feature-store.failover").unwrap();
    assert!(
        matches!(&sql.action, Some(Action::SqlFailover { group_on_target, .. }) if group_on_target.contains("sql-contoso-westus"))
    );
    // No destructive step in a planned failover.
    assert!(
        rb.steps
            .iter()
            .all(|s| !matches!(s.confirm, Confirm::Typed(_))),
        "{:?}",
        rb.steps
            .iter()
            .filter(|s| matches!(s.confirm, Confirm::Typed(_)))
            .map(|s| &s.id)
            .collect::<Vec<_>>()
    );
    // Traffic waits for the gate and never disables the last endpoint.
    let tm = rb.step("traffic.scoring-traffic.disable-eastus").unwrap();
    assert!(tm.preconditions.contains(&Precondition::VerifyGatePassed));
    assert!(
        tm.preconditions
            .iter()
            .any(|p| matches!(p, Precondition::NotLastEnabled { .. }))
    );
    assert!(tm.completes_traffic_shift);
    // Microsoft-managed components are observe-only and outside the RTO.
    let kv = rb.step("finish.secrets.observe").unwrap();
    assert!(kv.outside_rto && kv.kind == StepKind::Verify && kv.action.is_none());
    // Every step says why and most give the az command.
    assert!(
        rb.steps.iter().all(|s| !s.why.is_empty()),
        "every step explains itself"
    );
}

#[tokio::test]
async fn a_forced_failover_scales_the_standby_to_the_primarys_capacity_as_last_seen() {
    let sim = Sim::start(1000.0).await;
    let cfg = pointed(&Config::demo(), sim.url());
    let (client, _) = connect(&cfg, Access::ReadOnly, ClientOptions::default()).unwrap();
    let collector = Collector::new(cfg.clone(), client);
    let (_, healthy) = collector.collect_full().await.unwrap();
    let healthy_plan = plan(
        &cfg,
        &collector.collect_full().await.unwrap().0,
        &healthy,
        RunbookKind::Failover,
    );
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (obs, mut snap) = collector.collect_full().await.unwrap();
    // Nothing seen before: the step says its count is not the primary's, and that no step
    // scales the AKS pools.
    let blind = plan(&cfg, &obs, &snap, RunbookKind::Failover);
    assert!(blind.forced);
    let scale = blind.step("compute.train-cluster.scale").unwrap();
    assert!(
        scale.why.contains("its capacity was never seen")
            && scale.why.contains("not the primary's capacity"),
        "{}",
        scale.why
    );
    let start = blind.step("compute.batch-aks.start").unwrap();
    assert!(
        start.why.contains("node pools were never seen"),
        "{}",
        start.why
    );
    // With the facts of the healthy snapshot (the cache keeps them): the primary's own counts.
    snap.facts.keep_from(&healthy.facts);
    let seen = plan(&cfg, &obs, &snap, RunbookKind::Failover);
    let scale_of = |rb: &Runbook| match &rb.step("compute.train-cluster.scale").unwrap().action {
        Some(Action::ComputeScale { max, .. }) => *max,
        other => panic!("{other:?}"),
    };
    assert_eq!(scale_of(&seen), scale_of(&healthy_plan));
    let scale = seen.step("compute.train-cluster.scale").unwrap();
    assert!(scale.why.contains("as last seen"), "{}", scale.why);
    let pools = |rb: &Runbook| -> Vec<String> {
        rb.steps
            .iter()
            .filter(|s| s.id.starts_with("compute.batch-aks.scale-"))
            .map(|s| s.title.clone())
            .collect()
    };
    assert!(!pools(&healthy_plan).is_empty());
    assert_eq!(pools(&seen), pools(&healthy_plan));
    assert!(pools(&blind).is_empty());
}

#[tokio::test]
async fn forced_failover_in_an_outage_is_typed_and_states_the_loss() {
    let sim = Sim::start(1000.0).await;
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (rb, obs, snap) = plan_for(&sim, &Config::demo(), RunbookKind::Failover).await;
    assert!(rb.forced);
    let storage = rb.step("data.training-data.failover").unwrap();
    assert_eq!(storage.confirm, Confirm::Typed("westus".into()));
    assert!(storage.destructive);
    let loss = storage.data_loss.clone().unwrap();
    assert!(
        loss.starts_with("writes to stcontosotraindata after ") && loss.ends_with("will be lost"),
        "{loss}"
    );
    assert!(
        storage
            .preconditions
            .contains(&Precondition::RegionNotHealthy {
                region: "eastus".into()
            })
    );
    let sql = rb.step("data.feature-store.failover").unwrap();
    assert!(matches!(
        sql.action,
        Some(Action::SqlFailover {
            mode: azfailover::azure::SqlFailover::Forced,
            ..
        })
    ));
    assert!(sql.az[0].ends_with("--allow-data-loss"));
    assert!(matches!(
        rb.step("data.sessions.failover").unwrap().action,
        Some(Action::CosmosOffline { .. })
    ));
    assert!(
        matches!(rb.step("data.run-metadata.promote").unwrap().action, Some(Action::PostgresPromote { opts, .. }) if opts.forced && opts.switchover)
    );
    // A forced step would be refused if the region were healthy (a planned one is possible).
    let cfg = pointed(&Config::demo(), sim.url());
    assert!(
        check_pre(
            &Precondition::RegionNotHealthy {
                region: "eastus".into()
            },
            &cfg,
            &obs,
            &snap,
            false
        )
        .is_ok()
    );
    assert!(
        check_pre(
            &Precondition::RegionNotHealthy {
                region: "westus".into()
            },
            &cfg,
            &obs,
            &snap,
            false
        )
        .unwrap_err()
        .contains("planned one is possible")
    );
    let json = markdown::to_json(&rb);
    let st = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "data.training-data.failover")
        .unwrap();
    assert_eq!(st["confirm"], "typed");
    assert_eq!(st["typed_text"], "westus");
    assert_eq!(st["destructive"], true);
    assert_eq!(json["kind"], "failover");
}

#[tokio::test]
async fn safety_rules_hold() {
    let sim = Sim::start(1000.0).await;
    let cfg = pointed(&Config::demo(), sim.url());
    let (_, obs, snap) = plan_for(&sim, &Config::demo(), RunbookKind::Failover).await;
    // Traffic never moves before the gate.
    assert!(
        check_pre(&Precondition::VerifyGatePassed, &cfg, &obs, &snap, false)
            .unwrap_err()
            .contains("verify gate")
    );
    assert!(check_pre(&Precondition::VerifyGatePassed, &cfg, &obs, &snap, true).is_ok());
    // The last enabled endpoint is never disabled.
    sim.call(
        "PATCH",
        &format!("{}/ExternalEndpoints/westus-endpoint", tm_id()),
        Some(serde_json::json!({"properties": {"endpointStatus": "Disabled"}})),
    )
    .await;
    let (_, obs, snap) = plan_for(&sim, &Config::demo(), RunbookKind::Failover).await;
    let last = Precondition::NotLastEnabled {
        component: "scoring-traffic".into(),
        endpoint: "eastus-endpoint".into(),
    };
    assert!(
        check_pre(&last, &cfg, &obs, &snap, true)
            .unwrap_err()
            .contains("last enabled")
    );
    // The data gate fails while data stores serve elsewhere.
    let gate = Postcondition::DataWritableIn {
        region: "westus".into(),
    };
    let why = check_post(&gate, &cfg, &obs, &snap).unwrap_err();
    assert!(why.contains("training-data is primary in eastus"), "{why}");
}

#[tokio::test]
async fn every_kind_and_mode_gets_its_steps() {
    let example = Config::parse(include_str!("../../config.example.toml"), "example").unwrap();
    let sim = Sim::with_config(&example, 1000.0).await;
    let (rb, _, _) = plan_for(&sim, &example, RunbookKind::Failover).await;
    let ids = ids(&rb);
    let mysql = rb
        .step("data.labels-db.stop-replication")
        .expect("mysql step");
    assert!(
        mysql.destructive && matches!(mysql.confirm, Confirm::Typed(_)),
        "irreversible even when planned"
    );
    assert!(
        ids.contains(&"traffic.scoring-edge.disable-eastus"),
        "{ids:?}"
    );
    assert!(ids.contains(&"traffic.scoring-dns.disable-eastus"));
    assert!(ids.contains(&"compute.inference-aks.start"));
    // The hot/hot online endpoint is not re-routed (both already serve); its deployments are scaled if smaller.
    assert!(
        !ids.iter()
            .any(|i| i.starts_with("traffic.scoring-endpoint"))
    );
    assert!(ids.contains(&"notify-stakeholders"));
    let md = markdown::render(&rb, &example, "2026-11-26T02:41:07Z");
    assert!(md.starts_with("# Failover runbook — contoso-ml: eastus → westus"));
    assert!(md.contains(
        "az mysql flexible-server replica stop-replication -g rg-ml-westus -n mysql-westus"
    ));
    assert!(md.contains("az afd origin update -g rg-ml-global --profile-name afd-ml --origin-group-name scoring --origin-name eastus-origin --enabled-state Disabled"));
    assert!(md.contains("- [ ] done at"));
}

#[tokio::test]
async fn failback_after_an_unplanned_failover_reprotects_first() {
    let sim = Sim::start(1000.0).await;
    let r = sim
        .call("POST", &format!("{}/failover", storage_id()), None)
        .await;
    sim.wait_lro(&r).await;
    let r = sim
        .call(
            "POST",
            &format!("{}/failover", sql_fg("sql-contoso-westus")),
            None,
        )
        .await;
    sim.wait_lro(&r).await;
    let (rb, obs, snap) = plan_for(&sim, &Config::demo(), RunbookKind::Failback).await;
    assert_eq!(rb.from_region.as_str(), "westus");
    assert_eq!(rb.to_region.as_str(), "eastus");
    // eastus is degraded only by what the failback repairs: the account has no replica there.
    let repairs = azfailover::health::verdict::primary_ready_for_failback(&snap).unwrap();
    assert_eq!(
        repairs,
        ["training-data: no replica in eastus (the failback re-protects it)"]
    );
    assert_eq!(
        snap.region(azfailover::health::RegionRole::Primary)
            .unwrap()
            .health,
        azfailover::health::RegionHealth::Degraded
    );
    let cfg = pointed(&Config::demo(), sim.url());
    let healthy = Precondition::RegionHealthy {
        region: "eastus".into(),
    };
    assert_eq!(check_pre(&healthy, &cfg, &obs, &snap, false), Ok(()));
    assert_eq!(
        snap.verdict.recommendation,
        azfailover::health::Recommendation::None,
        "feature-store and training-data moved, run-metadata and sessions still on eastus: split"
    );
    let ids = ids(&rb);
    let pos = |id: &str| {
        ids.iter()
            .position(|i| *i == id)
            .unwrap_or_else(|| panic!("{id} missing: {ids:?}"))
    };
    assert!(pos("data.training-data.reprotect") < pos("data.training-data.wait-sync"));
    assert!(pos("data.training-data.wait-sync") < pos("data.training-data.failover"));
    let back = rb.step("data.training-data.failover").unwrap();
    assert_eq!(
        back.action,
        Some(Action::StorageFailover {
            id: storage_id(),
            planned: true
        })
    );
    let sql = rb.step("data.feature-store.failover").unwrap();
    assert!(
        matches!(&sql.action, Some(Action::SqlFailover { group_on_target, .. }) if group_on_target.contains("sql-contoso-eastus"))
    );
    assert!(
        ids.contains(&"finish.batch-aks.stop") || ids.contains(&"finish.train-cluster.scale-down")
    );
    assert!(
        rb.step("prepare.confirm-primary-healthy")
            .unwrap()
            .preconditions
            .contains(&Precondition::RegionHealthy {
                region: "eastus".into()
            })
    );
}

// ---- runs through the real binary ----

fn answers(dir: &std::path::Path, body: &str) -> std::path::PathBuf {
    let p = dir.join(format!("answers-{}.toml", fastrand::u32(..)));
    std::fs::write(&p, body).unwrap();
    p
}

fn run(args: &[&str], data: &std::path::Path) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("XDG_DATA_HOME", data)
        .env("XDG_CACHE_HOME", data)
        .env("XDG_CONFIG_HOME", data.join("no-config"))
        .env_remove("AZFAILOVER_CONFIG")
        .output()
        .unwrap()
}

fn report_of(out: &std::process::Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let path = stdout.lines().last().unwrap_or_else(|| {
        panic!(
            "no report path; stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let text = std::fs::read_to_string(path.trim()).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn report_path(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
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
async fn a_scripted_planned_failover_then_failback_returns_the_world_to_where_it_started() {
    let sim = Sim::start(2000.0).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), sim.url());
    let ans = answers(
        dir.path(),
        "operator = \"platform-pipeline\"\ndefault = \"confirm\"\n",
    );
    let args = |kind: &'static str| {
        vec![
            kind.to_string(),
            "--answers".into(),
            ans.display().to_string(),
            "--config".into(),
            cfg.display().to_string(),
        ]
    };
    let out = tokio::task::spawn_blocking({
        let a = args("failover");
        let d = dir.path().to_path_buf();
        move || run(&a.iter().map(String::as_str).collect::<Vec<_>>(), &d)
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = report_of(&out);
    assert_eq!(r["outcome"], "completed");
    assert!(r["scenario"].is_null());
    assert_eq!(r["operator"], "platform-pipeline");
    assert_eq!(r["data_loss_window_seconds"], 0);
    assert!(r["operations"].as_array().unwrap().len() >= 5);
    let state = sim.state().await;
    let res = |name: &str| {
        state["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["component"] == name)
            .unwrap()["serving_region"]
            .clone()
    };
    assert_eq!(res("training-data"), "westus");
    assert_eq!(res("feature-store"), "westus");

    let out = tokio::task::spawn_blocking({
        let a = args("failback");
        let d = dir.path().to_path_buf();
        move || run(&a.iter().map(String::as_str).collect::<Vec<_>>(), &d)
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let state = sim.state().await;
    let res = |name: &str| {
        state["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["component"] == name)
            .unwrap()["serving_region"]
            .clone()
    };
    for c in ["training-data", "feature-store", "sessions"] {
        assert_eq!(res(c), "eastus", "{c}");
    }
    let tm = &state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["component"] == "scoring-traffic")
        .unwrap()["arm"]["properties"]["endpoints"];
    assert!(
        tm.as_array()
            .unwrap()
            .iter()
            .all(|e| e["properties"]["endpointStatus"] == "Enabled"),
        "{tm}"
    );
}

#[tokio::test]
async fn a_typed_step_needs_its_exact_text_outside_drills_and_a_missing_answer_exits_130() {
    let sim = Sim::start(2000.0).await;
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), sim.url());
    // default = "confirm" never answers a typed step in a real failover.
    let ans = answers(dir.path(), "operator = \"oncall\"\ndefault = \"confirm\"\n");
    let out = tokio::task::spawn_blocking({
        let (a, c, d) = (ans.clone(), cfg.clone(), dir.path().to_path_buf());
        move || {
            run(
                &[
                    "failover",
                    "--answers",
                    a.to_str().unwrap(),
                    "--config",
                    c.to_str().unwrap(),
                ],
                &d,
            )
        }
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(130));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("data.training-data.failover") && err.contains("type: westus"),
        "{err}"
    );
    assert!(
        sim.state().await["operations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["path"].as_str().unwrap().ends_with("/tags/default")),
        "nothing but the run lock was written"
    );
    let r = report_of(&out);
    assert_eq!(r["outcome"], "aborted");
    let st = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "data.training-data.failover")
        .unwrap()
        .clone();
    assert_eq!(st["outcome"], "not-run");
    assert!(st["note"].as_str().unwrap().contains("stopped here"));
}

#[tokio::test]
async fn read_only_walks_the_runbook_and_sends_nothing() {
    let sim = Sim::start(2000.0).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), sim.url());
    let ans = answers(
        dir.path(),
        "operator = \"rehearsal\"\ndefault = \"confirm\"\n",
    );
    let out = tokio::task::spawn_blocking({
        let (a, c, d) = (ans.clone(), cfg.clone(), dir.path().to_path_buf());
        move || {
            run(
                &[
                    "--read-only",
                    "failover",
                    "--answers",
                    a.to_str().unwrap(),
                    "--config",
                    c.to_str().unwrap(),
                ],
                &d,
            )
        }
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        sim.state().await["operations"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let r = report_of(&out);
    let storage = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "data.training-data.failover")
        .unwrap()
        .clone();
    assert_eq!(storage["outcome"], "skipped");
    assert!(
        storage["note"].as_str().unwrap().starts_with(
            "read-only mode: nothing was sent (would run: az storage account failover"
        )
    );
}

#[tokio::test]
async fn a_run_killed_mid_step_resumes_without_sending_the_request_twice() {
    // Slow enough that the storage failover (20 simulated minutes) is still running when killed.
    let sim = Sim::start(60.0).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), sim.url());
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    let ans = answers(
        dir.path(),
        "operator = \"oncall\"\ndefault = \"confirm\"\n[answers]\n\"data.training-data.failover\" = \"type: westus\"\n\"data.feature-store.failover\" = \"type: westus\"\n\"data.run-metadata.promote\" = \"type: westus\"\n\"data.sessions.failover\" = \"type: westus\"\n",
    );
    let mut child = Command::new(BIN)
        .args([
            "failover",
            "--answers",
            ans.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
        ])
        .env("XDG_DATA_HOME", dir.path())
        .env("XDG_CACHE_HOME", dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let storage_posts = |state: &serde_json::Value| {
        state["operations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| {
                o["path"].as_str().unwrap().ends_with("/failover")
                    && o["path"].as_str().unwrap().contains("storageAccounts")
            })
            .count()
    };
    loop {
        assert!(
            Instant::now() < deadline,
            "the storage failover was never sent"
        );
        if storage_posts(&sim.state().await) == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().unwrap(); // SIGKILL: no clean-up at all
    child.wait().unwrap();
    // A read-only look now is a dry run: it neither resumes nor touches the real journal.
    let journals = dir.path().join("azfailover/journals");
    let real: Vec<_> = std::fs::read_dir(&journals)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    assert_eq!(real.len(), 1, "{real:?}");
    let before = std::fs::read(&real[0]).unwrap();
    let look = tokio::task::spawn_blocking({
        let (a, c, d) = (ans.clone(), cfg.clone(), dir.path().to_path_buf());
        move || {
            run(
                &[
                    "--read-only",
                    "failover",
                    "--answers",
                    a.to_str().unwrap(),
                    "--config",
                    c.to_str().unwrap(),
                ],
                &d,
            )
        }
    })
    .await
    .unwrap();
    let look_err = String::from_utf8_lossy(&look.stderr);
    assert!(look_err.contains("dry run"), "{look_err}");
    assert!(
        look_err.contains("unfinished failover started by oncall"),
        "{look_err}"
    );
    assert!(!look_err.contains("resuming"), "{look_err}");
    assert_eq!(
        std::fs::read(&real[0]).unwrap(),
        before,
        "the dry run left the real journal as it was"
    );
    let dry = report_of(&look);
    assert!(
        dry["steps"].as_array().unwrap().iter().any(|s| s["note"]
            .as_str()
            .is_some_and(|n| n.starts_with("read-only mode"))),
        "{dry:#}"
    );
    assert!(
        report_path(&look).contains("dry-runs"),
        "{}",
        report_path(&look)
    );
    // Speed the world up, then resume.
    sim.http
        .post(format!("{}/_sim/time-scale", sim.url()))
        .json(&serde_json::json!({"scale": 1000}))
        .send()
        .await
        .unwrap();
    let out = tokio::task::spawn_blocking({
        let (a, c, d) = (ans.clone(), cfg.clone(), dir.path().to_path_buf());
        move || {
            run(
                &[
                    "failover",
                    "--answers",
                    a.to_str().unwrap(),
                    "--config",
                    c.to_str().unwrap(),
                ],
                &d,
            )
        }
    })
    .await
    .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("resuming"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
    let state = sim.state().await;
    assert_eq!(
        storage_posts(&state),
        1,
        "the storage failover was sent exactly once"
    );
    let r = report_of(&out);
    assert_eq!(r["outcome"], "completed");
    let st = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "data.training-data.failover")
        .unwrap()
        .clone();
    assert_eq!(st["outcome"], "done");
    assert!(
        st["note"].as_str().unwrap().contains("not sent again"),
        "{st}"
    );
    assert!(
        r["deviations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d.as_str().unwrap().contains("resumed"))
    );
}

#[tokio::test]
async fn a_second_operator_is_told_who_holds_the_lock() {
    let sim = Sim::start(2000.0).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), sim.url());
    let tags = format!(
        "/subscriptions/{SUB}/resourceGroups/rg-contoso-ml-eastus/providers/Microsoft.Resources/tags/default"
    );
    let since = azfailover::timefmt::rfc3339(time::OffsetDateTime::now_utc());
    let held = sim
        .call("PATCH", &format!("{tags}?api-version=2021-04-01"), Some(serde_json::json!({"operation": "Merge", "properties": {"tags": {"azfailover-lock": format!("operator=alice;run=42-beef;since={since}")}}})))
        .await;
    assert_eq!(held.status, 200, "{}", held.json);
    let ans = answers(dir.path(), "operator = \"bob\"\ndefault = \"confirm\"\n");
    let out = tokio::task::spawn_blocking({
        let (a, c, d) = (ans.clone(), cfg.clone(), dir.path().to_path_buf());
        move || {
            run(
                &[
                    "failover",
                    "--answers",
                    a.to_str().unwrap(),
                    "--config",
                    c.to_str().unwrap(),
                ],
                &d,
            )
        }
    })
    .await
    .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("alice since") && err.contains("run 42-beef"),
        "{err}"
    );
    assert!(
        sim.state().await["operations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| !o["path"].as_str().unwrap().ends_with("/tags/default"))
            .count()
            == 0
    );

    // Once alice's lock is gone, bob's run takes it, and releases it at the end. This time
    // the answers file names no operator: --operator does.
    sim.call("PATCH", &format!("{tags}?api-version=2021-04-01"), Some(serde_json::json!({"operation": "Delete", "properties": {"tags": {"azfailover-lock": ""}}}))).await;
    let anonymous = answers(dir.path(), "default = \"confirm\"\n");
    let out = tokio::task::spawn_blocking({
        let (a, c, d) = (anonymous, cfg.clone(), dir.path().to_path_buf());
        move || {
            run(
                &[
                    "failover",
                    "--answers",
                    a.to_str().unwrap(),
                    "--operator",
                    "bob",
                    "--config",
                    c.to_str().unwrap(),
                ],
                &d,
            )
        }
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(report_of(&out)["operator"], "bob");
    let after = sim.get(&format!("{tags}?api-version=2021-04-01")).await;
    assert!(
        after["properties"]["tags"].get("azfailover-lock").is_none(),
        "released: {after}"
    );
    let writes = sim.state().await["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["path"].as_str().unwrap().ends_with("/tags/default"))
        .count();
    assert!(
        writes >= 3,
        "alice's lock, bob's lock and its release were written: {writes}"
    );
}

#[tokio::test]
async fn a_gate_that_fails_blocks_at_once_and_names_what_failed() {
    let sim = Sim::start(1000.0).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), sim.url());
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    let typed = "\"data.training-data.failover\" = \"type: westus\"\n\"data.feature-store.failover\" = \"type: westus\"\n\"data.run-metadata.promote\" = \"type: westus\"\n";
    // Cosmos DB skipped: its writes stay in eastus, so the gate cannot pass.
    let skip = format!(
        "operator = \"oncall\"\ndefault = \"confirm\"\n[answers]\n{typed}\"data.sessions.failover\" = \"skip: the app tolerates it\"\n"
    );
    let go = |body: String| {
        let ans = answers(dir.path(), &body);
        let (c, d) = (cfg.clone(), dir.path().to_path_buf());
        tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            let out = run(
                &[
                    "failover",
                    "--answers",
                    ans.to_str().unwrap(),
                    "--config",
                    c.to_str().unwrap(),
                ],
                &d,
            );
            (out, started.elapsed())
        })
    };
    let (out, took) = go(skip.clone()).await.unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(
        err.contains("verify.gate") && err.contains("sessions"),
        "{err}"
    );
    // It did not wait out the gate's 10 minutes (nor any long time) before saying so.
    assert!(took < Duration::from_secs(60), "took {took:?}: {err}");
    let r = report_of(&out);
    let gate = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "verify.gate")
        .unwrap()
        .clone();
    assert_eq!(gate["outcome"], "not-run", "{gate:#}");
    // Nothing moved traffic.
    assert!(
        sim.state().await["operations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| !o["path"]
                .as_str()
                .unwrap()
                .contains("trafficmanagerprofiles")),
    );
}
