//! What the header and the region panels show, computed once per snapshot (not per frame):
//! what serves in each region, and the verdict (what to do now).

use crate::health::{RegionRole, Snapshot, Verdict};

/// Counts over the components of one snapshot, and its verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub total: usize,
    /// Components serving in the primary and in the secondary region.
    pub serving: [usize; 2],
    /// What to do now: the snapshot's, or derived here for a snapshot cached by an older
    /// version (which has none).
    pub verdict: Verdict,
}

impl Summary {
    /// The counts of a snapshot.
    pub fn of(snap: &Snapshot, primary: &str, secondary: &str) -> Summary {
        let verdict = if snap.verdict.summary.is_empty() {
            crate::health::verdict::verdict(snap)
        } else {
            snap.verdict.clone()
        };
        let mut s = Summary {
            total: snap.components.len(),
            verdict,
            ..Summary::default()
        };
        for c in &snap.components {
            s.serving[0] += usize::from(serves_in(c, primary));
            s.serving[1] += usize::from(serves_in(c, secondary));
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

pub use crate::health::words::serves_in;
