//! `status` over a fleet: every deployment's snapshot, collected a few at a time, printed as
//! `{"deployments": [<status object>, ...]}` or as a summary table (worst first) followed by
//! each deployment's own table; the exit code is the worst of the deployments' codes
//! (`crate::exit::worst`).

use std::fmt::Write;
use std::sync::Arc;

use crate::azure::Access;
use crate::config::Config;
use crate::health::Snapshot;
use crate::health::fleet::{Standing, region_word};

use super::error::AppError;
use super::session::Target;

/// How many deployments `status` collects at the same time (each collection itself sends up to
/// 32 requests at once): enough to overlap the waits, few enough not to be throttled by ARM.
pub const STATUS_CONCURRENCY: usize = 4;

/// One deployment's `status` in a fleet.
pub struct Entry {
    /// The configuration file it came from.
    pub origin: String,
    pub name: String,
    pub result: Result<Snapshot, AppError>,
}

impl Entry {
    /// Its own `status` exit code.
    pub fn code(&self) -> i32 {
        match &self.result {
            Ok(snap) => crate::exit::of_grade(snap.grade()),
            Err(e) => crate::exit::code(e),
        }
    }
}

/// The fleet's `status`: one entry per deployment, in the order of the configurations.
pub struct FleetStatus {
    pub entries: Vec<Entry>,
}

/// Collects every deployment's snapshot, `STATUS_CONCURRENCY` at a time (each signs in on its
/// own, with its own deadlines: one unreachable deployment delays no other). Each snapshot is
/// saved as that deployment's cached first picture, as `status` does.
pub async fn status(cfgs: Vec<Config>) -> FleetStatus {
    let gate = Arc::new(tokio::sync::Semaphore::new(STATUS_CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    let mut entries: Vec<Entry> = Vec::with_capacity(cfgs.len());
    for (i, cfg) in cfgs.into_iter().enumerate() {
        entries.push(Entry {
            origin: cfg.origin.clone(),
            name: cfg.deployment.name.clone(),
            result: Err(AppError::Io(
                "its collection stopped unexpectedly (a bug: the error is on stderr); run `azfailover status` on its configuration alone"
                    .into(),
            )),
        });
        let gate = gate.clone();
        tasks.spawn(async move {
            let _permit = gate.acquire_owned().await;
            let result = match Target::signed_in(cfg, Access::ReadOnly).await {
                Ok(target) => super::views::status(target).await,
                Err(e) => Err(e.into()),
            };
            (i, result)
        });
    }
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok((i, result)) => entries[i].result = result,
            Err(e) => tracing::error!("a fleet status task failed: {e}"),
        }
    }
    FleetStatus { entries }
}

impl FleetStatus {
    /// The worst of the deployments' codes (`crate::exit::worst`).
    pub fn code(&self) -> i32 {
        crate::exit::worst(self.entries.iter().map(Entry::code))
    }

    /// `{"deployments": [...]}`: each deployment's status object (CONTRACT.md's, with the
    /// configuration file it came from as `config`), or, when no snapshot could be made, its
    /// name, file and the error object `status` prints for one deployment.
    pub fn to_json(&self) -> serde_json::Value {
        let deployments: Vec<serde_json::Value> = self
            .entries
            .iter()
            .map(|e| {
                let mut v = match &e.result {
                    Ok(snap) => serde_json::to_value(snap).unwrap_or_default(),
                    Err(err) => serde_json::json!({
                        "deployment": e.name,
                        "error": {"code": err.status_code(), "message": err.to_string()},
                    }),
                };
                if let Some(obj) = v.as_object_mut() {
                    obj.insert("config".into(), e.origin.clone().into());
                }
                v
            })
            .collect();
        serde_json::json!({ "deployments": deployments })
    }

    /// The entries, worst first (by exit code, then by how alarming each row is).
    fn worst_first(&self) -> Vec<&Entry> {
        let mut order: Vec<&Entry> = self.entries.iter().collect();
        order.sort_by(|a, b| {
            let by_code = crate::exit::severity(b.code()).cmp(&crate::exit::severity(a.code()));
            let by_row = match (&a.result, &b.result) {
                (Ok(x), Ok(y)) => Standing::of(x).alarm_cmp(&Standing::of(y)),
                _ => std::cmp::Ordering::Equal,
            };
            by_code.then(by_row).then(a.name.cmp(&b.name))
        });
        order
    }

    /// The summary line: "3 deployments: 1 outage, 1 unreachable, 1 healthy".
    pub fn summary(&self) -> String {
        let count = |code: i32| self.entries.iter().filter(|e| e.code() == code).count();
        let mut parts = Vec::new();
        for (code, word) in [
            (crate::exit::OUTAGE, "outage"),
            (crate::exit::UNAVAILABLE, "unreachable"),
            (crate::exit::DEGRADED, "degraded"),
            (crate::exit::OK, "healthy"),
        ] {
            let n = count(code);
            if n > 0 {
                parts.push(format!("{n} {word}"));
            }
        }
        let n = self.entries.len();
        format!(
            "{n} deployment{}: {}",
            if n == 1 { "" } else { "s" },
            parts.join(", ")
        )
    }

    /// `status --format table` over a fleet: a summary table, worst first (one row per
    /// deployment: regions with their health, verdict, ready components, data at risk), then
    /// each deployment's own table under a heading, in the same order.
    pub fn render_table(&self) -> String {
        let one = crate::text::one_line;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "FLEET — {}   (worst first; exit {})\n",
            self.summary(),
            self.code()
        );
        let order = self.worst_first();
        let rows: Vec<Vec<String>> = order
            .iter()
            .map(|e| match &e.result {
                Ok(snap) => {
                    let st = Standing::of(snap);
                    let region = |c: &Option<crate::health::fleet::RegionCell>| {
                        c.as_ref().map_or("-".to_string(), |c| {
                            format!("{} {}", c.name, region_word(c.health))
                        })
                    };
                    vec![
                        one(&e.name),
                        format!("{} → {}", region(&st.primary), region(&st.secondary)),
                        st.verdict_word(),
                        st.ready_text(),
                        st.at_risk.short(),
                        e.origin.clone(),
                    ]
                }
                Err(err) => vec![
                    one(&e.name),
                    "-".into(),
                    format!("NO SNAPSHOT ({})", err.status_code()),
                    "-".into(),
                    "unknown".into(),
                    e.origin.clone(),
                ],
            })
            .collect();
        crate::health::report::table(
            &mut out,
            &[
                "DEPLOYMENT",
                "PRIMARY → SECONDARY",
                "VERDICT",
                "READY",
                "DATA AT RISK",
                "CONFIG",
            ],
            &rows,
        );
        for e in order {
            let _ = writeln!(out, "\n=== {} ({}) ===", one(&e.name), e.origin);
            match &e.result {
                Ok(snap) => out.push_str(&crate::health::report::render_table(snap)),
                Err(err) => {
                    let _ = writeln!(out, "no snapshot: {}", one(&err.to_string()));
                }
            }
        }
        out
    }
}
