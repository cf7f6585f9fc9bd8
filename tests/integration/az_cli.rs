//! End to end with Microsoft's own Azure CLI: the real binary's `azfailover sim --tls` serves
//! HTTPS with its own certificate and token endpoint; `az login --identity` signs in through it
//! (an isolated `AZURE_CONFIG_DIR`), and the manual-fallback commands of a planned failover —
//! the forms the runbook prints — run against it; then the simulator's state says each took
//! effect.
//!
//! A second test reads the demo's Azure ML readiness with az: the secondary workspace's role
//! assignments, its private endpoint, the private DNS zones and their virtual network links.
//!
//! Needs the Azure CLI: `AZFAILOVER_TEST_AZ` (a path), else `az` on PATH. Without it the test
//! is skipped with a message on stderr, except under CI (`CI` set), where it fails: `.ci/run`
//! installs it (pinned, 2.91.0).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use serde_json::Value;

const SUB: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups";
/// The demo's subscription (assets/demo.toml).
const DEMO_SUB: &str = "/subscriptions/8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b";

/// Skips the test (returns) outside CI; fails it under CI.
fn unavailable(why: &str) {
    let msg = format!(
        "the Azure CLI test cannot run: {why}\n\
         install: python3 -m pip install azure-cli==2.91.0 (or set AZFAILOVER_TEST_AZ)"
    );
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("{msg}\n(CI is set: CI must install it)");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED az_cli: {msg}");
}

/// The `az` to run: `AZFAILOVER_TEST_AZ`, else the first `az` on PATH.
fn find_az() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AZFAILOVER_TEST_AZ").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join("az"))
        .find(|p| p.is_file())
}

/// The simulator process, killed when the test ends (by its own pid).
struct Sim(Child);

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The az environment: the setup lines' variables, an isolated config dir, no telemetry.
struct Az {
    bin: PathBuf,
    env: Vec<(String, String)>,
}

impl Az {
    /// Runs `az args`, returning its stdout; panics with stderr when it fails.
    fn run(&self, args: &[&str]) -> String {
        let started = Instant::now();
        let out = Command::new(&self.bin)
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env_remove("AZURE_CLIENT_ID")
            .env_remove("MSI_ENDPOINT")
            .stdin(Stdio::null())
            .output()
            .expect("az runs");
        eprintln!(
            "az {} -> {} ({:.1} s)",
            args.join(" "),
            out.status,
            started.elapsed().as_secs_f64()
        );
        assert!(
            out.status.success(),
            "az {} failed ({})\n--- stdout ---\n{}--- stderr ---\n{}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `az args -o json`, parsed.
    fn json(&self, args: &[&str]) -> Value {
        let mut a = args.to_vec();
        a.extend(["-o", "json"]);
        serde_json::from_str(&self.run(&a)).expect("az printed JSON")
    }
}

/// Starts `azfailover sim --tls` on `config` (the built-in demo when None) and reads its
/// startup lines: the URL, the certificate, the lines to paste.
fn start_sim(dir: &Path, config: Option<&Path>) -> (Sim, String, Vec<String>) {
    let cert = dir.join("ca.pem");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_azfailover"));
    cmd.args(["sim", "--tls", "--time-scale", "20000"]);
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    let mut child = cmd
        .arg("--cert")
        .arg(&cert)
        .env_remove("AZFAILOVER_CONFIG")
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("azfailover sim starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next = || lines.next().expect("a startup line").expect("utf-8");
    let first = next();
    let url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first}"))
        .to_string();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let second = next();
    assert_eq!(second, format!("certificate {}", cert.display()));
    assert!(cert.is_file(), "the certificate is written");
    let setup: Vec<String> = (0..6).map(|_| next()).collect();
    (Sim(child), url, setup)
}

/// The simulator's state (`GET /_sim/state`) through az itself (it trusts the certificate).
fn state(az: &Az, url: &str) -> Value {
    az.json(&[
        "rest",
        "--method",
        "get",
        "--url",
        &format!("{url}/_sim/state"),
        "--skip-authorization-header",
    ])
}

/// A resource of the state by the end of its id.
fn arm<'a>(state: &'a Value, id_end: &str) -> &'a Value {
    state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["id"]
                .as_str()
                .unwrap()
                .to_ascii_lowercase()
                .ends_with(&id_end.to_ascii_lowercase())
        })
        .map(|r| &r["arm"])
        .unwrap_or_else(|| panic!("no resource {id_end}"))
}

/// Signs az in with the pasted setup lines (exports, then the az commands, exactly as printed)
/// in an isolated config dir; None when `az --version` fails (a broken install: a skip outside
/// CI, not a failure).
fn sign_in(bin: PathBuf, dir: &Path, setup: &[String]) -> Option<Az> {
    let mut env: Vec<(String, String)> = vec![
        (
            "AZURE_CONFIG_DIR".into(),
            dir.join("az").display().to_string(),
        ),
        ("AZURE_CORE_COLLECT_TELEMETRY".into(), "0".into()),
        ("AZURE_CORE_ONLY_SHOW_ERRORS".into(), "1".into()),
        ("AZURE_CORE_NO_COLOR".into(), "1".into()),
        ("NO_PROXY".into(), "127.0.0.1,localhost".into()),
        ("no_proxy".into(), "127.0.0.1,localhost".into()),
    ];
    let mut commands = Vec::new();
    for line in setup {
        if let Some(kv) = line.strip_prefix("export ") {
            let (k, v) = kv.split_once('=').expect("NAME=value");
            env.push((k.to_string(), v.to_string()));
        } else {
            commands.push(line.strip_prefix("az ").expect("an az command").to_string());
        }
    }
    let names: Vec<&str> = env.iter().map(|(k, _)| k.as_str()).collect();
    for k in ["IDENTITY_ENDPOINT", "IDENTITY_HEADER", "REQUESTS_CA_BUNDLE"] {
        assert!(names.contains(&k), "{k} is exported: {setup:?}");
    }
    let az = Az { bin, env };
    if Command::new(&az.bin)
        .arg("--version")
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true)
    {
        unavailable(&format!("`{} --version` fails", az.bin.display()));
        return None;
    }
    assert_eq!(commands.len(), 3, "{setup:?}");
    for c in &commands {
        let args: Vec<&str> = c.split_whitespace().collect();
        az.run(&args);
    }
    Some(az)
}

#[test]
fn the_azure_cli_fails_over_the_simulated_deployment() {
    let Some(bin) = find_az() else {
        return unavailable("no `az` on PATH and AZFAILOVER_TEST_AZ unset");
    };
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("temp dir");
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let (_sim, url, setup) = start_sim(dir.path(), Some(&example));
    let Some(az) = sign_in(bin, dir.path(), &setup) else {
        return;
    };
    let account = az.json(&["account", "show"]);
    assert_eq!(account["id"], "00000000-0000-0000-0000-000000000000");
    assert_eq!(account["user"]["type"], "servicePrincipal");

    // The manual fallbacks of a planned failover to westus, in the runbook's forms.
    az.run(&[
        "storage",
        "account",
        "failover",
        "-g",
        "rg-ml-data",
        "-n",
        "sttrainingdata",
        "--failover-type",
        "Planned",
        "--yes",
        "-o",
        "none",
    ]);
    az.run(&[
        "sql",
        "failover-group",
        "set-primary",
        "-g",
        "rg-ml-data",
        "-s",
        "sql-westus",
        "-n",
        "fog-features",
        "-o",
        "none",
    ]);
    az.run(&[
        "postgres",
        "flexible-server",
        "replica",
        "promote",
        "-g",
        "rg-ml-westus",
        "-n",
        "psql-westus",
        "--promote-mode",
        "switchover",
        "--promote-option",
        "planned",
        "--yes",
        "-o",
        "none",
    ]);
    az.run(&[
        "mysql",
        "flexible-server",
        "replica",
        "stop-replication",
        "-g",
        "rg-ml-westus",
        "-n",
        "mysql-westus",
        "--yes",
        "-o",
        "none",
    ]);
    az.run(&[
        "cosmosdb",
        "failover-priority-change",
        "-g",
        "rg-ml-data",
        "-n",
        "cosmos-sessions",
        "--failover-policies",
        "westus=0",
        "eastus=1",
        "-o",
        "none",
    ]);
    az.run(&[
        "aks",
        "start",
        "-g",
        "rg-ml-westus",
        "-n",
        "aks-westus",
        "-o",
        "none",
    ]);
    az.run(&[
        "aks",
        "nodepool",
        "scale",
        "-g",
        "rg-ml-westus",
        "--cluster-name",
        "aks-westus",
        "-n",
        "gpu",
        "--node-count",
        "4",
        "-o",
        "none",
    ]);
    az.run(&[
        "network",
        "traffic-manager",
        "endpoint",
        "update",
        "-g",
        "rg-ml-global",
        "--profile-name",
        "tm-scoring",
        "-n",
        "eastus-endpoint",
        "--type",
        "externalEndpoints",
        "--endpoint-status",
        "Disabled",
        "-o",
        "none",
    ]);
    // `az afd` is not in the core CLI 2.91 (its cdn module left for an extension): the generic
    // update sends what `az afd origin update` sends, a GET then a PUT of the whole origin.
    let origin = format!(
        "{SUB}/rg-ml-global/providers/Microsoft.Cdn/profiles/afd-ml/originGroups/scoring/origins/eastus-origin"
    );
    az.run(&[
        "resource",
        "update",
        "--ids",
        &origin,
        "--api-version",
        "2025-04-15",
        "--set",
        "properties.enabledState=Disabled",
        "-o",
        "none",
    ]);

    // Read back with az (its own GETs) and from the simulator's state.
    let acct = az.json(&[
        "storage",
        "account",
        "show",
        "-g",
        "rg-ml-data",
        "-n",
        "sttrainingdata",
    ]);
    assert_eq!(acct["primaryLocation"], "westus");
    let fg = az.json(&[
        "sql",
        "failover-group",
        "show",
        "-g",
        "rg-ml-data",
        "-s",
        "sql-westus",
        "-n",
        "fog-features",
    ]);
    assert_eq!(fg["replicationRole"], "Primary");
    let fg_old = az.json(&[
        "sql",
        "failover-group",
        "show",
        "-g",
        "rg-ml-data",
        "-s",
        "sql-eastus",
        "-n",
        "fog-features",
    ]);
    assert_eq!(fg_old["replicationRole"], "Secondary");
    let s = state(&az, &url);
    assert_eq!(
        arm(&s, "flexibleServers/psql-westus")["properties"]["replicationRole"],
        "Primary"
    );
    assert_eq!(
        arm(&s, "flexibleServers/psql-eastus")["properties"]["replicationRole"],
        "AsyncReplica"
    );
    assert_eq!(
        arm(&s, "flexibleServers/mysql-westus")["properties"]["replicationRole"],
        "None"
    );
    assert_eq!(
        arm(&s, "databaseAccounts/cosmos-sessions")["properties"]["writeLocations"][0]["locationName"],
        "West US"
    );
    let aks = arm(&s, "managedClusters/aks-westus");
    assert_eq!(aks["properties"]["powerState"]["code"], "Running");
    let gpu = aks["properties"]["agentPoolProfiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "gpu")
        .unwrap();
    assert_eq!(gpu["count"], 4);
    let tm = arm(&s, "trafficManagerProfiles/tm-scoring");
    let east = tm["properties"]["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "eastus-endpoint")
        .unwrap();
    assert_eq!(east["properties"]["endpointStatus"], "Disabled");
    let o = az.json(&[
        "resource",
        "show",
        "--ids",
        &origin,
        "--api-version",
        "2025-04-15",
    ]);
    assert_eq!(o["properties"]["enabledState"], "Disabled");
    // Every command went out as the runbook's manual fallback would send it.
    let ops: Vec<String> = s["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| format!("{} {}", o["method"].as_str().unwrap(), o["status"]))
        .collect();
    assert!(
        ops.iter().any(|o| o == "PUT 200"),
        "the TM endpoint PUT: {ops:?}"
    );
    eprintln!(
        "az_cli: 17 az commands in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// A string field of az's JSON.
fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} in {v}"))
}

/// Azure ML readiness with Microsoft's own client, against the demo: the role assignments on
/// the secondary workspace (az reads the role definitions for their names; with
/// `--fill-principal-name false` it does not ask Microsoft Graph), the workspace's private
/// endpoint, the private DNS zones and their virtual network links — the endpoint's network
/// among them.
#[test]
fn the_azure_cli_reads_the_demo_workspace_roles_and_private_network() {
    let Some(bin) = find_az() else {
        return unavailable("no `az` on PATH and AZFAILOVER_TEST_AZ unset");
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let (_sim, _url, setup) = start_sim(dir.path(), None);
    let Some(az) = sign_in(bin, dir.path(), &setup) else {
        return;
    };
    let rg = |region: &str| format!("{DEMO_SUB}/resourceGroups/rg-contoso-ml-{region}");
    let ws = format!(
        "{}/providers/Microsoft.MachineLearningServices/workspaces/mlw-contoso-westus",
        rg("westus")
    );
    let identity = az.json(&[
        "resource",
        "show",
        "--ids",
        &ws,
        "--api-version",
        "2025-09-01",
    ])["identity"]["principalId"]
        .clone();
    let roles = az.json(&[
        "role",
        "assignment",
        "list",
        "--scope",
        &ws,
        "--fill-principal-name",
        "false",
    ]);
    let roles = roles.as_array().expect("a list");
    let definitions = format!("{DEMO_SUB}/providers/Microsoft.Authorization/roleDefinitions/");
    for r in roles {
        assert!(!text(r, "principalId").is_empty(), "{r}");
        assert!(text(r, "roleDefinitionId").starts_with(&definitions), "{r}");
        assert!(text(r, "scope").eq_ignore_ascii_case(&ws), "{r}");
    }
    let mut held: Vec<(&str, &str)> = roles
        .iter()
        .map(|r| (text(r, "principalType"), text(r, "roleDefinitionName")))
        .collect();
    held.sort();
    assert_eq!(
        held,
        [
            ("Group", "Contributor"),
            ("ServicePrincipal", "Contributor"),
            ("User", "AzureML Data Scientist")
        ]
    );
    let own = roles
        .iter()
        .find(|r| r["principalType"] == "ServicePrincipal")
        .unwrap();
    assert_eq!(own["principalId"], identity, "the workspace's own identity");

    let pe_id = format!(
        "{}/providers/Microsoft.Network/privateEndpoints/pe-mlw-contoso-westus",
        rg("westus")
    );
    let pe = az.json(&["network", "private-endpoint", "show", "--ids", &pe_id]);
    assert_eq!(pe["location"], "westus");
    let vnet = format!(
        "{}/providers/Microsoft.Network/virtualNetworks/vnet-contoso-ml-westus",
        rg("westus")
    );
    assert_eq!(
        text(&pe["subnet"], "id"),
        format!("{vnet}/subnets/snet-private-endpoints")
    );
    let link = &pe["privateLinkServiceConnections"][0];
    assert_eq!(text(link, "privateLinkServiceId"), ws);
    assert_eq!(link["groupIds"], serde_json::json!(["amlworkspace"]));
    assert_eq!(
        link["privateLinkServiceConnectionState"]["status"],
        "Approved"
    );

    let zones = az.json(&["network", "private-dns", "zone", "list"]);
    let mut names: Vec<&str> = zones
        .as_array()
        .expect("a list")
        .iter()
        .map(|z| {
            assert_eq!(z["resourceGroup"], "rg-contoso-ml-eastus", "{z}");
            assert_eq!(z["numberOfVirtualNetworkLinks"], 2, "{z}");
            text(z, "name")
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "privatelink.api.azureml.ms",
            "privatelink.blob.core.windows.net",
            "privatelink.notebooks.azure.net"
        ]
    );
    let links = az.json(&[
        "network",
        "private-dns",
        "link",
        "vnet",
        "list",
        "-g",
        "rg-contoso-ml-eastus",
        "-z",
        "privatelink.api.azureml.ms",
    ]);
    let links = links.as_array().expect("a list");
    assert_eq!(links.len(), 2, "{links:?}");
    for l in links {
        assert_eq!(l["virtualNetworkLinkState"], "Completed", "{l}");
        assert_eq!(l["registrationEnabled"], false, "{l}");
    }
    assert!(
        links
            .iter()
            .any(|l| text(&l["virtualNetwork"], "id") == vnet),
        "the endpoint's network is linked: {links:?}"
    );
}

/// Microsoft's own client copes with ARM's throttling: with the read bucket cut to one token
/// refilled every 3 s (the `rate-limit` fault), `az resource show` of two resources finds the
/// bucket empty for the second, is answered 429 with Retry-After, waits it out (azure-core's
/// retry policy) and shows both.
#[test]
fn the_azure_cli_waits_out_an_emptied_read_bucket() {
    let Some(bin) = find_az() else {
        return unavailable("no `az` on PATH and AZFAILOVER_TEST_AZ unset");
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let (_sim, url, setup) = start_sim(dir.path(), None);
    let Some(az) = sign_in(bin, dir.path(), &setup) else {
        return;
    };
    let applied = az.json(&[
        "rest",
        "--method",
        "post",
        "--url",
        &format!("{url}/_sim/faults"),
        "--body",
        r#"{"kind": "rate-limit", "reads": 1, "read_refill": 0.34}"#,
        "--skip-authorization-header",
    ]);
    assert!(
        applied["applied"].as_str().unwrap().contains("reads 1"),
        "{applied}"
    );
    let data = format!("{DEMO_SUB}/resourceGroups/rg-contoso-ml-data/providers");
    let storage = format!("{data}/Microsoft.Storage/storageAccounts/stcontosotraindata");
    let cosmos = format!("{data}/Microsoft.DocumentDB/databaseAccounts/cosmos-contoso-sessions");
    let started = Instant::now();
    let out = Command::new(&az.bin)
        .args(["resource", "show", "--ids", &storage, &cosmos])
        .args(["--api-version", "2024-01-01", "-o", "json", "--debug"])
        .envs(az.env.iter().map(|(k, v)| (k, v)))
        .env_remove("AZURE_CLIENT_ID")
        .env_remove("MSI_ENDPOINT")
        .stdin(Stdio::null())
        .output()
        .expect("az runs");
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "az resource show failed ({})\n{stderr}",
        out.status
    );
    let shown: Value = serde_json::from_slice(&out.stdout).expect("az printed JSON");
    let names: Vec<&str> = shown
        .as_array()
        .expect("a list of two")
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["stcontosotraindata", "cosmos-contoso-sessions"]);
    // az saw the 429 and its Retry-After, and waited.
    assert!(
        stderr.contains("429"),
        "no 429 in az's debug output:\n{stderr}"
    );
    assert!(
        stderr.contains("SubscriptionRequestsThrottled") || stderr.contains("'Retry-After'"),
        "{stderr}"
    );
    assert!(took.as_secs_f64() >= 1.0, "az did not wait: {took:?}");
    eprintln!(
        "az_cli: az resource show waited out the emptied bucket in {:.1} s",
        took.as_secs_f64()
    );
}
