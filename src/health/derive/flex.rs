//! PostgreSQL and MySQL flexible servers: the secondary is a read replica of the primary, its
//! replication goes on, and a promoted one serves on its own.

use super::{Ctx, Derived, Pair};
use crate::azure::models::*;
use crate::config::ComponentKind;
use crate::health::check::CheckId;

/// A server pair: a promoted secondary is where it serves; otherwise it must replicate from
/// the primary, live (a frozen replication while the primary is down is the outage).
pub(super) fn derive(ctx: &Ctx<'_>, pair: &Pair<'_>, ss: &FlexibleServer, d: &mut Derived) {
    let Pair { c, p_id, s_id, .. } = *pair;
    let pg = c.kind == ComponentKind::PostgresFlexible;
    let role = ss.role();
    d.prop(
        "secondary role",
        role.as_ref().map_or("-".into(), |r| r.to_string()),
    );
    // Each engine's words: PostgreSQL AsyncReplica/GeoAsyncReplica, MySQL Replica.
    let replica_of_primary = role.as_ref().is_some_and(ReplicationRole::is_replica)
        && ss
            .properties
            .source_server_resource_id
            .as_deref()
            .is_some_and(|src| src.eq_ignore_ascii_case(p_id.as_str()));
    // Promoted: standalone (None), or the source of replicas itself (PostgreSQL Primary after
    // a switchover, MySQL Source).
    let promoted = role.as_ref().is_some_and(ReplicationRole::takes_writes);
    if promoted {
        d.active = Some(ctx.secondary.clone());
    } else {
        d.check(
            CheckId::ReplicaOfPrimary,
            Some(replica_of_primary),
            if replica_of_primary {
                format!("{} replicates from {}", s_id.name(), p_id.name())
            } else {
                format!(
                    "{} is not a replica of {} ({})",
                    s_id.name(),
                    p_id.name(),
                    role.map_or("-".into(), |r| r.to_string())
                )
            },
        );
        if let Some(state) = ss
            .properties
            .replica
            .as_ref()
            .and_then(|r| r.replication_state.clone())
        {
            let ok = state.eq_ignore_ascii_case("Active") || state.eq_ignore_ascii_case("Catchup");
            d.prop("replication", state.clone());
            if !ok && ctx.regions_down.contains(&ctx.primary) {
                d.check(
                    CheckId::ReplicationLive,
                    None,
                    format!(
                        "replication {state}: {} is down; a forced promotion loses the lag",
                        ctx.primary
                    ),
                );
            } else {
                d.check(
                    CheckId::ReplicationLive,
                    Some(ok),
                    format!("replication state {state}"),
                );
            }
        }
    }
    d.check(
        CheckId::ReplicationLag,
        None,
        "not exposed by ARM: see the Read Replica Lag metric",
    );
    d.az.push(crate::azure::az::flex::replica_list(pg, p_id));
    d.az.push(crate::azure::az::flex::show(pg, s_id));
}

/// "AsyncReplica", "Primary", "-".
pub(super) fn state(s: &FlexibleServer) -> String {
    s.role().map_or("-".into(), |r| r.to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::config::ResourceId;
    use crate::health::collect::Reading;
    use crate::health::derive::tests::*;

    /// A flexible server with these `properties`.
    fn server(id: &ResourceId, props: Value) -> Reading {
        Reading::Flex(model(
            json!({"id": id.to_string(), "name": id.name(), "properties": props}),
        ))
    }

    /// The demo's PostgreSQL pair: the primary, and the secondary with `props`.
    fn with(o: &mut Obs, name: &str, props: Value) {
        with_primary(o, name, "Primary", props);
    }

    /// A pair whose primary has the role `primary_role` (MySQL: `Source`).
    fn with_primary(o: &mut Obs, name: &str, primary_role: &str, props: Value) {
        let (p, s) = o.pair(name);
        o.read(
            &p,
            server(
                &p,
                json!({"replicationRole": primary_role, "state": "Ready"}),
            ),
        )
        .read(&s, server(&s, props));
    }

    /// The demo plus a MySQL pair, `labels-db`.
    fn with_mysql() -> Obs {
        let base = "/subscriptions/8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b/resourceGroups";
        Obs::demo_with(&format!(
            r#"[[components]]
name = "labels-db"
kind = "mysql-flexible"
mode = "hot-cold"
primary = "{base}/rg-ml-eastus/providers/Microsoft.DBforMySQL/flexibleServers/mysql-eastus"
secondary = "{base}/rg-ml-westus/providers/Microsoft.DBforMySQL/flexibleServers/mysql-westus"
"#
        ))
    }

    #[test]
    fn an_active_replica_of_the_primary_is_ready() {
        let mut o = Obs::demo();
        let (p, _) = o.pair("run-metadata");
        with(
            &mut o,
            "run-metadata",
            json!({"replica": {"role": "AsyncReplica", "replicationState": "Active"},
                "sourceServerResourceId": p.to_string()}),
        );
        let c = o.component("run-metadata");
        assert_eq!(c.ha_status, "standby ready");
        assert_eq!(c.instances[1].state, "AsyncReplica");
        assert_eq!(
            check(&c, "replica of the primary").reason,
            "psql-contoso-westus replicates from psql-contoso-eastus"
        );
        assert_eq!(
            check(&c, "replication live").reason,
            "replication state Active"
        );
        assert!(c.az_commands[0].starts_with("az postgres flexible-server replica list"));
    }

    #[test]
    fn a_promoted_secondary_serves_on_its_own() {
        let mut o = Obs::demo();
        with(&mut o, "run-metadata", json!({"replicationRole": "None"}));
        let c = o.component("run-metadata");
        assert_eq!(c.active_region, "westus");
        assert_eq!(c.ha_status, "failed over to westus");
        assert!(!has_check(&c, "replica of the primary"));
    }

    #[test]
    fn a_replica_of_another_server_is_not_the_standby() {
        let mut o = Obs::demo();
        with(
            &mut o,
            "run-metadata",
            json!({"replicationRole": "AsyncReplica", "sourceServerResourceId": "/x/other"}),
        );
        let c = o.component("run-metadata");
        assert_eq!(
            c.ha_status,
            "standby not ready: psql-contoso-westus is not a replica of psql-contoso-eastus (AsyncReplica)"
        );
    }

    #[test]
    fn a_frozen_replica_fails_unless_the_primary_region_is_down() {
        let mut o = Obs::demo();
        let (p, _) = o.pair("run-metadata");
        with(
            &mut o,
            "run-metadata",
            json!({"replica": {"role": "AsyncReplica", "replicationState": "Broken"},
                "sourceServerResourceId": p.to_string()}),
        );
        let k = check(&o.component("run-metadata"), "replication live").clone();
        assert_eq!(
            (k.passed, k.reason.as_str()),
            (Some(false), "replication state Broken")
        );
        o.region_down("eastus");
        let k = check(&o.component("run-metadata"), "replication live").clone();
        assert_eq!(k.passed, None);
        assert_eq!(
            k.reason,
            "replication Broken: eastus is down; a forced promotion loses the lag"
        );
    }

    #[test]
    fn a_mysql_replica_is_read_with_the_mysql_commands() {
        let mut o = with_mysql();
        let (p, _) = o.pair("labels-db");
        // MySQL's own words: the primary is the Source, the standby a Replica.
        with_primary(
            &mut o,
            "labels-db",
            "Source",
            json!({"replicationRole": "Replica", "sourceServerResourceId": p.to_string()}),
        );
        let c = o.component("labels-db");
        assert_eq!(c.ha_status, "standby ready");
        assert_eq!(c.instances[0].state, "Source");
        assert_eq!(c.instances[1].state, "Replica");
        assert!(
            !has_check(&c, "replication live"),
            "MySQL has no replica.replicationState"
        );
        assert!(
            c.az_commands
                .iter()
                .any(|a| a.starts_with("az mysql flexible-server show")),
            "{:?}",
            c.az_commands
        );
    }

    /// A MySQL replica whose replication was stopped is standalone (`None`): it serves on its
    /// own.
    #[test]
    fn a_stopped_mysql_replica_serves_on_its_own() {
        let mut o = with_mysql();
        with_primary(
            &mut o,
            "labels-db",
            "None",
            json!({"replicationRole": "None"}),
        );
        let c = o.component("labels-db");
        assert_eq!(c.active_region, "westus");
        assert!(!has_check(&c, "replica of the primary"));
    }

    /// Every engine's role words are read: replicas and writers on both.
    #[test]
    fn both_engines_role_words() {
        use crate::azure::models::ReplicationRole as R;
        for r in ["AsyncReplica", "GeoAsyncReplica", "Replica"] {
            assert!(
                R::parse(r).is_replica() && !R::parse(r).takes_writes(),
                "{r}"
            );
        }
        for r in ["Primary", "Source", "None"] {
            assert!(
                R::parse(r).takes_writes() && !R::parse(r).is_replica(),
                "{r}"
            );
        }
        assert!(!R::parse("Other").is_replica() && !R::parse("Other").takes_writes());
    }
}
