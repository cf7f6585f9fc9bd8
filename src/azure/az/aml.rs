//! Azure Machine Learning (`az ml`, the ml extension: checked against
//! `tests/az_reference/ml.txt`). A workspace's children name it with `-w`.

use super::{named, sub};
use crate::config::ResourceId;

/// `-n {name} -w {workspace} -g {group} --subscription ...` of a workspace child (compute,
/// online endpoint).
fn child(id: &ResourceId) -> String {
    format!(
        "-n {} -w {} -g {} {}",
        id.name(),
        id.parent_name().unwrap_or_default(),
        id.resource_group(),
        sub(id)
    )
}

/// `-w {workspace} -g {group} --subscription ...` of a workspace id.
fn in_workspace(ws: &ResourceId) -> String {
    format!("-w {} -g {} {}", ws.name(), ws.resource_group(), sub(ws))
}

/// A workspace; `query` as az's `--query`, if any.
pub fn workspace_show(ws: &ResourceId, query: Option<&str>) -> String {
    match query {
        Some(q) => format!("az ml workspace show {} --query {q}", named(ws)),
        None => format!("az ml workspace show {}", named(ws)),
    }
}

/// A compute cluster.
pub fn compute_show(compute: &ResourceId) -> String {
    format!("az ml compute show {}", child(compute))
}

/// Scales a compute cluster.
pub fn compute_update(compute: &ResourceId, min: u32, max: u32) -> String {
    format!(
        "az ml compute update {} --min-instances {min} --max-instances {max}",
        child(compute)
    )
}

/// An online endpoint's traffic.
pub fn endpoint_show_traffic(endpoint: &ResourceId) -> String {
    format!(
        "az ml online-endpoint show {} --query traffic",
        child(endpoint)
    )
}

/// Sends all of an endpoint's traffic to `deployment`.
pub fn endpoint_route(endpoint: &ResourceId, deployment: &str) -> String {
    format!(
        "az ml online-endpoint update {} --traffic \"{deployment}=100\"",
        child(endpoint)
    )
}

/// Invokes an endpoint with a sample request (the gate's smoke test).
pub fn endpoint_invoke(endpoint: &ResourceId) -> String {
    format!(
        "az ml online-endpoint invoke {} --request-file sample.json",
        child(endpoint)
    )
}

/// The deployments of an endpoint.
pub fn deployment_list(endpoint: &ResourceId) -> String {
    format!(
        "az ml online-deployment list --endpoint-name {} -w {} -g {} {} -o table",
        endpoint.name(),
        endpoint.parent_name().unwrap_or_default(),
        endpoint.resource_group(),
        sub(endpoint)
    )
}

/// Scales a deployment of an endpoint.
pub fn deployment_scale(endpoint: &ResourceId, deployment: &str, instances: u32) -> String {
    format!(
        "az ml online-deployment update -n {deployment} --endpoint-name {} -w {} -g {} {} --set instance_count={instances}",
        endpoint.name(),
        endpoint.parent_name().unwrap_or_default(),
        endpoint.resource_group(),
        sub(endpoint)
    )
}

/// The schedules of a workspace.
pub fn schedule_list(ws: &ResourceId) -> String {
    format!("az ml schedule list {} -o table", in_workspace(ws))
}

/// The running jobs of a workspace.
pub fn running_jobs(ws: &ResourceId) -> String {
    format!(
        "az ml job list {} --query \"[?status=='Running'].name\"",
        in_workspace(ws)
    )
}
