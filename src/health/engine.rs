//! The background refresher: one task that collects a snapshot on an interval or on demand and
//! sends it to the console as a message. The console only ever receives; it never awaits ARM.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, mpsc};

use super::collect::{CollectOptions, Collector};
use super::model::Snapshot;
use crate::azure::ArmClient;
use crate::config::Config;

/// What the engine tells the console.
#[derive(Debug, Clone)]
pub enum HealthMsg {
    /// A collection started (the console may show a spinner).
    Refreshing,
    /// A new snapshot.
    Snapshot(Box<Snapshot>),
    /// Collection failed as a whole (sign-in failed, ARM unreachable); the message says why.
    Failed(String),
    /// A region's probe got no answer within the request deadline: it does not respond, since
    /// the probe was sent (wall clock). Shown at once, before the slower full refresh lands.
    Silent {
        region: String,
        since: time::OffsetDateTime,
    },
}

/// The console's end of the engine.
pub struct EngineHandle {
    /// Messages from the engine.
    pub rx: mpsc::UnboundedReceiver<HealthMsg>,
    refresh: mpsc::UnboundedSender<()>,
    task: tokio::task::JoinHandle<()>,
    /// A fleet's shared region probes: they end with the fleet's last engine.
    _shared: Option<Arc<AbortOnDrop>>,
}

impl EngineHandle {
    /// Asks for a refresh now (never blocks).
    pub fn refresh_now(&self) {
        let _ = self.refresh.send(());
    }

    /// Stops the engine.
    pub fn stop(&self) {
        self.task.abort();
    }
}

impl Drop for EngineHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Aborts tasks when dropped.
struct AbortOnDrop(Vec<tokio::task::JoinHandle<()>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        for t in &self.0 {
            t.abort();
        }
    }
}

/// ARM reads the console never spends on its own refreshes and probes: a run's steps (their
/// live checks and polls) always find them in the bucket, so a refresh never delays a failover.
/// The background client's reserve, one number: the client holds each of the console's reads
/// above it ([`crate::azure::read_gate`]), the engine paces whole refreshes above it.
pub const RESERVED_READS: u32 = crate::azure::BACKGROUND_READ_RESERVE;

/// While a run is in flight (in this process, through the same client), the reads it keeps:
/// what it read in the last minute, at least this many (and at most [`RUN_RESERVE_MAX`]).
pub const RUN_RESERVED_READS: u32 = 100;

/// The most a run in flight keeps from the console's refreshes (a refresh must still fit in
/// ARM's bucket of 250 beside it).
pub const RUN_RESERVE_MAX: u32 = 200;

/// While a run is in flight, refreshes and probes come this many times less often.
pub const RUN_STRETCH: u32 = 4;

/// While a run is in flight, the console stays out of ARM for this long after it refused a
/// request (429): the bucket is the run's, whatever its size and refill turn out to be.
pub const RUN_QUIET_AFTER_429: Duration = Duration::from_secs(10);

/// How long to wait before the next refresh so that it finds `spent` reads (what the last one
/// took, at most a bucket's worth) above the reserve: the time ARM's read bucket takes to refill
/// that far. Zero when ARM said nothing of the budget or it is full enough.
pub fn paced(budget: crate::azure::Budget, spent: u64) -> Duration {
    // A refresh that spent more than the bucket holds (a cold start's readiness reads) could
    // never find it "above the reserve": the next one, cheaper, waits at most for a full bucket.
    let most = crate::azure::Budget::READ_BUCKET.saturating_sub(RESERVED_READS);
    paced_above(budget, spent.min(u64::from(most)), RESERVED_READS)
}

/// As [`paced`], keeping `reserve` reads in the bucket.
pub fn paced_above(budget: crate::azure::Budget, spent: u64, reserve: u32) -> Duration {
    let Some(left) = budget.reads_now() else {
        return Duration::ZERO;
    };
    let need = spent.saturating_add(u64::from(reserve));
    if u64::from(left) >= need {
        return Duration::ZERO;
    }
    let short = (need - u64::from(left)) as f64;
    Duration::from_secs_f64(short / crate::azure::Budget::READ_REFILL_PER_S)
}

/// The reads a run in flight keeps when it read `last_minute` in the last minute: as many
/// again for the next one, within [`RUN_RESERVED_READS`]..=[`RUN_RESERVE_MAX`].
pub fn run_reserve(last_minute: u64) -> u32 {
    last_minute.clamp(u64::from(RUN_RESERVED_READS), u64::from(RUN_RESERVE_MAX)) as u32
}

/// What an engine knows of a run in flight through its client (`ArmClient::run_priority`):
/// whether there is one, and what it read in the last minute (the client's foreground reads).
struct RunWatch {
    client: ArmClient,
    /// (when, foreground reads so far), the last minute of them.
    seen: std::sync::Mutex<std::collections::VecDeque<(Instant, u64)>>,
}

impl RunWatch {
    fn new(client: &ArmClient) -> Arc<RunWatch> {
        Arc::new(RunWatch {
            client: client.clone(),
            seen: Default::default(),
        })
    }

    fn in_flight(&self) -> bool {
        self.client.run_in_flight()
    }

    /// The reads the run keeps now ([`run_reserve`] of what it read in the last minute).
    fn reserve(&self) -> u32 {
        let (now, reads) = (Instant::now(), self.client.foreground_reads());
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        seen.push_back((now, reads));
        while seen
            .front()
            .is_some_and(|(at, _)| now.duration_since(*at) > Duration::from_secs(60))
        {
            seen.pop_front();
        }
        let first = seen.front().map_or(reads, |(_, r)| *r);
        run_reserve(reads.saturating_sub(first))
    }
}

/// How long the console waits, while a run is in flight, before it spends `spent` reads: until
/// ARM's read bucket holds them above the run's `reserve` (at the documented refill), and
/// [`RUN_QUIET_AFTER_429`] has passed since ARM last refused a request. Zero: go.
pub fn run_yield(budget: crate::azure::Budget, spent: u64, reserve: u32) -> Duration {
    let quiet = budget.throttled_at.map_or(Duration::ZERO, |at| {
        RUN_QUIET_AFTER_429.saturating_sub(at.elapsed())
    });
    quiet.max(paced_above(budget, spent, reserve))
}

/// A refresh (or probe) that would spend `spent` reads waits while a run in flight needs the
/// bucket ([`run_yield`]), or until the run ends.
async fn yield_to_run(run: &RunWatch, collector: &Collector, spent: u64) {
    while run.in_flight() {
        let wait = run_yield(collector.budget(), spent, run.reserve());
        if wait.is_zero() {
            return;
        }
        tokio::time::sleep(wait.min(Duration::from_secs(1))).await;
    }
}

/// Starts refreshing every `interval` (and on demand), later when ARM's read budget needs the
/// time to refill (see [`paced`]). The first collection starts at once.
pub fn spawn(cfg: Config, client: ArmClient, interval: Duration) -> EngineHandle {
    let (tx, rx) = mpsc::unbounded_channel();
    let regions = [
        cfg.deployment.primary_region.clone(),
        cfg.deployment.secondary_region.clone(),
    ];
    let run = RunWatch::new(&client);
    let collector = Arc::new(Collector::with_options(
        cfg,
        client.background(),
        CollectOptions::console(),
    ));
    // One probe per region, every second: a region that hangs shows as not responding within
    // the request deadline (+ 1 s), not after the next full refresh has waited for it too.
    let probes: Vec<tokio::task::JoinHandle<()>> = regions
        .into_iter()
        .map(|region| {
            let probe = (collector.clone(), run.clone());
            tokio::spawn(probe_loop(region, vec![probe], vec![tx.clone()]))
        })
        .collect();
    start((collector, run), interval, None, tx, rx, probes, None)
}

/// An engine's collector (through a background client) and what it knows of a run in flight.
type Watched = (Arc<Collector>, Arc<RunWatch>);

/// Probes `region` every second through the first of `collectors` that has a resource there,
/// telling every engine of `to` when it does not answer; ends once none of them listens. While
/// a run is in flight through one of their clients, it probes every [`RUN_STRETCH`] seconds
/// and only above the run's reserve.
async fn probe_loop(
    region: crate::region::Region,
    mut collectors: Vec<Watched>,
    to: Vec<mpsc::UnboundedSender<HealthMsg>>,
) {
    loop {
        if to.iter().all(mpsc::UnboundedSender::is_closed) {
            return;
        }
        let Some((collector, _)) = collectors.first() else {
            return;
        };
        let run = collectors
            .iter()
            .filter(|(_, r)| r.in_flight())
            .map(|(_, r)| r.reserve())
            .max();
        let pause = Duration::from_secs(run.map_or(1, |_| RUN_STRETCH.into()));
        let budget = collector.budget();
        let wait = match run {
            Some(reserve) => !run_yield(budget, 1, reserve).is_zero(),
            None => budget.reads_now().is_some_and(|left| left < RESERVED_READS),
        };
        if wait {
            // The reserve is a run's: the probe waits for the bucket to refill.
            tokio::time::sleep(pause).await;
            continue;
        }
        let sent = time::OffsetDateTime::now_utc();
        match collector.probe(&region).await {
            // No regional resource of this deployment there: the next one probes.
            None => {
                collectors.remove(0);
                continue;
            }
            Some(Err(e)) if e.not_responding => {
                for tx in &to {
                    let _ = tx.send(HealthMsg::Silent {
                        region: region.to_string(),
                        since: sent,
                    });
                }
            }
            Some(_) => {}
        }
        tokio::time::sleep(pause).await;
    }
}

/// The engines of a fleet, one per deployment (in the order given), each refreshing every
/// `[console] refresh_seconds` of its configuration and on demand. Bounded: at most `concurrent` collections run at the same time
/// across the fleet (the first refreshes queue instead of starting every collector at the same
/// instant; later ones spread out as they finish), and each region of each endpoint and
/// subscription has one probe a second shared by every deployment there, which all hear when
/// it stops answering — twenty deployments in eastus send one probe, not twenty.
pub fn spawn_fleet(deployments: Vec<(Config, ArmClient)>, concurrent: usize) -> Vec<EngineHandle> {
    let gate = Arc::new(Semaphore::new(concurrent.max(1)));
    type Group = (Vec<Watched>, Vec<mpsc::UnboundedSender<HealthMsg>>);
    let mut groups: std::collections::BTreeMap<(String, String, crate::region::Region), Group> =
        Default::default();
    let mut parts = Vec::new();
    for (cfg, client) in deployments {
        let (tx, rx) = mpsc::unbounded_channel();
        let d = &cfg.deployment;
        for region in [&d.primary_region, &d.secondary_region] {
            let key = (
                d.arm_endpoint.trim_end_matches('/').to_ascii_lowercase(),
                d.subscription_id.to_ascii_lowercase(),
                region.clone(),
            );
            let group = groups.entry(key).or_default();
            group.0.push((
                Arc::new(Collector::with_options(
                    cfg.clone(),
                    client.background(),
                    CollectOptions::console(),
                )),
                RunWatch::new(&client),
            ));
            group.1.push(tx.clone());
        }
        let interval = Duration::from_secs(cfg.console.refresh_seconds.max(1).into());
        let watched = (
            Arc::new(Collector::with_options(
                cfg,
                client.background(),
                CollectOptions::console(),
            )),
            RunWatch::new(&client),
        );
        parts.push((watched, interval, tx, rx));
    }
    let probes = groups
        .into_iter()
        .map(|((_, _, region), (collectors, to))| tokio::spawn(probe_loop(region, collectors, to)))
        .collect();
    let shared = Arc::new(AbortOnDrop(probes));
    parts
        .into_iter()
        .map(|(watched, interval, tx, rx)| {
            start(
                watched,
                interval,
                Some(gate.clone()),
                tx,
                rx,
                Vec::new(),
                Some(shared.clone()),
            )
        })
        .collect()
}

/// An engine that never collects: it says once why (a deployment of a fleet whose client
/// could not be built), so the console shows the reason where its health would be.
pub fn failed(reason: String) -> EngineHandle {
    let (tx, rx) = mpsc::unbounded_channel();
    let (refresh, _) = mpsc::unbounded_channel();
    let _ = tx.send(HealthMsg::Failed(reason));
    EngineHandle {
        rx,
        refresh,
        // The channel stays open (a closed engine would read as one that stopped).
        task: tokio::spawn(async move {
            let _open = tx;
            std::future::pending::<()>().await
        }),
        _shared: None,
    }
}

/// Starts an engine's refresh loop (with its own probes, or a fleet's shared ones). While a run
/// is in flight through its client, it refreshes every [`RUN_STRETCH`] intervals and only once
/// ARM's read bucket holds the refresh above the run's reserve ([`yield_to_run`]).
fn start(
    (collector, run): Watched,
    interval: Duration,
    gate: Option<Arc<Semaphore>>,
    tx: mpsc::UnboundedSender<HealthMsg>,
    rx: mpsc::UnboundedReceiver<HealthMsg>,
    probes: Vec<tokio::task::JoinHandle<()>>,
    shared: Option<Arc<AbortOnDrop>>,
) -> EngineHandle {
    let (refresh_tx, mut refresh_rx) = mpsc::unbounded_channel::<()>();
    let task = tokio::spawn(async move {
        // The probes end with the engine.
        let _probes = AbortOnDrop(probes);
        let mut spent = 0;
        loop {
            // A run in flight comes first: this refresh waits for its reads to be spare.
            yield_to_run(&run, &collector, spent).await;
            // A fleet's collections wait for their turn (the permit is held while collecting).
            let _turn = match &gate {
                Some(g) => g.clone().acquire_owned().await.ok(),
                None => None,
            };
            if tx.send(HealthMsg::Refreshing).is_err() {
                return;
            }
            let msg = match collector.collect().await {
                Ok(snap) => {
                    super::cache::save(&snap);
                    spent = snap.requests;
                    HealthMsg::Snapshot(Box::new(snap))
                }
                Err(e) => {
                    spent = 0;
                    HealthMsg::Failed(e)
                }
            };
            if tx.send(msg).is_err() {
                return;
            }
            // The collection's answers are dropped: their pages go back to the system.
            crate::memory::release_free_heap_soon();
            drop(_turn);
            let every = if run.in_flight() {
                interval * RUN_STRETCH
            } else {
                interval
            };
            let wait = every.max(paced(collector.budget(), spent));
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                got = refresh_rx.recv() => {
                    if got.is_none() { return; }
                    // Coalesce a burst of refresh requests into one collection, which reads
                    // everything again (what is cached for minutes included).
                    while refresh_rx.try_recv().is_ok() {}
                    collector.forget_slow_reads();
                }
            }
        }
    });
    EngineHandle {
        rx,
        refresh: refresh_tx,
        task,
        _shared: shared,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::Budget;

    fn with_reads(reads: u32) -> Budget {
        Budget {
            reads: Some(reads),
            reads_at: Some(std::time::Instant::now()),
            ..Default::default()
        }
    }

    #[test]
    fn a_refresh_waits_for_the_bucket_to_hold_its_reads_above_the_reserve() {
        // Unknown budget, or enough left: no extra wait.
        assert_eq!(paced(Budget::default(), 400), Duration::ZERO);
        assert_eq!(paced(with_reads(250), 100), Duration::ZERO);
        // 40 left, 100 to spend + 60 reserved: 120 more at 25/s = 4.8 s.
        let w = paced(with_reads(40), 100).as_secs_f64();
        assert!((4.7..=4.8).contains(&w), "{w}");
        // A cold start spent 2,400: the next waits for a full bucket (210 more: 8.4 s), not
        // for 2,460 that it could never hold.
        let w = paced(with_reads(40), 2_400).as_secs_f64();
        assert!((8.3..=8.4).contains(&w), "{w}");
    }

    #[test]
    fn a_run_in_flight_keeps_its_last_minute_of_reads_within_bounds() {
        assert_eq!(run_reserve(0), RUN_RESERVED_READS);
        assert_eq!(run_reserve(150), 150);
        assert_eq!(run_reserve(5_000), RUN_RESERVE_MAX);
        // 150 left, a refresh of 40 beside a run's 100: no wait; beside 200: 90 more, 3.6 s.
        assert_eq!(paced_above(with_reads(150), 40, 100), Duration::ZERO);
        let w = paced_above(with_reads(150), 40, 200).as_secs_f64();
        assert!((3.5..=3.6).contains(&w), "{w}");
        // A 429 a second ago keeps the console out for the rest of the quiet time, however
        // full the bucket looks.
        let refused = Budget {
            throttled_at: Some(Instant::now() - Duration::from_secs(1)),
            ..with_reads(250)
        };
        let w = run_yield(refused, 40, 100).as_secs_f64();
        assert!((8.9..=9.0).contains(&w), "{w}");
        assert_eq!(run_yield(with_reads(250), 40, 100), Duration::ZERO);
    }
}
