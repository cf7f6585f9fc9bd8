//! Per-resource reads that no list carries, reused for a while by the console's refreshes when
//! nothing says they changed: a storage account's `geoReplicationStats` (only its own GET with
//! `$expand` answers them), a SQL failover group as its partner server sees it, a registry's
//! replications and a workspace's computes. They are most of what a large deployment costs
//! (500 of 609 requests at 1,000 components), and they change slowly while all is well.
//!
//! A detail is reused only when all of these hold, else it is read again:
//! - the console reads (a runbook's check, `status` and a refresh the responder asked for read
//!   everything: [`super::CollectOptions::reuse_details`]);
//! - it was read less than its age limit ago — between half of [`DETAIL_MAX_AGE`] and all of
//!   it, fixed per resource, so that details read together at start are read again spread over
//!   several refreshes instead of all at once;
//! - the last snapshot saw the resource's component healthy: ready, every instance available,
//!   no check failed, nothing unread, and no region of the deployment unhealthy, not answering
//!   or under a Service Health incident;
//! - the resource itself, read now, is as it was when the detail was read (the fields that say
//!   its state: a failover, a role, a status changes them).
//!
//! A reused detail is dated ([`super::Observations::details_read_at`]) and the component's
//! properties say how old it is. What errs on the side of caution stays there: a storage
//! account's data at risk is counted from the `lastSyncTime` read, which can only be later now.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;
use std::time::Duration;

use time::OffsetDateTime;

use crate::azure::models::*;
use crate::config::Config;
use crate::health::model::{InstanceHealth, RegionHealth, Snapshot};

/// The oldest a reused detail gets (each resource's own limit is between half of it and all).
pub const DETAIL_MAX_AGE: Duration = Duration::from_secs(120);

/// What a detail is, in a responder's words (the component's property that dates it).
pub fn detail_name(kind: crate::config::ComponentKind) -> &'static str {
    use crate::config::ComponentKind as K;
    match kind {
        K::Storage => "geo-replication statistics",
        K::SqlFailoverGroup => "partner server's view",
        K::ContainerRegistry => "replications",
        K::MlWorkspace => "computes",
        _ => "details",
    }
}

/// One reused read.
#[derive(Debug, Clone)]
pub(super) enum Detail {
    Geo(Option<GeoReplicationStats>),
    SqlPartner(Box<FailoverGroup>),
    Replications(Vec<RegistryReplication>),
    Computes(Vec<Compute>),
}

#[derive(Debug)]
struct Entry {
    /// The state of the resource the detail was read with ([`fingerprint`]).
    base: u64,
    detail: Detail,
    /// Azure's time when it was read.
    read_at: OffsetDateTime,
    /// Until when it may be reused (Azure's time: a drill's simulated clock ages it too).
    due: OffsetDateTime,
}

/// The details kept between refreshes, and which resources the last snapshot saw calm.
#[derive(Debug, Default)]
pub(super) struct Details {
    entries: Mutex<HashMap<String, Entry>>,
    /// Lowercase resource ids whose component the last snapshot saw healthy.
    calm: Mutex<HashSet<String>>,
}

/// A poisoned lock still holds good readings.
fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A resource's own age limit: between half of [`DETAIL_MAX_AGE`] and all of it, the same for
/// a resource every time (so that resources read together drift apart, each keeping its pace).
pub(super) fn age_limit(key: &str, max: Duration) -> Duration {
    let mut h = DefaultHasher::new();
    key.hash(&mut h);
    let frac = (h.finish() % 1_000) as f64 / 1_000.0;
    max.mul_f64(0.5 + 0.5 * frac)
}

/// The state of a resource a detail goes with: any change in it means the detail is read again.
pub(super) fn fingerprint(state: &impl std::fmt::Debug) -> u64 {
    let mut h = DefaultHasher::new();
    format!("{state:?}").hash(&mut h);
    h.finish()
}

/// A storage account's state without its `geoReplicationStats` and what a list and a GET may
/// render differently: where it serves and replicates, their status, a failover.
pub(super) fn storage_state(a: &StorageAccount) -> u64 {
    let p = &a.properties;
    fingerprint(&(
        &a.sku.name,
        &p.primary_location,
        &p.secondary_location,
        &p.status_of_primary,
        &p.status_of_secondary,
        &p.provisioning_state,
        &p.last_geo_failover_time,
        &p.failover_in_progress,
    ))
}

impl Details {
    /// Whether the detail of `key` may be reused at `now` (Azure's time), before the resource
    /// is read (its state is compared by [`Details::reuse`]).
    pub(super) fn may_reuse(&self, key: &str, now: OffsetDateTime) -> bool {
        locked(&self.calm).contains(key)
            && locked(&self.entries)
                .get(key)
                // Azure's clock as the client gives it never steps back on a `Date` header's
                // rounding: a detail read "after" now is from a clock that changed.
                .is_some_and(|e| now < e.due && now >= e.read_at)
    }

    /// The detail of `key` and when it was read, if it may be reused at `now` with the
    /// resource in state `base`.
    pub(super) fn reuse(
        &self,
        key: &str,
        base: u64,
        now: OffsetDateTime,
    ) -> Option<(Detail, OffsetDateTime)> {
        if !self.may_reuse(key, now) {
            return None;
        }
        locked(&self.entries)
            .get(key)
            .filter(|e| e.base == base)
            .map(|e| (e.detail.clone(), e.read_at))
    }

    /// Keeps a detail just read with the resource in state `base`.
    pub(super) fn keep(&self, key: &str, base: u64, detail: Detail, read_at: OffsetDateTime) {
        locked(&self.entries).insert(
            key.to_string(),
            Entry {
                base,
                detail,
                read_at,
                due: read_at + age_limit(key, DETAIL_MAX_AGE),
            },
        );
    }

    /// Forgets every detail (the next collection reads them all).
    pub(super) fn clear(&self) {
        locked(&self.entries).clear();
        locked(&self.calm).clear();
    }

    /// Takes from `snap` which resources are calm (see the module's rules).
    pub(super) fn learn(&self, cfg: &Config, snap: &Snapshot) {
        let mut calm = HashSet::new();
        let regions_calm = snap.errors.is_empty()
            && snap.regions.iter().all(|r| {
                r.health == RegionHealth::Healthy
                    && r.not_responding_since.is_none()
                    && !r.incidents.iter().any(|i| i.active)
            });
        if regions_calm {
            for c in &cfg.components {
                let Some(s) = snap.components.iter().find(|s| s.name == c.name) else {
                    continue;
                };
                let healthy = s.ready
                    && s.errors.is_empty()
                    && s.checks.iter().all(|k| k.passed != Some(false))
                    && s.instances
                        .iter()
                        .all(|i| i.health == InstanceHealth::Available);
                if healthy {
                    calm.extend(c.resource_ids().iter().map(|i| i.key()));
                }
            }
        }
        *locked(&self.calm) = calm;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_limits_are_spread_between_half_and_all_and_fixed_per_resource() {
        let max = Duration::from_secs(120);
        let limits: Vec<Duration> = (0..200)
            .map(|i| age_limit(&format!("/subscriptions/s/x/st{i}"), max))
            .collect();
        assert!(limits.iter().all(|l| *l >= max / 2 && *l <= max));
        let early = limits.iter().filter(|l| **l < max * 3 / 4).count();
        assert!(
            (60..140).contains(&early),
            "{early} of 200 in the first half"
        );
        assert_eq!(age_limit("/a", max), age_limit("/a", max));
    }

    #[test]
    fn a_detail_is_reused_only_while_calm_within_its_age_and_with_the_same_state() {
        let d = Details::default();
        let now = OffsetDateTime::now_utc();
        d.keep("k", 7, Detail::Computes(Vec::new()), now);
        // Not calm yet: the last snapshot has not said the resource is healthy.
        assert!(d.reuse("k", 7, now).is_none());
        locked(&d.calm).insert("k".into());
        assert!(d.reuse("k", 7, now).is_some());
        // The resource changed since.
        assert!(d.reuse("k", 8, now).is_none());
        // Past its age (its own limit, at most DETAIL_MAX_AGE), or read "later" than now.
        let old = now + DETAIL_MAX_AGE;
        assert!(d.reuse("k", 7, old).is_none());
        assert!(d.reuse("k", 7, now - time::Duration::seconds(10)).is_none());
        let young = now + DETAIL_MAX_AGE / 2 - Duration::from_secs(1);
        assert!(d.reuse("k", 7, young).is_some());
        d.clear();
        assert!(d.reuse("k", 7, now).is_none());
    }
}
