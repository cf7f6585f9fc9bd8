//! Storage accounts (`az storage account`).

use super::named;
use crate::config::ResourceId;

/// The account's geo-replication statistics; `query` as az's `--query` (JMESPath).
pub fn show_geo(id: &ResourceId, query: &str) -> String {
    format!(
        "az storage account show {} --expand geoReplicationStats --query \"{query}\"",
        named(id)
    )
}

/// Changes the account's redundancy (re-protect: `Standard_RAGRS`).
pub fn set_sku(id: &ResourceId, sku: &str) -> String {
    format!("az storage account update {} --sku {sku}", named(id))
}

/// The customer-managed failover: planned (synchronised first) or unplanned; `--yes` so a
/// script does not stop at the prompt.
pub fn failover(id: &ResourceId, planned: bool) -> String {
    if planned {
        format!(
            "az storage account failover {} --failover-type Planned --yes",
            named(id)
        )
    } else {
        format!("az storage account failover {} --yes", named(id))
    }
}
