//! PostgreSQL and MySQL flexible server operations (Microsoft.DBforPostgreSQL/flexibleServers,
//! Microsoft.DBforMySQL/flexibleServers).

use serde_json::json;

use super::{ArmRequest, Body};
use crate::azure::api::PromoteOptions;
use crate::azure::api::versions::{MYSQL, POSTGRES};

/// `PATCH {replica}`: promotes a PostgreSQL read replica.
pub fn postgres_promote(replica_id: &str, opts: PromoteOptions) -> ArmRequest {
    ArmRequest {
        method: "PATCH",
        path: replica_id.to_string(),
        api_version: POSTGRES,
        query: &[],
        body: Body::Json(json!({"properties": {"replica": {
            "promoteMode": if opts.switchover { "switchover" } else { "standalone" },
            "promoteOption": if opts.forced { "forced" } else { "planned" },
        }}})),
    }
}

/// `PATCH {replica}`: stops replication of a MySQL read replica (irreversible; loses the lag).
pub fn mysql_stop_replication(replica_id: &str) -> ArmRequest {
    ArmRequest {
        method: "PATCH",
        path: replica_id.to_string(),
        api_version: MYSQL,
        query: &[],
        body: Body::Json(json!({"properties": {"replicationRole": "None"}})),
    }
}
