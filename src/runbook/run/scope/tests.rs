//! Tests of `scope`: against the simulator, every step's scoped reading decides its checks as a
//! whole snapshot does, holds only what its scope names, and costs a few requests.

use super::*;
use crate::azure::{Access, ArmClient, ClientOptions, connect};
use crate::config::RunbookKind;
use crate::health::collect::Collector;
use crate::runbook::run::live::{LiveReader, plan_reading};
use crate::runbook::run::{check_post, check_pre};
use crate::sim::{Fault, SimOptions, SimServer};

/// The demo's simulator (an eastus outage when `outage`), no buckets, its clock at real time
/// (nothing moves between two readings), and a client of it.
async fn world(outage: bool) -> (SimServer, Config, ArmClient) {
    let mut cfg = Config::demo();
    let sim = SimServer::start(
        &cfg,
        SimOptions {
            time_scale: Some(1.0),
            rate_limits: Some(crate::sim::RateLimits::unlimited()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    if outage {
        sim.inject(&Fault::RegionOutage {
            region: "eastus".into(),
            title: None,
            arm: None,
            control_plane: None,
        })
        .unwrap();
    }
    cfg.use_simulator(sim.url());
    let (client, _) = connect(&cfg, Access::ReadOnly, ClientOptions::default()).unwrap();
    (sim, cfg, client)
}

#[test]
fn scopes_add_up_and_cover_what_they_read() {
    let a = Scope::one("a", false);
    let b = Scope::one("b", true);
    let ab = a.union(&b);
    assert!(ab.covers(&a) && ab.covers(&b) && !a.covers(&b) && !b.covers(&a));
    // Health lists are part of what a scope covers.
    assert!(!Scope::one("b", false).covers(&b));
    assert!(b.covers(&Scope::one("b", false)));
    assert!(Scope::Everything.covers(&ab) && !ab.covers(&Scope::Everything));
    assert_eq!(ab.union(&Scope::Everything), Scope::Everything);
    assert!(Scope::nothing().union(&a) == a);
}

/// Each step of a planned and of a forced failover: what its checks judge, read alone, decides
/// them as the whole snapshot does (nothing it looks at shows as unread), holds only the
/// components its scope names, and the compute step's verification reads its cluster pair and
/// the two health lists — 4 or 5 requests where a whole snapshot takes over ten times more.
#[tokio::test]
async fn a_steps_reading_asks_only_for_what_its_checks_judge_and_decides_as_a_whole_snapshot() {
    for outage in [false, true] {
        let (_sim, cfg, client) = world(outage).await;
        let full = Collector::new(cfg.clone(), client.clone());
        let live = LiveReader {
            full: &full,
            cfg: &cfg,
            client: &client,
        };
        let interval = std::time::Duration::from_millis(50);
        let before = client.requests_sent();
        let (obs, snap) = plan_reading(&full, &cfg, interval).await.unwrap();
        let whole = client.requests_sent() - before;
        let rb = crate::runbook::plan(&cfg, &obs, &snap, RunbookKind::Failover);
        assert_eq!(rb.forced, outage);
        for step in &rb.steps {
            let checks = [
                (of_preconditions(step, &cfg), true),
                (of_result(step, &cfg), false),
            ];
            for (needs, pre) in checks {
                let before = client.requests_sent();
                let (sobs, ssnap) = live.merged(&needs, interval).await.unwrap();
                let spent = client.requests_sent() - before;
                if let Scope::Part { components, .. } = &needs {
                    // Only its components were read and derived: nothing else shows, unknown.
                    let names: BTreeSet<&str> =
                        ssnap.components.iter().map(|c| c.name.as_str()).collect();
                    assert_eq!(
                        names,
                        components.iter().map(String::as_str).collect(),
                        "{}",
                        step.id
                    );
                    for key in sobs.reads.keys() {
                        assert!(
                            cfg.components.iter().any(|c| components.contains(&c.name)
                                && c.resource_ids().iter().any(|r| r.key() == *key)),
                            "{}: {key} read but not in its scope",
                            step.id
                        );
                    }
                    assert!(sobs.aml.is_empty() && sobs.aml_quota.is_none());
                }
                if pre {
                    for p in &step.preconditions {
                        for gate in [false, true] {
                            let scoped = check_pre(p, &cfg, &sobs, &ssnap, gate);
                            let whole = check_pre(p, &cfg, &obs, &snap, gate);
                            assert_eq!(
                                scoped.is_ok(),
                                whole.is_ok(),
                                "{} {p:?} (outage {outage}): scoped {scoped:?}, whole {whole:?}",
                                step.id
                            );
                        }
                    }
                } else if let Some(p) = &step.postcondition {
                    let scoped = check_post(p, &cfg, &sobs, &ssnap);
                    let whole = check_post(p, &cfg, &obs, &snap);
                    assert_eq!(
                        scoped.is_ok(),
                        whole.is_ok(),
                        "{} {p:?} (outage {outage}): scoped {scoped:?}, whole {whole:?}",
                        step.id
                    );
                }
                if step.id == "compute.train-cluster.scale" && !pre {
                    // The cluster pair and the two health lists (in the outage, the eastus
                    // cluster's 503 is tried twice).
                    let most = if outage { 5 } else { 4 };
                    assert!(spent <= most, "{spent} requests");
                    assert!(whole >= 10 * spent, "a whole snapshot took {whole}");
                }
            }
        }
    }
}
