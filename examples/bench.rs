//! The performance benchmark of the health engine and the console (README: "Performance").
//!
//!     cargo run --release --example bench
//!
//! With the simulator at a fixed 50 ms per request (without ARM's token buckets, to measure the
//! collector's own time): a full snapshot of 210 and of 1,000 components by the collector as it
//! ships (`BENCH_SIZES`), its requests, Microsoft's Python SDK sending the same GETs, the 210
//! collected one request at a time for comparison; then the console's engine under ARM's
//! documented buckets — its first refresh of 210 and of 1,000 components and, with
//! `-- sustain SECONDS` (`BENCH_SUSTAIN=210:60,1000:600` for each size's own), its 15 s refresh
//! for that long: requests per refresh, time, 429s; one overview frame with 1,000 components;
//! the console's resident memory in a process of its own (`rss-child`; `BENCH_RSS_PROBE=1`
//! for it by phase). `-- paths N` only lists where N components' first two refreshes go;
//! `-- rss N` only measures that resident memory for N components; `-- snapshot N` only the
//! full snapshot of N components.
//!
//! Then a fleet of 20 deployments × 50 components (each its own simulator at 50 ms per request,
//! in this process): the fleet overview's first frame from the 20 snapshots cached on disk
//! (reading them, building every deployment's console, drawing 120×40), and one full refresh
//! of the whole fleet by its engines as they ship (4 collections at a time) against all 20 at
//! once, with the requests it took. `cargo run --release --example bench -- fleet` runs only
//! the fleet's part.

use std::time::{Duration, Instant};

use azfailover::azure::{Access, ClientOptions, connect};
use azfailover::config::{AuthMethod, Config};
use azfailover::health::collect::{CollectOptions, Collector};
use azfailover::sim::{Fault, SimOptions, SimServer};

#[path = "../tests/integration/common/bench_like.rs"]
mod bench_like;

/// The benchmark's deployment of `n` components (one generator with the tests).
fn config(n: usize) -> String {
    bench_like::toml(n)
}

/// A figure of this process's `/proc/self/status` in MB (`key`: `VmRSS:`, `VmHWM:`).
fn status_mb(key: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn rss_mb() -> f64 {
    status_mb("VmRSS:")
}

/// The resident memory, and (with glibc) what of the heap is live and what is free but held.
fn memory_now() -> String {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallinfo2 takes no pointer and only reads the allocator's own counters.
        let m = unsafe { libc::mallinfo2() };
        let mb = |b: usize| b as f64 / 1024.0 / 1024.0;
        format!(
            "{:.1} MB (heap: {:.1} MB live, {:.1} MB free but held, {:.1} MB mapped on its own)",
            rss_mb(),
            mb(m.uordblks + m.hblkhd),
            mb(m.fordblks),
            mb(m.hblkhd)
        )
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    format!("{:.1} MB", rss_mb())
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
    let paths = std::env::args()
        .skip_while(|a| a != "paths")
        .nth(1)
        .and_then(|n| n.parse::<usize>().ok());
    // `-- rss-child URL N`: the console's side alone, in a process of its own (see `rss_alone`).
    if let Some(url) = std::env::args().skip_while(|a| a != "rss-child").nth(1) {
        let n = std::env::args()
            .skip_while(|a| a != "rss-child")
            .nth(2)
            .and_then(|n| n.parse().ok())
            .unwrap_or(1000);
        rt.block_on(rss_child(&url, n));
        return;
    }
    let rss = std::env::args()
        .skip_while(|a| a != "rss")
        .nth(1)
        .and_then(|n| n.parse::<usize>().ok());
    let snapshot = std::env::args()
        .skip_while(|a| a != "snapshot")
        .nth(1)
        .and_then(|n| n.parse::<usize>().ok());
    rt.block_on(async {
        if let Some(n) = paths {
            return where_requests_go(n).await;
        }
        if let Some(n) = snapshot {
            let (sim, cfg, client) = simulated(n, None).await;
            let (best, requests) = best_snapshot(&cfg, &client, CollectOptions::default()).await;
            println!(
                "full snapshot, {n} components: {:.0} ms, {requests} requests (best of 3)",
                best.as_secs_f64() * 1000.0
            );
            return sim.stop().await;
        }
        if let Some(n) = rss {
            return rss_alone(n).await;
        }
        if !only_fleet {
            single().await;
        }
        fleet().await;
    });
    let _ = std::fs::remove_dir_all(&cache);
}

/// The console's side of `n` components in this process, against the simulator at `url`: its
/// engine's first two snapshots, then the overview drawn as in the frame measure; prints the
/// resident memory now and at its peak (MB), each phase's on stderr. `BENCH_RSS_PROBE=1` then
/// stops the engine and takes one cold collection without and one with Azure ML readiness.
async fn rss_child(url: &str, n: usize) {
    let mut cfg = Config::parse(&config(n), "bench").expect("bench config");
    cfg.deployment.arm_endpoint = url.to_string();
    cfg.auth.method = AuthMethod::Simulator;
    let (client, _) = connect(&cfg, Access::ReadOnly, ClientOptions::default()).unwrap();
    eprintln!("rss before the engine: {}", memory_now());
    // The console's own interval: between refreshes the engine is idle, as it is most of the
    // time in a console (the second refresh is asked for at once, as `r` asks).
    let every = Duration::from_secs(cfg.console.refresh_seconds.into());
    let mut engine = azfailover::health::spawn(cfg.clone(), client, every);
    let mut got = 0;
    let mut last = None;
    while got < 2 {
        match engine.rx.recv().await {
            Some(azfailover::health::HealthMsg::Snapshot(snap)) => {
                got += 1;
                last = Some(*snap);
                eprintln!("rss on snapshot {got}: {}", memory_now());
                // The engine gives the collection's freed pages back beside it.
                tokio::time::sleep(Duration::from_millis(50)).await;
                eprintln!("rss 50 ms after snapshot {got}: {}", memory_now());
                if got == 1 {
                    engine.refresh_now();
                }
            }
            Some(_) => {}
            None => break,
        }
    }
    // The console holds the engine's last snapshot and draws it; measured while it holds it.
    let mut figures = (rss_mb(), status_mb("VmHWM:"));
    if let Some(snap) = last {
        azfailover::console::frames_holding(cfg, snap, || {
            eprintln!("rss after the frames: {}", memory_now());
            figures = (rss_mb(), status_mb("VmHWM:"));
        });
    }
    println!("{:.1} {:.1}", figures.0, figures.1);
    engine.stop();
    if std::env::var("BENCH_RSS_PROBE").is_ok() {
        drop(engine);
        tokio::time::sleep(Duration::from_secs(1)).await;
        eprintln!("rss after the engine stopped: {}", memory_now());
        let mut cfg = Config::parse(&config(n), "bench").expect("bench config");
        cfg.deployment.arm_endpoint = url.to_string();
        cfg.auth.method = AuthMethod::Simulator;
        let (client, _) = connect(&cfg, Access::ReadOnly, ClientOptions::default()).unwrap();
        for readiness in [false, true] {
            let c = Collector::with_options(
                cfg.clone(),
                client.clone(),
                CollectOptions {
                    readiness,
                    ..CollectOptions::console()
                },
            );
            let (obs, snap) = c.collect_full().await.unwrap();
            eprintln!(
                "rss after a collection (readiness {readiness}), its observations and snapshot held: {}",
                memory_now()
            );
            drop(obs);
            eprintln!("  the observations dropped: {}", memory_now());
            drop(snap);
            eprintln!("  the snapshot dropped: {}", memory_now());
            drop(c);
            eprintln!("  the collector dropped: {}", memory_now());
        }
    }
}

/// The resident memory of the console's side of 1,000 components in a process of its own (this
/// binary again, `rss-child`), against a simulator in this one: what a responder's console
/// holds, without the simulator's world.
async fn rss_alone(components: usize) {
    let (sim, _, _) = simulated(components, None).await;
    let url = sim.url().to_string();
    let exe = std::env::current_exe().expect("the bench binary");
    let out = tokio::process::Command::new(exe)
        .args(["rss-child", &url, &components.to_string()])
        .output()
        .await;
    let text = match out {
        Ok(o) if o.status.success() => {
            eprint!("{}", String::from_utf8_lossy(&o.stderr));
            let s = String::from_utf8_lossy(&o.stdout).to_string();
            let mut it = s.split_whitespace();
            match (it.next(), it.next()) {
                (Some(now), Some(peak)) => format!("{now} MB ({peak} MB at its peak)"),
                _ => format!("not measured: {s}"),
            }
        }
        Ok(o) => format!("not measured: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => format!("not measured: {e}"),
    };
    println!(
        "| console process RSS on its own: {components} components, two refreshes and the overview drawn | {text} | ≤ 50 MB |"
    );
    sim.stop().await;
}

/// `azfailover status` as a whole process (the release binary beside this one: `cargo build
/// --release`), cold as a responder runs it, against the same simulator: the best of three
/// wall-clock times, and the requests its JSON says it sent.
async fn status_process(sim: &SimServer, components: usize) {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|e| Some(e.parent()?.parent()?.join("azfailover")))
        .filter(|p| p.exists());
    let Some(exe) = exe else {
        println!(
            "| `azfailover status` as a whole process, {components} components | not measured: build the binary first (`cargo build --release`) | ≤ 3 RTT + 150 ms = 300 ms |"
        );
        return;
    };
    let toml = config(components).replace("http://127.0.0.1:1", sim.url().trim_end_matches('/'));
    let file = std::env::temp_dir().join(format!("azfailover-bench-{}.toml", std::process::id()));
    std::fs::write(&file, toml).unwrap();
    let mut best = Duration::MAX;
    let mut requests = serde_json::Value::Null;
    let mut failed = None;
    for _ in 0..3 {
        let t = Instant::now();
        let out = tokio::process::Command::new(&exe)
            .args(["status", "--format", "json", "--config"])
            .arg(&file)
            .output()
            .await;
        let took = t.elapsed();
        match out {
            Ok(o) if !o.stdout.is_empty() => {
                let v: serde_json::Value =
                    serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null);
                if took < best {
                    best = took;
                    requests = v["requests"].clone();
                }
            }
            Ok(o) => failed = Some(String::from_utf8_lossy(&o.stderr).to_string()),
            Err(e) => failed = Some(e.to_string()),
        }
    }
    let _ = std::fs::remove_file(&file);
    match failed {
        Some(why) if best == Duration::MAX => println!(
            "| `azfailover status` as a whole process, {components} components | not measured: {} | ≤ 3 RTT + 150 ms = 300 ms |",
            why.lines().last().unwrap_or("it failed")
        ),
        _ => println!(
            "| `azfailover status --format json` as a whole process, {components} components, cold (best of 3) | {:.0} ms, {requests} requests | ≤ 3 RTT + 150 ms = 300 ms |",
            best.as_secs_f64() * 1000.0
        ),
    }
}

/// One collection by `collector` and the GETs the simulator saw it send (path and query).
async fn logged(
    sim: &SimServer,
    collector: &Collector,
) -> (azfailover::health::Snapshot, Vec<String>) {
    sim.world().lock().unwrap().get_log = Some(Vec::new());
    let snap = collector.collect().await.unwrap();
    let log = sim
        .world()
        .lock()
        .unwrap()
        .get_log
        .take()
        .unwrap_or_default();
    (snap, log)
}

/// `-- paths N`: where the requests of a console's first and second refresh of N components go,
/// by path with its names' digits folded (`st#`), most first.
async fn where_requests_go(components: usize) {
    let (sim, cfg, client) = simulated(components, None).await;
    let collector = Collector::with_options(cfg, client, CollectOptions::console());
    for pass in ["first", "second"] {
        let (snap, log) = logged(&sim, &collector).await;
        let mut by: std::collections::BTreeMap<String, usize> = Default::default();
        for url in log {
            let path = url
                .split('?')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            let folded: String = path
                .split('/')
                .map(|seg| {
                    if seg.len() > 30 {
                        "{id}".to_string()
                    } else {
                        let mut out = String::new();
                        for ch in seg.chars() {
                            if ch.is_ascii_digit() {
                                if !out.ends_with('#') {
                                    out.push('#');
                                }
                            } else {
                                out.push(ch);
                            }
                        }
                        out
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            *by.entry(folded).or_default() += 1;
        }
        let mut rows: Vec<(String, usize)> = by.into_iter().collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.1));
        println!(
            "{pass} refresh: {} requests ({} GETs logged)",
            snap.requests,
            rows.iter().map(|r| r.1).sum::<usize>()
        );
        for (p, n) in rows {
            println!("{n:6}  {p}");
        }
    }
    sim.stop().await;
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
        let sim = start_sim(
            &cfg,
            SimOptions {
                time_scale: Some(1.0),
                ..SimOptions::default()
            },
        )
        .await;
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

/// A simulator serving `cfg` on threads of its own, as Azure's servers are not the console's:
/// on the console's runtime, a simulator answering under its world's lock would hold the
/// console's own worker threads and the measure would count the simulator's waits as the
/// product's. Both share this machine's cores all the same.
async fn start_sim(cfg: &Config, opts: SimOptions) -> SimServer {
    static SIM_RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    let rt = SIM_RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("simulator")
            .enable_all()
            .build()
            .expect("the simulator's runtime")
    });
    let cfg = cfg.clone();
    rt.spawn(async move { SimServer::start(&cfg, opts).await })
        .await
        .expect("the simulator starts")
        .expect("the simulator binds")
}

/// A simulator of `components` components at 50 ms per request (without ARM's token buckets
/// unless `limits`), and a read-only client of it.
async fn simulated(
    components: usize,
    limits: Option<azfailover::sim::RateLimits>,
) -> (SimServer, Config, azfailover::azure::ArmClient) {
    let mut cfg = Config::parse(&config(components), "bench").expect("bench config");
    let sim = start_sim(
        &cfg,
        SimOptions {
            time_scale: Some(1.0),
            rate_limits: Some(limits.unwrap_or(azfailover::sim::RateLimits::unlimited())),
            ..SimOptions::default()
        },
    )
    .await;
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
    let (_, urls) = logged(sim, &collector).await;
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

/// The console's engine (15 s refresh) on `components` components under ARM's documented
/// buckets: its first refresh and, for `secs`, what its refreshes spend and whether ARM refused
/// any request.
async fn under_documented_buckets(components: usize, secs: Option<u64>) {
    let (sim, cfg, client) =
        simulated(components, Some(azfailover::sim::RateLimits::documented())).await;
    let t = Instant::now();
    let mut engine =
        azfailover::health::spawn(cfg.clone(), client.clone(), Duration::from_secs(15));
    let mut snaps: Vec<(u64, u64)> = Vec::new();
    let until = secs.map(|s| Instant::now() + Duration::from_secs(s));
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(1), engine.rx.recv()).await;
        if let Ok(Some(azfailover::health::HealthMsg::Snapshot(snap))) = msg {
            if snaps.is_empty() {
                println!(
                    "| first refresh of {components} components under ARM's documented buckets (250 reads, +25/s) | {:.1} s, {} requests, {} answered 429, {} waited at the read gate | no 429 |",
                    t.elapsed().as_secs_f64(),
                    snap.requests,
                    client.budget().throttled,
                    snap.reads_waited,
                );
            }
            snaps.push((snap.requests, snap.duration_ms));
        }
        match until {
            Some(u) if Instant::now() < u => {}
            None if snaps.is_empty() => {}
            _ => break,
        }
    }
    engine.stop();
    let Some(secs) = secs else {
        sim.stop().await;
        return;
    };
    // The refreshes after the first (its cost is the row above).
    let later = &snaps[1.min(snaps.len())..];
    let (mean, max) = (
        later.iter().map(|s| s.0).sum::<u64>() as f64 / later.len().max(1) as f64,
        later.iter().map(|s| s.0).max().unwrap_or(0),
    );
    let took = later.iter().map(|s| s.1).max().unwrap_or(0);
    let refused: u64 = sim.world().lock().unwrap().throttle.refused.values().sum();
    println!(
        "| 15 s refresh sustained {secs} s, {components} components, documented buckets | {} snapshots; later refreshes {mean:.0} requests on average, {max} at most, each within {:.1} s; {} answered 429 (simulator: {refused} refused); {} reads waited at the read gate | zero 429{} |",
        snaps.len(),
        took as f64 / 1000.0,
        client.budget().throttled,
        client.reads_gated(),
        if components >= 1000 {
            ", ≤ 250 requests"
        } else {
            ""
        }
    );
    sim.stop().await;
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
        if components == 210 {
            status_process(&sim, components).await;
        }
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
    // Under ARM's documented buckets: the first refresh of the console's engine (nothing
    // cached), and with `sustain SECS` its 15 s refresh for that long — of 210 components, and
    // of 1,000 (`BENCH_SUSTAIN=210` for the smaller only; `210:60,1000:600` for a size's own).
    let secs = std::env::args()
        .skip_while(|a| a != "sustain")
        .nth(1)
        .and_then(|s| s.parse::<u64>().ok());
    // `BENCH_SUSTAIN=210:60,1000:600`: a size's own duration after its colon.
    let sustained: Vec<(usize, Option<u64>)> = std::env::var("BENCH_SUSTAIN")
        .unwrap_or_else(|_| "210,1000".into())
        .split(',')
        .filter_map(|s| {
            let mut it = s.trim().split(':');
            let n = it.next()?.parse().ok()?;
            let own = it.next().and_then(|d| d.parse().ok());
            Some((n, secs.and(own).or(secs)))
        })
        .collect();
    for (components, secs) in sustained {
        under_documented_buckets(components, secs).await;
    }

    let frame = azfailover::console::bench_frame(1000);
    println!(
        "| one overview frame, 1,000 components | {:.2} ms | ≤ 2 ms (release) |",
        frame.as_secs_f64() * 1000.0
    );
    rss_alone(1000).await;
    println!(
        "| this process's RSS (console state with 1,000 components + the simulators, stopped) | {:.1} MB | for comparison |",
        rss_mb()
    );
}
