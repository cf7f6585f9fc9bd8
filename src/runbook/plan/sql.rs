//! Azure SQL failover groups: a planned failover (synchronised, nothing lost) or a forced one
//! (the source is down), posted to the server that becomes primary.

use std::time::Duration;

use super::{Gen, step};
use crate::azure::SqlFailover;
use crate::config::{Component, Phase, Targets};
use crate::health::collect::Reading;
use crate::runbook::model::*;

/// The failover step of a group; by hand when its partner could not be read.
pub(super) fn data(g: &mut Gen<'_>, c: &Component) {
    let Targets::Replicated { resource, .. } = &c.targets else {
        return;
    };
    let Some(server) = resource.parent() else {
        return;
    };
    // The group on the server that becomes primary: the partner when failing over, the
    // configured (original) server when failing back.
    let partner = match g.reading(resource) {
        Some(Reading::SqlFg(fg, _)) => fg.properties.partner_servers.first().map(|p| p.id.clone()),
        _ => None,
    };
    let (target_server, target_name) = if g.failover() {
        let Some(p) = partner else {
            g.unreadable(c, resource);
            return;
        };
        let name = p.rsplit('/').next().unwrap_or_default().to_string();
        (p, name)
    } else {
        (server.to_string(), server.name().to_string())
    };
    let group = format!("{target_server}/failoverGroups/{}", resource.name());
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
        group_on_target: group,
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
    let base = format!(
        "az sql failover-group set-primary -g {} -s {target_name} -n {}",
        resource.resource_group(),
        resource.name()
    );
    if g.forced {
        s.why = format!(
            "{} is down, so a planned failover would time out. A forced failover makes {target_name} the primary at once; the listener follows. Transactions not yet replicated (usually seconds) are lost; the old primary rejoins as secondary when it returns.",
            g.from
        );
        s.az.push(format!("{base} --allow-data-loss"));
        g.typed(&mut s, Some("transactions not yet replicated to the secondary (typically a few seconds) will be lost".into()));
        s.preconditions.push(Precondition::RegionNotHealthy {
            region: g.from.to_string(),
        });
    } else {
        s.why = format!(
            "Synchronises, then swaps roles: {target_name} becomes primary with no data loss; the read-write listener follows (DNS TTL 30 s). Posted to the server that becomes primary."
        );
        s.az.push(base);
    }
    g.push(s, Some(c));
}
