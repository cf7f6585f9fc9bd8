//! One run at a time per deployment: a lock held as a tag on the resource group of the first
//! component, readable by anyone with Reader on it (so a second console can say who holds it
//! and since when). Writing it is "write, wait, read back": two operators racing both read the
//! winner's value, and the loser backs off. A lock older than `STALE_AFTER` is taken over; the
//! same run (resumed after a crash) keeps its own lock. The lock names the host and process of
//! its run, so a lock left by a crashed run of this machine is recognised from the journals here
//! (its process gone): finished, it is taken over at once; unfinished, it is that run's to
//! resume. A second operator elsewhere is told whose it is.

use std::collections::BTreeMap;
use std::time::Duration;

use time::OffsetDateTime;

use std::path::Path;

use crate::azure::{ArmClient, ArmWriter};
use crate::config::Config;
use crate::timefmt::{parse_rfc3339, rfc3339};

/// The tag's name.
pub const TAG: &str = "azfailover-lock";

/// A lock nobody released for this long is considered abandoned.
pub const STALE_AFTER: time::Duration = time::Duration::hours(12);

/// Who holds the lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub operator: String,
    pub run_id: String,
    pub since: OffsetDateTime,
    /// The machine and process of the run (absent in locks written by older versions).
    pub host: Option<String>,
    pub pid: Option<u32>,
}

/// A tag value is at most 256 characters in Azure: the operator's name is cut to fit.
const OPERATOR_MAX: usize = 64;

impl Holder {
    fn encode(&self) -> String {
        let clean = |s: &str, max: usize| -> String {
            s.chars()
                .filter(|c| !c.is_control())
                .map(|c| if c == ';' || c == '=' { ',' } else { c })
                .take(max)
                .collect()
        };
        let mut v = format!(
            "operator={};run={};since={}",
            clean(&self.operator, OPERATOR_MAX),
            self.run_id,
            rfc3339(self.since)
        );
        if let Some(h) = &self.host {
            v.push_str(&format!(";host={}", clean(h, 64)));
        }
        if let Some(p) = self.pid {
            v.push_str(&format!(";pid={p}"));
        }
        v
    }

    /// Parses the tag's value.
    pub fn parse(v: &str) -> Option<Holder> {
        let mut parts = BTreeMap::new();
        for kv in v.split(';') {
            let (k, v) = kv.split_once('=')?;
            parts.insert(k.trim(), v.trim());
        }
        Some(Holder {
            operator: parts.get("operator")?.to_string(),
            run_id: parts.get("run")?.to_string(),
            since: parse_rfc3339(parts.get("since")?)?,
            host: parts.get("host").map(|h| h.to_string()),
            pid: parts.get("pid").and_then(|p| p.parse().ok()),
        })
    }

    /// "alice on host-1 (pid 4242)".
    fn who(&self) -> String {
        let mut s = self.operator.clone();
        if let Some(h) = &self.host {
            s.push_str(&format!(" on {h}"));
        }
        if let Some(p) = self.pid {
            s.push_str(&format!(" (pid {p})"));
        }
        s
    }
}

/// This machine's name, as the lock records it.
pub fn this_host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".into())
}

/// Whether a process of this machine still runs (where that can be known).
fn alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

/// What this machine's journals say about a run: None when no journal of it is here, else
/// whether it finished.
fn local_run(journal_dir: &Path, run_id: &str) -> Option<(std::path::PathBuf, bool)> {
    let entries = std::fs::read_dir(journal_dir).ok()?;
    for e in entries.flatten() {
        let p = e.path();
        let name = p.file_name()?.to_string_lossy().to_string();
        if name.ends_with(&format!("-{run_id}.jsonl")) {
            let finished = super::journal::read(&p)
                .ok()?
                .iter()
                .any(|e| matches!(e.event, super::journal::Event::RunFinished { .. }));
            return Some((p, finished));
        }
    }
    None
}

/// Where the lock lives: the subscription and resource group of the first component.
fn scope(cfg: &Config) -> Option<(String, String)> {
    let c = cfg.components.first()?;
    let id = c.resource_ids()[0];
    Some((
        id.subscription().to_string(),
        id.resource_group().to_string(),
    ))
}

/// Why the lock could not be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LockError {
    /// Another run holds it (who, since when, and what to do): nothing was done.
    #[error("{0}")]
    Held(String),
    /// It could not be read or written (Azure did not answer, or refused).
    #[error("{0}")]
    Unavailable(String),
}

/// The current holder, if any.
pub async fn holder(reader: &ArmClient, cfg: &Config) -> Result<Option<Holder>, LockError> {
    let Some((sub, rg)) = scope(cfg) else {
        return Ok(None);
    };
    let tags = reader
        .resource_group_tags(&sub, &rg)
        .await
        .map_err(|e| LockError::Unavailable(format!("cannot read the run lock: {e}")))?;
    Ok(tags.get(TAG).and_then(|v| Holder::parse(v)))
}

/// Takes the lock for a run, or says who holds it. `journal_dir` holds this machine's
/// journals: a lock left by a crashed run of this machine is recognised from them. `warn` hears
/// what the run goes on despite (a lock taken over).
pub async fn acquire(
    writer: &ArmWriter,
    cfg: &Config,
    operator: &str,
    run_id: &str,
    settle: Duration,
    journal_dir: &Path,
    warn: &dyn Fn(&str),
) -> Result<(), LockError> {
    let reader = writer.reader();
    let Some((sub, rg)) = scope(cfg) else {
        return Ok(());
    };
    let now = reader.server_now();
    let host = this_host();
    if let Some(h) = holder(reader, cfg).await?
        && h.run_id != run_id
        && now - h.since < STALE_AFTER
    {
        let since = rfc3339(h.since)[..16].replace('T', " ");
        let ours = h.host.as_deref() == Some(host.as_str());
        let gone = ours && h.pid.is_none_or(|p| !alive(p));
        match (gone, local_run(journal_dir, &h.run_id)) {
            // Left by a run of this machine that ended (or never started) without releasing
            // it: nobody holds it any more.
            (true, Some((_, true)) | None) => {
                warn(&format!(
                    "taking over the lock left by run {} of this machine (its process is gone)",
                    h.run_id
                ));
            }
            (true, Some((path, false))) => {
                return Err(LockError::Held(format!(
                    "another run holds the lock of '{}': this machine's unfinished run {} ({}, since {since} UTC, journal {}); it stopped without finishing: `azfailover failover` or `failback` of the same kind resumes it, or abandon it there",
                    cfg.deployment.name,
                    h.run_id,
                    h.who(),
                    path.display()
                )));
            }
            _ => {
                return Err(LockError::Held(format!(
                    "another run holds the lock of '{}': {} since {since} UTC (run {}); wait for it to finish, or remove the tag '{TAG}' from resource group {rg} if that run is abandoned",
                    cfg.deployment.name,
                    h.who(),
                    h.run_id
                )));
            }
        }
    }
    let me = Holder {
        operator: operator.to_string(),
        run_id: run_id.to_string(),
        since: now,
        host: Some(host),
        pid: Some(std::process::id()),
    };
    let tags: BTreeMap<String, String> = [(TAG.to_string(), me.encode())].into();
    // Merging the same tag again is harmless, so a write whose answer was lost is re-checked and,
    // if it did not land, written again.
    let mut attempt = 0;
    loop {
        attempt += 1;
        match writer.resource_group_tags(&sub, &rg, &tags, false).await {
            Ok(_) => break,
            Err(e) => {
                tokio::time::sleep(settle).await;
                if matches!(holder(reader, cfg).await, Ok(Some(h)) if h.run_id == run_id) {
                    break;
                }
                if attempt >= 4 {
                    return Err(LockError::Unavailable(format!(
                        "cannot write the run lock: {e}"
                    )));
                }
            }
        }
    }
    // Another operator writing at the same moment: whoever's value stays, holds it.
    tokio::time::sleep(settle).await;
    match holder(reader, cfg).await? {
        Some(h) if h.run_id == run_id => Ok(()),
        Some(h) => Err(LockError::Held(format!(
            "another run took the lock of '{}' at the same moment: {} (run {})",
            cfg.deployment.name, h.operator, h.run_id
        ))),
        None => Err(LockError::Unavailable(
            "the run lock vanished right after it was written".into(),
        )),
    }
}

/// Releases the lock if this run holds it (best effort: a stale lock is taken over later).
pub async fn release(writer: &ArmWriter, cfg: &Config, run_id: &str) {
    let Some((sub, rg)) = scope(cfg) else { return };
    if let Ok(Some(h)) = holder(writer.reader(), cfg).await
        && h.run_id == run_id
    {
        let tags: BTreeMap<String, String> = [(TAG.to_string(), String::new())].into();
        let _ = writer.resource_group_tags(&sub, &rg, &tags, true).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holder_round_trips() {
        let h = Holder {
            operator: "alice;bob".into(),
            run_id: "17".into(),
            since: time::macros::datetime!(2026-11-26 02:41:07 UTC),
            host: Some("box-1".into()),
            pid: Some(4242),
        };
        let back = Holder::parse(&h.encode()).unwrap();
        assert_eq!(back.operator, "alice,bob");
        assert_eq!(back.run_id, "17");
        assert_eq!(back.since, h.since);
        assert_eq!(back.host.as_deref(), Some("box-1"));
        assert_eq!(back.pid, Some(4242));
        assert_eq!(back.who(), "alice,bob on box-1 (pid 4242)");
        assert!(Holder::parse("garbage").is_none());
        // Older locks (no host, no pid) still parse.
        let old = Holder::parse("operator=x;run=1;since=2026-11-26T02:41:07Z").unwrap();
        assert_eq!(old.host, None);
    }

    #[test]
    fn a_huge_operator_name_fits_a_tag() {
        let h = Holder {
            operator: "x".repeat(5_000_000),
            run_id: "17".into(),
            since: time::macros::datetime!(2026-11-26 02:41:07 UTC),
            host: Some("box-1".into()),
            pid: Some(1),
        };
        assert!(h.encode().len() <= 256, "{}", h.encode().len());
    }
}
