//! Azure SQL failover groups: a planned failover (synchronised, nothing lost) or a forced one
//! (the source is down), posted to the server that becomes primary.
//!
//! A failover needs the partner (secondary) server, and in a regional outage the primary server
//! may not answer: the partner comes from what the collector found (`Observations::sql_partners`:
//! the primary's answer, `partner_server` in the configuration, a server of the secondary region
//! with a group of the same name, or the last good snapshot cached on disk), and the step says
//! when it is not the primary's own answer.

use std::time::Duration;

use super::{Gen, step};
use crate::azure::SqlFailover;
use crate::azure::az::sql as az;
use crate::config::{Component, Phase, ResourceId, Targets};
use crate::health::collect::PartnerSource;
use crate::runbook::model::*;
use crate::timefmt::human;

/// The failover step of a group; by hand when its partner is not known.
pub(super) fn data(g: &mut Gen<'_>, c: &Component) {
    let Targets::Replicated { resource, .. } = &c.targets else {
        return;
    };
    let Some(server) = resource.parent() else {
        return;
    };
    // The group on the server that becomes primary: the partner when failing over, the
    // configured (original) server when failing back.
    let partner = g.obs.sql_partners.get(&resource.key()).cloned();
    let (target_server, basis) = if g.failover() {
        let Some(p) = partner else {
            g.unreadable(c, resource);
            return;
        };
        let basis = basis(g, &p.server, &p.source);
        (p.server, basis)
    } else {
        (server.clone(), None)
    };
    let target_name = target_server.name().to_string();
    let Ok(group_on_target) = ResourceId::parse(&format!(
        "{target_server}/failoverGroups/{}",
        resource.name()
    )) else {
        g.unreadable(c, resource);
        return;
    };
    let to = g.to.clone();
    let mut s = step(
        format!("data.{}.failover", c.name),
        format!(
            "{} failover of SQL failover group {} to {target_name} ({to})",
            if g.forced { "Forced" } else { "Planned" },
            resource.name()
        ),
        Phase::Data,
        StepKind::Action,
    );
    s.action = Some(Action::SqlFailover {
        group_on_target: group_on_target.to_string(),
        mode: if g.forced {
            SqlFailover::Forced
        } else {
            SqlFailover::Planned
        },
    });
    s.parallel_group = Some("data".into());
    s.postcondition = Some(Postcondition::ActiveIn {
        component: c.name.clone(),
        region: to.to_string(),
    });
    s.timeout = Duration::from_secs(15 * 60);
    s.preconditions.push(Precondition::ActiveIn {
        component: c.name.clone(),
        region: g.from.to_string(),
    });
    s.az.push(az::set_primary(&group_on_target, g.forced));
    if g.forced {
        s.why = format!(
            "{} is down, so a planned failover would time out. A forced failover makes {target_name} the primary at once; the listener follows. Transactions not yet replicated (usually seconds) are lost; the old primary rejoins as secondary when it returns.",
            g.from
        );
        g.typed(&mut s, Some("transactions not yet replicated to the secondary (typically a few seconds) will be lost".into()));
        s.preconditions.push(Precondition::RegionNotHealthy {
            region: g.from.to_string(),
        });
    } else {
        s.why = format!(
            "Synchronises, then swaps roles: {target_name} becomes primary with no data loss; the read-write listener follows (DNS TTL 30 s). Posted to the server that becomes primary."
        );
    }
    if let Some(b) = basis {
        s.why.push(' ');
        s.why.push_str(&b);
    }
    g.push(s, Some(c));
}

/// The sentence that says where the partner came from, when not from the primary's answer.
fn basis(g: &Gen<'_>, server: &ResourceId, source: &PartnerSource) -> Option<String> {
    let name = server.name();
    match source {
        PartnerSource::Primary => None,
        PartnerSource::Config => Some(format!(
            "Partner {name} from the configuration (partner_server)."
        )),
        PartnerSource::SecondaryRegion => Some(format!(
            "Partner {name} found in {}: the primary's failover group could not be read, the group of the same name answers there.",
            g.to
        )),
        PartnerSource::Cache { seen_at } => {
            let age = (g.obs.now - *seen_at).as_seconds_f64().max(0.0);
            Some(format!(
                "Partner {name} from the snapshot cached {} ago: neither the primary nor the secondary region could confirm it now.",
                human(Duration::from_secs_f64(age))
            ))
        }
    }
}
