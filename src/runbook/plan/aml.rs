//! Azure Machine Learning: scale the standby compute cluster and online deployments to the
//! primary's, route the hot/cold endpoint's traffic, switch users to the other workspace (no
//! failover API), and the commands that fence and smoke-test it.

use std::collections::BTreeMap;
use std::time::Duration;

use super::{ColdAgain, Gen, step};
use crate::azure::az::aml as az;
use crate::config::{Component, ComponentKind, Config, Phase, ResourceId, Targets};
use crate::health::collect::Reading;
use crate::health::model::Capacity;
use crate::region::Region;
use crate::runbook::model::*;

/// The nodes a standby cluster is scaled to when the primary's capacity is not known.
const UNKNOWN_MAX: u32 = 4;

/// The compute step of a compute cluster pair: scale the target to the source's maximum.
pub(super) fn compute(g: &mut Gen<'_>, c: &Component, source: &ResourceId, target: &ResourceId) {
    let to = g.to.clone();
    // The source's capacity: read now, else as last seen (it is down), else unknown.
    let live = match g.reading(source) {
        Some(Reading::Compute(src)) => src
            .properties
            .properties
            .as_ref()
            .and_then(|p| p.scale_settings.as_ref())
            .map(|s| (s.min_node_count, s.max_node_count.max(1))),
        _ => None,
    };
    let seen = g
        .snap
        .facts
        .capacity(source.as_str())
        .and_then(|f| match f.capacity {
            Capacity::Compute { min, max } => Some(((min, max.max(1)), f.seen_at)),
            Capacity::NodePools { .. } => None,
        });
    let ((min, max), whence) = match (live, seen) {
        (Some(mm), _) => (mm, String::new()),
        (None, Some((mm, at))) => (
            mm,
            format!(
                " The primary cluster cannot be read now: {} nodes is its capacity as last seen, {} ago.",
                mm.1,
                g.ago(at)
            ),
        ),
        (None, None) => (
            (0, UNKNOWN_MAX),
            format!(
                " The primary cluster cannot be read now and its capacity was never seen: {UNKNOWN_MAX} nodes is a starting point, not the primary's capacity — scale further by hand if the load needs it."
            ),
        ),
    };
    let target_max = match g.reading(target) {
        Some(Reading::Compute(t)) => t
            .properties
            .properties
            .as_ref()
            .and_then(|p| p.scale_settings.as_ref())
            .map_or(0, |s| s.max_node_count),
        _ => 0,
    };
    if target_max >= max {
        return;
    }
    let mut s = step(
        format!("compute.{}.scale", c.name),
        format!(
            "Scale compute cluster {} in {to} to {max} nodes",
            target.name()
        ),
        Phase::Compute,
        StepKind::Action,
    );
    s.why = format!(
        "The standby cluster waits at {target_max} nodes; training resubmitted to {to} needs the primary's capacity (quota for the VM size must exist in {to}).{whence}"
    );
    s.action = Some(Action::ComputeScale {
        id: target.to_string(),
        min,
        max,
    });
    s.az.push(az::compute_update(target, min, max));
    s.postcondition = Some(Postcondition::ComputeMax {
        component: c.name.clone(),
        region: to.to_string(),
        max,
    });
    s.parallel_group = Some("compute".into());
    s.timeout = Duration::from_secs(20 * 60);
    g.push(s, Some(c));
}

/// The compute steps of an online endpoint pair: scale each target deployment smaller than
/// the source's.
pub(super) fn deployments(
    g: &mut Gen<'_>,
    c: &Component,
    source: &ResourceId,
    target: &ResourceId,
) {
    let to = g.to.clone();
    let src_caps: BTreeMap<String, u32> = match g.reading(source) {
        Some(Reading::Endpoint(_, deps)) => deps
            .iter()
            .map(|d| {
                (
                    d.name.clone(),
                    d.sku.as_ref().and_then(|s| s.capacity).unwrap_or(1),
                )
            })
            .collect(),
        _ => BTreeMap::new(),
    };
    let tgt_caps: BTreeMap<String, u32> = match g.reading(target) {
        Some(Reading::Endpoint(_, deps)) => deps
            .iter()
            .map(|d| {
                (
                    d.name.clone(),
                    d.sku.as_ref().and_then(|s| s.capacity).unwrap_or(1),
                )
            })
            .collect(),
        _ => BTreeMap::new(),
    };
    for (dep, cap) in &tgt_caps {
        let want = src_caps.get(dep).copied().unwrap_or(*cap);
        if want <= *cap {
            continue;
        }
        let mut s = step(
            format!("compute.{}.scale-{dep}", c.name),
            format!(
                "Scale deployment {dep} of {} to {want} instances",
                target.name()
            ),
            Phase::Compute,
            StepKind::Action,
        );
        s.why = format!(
            "{to} must carry the full scoring load before traffic moves (VM provisioning and image pull take minutes; SKU quota must exist)."
        );
        s.action = Some(Action::DeploymentScale {
            endpoint: target.to_string(),
            deployment: dep.clone(),
            instances: want,
        });
        s.az.push(az::deployment_scale(target, dep, want));
        s.postcondition = Some(Postcondition::DeploymentCapacity {
            component: c.name.clone(),
            region: to.to_string(),
            deployment: dep.clone(),
            instances: want,
        });
        s.parallel_group = Some("compute".into());
        s.timeout = Duration::from_secs(30 * 60);
        g.push(s, Some(c));
    }
}

/// The traffic step of a hot/cold endpoint: all of the target's traffic to its first
/// deployment.
pub(super) fn route(g: &mut Gen<'_>, c: &Component) {
    let to = g.to.clone();
    let Some((_, target)) = g.side(c) else {
        return;
    };
    let target = target.clone();
    let deployments: Vec<String> = match g.reading(&target) {
        Some(Reading::Endpoint(_, deps)) => deps.iter().map(|d| d.name.clone()).collect(),
        _ => vec!["blue".to_string()],
    };
    let Some(first) = deployments.first().cloned() else {
        return;
    };
    let traffic: BTreeMap<String, u32> = deployments
        .iter()
        .map(|d| (d.clone(), if *d == first { 100 } else { 0 }))
        .collect();
    let mut s = step(
        format!("traffic.{}.route", c.name),
        format!("Route {}'s traffic to deployment {first}", target.name()),
        Phase::Traffic,
        StepKind::Action,
    );
    s.why = format!(
        "The standby endpoint in {to} takes no traffic yet; this sends all of it to {first} (a PUT of the endpoint: PATCH cannot change traffic)."
    );
    s.action = Some(Action::EndpointTraffic {
        id: target.to_string(),
        traffic,
    });
    s.az.push(az::endpoint_route(&target, &first));
    s.preconditions.push(Precondition::VerifyGatePassed);
    s.postcondition = Some(Postcondition::TrafficIn {
        component: c.name.clone(),
        region: to.to_string(),
    });
    s.timeout = Duration::from_secs(10 * 60);
    g.push(s, Some(c));
}

/// The finish step that switches users, CI/CD and schedules to the target workspace `ws`.
pub(super) fn switch(g: &mut Gen<'_>, ws: &Component) {
    let to = g.to.clone();
    let target_id = g.side(ws).map(|(_, t)| t.clone());
    let target = target_id
        .as_ref()
        .map(|t| t.name().to_string())
        .unwrap_or_default();
    let mut s = step(
        format!("finish.{}.switch", ws.name),
        format!("Switch users, CI/CD and schedules to workspace {target}"),
        Phase::Finish,
        StepKind::Manual,
    );
    s.component = Some(ws.name.clone());
    s.why = format!(
        "Azure ML has no failover API: repoint config.json / MLClient, pipeline variables and schedules to {target}; re-register assets not in a registry; resubmit failed jobs; ask users to recreate compute instances in {to}."
    );
    if let Some(t) = &target_id {
        s.az.push(az::workspace_show(t, Some("discovery_url")));
    }
    g.push(s, None);
}

/// A failback scales the secondary cluster back to 0 nodes.
pub(super) fn cold_again(c: &Component, secondary: &ResourceId, from: &Region) -> ColdAgain {
    ColdAgain {
        id: format!("finish.{}.scale-down", c.name),
        title: format!("Scale {} in {from} back to 0 nodes", secondary.name()),
        action: Action::ComputeScale {
            id: secondary.to_string(),
            min: 0,
            max: 0,
        },
        az: az::compute_update(secondary, 0, 0),
    }
}

/// Prepare the standby workspace: a manual step listing what the secondary workspace lacks
/// (each failing item of its Azure ML readiness checks) with the command that fixes each, so a
/// team can fix drift before the incident — and a responder sees, before the target check
/// stops the run, what to do about it. Nothing when the standby lacks nothing.
pub(super) fn prepare_standby(g: &mut Gen<'_>, c: &Component) {
    let Some(status) = g.snap.components.iter().find(|x| x.name == c.name) else {
        return;
    };
    let missing: Vec<&crate::health::StandbyItem> =
        status.standby.iter().filter(|x| x.missing()).collect();
    if missing.is_empty() {
        return;
    }
    let ws = match &c.targets {
        Targets::Paired { secondary, .. } => secondary.name().to_string(),
        _ => c.name.clone(),
    };
    let mut s = step(
        format!("prepare.{}.standby", c.name),
        format!(
            "Prepare the standby workspace {ws}: {} item(s) missing",
            missing.len()
        ),
        Phase::Prepare,
        StepKind::Manual,
    );
    let lines: Vec<String> = missing
        .iter()
        .map(|x| {
            let note = if x.note.is_empty() {
                String::new()
            } else {
                format!(" — {}", x.note)
            };
            let how = if x.fix.is_some() {
                ""
            } else {
                " (no single command: see its check's reason)"
            };
            format!("• {}{note}{how}", x.item)
        })
        .collect();
    s.why = format!(
        "Azure ML has no failover API: the standby workspace must already hold what the primary's users, jobs and deployments need. It lacks:\n{}\nFix each (the commands below, in order), then confirm; the target check reads them again.",
        lines.join("\n")
    );
    let mut seen = std::collections::BTreeSet::new();
    for fix in missing.iter().filter_map(|x| x.fix.clone()) {
        if seen.insert(fix.clone()) {
            s.az.push(fix);
        }
    }
    g.push(s, Some(c));
}

/// The commands that list what still writes in the primary workspace: schedules and running
/// jobs (the first workspace of the configuration).
pub(super) fn fence_commands(cfg: &Config) -> Vec<String> {
    let Some(ws) = cfg
        .components
        .iter()
        .find(|c| c.kind == ComponentKind::MlWorkspace)
    else {
        return Vec::new();
    };
    let Targets::Paired { primary, .. } = &ws.targets else {
        return Vec::new();
    };
    vec![az::schedule_list(primary), az::running_jobs(primary)]
}

/// The smoke tests of the gate: invoke each online endpoint in the target region.
pub(super) fn smoke_test_commands(g: &Gen<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for c in &g.cfg.components {
        if let (ComponentKind::MlOnlineEndpoint, Targets::Paired { primary, secondary }) =
            (c.kind, &c.targets)
        {
            let t = if g.failover() { secondary } else { primary };
            out.push(az::endpoint_invoke(t));
        }
    }
    out
}
