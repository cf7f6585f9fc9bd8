//! SQL failover group operations (Microsoft.Sql/servers/failoverGroups).

use super::{ArmRequest, Body};
use crate::azure::api::versions::SQL;
use crate::azure::models::SqlFailover;

/// `POST {group}/{action}`, posted to the failover group on the server that becomes primary.
pub fn failover(group_on_new_primary: &str, mode: SqlFailover) -> ArmRequest {
    ArmRequest {
        method: "POST",
        path: format!("{group_on_new_primary}/{}", mode.action()),
        api_version: SQL,
        query: &[],
        body: Body::None,
    }
}
