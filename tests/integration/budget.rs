//! ARM's request budget: the console's refreshes and probes never empty the simulator's
//! token buckets (the documented ones: reads 250, refilled 25 a second), however often they are
//! asked for.

use crate::common;

use std::time::{Duration, Instant};

use azfailover::azure::{Access, ClientOptions, connect};
use azfailover::config::Config;
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
