//! What Microsoft fails over (or what each region has its own of): a geo-replicated container
//! registry, a Key Vault, Application Insights. azfailover observes them; no run moves them.

use std::collections::BTreeSet;

use super::{Ctx, Derived, Pair, Replicated};
use crate::azure::models::*;
use crate::health::check::CheckId;
use crate::health::model::InstanceHealth;
use crate::region::Region;

/// A registry: one instance per replica; replicated to the secondary or not.
pub(super) fn registry(
    ctx: &Ctx<'_>,
    one: &Replicated<'_>,
    reg: &Registry,
    reps: &[RegistryReplication],
    d: &mut Derived,
) {
    let Replicated {
        id,
        own,
        ref detail,
        ..
    } = *one;
    let home = reg.location.clone().unwrap_or_else(|| ctx.primary.clone());
    let mut regions_seen = BTreeSet::new();
    for r in reps {
        let region = r.location.clone().unwrap_or_else(|| Region::new(&r.name));
        let status = r
            .properties
            .status
            .as_ref()
            .and_then(|s| s.display_status.clone())
            .unwrap_or_default();
        let h = if status.eq_ignore_ascii_case("Ready") {
            InstanceHealth::Available
        } else {
            InstanceHealth::Degraded
        };
        let routing = if r.properties.region_endpoint_enabled == Some(false) {
            ", routing off"
        } else {
            ""
        };
        one.add(
            ctx,
            d,
            &region,
            h,
            format!("replica {status}{routing}"),
            None,
        );
        regions_seen.insert(region);
    }
    if !regions_seen.contains(&home) {
        one.add(ctx, d, &home, own, "home".into(), detail.clone());
    }
    d.active = Some(home.clone());
    d.prop("sku", reg.sku.name.clone());
    let replicated = regions_seen.contains(&ctx.secondary);
    d.check(
        CheckId::ReplicatedToSecondary,
        Some(replicated),
        if replicated {
            format!("a replica serves in {}", ctx.secondary)
        } else {
            format!("no replica in {}: add one (Premium sku)", ctx.secondary)
        },
    );
    d.check(
        CheckId::MicrosoftFailover,
        None,
        "observe only: geo-replicated registries fail over automatically (Microsoft-managed)",
    );
    d.ha_override = Some(if replicated {
        "geo-replicated (Microsoft-managed)".to_string()
    } else {
        format!("not replicated to {}", ctx.secondary)
    });
    d.az.push(crate::azure::az::observe::acr_replications(id));
}

/// A vault: Microsoft's to fail over, outside the RTO.
pub(super) fn key_vault(ctx: &Ctx<'_>, one: &Replicated<'_>, kv: &KeyVault, d: &mut Derived) {
    let Replicated {
        id,
        own,
        ref detail,
        ..
    } = *one;
    let home = kv.location.clone().unwrap_or_else(|| ctx.primary.clone());
    one.add(ctx, d, &home, own, "vault".into(), detail.clone());
    d.active = Some(home);
    d.check(CheckId::MicrosoftFailover, None, "observe only: Microsoft fails Key Vault over to the paired region (read-only meanwhile, can take hours); keep it out of the RTO");
    d.ha_override = Some("observe only (Microsoft-managed)".to_string());
    if let Some(u) = &kv.properties.vault_uri {
        d.prop("vault URI", u.clone());
    }
    d.az.push(crate::azure::az::observe::keyvault_show(id));
}

/// An Application Insights pair: each region has its own, nothing replicates.
pub(super) fn app_insights(pair: &Pair<'_>, d: &mut Derived) {
    let s_id = pair.s_id;
    d.check(
        CheckId::Telemetry,
        None,
        "Application Insights is not replicated: each region has its own",
    );
    d.az.push(crate::azure::az::observe::app_insights_show(s_id));
}

/// What an Application Insights instance shows as its state.
pub(super) fn app_insights_state() -> String {
    "ingesting".into()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::health::collect::Reading;
    use crate::health::derive::tests::*;
    use crate::health::model::InstanceHealth;

    /// The demo's Premium registry in eastus with replicas (region, display status).
    fn with_registry(o: &mut Obs, replicas: &[(&str, &str)]) {
        let id = o.resource("images");
        let reps = replicas
            .iter()
            .map(|(r, s)| {
                model(json!({"name": r, "location": r,
                    "properties": {"status": {"displayStatus": s}, "regionEndpointEnabled": true}}))
            })
            .collect();
        o.read(
            &id,
            Reading::Acr(
                model(
                    json!({"id": id.to_string(), "name": id.name(), "location": "eastus",
                    "sku": {"name": "Premium"}}),
                ),
                reps,
            ),
        );
    }

    #[test]
    fn a_registry_replicated_to_the_secondary_is_microsoft_managed() {
        let mut o = Obs::demo();
        with_registry(&mut o, &[("eastus", "Ready"), ("westus", "Ready")]);
        let c = o.component("images");
        assert_eq!(c.ha_status, "geo-replicated (Microsoft-managed)");
        assert!(c.ready);
        assert_eq!(c.instances.len(), 2);
        assert_eq!(c.instances[1].state, "replica Ready");
        assert_eq!(check(&c, "failover").passed, None);
    }

    #[test]
    fn a_registry_without_a_secondary_replica_is_not_ready() {
        let mut o = Obs::demo();
        with_registry(&mut o, &[]);
        let c = o.component("images");
        assert_eq!(c.ha_status, "not replicated to westus");
        assert!(!c.ready);
        assert_eq!(c.instances[0].state, "home");
        assert_eq!(
            check(&c, "replicated to the secondary").reason,
            "no replica in westus: add one (Premium sku)"
        );
    }

    #[test]
    fn a_registry_unreadable_in_a_primary_outage_decides_nothing() {
        let mut o = Obs::demo();
        let id = o.resource("images");
        o.region_down("eastus");
        o.fail(
            &id,
            "503 ServiceUnavailable: the resource provider in region 'eastus' is unavailable",
            false,
        );
        let c = o.component("images");
        assert_eq!(
            c.ha_status,
            "observe only (Microsoft-managed): not readable while eastus is down"
        );
        assert!(
            c.ready,
            "an unreadable registry in the outage is no blocker"
        );
        assert_eq!(check(&c, "readable").passed, None);
        assert_eq!(c.instances[0].health, InstanceHealth::Unknown);
        // Outside an outage the same failure is a failed check.
        let mut o = Obs::demo();
        o.fail(&id, "500 InternalServerError", false);
        let c = o.component("images");
        assert_eq!(check(&c, "readable").passed, Some(false));
        assert!(!c.ready);
    }

    #[test]
    fn a_replica_not_ready_is_degraded() {
        let mut o = Obs::demo();
        with_registry(&mut o, &[("eastus", "Ready"), ("westus", "Syncing")]);
        let c = o.component("images");
        assert_eq!(c.instances[1].health, InstanceHealth::Degraded);
        assert_eq!(c.instances[1].state, "replica Syncing");
    }

    #[test]
    fn a_key_vault_is_observed_only() {
        let mut o = Obs::demo();
        let id = o.resource("secrets");
        o.read(
            &id,
            Reading::KeyVault(model(json!({"id": id.to_string(), "name": id.name(),
                "location": "eastus", "properties": {"vaultUri": "https://kv-contoso-ml.vault.azure.net/"}}))),
        );
        let c = o.component("secrets");
        assert_eq!(c.ha_status, "observe only (Microsoft-managed)");
        assert!(c.ready);
        assert_eq!(c.instances[0].state, "vault");
        assert!(c.properties.contains(&(
            "vault URI".into(),
            "https://kv-contoso-ml.vault.azure.net/".into()
        )));
        assert!(
            !has_check(&c, "both regions serve"),
            "its own status stands"
        );
    }

    #[test]
    fn application_insights_is_per_region() {
        let mut o = Obs::demo();
        let (p, s) = o.pair("telemetry");
        o.read(&p, app_insights(&p)).read(&s, app_insights(&s));
        let c = o.component("telemetry");
        assert_eq!(c.ha_status, "both serving");
        assert_eq!(c.instances[1].state, "ingesting");
        assert_eq!(
            check(&c, "telemetry").reason,
            "Application Insights is not replicated: each region has its own"
        );
    }
}
