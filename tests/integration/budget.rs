//! ARM's request budget: the console's refreshes and probes never empty the simulator's
//! token buckets (the documented ones: reads 250, refilled 25 a second), however often they are
//! asked for.

use crate::common;

use std::time::{Duration, Instant};

use azfailover::azure::{Access, ClientOptions, connect};
use azfailover::config::{Config, RunbookKind};
use azfailover::health::{HealthMsg, spawn};
use azfailover::sim::Fault;
use common::*;

/// Requests the simulator refused (429) so far, by kind.
async fn refused(sim: &Sim, kind: &str) -> u64 {
    let b: serde_json::Value = reqwest::get(format!("{}/_sim/budget", sim.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    b["refused"][kind].as_u64().unwrap_or(0)
}

/// The console's engine asked to refresh every 200 ms — ten times what ARM's read bucket
/// refills, in an outage where a refresh costs the most — paces itself: no 429 in 20 s, and it
/// still refreshes as often as the bucket allows.
#[tokio::test]
async fn the_console_engine_never_empties_the_read_bucket() {
    let sim = Sim::start(1000.0).await;
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    let mut cfg = Config::demo();
    cfg.use_simulator(sim.url());
    let (client, _) = connect(&cfg, Access::ReadOnly, ClientOptions::from_config(&cfg)).unwrap();
    let mut engine = spawn(cfg, client.clone(), Duration::from_millis(200));
    let started = Instant::now();
    let mut snapshots = 0;
    let mut low = false;
    while started.elapsed() < Duration::from_secs(20) {
        match tokio::time::timeout(Duration::from_secs(5), engine.rx.recv()).await {
            Ok(Some(HealthMsg::Snapshot(s))) => {
                snapshots += 1;
                low |= s.reads_left.is_some_and(|l| l < 100);
            }
            Ok(Some(_)) => {}
            Ok(None) => panic!("the engine stopped"),
            Err(_) => panic!("no news from the engine in 5 s"),
        }
    }
    engine.stop();
    assert_eq!(
        refused(&sim, "reads").await,
        0,
        "the bucket was never empty"
    );
    assert_eq!(client.budget().throttled, 0);
    // Unpaced it would have taken ~100 snapshots (and hundreds of 429s); paced, what 25 reads a
    // second buy after the first full bucket.
    assert!(
        (4..=40).contains(&snapshots),
        "{snapshots} snapshots in 20 s"
    );
    assert!(low, "the snapshots said the budget ran low");
}

/// A forced failover of the demo run in this process while the console's engine refreshes
/// every 100 ms against the same simulator and principal (one client, as the console shares
/// it with the runs it starts), under a nearly empty read bucket (60 reads, +5 a second)
/// during an eastus outage. The run comes first: it finishes, each one-shot request applied
/// once; the engine, which refreshed as fast as the bucket allowed before, holds back while
/// the run is in flight (no more than two refreshes in all of it) and takes up again after;
/// fewer than half of the run's reads are answered 429.
#[tokio::test]
async fn a_failover_under_a_nearly_empty_read_bucket_finishes_without_its_steps_waiting_behind_refreshes()
 {
    use azfailover::runbook::operator::{AnswersFile, ScriptedOperator};
    use azfailover::runbook::run::{Outcome, RunContext, execute};
    use azfailover::sim::{RateLimits, SimOptions, throttle::Kind};

    let limits = RateLimits::documented()
        .with(Kind::Read, Some(60), Some(5.0))
        .unwrap();
    let sim = Sim::with_options(
        &Config::demo(),
        SimOptions {
            time_scale: Some(2000.0),
            rate_limits: Some(limits),
            ..Default::default()
        },
    )
    .await;
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    let mut cfg = Config::demo();
    cfg.use_simulator(sim.url());
    let (client, writer) =
        connect(&cfg, Access::ReadWrite, ClientOptions::from_config(&cfg)).unwrap();
    let mut engine = spawn(cfg.clone(), client.clone(), Duration::from_millis(100));
    // The console was there first: its refreshes have the bucket down to its reserve.
    let mut before = 0;
    while before < 2 {
        if let Some(HealthMsg::Snapshot(_)) = engine.rx.recv().await {
            before += 1;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let answers = AnswersFile {
        operator: Some("oncall".into()),
        default: Some("confirm".into()),
        retries: None,
        answers: [
            "data.training-data.failover",
            "data.feature-store.failover",
            "data.run-metadata.promote",
            "data.sessions.failover",
        ]
        .into_iter()
        .map(|s| (s.to_string(), "type: westus".to_string()))
        .collect(),
    };
    let operator = ScriptedOperator::new(answers, false);
    let ctx = RunContext {
        cfg: cfg.clone(),
        reader: client.clone(),
        writer,
        scenario: None,
        outage_started_at: None,
        loss_probe: None,
        cancel: Default::default(),
        journal_dir: dir.path().join("journals"),
        reports_dir: dir.path().join("reports"),
        verify_interval: Duration::from_millis(500),
        journal_opened: None,
    };
    let reads_before = client.foreground_reads();
    let throttled_before = client.budget().throttled;
    let started = Instant::now();
    let run = execute(&ctx, RunbookKind::Failover, "failover", &operator, false);
    tokio::pin!(run);
    // Refreshes the engine started while the run was in flight.
    let mut during = 0;
    let result = loop {
        tokio::select! {
            r = &mut run => break r,
            Some(msg) = engine.rx.recv() => {
                if matches!(msg, HealthMsg::Refreshing) {
                    during += 1;
                }
            }
        }
    };
    let took = started.elapsed();
    let run_reads = client.foreground_reads() - reads_before;
    // The engine stood aside meanwhile: these are (nearly all) the run's own.
    let throttled = client.budget().throttled - throttled_before;
    let result = result.expect("the run ends with a report");
    assert_eq!(
        result.outcome,
        Outcome::Completed,
        "{:?}: {}",
        result.message,
        std::fs::read_to_string(&result.report_markdown).unwrap_or_default()
    );
    let ops = sim.applied().await;
    for (what, method, path) in [
        ("storage failover", "POST", "stcontosotraindata/failover"),
        ("SQL forced failover", "POST", "/forcefailoverallowdataloss"),
        ("PostgreSQL promotion", "PATCH", "psql-contoso-westus"),
        ("Cosmos DB offlineRegion", "POST", "/offlineregion"),
        ("AKS start", "POST", "/start"),
    ] {
        let n = ops
            .iter()
            .filter(|(m, p, s)| m == method && p.contains(path) && (200..300).contains(s))
            .count();
        assert_eq!(n, 1, "{what} applied {n} times: {ops:?}");
    }
    eprintln!(
        "run: {:.1} s, {run_reads} reads, {throttled} answered 429; engine refreshes while it ran: {during}",
        took.as_secs_f64(),
    );
    assert!(
        during <= 2,
        "the engine refreshed {during} times in the {:.0} s the run took",
        took.as_secs_f64()
    );
    // A bucket refilled 5 a second is what the run's own reads wait for; they wait out
    // Retry-After together (the client holds every read after a 429) and a collection sends
    // no more at once than the bucket holds, so most are answered (with the engine unaware of
    // the run, as a console in another process: 421 of 696 reads refused, 89 s).
    assert!(
        throttled * 2 <= run_reads,
        "{throttled} of the run's {run_reads} reads answered 429"
    );
    // Once the run is over the console refreshes again.
    let mut after = false;
    let deadline = Instant::now() + Duration::from_secs(60);
    while !after && Instant::now() < deadline {
        if let Ok(Some(HealthMsg::Snapshot(_))) =
            tokio::time::timeout(Duration::from_secs(60), engine.rx.recv()).await
        {
            after = true;
        }
    }
    assert!(after, "the engine refreshes again after the run");
    engine.stop();
}

/// A deployment of `n` components of every kind: the benchmark's (one generator with it).
fn many(n: usize) -> Config {
    Config::parse(&common::bench_like::toml(n), "many").expect("a valid configuration")
}

/// A simulator of `cfg` whose read bucket holds `size` and refills `refill` a second (slower
/// than ARM's documented 25: the client's estimate is corrected by every answer's figure).
async fn small_bucket(cfg: &mut Config, size: u32, refill: f64) -> Sim {
    use azfailover::sim::{RateLimits, SimOptions, throttle::Kind};
    let limits = RateLimits::documented()
        .with(Kind::Read, Some(size), Some(refill))
        .unwrap();
    let sim = Sim::with_options(
        cfg,
        SimOptions {
            time_scale: Some(1000.0),
            rate_limits: Some(limits),
            ..Default::default()
        },
    )
    .await;
    cfg.use_simulator(sim.url());
    sim
}

/// A cold start: the console's collector (through a background client, as the engine's) takes
/// its first snapshot of a deployment whose reads are more than ARM's read bucket holds, with
/// 64 reads at a time. The client's read gate holds each read until the bucket has room above
/// the console's reserve: not one is refused, and the next snapshots neither.
#[tokio::test]
async fn a_cold_first_collection_larger_than_the_read_bucket_is_never_refused() {
    use azfailover::health::collect::Collector;
    let mut cfg = many(100);
    let sim = small_bucket(&mut cfg, 100, 20.0).await;
    let (client, _) = connect(&cfg, Access::ReadOnly, ClientOptions::from_config(&cfg)).unwrap();
    let collector = Collector::new(cfg.clone(), client.background());
    let started = Instant::now();
    let first = collector.collect().await.expect("a snapshot");
    let took = started.elapsed();
    let reads = client.requests_sent();
    let gated = client.reads_gated();
    eprintln!(
        "first collection: {:.1} s, {} requests, {gated} reads waited at the gate, {:?} reads left",
        took.as_secs_f64(),
        first.requests,
        client.budget().reads_now(),
    );
    assert_eq!(refused(&sim, "reads").await, 0, "no read was refused");
    assert_eq!(client.budget().throttled, 0);
    assert!(
        reads > 100,
        "the first collection sent {reads} requests: more than the bucket holds"
    );
    assert!(gated > 0, "reads waited at the gate");
    assert_eq!(
        first.reads_waited, gated,
        "the snapshot says how many waited"
    );
    assert_eq!(client.reads_waiting(), 0);
    assert_eq!(client.reads_in_flight(), 0);
    // The console's reserve is left: the last figure, at most a few reads below it.
    let left = client.budget().reads.unwrap();
    assert!(left >= 50, "{left} reads left after the first collection");
    for n in 2..=4 {
        let t = Instant::now();
        let snap = collector.collect().await.expect("a snapshot");
        eprintln!(
            "collection {n}: {:.1} s, {} requests",
            t.elapsed().as_secs_f64(),
            snap.requests
        );
        assert_eq!(
            refused(&sim, "reads").await,
            0,
            "collection {n} ({} requests) was never refused",
            snap.requests
        );
    }
    assert_eq!(client.budget().throttled, 0);
}

/// While the console's background reads are held at their reserve (many of them waiting at
/// the gate), a run's read (the foreground client) goes at once: the reserve is the run's.
#[tokio::test]
async fn a_foreground_read_goes_while_background_reads_are_held_at_the_reserve() {
    let mut cfg = Config::demo();
    let sim = small_bucket(&mut cfg, 100, 1.0).await;
    let (client, _) = connect(&cfg, Access::ReadOnly, ClientOptions::from_config(&cfg)).unwrap();
    let storage = storage_id();
    let api = "2023-05-01";
    // One read tells the client what is left.
    client.get_raw(&storage, api, &[]).await.unwrap();
    let background = client.background();
    let tasks: Vec<_> = (0..80)
        .map(|_| {
            let c = background.clone();
            let id = storage.clone();
            tokio::spawn(async move { c.get_raw(&id, api, &[]).await.map(|_| ()) })
        })
        .collect();
    // The background drains the bucket down to its reserve, then waits.
    let deadline = Instant::now() + Duration::from_secs(10);
    while client.reads_waiting() < 10 {
        assert!(
            Instant::now() < deadline,
            "the background reads were never held"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let sent_before = client.requests_sent();
    assert!(
        (30..=50).contains(&sent_before),
        "{sent_before} reads sent before the background was held"
    );
    let t = Instant::now();
    for _ in 0..5 {
        client.get_raw(&storage, api, &[]).await.unwrap();
    }
    let took = t.elapsed();
    let waiting = client.reads_waiting();
    assert!(
        took < Duration::from_millis(500),
        "five foreground reads took {took:?} behind the background's"
    );
    assert!(waiting >= 10, "{waiting} background reads still held");
    assert_eq!(refused(&sim, "reads").await, 0, "no read was refused");
    for t in tasks {
        t.abort();
    }
    // Cancelled reads leave the gate and the in-flight count.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(client.reads_waiting(), 0);
    assert_eq!(client.reads_in_flight(), 0);
}

/// A read held at the gate longer than its call's deadline is still sent, with the whole
/// deadline (the deadline is the network's, and a region that hangs still shows within it).
#[tokio::test]
async fn time_at_the_read_gate_does_not_count_against_the_deadline() {
    let mut cfg = Config::demo();
    let sim = small_bucket(&mut cfg, 65, 25.0).await;
    let opts = ClientOptions {
        total_deadline: Duration::from_millis(1000),
        ..ClientOptions::from_config(&cfg)
    };
    let (client, _) = connect(&cfg, Access::ReadOnly, opts).unwrap();
    let storage = storage_id();
    let api = "2023-05-01";
    // Foreground reads take the bucket to a few above nothing.
    for _ in 0..200 {
        client.get_raw(&storage, api, &[]).await.unwrap();
        if client.budget().reads.is_some_and(|l| l <= 5) {
            break;
        }
    }
    let left = client.budget().reads.unwrap();
    assert!(left <= 5, "{left} left");
    // Each answer now takes 150 ms: within the deadline, if the deadline is the network's.
    sim.inject(Fault::Latency {
        millis: 150,
        region: None,
        methods: None,
    });
    // A background read waits for the bucket to hold more than the reserve: over 2 s.
    let t = Instant::now();
    let got = client.background().get_raw(&storage, api, &[]).await;
    let took = t.elapsed();
    assert!(got.is_ok(), "{:?}", got.err());
    assert!(took > Duration::from_millis(1500), "it took {took:?}");
    assert_eq!(client.reads_gated(), 1);
    assert_eq!(refused(&sim, "reads").await, 0);
}
