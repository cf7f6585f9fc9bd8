//! PostgreSQL and MySQL flexible servers (`az postgres|mysql flexible-server`).

use super::{named, sub};
use crate::config::ResourceId;
use crate::region::Region;

/// `postgres` or `mysql`.
fn cli(pg: bool) -> &'static str {
    if pg { "postgres" } else { "mysql" }
}

/// The server's state and replication role.
pub fn show(pg: bool, id: &ResourceId) -> String {
    format!(
        "az {} flexible-server show {} --query \"{{state:state, role:replicationRole}}\"",
        cli(pg),
        named(id)
    )
}

/// The replicas of a server.
pub fn replica_list(pg: bool, id: &ResourceId) -> String {
    format!("az {} flexible-server replica list {}", cli(pg), named(id))
}

/// Creates `replica` (its resource group, name and region) as a read replica of `source`
/// (PostgreSQL names it `--name`, MySQL `--replica-name`).
pub fn replica_create(
    pg: bool,
    replica: &ResourceId,
    source: &ResourceId,
    region: &Region,
) -> String {
    format!(
        "az {} flexible-server replica create {} {} -g {} --source-server {source} --location {region} {}",
        cli(pg),
        if pg { "--name" } else { "--replica-name" },
        replica.name(),
        replica.resource_group(),
        sub(replica)
    )
}

/// Promotes a PostgreSQL replica by a switchover (planned or forced); `--yes`: no prompt.
pub fn promote(replica: &ResourceId, forced: bool) -> String {
    format!(
        "az postgres flexible-server replica promote {} --promote-mode switchover --promote-option {} --yes",
        named(replica),
        if forced { "forced" } else { "planned" }
    )
}

/// Stops a MySQL replica's replication (irreversible); `--yes`: no prompt.
pub fn stop_replication(replica: &ResourceId) -> String {
    format!(
        "az mysql flexible-server replica stop-replication {} --yes",
        named(replica)
    )
}
