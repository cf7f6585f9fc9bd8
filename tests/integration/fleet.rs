//! A fleet: several deployments in one `status` and one simulator (`azfailover sim` with
//! several configurations builds one world with every deployment's resources, so one region's
//! outage hits every deployment there), and configuration directories.

use crate::common::*;

use std::path::{Path, PathBuf};
use std::process::Command;

use azfailover::sim::Fault;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_azfailover");

/// The fleet's simulator in this process, built as `azfailover sim --config DIR` builds it.
async fn fleet_sim() -> azfailover::app::sim::Serving {
    // The simulator reads only the topology: the endpoint the configurations name is its own.
    let cfgs = fleet_configs("http://127.0.0.1:1");
    azfailover::app::sim::serve(
        &cfgs,
        "127.0.0.1:0".parse().unwrap(),
        None,
        Some(1000.0),
        None,
        // Without ARM's buckets: three deployments of one subscription and principal, collected
        // several times in a few seconds, would empty the documented read bucket (what a
        // fleet does to the budget is measured in examples/bench, not asserted here).
        Some(azfailover::sim::RateLimits::unlimited()),
    )
    .await
    .expect("the fleet's simulator starts")
}

/// The real binary on `args` with its cache in `home`: (exit code, stdout, stderr).
async fn run(home: &Path, args: Vec<String>) -> (Option<i32>, String, String) {
    let home = home.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let out = Command::new(BIN)
            .args(&args)
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env_remove("AZFAILOVER_CONFIG")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into(),
            String::from_utf8_lossy(&out.stderr).into(),
        )
    })
    .await
    .unwrap()
}

/// `status --format json --config P ...`: its exit code and JSON.
async fn fleet_json(home: &Path, configs: &[PathBuf]) -> (Option<i32>, Value, String) {
    let mut args = vec!["status".to_string(), "--format".into(), "json".into()];
    for c in configs {
        args.push("--config".into());
        args.push(c.display().to_string());
    }
    let (code, out, err) = run(home, args).await;
    let json = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, json, err)
}

/// The status object of `name` in a fleet's JSON.
fn member<'a>(json: &'a Value, name: &str) -> &'a Value {
    json["deployments"]
        .as_array()
        .expect("a deployments array")
        .iter()
        .find(|d| d["deployment"] == format!("{name}-ml"))
        .unwrap_or_else(|| panic!("no {name}-ml in {json:#}"))
}

/// The resource id of a fleet member's storage account.
fn storage_of(name: &str) -> String {
    storage_id().replace("contoso", name)
}

#[tokio::test]
async fn fleet_status_json_has_every_deployment_and_the_worst_exit_code() {
    let sim = fleet_sim().await;
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("fleet");
    write_fleet(&dir, sim.server.url());

    // Healthy: 0, one status object per deployment in the order of the directory.
    let (code, json, err) = fleet_json(home.path(), std::slice::from_ref(&dir)).await;
    assert_eq!(code, Some(0), "{json:#}\n{err}");
    assert_eq!(json.as_object().unwrap().len(), 1, "only `deployments`");
    let names: Vec<&str> = json["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["deployment"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["contoso-ml", "fabrikam-ml", "tailspin-ml"]);
    for d in json["deployments"].as_array().unwrap() {
        assert_eq!(d["overall"], "healthy", "{d:#}");
        for field in ["regions", "components", "verdict"] {
            assert!(!d[field].is_null(), "{field} in {d:#}");
        }
        assert!(d["config"].as_str().unwrap().ends_with(".toml"));
        assert_eq!(d["verdict"]["recommendation"], "none");
    }
    assert_eq!(member(&json, "tailspin")["regions"][0]["name"], "westus");

    // One deployment degraded (its replication lags past the RPO): its code, 1.
    sim.server
        .inject(&Fault::ReplicationLag {
            resource: Some(storage_of("fabrikam")),
            target: None,
            seconds: 3600.0,
        })
        .unwrap();
    let (code, json, _) = fleet_json(home.path(), std::slice::from_ref(&dir)).await;
    assert_eq!(code, Some(1), "{json:#}");
    assert_eq!(member(&json, "fabrikam")["overall"], "degraded");
    assert_eq!(member(&json, "contoso")["overall"], "healthy");
    assert_eq!(member(&json, "tailspin")["overall"], "healthy");

    // An eastus outage: two primaries and one standby down at once; the worst code, 2.
    sim.server
        .inject(&Fault::RegionOutage {
            region: "eastus".into(),
            title: Some("Power event in East US".into()),
            arm: None,
            control_plane: None,
        })
        .unwrap();
    let (code, json, _) = fleet_json(home.path(), std::slice::from_ref(&dir)).await;
    assert_eq!(code, Some(2), "{json:#}");
    for name in ["contoso", "fabrikam"] {
        let d = member(&json, name);
        assert_eq!(d["overall"], "outage", "{name}");
        assert_eq!(d["verdict"]["recommendation"], "failover", "{name}");
        assert_eq!(d["verdict"]["variant"], "forced", "{name}");
    }
    let tailspin = member(&json, "tailspin");
    assert_eq!(tailspin["verdict"]["recommendation"], "none");
    assert_eq!(
        tailspin["regions"][1]["health"], "outage",
        "its standby's region"
    );
    sim.server.stop().await;
}

#[tokio::test]
async fn an_unreachable_deployment_is_its_error_object_and_an_outage_still_wins() {
    let sim = fleet_sim().await;
    let home = tempfile::tempdir().unwrap();
    let mut configs = write_fleet(&home.path().join("fleet"), sim.server.url());
    let lost = home.path().join("lost.toml");
    std::fs::write(
        &lost,
        fleet_member("lost", "eastus", "westus", "http://127.0.0.1:9"),
    )
    .unwrap();
    configs.truncate(1);
    configs.push(lost.clone());

    // Healthy and unreachable: 69, which may hide an outage, beats healthy.
    let (code, json, err) = fleet_json(home.path(), &configs).await;
    assert_eq!(code, Some(69), "{json:#}");
    let l = member(&json, "lost");
    assert_eq!(l["error"]["code"], "unreachable", "{l:#}");
    assert!(!l["error"]["message"].as_str().unwrap().is_empty());
    assert_eq!(l["config"], lost.display().to_string());
    assert!(err.contains("lost-ml"), "stderr names it: {err}");

    // An outage in a deployment that answers wins over the one that does not.
    sim.server
        .inject(&Fault::RegionOutage {
            region: "eastus".into(),
            title: None,
            arm: None,
            control_plane: None,
        })
        .unwrap();
    let (code, json, _) = fleet_json(home.path(), &configs).await;
    assert_eq!(code, Some(2), "{json:#}");
    sim.server.stop().await;
}

#[tokio::test]
async fn fleet_status_table_sums_up_worst_first_then_each_deployment() {
    let sim = fleet_sim().await;
    sim.server
        .inject(&Fault::RegionOutage {
            region: "westus".into(),
            title: None,
            arm: None,
            control_plane: None,
        })
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("fleet");
    write_fleet(&dir, sim.server.url());
    let (code, out, err) = run(
        home.path(),
        vec![
            "status".into(),
            "--config".into(),
            dir.display().to_string(),
        ],
    )
    .await;
    assert_eq!(code, Some(2), "{out}\n{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("FLEET — 3 deployments: 3 outage"),
        "{out}"
    );
    // tailspin's primary is down: it is the one to fail over, the worst, first.
    assert!(lines[3].starts_with("tailspin-ml"), "{out}");
    assert!(lines[3].contains("westus OUTAGE → eastus healthy"), "{out}");
    assert!(lines[3].contains("FAIL OVER (forced)"), "{out}");
    for name in ["contoso-ml", "fabrikam-ml", "tailspin-ml"] {
        assert!(
            out.contains(&format!("=== {name} (")),
            "a section for {name}:\n{out}"
        );
    }
    sim.server.stop().await;
}

#[tokio::test]
async fn a_bad_file_in_a_config_directory_is_listed_with_its_path_and_exit_78() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("fleet");
    write_fleet(&dir, "http://127.0.0.1:9");
    let bad = dir.join("broken.toml");
    std::fs::write(
        &bad,
        "[deployment]\nname = \"broken\"\nprimary_region = 7\n",
    )
    .unwrap();
    std::fs::write(dir.join("README.md"), "not a configuration").unwrap();
    let dir_arg = dir.display().to_string();

    for format in ["table", "json"] {
        let (code, out, err) = run(
            home.path(),
            vec![
                "status".into(),
                "--format".into(),
                format.into(),
                "--config".into(),
                dir_arg.clone(),
            ],
        )
        .await;
        assert_eq!(code, Some(78), "{format}: {out}\n{err}");
        assert!(
            err.contains(&format!("{}:3", bad.display())),
            "names the file and line: {err}"
        );
        assert!(
            err.contains("1 of the fleet's 4 configurations are not valid"),
            "{err}"
        );
        if format == "json" {
            let v: Value = serde_json::from_str(&out).unwrap();
            assert_eq!(v["error"]["code"], "config", "{v:#}");
        }
    }

    // `config check` of the directory: every file, the good ones valid, the bad one located.
    let (code, out, err) = run(
        home.path(),
        vec!["config".into(), "check".into(), dir_arg.clone()],
    )
    .await;
    assert_eq!(code, Some(78), "{out}\n{err}");
    assert_eq!(out.matches(": valid — deployment").count(), 3, "{out}");
    assert!(err.contains("broken.toml:3"), "{err}");

    // Two deployments of the same name are one problem, named in both files.
    std::fs::remove_file(&bad).unwrap();
    std::fs::write(
        dir.join("twin.toml"),
        fleet_member("contoso", "eastus", "westus", "http://127.0.0.1:9")
            .replace("stcontoso", "sttwin"),
    )
    .unwrap();
    let (code, _, err) = run(
        home.path(),
        vec!["status".into(), "--config".into(), dir_arg.clone()],
    )
    .await;
    assert_eq!(code, Some(78), "{err}");
    assert!(
        err.contains("twin.toml: deployment name 'contoso-ml' is also the name in"),
        "{err}"
    );

    // An empty directory says what to put there.
    let empty = home.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let (code, _, err) = run(
        home.path(),
        vec![
            "status".into(),
            "--config".into(),
            empty.display().to_string(),
        ],
    )
    .await;
    assert_eq!(code, Some(78), "{err}");
    assert!(
        err.contains("no *.toml configuration in this directory"),
        "{err}"
    );
}

#[tokio::test]
async fn one_deployment_commands_refuse_a_fleet_with_64() {
    let home = tempfile::tempdir().unwrap();
    let configs = write_fleet(&home.path().join("fleet"), "http://127.0.0.1:9");
    for command in [
        vec!["plan", "failover"],
        vec!["failover", "--answers", "a.toml"],
        vec![
            "drill",
            "--scenario",
            "eastus-outage",
            "--answers",
            "a.toml",
        ],
    ] {
        let mut args: Vec<String> = command.iter().map(|s| s.to_string()).collect();
        for c in &configs[..2] {
            args.push("--config".into());
            args.push(c.display().to_string());
        }
        let (code, _, err) = run(home.path(), args).await;
        assert_eq!(code, Some(64), "{command:?}: {err}");
        assert!(
            err.contains("works on one deployment") && err.contains("contoso.toml"),
            "{command:?}: {err}"
        );
    }
}

#[tokio::test]
async fn one_config_file_behaves_as_before() {
    let sim = fleet_sim().await;
    let home = tempfile::tempdir().unwrap();
    let configs = write_fleet(&home.path().join("fleet"), sim.server.url());
    let (code, json, _) = fleet_json(home.path(), &configs[..1]).await;
    assert_eq!(code, Some(0));
    assert_eq!(
        json["deployment"], "contoso-ml",
        "one status object: {json:#}"
    );
    assert!(json.get("deployments").is_none());
    sim.server.stop().await;
}

#[tokio::test]
async fn the_simulator_refuses_a_fleet_of_two_subscriptions() {
    let home = tempfile::tempdir().unwrap();
    let configs = write_fleet(&home.path().join("fleet"), "http://127.0.0.1:9");
    let other = home.path().join("other.toml");
    let text = std::fs::read_to_string(&configs[1])
        .unwrap()
        .replace(SUB, "00000000-0000-0000-0000-0000000000ff");
    std::fs::write(&other, text).unwrap();
    let args = vec![
        "sim".to_string(),
        "--config".into(),
        configs[0].display().to_string(),
        "--config".into(),
        other.display().to_string(),
    ];
    let (code, _, err) = run(home.path(), args).await;
    assert_eq!(code, Some(64), "{err}");
    assert!(
        err.contains("the simulator serves one subscription") && err.contains("other.toml"),
        "{err}"
    );
}
