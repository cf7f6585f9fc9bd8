//! A forced SQL failover is planned even when the primary server's reads fail, as they do in a
//! real regional outage (the simulator's SQL failover groups answer from both servers, so a
//! small proxy in front of it answers 503 for everything under the primary server): the
//! partner comes from the secondary region (the subscription's SQL server list and the group
//! of the same name there), from `partner_server` in the configuration, or from the last good
//! snapshot cached on disk, and the step says which.

#[path = "integration/common/mod.rs"]
mod common;

use std::convert::Infallible;

use azfailover::azure::{Access, ClientOptions, connect};
use azfailover::config::{Config, RunbookKind};
use azfailover::health::Snapshot;
use azfailover::health::collect::{Collector, Observations, PartnerSource};
use azfailover::runbook::{Action, Runbook, plan};
use azfailover::sim::Fault;
use bytes::Bytes;
use common::*;
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response, body::Incoming};
use tokio::net::TcpListener;

/// A proxy to `upstream` that answers ARM's 503 for every path starting with one of `fail`
/// (lowercase), as ARM does for resources whose regional control plane is down.
async fn failing_proxy(upstream: String, fail: Vec<String>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let http = reqwest::Client::new();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (http, upstream, fail) = (http.clone(), upstream.clone(), fail.clone());
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
                    let (http, upstream, fail) = (http.clone(), upstream.clone(), fail.clone());
                    async move {
                        let path = req.uri().path().to_ascii_lowercase();
                        if fail.iter().any(|f| path.starts_with(f)) {
                            let body = r#"{"error":{"code":"ServiceUnavailable","message":"The resource provider in region 'eastus' is unavailable. Please retry later."}}"#;
                            return Ok::<_, Infallible>(
                                Response::builder()
                                    .status(503)
                                    .header("content-type", "application/json")
                                    .body(Full::new(Bytes::from(body)))
                                    .unwrap(),
                            );
                        }
                        let url = format!(
                            "{upstream}{}",
                            req.uri().path_and_query().map_or("/", |p| p.as_str())
                        );
                        let method =
                            reqwest::Method::from_bytes(req.method().as_str().as_bytes()).unwrap();
                        let headers = req.headers().clone();
                        let body = req.into_body().collect().await.unwrap().to_bytes();
                        let mut rb = http.request(method, url).body(body);
                        for (k, v) in &headers {
                            if k.as_str() != "host" {
                                rb = rb.header(k.as_str(), v.as_bytes());
                            }
                        }
                        let resp = rb.send().await.unwrap();
                        let mut out = Response::builder().status(resp.status().as_u16());
                        for (k, v) in resp.headers() {
                            out = out.header(k.as_str(), v.as_bytes());
                        }
                        let bytes = resp.bytes().await.unwrap();
                        Ok(out.body(Full::new(bytes)).unwrap())
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    format!("http://{addr}")
}

/// The primary server of the demo's failover group, as the proxy matches paths.
fn primary_server() -> String {
    rid(
        "rg-contoso-ml-data",
        "Microsoft.Sql/servers/sql-contoso-eastus",
    )
    .to_ascii_lowercase()
}

async fn collect(cfg: &Config, url: &str) -> (Config, Observations, Snapshot) {
    let mut cfg = cfg.clone();
    cfg.use_simulator(url);
    let (client, _) = connect(&cfg, Access::ReadOnly, ClientOptions::default()).unwrap();
    let (obs, snap) = Collector::new(cfg.clone(), client)
        .collect_full()
        .await
        .unwrap();
    (cfg, obs, snap)
}

/// The forced SQL step, checked to go to the partner in westus.
fn forced_sql_step(rb: &Runbook) -> &azfailover::runbook::Step {
    assert!(rb.forced);
    let s = rb
        .step("data.feature-store.failover")
        .unwrap_or_else(|| panic!("no SQL failover step: {:?}", rb.steps));
    match &s.action {
        Some(Action::SqlFailover {
            group_on_target,
            mode,
        }) => {
            assert_eq!(*mode, azfailover::azure::SqlFailover::Forced);
            assert_eq!(
                group_on_target.to_ascii_lowercase(),
                sql_fg("sql-contoso-westus").to_ascii_lowercase()
            );
        }
        other => panic!("not a SQL failover: {other:?}"),
    }
    assert_eq!(
        s.az,
        vec![format!(
            "az sql failover-group set-primary -g rg-contoso-ml-data -s sql-contoso-westus -n fog-contoso-features --subscription {SUB} --allow-data-loss"
        )]
    );
    s
}

/// One test (the three cases in turn), so that setting the cache directory races no other
/// thread of this binary.
#[tokio::test]
async fn a_forced_sql_failover_is_planned_without_the_primary_server() {
    let cache = tempfile::tempdir().unwrap();
    // SAFETY: the only test of this binary, before it starts any thread.
    unsafe { std::env::set_var("XDG_CACHE_HOME", cache.path()) };
    the_partner_is_found_in_the_secondary_region().await;
    the_configured_partner_is_used().await;
    the_cached_partner_is_used_and_dated().await;
}

/// The primary server does not answer: the partner is found in the secondary region.
async fn the_partner_is_found_in_the_secondary_region() {
    let sim = Sim::start(1000.0).await;
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    let proxy = failing_proxy(sim.url().to_string(), vec![primary_server()]).await;
    let (cfg, obs, snap) = collect(&Config::demo(), &proxy).await;
    let fg = sql_fg("sql-contoso-eastus").to_ascii_lowercase();
    // The primary's server does not answer: the group is read as the partner sees it, with
    // the primary's error as the partner's view.
    match obs.reads.get(&fg) {
        Some(Ok(azfailover::health::collect::Reading::SqlFg(view, Some(Err(_))))) => {
            assert!(
                view.id.contains("/servers/sql-contoso-westus/"),
                "{}",
                view.id
            )
        }
        other => panic!("the group read through its partner: {other:?}"),
    }
    let p = &obs.sql_partners[&fg];
    assert_eq!(p.source, PartnerSource::SecondaryRegion);
    assert_eq!(p.server.name(), "sql-contoso-westus");
    let rb = plan(&cfg, &obs, &snap, RunbookKind::Failover);
    let s = forced_sql_step(&rb);
    assert!(
        s.why.contains("Partner sql-contoso-westus found in westus"),
        "{}",
        s.why
    );
    // The detail screen shows the group as the partner sees it.
    let c = snap
        .components
        .iter()
        .find(|c| c.name == "feature-store")
        .unwrap();
    assert!(
        c.az_commands.contains(&format!(
            "az sql failover-group show -g rg-contoso-ml-data -s sql-contoso-westus -n fog-contoso-features --subscription {SUB}"
        )),
        "{:?}",
        c.az_commands
    );
    // The snapshot keeps it as a fact, seen now.
    assert_eq!(snap.facts.sql_partners.len(), 1);
    assert_eq!(snap.facts.sql_partners[0].seen_at, obs.now);
    sim.server.stop().await;
}

/// Neither the primary server nor the server list answers: the configured partner.
async fn the_configured_partner_is_used() {
    let sim = Sim::start(1000.0).await;
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    // Neither the primary server nor the subscription's server list answers.
    let list = format!("/subscriptions/{SUB}/providers/microsoft.sql/servers");
    let proxy = failing_proxy(sim.url().to_string(), vec![primary_server(), list]).await;
    let cfg = Config::parse(
        &include_str!("../assets/demo.toml").replace(
            "rpo_minutes = 1\n",
            &format!(
                "rpo_minutes = 1\npartner_server = \"{}\"\n",
                rid(
                    "rg-contoso-ml-data",
                    "Microsoft.Sql/servers/sql-contoso-westus"
                )
            ),
        ),
        "demo+partner",
    )
    .unwrap();
    assert!(
        cfg.component("feature-store")
            .unwrap()
            .partner_server
            .is_some()
    );
    let (cfg, obs, snap) = collect(&cfg, &proxy).await;
    let fg = sql_fg("sql-contoso-eastus").to_ascii_lowercase();
    assert_eq!(obs.sql_partners[&fg].source, PartnerSource::Config);
    let rb = plan(&cfg, &obs, &snap, RunbookKind::Failover);
    let s = forced_sql_step(&rb);
    assert!(
        s.why.contains("from the configuration (partner_server)"),
        "{}",
        s.why
    );
    // Not a fact of the snapshot: the configuration always has it.
    assert!(snap.facts.sql_partners.is_empty());
    sim.server.stop().await;
}

/// Nothing answers and nothing is configured: the last good snapshot's partner, dated.
async fn the_cached_partner_is_used_and_dated() {
    let sim = Sim::start(1000.0).await;
    // A good snapshot first (the primary answers), cached as the console and `status` do.
    let (_, obs, good) = collect(&Config::demo(), sim.url()).await;
    let fg = sql_fg("sql-contoso-eastus").to_ascii_lowercase();
    assert_eq!(obs.sql_partners[&fg].source, PartnerSource::Primary);
    azfailover::health::cache::save(&good);
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: None,
    });
    let list = format!("/subscriptions/{SUB}/providers/microsoft.sql/servers");
    let proxy = failing_proxy(sim.url().to_string(), vec![primary_server(), list]).await;
    let (cfg, obs, snap) = collect(&Config::demo(), &proxy).await;
    assert_eq!(
        obs.sql_partners[&fg].source,
        PartnerSource::Cache {
            seen_at: good.taken_at
        }
    );
    let rb = plan(&cfg, &obs, &snap, RunbookKind::Failover);
    let s = forced_sql_step(&rb);
    assert!(
        s.why
            .contains("Partner sql-contoso-westus from the snapshot cached"),
        "{}",
        s.why
    );
    // Saving the outage's snapshot keeps the last good fact (its original date).
    azfailover::health::cache::save(&snap);
    let cached = azfailover::health::cache::load("contoso-ml").unwrap();
    assert_eq!(cached.facts.sql_partners.len(), 1);
    assert_eq!(cached.facts.sql_partners[0].seen_at, good.taken_at);
    sim.server.stop().await;
}
