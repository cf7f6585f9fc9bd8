//! Every `az` command azfailover prints is one the real Azure CLI accepts: the commands of every
//! runbook (failover and failback, planned and forced) and of every component's detail screen,
//! for the demo deployment and for a second topology (config.example.toml: PostgreSQL, MySQL,
//! Front Door, Traffic Manager, registry, vault, Application Insights, and its SQL partner
//! server in another resource group), plus each command builder of `azfailover::azure::az` once
//! (the ones only reached in particular states: a failback after an unplanned failover, a step
//! that could not be planned).
//!
//! `tests/az/parse_commands.py` parses them all in one Python process with the CLI's own parser
//! (no sign-in: it parses before it needs a token) and says which ones it rejects or which would
//! stop at a confirmation prompt; `az ml` (an extension that cannot be installed offline) is
//! checked against `tests/az_reference/ml.txt`.
//!
//! The CLI is found through `AZFAILOVER_TEST_AZ` (the `az` executable), else `az` on PATH; the
//! Python that runs it is the one its launcher names. Without it the test is skipped with a
//! message on stderr, except under CI (`CI` set), where it fails: CI installs it (.ci/run).

use crate::common;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use azfailover::azure::az;
use azfailover::azure::{Access, ClientOptions, connect};
use azfailover::config::{Config, ResourceId, RunbookKind};
use azfailover::health::Snapshot;
use azfailover::health::collect::{Collector, Observations, PartnerSource, SqlPartner};
use azfailover::region::Region;
use azfailover::runbook::plan;
use azfailover::sim::Fault;
use common::*;

/// Skips the test (returns) outside CI; fails it under CI.
fn unavailable(why: &str) {
    let msg = format!(
        "the az command test cannot run: {why}\n\
         install: python3 -m pip install azure-cli==2.91.0 (or set AZFAILOVER_TEST_AZ to an az executable)"
    );
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("{msg}\n(CI is set: CI must install it)");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED az_commands: {msg}");
}

/// The az executable: `AZFAILOVER_TEST_AZ`, else the first `az` on PATH.
fn find_az() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AZFAILOVER_TEST_AZ").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join("az"))
        .find(|p| p.is_file())
}

/// The Python interpreter the az launcher runs: a pip install's launcher is a Python script
/// (its shebang names the interpreter); the packaged one is a shell script that runs
/// `/opt/az/bin/python3 -Im azure.cli`.
fn az_python(az: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(az).ok()?;
    let first = text.lines().next()?;
    if let Some(interp) = first.strip_prefix("#!")
        && interp.contains("python")
    {
        let mut words = interp.split_whitespace();
        let prog = words.next()?;
        // `#!/usr/bin/env python3`
        return Some(PathBuf::from(if prog.ends_with("/env") {
            words.next()?
        } else {
            prog
        }));
    }
    text.split_whitespace()
        .find(|w| w.contains("python") && w.starts_with('/'))
        .map(|w| PathBuf::from(w.trim_matches('"')))
}

async fn observe(sim: &Sim, cfg: &Config) -> (Config, Observations, Snapshot) {
    let mut cfg = cfg.clone();
    cfg.use_simulator(sim.url());
    let (client, _) = connect(&cfg, Access::ReadOnly, ClientOptions::default()).unwrap();
    let (obs, snap) = Collector::new(cfg.clone(), client)
        .collect_full()
        .await
        .unwrap();
    (cfg, obs, snap)
}

/// Every command of both runbooks and of every detail screen, for the state the sim is in.
fn commands_of(cfg: &Config, obs: &Observations, snap: &Snapshot, out: &mut BTreeSet<String>) {
    for kind in [RunbookKind::Failover, RunbookKind::Failback] {
        for s in plan(cfg, obs, snap, kind).steps {
            out.extend(s.az);
        }
    }
    for c in &snap.components {
        out.extend(c.az_commands.iter().cloned());
    }
}

/// The commands of a topology: healthy (planned runbooks), then with each region down in turn
/// (forced failover, forced failback).
async fn topology(cfg: &Config, tweak: impl Fn(&mut Observations), out: &mut BTreeSet<String>) {
    let sim = Sim::with_config(cfg, 1000.0).await;
    let (c, mut obs, snap) = observe(&sim, cfg).await;
    tweak(&mut obs);
    commands_of(&c, &obs, &snap, out);
    for region in [
        cfg.deployment.primary_region.clone(),
        cfg.deployment.secondary_region.clone(),
    ] {
        sim.inject(Fault::RegionOutage {
            region: region.to_string(),
            title: None,
            arm: None,
            control_plane: None,
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        let (c, mut obs, snap) = observe(&sim, cfg).await;
        tweak(&mut obs);
        let rb = plan(&c, &obs, &snap, RunbookKind::Failover);
        if region == cfg.deployment.primary_region {
            assert!(rb.forced, "a primary outage plans a forced failover");
        }
        commands_of(&c, &obs, &snap, out);
        sim.inject(Fault::RegionRecover {
            region: region.to_string(),
        });
    }
    sim.server.stop().await;
}

/// The commands of a drifted standby workspace: every fix the "prepare the standby workspace"
/// step prints (two passes: the DNS links' fix needs the workspace's private endpoint, whose own
/// drift hides the network it sits in).
async fn drifted(out: &mut BTreeSet<String>) {
    let cfg = Config::demo();
    for items in [
        &[
            "datastore",
            "registry-region",
            "environment",
            "role-assignment",
            "user-role",
            "dns-link",
            "managed-network",
        ][..],
        &["private-endpoint"][..],
    ] {
        let sim = Sim::with_config(&cfg, 1000.0).await;
        let ws = cfg.component("workspace").unwrap().resource_ids()[1].to_string();
        for item in items {
            sim.inject(Fault::WorkspaceDrift {
                resource: Some(ws.clone()),
                target: None,
                item: (*item).into(),
                name: (*item == "datastore").then(|| "training_data".into()),
            });
        }
        let (c, obs, snap) = observe(&sim, &cfg).await;
        let fixes: Vec<String> = snap
            .components
            .iter()
            .flat_map(|c| c.standby.iter().filter_map(|x| x.fix.clone()))
            .collect();
        assert!(fixes.len() >= items.len(), "{items:?}: {fixes:#?}");
        let rb = plan(&c, &obs, &snap, RunbookKind::Failover);
        let prep = rb
            .steps
            .iter()
            .find(|s| s.id == "prepare.workspace.standby")
            .expect("the prepare-the-standby step");
        for f in &fixes {
            assert!(prep.az.contains(f), "{f} not in the step");
        }
        out.extend(fixes);
        commands_of(&c, &obs, &snap, out);
        sim.server.stop().await;
    }
}

/// Each builder once, with ids of another subscription and resource group than the demo's.
fn every_builder(out: &mut BTreeSet<String>) {
    let id = |p: &str| {
        ResourceId::parse(&format!(
            "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-other/providers/{p}"
        ))
        .unwrap()
    };
    let westus = Region::new("westus");
    let sa = id("Microsoft.Storage/storageAccounts/stother");
    let fg = id("Microsoft.Sql/servers/sql-other-westus/failoverGroups/fog-other");
    let cosmos = id("Microsoft.DocumentDB/databaseAccounts/cosmos-other");
    let pg_a = id("Microsoft.DBforPostgreSQL/flexibleServers/psql-a");
    let pg_b = id("Microsoft.DBforPostgreSQL/flexibleServers/psql-b");
    let my_a = id("Microsoft.DBforMySQL/flexibleServers/mysql-a");
    let my_b = id("Microsoft.DBforMySQL/flexibleServers/mysql-b");
    let aks = id("Microsoft.ContainerService/managedClusters/aks-other");
    let ws = id("Microsoft.MachineLearningServices/workspaces/mlw-other");
    let compute = id("Microsoft.MachineLearningServices/workspaces/mlw-other/computes/cpu");
    let ep = id("Microsoft.MachineLearningServices/workspaces/mlw-other/onlineEndpoints/score");
    let tm = id("Microsoft.Network/trafficManagerProfiles/tm-other");
    let og = id("Microsoft.Cdn/profiles/afd-other/originGroups/scoring");
    let acr = id("Microsoft.ContainerRegistry/registries/acrother");
    let kv = id("Microsoft.KeyVault/vaults/kv-other");
    let ai = id("Microsoft.Insights/components/ai-other");
    out.extend([
        az::resource_show(&sa),
        az::health::availability(&sa),
        az::health::events(sa.subscription()),
        az::storage::show_geo(&sa, "geoReplicationStats"),
        az::storage::set_sku(&sa, "Standard_RAGRS"),
        az::storage::failover(&sa, true),
        az::storage::failover(&sa, false),
        az::sql::show(&fg),
        az::sql::set_primary(&fg, false),
        az::sql::set_primary(&fg, true),
        az::cosmos::show(&cosmos),
        az::cosmos::offline_region(&cosmos, &westus),
        az::cosmos::online_region(&cosmos, &westus),
        az::cosmos::failover_priority_change(&cosmos, &["westus=0".into(), "eastus=1".into()]),
        az::flex::show(true, &pg_b),
        az::flex::show(false, &my_b),
        az::flex::replica_list(true, &pg_a),
        az::flex::replica_list(false, &my_a),
        az::flex::replica_create(true, &pg_a, &pg_b, &westus),
        az::flex::replica_create(false, &my_a, &my_b, &westus),
        az::flex::promote(&pg_b, false),
        az::flex::promote(&pg_b, true),
        az::flex::stop_replication(&my_b),
        az::aks::show(&aks),
        az::aks::start(&aks),
        az::aks::stop(&aks),
        az::aks::nodepool_scale(&aks, "user", 5),
        az::aml::workspace_show(&ws, None),
        az::aml::workspace_show(&ws, Some("discovery_url")),
        az::aml::compute_show(&compute),
        az::aml::compute_update(&compute, 0, 0),
        az::aml::endpoint_show_traffic(&ep),
        az::aml::endpoint_route(&ep, "blue"),
        az::aml::endpoint_invoke(&ep),
        az::aml::deployment_list(&ep),
        az::aml::deployment_scale(&ep, "blue", 3),
        az::aml::schedule_list(&ws),
        az::aml::running_jobs(&ws),
        az::aml::datastore_create(&ws, "training_data"),
        az::aml::datastore_show(&ws, "training_data"),
        az::aml::asset_share("model", &ws, "churn", "7", "mlr-contoso"),
        az::aml::asset_share("environment", &ws, "churn-env", "3", "mlr-contoso"),
        az::aml::registry_show("mlr-contoso", "rg-ml", "11111111-1111-1111-1111-111111111111"),
        az::aml::registry_update("mlr-contoso", "rg-ml", "11111111-1111-1111-1111-111111111111"),
        az::aml::provision_network(&ws),
        az::aml::outbound_rule_list(&ws),
        az::aml::outbound_rule_fqdn(&ws, "pypi", "pypi.org"),
        az::aml::outbound_rule_service_tag(&ws, "aml", "AzureMachineLearning", "TCP", "443"),
        az::aml::outbound_rule_private_endpoint(&ws, "data-blob", &ws.to_string(), "blob"),
        az::aml::role_assign("11111111-2222-4333-8444-555555555555", "User", "AzureML Data Scientist", &ws.to_string()),
        az::aml::role_list(&ws.to_string()),
        az::aml::dns_link_create(&id("Microsoft.Network/privateDnsZones/privatelink.api.azureml.ms"), "link-westus", "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet"),
        az::aml::dns_link_list(&id("Microsoft.Network/privateDnsZones/privatelink.api.azureml.ms")),
        az::aml::private_endpoint_create("pe-ws", &ws, "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe", &ws.to_string(), "amlworkspace"),
        az::routing::tm_endpoints(&tm),
        az::routing::tm_endpoint_status(&tm, "westus-endpoint", "azureEndpoints", "Enabled"),
        az::routing::afd_origins(&og),
        az::routing::afd_origin_state(&og, "eastus-origin", "Disabled"),
        az::observe::acr_replications(&acr),
        az::observe::keyvault_show(&kv),
        az::observe::app_insights_show(&ai),
    ]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_printed_az_command_parses_with_the_real_cli() {
    let Some(az) = find_az() else {
        return unavailable("no az executable (AZFAILOVER_TEST_AZ unset and no az on PATH)");
    };
    let Some(python) = az_python(&az) else {
        return unavailable(&format!("cannot tell which Python {} runs", az.display()));
    };

    let mut cmds = BTreeSet::new();
    topology(&Config::demo(), |_| {}, &mut cmds).await;
    drifted(&mut cmds).await;
    // The second topology, whose SQL partner lives in another resource group: what a forced
    // failover uses when the primary cannot be read and the configuration names the partner.
    let example = Config::parse(include_str!("../../config.example.toml"), "example").unwrap();
    let fg_key = example.component("feature-store").unwrap().resource_ids()[0].key();
    let partner = ResourceId::parse(
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml-dr-westus/providers/Microsoft.Sql/servers/sql-westus",
    )
    .unwrap();
    topology(
        &example,
        |obs| {
            obs.sql_partners.insert(
                fg_key.clone(),
                SqlPartner {
                    server: partner.clone(),
                    source: PartnerSource::Config,
                },
            );
        },
        &mut cmds,
    )
    .await;
    assert!(
        cmds.iter().any(|c| c.starts_with(
            "az sql failover-group set-primary -g rg-ml-dr-westus -s sql-westus -n fog-features"
        )),
        "the SQL command addresses the partner's own resource group"
    );
    every_builder(&mut cmds);
    assert!(cmds.len() > 80, "{} commands", cmds.len());

    let started = Instant::now();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/az/parse_commands.py");
    let cfg_dir = tempfile::tempdir().unwrap();
    let spawned = Command::new(&python)
        .arg(&script)
        .env("AZURE_CONFIG_DIR", cfg_dir.path())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => return unavailable(&format!("cannot run {}: {e}", python.display())),
    };
    // Controls: commands the CLI (or the reference text) must reject, so that a parser whose
    // messages changed cannot pass everything silently.
    let controls = [
        "az storage account show -g rg -n st --no-such-flag",
        "az postgres flexible-server replica create --replica-name r -g rg --source-server s",
        "az ml workspace show -n mlw --query discovery_url",
        "az mysql flexible-server replica stop-replication -g rg -n mysql-b",
    ];
    {
        let mut stdin = child.stdin.take().unwrap();
        for c in cmds.iter().map(String::as_str).chain(controls) {
            writeln!(stdin, "{c}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("No module named azure.cli") || stderr.contains("No module named 'azure") {
        return unavailable(&format!("{} has no azure-cli", python.display()));
    }
    assert!(out.status.success(), "parse_commands.py failed\n{stderr}");
    let mut results: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        results.len(),
        cmds.len() + controls.len(),
        "one answer per command\n{stderr}"
    );
    for r in results.split_off(cmds.len()) {
        assert_eq!(r["ok"], false, "a control passed: {r}");
    }
    let bad: Vec<String> = results
        .iter()
        .filter(|r| r["ok"] != true)
        .map(|r| format!("{}\n    → {}", r["cmd"].as_str().unwrap(), r["why"]))
        .collect();
    let by_ref = results.iter().filter(|r| r["by"] == "reference").count();
    println!(
        "az_commands: {} commands ({} by the CLI's parser, {by_ref} against the reference text) in {:.1} s",
        cmds.len(),
        cmds.len() - by_ref,
        started.elapsed().as_secs_f64()
    );
    assert!(
        bad.is_empty(),
        "{} of {} printed az commands are wrong:\n{}",
        bad.len(),
        cmds.len(),
        bad.join("\n")
    );
}
