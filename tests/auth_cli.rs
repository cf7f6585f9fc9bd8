//! The real azure_identity path: a fake `az` first on PATH hands out a token, which must reach
//! the simulator; a failing `az` must end in a message that says to run `az login`, and no `az`
//! at all in one that says how to install it.
//! One test in this binary changes PATH for the whole process; the other gives a PATH to a
//! child process only.

#[path = "integration/common/mod.rs"]
mod common;

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use azfailover::azure::{Access, ClientOptions, ErrorKind, connect};
use azfailover::config::{AuthMethod, Config};
use base64::Engine;
use common::*;

fn fake_az(dir: &std::path::Path, script: &str) {
    let path = dir.join("az");
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(f, "#!/bin/sh\n{script}").unwrap();
    drop(f);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[tokio::test]
async fn azure_cli_token_reaches_the_simulator_and_failures_say_what_to_do() {
    let sim = Sim::start(1000.0).await;
    let dir = tempfile::tempdir().unwrap();
    let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(br#"{"tid":"72f988bf-86f1-41af-91ab-2d7cd011db47","upn":"oncall@contoso.com"}"#);
    let token = format!("eyJhbGciOiJub25lIn0.{claims}.sig");
    fake_az(
        dir.path(),
        &format!(
            "case \"$*\" in *get-access-token*) echo '{{\"accessToken\":\"{token}\",\"expires_on\":1893456000,\"tokenType\":\"Bearer\"}}';; *) exit 2;; esac"
        ),
    );
    let old_path = std::env::var("PATH").unwrap_or_default();
    // SAFETY: this binary has a single test, so no other thread reads the environment.
    unsafe { std::env::set_var("PATH", format!("{}:{old_path}", dir.path().display())) };

    let mut cfg = Config::demo();
    cfg.deployment.arm_endpoint = sim.url().to_string();
    cfg.auth.method = AuthMethod::AzureCli;
    let opts = ClientOptions {
        auth_timeout: Duration::from_secs(10),
        ..ClientOptions::default()
    };
    let (client, _) = connect(&cfg, Access::ReadOnly, opts.clone()).unwrap();
    let who = client.sign_in().await.expect("the fake az signs in");
    assert_eq!(who.user.as_deref(), Some("oncall@contoso.com"));
    assert_eq!(who.method, "azure-cli");
    client.storage_account(&storage_id()).await.unwrap();
    let state = sim.state().await;
    let seen: Vec<String> = serde_json::from_value(state["token_fingerprints"].clone()).unwrap();
    assert!(
        seen.contains(&azfailover::sim::fingerprint(&token)),
        "the az token reached the simulator"
    );
    // The token never appears in what the simulator exposes.
    assert!(!state.to_string().contains(&token));

    // A failing az: the error says to run `az login`.
    fake_az(
        dir.path(),
        "echo \"ERROR: Please run 'az login' to setup account.\" >&2; exit 1",
    );
    let (client, _) = connect(&cfg, Access::ReadOnly, opts).unwrap();
    let e = client.sign_in().await.unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Auth(_)));
    assert!(e.is_unreachable());
    let msg = e.to_string();
    assert!(msg.contains("az login"), "{msg}");
    assert!(msg.contains("azure-cli"), "{msg}");
    assert!(!msg.contains("not installed"), "{msg}");

    // No az at all: the error says the Azure CLI is not installed and how to install it.
    let empty = tempfile::tempdir().unwrap();
    unsafe { std::env::set_var("PATH", empty.path()) };
    let (client, _) = connect(&cfg, Access::ReadOnly, ClientOptions::default()).unwrap();
    let e = client.sign_in().await.unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Auth(_)));
    let msg = e.to_string();
    assert!(msg.contains("the Azure CLI is not installed"), "{msg}");
    assert!(
        msg.contains("https://learn.microsoft.com/cli/azure/install-azure-cli")
            && msg.contains("pip install azure-cli")
            && msg.contains("choose another [auth] method"),
        "{msg}"
    );
    unsafe { std::env::set_var("PATH", old_path) };
}

/// The binary without `az` on its PATH: `status` exits 69 and says how to install it.
#[test]
fn without_az_status_says_how_to_install_the_azure_cli() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    let text = std::fs::read_to_string("assets/demo.toml")
        .unwrap()
        .replace("method = \"simulator\"", "method = \"azure-cli\"");
    assert!(text.contains("method = \"azure-cli\""));
    std::fs::write(&cfg, text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_azfailover"))
        .args(["status", "--format", "json", "--config"])
        .arg(&cfg)
        .env("PATH", dir.path())
        .env("XDG_CACHE_HOME", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(69));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the Azure CLI is not installed")
            && err.contains("pip install azure-cli")
            && !err.contains("what to do: run `az login`"),
        "{err}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["error"]["code"], "auth");
}
