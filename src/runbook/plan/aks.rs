//! AKS: start a stopped standby and scale its node pools to the primary's; a failback stops
//! it again.

use std::collections::BTreeMap;
use std::time::Duration;

use super::{ColdAgain, Gen, step};
use crate::azure::az::aks as az;
use crate::azure::models::PowerState;
use crate::config::{Component, Phase, ResourceId};
use crate::health::collect::Reading;
use crate::health::model::Capacity;
use crate::region::Region;
use crate::runbook::model::*;

/// The compute steps of a cluster pair, `source` → `target`.
pub(super) fn compute(g: &mut Gen<'_>, c: &Component, source: &ResourceId, target: &ResourceId) {
    let to = g.to.clone();
    let running =
        matches!(g.reading(target), Some(Reading::Aks(a)) if a.power() == PowerState::Running);
    // The source's node pools: read now, else as last seen (it is down), else unknown.
    let seen = g
        .snap
        .facts
        .capacity(source.as_str())
        .and_then(|f| match &f.capacity {
            Capacity::NodePools { pools } => Some((pools.clone(), f.seen_at)),
            Capacity::Compute { .. } => None,
        });
    let (wanted, whence): (Vec<(String, u32)>, String) = match (g.reading(source), seen) {
        (Some(Reading::Aks(a)), _) => (
            a.properties
                .agent_pool_profiles
                .iter()
                .map(|p| (p.name.clone(), p.count.unwrap_or(0)))
                .collect(),
            String::new(),
        ),
        (_, Some((pools, at))) => (
            pools,
            format!(
                " The primary cluster cannot be read now: its node counts are as last seen, {} ago.",
                g.ago(at)
            ),
        ),
        _ => (Vec::new(), String::new()),
    };
    let unknown = wanted.is_empty() && !matches!(g.reading(source), Some(Reading::Aks(_)));
    let start_id = format!("compute.{}.start", c.name);
    if !running {
        let mut s = step(
            format!("compute.{}.start", c.name),
            format!("Start AKS cluster {} in {to}", target.name()),
            Phase::Compute,
            StepKind::Action,
        );
        s.why = "The cold standby cluster is stopped (no cost, state kept). Starting it takes several minutes.".into();
        if unknown {
            s.why.push_str(&unknown_pools(source));
        }
        s.action = Some(Action::AksPower {
            id: target.to_string(),
            start: true,
        });
        s.az.push(az::start(target));
        s.postcondition = Some(Postcondition::AksRunning {
            component: c.name.clone(),
            region: to.to_string(),
        });
        s.parallel_group = Some("compute".into());
        s.timeout = Duration::from_secs(30 * 60);
        g.push(s, Some(c));
    }
    let have: BTreeMap<String, u32> = match g.reading(target) {
        Some(Reading::Aks(a)) => a
            .properties
            .agent_pool_profiles
            .iter()
            .map(|p| (p.name.clone(), p.count.unwrap_or(0)))
            .collect(),
        _ => BTreeMap::new(),
    };
    for (pool, count) in wanted {
        if have.get(&pool).copied().unwrap_or(0) >= count || count == 0 {
            continue;
        }
        let mut s = step(
            format!("compute.{}.scale-{pool}", c.name),
            format!("Scale node pool {pool} of {} to {count}", target.name()),
            Phase::Compute,
            StepKind::Action,
        );
        s.why = format!("Matches the primary's capacity so {to} can carry the full load.{whence}");
        s.action = Some(Action::AksScale {
            id: target.to_string(),
            pool: pool.clone(),
            count,
        });
        s.az.push(az::nodepool_scale(target, &pool, count));
        // Side by side with the other compute steps, once its cluster runs.
        s.parallel_group = Some("compute".into());
        if !running {
            s.after = Some(start_id.clone());
        }
        s.postcondition = Some(Postcondition::AksRunning {
            component: c.name.clone(),
            region: to.to_string(),
        });
        s.timeout = Duration::from_secs(30 * 60);
        g.push(s, Some(c));
    }
}

/// What a start step says when the primary's node pools are unknown (no step can scale them).
fn unknown_pools(source: &ResourceId) -> String {
    format!(
        " The primary cluster {} cannot be read now and its node pools were never seen: no step scales the standby's pools to match; check them once it runs (az aks nodepool list) and scale by hand if the load needs it.",
        source.name()
    )
}

/// A failback stops the secondary cluster again (no cost while idle).
pub(super) fn cold_again(c: &Component, secondary: &ResourceId, from: &Region) -> ColdAgain {
    ColdAgain {
        id: format!("finish.{}.stop", c.name),
        title: format!("Stop AKS cluster {} in {from}", secondary.name()),
        action: Action::AksPower {
            id: secondary.to_string(),
            start: false,
        },
        az: az::stop(secondary),
    }
}
