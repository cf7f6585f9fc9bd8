//! The `az` commands azfailover prints: the manual fallback a responder can paste, for every
//! runbook step and on the detail screen. They are built here, one file per provider, from the
//! id of the resource each command addresses (its subscription, resource group and name: the
//! same id the client's requests use), so a command names the resource group of the resource it
//! acts on and always the right subscription, whatever `az account set` says.
//!
//! `tests/az_commands.rs` parses every command the planner and the health derivation print with
//! the real Azure CLI (`tests/az/parse_commands.py`).

pub mod aks;
pub mod aml;
pub mod cosmos;
pub mod flex;
pub mod health;
pub mod observe;
pub mod routing;
pub mod sql;
pub mod storage;

use crate::config::ResourceId;

/// `-g {resource group} -n {name} --subscription {subscription}` of `id`.
pub(crate) fn named(id: &ResourceId) -> String {
    format!("-g {} -n {} {}", id.resource_group(), id.name(), sub(id))
}

/// `--subscription {subscription}` of `id`.
pub(crate) fn sub(id: &ResourceId) -> String {
    format!("--subscription {}", id.subscription())
}

/// `az rest` on an ARM path (relative: the CLI prefixes the signed-in cloud's ARM endpoint, so
/// it works in every cloud), with an optional JSON body.
pub fn rest(method: &str, path: &str, api_version: &str, body: Option<&str>) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut cmd =
        format!("az rest --method {method} --url \"{path}{sep}api-version={api_version}\"");
    if let Some(b) = body {
        cmd.push_str(&format!(" --body '{b}'"));
    }
    cmd
}

/// Shows any resource by its id (a step that could not be planned exactly).
pub fn resource_show(id: &ResourceId) -> String {
    format!("az resource show --ids {id}")
}
