//! What the header and the region panels count, computed once per snapshot (not per frame):
//! what serves in each region, and whether a failover could start now.

use crate::health::{ComponentStatus, InstanceHealth, RegionRole, Snapshot};

/// Blocking components named in the header, at most.
const NAMED_BLOCKERS: usize = 3;

/// Counts over the components of one snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub total: usize,
    /// Components serving in the primary and in the secondary region.
    pub serving: [usize; 2],
    /// Still served from the primary and ready to fail over.
    pub ready: usize,
    /// Still served from the primary and not ready: they block a failover.
    pub blocked: usize,
    /// The first few blocking components' names.
    pub blocked_names: Vec<String>,
    /// Already served from elsewhere than the primary.
    pub moved: usize,
}

impl Summary {
    /// The counts of a snapshot.
    pub fn of(snap: &Snapshot, primary: &str, secondary: &str) -> Summary {
        let mut s = Summary {
            total: snap.components.len(),
            ..Summary::default()
        };
        for c in &snap.components {
            s.serving[0] += usize::from(serves_in(c, primary));
            s.serving[1] += usize::from(serves_in(c, secondary));
            match (c.active_region == primary, c.ready) {
                (false, _) => s.moved += 1,
                (true, true) => s.ready += 1,
                (true, false) => {
                    s.blocked += 1;
                    if s.blocked_names.len() < NAMED_BLOCKERS {
                        s.blocked_names.push(super::sanitize(&c.name).into_owned());
                    }
                }
            }
        }
        s
    }

    /// Components serving in the region of this role.
    pub fn serving_in(&self, role: RegionRole) -> usize {
        match role {
            RegionRole::Primary => self.serving[0],
            RegionRole::Secondary => self.serving[1],
        }
    }
}

/// Whether a component serves in a region: its instance there is up and it is either the
/// active region or a hot/hot component (without an instance there: the active region only).
pub fn serves_in(c: &ComponentStatus, region: &str) -> bool {
    match c.instance(region) {
        Some(i) => {
            let up = matches!(
                i.health,
                InstanceHealth::Available | InstanceHealth::Degraded
            );
            up && (c.active_region == region || c.mode == "hot-hot")
        }
        None => c.active_region == region,
    }
}
