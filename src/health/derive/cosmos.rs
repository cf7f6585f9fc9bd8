//! Cosmos DB accounts: the write region, read regions online, service-managed failover.

use std::collections::BTreeSet;

use super::{Ctx, Derived, Replicated};
use crate::azure::models::*;
use crate::config::Mode;
use crate::health::check::CheckId;
use crate::health::model::InstanceHealth;
use crate::region::Region;

/// An account: one instance per region (write, read or offline); where it writes is where it
/// is active.
pub(super) fn derive(ctx: &Ctx<'_>, one: &Replicated<'_>, acct: &CosmosAccount, d: &mut Derived) {
    let Replicated { c, id, own, .. } = *one;
    let write = acct.write_region();
    let reads: BTreeSet<Region> = acct
        .properties
        .read_locations
        .iter()
        .map(|l| l.location_name.clone())
        .collect();
    let regions: Vec<Region> = acct
        .properties
        .locations
        .iter()
        .map(|l| l.location_name.clone())
        .collect();
    for r in &regions {
        let online = reads.contains(r);
        let state = if write.as_ref() == Some(r) {
            "write region"
        } else if online {
            "read region"
        } else {
            "offline"
        };
        // The account's own availability is its write region's; read regions stand on their own.
        let h = if !online {
            InstanceHealth::Unavailable
        } else if write.as_ref() == Some(r) {
            own
        } else {
            InstanceHealth::Available
        };
        one.add(
            ctx,
            d,
            r,
            h,
            state.into(),
            if online {
                None
            } else {
                Some("region is offline for this account".into())
            },
        );
    }
    d.active = write.clone();
    if let Some(w) = &write {
        d.note = Some(format!("writes in {w}"));
        d.prop("write region", w.to_string());
    }
    let secondary_online = reads.contains(&ctx.secondary);
    if c.mode == Mode::HotCold {
        d.check(
            CheckId::SecondaryRegionOnline,
            Some(secondary_online),
            if secondary_online {
                format!("{} is a read region", ctx.secondary)
            } else {
                format!("{} is not online for this account", ctx.secondary)
            },
        );
    }
    d.prop(
        "regions",
        regions
            .iter()
            .map(Region::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    );
    let auto = acct.properties.enable_automatic_failover == Some(true);
    d.prop(
        "service-managed failover",
        if auto { "enabled" } else { "disabled" },
    );
    d.check(CheckId::ReplicationLag, None, "not exposed by ARM: see the ReplicationLatency metric (RPO < 15 min for session consistency)");
    d.az.push(crate::azure::az::cosmos::show(id));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::health::collect::Reading;
    use crate::health::derive::tests::*;
    use crate::health::model::InstanceHealth;

    /// A Cosmos DB account writing in `write`, readable in `reads`, placed in both regions.
    fn account(o: &Obs, name: &str, write: &str, reads: &[&str]) -> Reading {
        let id = o.resource(name);
        let loc = |r: &str| json!({"locationName": r});
        Reading::Cosmos(model(json!({
            "id": id.to_string(), "name": id.name(), "location": "East US",
            "properties": {
                "writeLocations": [loc(write)],
                "readLocations": reads.iter().map(|r| loc(r)).collect::<Vec<_>>(),
                "locations": [loc("East US"), loc("West US")],
                "enableAutomaticFailover": true
            }
        })))
    }

    /// The demo plus a hot/cold account, `sessions-cold`.
    fn with_hot_cold() -> Obs {
        Obs::demo_with(
            r#"[[components]]
name = "sessions-cold"
kind = "cosmos-db"
mode = "hot-cold"
resource = "/subscriptions/8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b/resourceGroups/rg-contoso-ml-data/providers/Microsoft.DocumentDB/databaseAccounts/cosmos-contoso-cold"
regions = ["eastus", "westus"]
"#,
        )
    }

    #[test]
    fn a_hot_hot_account_serves_in_both_and_writes_in_one() {
        let mut o = Obs::demo();
        let id = o.resource("sessions");
        let r = account(&o, "sessions", "East US", &["East US", "West US"]);
        o.read(&id, r);
        let c = o.component("sessions");
        assert_eq!(c.ha_status, "both serving (writes in eastus)");
        assert!(c.ready);
        assert_eq!(c.active_region, "eastus");
        assert_eq!(c.instances[0].state, "write region");
        assert_eq!(c.instances[1].state, "read region");
        assert!(
            c.properties
                .contains(&("service-managed failover".into(), "enabled".into()))
        );
        assert!(
            !has_check(&c, "secondary region online"),
            "hot/hot: both serve instead"
        );
    }

    #[test]
    fn an_offline_region_does_not_serve() {
        let mut o = Obs::demo();
        let id = o.resource("sessions");
        let r = account(&o, "sessions", "East US", &["East US"]);
        o.read(&id, r);
        let c = o.component("sessions");
        assert_eq!(c.instances[1].state, "offline");
        assert_eq!(c.instances[1].health, InstanceHealth::Unavailable);
        assert_eq!(
            c.instances[1].detail.as_deref(),
            Some("region is offline for this account")
        );
        assert_eq!(c.ha_status, "only eastus serving (writes in eastus)");
        assert_eq!(check(&c, "both regions serve").passed, Some(false));
    }

    #[test]
    fn writes_moved_to_the_secondary_make_it_active() {
        let mut o = Obs::demo();
        let id = o.resource("sessions");
        let r = account(&o, "sessions", "West US", &["West US"]);
        o.read(&id, r);
        let c = o.component("sessions");
        assert_eq!(c.active_region, "westus");
        assert_eq!(c.ha_status, "only westus serving (writes in westus)");
    }

    #[test]
    fn a_hot_cold_account_needs_its_secondary_online() {
        let mut o = with_hot_cold();
        let id = o.resource("sessions-cold");
        let r = account(&o, "sessions-cold", "East US", &["East US"]);
        o.read(&id, r);
        let c = o.component("sessions-cold");
        let k = check(&c, "secondary region online");
        assert_eq!(k.passed, Some(false));
        assert_eq!(
            c.ha_status,
            "standby not ready: westus is not online for this account"
        );

        let r = account(&o, "sessions-cold", "East US", &["East US", "West US"]);
        o.read(&id, r);
        let c = o.component("sessions-cold");
        assert_eq!(
            check(&c, "secondary region online").reason,
            "westus is a read region"
        );
        assert_eq!(c.ha_status, "standby ready");
    }
}
