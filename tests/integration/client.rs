//! The ARM client against the simulator over real HTTP: typed reads, retries, deadlines,
//! long-running operations, malformed answers, and the read-only capability.

use crate::common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use azfailover::azure::models::{GeoReplicationStatus, PowerState, ReplicationRole};
use azfailover::azure::{
    Access, ClientOptions, ErrorKind, PromoteOptions, SqlFailover, Submitted, connect,
};
use azfailover::config::Config;
use azfailover::sim::Fault;
use azfailover::sim::world::ArmBehaviour;
use common::*;
use tokio_util::sync::CancellationToken;

const SCALE: f64 = 2000.0;

fn fast() -> ClientOptions {
    ClientOptions {
        request_timeout: Duration::from_secs(5),
        base_backoff: Duration::from_millis(150),
        max_backoff: Duration::from_secs(2),
        total_deadline: Duration::from_secs(20),
        default_poll: Duration::from_millis(100),
        ..ClientOptions::default()
    }
}

fn pointed_at(cfg: &Config, url: &str) -> Config {
    let mut cfg = cfg.clone();
    cfg.use_simulator(url);
    cfg
}

async fn session(
    sim: &Sim,
    access: Access,
) -> (
    azfailover::azure::ArmClient,
    Option<azfailover::azure::ArmWriter>,
) {
    connect(&pointed_at(&Config::demo(), sim.url()), access, fast()).expect("connects")
}

#[tokio::test]
async fn typed_reads_of_every_kind() {
    let sim = Sim::start(SCALE).await;
    let (c, _) = session(&sim, Access::ReadOnly).await;
    let sa = c.storage_account(&storage_id()).await.unwrap();
    assert!(sa.is_geo_redundant());
    let geo = sa.properties.geo_replication_stats.unwrap();
    assert_eq!(geo.status, Some(GeoReplicationStatus::Live));
    assert!(geo.last_sync_time.is_some());
    let fg = c
        .failover_group(&sql_fg("sql-contoso-westus"))
        .await
        .unwrap();
    assert_eq!(
        fg.properties.partner_servers[0]
            .location
            .as_ref()
            .unwrap()
            .as_str(),
        "eastus"
    );
    let cosmos = c.cosmos_account(&cosmos_id()).await.unwrap();
    assert_eq!(cosmos.write_region().unwrap().as_str(), "eastus");
    let acr = rid(
        "rg-contoso-ml-global",
        "Microsoft.ContainerRegistry/registries/acrcontosoml",
    );
    assert_eq!(c.registry(&acr).await.unwrap().sku.name, "Premium");
    assert_eq!(c.registry_replications(&acr).await.unwrap().len(), 2);
    assert_eq!(
        c.managed_cluster(&aks("westus")).await.unwrap().power(),
        PowerState::Stopped
    );
    let ws = c.workspace(&workspace("eastus")).await.unwrap();
    assert!(ws.properties.key_vault.is_some());
    let computes = c.workspace_computes(&workspace("westus")).await.unwrap();
    assert_eq!(
        computes[0]
            .properties
            .properties
            .as_ref()
            .unwrap()
            .scale_settings
            .as_ref()
            .unwrap()
            .max_node_count,
        0
    );
    let ep = format!("{}/onlineEndpoints/churn-eastus", workspace("eastus"));
    assert_eq!(
        c.online_endpoint(&ep).await.unwrap().traffic.get("blue"),
        Some(&100)
    );
    assert_eq!(
        c.online_deployments(&ep).await.unwrap()[0]
            .sku
            .as_ref()
            .unwrap()
            .capacity,
        Some(3)
    );
    let tm = c.traffic_manager(&tm_id()).await.unwrap();
    assert_eq!(tm.properties.endpoints.len(), 2);
    assert_eq!(tm.properties.endpoints[0].path_type(), "ExternalEndpoints");
    let replica = c.postgres_server(&pg("westus")).await.unwrap();
    assert_eq!(replica.role(), Some(ReplicationRole::AsyncReplica));
    let kv = c
        .key_vault(&rid(
            "rg-contoso-ml-global",
            "Microsoft.KeyVault/vaults/kv-contoso-ml",
        ))
        .await
        .unwrap();
    assert!(kv.properties.vault_uri.is_some());
    let ai = c
        .app_insights(&rid(
            "rg-contoso-ml-eastus",
            "Microsoft.Insights/components/appi-contoso-eastus",
        ))
        .await
        .unwrap();
    assert_eq!(ai.location.unwrap().as_str(), "eastus");
    assert!(
        c.availability(&storage_id())
            .await
            .unwrap()
            .properties
            .availability_state
            .is_some()
    );
}

#[tokio::test]
async fn front_door_and_mysql_reads() {
    let cfg = Config::parse(include_str!("../../config.example.toml"), "example").unwrap();
    let sim = Sim::with_config(&cfg, SCALE).await;
    let (c, _) = connect(&pointed_at(&cfg, sim.url()), Access::ReadOnly, fast()).unwrap();
    let og = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml-global/providers/Microsoft.Cdn/profiles/afd-ml/originGroups/scoring";
    assert_eq!(c.origin_group(og).await.unwrap().name, "scoring");
    assert_eq!(c.origins(og).await.unwrap().len(), 2);
    let my = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml-westus/providers/Microsoft.DBforMySQL/flexibleServers/mysql-westus";
    assert_eq!(
        c.mysql_server(my).await.unwrap().role(),
        Some(ReplicationRole::Replica)
    );
}

#[tokio::test]
async fn availability_for_the_whole_subscription_is_one_request() {
    let sim = Sim::start(SCALE).await;
    let (c, _) = session(&sim, Access::ReadOnly).await;
    let before = c.requests_sent();
    let all = c.availability_statuses(SUB).await.unwrap();
    assert_eq!(c.requests_sent() - before, 1);
    assert!(all.len() >= 15);
    assert!(
        all.iter()
            .any(|s| s.target_key() == storage_id().to_ascii_lowercase())
    );
    // Paging by nextLink when ARM pages.
    let paged: Vec<azfailover::azure::models::AvailabilityStatus> = c
        .list(
            &format!(
                "/subscriptions/{SUB}/providers/Microsoft.ResourceHealth/availabilityStatuses"
            ),
            "2025-04-01",
            &[("$top", "4")],
        )
        .await
        .unwrap();
    assert_eq!(paged.len(), all.len());
    assert!(c.service_health_events(SUB).await.unwrap().is_empty());
}

#[tokio::test]
async fn throttling_waits_as_told_then_succeeds() {
    let sim = Sim::start(SCALE).await;
    let (c, w) = session(&sim, Access::ReadWrite).await;
    sim.inject(Fault::Throttle { seconds: 1.0 });
    let t = Instant::now();
    c.storage_account(&storage_id()).await.unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(900),
        "{:?}",
        t.elapsed()
    );
    // A throttled mutation is retried too: ARM rejected it before doing anything.
    sim.inject(Fault::Throttle { seconds: 1.0 });
    let s = w
        .unwrap()
        .storage_failover(&storage_id(), true)
        .await
        .unwrap();
    assert!(matches!(s, Submitted::Running(_)));
    let ops = sim.state().await["operations"].as_array().unwrap().clone();
    assert_eq!(ops.len(), 1, "{ops:?}");
}

#[tokio::test]
async fn server_errors_and_dropped_connections_are_retried_for_reads() {
    let sim = Sim::start(SCALE).await;
    let (c, _) = session(&sim, Access::ReadOnly).await;
    sim.inject(Fault::Flaky {
        error_rate: 1.0,
        drop_rate: 0.0,
        seconds: Some(0.4),
        after_apply: None,
        methods: None,
    });
    let t = Instant::now();
    c.storage_account(&storage_id())
        .await
        .expect("succeeds after the 5xx window");
    assert!(t.elapsed() >= Duration::from_millis(350));
    sim.inject(Fault::Flaky {
        error_rate: 0.0,
        drop_rate: 1.0,
        seconds: Some(0.4),
        after_apply: None,
        methods: None,
    });
    c.storage_account(&storage_id())
        .await
        .expect("succeeds after the dropped connections");
    // When the errors outlast the attempts, the error says so.
    sim.inject(Fault::Flaky {
        error_rate: 1.0,
        drop_rate: 0.0,
        seconds: None,
        after_apply: None,
        methods: None,
    });
    let e = c.storage_account(&storage_id()).await.unwrap_err();
    assert_eq!(e.attempts, 5, "{e}");
    assert!(matches!(e.status(), Some(500 | 503)));
    assert!(e.to_string().contains("after 5 attempts"), "{e}");
}

#[tokio::test]
async fn a_hanging_region_fires_the_deadline_and_names_the_resource() {
    let sim = Sim::start(SCALE).await;
    let cfg = pointed_at(&Config::demo(), sim.url());
    let opts = ClientOptions {
        request_timeout: Duration::from_millis(300),
        ..fast()
    };
    let (c, _) = connect(&cfg, Access::ReadOnly, opts).unwrap();
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: Some(ArmBehaviour::Hang),
        control_plane: None,
    });
    let t = Instant::now();
    let e = c.workspace(&workspace("eastus")).await.unwrap_err();
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "a hang is not retried: {:?}",
        t.elapsed()
    );
    assert!(matches!(e.kind, ErrorKind::Deadline { .. }), "{e:?}");
    assert!(e.is_unreachable());
    let msg = e.to_string();
    assert!(
        msg.contains("mlw-contoso-eastus") && msg.contains("not responding"),
        "{msg}"
    );
    assert!(e.client_request_id.is_some());
}

/// The demo's simulator answering every request in `millis`, and a read-only client of it
/// whose connection and token are warm (so that only what a test sends next is timed).
async fn answering_in(millis: u64, opts: ClientOptions) -> (Sim, azfailover::azure::ArmClient) {
    let sim = Sim::start(SCALE).await;
    sim.inject(Fault::Latency {
        millis,
        region: None,
        methods: None,
    });
    let cfg = pointed_at(&Config::demo(), sim.url());
    let (c, _) = connect(&cfg, Access::ReadOnly, opts).unwrap();
    c.storage_account(&storage_id()).await.unwrap();
    (sim, c)
}

#[tokio::test]
async fn a_bounded_client_counts_requests_on_the_wire_and_a_wait_for_a_place_is_not_deadline() {
    let opts = ClientOptions {
        request_timeout: Duration::from_secs(2),
        total_deadline: Duration::from_millis(600),
        ..fast()
    };
    let (_sim, c) = answering_in(150, opts).await;
    let one = c.bounded(1);
    let id = storage_id();
    let t = Instant::now();
    let reads = futures_util::future::join_all((0..5).map(|_| one.storage_account(&id))).await;
    let took = t.elapsed();
    // One on the wire at a time: five answers of 150 ms each take at least 750 ms…
    assert!(took >= Duration::from_millis(750), "{took:?}");
    // …beyond the 600 ms deadline, which only a request's own time counts against.
    for r in reads {
        r.expect("a read that waited for its place still has its whole deadline");
    }
}

#[tokio::test]
async fn a_bounded_client_s_lists_do_not_queue_behind_its_per_resource_reads() {
    let (_sim, c) = answering_in(200, fast()).await;
    let one = c.bounded(1);
    let id = storage_id();
    let sub = Config::demo().deployment.subscription_id;
    let t = Instant::now();
    let reads = async {
        futures_util::future::join_all((0..4).map(|_| one.storage_account(&id))).await;
        t.elapsed()
    };
    let list = async {
        one.listing().availability_statuses(&sub).await.unwrap();
        t.elapsed()
    };
    let (reads, list) = tokio::join!(reads, list);
    // The four reads go one at a time (at least 800 ms); the list has a place of its own and
    // is answered before they are.
    assert!(reads >= Duration::from_millis(800), "{reads:?}");
    assert!(
        list < reads,
        "the list waited behind the reads: {list:?} vs {reads:?}"
    );
}

#[tokio::test]
async fn a_mutation_is_never_resent_after_an_ambiguous_failure() {
    let sim = Sim::start(SCALE).await;
    let cfg = pointed_at(&Config::demo(), sim.url());
    let opts = ClientOptions {
        request_timeout: Duration::from_millis(300),
        ..fast()
    };
    let (_, w) = connect(&cfg, Access::ReadWrite, opts).unwrap();
    sim.inject(Fault::RegionOutage {
        region: "westus".into(),
        title: None,
        arm: Some(ArmBehaviour::Hang),
        control_plane: None,
    });
    let e = w
        .unwrap()
        .aks_power(&aks("westus"), true)
        .await
        .unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Ambiguous(_)), "{e:?}");
    assert!(e.to_string().contains("re-read"), "{e}");
    let ops = sim.state().await["operations"].as_array().unwrap().clone();
    assert_eq!(ops.len(), 1, "sent exactly once: {ops:?}");

    // A 503 answer to a mutation is not retried either.
    sim.inject(Fault::Flaky {
        error_rate: 1.0,
        drop_rate: 0.0,
        seconds: None,
        after_apply: None,
        methods: None,
    });
    let (_, w) = connect(&cfg, Access::ReadWrite, fast()).unwrap();
    let e = w
        .unwrap()
        .storage_failover(&storage_id(), true)
        .await
        .unwrap_err();
    assert_eq!(e.attempts, 1);
}

#[tokio::test]
async fn malformed_json_is_a_clear_error() {
    let sim = Sim::start(SCALE).await;
    let (c, _) = session(&sim, Access::ReadOnly).await;
    sim.inject(Fault::Malformed {
        resource: Some(storage_id()),
        count: Some(1),
    });
    let e = c.storage_account(&storage_id()).await.unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Malformed(_)), "{e:?}");
    assert!(e.to_string().contains("stcontosotraindata"), "{e}");
    assert!(e.request_id.is_some());
    // The next answer is fine again.
    c.storage_account(&storage_id()).await.unwrap();
}

#[tokio::test]
async fn long_running_operations_report_progress_and_finish() {
    // 100×: a Cosmos priority change (2 simulated minutes) takes 1.2 s, long enough to report.
    let sim = Sim::start(100.0).await;
    let (c, w) = session(&sim, Access::ReadWrite).await;
    let w = w.unwrap();
    // Cosmos answers with Azure-AsyncOperation and Location: the async monitor is used.
    let Submitted::Running(lro) = w
        .cosmos_failover_priority_change(
            &cosmos_id(),
            &[
                (azfailover::region::Region::new("westus"), 0),
                (azfailover::region::Region::new("eastus"), 1),
            ],
        )
        .await
        .unwrap()
    else {
        panic!("expected an LRO")
    };
    assert!(lro.request_id.is_some());
    let mut seen = Vec::new();
    c.wait(lro, &CancellationToken::new(), |p| seen.push(p.clone()))
        .await
        .unwrap();
    assert!(!seen.is_empty(), "progress was reported");
    assert!(seen.iter().all(|p| p.status == "InProgress"));
    assert_eq!(
        c.cosmos_account(&cosmos_id())
            .await
            .unwrap()
            .write_region()
            .unwrap()
            .as_str(),
        "westus"
    );

    // SQL answers 202 + Location only; the final answer carries the group.
    let Submitted::Running(lro) = w
        .sql_failover(&sql_fg("sql-contoso-westus"), SqlFailover::Planned)
        .await
        .unwrap()
    else {
        panic!("expected an LRO")
    };
    let body = c
        .wait(lro, &CancellationToken::new(), |_| {})
        .await
        .unwrap()
        .unwrap();
    assert_eq!(body["properties"]["replicationRole"], "Primary");

    // AmlCompute answers 200 + Azure-AsyncOperation; the final GET reads the resource.
    let compute = format!("{}/computes/gpu-train", workspace("westus"));
    let scale = azfailover::azure::models::ScaleSettings {
        max_node_count: 8,
        min_node_count: 1,
        node_idle_time_before_scale_down: Some("PT5M".into()),
    };
    let Submitted::Running(lro) = w.compute_scale(&compute, &scale).await.unwrap() else {
        panic!()
    };
    let body = c
        .wait(lro, &CancellationToken::new(), |_| {})
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        body["properties"]["properties"]["scaleSettings"]["maxNodeCount"],
        8
    );

    // Traffic Manager is synchronous.
    let tm = c.traffic_manager(&tm_id()).await.unwrap();
    let update = azfailover::azure::EndpointUpdate {
        enabled: Some(false),
        ..Default::default()
    };
    let s = w
        .traffic_manager_endpoint(&tm_id(), &tm.properties.endpoints[0], &update)
        .await
        .unwrap();
    assert!(matches!(s, Submitted::Done { status: 200, .. }));

    // Traffic through PUT of the whole endpoint.
    let ep = format!("{}/onlineEndpoints/churn-eastus", workspace("eastus"));
    let traffic: BTreeMap<String, u32> = [("blue".to_string(), 0)].into();
    let Submitted::Running(lro) = w.endpoint_set_traffic(&ep, &traffic).await.unwrap() else {
        panic!()
    };
    c.wait(lro, &CancellationToken::new(), |_| {})
        .await
        .unwrap();
    assert_eq!(c.online_endpoint(&ep).await.unwrap().traffic["blue"], 0);
}

#[tokio::test]
async fn failed_operations_carry_arm_code_and_message() {
    let sim = Sim::start(SCALE).await;
    let (c, w) = session(&sim, Access::ReadWrite).await;
    let w = w.unwrap();
    // The regional control planes stay up: the primary's server must answer its refusal.
    sim.inject(Fault::RegionOutage {
        region: "eastus".into(),
        title: None,
        arm: None,
        control_plane: Some(false),
    });
    // Planned PostgreSQL promotion needs the primary: accepted, then Failed.
    let Submitted::Running(lro) = w
        .postgres_promote(
            &pg("westus"),
            PromoteOptions {
                switchover: false,
                forced: false,
            },
        )
        .await
        .unwrap()
    else {
        panic!()
    };
    let e = c
        .wait(lro, &CancellationToken::new(), |_| {})
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("PlannedPromotionNotPossible"), "{e}");
    assert!(matches!(e.kind, ErrorKind::OperationFailed { .. }));
    // A planned SQL failover (Location-only monitor) fails the same way.
    let Submitted::Running(lro) = w
        .sql_failover(&sql_fg("sql-contoso-westus"), SqlFailover::Planned)
        .await
        .unwrap()
    else {
        panic!()
    };
    let e = c
        .wait(lro, &CancellationToken::new(), |_| {})
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("PlannedFailoverTimedOut"), "{e}");
    // A synchronous refusal is an API error with ARM's code.
    let e = w
        .sql_failover(&sql_fg("sql-contoso-eastus"), SqlFailover::Forced)
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("FailoverGroupFailoverRequestOnPrimary"));
    assert_eq!(e.status(), Some(400));
}

#[tokio::test]
async fn waiting_can_be_cancelled() {
    let sim = Sim::start(1.0).await;
    let (c, w) = session(&sim, Access::ReadWrite).await;
    let Submitted::Running(lro) = w
        .unwrap()
        .storage_failover(&storage_id(), false)
        .await
        .unwrap()
    else {
        panic!()
    };
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        trigger.cancel();
    });
    let t = Instant::now();
    let e = c.wait(lro, &cancel, |_| {}).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled);
    assert!(t.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn read_only_mode_cannot_send_a_mutating_request() {
    let sim = Sim::start(SCALE).await;
    let (reader, writer) = session(&sim, Access::ReadOnly).await;
    assert!(writer.is_none(), "read-only mode never creates a writer");
    // Everything a reader can do is a GET, or a Resource Graph query (a POST that reads): walk
    // them and check the simulator saw no mutation.
    reader.storage_account(&storage_id()).await.unwrap();
    reader.traffic_manager(&tm_id()).await.unwrap();
    reader.availability_statuses(SUB).await.unwrap();
    reader
        .resource_graph(&[SUB.to_string()], "Resources | take 2")
        .await
        .unwrap();
    let state = sim.state().await;
    assert!(state["operations"].as_array().unwrap().is_empty());
    let (_, writer) = session(&sim, Access::ReadWrite).await;
    assert!(writer.is_some());
}

#[tokio::test]
async fn plain_http_to_a_remote_host_is_refused() {
    let mut cfg = Config::demo();
    cfg.deployment.arm_endpoint = "http://arm.example.com".into();
    let e = connect(&cfg, Access::ReadOnly, fast())
        .err()
        .expect("refused");
    assert!(e.to_string().contains("plain HTTP"), "{e}");
}

/// A Resource Graph query is a read: sent by a read-only client, every page followed by its
/// token, its error explained, its throttling noted in the budget and not waited out.
#[tokio::test]
async fn resource_graph_queries_are_reads_that_follow_their_pages() {
    use azfailover::sim::{RateLimits, SimOptions};
    let sim = Sim::with_options(
        &Config::demo(),
        SimOptions {
            time_scale: Some(SCALE),
            rate_limits: Some(
                RateLimits::documented()
                    .with_graph(Some(20), Some(60.0))
                    .unwrap(),
            ),
            ..Default::default()
        },
    )
    .await;
    let (c, _) = session(&sim, Access::ReadOnly).await;
    let subs = [SUB.to_string()];
    let query = "Resources | where name contains 'contoso' | project id, name, type, location";
    let before = c.requests_sent();
    let all = c.resource_graph_paged(&subs, query, 4).await.unwrap();
    let pages = (all.total_records as usize).div_ceil(4) as u32;
    assert!(pages >= 3, "{} rows", all.total_records);
    assert_eq!(all.pages, pages);
    assert_eq!(all.rows.len() as i64, all.total_records);
    assert_eq!(
        c.requests_sent() - before,
        u64::from(pages),
        "one request a page"
    );
    assert!(!all.truncated);
    let ids: std::collections::BTreeSet<&str> =
        all.rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), all.rows.len(), "no row twice across pages");
    // Each page took one of ARG's quota (20 queries a minute here), which the budget follows;
    // once it is spent, the next query is refused at once (not waited out for a minute) with
    // ARG's code.
    assert_eq!(c.budget().graph_queries, Some(20 - pages));
    while !c.budget().graph_exhausted() {
        c.resource_graph(&subs, "Resources | take 1").await.unwrap();
    }
    assert_eq!(c.budget().graph_queries, Some(0));
    let t = Instant::now();
    let e = c.resource_graph(&subs, query).await.unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert_eq!(e.status(), Some(429));
    assert_eq!(e.code(), Some("RateLimiting"));
    assert!(
        e.to_string()
            .contains("Client application has been throttled"),
        "{e}"
    );
    // A query outside what the simulator answers: ARG's InvalidQuery, in the message.
    let sim = Sim::start(SCALE).await;
    let (c, _) = session(&sim, Access::ReadOnly).await;
    let e = c
        .resource_graph(&subs, "Resources | summarize count()")
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(400));
    assert!(
        e.to_string().contains("InvalidQuery: Query is invalid"),
        "{e}"
    );
    assert_eq!(e.attempts, 1, "a 400 is not retried");
    assert!(
        sim.state().await["operations"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}
