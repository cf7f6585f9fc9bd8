//! Wire compatibility with Microsoft's official Python management SDKs: `tests/sdk/compat.py`
//! drives an in-process simulator with azure-mgmt-storage, -sql, -cosmosdb, -resourcehealth and
//! -resourcegraph (reads, a Resource Graph query paged by its skip token, and failovers through
//! the SDKs' own long-running-operation pollers).
//!
//! Needs python3 (or the interpreter named by `AZFAILOVER_TEST_PYTHON`) and
//! `pip install -r tests/sdk/requirements.txt`. Without them the test is skipped (with a message
//! on stderr), except under CI (`CI` set), where it fails: CI installs them.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use azfailover::config::Config;
use azfailover::sim::{SimOptions, SimServer};

/// compat.py's exit status when an SDK package is missing.
const SDK_MISSING: i32 = 3;

/// Skips the test (returns) outside CI; fails it under CI.
fn unavailable(why: &str) {
    let msg = format!(
        "the Python SDK compatibility test cannot run: {why}\n\
         install: python3 -m pip install -r tests/sdk/requirements.txt"
    );
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("{msg}\n(CI is set: CI must install them)");
    }
    // Straight to stderr, past the test harness's capture, so a skip is always visible.
    let _ = writeln!(std::io::stderr(), "SKIPPED sdk_compat: {msg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_management_sdks_drive_the_simulator() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let script = root.join("tests/sdk/compat.py");
    let python = std::env::var("AZFAILOVER_TEST_PYTHON").unwrap_or_else(|_| "python3".to_string());

    // A large time scale: every failover completes within the pollers' first Retry-After.
    let sim = SimServer::start(
        &Config::demo(),
        SimOptions {
            time_scale: Some(5000.0),
            ..Default::default()
        },
    )
    .await
    .expect("simulator starts");

    let dir = tempfile::tempdir().expect("temp dir");
    let (out_path, err_path) = (dir.path().join("stdout"), dir.path().join("stderr"));
    let spawned = Command::new(&python)
        .arg(&script)
        .arg(sim.url())
        .current_dir(&root)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => {
            sim.stop().await;
            return unavailable(&format!("cannot run `{python}`: {e}"));
        }
    };

    let deadline = Instant::now() + Duration::from_secs(180);
    let status = loop {
        if let Some(s) = child.try_wait().expect("waiting for python") {
            break Some(s);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    sim.stop().await;

    let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    let output = format!("--- stdout ---\n{stdout}--- stderr ---\n{stderr}");
    let Some(status) = status else {
        panic!("compat.py did not finish within 180 s\n{output}");
    };
    if status.code() == Some(SDK_MISSING) && stderr.contains("SDK-MISSING") {
        return unavailable(stderr.trim());
    }
    assert!(status.success(), "compat.py failed ({status})\n{output}");
    // Shown with --nocapture.
    println!("{output}");
}
