//! Azure Machine Learning: a workspace (its compute clusters alike in both regions), a compute
//! cluster (same VM size, the standby's node budget) and an online endpoint (its deployments
//! succeeded, the traffic it takes).

use std::collections::BTreeMap;

use super::{Ctx, Derived, Pair, drift};
use crate::azure::models::*;
use crate::config::Mode;
use crate::health::check::CheckId;
use crate::health::collect::Reading;

/// A workspace pair: the same compute clusters in both; switching is a runbook step.
pub(super) fn workspace(
    ctx: &Ctx<'_>,
    pair: &Pair<'_>,
    sw: &Workspace,
    s_computes: &[Compute],
    d: &mut Derived,
) {
    let Pair {
        s_id, primary: p, ..
    } = *pair;
    d.prop("secondary workspace", sw.name.clone());
    if let Some(Reading::Workspace(pw, p_computes)) = p {
        d.prop("primary workspace", pw.name.clone());
        drift(
            d,
            CheckId::SameComputes,
            p_computes.iter().map(|x| x.name.clone()),
            s_computes.iter().map(|x| x.name.clone()),
            &ctx.secondary,
        );
    }
    super::aml_readiness::datastores(ctx, pair, sw, d);
    super::aml_readiness::linked_resources(ctx, pair, sw, d);
    super::aml_readiness::assets(ctx, pair, d);
    super::aml_readiness::identity_roles(ctx, pair, sw, d);
    super::aml_readiness::private_network(ctx, pair, sw, d);
    super::aml_readiness::managed_network(ctx, pair, sw, d);
    d.check(CheckId::SwitchIsRunbookStep, None, "Azure ML has no failover API: users, CI/CD and schedules are repointed to the secondary workspace");
    d.az.push(crate::azure::az::aml::workspace_show(s_id, None));
    // What the standby checks compare, to look at by hand.
    d.az.push(crate::azure::az::aml::role_list(&s_id.to_string()));
    if sw.properties.managed_isolation().is_some() {
        d.az.push(crate::azure::az::aml::outbound_rule_list(s_id));
    }
}

/// A compute cluster pair: the same VM size; a cold standby's node budget, and whether it
/// already carries the work (it scales while the primary is down).
pub(super) fn compute(ctx: &Ctx<'_>, pair: &Pair<'_>, sc: &Compute, d: &mut Derived) {
    let Pair {
        c,
        s_id,
        primary: p,
        primary_down,
        ..
    } = *pair;
    let sp = sc.properties.properties.clone().unwrap_or_default();
    let s_scale = sp.scale_settings.clone();
    d.prop(
        "secondary nodes",
        format!(
            "{} (min {}, max {})",
            sp.current_node_count.unwrap_or(0),
            s_scale.as_ref().map_or(0, |s| s.min_node_count),
            s_scale.as_ref().map_or(0, |s| s.max_node_count)
        ),
    );
    if let Some(Reading::Compute(pc)) = p {
        let pp = pc.properties.properties.clone().unwrap_or_default();
        let max = pp.scale_settings.as_ref().map_or(0, |s| s.max_node_count);
        d.prop(
            "primary nodes",
            format!("{} (max {max})", pp.current_node_count.unwrap_or(0)),
        );
        let same = pp.vm_size.as_deref().map(str::to_ascii_lowercase)
            == sp.vm_size.as_deref().map(str::to_ascii_lowercase);
        d.check(
            CheckId::SameVmSize,
            Some(same),
            if same {
                sp.vm_size.unwrap_or_default()
            } else {
                format!(
                    "{} in {}, {} in {}",
                    pp.vm_size.unwrap_or_default(),
                    ctx.primary,
                    sp.vm_size.unwrap_or_default(),
                    ctx.secondary
                )
            },
        );
        if c.mode == Mode::HotCold && s_scale.as_ref().is_some_and(|s| s.max_node_count == 0) {
            d.prop("failover", format!("scale {} to max {max} nodes", sc.name));
        }
    }
    super::aml_readiness::quota(ctx, pair, d);
    if s_scale.as_ref().is_some_and(|s| s.max_node_count > 0) && primary_down {
        d.active = Some(ctx.secondary.clone());
    }
    d.az.push(crate::azure::az::aml::compute_show(s_id));
}

/// An online endpoint pair: the secondary's deployments succeeded and match the primary's; where
/// the traffic goes.
pub(super) fn endpoint(
    ctx: &Ctx<'_>,
    pair: &Pair<'_>,
    se: &OnlineEndpoint,
    s_deps: &[OnlineDeployment],
    d: &mut Derived,
) {
    let Pair {
        c,
        s_id,
        primary: p,
        primary_down,
        ..
    } = *pair;
    let s_traffic: u32 = se.traffic.values().sum();
    d.prop("secondary traffic", traffic_text(&se.traffic));
    d.serving.insert(ctx.secondary.to_string(), s_traffic > 0);
    let bad: Vec<&str> = s_deps
        .iter()
        .filter(|x| !provisioned(&x.properties.provisioning_state))
        .map(|x| x.name.as_str())
        .collect();
    d.check(
        CheckId::SecondaryDeploymentsSucceeded,
        Some(bad.is_empty() && !s_deps.is_empty()),
        if s_deps.is_empty() {
            "no deployment in the secondary endpoint".to_string()
        } else if bad.is_empty() {
            format!("{} deployment(s) Succeeded", s_deps.len())
        } else {
            format!("not Succeeded: {}", bad.join(", "))
        },
    );
    if let Some(Reading::Endpoint(pe, p_deps)) = p {
        let p_traffic: u32 = pe.traffic.values().sum();
        d.prop("primary traffic", traffic_text(&pe.traffic));
        d.serving.insert(ctx.primary.to_string(), p_traffic > 0);
        drift(
            d,
            CheckId::SameDeployments,
            p_deps.iter().map(|x| x.name.clone()),
            s_deps.iter().map(|x| x.name.clone()),
            &ctx.secondary,
        );
        if (p_traffic == 0 || primary_down) && s_traffic > 0 {
            d.active = Some(ctx.secondary.clone());
        }
    }
    super::aml_readiness::quota(ctx, pair, d);
    if c.mode == Mode::HotHot {
        d.check(
            CheckId::SecondaryTakesTraffic,
            Some(s_traffic > 0),
            format!(
                "{} of the secondary endpoint's traffic is routed to deployments",
                pct(s_traffic)
            ),
        );
    }
    if let Some(uri) = &se.scoring_uri {
        d.prop("secondary scoring URI", uri.clone());
    }
    d.az.push(crate::azure::az::aml::endpoint_show_traffic(s_id));
    d.az.push(crate::azure::az::aml::deployment_list(s_id));
}

/// "Succeeded, 2 computes".
pub(super) fn workspace_state(ws: &Workspace, computes: &[Compute]) -> String {
    format!(
        "{}, {} computes",
        ws.properties
            .provisioning_state
            .as_ref()
            .map_or("Succeeded".into(), |p| p.to_string()),
        computes.len()
    )
}

/// "0/4 nodes", "2/4 nodes, Resizing".
pub(super) fn compute_state(cp: &Compute) -> String {
    let p = cp.properties.properties.clone().unwrap_or_default();
    format!(
        "{}/{} nodes{}",
        p.current_node_count.unwrap_or(0),
        p.scale_settings.map_or(0, |s| s.max_node_count),
        p.allocation_state
            .filter(|a| *a != AllocationState::Steady)
            .map(|a| format!(", {a}"))
            .unwrap_or_default()
    )
}

/// "traffic blue 100%, 1 deployment(s)".
pub(super) fn endpoint_state(ep: &OnlineEndpoint, deps: &[OnlineDeployment]) -> String {
    format!(
        "traffic {}, {} deployment(s)",
        traffic_text(&ep.traffic),
        deps.len()
    )
}

/// Whether a deployment's provisioning succeeded (absent counts as succeeded).
fn provisioned(p: &Option<ProvisioningState>) -> bool {
    p.as_ref()
        .is_none_or(|s| *s == ProvisioningState::Succeeded)
}

/// "blue 90%, green 10%", or "none".
fn traffic_text(t: &BTreeMap<String, u32>) -> String {
    if t.is_empty() {
        return "none".into();
    }
    t.iter()
        .map(|(k, v)| format!("{k} {v}%"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "100%".
fn pct(v: u32) -> String {
    format!("{v}%")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::config::ResourceId;
    use crate::health::collect::Reading;
    use crate::health::derive::tests::*;

    /// An AmlCompute cluster of `vm` scaled to `max` nodes, `current` of them allocated.
    fn cluster(id: &ResourceId, vm: &str, max: u32, current: u32) -> Reading {
        Reading::Compute(model(json!({
            "id": id.to_string(), "name": id.name(),
            "properties": {"computeType": "AmlCompute", "properties": {
                "vmSize": vm, "currentNodeCount": current, "allocationState": "Steady",
                "scaleSettings": {"minNodeCount": 0, "maxNodeCount": max}}}
        })))
    }

    /// An online endpoint with this traffic and these deployments (name, provisioning state).
    fn endpoint(id: &ResourceId, traffic: &[(&str, u32)], deps: &[(&str, &str)]) -> Reading {
        let traffic: serde_json::Map<String, serde_json::Value> = traffic
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        Reading::Endpoint(
            model(json!({"id": id.to_string(), "name": id.name(),
                "properties": {"traffic": traffic, "scoringUri": format!("https://{}.inference.ml.azure.com/score", id.name())}})),
            deps.iter()
                .map(|(n, s)| model(json!({"name": n, "properties": {"provisioningState": s}})))
                .collect(),
        )
    }

    #[test]
    fn drift_between_workspaces_makes_the_standby_not_ready() {
        let mut o = Obs::demo();
        let (p, s) = o.pair("workspace");
        o.read(&p, ws("a", &["gpu-train", "cpu-etl"]))
            .read(&s, ws("b", &["gpu-train"]));
        let c = o.component("workspace");
        assert!(!c.ready);
        assert_eq!(c.instances[0].state, "Succeeded, 2 computes");
        assert_eq!(
            c.ha_status,
            "standby not ready: drift: missing in westus: cpu-etl"
        );
        assert_eq!(check(&c, "switch is a runbook step").passed, None);
    }

    #[test]
    fn a_cold_cluster_of_the_same_size_is_ready_and_says_how_far_it_scales() {
        let mut o = Obs::demo();
        let (p, s) = o.pair("train-cluster");
        o.read(&p, cluster(&p, "Standard_NC6", 4, 2))
            .read(&s, cluster(&s, "standard_nc6", 0, 0));
        let c = o.component("train-cluster");
        assert_eq!(c.ha_status, "standby ready");
        assert_eq!(c.instances[0].state, "2/4 nodes");
        assert_eq!(check(&c, "same VM size as primary").reason, "standard_nc6");
        assert!(
            c.properties
                .contains(&("failover".into(), "scale gpu-train to max 4 nodes".into()))
        );
    }

    #[test]
    fn clusters_of_different_sizes_are_not_interchangeable() {
        let mut o = Obs::demo();
        let (p, s) = o.pair("train-cluster");
        o.read(&p, cluster(&p, "Standard_NC6", 4, 0))
            .read(&s, cluster(&s, "Standard_NC12", 0, 0));
        assert_eq!(
            o.component("train-cluster").ha_status,
            "standby not ready: Standard_NC6 in eastus, Standard_NC12 in westus"
        );
    }

    #[test]
    fn a_scaled_standby_with_the_primary_down_carries_the_work() {
        let mut o = Obs::demo();
        let (p, s) = o.pair("train-cluster");
        o.read(&s, cluster(&s, "Standard_NC6", 4, 0))
            .fail(&p, "GET ...: timed out", true);
        let c = o.component("train-cluster");
        assert_eq!(c.active_region, "westus");
        assert_eq!(c.ha_status, "failed over to westus");
    }

    #[test]
    fn both_endpoints_serving_with_the_same_deployments_are_ready() {
        let mut o = Obs::demo();
        let (p, s) = o.pair("churn-endpoint");
        o.read(&p, endpoint(&p, &[("blue", 100)], &[("blue", "Succeeded")]))
            .read(&s, endpoint(&s, &[("blue", 100)], &[("blue", "Succeeded")]));
        let c = o.component("churn-endpoint");
        assert_eq!(c.ha_status, "both serving");
        assert!(c.ready);
        assert_eq!(c.instances[1].state, "traffic blue 100%, 1 deployment(s)");
        assert_eq!(
            check(&c, "secondary takes traffic").reason,
            "100% of the secondary endpoint's traffic is routed to deployments"
        );
    }

    #[test]
    fn a_secondary_endpoint_without_traffic_or_succeeded_deployments_does_not_serve() {
        let mut o = Obs::demo();
        let (p, s) = o.pair("churn-endpoint");
        o.read(
            &p,
            endpoint(
                &p,
                &[("blue", 100)],
                &[("blue", "Succeeded"), ("green", "Succeeded")],
            ),
        )
        .read(&s, endpoint(&s, &[("blue", 0)], &[("blue", "Failed")]));
        let c = o.component("churn-endpoint");
        assert_eq!(c.ha_status, "only eastus serving");
        assert_eq!(
            check(&c, "secondary deployments succeeded").reason,
            "not Succeeded: blue"
        );
        assert_eq!(
            check(&c, "same deployments as primary").reason,
            "drift: missing in westus: green"
        );
        assert_eq!(check(&c, "secondary takes traffic").passed, Some(false));

        o.read(&s, endpoint(&s, &[], &[]));
        assert_eq!(
            check(
                &o.component("churn-endpoint"),
                "secondary deployments succeeded"
            )
            .reason,
            "no deployment in the secondary endpoint"
        );
    }

    #[test]
    fn traffic_moved_off_the_primary_endpoint_makes_the_secondary_active() {
        let mut o = Obs::demo();
        let (p, s) = o.pair("churn-endpoint");
        o.read(&p, endpoint(&p, &[("blue", 0)], &[("blue", "Succeeded")]))
            .read(&s, endpoint(&s, &[("blue", 100)], &[("blue", "Succeeded")]));
        let c = o.component("churn-endpoint");
        assert_eq!(c.active_region, "westus");
        assert_eq!(c.ha_status, "only westus serving");
    }
}
