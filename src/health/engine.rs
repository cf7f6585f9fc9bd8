//! The background refresher: one task that collects a snapshot on an interval or on demand and
//! sends it to the console as a message. The console only ever receives; it never awaits ARM.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::collect::Collector;
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
pub const RESERVED_READS: u32 = 60;

/// How long to wait before the next refresh so that it finds `spent` reads (what the last one
/// took) above the reserve: the time ARM's read bucket takes to refill that far. Zero when ARM
/// said nothing of the budget or it is full enough.
pub fn paced(budget: crate::azure::Budget, spent: u64) -> Duration {
    let Some(left) = budget.reads_now() else {
        return Duration::ZERO;
    };
    let need = spent.saturating_add(u64::from(RESERVED_READS));
    if u64::from(left) >= need {
        return Duration::ZERO;
    }
    let short = (need - u64::from(left)) as f64;
    Duration::from_secs_f64(short / crate::azure::Budget::READ_REFILL_PER_S)
}

/// Starts refreshing every `interval` (and on demand), later when ARM's read budget needs the
/// time to refill (see [`paced`]). The first collection starts at once.
pub fn spawn(cfg: Config, client: ArmClient, interval: Duration) -> EngineHandle {
    let (tx, rx) = mpsc::unbounded_channel();
    let (refresh_tx, mut refresh_rx) = mpsc::unbounded_channel::<()>();
    let regions = [
        cfg.deployment.primary_region.clone(),
        cfg.deployment.secondary_region.clone(),
    ];
    let collector = Arc::new(Collector::new(cfg, client));
    // One probe per region, every second: a region that hangs shows as not responding within
    // the request deadline (+ 1 s), not after the next full refresh has waited for it too.
    let probes: Vec<tokio::task::JoinHandle<()>> = regions
        .into_iter()
        .map(|region| {
            let (collector, tx) = (collector.clone(), tx.clone());
            tokio::spawn(async move {
                loop {
                    if collector
                        .budget()
                        .reads_now()
                        .is_some_and(|left| left < RESERVED_READS)
                    {
                        // The reserve is a run's: the probe waits for the bucket to refill.
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                    let sent = time::OffsetDateTime::now_utc();
                    match collector.probe(&region).await {
                        None => return,
                        Some(Err(e)) if e.not_responding => {
                            let msg = HealthMsg::Silent {
                                region: region.to_string(),
                                since: sent,
                            };
                            if tx.send(msg).is_err() {
                                return;
                            }
                        }
                        Some(_) => {}
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            })
        })
        .collect();
    let task = tokio::spawn(async move {
        // The probes end with the engine.
        let _probes = AbortOnDrop(probes);
        loop {
            if tx.send(HealthMsg::Refreshing).is_err() {
                return;
            }
            let (msg, spent) = match collector.collect().await {
                Ok(snap) => {
                    super::cache::save(&snap);
                    let spent = snap.requests;
                    (HealthMsg::Snapshot(Box::new(snap)), spent)
                }
                Err(e) => (HealthMsg::Failed(e), 0),
            };
            if tx.send(msg).is_err() {
                return;
            }
            let wait = interval.max(paced(collector.budget(), spent));
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
    }
}
