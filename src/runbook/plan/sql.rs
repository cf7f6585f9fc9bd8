//! Azure SQL failover groups: a planned failover (synchronised, nothing lost) or a forced one
//! (the source is down), posted to the server that becomes primary.
//!
//! A failover needs the partner (secondary) server, and in a regional outage the primary server
//! may not answer: the partner comes from what the collector found (`Observations::sql_partners`:
//! the primary's answer, `partner_server` in the configuration, a server of the secondary region
//! with a group of the same name, or the last good snapshot cached on disk), and the step says
//! when it is not the primary's own answer.

use std::time::Duration;

use super::{Gen, step};
use crate::azure::SqlFailover;
use crate::azure::az::sql as az;
use crate::config::{Component, Phase, ResourceId, Targets};
use crate::health::collect::PartnerSource;
use crate::runbook::model::*;

/// The failover step of a group; by hand when its partner is not known.
pub(super) fn data(g: &mut Gen<'_>, c: &Component) {
    let Targets::Replicated { resource, .. } = &c.targets else {
        return;
    };
    let Some(server) = resource.parent() else {
        return;
    };
    // The group on the server that becomes primary: the partner when failing over, the
    // configured (original) server when failing back.
    let partner = g.obs.sql_partners.get(&resource.key()).cloned();
    let (target_server, basis) = if g.failover() {
        let Some(p) = partner else {
            g.unreadable(c, resource);
            return;
        };
        let basis = basis(g, &p.server, &p.source);
        (p.server, basis)
    } else {
        (server.clone(), None)
    };
    let target_name = target_server.name().to_string();
    let Ok(group_on_target) = ResourceId::parse(&format!(
        "{target_server}/failoverGroups/{}",
        resource.name()
    )) else {
        g.unreadable(c, resource);
        return;
    };
    let to = g.to.clone();
    let mut s = step(
        format!("data.{}.failover", c.name),
        format!(
            "{} failover of SQL failover group {} to {target_name} ({to})",
            if g.forced { "Forced" } else { "Planned" },
            resource.name()
        ),
        Phase::Data,
        StepKind::Action,
    );
    s.action = Some(Action::SqlFailover {
        group_on_target: group_on_target.to_string(),
        mode: if g.forced {
            SqlFailover::Forced
        } else {
            SqlFailover::Planned
        },
    });
    s.parallel_group = Some("data".into());
    s.postcondition = Some(Postcondition::ActiveIn {
        component: c.name.clone(),
        region: to.to_string(),
    });
    s.timeout = Duration::from_secs(15 * 60);
    s.preconditions.push(Precondition::ActiveIn {
        component: c.name.clone(),
        region: g.from.to_string(),
    });
    s.az.push(az::set_primary(&group_on_target, g.forced));
    if g.forced {
        s.why = format!(
            "{} is down, so a planned failover would time out. A forced failover makes {target_name} the primary at once; the listener follows. Transactions not yet replicated (usually seconds) are lost; the old primary rejoins as secondary when it returns.",
            g.from
        );
        g.typed(&mut s, Some("transactions not yet replicated to the secondary (typically a few seconds) will be lost".into()));
        s.preconditions.push(Precondition::RegionNotHealthy {
            region: g.from.to_string(),
        });
    } else {
        s.why = format!(
            "Synchronises, then swaps roles: {target_name} becomes primary with no data loss; the read-write listener follows (DNS TTL 30 s). Posted to the server that becomes primary."
        );
    }
    if let Some(b) = basis {
        s.why.push(' ');
        s.why.push_str(&b);
    }
    g.push(s, Some(c));
}

/// The sentence that says where the partner came from, when not from the primary's answer.
fn basis(g: &Gen<'_>, server: &ResourceId, source: &PartnerSource) -> Option<String> {
    let name = server.name();
    match source {
        PartnerSource::Primary => None,
        PartnerSource::Config => Some(format!(
            "Partner {name} from the configuration (partner_server)."
        )),
        PartnerSource::SecondaryRegion => Some(format!(
            "Partner {name} found in {}: the primary's failover group could not be read, the group of the same name answers there.",
            g.to
        )),
        PartnerSource::Cache { seen_at } => Some(format!(
            "Partner {name} from the snapshot cached {} ago: neither the primary nor the secondary region could confirm it now.",
            g.ago(*seen_at)
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use time::OffsetDateTime;

    use crate::config::{Config, ResourceId, RunbookKind};
    use crate::health::collect::{Observations, PartnerSource, ReadError, SqlPartner};
    use crate::runbook::model::{Action, Step};

    const WEST: &str = "/subscriptions/8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b/resourceGroups/rg-dr-westus/providers/Microsoft.Sql/servers/sql-contoso-westus";

    /// The demo's SQL step when its primary server's group could not be read and the partner
    /// came from `source` (none: not found).
    fn sql_step(source: Option<PartnerSource>) -> Step {
        let cfg = Config::demo();
        let fg = cfg.component("feature-store").unwrap().resource_ids()[0].clone();
        let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
        let mut reads = HashMap::new();
        reads.insert(
            fg.key(),
            Err(ReadError {
                message: "503 ServiceUnavailable: the resource provider in region 'eastus' is unavailable".into(),
                not_responding: false,
                auth: false,
                transient: true,
            }),
        );
        let mut sql_partners = HashMap::new();
        if let Some(source) = source {
            let source = match source {
                PartnerSource::Cache { .. } => PartnerSource::Cache {
                    seen_at: now - time::Duration::minutes(12),
                },
                s => s,
            };
            sql_partners.insert(
                fg.key(),
                SqlPartner {
                    server: ResourceId::parse(WEST).unwrap(),
                    source,
                },
            );
        }
        let obs = Observations {
            now,
            availability: Ok(HashMap::new()),
            events: Ok(Vec::new()),
            reads,
            sql_partners,
            details_read_at: HashMap::new(),
            aml: HashMap::new(),
            aml_quota: None,
        };
        let snap = crate::health::derive::snapshot(&cfg, &obs, &mut BTreeMap::new());
        let rb = crate::runbook::plan(&cfg, &obs, &snap, RunbookKind::Failover);
        rb.steps
            .into_iter()
            .find(|s| s.id.starts_with("data.feature-store."))
            .expect("a SQL step")
    }

    /// The step posts to the partner's group, and its command names the partner's own
    /// resource group.
    fn goes_to_partner(s: &Step) {
        let Some(Action::SqlFailover {
            group_on_target, ..
        }) = &s.action
        else {
            panic!("not a SQL failover: {s:?}");
        };
        assert_eq!(
            *group_on_target,
            format!("{WEST}/failoverGroups/fog-contoso-features")
        );
        assert!(
            s.az[0].starts_with(
                "az sql failover-group set-primary -g rg-dr-westus -s sql-contoso-westus -n fog-contoso-features --subscription 8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b"
            ),
            "{}",
            s.az[0]
        );
    }

    #[test]
    fn the_primary_answer_needs_no_word() {
        let s = sql_step(Some(PartnerSource::Primary));
        goes_to_partner(&s);
        assert!(!s.why.contains("Partner "), "{}", s.why);
    }

    #[test]
    fn the_configured_partner_says_so() {
        let s = sql_step(Some(PartnerSource::Config));
        goes_to_partner(&s);
        assert!(
            s.why
                .ends_with("Partner sql-contoso-westus from the configuration (partner_server)."),
            "{}",
            s.why
        );
    }

    #[test]
    fn the_partner_found_in_the_secondary_region_says_so() {
        let s = sql_step(Some(PartnerSource::SecondaryRegion));
        goes_to_partner(&s);
        assert!(
            s.why.contains("Partner sql-contoso-westus found in westus"),
            "{}",
            s.why
        );
    }

    #[test]
    fn the_cached_partner_says_how_old_it_is() {
        let s = sql_step(Some(PartnerSource::Cache {
            seen_at: OffsetDateTime::UNIX_EPOCH,
        }));
        goes_to_partner(&s);
        assert!(
            s.why
                .contains("Partner sql-contoso-westus from the snapshot cached 12 min ago"),
            "{}",
            s.why
        );
    }

    #[test]
    fn without_a_partner_the_step_is_manual() {
        let s = sql_step(None);
        assert_eq!(s.id, "data.feature-store.manual");
        assert!(s.action.is_none());
    }
}
