//! PostgreSQL and MySQL flexible servers: a switchover promotes the PostgreSQL replica (planned
//! or forced), MySQL stops replication (irreversible); a failback first needs a replica again.

use super::{Gen, step};
use crate::azure::PromoteOptions;
use crate::azure::az::flex as az;
use crate::azure::models::ReplicationRole;
use crate::config::{Component, ComponentKind, Phase};
use crate::health::collect::Reading;
use crate::runbook::model::*;

/// The data steps of a server pair: recreate the replica when a failback finds none, then
/// promote (PostgreSQL) or stop replication (MySQL).
pub(super) fn data(g: &mut Gen<'_>, c: &Component) {
    let Some((source, target)) = g.side(c) else {
        return;
    };
    let (source, target) = (source.clone(), target.clone());
    let pg = c.kind == ComponentKind::PostgresFlexible;
    let to = g.to.clone();
    let target_role = match g.reading(&target) {
        Some(Reading::Flex(f)) => f.role(),
        _ => None,
    };
    let target_is_replica = matches!(
        target_role,
        Some(
            ReplicationRole::AsyncReplica
                | ReplicationRole::GeoAsyncReplica
                | ReplicationRole::Replica
        )
    );
    if !g.failover() && !target_is_replica {
        // The original primary is not a replica (a standalone promotion): rebuild by hand.
        let mut s = step(
            format!("data.{}.recreate-replica", c.name),
            format!(
                "Recreate {} as a replica of {}",
                target.name(),
                source.name()
            ),
            Phase::Data,
            StepKind::Manual,
        );
        s.why = format!(
            "{} was promoted standalone, so {} no longer replicates from it. Recreate a read replica in {to} (with virtual endpoints for PostgreSQL), wait until it has caught up, then fail back.",
            source.name(),
            target.name()
        );
        s.az.push(az::replica_create(pg, &target, &source, &to));
        g.push(s, Some(c));
    }
    if pg {
        let forced = g.forced;
        let mut s = step(
            format!("data.{}.promote", c.name),
            format!(
                "{} switchover of PostgreSQL to {} ({to})",
                if forced { "Forced" } else { "Planned" },
                target.name()
            ),
            Phase::Data,
            StepKind::Action,
        );
        s.action = Some(Action::PostgresPromote {
            replica: target.to_string(),
            opts: PromoteOptions {
                switchover: true,
                forced,
            },
        });
        s.az.push(az::promote(&target, forced));
        if forced {
            s.why = format!(
                "{} is down: a forced switchover promotes {} without waiting for the primary. Transactions not yet replayed are lost; HA and geo-backup must be re-enabled afterwards.",
                g.from,
                target.name()
            );
            g.typed(&mut s, Some(format!("transactions not yet replayed on {} (see its Read Replica Lag metric; usually minutes) will be lost", target.name())));
            s.preconditions.push(Precondition::RegionNotHealthy {
                region: g.from.to_string(),
            });
        } else {
            s.why = format!(
                "Synchronises, then swaps roles: {} becomes the primary and {} its replica; the virtual endpoints follow. Nothing is lost.",
                target.name(),
                source.name()
            );
        }
        g.finish_data_step(c, s);
    } else {
        let mut s = step(
            format!("data.{}.stop-replication", c.name),
            format!("Stop replication: promote MySQL {} ({to})", target.name()),
            Phase::Data,
            StepKind::Action,
        );
        s.action = Some(Action::MysqlStopReplication {
            replica: target.to_string(),
        });
        s.az.push(az::stop_replication(&target));
        s.why = format!(
            "Makes {} a standalone, writable server. It is irreversible: the application must be repointed to it (no virtual endpoints), and a new replica built later.",
            target.name()
        );
        let loss = if g.forced {
            Some(format!(
                "transactions not yet replayed on {} (Replica Lag metric) will be lost",
                target.name()
            ))
        } else {
            None
        };
        g.typed(&mut s, loss);
        g.finish_data_step(c, s);
    }
}
