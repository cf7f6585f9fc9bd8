//! Cosmos DB accounts: the write region moves by a priority change (every region healthy) or,
//! with the source down, by taking it offline; a failback first brings the region online.

use std::time::Duration;

use super::{Gen, step};
use crate::azure::az::cosmos as az;
use crate::config::{Component, Phase, Targets};
use crate::health::collect::Reading;
use crate::region::Region;
use crate::runbook::model::*;

/// The data steps of an account.
pub(super) fn data(g: &mut Gen<'_>, c: &Component) {
    let Targets::Replicated { resource, regions } = &c.targets else {
        return;
    };
    let acct = match g.reading(resource) {
        Some(Reading::Cosmos(a)) => Some(a.clone()),
        _ => None,
    };
    let to = g.to.clone();
    let offline_target = acct.as_ref().is_some_and(|a| {
        !a.properties
            .read_locations
            .iter()
            .any(|l| l.location_name == to)
    });
    if !g.failover() && offline_target {
        let mut s = step(
            format!("data.{}.online-region", c.name),
            format!("Bring {to} back online for Cosmos DB {}", resource.name()),
            Phase::Data,
            StepKind::Action,
        );
        s.why = format!(
            "{to} was taken offline during the outage; it must be online (as a read region) before it can take the writes back."
        );
        s.action = Some(Action::CosmosOnline {
            id: resource.to_string(),
            region: to.clone(),
        });
        s.az.push(az::online_region(resource, &to));
        s.postcondition = Some(Postcondition::InstanceAvailable {
            component: c.name.clone(),
            region: to.to_string(),
        });
        s.timeout = Duration::from_secs(30 * 60);
        g.push(s, Some(c));
    }
    let mut s = step(
        format!("data.{}.failover", c.name),
        format!(
            "Move the Cosmos DB write region of {} to {to}",
            resource.name()
        ),
        Phase::Data,
        StepKind::Action,
    );
    if g.forced {
        s.action = Some(Action::CosmosOffline {
            id: resource.to_string(),
            region: g.from.clone(),
        });
        s.az.push(az::offline_region(resource, &g.from));
        s.why = format!(
            "{} is down, so a priority change would fail. Taking it offline moves the writes to {to} in seconds; unreplicated writes land in the conflict feed. {} returns only when it is brought online again.",
            g.from, g.from
        );
        g.typed(&mut s, Some("writes not yet replicated to the other region (under 15 minutes with session consistency) may be lost".into()));
        s.preconditions.push(Precondition::RegionNotHealthy {
            region: g.from.to_string(),
        });
    } else {
        let mut order: Vec<(Region, u32)> = vec![(to.clone(), 0)];
        let others: Vec<Region> = regions.iter().filter(|r| **r != to).cloned().collect();
        for (k, r) in others.into_iter().enumerate() {
            order.push((r, k as u32 + 1));
        }
        let policies: Vec<String> = order.iter().map(|(r, p)| format!("{r}={p}")).collect();
        s.az.push(az::failover_priority_change(resource, &policies));
        s.action = Some(Action::CosmosPriority {
            id: resource.to_string(),
            order,
        });
        s.why = format!(
            "Makes {to} the write region with no data loss (every region must be healthy). Clients using the SDK's preferred regions follow automatically."
        );
    }
    g.finish_data_step(c, s);
}
