//! Azure SQL failover groups: one primary and one secondary server, replication live, the
//! failover policy (Microsoft-managed or customer-managed).

use super::{Ctx, Derived, Replicated, short};
use crate::azure::models::*;
use crate::health::check::CheckId;
use crate::health::collect::ReadError;
use crate::health::model::InstanceHealth;

/// A group as the configured server sees it, with its partner's view: the two servers' roles
/// and replication state.
pub(super) fn derive(
    ctx: &Ctx<'_>,
    one: &Replicated<'_>,
    fg: &FailoverGroup,
    partner: Option<&Result<FailoverGroup, ReadError>>,
    d: &mut Derived,
) {
    let Replicated {
        id,
        own,
        ref detail,
        ..
    } = *one;
    let my_region = fg.location.clone().unwrap_or_else(|| ctx.primary.clone());
    let my_role = fg.properties.replication_role.clone();
    let state = fg.properties.replication_state.clone().unwrap_or_default();
    one.add(
        ctx,
        d,
        &my_region,
        own,
        format!(
            "{} ({})",
            my_role.as_ref().map_or("-".into(), |r| r.to_string()),
            id.parent_name().unwrap_or_default()
        ),
        detail.clone(),
    );
    let p = fg.properties.partner_servers.first();
    if let Some(p) = p {
        let pr = p.location.clone().unwrap_or_else(|| ctx.secondary.clone());
        let (ph, pd) = match partner {
            Some(Ok(_)) => (InstanceHealth::Available, None),
            Some(Err(e)) if e.not_responding => {
                (InstanceHealth::Unknown, Some("not responding".to_string()))
            }
            Some(Err(e)) => (InstanceHealth::Unknown, Some(short(&e.message))),
            None => (InstanceHealth::Unknown, None),
        };
        let pname = p.id.rsplit('/').next().unwrap_or_default();
        one.add(
            ctx,
            d,
            &pr,
            ph,
            format!(
                "{} ({pname})",
                p.replication_role
                    .as_ref()
                    .map_or("-".into(), |r| r.to_string())
            ),
            pd,
        );
        let primary_region = if my_role == Some(FailoverGroupRole::Primary) {
            my_region.clone()
        } else {
            pr.clone()
        };
        d.active = Some(primary_region);
        let roles_ok =
            my_role.is_some() && p.replication_role.is_some() && my_role != p.replication_role;
        d.check(
            CheckId::OnePrimaryOneSecondary,
            Some(roles_ok),
            if roles_ok {
                "the two servers agree on their roles".to_string()
            } else {
                "the servers' roles are inconsistent (both primary after a forced failover?)"
                    .to_string()
            },
        );
    } else {
        d.check(
            CheckId::PartnerServer,
            Some(false),
            "the failover group has no partner server",
        );
    }
    let live = ["CATCH_UP", "SEEDING"]
        .iter()
        .any(|s| state.eq_ignore_ascii_case(s));
    d.prop("replication state", state.clone());
    let source_down = d
        .active
        .as_ref()
        .is_some_and(|r| ctx.regions_down.contains(r));
    if source_down && !live {
        d.check(CheckId::ReplicationLive, None, format!("replication {state}: the primary's region is down; a forced failover loses the unreplicated writes"));
    } else {
        d.check(
            CheckId::ReplicationLive,
            Some(live && !state.eq_ignore_ascii_case("SEEDING")),
            if state.eq_ignore_ascii_case("SEEDING") {
                "the secondary is still seeding".to_string()
            } else {
                format!("replication state {state}")
            },
        );
    }
    let policy = fg
        .properties
        .read_write_endpoint
        .as_ref()
        .and_then(|e| e.failover_policy.clone())
        .unwrap_or_default();
    d.prop("failover policy", policy.clone());
    if policy.eq_ignore_ascii_case("Automatic") {
        let grace = fg
            .properties
            .read_write_endpoint
            .as_ref()
            .and_then(|e| e.failover_with_data_loss_grace_period_minutes)
            .unwrap_or(60);
        d.check(CheckId::CustomerManagedFailover, None, format!("Microsoft-managed: Azure fails over after {grace} min of outage; Manual is recommended"));
    }
    d.check(
        CheckId::ReplicationLag,
        None,
        "not exposed by ARM (sys.dm_geo_replication_link_status); typically seconds",
    );
    d.az.push(crate::azure::az::sql::show(id));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::azure::models::FailoverGroup;
    use crate::health::collect::Reading;
    use crate::health::derive::tests::*;
    use crate::health::model::InstanceHealth;

    /// The demo's group as sql-contoso-eastus sees it: its role, its partner's, the state.
    fn group(o: &Obs, role: &str, partner_role: &str, state: &str, policy: &str) -> FailoverGroup {
        let id = o.resource("feature-store");
        let partner = id
            .parent()
            .unwrap()
            .to_string()
            .replace("sql-contoso-eastus", "sql-contoso-westus");
        model(json!({
            "id": id.to_string(), "name": id.name(), "location": "eastus",
            "properties": {
                "replicationRole": role, "replicationState": state,
                "readWriteEndpoint": {"failoverPolicy": policy, "failoverWithDataLossGracePeriodMinutes": 60},
                "partnerServers": [{"id": partner, "location": "westus", "replicationRole": partner_role}],
                "databases": []
            }
        }))
    }

    /// The demo with the group read as `fg`, its partner's view answering.
    fn with(o: &mut Obs, fg: FailoverGroup) {
        let id = o.resource("feature-store");
        let partner = fg.clone();
        o.read(&id, Reading::SqlFg(fg, Some(Ok(partner))));
    }

    #[test]
    fn a_catching_up_group_with_one_primary_is_ready() {
        let mut o = Obs::demo();
        let fg = group(&o, "Primary", "Secondary", "CATCH_UP", "Manual");
        with(&mut o, fg);
        let c = o.component("feature-store");
        assert_eq!(c.ha_status, "standby ready");
        assert_eq!(c.active_region, "eastus");
        assert_eq!(c.instances[0].state, "Primary (sql-contoso-eastus)");
        assert_eq!(c.instances[1].state, "Secondary (sql-contoso-westus)");
        assert_eq!(
            check(&c, "replication live").reason,
            "replication state CATCH_UP"
        );
        assert!(
            !has_check(&c, "customer-managed failover"),
            "Manual is customer-managed"
        );
        assert_eq!(
            check(&c, "replication lag").passed,
            None,
            "not exposed by ARM"
        );
    }

    #[test]
    fn the_configured_server_as_secondary_means_the_group_serves_from_its_partner() {
        let mut o = Obs::demo();
        let fg = group(&o, "Secondary", "Primary", "CATCH_UP", "Manual");
        with(&mut o, fg);
        let c = o.component("feature-store");
        assert_eq!(c.active_region, "westus");
        assert_eq!(c.ha_status, "failed over to westus");
    }

    #[test]
    fn two_primaries_after_a_forced_failover_are_inconsistent() {
        let mut o = Obs::demo();
        let fg = group(&o, "Primary", "Primary", "CATCH_UP", "Manual");
        with(&mut o, fg);
        let c = o.component("feature-store");
        let k = check(&c, "one primary, one secondary");
        assert_eq!(k.passed, Some(false));
        assert_eq!(
            c.ha_status,
            "standby not ready: the servers' roles are inconsistent (both primary after a forced failover?)"
        );
    }

    #[test]
    fn a_seeding_secondary_is_not_live_yet() {
        let mut o = Obs::demo();
        let fg = group(&o, "Primary", "Secondary", "SEEDING", "Manual");
        with(&mut o, fg);
        let k = check(&o.component("feature-store"), "replication live").clone();
        assert_eq!(
            (k.passed, k.reason.as_str()),
            (Some(false), "the secondary is still seeding")
        );
    }

    #[test]
    fn replication_frozen_with_the_primary_region_is_the_outage() {
        let mut o = Obs::demo();
        let fg = group(&o, "Primary", "Secondary", "PENDING", "Manual");
        with(&mut o, fg);
        assert_eq!(
            check(&o.component("feature-store"), "replication live").passed,
            Some(false),
            "eastus answers"
        );
        o.region_down("eastus");
        let k = check(&o.component("feature-store"), "replication live").clone();
        assert_eq!(k.passed, None);
        assert_eq!(
            k.reason,
            "replication PENDING: the primary's region is down; a forced failover loses the unreplicated writes"
        );
    }

    #[test]
    fn a_microsoft_managed_policy_is_called_out() {
        let mut o = Obs::demo();
        let fg = group(&o, "Primary", "Secondary", "CATCH_UP", "Automatic");
        with(&mut o, fg);
        let c = o.component("feature-store");
        let k = check(&c, "customer-managed failover");
        assert_eq!(k.passed, None);
        assert_eq!(
            k.reason,
            "Microsoft-managed: Azure fails over after 60 min of outage; Manual is recommended"
        );
        assert!(
            c.properties
                .contains(&("failover policy".into(), "Automatic".into()))
        );
    }

    #[test]
    fn a_partner_that_does_not_answer_is_unknown() {
        let mut o = Obs::demo();
        let id = o.resource("feature-store");
        let fg = group(&o, "Primary", "Secondary", "CATCH_UP", "Manual");
        let e = crate::health::collect::ReadError {
            message: "GET ...: timed out".into(),
            not_responding: true,
            auth: false,
            transient: true,
        };
        o.read(&id, Reading::SqlFg(fg, Some(Err(e))));
        let c = o.component("feature-store");
        assert_eq!(c.instances[1].health, InstanceHealth::Unknown);
        assert_eq!(c.instances[1].detail.as_deref(), Some("not responding"));
    }

    #[test]
    fn a_group_without_a_partner_fails() {
        let mut o = Obs::demo();
        let id = o.resource("feature-store");
        let fg: FailoverGroup = model(json!({
            "id": id.to_string(), "name": id.name(), "location": "eastus",
            "properties": {"replicationRole": "Primary", "replicationState": "CATCH_UP"}
        }));
        o.read(&id, Reading::SqlFg(fg, None));
        let c = o.component("feature-store");
        assert_eq!(
            c.ha_status,
            "standby not ready: the failover group has no partner server"
        );
        assert_eq!(c.instances.len(), 1);
    }
}
