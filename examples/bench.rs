//! The performance benchmark of the health engine and the console (README: "Performance").
//!
//!     cargo run --release --example bench
//!
//! With the simulator at a fixed 50 ms per request (without ARM's token buckets, to measure the
//! collector's own time): a full snapshot of 210 and of 1,000 components by the collector as it
//! ships, its requests, the 210 collected one request at a time for comparison; then one
//! refresh of 1,000 under ARM's documented buckets (`-- sustain SECONDS`: the console's engine
//! refreshing every 15 s for that long under them, and its 429s); one overview frame with 1,000
//! components; the resident memory.
//!
//! Then a fleet of 20 deployments × 50 components (each its own simulator at 50 ms per request,
//! in this process): the fleet overview's first frame from the 20 snapshots cached on disk
//! (reading them, building every deployment's console, drawing 120×40), and one full refresh
//! of the whole fleet by its engines as they ship (4 collections at a time) against all 20 at
//! once, with the requests it took. `cargo run --release --example bench -- fleet` runs only
//! the fleet's part.

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

fn main() {
    let only_fleet = std::env::args().skip(1).any(|a| a == "fleet");
    // The fleet's snapshot cache goes to a directory of its own, set before any thread starts.
    let cache = std::env::temp_dir().join(format!("azfailover-bench-{}", std::process::id()));
    // SAFETY: no other thread exists yet.
    unsafe { std::env::set_var("XDG_CACHE_HOME", &cache) };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        if !only_fleet {
            single().await;
        }
        fleet().await;
    });
    let _ = std::fs::remove_dir_all(&cache);
}

/// The deployments of the fleet, and their components each.
const FLEET: usize = 20;
const FLEET_COMPONENTS: usize = 50;

/// The fleet: 20 deployments of 50 components, each against its own simulator.
async fn fleet() {
    use azfailover::app::fleet_host;
    use azfailover::console::fleet::Fleet;
    use azfailover::health::HealthMsg;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    let mut sims = Vec::new();
    let mut cfgs = Vec::new();
    for d in 0..FLEET {
        let name = format!("bench-{d:02}");
        let text =
            config(FLEET_COMPONENTS).replace("name = \"bench\"", &format!("name = \"{name}\""));
        let mut cfg = Config::parse(&text, &format!("{name}.toml")).expect("bench config");
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
        sims.push(sim);
        cfgs.push(cfg);
    }
    // Every deployment's last snapshot on disk, as a console or `status` leaves it.
    for cfg in &cfgs {
        let (client, _) = connect(cfg, Access::ReadOnly, ClientOptions::default()).unwrap();
        let snap = Collector::new(cfg.clone(), client).collect().await.unwrap();
        azfailover::health::cache::save(&snap);
    }

    // The first frame: read the 20 cached snapshots, build the 20 consoles, draw 120×40.
    let mut frames = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let options = fleet_host::first_frame_options(&cfgs, true);
        let fleet = Fleet::new(
            &options,
            azfailover::console::ui::theme::Theme::color(),
            time::OffsetDateTime::now_utc(),
            (120, 40),
        );
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
        terminal
            .draw(|f| azfailover::console::ui::fleet::render(f, &fleet))
            .expect("test backend");
        frames.push(t.elapsed());
        assert!(
            fleet.apps.iter().all(|a| a.stale),
            "every row from the cache"
        );
    }
    frames.sort();
    // What the console attaches after that frame: every deployment's client.
    let t = Instant::now();
    let connections = fleet_host::connect_all(&cfgs, true);
    let attach = t.elapsed();

    // One full refresh of the whole fleet: until every engine delivered a snapshot.
    let refresh = |concurrency: usize| {
        let connections: Vec<_> = connections
            .iter()
            .filter_map(|c| {
                c.as_ref()
                    .ok()
                    .map(|(cfg, client, _)| (cfg.clone(), client.clone()))
            })
            .collect();
        async move {
            let t = Instant::now();
            let mut engines = azfailover::health::engine::spawn_fleet(connections, concurrency);
            let mut pending: std::collections::BTreeSet<usize> = (0..engines.len()).collect();
            let mut requests = 0;
            while !pending.is_empty() && t.elapsed() < Duration::from_secs(120) {
                for (i, e) in engines.iter_mut().enumerate() {
                    while let Ok(msg) = e.rx.try_recv() {
                        if let HealthMsg::Snapshot(s) = msg
                            && pending.remove(&i)
                        {
                            requests += s.requests;
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            assert!(
                pending.is_empty(),
                "every deployment refreshed within 120 s"
            );
            (t.elapsed(), requests)
        }
    };
    let (bounded, requests) = refresh(fleet_host::FLEET_COLLECT_CONCURRENCY).await;
    let (unbounded, requests_all) = refresh(FLEET).await;

    println!();
    println!(
        "fleet: {FLEET} deployments × {FLEET_COMPONENTS} components (each its own simulator at 50 ms per request)"
    );
    println!("| measure | result | target |");
    println!("|---|---|---|");
    println!(
        "| overview first frame from the cache (read 20 snapshots, 20 consoles, draw 120×40) | median {:.1} ms, {:.1}–{:.1} ms (5 runs) | ≤ 50 ms |",
        frames[frames.len() / 2].as_secs_f64() * 1000.0,
        frames[0].as_secs_f64() * 1000.0,
        frames[frames.len() - 1].as_secs_f64() * 1000.0
    );
    println!(
        "| then every deployment's client, built once that frame is on screen | {:.1} ms | (not in the first frame) |",
        attach.as_secs_f64() * 1000.0
    );
    println!(
        "| full refresh of the fleet, {} collections at a time (as shipped) | {:.2} s, {requests} requests | within one refresh interval (15 s) |",
        fleet_host::FLEET_COLLECT_CONCURRENCY,
        bounded.as_secs_f64()
    );
    println!(
        "| the same, all {FLEET} at once (for comparison) | {:.2} s, {requests_all} requests | |",
        unbounded.as_secs_f64()
    );
    println!(
        "| process RSS (20 simulators + the fleet's consoles) | {:.1} MB | |",
        rss_mb()
    );
    for sim in sims {
        sim.stop().await;
    }
}

/// A simulator of `components` components at 50 ms per request (without ARM's token buckets
/// unless `limits`), and a read-only client of it.
async fn simulated(
    components: usize,
    limits: Option<azfailover::sim::RateLimits>,
) -> (SimServer, Config, azfailover::azure::ArmClient) {
    let mut cfg = Config::parse(&config(components), "bench").expect("bench config");
    let sim = SimServer::start(
        &cfg,
        SimOptions {
            time_scale: Some(1.0),
            rate_limits: Some(limits.unwrap_or(azfailover::sim::RateLimits::unlimited())),
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
    (sim, cfg, client)
}

/// The best of three snapshots of the collector with `opts` (after one that warms the
/// connections and the slowly changing reads' cache): its time and requests.
async fn best_snapshot(
    cfg: &Config,
    client: &azfailover::azure::ArmClient,
    opts: CollectOptions,
) -> (Duration, u64) {
    let fast = Collector::with_options(cfg.clone(), client.clone(), opts);
    fast.collect().await.unwrap();
    let mut best = Duration::MAX;
    let mut requests = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let snap = fast.collect().await.unwrap();
        if t.elapsed() < best {
            best = t.elapsed();
            requests = snap.requests;
        }
    }
    (best, requests)
}

/// One warm snapshot's GETs sent again through Microsoft's Python SDK (examples/bench_sdk.py:
/// a real SDK client's pipeline), one at a time and from 32 threads, against the same
/// simulator; the ratios are to the shipped collector's `best`.
async fn sdk_side_by_side(
    sim: &SimServer,
    cfg: &Config,
    client: &azfailover::azure::ArmClient,
    best: Duration,
) {
    let collector = Collector::with_options(cfg.clone(), client.clone(), CollectOptions::default());
    collector.collect().await.unwrap();
    sim.world().lock().unwrap().get_log = Some(Vec::new());
    collector.collect().await.unwrap();
    let urls = sim
        .world()
        .lock()
        .unwrap()
        .get_log
        .take()
        .unwrap_or_default();
    let file =
        std::env::temp_dir().join(format!("azfailover-bench-gets-{}.json", std::process::id()));
    std::fs::write(&file, serde_json::to_string(&urls).unwrap()).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/bench_sdk.py");
    let url = sim.url().to_string();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("python3")
            .args([script, url.as_str(), file.to_str().unwrap()])
            .output()
    })
    .await
    .unwrap();
    let row = |text: String| {
        println!(
            "| Microsoft's Python SDK, the same {} GETs | {text} | for comparison |",
            urls.len()
        )
    };
    match out {
        Ok(o) if o.status.success() => {
            let v: serde_json::Value =
                serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null);
            let (seq, thr) = (
                v["sequential_s"].as_f64().unwrap_or(f64::NAN),
                v["threads32_s"].as_f64().unwrap_or(f64::NAN),
            );
            let ms = best.as_secs_f64();
            row(format!(
                "sequential {seq:.1} s ({:.0}× azfailover), 32 threads {thr:.2} s ({:.1}× azfailover), {} errors",
                seq / ms,
                thr / ms,
                v["errors"]
            ));
        }
        Ok(o) => row(format!(
            "not measured: {}",
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .unwrap_or("python3 failed")
        )),
        Err(e) => row(format!("not measured: python3: {e}")),
    }
}

/// The single deployment's measurements.
async fn single() {
    println!("azfailover benchmark (simulator at 50 ms per request; 3 round trips = 150 ms)");
    println!("| measure | result | target |");
    println!("|---|---|---|");
    // `BENCH_SIZES=210,1000` (the default) chooses the deployments measured.
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .unwrap_or_else(|_| "210,1000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    for components in sizes {
        let target = match components {
            210 => "≤ 3 RTT + 150 ms = 300 ms",
            1000 => "≤ 3 RTT + 50 ms = 200 ms, ≤ 250 requests",
            _ => "",
        };
        let (sim, cfg, client) = simulated(components, None).await;
        let (best, requests) = best_snapshot(&cfg, &client, CollectOptions::default()).await;
        println!(
            "| full snapshot, {components} components ({} resources) | {:.0} ms, {requests} requests | {target} |",
            cfg.components
                .iter()
                .map(|c| c.resource_ids().len())
                .sum::<usize>(),
            best.as_secs_f64() * 1000.0
        );
        sdk_side_by_side(&sim, &cfg, &client, best).await;
        // The same without Resource Graph: provider lists and GETs only (what it replaced).
        let without = CollectOptions {
            resource_graph: false,
            ..CollectOptions::default()
        };
        let (best_without, requests_without) = best_snapshot(&cfg, &client, without).await;
        println!(
            "| the same without Resource Graph (provider lists only) | {:.0} ms, {requests_without} requests | for comparison |",
            best_without.as_secs_f64() * 1000.0
        );
        if components == 210 {
            let slow = Collector::with_options(
                cfg.clone(),
                client.clone(),
                CollectOptions {
                    concurrency: 1,
                    subscription_availability: false,
                    resource_graph: false,
                    ..CollectOptions::default()
                },
            );
            let t = Instant::now();
            let snap = slow.collect().await.unwrap();
            let sequential = t.elapsed();
            println!(
                "| same snapshot, one request at a time, per-resource availability | {:.1} s ({} requests): {:.0}× slower | for comparison |",
                sequential.as_secs_f64(),
                snap.requests,
                sequential.as_secs_f64() / best.as_secs_f64()
            );
        }
        sim.stop().await;
    }
    // Under ARM's documented buckets: one refresh of 210 components, and what is left.
    let (sim, cfg, client) = simulated(210, Some(azfailover::sim::RateLimits::documented())).await;
    let t = Instant::now();
    let snap = Collector::new(cfg.clone(), client.clone())
        .collect()
        .await
        .unwrap();
    println!(
        "| first refresh of 210 components under ARM's documented buckets (250 reads, +25/s) | {:.1} s, {} requests, {} answered 429, {} waited at the read gate, {} reads left | no 429 |",
        t.elapsed().as_secs_f64(),
        snap.requests,
        client.budget().throttled,
        snap.reads_waited,
        client
            .budget()
            .reads_now()
            .map_or("?".into(), |r| r.to_string())
    );
    if let Some(secs) = std::env::args()
        .skip_while(|a| a != "sustain")
        .nth(1)
        .and_then(|s| s.parse::<u64>().ok())
    {
        // The console's engine at a 15 s refresh for `secs` seconds, under the same buckets.
        let mut engine =
            azfailover::health::spawn(cfg.clone(), client.clone(), Duration::from_secs(15));
        let until = Instant::now() + Duration::from_secs(secs);
        let mut snapshots = 0;
        while Instant::now() < until {
            if let Ok(Some(azfailover::health::HealthMsg::Snapshot(_))) =
                tokio::time::timeout(Duration::from_secs(1), engine.rx.recv()).await
            {
                snapshots += 1;
            }
        }
        engine.stop();
        println!(
            "| 15 s refresh sustained {secs} s, 210 components, documented buckets | {snapshots} snapshots, {} answered 429, {} reads waited at the read gate | zero 429 |",
            client.budget().throttled,
            client.reads_gated()
        );
    }
    sim.stop().await;

    let frame = azfailover::console::bench_frame(1000);
    println!(
        "| one overview frame, 1,000 components | {:.2} ms | ≤ 2 ms (release) |",
        frame.as_secs_f64() * 1000.0
    );
    println!(
        "| process RSS (console state with 1,000 components + the simulators, stopped) | {:.1} MB | ≤ 50 MB |",
        rss_mb()
    );
}
