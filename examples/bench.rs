//! The performance benchmark of the health engine and the console (README: "Performance").
//!
//!     cargo run --release --example bench
//!
//! With the simulator at a fixed 50 ms per request and 200 components across two regions:
//! a full snapshot (concurrent, one subscription-wide availability list) against the same
//! snapshot collected one resource at a time; requests per refresh; one overview frame with
//! 1,000 components; the resident memory of a console state with 1,000 components.

use std::fmt::Write;
use std::time::{Duration, Instant};

use azfailover::azure::{Access, ClientOptions, connect};
use azfailover::config::{AuthMethod, Config};
use azfailover::health::collect::{CollectOptions, Collector};
use azfailover::sim::{Fault, SimOptions, SimServer};

const SUB: &str = "00000000-0000-0000-0000-0000000000b0";

/// 200 components of every kind, half paired (one resource per region), half replicated.
fn config(n: usize) -> String {
    let mut t = format!(
        "[deployment]\nname = \"bench\"\nsubscription_id = \"{SUB}\"\nprimary_region = \"eastus\"\nsecondary_region = \"westus\"\nrto_minutes = 60\nrpo_minutes = 15\narm_endpoint = \"http://127.0.0.1:1\"\n\n[auth]\nmethod = \"simulator\"\n"
    );
    let rid = |rg: &str, p: &str| format!("/subscriptions/{SUB}/resourceGroups/{rg}/providers/{p}");
    for i in 0..n {
        let (kind, body) = match i % 10 {
            0 => (
                "storage",
                format!(
                    "resource = \"{}\"",
                    rid(
                        "rg-data",
                        &format!("Microsoft.Storage/storageAccounts/st{i}")
                    )
                ),
            ),
            1 => (
                "sql-failover-group",
                format!(
                    "resource = \"{}\"",
                    rid(
                        "rg-data",
                        &format!("Microsoft.Sql/servers/sql{i}-eastus/failoverGroups/fog{i}")
                    )
                ),
            ),
            2 => (
                "cosmos-db",
                format!(
                    "resource = \"{}\"",
                    rid(
                        "rg-data",
                        &format!("Microsoft.DocumentDB/databaseAccounts/cos{i}")
                    )
                ),
            ),
            3 => (
                "container-registry",
                format!(
                    "resource = \"{}\"",
                    rid(
                        "rg-g",
                        &format!("Microsoft.ContainerRegistry/registries/acr{i}")
                    )
                ),
            ),
            4 => (
                "traffic-manager",
                format!(
                    "resource = \"{}\"\nprimary_endpoint = \"e\"\nsecondary_endpoint = \"w\"",
                    rid(
                        "rg-g",
                        &format!("Microsoft.Network/trafficManagerProfiles/tm{i}")
                    )
                ),
            ),
            5 => (
                "aks",
                paired(&rid, "Microsoft.ContainerService/managedClusters/aks", i),
            ),
            6 => (
                "ml-workspace",
                paired(&rid, "Microsoft.MachineLearningServices/workspaces/ws", i),
            ),
            7 => (
                "postgres-flexible",
                paired(&rid, "Microsoft.DBforPostgreSQL/flexibleServers/pg", i),
            ),
            8 => (
                "app-insights",
                paired(&rid, "Microsoft.Insights/components/ai", i),
            ),
            _ => (
                "key-vault",
                format!(
                    "resource = \"{}\"",
                    rid("rg-g", &format!("Microsoft.KeyVault/vaults/kv{i}"))
                ),
            ),
        };
        let _ = write!(
            t,
            "\n[[components]]\nname = \"c{i}\"\nkind = \"{kind}\"\nmode = \"hot-cold\"\n{body}\n"
        );
    }
    t
}

fn paired(rid: &dyn Fn(&str, &str) -> String, prefix: &str, i: usize) -> String {
    format!(
        "primary = \"{}\"\nsecondary = \"{}\"",
        rid("rg-e", &format!("{prefix}{i}e")),
        rid("rg-w", &format!("{prefix}{i}w"))
    )
}

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let components = 200;
    let mut cfg = Config::parse(&config(components), "bench").expect("bench config");
    let sim = SimServer::start(
        &cfg,
        SimOptions {
            time_scale: Some(1.0),
            ..SimOptions::default()
        },
    )
    .await
    .unwrap();
    sim.inject(&Fault::Latency {
        millis: 50,
        region: None,
        methods: None,
    })
    .unwrap();
    cfg.deployment.arm_endpoint = sim.url().to_string();
    cfg.auth.method = AuthMethod::Simulator;
    let (client, _) = connect(&cfg, Access::ReadOnly, ClientOptions::default()).unwrap();

    let fast = Collector::with_options(
        cfg.clone(),
        client.clone(),
        // What ships: the product's own collector settings.
        CollectOptions::default(),
    );
    fast.collect().await.unwrap(); // warm the connection pool
    let mut best = Duration::MAX;
    let mut requests = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let snap = fast.collect().await.unwrap();
        best = best.min(t.elapsed());
        requests = snap.requests;
    }
    let slow = Collector::with_options(
        cfg.clone(),
        client.clone(),
        CollectOptions {
            concurrency: 1,
            subscription_availability: false,
        },
    );
    let t = Instant::now();
    let snap = slow.collect().await.unwrap();
    let sequential = t.elapsed();

    let frame = azfailover::console::bench_frame(1000);

    println!("azfailover benchmark ({components} components, simulator at 50 ms per request)");
    println!("| measure | result | target |");
    println!("|---|---|---|");
    println!(
        "| full snapshot (concurrent, 1 availability list) | {:.0} ms | ≤ 200 ms |",
        best.as_secs_f64() * 1000.0
    );
    println!("| requests per refresh | {requests} | as few as the APIs allow |");
    println!(
        "| same snapshot, one resource at a time | {:.1} s ({} requests) | for comparison |",
        sequential.as_secs_f64(),
        snap.requests
    );
    println!(
        "| ratio | {:.0}× faster | |",
        sequential.as_secs_f64() / best.as_secs_f64()
    );
    println!(
        "| one overview frame, 1,000 components | {:.2} ms | ≤ 2 ms (release) |",
        frame.as_secs_f64() * 1000.0
    );
    // The frame benchmark held a console with 1,000 components; the simulator of 200 runs here too.
    println!(
        "| process RSS (console state with 1,000 components + simulator) | {:.1} MB | ≤ 50 MB |",
        rss_mb()
    );
    sim.stop().await;
}
