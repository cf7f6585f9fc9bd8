//! Storage accounts: re-protect and wait for Live replication before a failback, the planned
//! or unplanned account failover, and the re-protect an unplanned one leaves to finish.

use std::time::Duration;

use super::{Gen, step};
use crate::azure::az::storage as az;
use crate::config::{Component, Phase, Targets};
use crate::health::collect::Reading;
use crate::runbook::model::*;
use crate::timefmt::{human, rfc3339};

/// The data steps of an account: planned when it can be (nothing lost), unplanned when its
/// source is down (the writes after the last sync are lost, typed).
pub(super) fn data(g: &mut Gen<'_>, c: &Component) {
    let Targets::Replicated { resource, .. } = &c.targets else {
        return;
    };
    let sa = match g.reading(resource) {
        Some(Reading::Storage(sa)) => Some(sa.clone()),
        _ => None,
    };
    let geo = sa
        .as_ref()
        .and_then(|a| a.properties.geo_replication_stats.clone());
    let to = g.to.clone();
    if !g.failover() && sa.as_ref().is_some_and(|a| !a.is_geo_redundant()) {
        // After an unplanned failover the account is LRS: re-protect first.
        let mut s = step(
            format!("data.{}.reprotect", c.name),
            format!("Re-enable geo-redundancy of {}", resource.name()),
            Phase::Data,
            StepKind::Action,
        );
        s.why = "An unplanned failover left the account locally redundant. Re-enabling GRS copies it back to the original region (this takes time and costs egress); failback is only possible once that copy is Live.".into();
        s.action = Some(Action::StorageSetSku {
            id: resource.to_string(),
            sku: "Standard_RAGRS".into(),
        });
        s.az.push(az::set_sku(resource, "Standard_RAGRS"));
        s.postcondition = Some(Postcondition::GeoRedundant {
            component: c.name.clone(),
        });
        s.timeout = Duration::from_secs(120);
        g.push(s, Some(c));
    }
    if !g.failover() {
        let mut s = step(
            format!("data.{}.wait-sync", c.name),
            format!(
                "Wait until {} replicates to {to} (Live, planned failover possible)",
                resource.name()
            ),
            Phase::Data,
            StepKind::Verify,
        );
        s.why = "A planned failover back loses nothing, but only once geo-replication is Live and canPlannedFailover is true.".into();
        s.postcondition = Some(Postcondition::PlannedFailoverPossible {
            component: c.name.clone(),
        });
        s.timeout = Duration::from_secs(4 * 3600);
        s.az.push(az::show_geo(resource, "geoReplicationStats"));
        g.push(s, Some(c));
    }
    let planned = !g.forced
        && (geo
            .as_ref()
            .is_some_and(|g| g.can_planned_failover == Some(true))
            || !g.failover());
    let mut s = step(
        format!("data.{}.failover", c.name),
        format!(
            "{} failover of storage {} to {to}",
            if planned { "Planned" } else { "Unplanned" },
            resource.name()
        ),
        Phase::Data,
        StepKind::Action,
    );
    s.action = Some(Action::StorageFailover {
        id: resource.to_string(),
        planned,
    });
    s.parallel_group = Some("data".into());
    s.postcondition = Some(Postcondition::ActiveIn {
        component: c.name.clone(),
        region: to.to_string(),
    });
    s.timeout = Duration::from_secs(90 * 60);
    if planned {
        s.why = format!(
            "Moves the primary endpoint of {} to {to} after synchronising: nothing is lost and the account stays geo-redundant. It takes up to an hour; the account is unavailable meanwhile.",
            resource.name()
        );
        s.az.push(az::failover(resource, true));
    } else {
        let loss = geo.as_ref().and_then(|g| g.last_sync_time).map(|lst| {
            let lag = (g.obs.now - lst).as_seconds_f64().max(0.0);
            format!(
                "writes to {} after {} UTC — {} — will be lost",
                resource.name(),
                &rfc3339(lst)[11..19],
                human(Duration::from_secs_f64(lag))
            )
        });
        s.why = format!(
            "{} answers no more: an unplanned failover makes {to} the primary. Writes after the last sync are lost, and the account becomes locally redundant until re-protected.",
            g.from
        );
        s.az.push(az::failover(resource, false));
        g.typed(
            &mut s,
            loss.or(Some(format!(
                "writes to {} after its last sync time (unknown: could not be read) will be lost",
                resource.name()
            ))),
        );
        s.preconditions.push(Precondition::RegionNotHealthy {
            region: g.from.to_string(),
        });
    }
    s.preconditions.push(Precondition::ActiveIn {
        component: c.name.clone(),
        region: g.from.to_string(),
    });
    g.push(s, Some(c));
}

/// After an unplanned failover, the account is locally redundant: re-enable RA-GRS (outside
/// the RTO).
pub(super) fn finish(g: &mut Gen<'_>, c: &Component) {
    let (to, from) = (g.to.clone(), g.from.clone());
    let unplanned = g.steps.iter().any(|s| {
        s.id == format!("data.{}.failover", c.name)
            && matches!(
                s.action,
                Some(Action::StorageFailover { planned: false, .. })
            )
    });
    let Targets::Replicated { resource, .. } = &c.targets else {
        return;
    };
    if !unplanned {
        return;
    }
    let mut s = step(
        format!("finish.{}.reprotect", c.name),
        format!(
            "Re-protect storage {}: re-enable geo-redundancy",
            resource.name()
        ),
        Phase::Finish,
        StepKind::Action,
    );
    s.component = Some(c.name.clone());
    s.why = format!(
        "After the unplanned failover the account is locally redundant in {to}: one more regional failure would lose it. Re-enabling RA-GRS copies it to {from} (takes time, costs egress)."
    );
    s.action = Some(Action::StorageSetSku {
        id: resource.to_string(),
        sku: "Standard_RAGRS".into(),
    });
    s.az.push(az::set_sku(resource, "Standard_RAGRS"));
    s.postcondition = Some(Postcondition::GeoRedundant {
        component: c.name.clone(),
    });
    s.outside_rto = true;
    s.timeout = Duration::from_secs(120);
    g.push(s, None);
}
