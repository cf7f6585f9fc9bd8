//! Storage accounts: geo-redundancy, geo-replication Live, the lag against the RPO, whether
//! it can fail over (planned or not). Replication stops with its source: a frozen copy while
//! the source region is down is the outage, not a broken standby.

use super::{Ctx, Derived, Replicated};
use crate::azure::models::*;
use crate::health::check::CheckId;
use crate::health::model::{InstanceHealth, InstanceStatus};

/// An account: one instance per region (its primary and secondary locations) and the checks.
pub(super) fn derive(ctx: &Ctx<'_>, one: &Replicated<'_>, sa: &StorageAccount, d: &mut Derived) {
    let Replicated {
        id,
        own,
        rpo,
        ref detail,
        ..
    } = *one;
    let pr = sa
        .properties
        .primary_location
        .clone()
        .unwrap_or_else(|| ctx.primary.clone());
    let p_status = sa.properties.status_of_primary.clone();
    let ph = if p_status == Some(AccountStatus::Unavailable) {
        InstanceHealth::Unavailable
    } else {
        own
    };
    one.add(ctx, d, &pr, ph, "primary".into(), detail.clone());
    match &sa.properties.secondary_location {
        Some(sr) => {
            let sh = match sa.properties.status_of_secondary {
                Some(AccountStatus::Unavailable) => InstanceHealth::Unavailable,
                Some(AccountStatus::Available) | None => InstanceHealth::Available,
                Some(AccountStatus::Unknown(_)) => InstanceHealth::Unknown,
            };
            one.add(
                ctx,
                d,
                sr,
                sh,
                if sa.sku.name.contains("RA") {
                    "secondary (read access)".into()
                } else {
                    "secondary".into()
                },
                None,
            );
        }
        None => {
            let other = if pr == ctx.primary {
                &ctx.secondary
            } else {
                &ctx.primary
            };
            d.instances.push(InstanceStatus {
                region: other.to_string(),
                health: InstanceHealth::Unavailable,
                resource_id: id.to_string(),
                state: "no replica".into(),
                detail: Some(format!("{} is not geo-replicated", sa.sku.name)),
            });
        }
    }
    d.active = Some(pr.clone());
    d.prop("sku", sa.sku.name.clone());
    d.prop("primary location", pr.to_string());
    d.prop(
        "secondary location",
        sa.properties
            .secondary_location
            .as_ref()
            .map_or("none".into(), |r| r.to_string()),
    );
    let geo = sa.is_geo_redundant();
    d.check(
        CheckId::GeoRedundant,
        Some(geo),
        if geo {
            format!(
                "{} replicates to {}",
                sa.sku.name,
                sa.properties
                    .secondary_location
                    .as_ref()
                    .map_or("-".into(), |r| r.to_string())
            )
        } else {
            format!(
                "{} is not geo-redundant: re-enable GRS (re-protect)",
                sa.sku.name
            )
        },
    );
    // Replication stops with its source: a frozen copy is the outage, not a broken standby.
    let source_down = ctx.regions_down.contains(&pr) || ph == InstanceHealth::Unavailable;
    // Likewise a copy towards a downed region (re-protected after a failover) waits for it.
    let copy_to_down = sa
        .properties
        .secondary_location
        .as_ref()
        .filter(|r| ctx.regions_down.contains(*r));
    if let Some(g) = &sa.properties.geo_replication_stats {
        let status = g
            .status
            .clone()
            .unwrap_or(GeoReplicationStatus::Unknown("absent".into()));
        d.prop("replication", status.to_string());
        if source_down && status != GeoReplicationStatus::Live {
            // Replication stops with its source; that is the outage, not a broken standby.
            d.check(CheckId::ReplicationLive, None, format!("replication stopped: {pr} is down; failing over loses writes after the last sync"));
        } else if let Some(sr) = copy_to_down.filter(|_| status != GeoReplicationStatus::Live) {
            d.check(
                CheckId::ReplicationLive,
                None,
                format!("geo-replication is {status}: {sr} is down; it goes on when {sr} recovers"),
            );
        } else {
            d.check(
                CheckId::ReplicationLive,
                Some(status == GeoReplicationStatus::Live),
                match &status {
                    GeoReplicationStatus::Live => "geo-replication is Live".to_string(),
                    GeoReplicationStatus::Bootstrap => {
                        "geo-replication is bootstrapping (initial copy in progress)".to_string()
                    }
                    other => format!("geo-replication is {other}"),
                },
            );
        }
        if let Some(lst) = g.last_sync_time {
            let lag = (ctx.obs.now - lst).as_seconds_f64().max(0.0);
            d.lag = Some(lag);
            d.last_sync = Some(lst);
            d.prop("last sync", crate::timefmt::rfc3339(lst));
            let text = format!(
                "lag {} vs RPO {}",
                crate::timefmt::human(std::time::Duration::from_secs_f64(lag)),
                crate::timefmt::human(std::time::Duration::from_secs(rpo))
            );
            if source_down && lag > rpo as f64 {
                // It grows because its source is down: what a forced failover loses.
                d.check(
                    CheckId::LagWithinRpo,
                    None,
                    format!("{text}: replication stopped with {pr}; a forced failover loses it"),
                );
            } else {
                d.check(CheckId::LagWithinRpo, Some(lag <= rpo as f64), text);
            }
        }
        let can = g.can_failover == Some(true);
        match copy_to_down {
            Some(sr) if !can => d.check(
                CheckId::CanFailOver,
                None,
                format!("canFailover is false: {sr}, where it would fail over to, is down"),
            ),
            _ => d.check(
                CheckId::CanFailOver,
                Some(can),
                if can {
                    "canFailover is true".to_string()
                } else {
                    "canFailover is false".to_string()
                },
            ),
        }
        d.check(
            CheckId::PlannedFailoverPossible,
            if g.can_planned_failover == Some(true) {
                Some(true)
            } else {
                None
            },
            if g.can_planned_failover == Some(true) {
                "a planned failover loses nothing".to_string()
            } else {
                "only an unplanned failover (loses writes after lastSyncTime) is possible now"
                    .to_string()
            },
        );
    }
    if let Some(t) = sa.properties.last_geo_failover_time {
        d.prop("last geo-failover", crate::timefmt::rfc3339(t));
    }
    if sa.properties.failover_in_progress == Some(true) {
        d.check(
            CheckId::NoFailoverInProgress,
            Some(false),
            "a failover is in progress",
        );
    }
    d.az.push(crate::azure::az::storage::show_geo(
        id,
        "{primary:primaryLocation, secondary:secondaryLocation, geo:geoReplicationStats}",
    ));
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use time::OffsetDateTime;

    use crate::health::collect::Reading;
    use crate::health::derive::tests::*;
    use crate::health::model::InstanceHealth;

    /// The demo's RA-GRS account, `primary` → `secondary`, with these geoReplicationStats.
    fn account(o: &Obs, primary: &str, secondary: Option<&str>, sku: &str, geo: Value) -> Reading {
        let id = o.resource("training-data");
        Reading::Storage(model(json!({
            "id": id.to_string(), "name": id.name(), "location": primary,
            "sku": {"name": sku},
            "properties": {
                "primaryLocation": primary, "secondaryLocation": secondary,
                "statusOfPrimary": "available", "statusOfSecondary": "available",
                "geoReplicationStats": geo
            }
        })))
    }

    /// Live geo-replication (or `status`), last synced `lag` seconds before `now`.
    fn stats(now: OffsetDateTime, lag: i64, status: &str) -> Value {
        json!({"status": status, "lastSyncTime": crate::timefmt::rfc3339(now - time::Duration::seconds(lag)),
            "canFailover": true, "canPlannedFailover": status == "Live"})
    }

    /// The demo with its account read as `r`.
    fn with(o: &mut Obs, r: Reading) {
        let id = o.resource("training-data");
        o.read(&id, r);
    }

    #[test]
    fn a_live_account_within_its_rpo_is_ready_in_both_regions() {
        let mut o = Obs::demo();
        let r = account(
            &o,
            "eastus",
            Some("westus"),
            "Standard_RAGRS",
            stats(o.obs.now, 90, "Live"),
        );
        with(&mut o, r);
        let c = o.component("training-data");
        assert!(c.ready, "{}", c.ha_status);
        assert_eq!(c.ha_status, "standby ready");
        assert_eq!(c.active_region, "eastus");
        assert_eq!(c.instances[0].state, "primary");
        assert_eq!(c.instances[1].state, "secondary (read access)");
        assert_eq!(c.lag_seconds, Some(90.0));
        assert_eq!(
            check(&c, "lag within RPO").reason,
            "lag 1 min vs RPO 15 min"
        );
        assert_eq!(
            check(&c, "geo-redundant").reason,
            "Standard_RAGRS replicates to westus"
        );
        assert_eq!(
            check(&c, "planned failover possible").reason,
            "a planned failover loses nothing"
        );
    }

    #[test]
    fn a_lag_over_the_rpo_while_the_source_answers_fails_its_check() {
        let mut o = Obs::demo();
        let r = account(
            &o,
            "eastus",
            Some("westus"),
            "Standard_GRS",
            stats(o.obs.now, 20 * 60, "Live"),
        );
        with(&mut o, r);
        let c = o.component("training-data");
        assert_eq!(check(&c, "lag within RPO").passed, Some(false));
        assert_eq!(c.ha_status, "standby not ready: lag 20 min vs RPO 15 min");
        assert!(c.lag_over_rpo());
        assert_eq!(c.instances[1].state, "secondary", "no read access");
    }

    #[test]
    fn a_lag_that_grows_because_the_source_is_down_is_no_failed_check() {
        let mut o = Obs::demo();
        let r = account(
            &o,
            "eastus",
            Some("westus"),
            "Standard_RAGRS",
            stats(o.obs.now, 20 * 60, "Unavailable"),
        );
        with(&mut o, r);
        let live = o.component("training-data");
        assert_eq!(
            check(&live, "lag within RPO").passed,
            Some(false),
            "eastus answers: the lag is a standby problem"
        );

        o.region_down("eastus");
        let down = o.snapshot();
        let c = down
            .components
            .iter()
            .find(|c| c.name == "training-data")
            .unwrap();
        let k = check(c, "lag within RPO");
        assert_eq!(k.passed, None, "{k:?}");
        assert_eq!(
            k.reason,
            "lag 20 min vs RPO 15 min: replication stopped with eastus; a forced failover loses it"
        );
        assert_eq!(
            check(c, "replication live").reason,
            "replication stopped: eastus is down; failing over loses writes after the last sync"
        );
        assert_eq!(c.instances[0].health, InstanceHealth::Unavailable);
        assert_eq!(
            c.instances[0].detail.as_deref(),
            Some("region eastus is in an outage (Service Health)")
        );
        assert!(c.ready, "the standby can take over: {}", c.ha_status);
        assert_eq!(
            down.verdict.estimated_data_loss_seconds,
            Some(20 * 60),
            "{:?}",
            down.verdict
        );
    }

    #[test]
    fn a_copy_towards_the_downed_region_waits_for_it_and_is_no_failed_check() {
        // After the failover: westus is the account's primary, re-protected towards eastus, down.
        let mut o = Obs::demo();
        let geo = json!({"status": "Bootstrap", "canFailover": false,
            "lastSyncTime": crate::timefmt::rfc3339(o.obs.now)});
        let r = account(&o, "westus", Some("eastus"), "Standard_RAGRS", geo);
        with(&mut o, r);
        o.region_down("eastus");
        let c = o.component("training-data");
        assert_eq!(c.active_region, "westus");
        assert_eq!(check(&c, "replication live").passed, None, "{:?}", c.checks);
        assert_eq!(
            check(&c, "replication live").reason,
            "geo-replication is Bootstrap: eastus is down; it goes on when eastus recovers"
        );
        assert_eq!(check(&c, "can fail over").passed, None);
        assert_eq!(
            check(&c, "can fail over").reason,
            "canFailover is false: eastus, where it would fail over to, is down"
        );
        assert_eq!(c.ha_status, "failed over to westus");
    }

    #[test]
    fn bootstrapping_replication_is_not_live_yet() {
        let mut o = Obs::demo();
        let r = account(
            &o,
            "eastus",
            Some("westus"),
            "Standard_RAGRS",
            stats(o.obs.now, 0, "Bootstrap"),
        );
        with(&mut o, r);
        let c = o.component("training-data");
        let k = check(&c, "replication live");
        assert_eq!(k.passed, Some(false));
        assert_eq!(
            k.reason,
            "geo-replication is bootstrapping (initial copy in progress)"
        );
        assert_eq!(check(&c, "planned failover possible").passed, None);
        assert_eq!(
            check(&c, "planned failover possible").reason,
            "only an unplanned failover (loses writes after lastSyncTime) is possible now"
        );
    }

    #[test]
    fn a_locally_redundant_account_has_no_replica_to_fail_over_to() {
        // After an unplanned failover: LRS in westus, no secondary, no replication stats.
        let mut o = Obs::demo();
        let r = account(&o, "westus", None, "Standard_LRS", Value::Null);
        with(&mut o, r);
        let c = o.component("training-data");
        assert_eq!(c.instances[1].region, "eastus");
        assert_eq!(c.instances[1].state, "no replica");
        assert_eq!(c.instances[1].health, InstanceHealth::Unavailable);
        assert_eq!(
            c.instances[1].detail.as_deref(),
            Some("Standard_LRS is not geo-replicated")
        );
        let k = check(&c, "geo-redundant");
        assert_eq!(k.passed, Some(false));
        assert_eq!(
            k.reason,
            "Standard_LRS is not geo-redundant: re-enable GRS (re-protect)"
        );
        assert!(
            !has_check(&c, "replication live"),
            "no stats, no replication checks"
        );
        assert_eq!(c.lag_seconds, None);
    }

    #[test]
    fn a_failover_under_way_fails_its_own_check() {
        let mut o = Obs::demo();
        let id = o.resource("training-data");
        o.read(
            &id,
            Reading::Storage(model(json!({
                "id": id.to_string(), "name": id.name(), "sku": {"name": "Standard_RAGRS"},
                "properties": {"primaryLocation": "eastus", "secondaryLocation": "westus",
                    "statusOfSecondary": "unavailable", "failoverInProgress": true}
            }))),
        );
        let c = o.component("training-data");
        let k = check(&c, "no failover in progress");
        assert_eq!(
            (k.passed, k.reason.as_str()),
            (Some(false), "a failover is in progress")
        );
        assert_eq!(c.instances[1].health, InstanceHealth::Unavailable);
    }

    #[test]
    fn an_unreadable_account_fails_readable() {
        let mut o = Obs::demo();
        let id = o.resource("training-data");
        o.fail(&id, "GET ...: 404 ResourceNotFound\nmore", false);
        let c = o.component("training-data");
        let k = check(&c, "readable");
        assert_eq!(
            (k.passed, k.reason.as_str()),
            (Some(false), "GET ...: 404 ResourceNotFound")
        );
        assert_eq!(c.instances.len(), 1);
        assert_eq!(c.instances[0].state, "unreadable");
        assert_eq!(
            c.ha_status,
            "standby not ready: GET ...: 404 ResourceNotFound"
        );
    }
}
