//! Which components the table shows, in which order: the filter and the sort key.

use std::cmp::Ordering;

use crate::health::{ComponentStatus, InstanceHealth, Snapshot};

use super::app::SortKey;

/// Indices of the components that match `filter`, ordered by `sort`.
pub fn compute(snapshot: Option<&Snapshot>, filter: &str, sort: SortKey) -> Vec<usize> {
    let Some(snap) = snapshot else {
        return Vec::new();
    };
    let needle = filter.trim().to_lowercase();
    let mut view: Vec<usize> = (0..snap.components.len())
        .filter(|&i| needle.is_empty() || matches(&snap.components[i], &needle))
        .collect();
    let comps = &snap.components;
    view.sort_by(|&a, &b| compare(&comps[a], &comps[b], sort).then(a.cmp(&b)));
    view
}

/// Whether a component matches a lowercase filter (name, kind, mode, active region, HA status).
pub fn matches(c: &ComponentStatus, needle: &str) -> bool {
    [&c.name, &c.kind, &c.mode, &c.active_region, &c.ha_status]
        .iter()
        .any(|field| field.to_lowercase().contains(needle))
}

/// The order of two components under a sort key (ties keep the configuration's order).
fn compare(a: &ComponentStatus, b: &ComponentStatus, sort: SortKey) -> Ordering {
    match sort {
        SortKey::Config => Ordering::Equal,
        SortKey::Name => a.name.cmp(&b.name),
        SortKey::Kind => a.kind.cmp(&b.kind),
        SortKey::Active => a.active_region.cmp(&b.active_region),
        SortKey::Health => trouble(a).cmp(&trouble(b)),
        SortKey::Ready => a.ready.cmp(&b.ready),
        SortKey::Lag => lag_ratio(b).total_cmp(&lag_ratio(a)),
    }
}

/// 0 = worst: serving instance down, then a standby not ready, a lag over the RPO, a degraded
/// instance, and finally healthy.
pub fn trouble(c: &ComponentStatus) -> u8 {
    let active_down = c.instance(&c.active_region).is_some_and(|i| {
        matches!(
            i.health,
            InstanceHealth::Unavailable | InstanceHealth::Unknown
        )
    });
    let any = |h: InstanceHealth| c.instances.iter().any(|i| i.health == h);
    if active_down {
        0
    } else if !c.ready {
        1
    } else if c.lag_over_rpo() {
        2
    } else if any(InstanceHealth::Unavailable)
        || any(InstanceHealth::Degraded)
        || any(InstanceHealth::Unknown)
    {
        3
    } else {
        4
    }
}

/// Lag as a fraction of the RPO (components without lag sort last).
fn lag_ratio(c: &ComponentStatus) -> f64 {
    match c.lag_seconds {
        Some(lag) => lag / (c.rpo_seconds.max(1) as f64),
        None => -1.0,
    }
}
