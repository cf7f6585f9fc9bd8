//! AKS: a cluster pair, its power state (a cold standby is stopped), node pools alike in both.

use super::{Ctx, Derived, Pair, drift};
use crate::azure::models::*;
use crate::config::Mode;
use crate::health::check::CheckId;
use crate::health::collect::Reading;

/// A cluster pair: whether the standby runs (hot/hot: a check; hot/cold: what a failover
/// starts), the same node pools, and whether the secondary already carries the work.
pub(super) fn derive(ctx: &Ctx<'_>, pair: &Pair<'_>, sa: &ManagedCluster, d: &mut Derived) {
    let Pair {
        c,
        s_id,
        primary: p,
        primary_down,
        ..
    } = *pair;
    let running = sa.power() == PowerState::Running;
    d.serving.insert(ctx.secondary.to_string(), running);
    d.prop(
        "secondary",
        format!("{}, {} nodes", sa.power(), sa.node_count()),
    );
    if c.mode == Mode::HotHot {
        d.check(
            CheckId::SecondaryRunning,
            Some(running),
            format!("{} is {}", sa.name, sa.power()),
        );
    } else if !running {
        d.prop(
            "failover",
            "start the cluster (about 5 minutes) and scale its node pools",
        );
    }
    if let Some(Reading::Aks(pa)) = p {
        d.prop(
            "primary",
            format!("{}, {} nodes", pa.power(), pa.node_count()),
        );
        d.serving
            .insert(ctx.primary.to_string(), pa.power() == PowerState::Running);
        drift(
            d,
            CheckId::SameNodePools,
            pa.properties
                .agent_pool_profiles
                .iter()
                .map(|x| x.name.clone()),
            sa.properties
                .agent_pool_profiles
                .iter()
                .map(|x| x.name.clone()),
            &ctx.secondary,
        );
        if running && (pa.power() != PowerState::Running || primary_down) && c.mode == Mode::HotCold
        {
            d.active = Some(ctx.secondary.clone());
        }
    } else if running && primary_down && c.mode == Mode::HotCold {
        d.active = Some(ctx.secondary.clone());
    }
    d.az.push(crate::azure::az::aks::show(s_id));
}

/// "Running, 7 nodes".
pub(super) fn state(a: &ManagedCluster) -> String {
    format!("{}, {} nodes", a.power(), a.node_count())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::config::ResourceId;
    use crate::health::collect::Reading;
    use crate::health::derive::tests::*;

    /// A cluster in `power` with these node pools (name, count).
    fn cluster(id: &ResourceId, power: &str, pools: &[(&str, u32)]) -> Reading {
        let pools: Vec<_> = pools
            .iter()
            .map(|(n, c)| json!({"name": n, "count": c}))
            .collect();
        Reading::Aks(model(json!({
            "id": id.to_string(), "name": id.name(),
            "properties": {"powerState": {"code": power}, "agentPoolProfiles": pools}
        })))
    }

    /// The demo plus a hot/hot cluster pair, `inference-aks`.
    fn with_hot_hot() -> Obs {
        let base = "/subscriptions/8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b/resourceGroups";
        Obs::demo_with(&format!(
            r#"[[components]]
name = "inference-aks"
kind = "aks"
mode = "hot-hot"
primary = "{base}/rg-ml-eastus/providers/Microsoft.ContainerService/managedClusters/aks-inf-eastus"
secondary = "{base}/rg-ml-westus/providers/Microsoft.ContainerService/managedClusters/aks-inf-westus"
"#
        ))
    }

    #[test]
    fn a_stopped_cold_standby_is_ready_and_says_what_a_failover_does() {
        let mut o = Obs::demo();
        let (p, s) = o.pair("batch-aks");
        o.read(&p, cluster(&p, "Running", &[("system", 3), ("batch", 4)]))
            .read(&s, cluster(&s, "Stopped", &[("system", 0), ("batch", 0)]));
        let c = o.component("batch-aks");
        assert_eq!(c.ha_status, "standby ready");
        assert_eq!(c.instances[0].state, "Running, 7 nodes");
        assert!(c.properties.contains(&(
            "failover".into(),
            "start the cluster (about 5 minutes) and scale its node pools".into()
        )));
        assert_eq!(
            check(&c, "same node pools as primary").reason,
            "2 present in both regions"
        );
    }

    #[test]
    fn a_node_pool_missing_in_the_standby_is_drift() {
        let mut o = Obs::demo();
        let (p, s) = o.pair("batch-aks");
        o.read(&p, cluster(&p, "Running", &[("system", 3), ("GPU", 2)]))
            .read(&s, cluster(&s, "Stopped", &[("system", 0)]));
        assert_eq!(
            o.component("batch-aks").ha_status,
            "standby not ready: drift: missing in westus: gpu"
        );
    }

    #[test]
    fn a_running_standby_with_the_primary_stopped_carries_the_work() {
        let mut o = Obs::demo();
        let (p, s) = o.pair("batch-aks");
        o.read(&p, cluster(&p, "Stopped", &[("system", 0)]))
            .read(&s, cluster(&s, "Running", &[("system", 3)]));
        let c = o.component("batch-aks");
        assert_eq!(c.active_region, "westus");
        assert_eq!(c.ha_status, "failed over to westus");
    }

    #[test]
    fn a_hot_hot_secondary_must_run() {
        let mut o = with_hot_hot();
        let (p, s) = o.pair("inference-aks");
        o.read(&p, cluster(&p, "Running", &[("system", 3)]))
            .read(&s, cluster(&s, "Stopped", &[("system", 0)]));
        let c = o.component("inference-aks");
        let k = check(&c, "secondary running");
        assert_eq!(
            (k.passed, k.reason.as_str()),
            (Some(false), "aks-inf-westus is Stopped")
        );
        assert_eq!(c.ha_status, "only eastus serving");
        assert_eq!(check(&c, "both regions serve").passed, Some(false));
    }
}
