//! SQL failover groups (`az sql failover-group`): `-g` and `-s` are the resource group and name
//! of the server the command addresses (the group's id is `{server}/failoverGroups/{group}`).

use super::sub;
use crate::config::ResourceId;

/// `-g {server's group} -s {server} -n {group} --subscription ...` of a group id, as one server
/// sees it.
fn on_server(group: &ResourceId) -> String {
    format!(
        "-g {} -s {} -n {} {}",
        group.resource_group(),
        group.parent_name().unwrap_or_default(),
        group.name(),
        sub(group)
    )
}

/// The group as the server of `group` sees it.
pub fn show(group: &ResourceId) -> String {
    format!("az sql failover-group show {}", on_server(group))
}

/// Makes the server of `group_on_target` the primary: planned, or forced (`--allow-data-loss`).
pub fn set_primary(group_on_target: &ResourceId, forced: bool) -> String {
    let mut cmd = format!(
        "az sql failover-group set-primary {}",
        on_server(group_on_target)
    );
    if forced {
        cmd.push_str(" --allow-data-loss");
    }
    cmd
}
