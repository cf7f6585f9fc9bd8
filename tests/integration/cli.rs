//! The real binary: `sim` serves until SIGTERM, `config check` exit codes and messages.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_azfailover");

#[test]
fn sim_prints_its_address_first_and_stops_on_sigterm() {
    let mut child = Command::new(BIN)
        .args([
            "sim",
            "--time-scale",
            "100",
            "--scenario",
            "replication-lag",
        ])
        .env_remove("AZFAILOVER_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let rt = tokio::runtime::Runtime::new().unwrap();
    let state: serde_json::Value = rt.block_on(async {
        let sa = "/subscriptions/8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b/resourceGroups/rg-contoso-ml-data/providers/Microsoft.Storage/storageAccounts/stcontosotraindata";
        let r = reqwest::Client::new()
            .get(format!("{url}{sa}?api-version=2025-01-01"))
            .bearer_auth("t")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        reqwest::get(format!("{url}/_sim/state")).await.unwrap().json().await.unwrap()
    });
    assert_eq!(state["deployment"], "contoso-ml");
    assert_eq!(state["scenario"]["name"], "replication-lag");
    assert_eq!(state["time_scale"], 100.0);

    unsafe { libc_kill(child.id() as i32, 15) };
    let status = wait_timeout(&mut child, Duration::from_secs(10));
    assert_eq!(status, Some(0));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("loopback"), "{err}");
    assert!(
        err.contains("GET /subscriptions/"),
        "requests are logged: {err}"
    );
}

unsafe extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, sig: i32) -> i32;
}

fn wait_timeout(child: &mut std::process::Child, limit: Duration) -> Option<i32> {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if let Some(s) = child.try_wait().unwrap() {
            return s.code();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    None
}

/// `sim --read-bucket N --read-refill R` sizes ARM's token buckets (the startup notes say
/// them); a bucket of nothing, or sizes with `--no-rate-limit`, are usage errors.
#[test]
fn sim_flags_size_the_token_buckets() {
    let mut child = Command::new(BIN)
        .args(["sim", "--read-bucket", "2", "--read-refill", "0.5"])
        .args(["--write-bucket", "7"])
        .env_remove("AZFAILOVER_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().trim_start_matches("listening on ").to_string();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (answers, budget) = rt.block_on(async {
        let sa = "/subscriptions/8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b/resourceGroups/rg-contoso-ml-data/providers/Microsoft.Storage/storageAccounts/stcontosotraindata";
        let http = reqwest::Client::new();
        let mut answers = Vec::new();
        for _ in 0..3 {
            let r = http
                .get(format!("{url}{sa}?api-version=2025-01-01"))
                .bearer_auth("t")
                .send()
                .await
                .unwrap();
            let h = |n: &str| {
                r.headers()
                    .get(n)
                    .map(|v| v.to_str().unwrap().to_string())
                    .unwrap_or_default()
            };
            answers.push(format!(
                "{} left {} retry {}",
                r.status().as_u16(),
                h("x-ms-ratelimit-remaining-subscription-reads"),
                h("retry-after")
            ));
        }
        let budget: serde_json::Value = reqwest::get(format!("{url}/_sim/budget"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (answers, budget)
    });
    assert_eq!(
        answers,
        [
            "200 left 1 retry ",
            "200 left 0 retry ",
            "429 left 0 retry 2"
        ]
    );
    assert_eq!(budget["limits"]["reads"]["size"], 2);
    assert_eq!(budget["limits"]["writes"]["size"], 7);
    assert_eq!(budget["limits"]["deletes"]["size"], 200);
    unsafe { libc_kill(child.id() as i32, 15) };
    assert_eq!(wait_timeout(&mut child, Duration::from_secs(10)), Some(0));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(
        err.contains("ARM token buckets per principal: reads 2 (+0.5/s), writes 7 (+10/s)"),
        "{err}"
    );

    for bad in [
        &["sim", "--read-bucket", "0"][..],
        &["sim", "--write-refill", "0"],
        &["sim", "--no-rate-limit", "--read-bucket", "3"],
    ] {
        let out = Command::new(BIN).args(bad).output().unwrap();
        assert_eq!(out.status.code(), Some(64), "{bad:?}");
    }
}

#[test]
fn sim_refuses_an_unknown_scenario() {
    let out = Command::new(BIN)
        .args(["sim", "--scenario", "meteor"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("eastus-outage"));
}

#[test]
fn config_check_accepts_the_example_and_locates_errors() {
    let ok = Command::new(BIN)
        .args(["config", "check", "config.example.toml"])
        .output()
        .unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("valid"));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    let text = std::fs::read_to_string("config.example.toml")
        .unwrap()
        .replace("kind = \"key-vault\"", "kind = \"keyvault\"");
    std::fs::write(&bad, text).unwrap();
    let out = Command::new(BIN)
        .args(["config", "check"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml:") && err.contains("unknown kind 'keyvault'"),
        "{err}"
    );

    // --config and AZFAILOVER_CONFIG name the file too.
    let out = Command::new(BIN)
        .args(["config", "check"])
        .env("AZFAILOVER_CONFIG", &bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    let missing = Command::new(BIN)
        .args(["--config", "/nonexistent.toml", "config", "check"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(78));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read"));
}

/// Every file of tests/invalid_configs/ fails `config check` with exit 78, and every line of
/// the `.expected` beside it appears in what it says — in one run, however many problems.
#[test]
fn invalid_configs_fail_with_their_expected_messages() {
    let dir = std::path::Path::new("tests/invalid_configs");
    let mut checked = 0;
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    for file in files {
        let expected_path = file.with_extension("expected");
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
        let out = Command::new(BIN)
            .args(["config", "check"])
            .arg(&file)
            .env_remove("AZFAILOVER_CONFIG")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(78), "{}: {err}", file.display());
        for line in expected.lines().filter(|l| !l.trim().is_empty()) {
            assert!(
                err.contains(line),
                "{}: expected {line:?} in:\n{err}",
                file.display()
            );
        }
        // It is the check: it never ends by telling the user to run it.
        assert!(!err.contains("config check"), "{}: {err}", file.display());
        checked += 1;
    }
    assert!(checked >= 5, "{checked} invalid configurations checked");
}

#[test]
fn bad_command_lines_exit_64() {
    let out = Command::new(BIN).arg("--frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(64));
    let help = Command::new(BIN).arg("--help").output().unwrap();
    assert_eq!(help.status.code(), Some(0));
    // --quiet is for runs with no terminal; an operator's name is bounded.
    let quiet = Command::new(BIN)
        .args(["drill", "--scenario", "eastus-outage", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(quiet.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&quiet.stderr).contains("--answers"));
    let long = "o".repeat(65);
    let named = Command::new(BIN)
        .args(["failover", "--answers", "a.toml", "--operator", &long])
        .output()
        .unwrap();
    assert_eq!(named.status.code(), Some(64));
    assert!(
        String::from_utf8_lossy(&named.stderr).contains("1 to 64 printable characters"),
        "{}",
        String::from_utf8_lossy(&named.stderr)
    );
}

#[test]
fn reports_lists_past_runs_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .arg("reports")
        .env("XDG_DATA_HOME", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("no reports yet"));
    let reports = dir.path().join("azfailover/reports");
    std::fs::create_dir_all(&reports).unwrap();
    let report = serde_json::json!({"scenario": "eastus-outage", "kind": "failover", "outcome": "completed",
        "started_at": "2026-11-26T02:41:07Z", "rto_seconds": 2268, "data_loss_window_seconds": 1628});
    std::fs::write(reports.join("contoso-ml-drill-1.json"), report.to_string()).unwrap();
    let out = Command::new(BIN)
        .arg("reports")
        .env("XDG_DATA_HOME", dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("eastus-outage")
            && text.contains("completed")
            && text.contains("37 min")
            && text.contains("27 min"),
        "{text}"
    );
    assert!(text.contains("contoso-ml-drill-1.md"), "{text}");
    // A report that deviated and missed its targets says so without colour.
    let deviated = serde_json::json!({"scenario": null, "kind": "failover", "outcome": "completed",
        "started_at": "2026-11-27T02:00:00Z", "rto_target_seconds": 3600, "rto_seconds": 5400,
        "rto_met": false, "rpo_target_seconds": 900, "data_loss_window_seconds": 60, "rpo_met": null,
        "deviations": ["a skipped by bob: x", "b: precondition overridden by bob: y", "run resumed by bob after an interruption"]});
    std::fs::write(
        reports.join("contoso-ml-failover-2.json"),
        deviated.to_string(),
    )
    .unwrap();
    let out = Command::new(BIN)
        .arg("reports")
        .env("XDG_DATA_HOME", dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let newest = text.lines().nth(1).unwrap();
    assert!(
        newest.starts_with("2026-11-27 02:00:00  failover  -")
            && newest.contains("  completed+3dev  1 h 30 min MISSED  at least 1 min  "),
        "{text}"
    );
}

#[test]
fn journal_shows_a_run_as_a_timeline() {
    use azfailover::runbook::journal::{Event, Journal};
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .env("XDG_DATA_HOME", dir.path())
            .output()
            .unwrap()
    };
    assert!(String::from_utf8_lossy(&run(&["journal"]).stdout).contains("no journals yet"));
    let jdir = dir.path().join("azfailover/journals");
    let mut j = Journal::create(&jdir, "contoso-ml", "failover", "17-abcd").unwrap();
    j.append(
        "2026-11-26T02:41:07Z",
        Event::StepStarted {
            step: "data.training-data.failover".into(),
        },
    )
    .unwrap();
    j.append(
        "2026-11-26T02:41:09Z",
        Event::RequestSent {
            step: "data.training-data.failover".into(),
            method: "POST".into(),
            path: "/subscriptions/x/failover".into(),
            request_id: Some("r-1".into()),
            client_request_id: None,
        },
    )
    .unwrap();
    let out = String::from_utf8_lossy(&run(&["journal", "17-abcd"]).stdout).to_string();
    assert!(
        out.contains("02:41:07  data.training-data.failover: started"),
        "{out}"
    );
    assert!(
        out.contains("sent POST /subscriptions/x/failover (x-ms-request-id r-1)"),
        "{out}"
    );
    assert!(out.contains("unfinished"), "{out}");
    let list = String::from_utf8_lossy(&run(&["journal", "--list"]).stdout).to_string();
    assert!(
        list.contains("UNFINISHED") && list.contains("contoso-ml-failover-17-abcd.jsonl"),
        "{list}"
    );
    assert_eq!(run(&["journal", "nope"]).status.code(), Some(64));
}

/// `status --format json` with the demo configuration pointed at `url` (`auth` replacing its
/// `method` line when given): exit code, stdout, stderr.
fn status_json(
    dir: &std::path::Path,
    url: &str,
    auth: Option<&str>,
) -> (Option<i32>, String, String) {
    let mut text = std::fs::read_to_string("assets/demo.toml")
        .unwrap()
        .replace("http://127.0.0.1:0", url);
    if let Some(a) = auth {
        text = text.replace("method = \"simulator\"", a);
    }
    let path = dir.join("status.toml");
    std::fs::write(&path, text).unwrap();
    let out = Command::new(BIN)
        .args(["status", "--format", "json", "--config"])
        .arg(&path)
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env_remove("AZURE_CLIENT_SECRET")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// The one JSON object of stdout: `{"error": {"code", "message"}}`.
fn error_object(out: &str) -> (String, String) {
    let v: serde_json::Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    let obj = v.as_object().unwrap();
    assert_eq!(obj.len(), 1, "{out}");
    let e = &v["error"];
    assert_eq!(e.as_object().unwrap().len(), 2, "{out}");
    (
        e["code"].as_str().unwrap().to_string(),
        e["message"].as_str().unwrap().to_string(),
    )
}

#[test]
fn status_json_without_a_snapshot_prints_one_error_object() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on port 9.
    let (code, out, err) = status_json(dir.path(), "http://127.0.0.1:9", None);
    assert_eq!(code, Some(69), "{err}");
    let (kind, message) = error_object(&out);
    assert_eq!(kind, "unreachable");
    assert!(message.contains("could not be reached"), "{message}");
    assert!(
        err.contains("could not be reached"),
        "stderr still says it: {err}"
    );

    // A configuration that does not load.
    let (code, out, _) = status_json(dir.path(), "http://127.0.0.1:9", Some("method = \"magic\""));
    assert_eq!(code, Some(78));
    let (kind, message) = error_object(&out);
    assert_eq!(kind, "config");
    assert!(message.contains("status.toml"), "names the file: {message}");

    // Signing in fails (a client secret that is not in the environment).
    let (code, out, err) = status_json(
        dir.path(),
        "https://127.0.0.1:9",
        Some(
            "method = \"client-secret\"\ntenant_id = \"72f988bf-86f1-41af-91ab-2d7cd011db47\"\nclient_id = \"0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b\"",
        ),
    );
    assert_eq!(code, Some(69), "{err}");
    let (kind, _) = error_object(&out);
    assert_eq!(kind, "auth", "{out}");
}

#[test]
fn status_output_carries_no_bidi_override_and_json_escapes_it() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = "sessions\u{202e}atad-gniniart";
    let text = std::fs::read_to_string("assets/demo.toml")
        .unwrap()
        .replace("name = \"sessions\"", &format!("name = \"{hostile}\""));
    let sim_cfg = dir.path().join("sim.toml");
    std::fs::write(&sim_cfg, &text).unwrap();
    let mut sim = Command::new(BIN)
        .args(["sim", "--config"])
        .arg(&sim_cfg)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(sim.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first.trim().trim_start_matches("listening on ").to_string();
    let cfg = dir.path().join("status.toml");
    std::fs::write(&cfg, text.replace("http://127.0.0.1:0", &url)).unwrap();
    let status = |format: &str| {
        let out = Command::new(BIN)
            .args(["status", "--format", format, "--config"])
            .arg(&cfg)
            .env("XDG_CACHE_HOME", dir.path().join("cache"))
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let table = status("table");
    let json = status("json");
    let _ = sim.kill();
    let _ = sim.wait();
    assert!(table.contains("sessionsatad-gniniart"), "{table}");
    assert!(!table.contains('\u{202e}'), "{table}");
    assert!(!json.contains('\u{202e}'), "{json}");
    assert!(json.contains("\\u202e"), "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        v["components"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == hostile)
    );
}
