//! One run at a time per deployment: a lock held as a tag on the resource group of the first
//! component, readable by anyone with Reader on it (so a second console can say who holds it
//! and since when). Writing it is "write, wait, read back": two operators racing both read the
//! winner's value, and the loser backs off. A lock older than `STALE_AFTER` is taken over; the
//! same run (resumed after a crash) keeps its own lock.

use std::collections::BTreeMap;
use std::time::Duration;

use time::OffsetDateTime;

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
}

impl Holder {
    fn encode(&self) -> String {
        format!(
            "operator={};run={};since={}",
            self.operator.replace(';', ","),
            self.run_id,
            rfc3339(self.since)
        )
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
        })
    }
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

/// The current holder, if any.
pub async fn holder(reader: &ArmClient, cfg: &Config) -> Result<Option<Holder>, String> {
    let Some((sub, rg)) = scope(cfg) else {
        return Ok(None);
    };
    let tags = reader
        .resource_group_tags(&sub, &rg)
        .await
        .map_err(|e| format!("cannot read the run lock: {e}"))?;
    Ok(tags.get(TAG).and_then(|v| Holder::parse(v)))
}

/// Takes the lock for a run, or says who holds it.
pub async fn acquire(
    writer: &ArmWriter,
    cfg: &Config,
    operator: &str,
    run_id: &str,
    settle: Duration,
) -> Result<(), String> {
    let reader = writer.reader();
    let Some((sub, rg)) = scope(cfg) else {
        return Ok(());
    };
    let now = reader.server_now();
    if let Some(h) = holder(reader, cfg).await?
        && h.run_id != run_id
        && now - h.since < STALE_AFTER
    {
        return Err(format!(
            "another run holds the lock of '{}': {} since {} UTC (run {}); wait for it to finish, or remove the tag '{TAG}' from resource group {rg} if that run is abandoned",
            cfg.deployment.name,
            h.operator,
            &rfc3339(h.since)[..16].replace('T', " "),
            h.run_id
        ));
    }
    let me = Holder {
        operator: operator.to_string(),
        run_id: run_id.to_string(),
        since: now,
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
                    return Err(format!("cannot write the run lock: {e}"));
                }
            }
        }
    }
    // Another operator writing at the same moment: whoever's value stays, holds it.
    tokio::time::sleep(settle).await;
    match holder(reader, cfg).await? {
        Some(h) if h.run_id == run_id => Ok(()),
        Some(h) => Err(format!(
            "another run took the lock of '{}' at the same moment: {} (run {})",
            cfg.deployment.name, h.operator, h.run_id
        )),
        None => Err("the run lock vanished right after it was written".into()),
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
        };
        let back = Holder::parse(&h.encode()).unwrap();
        assert_eq!(back.operator, "alice,bob");
        assert_eq!(back.run_id, "17");
        assert_eq!(back.since, h.since);
        assert!(Holder::parse("garbage").is_none());
    }
}
