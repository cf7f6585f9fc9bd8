//! Pre- and postconditions evaluated against one live reading (`check_pre`, `check_post`).

use crate::azure::models::*;
use crate::config::{ComponentKind, Config, RunbookKind, Targets};
use crate::health::collect::{Observations, Reading};
use crate::health::{RegionHealth, Snapshot};
use crate::runbook::model::*;

use super::live::reading;

pub(super) fn component<'a>(
    snap: &'a Snapshot,
    name: &str,
) -> Result<&'a crate::health::ComponentStatus, String> {
    snap.components
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| format!("no component '{name}'"))
}

/// The resource id of a paired component in a region.
pub(super) fn paired_id(cfg: &Config, name: &str, region: &str) -> Option<String> {
    let c = cfg.component(name)?;
    match &c.targets {
        Targets::Paired { primary, secondary } => {
            Some(if cfg.deployment.primary_region.as_str() == region {
                primary.to_string()
            } else {
                secondary.to_string()
            })
        }
        Targets::Replicated { resource, .. } | Targets::Routing { resource, .. } => {
            Some(resource.to_string())
        }
    }
}

/// Evaluates a precondition against live state.
pub fn check_pre(
    p: &Precondition,
    cfg: &Config,
    obs: &Observations,
    snap: &Snapshot,
    gate: bool,
) -> Result<(), String> {
    let region = |r: &str| {
        snap.regions
            .iter()
            .find(|x| x.name == r)
            .map(|x| x.health)
            .unwrap_or(RegionHealth::Unknown)
    };
    match p {
        Precondition::RegionNotHealthy { region: r } if region(r) == RegionHealth::Healthy => {
            Err(format!(
                "{r} is healthy: a forced, data-losing step is not needed (a planned one is possible)"
            ))
        }
        Precondition::RegionHealthy { region: r } if region(r) != RegionHealth::Healthy => {
            // The primary may stay degraded by what the failback itself repairs (a Cosmos region
            // offline, a storage account without its replica there): those do not stop it.
            let primary = snap.region(crate::health::RegionRole::Primary);
            match crate::health::verdict::primary_ready_for_failback(snap) {
                Ok(_) if primary.is_some_and(|p| p.name == *r) => Ok(()),
                Err(why) if primary.is_some_and(|p| p.name == *r) => {
                    Err(format!("{r} is not ready to take production back: {why}"))
                }
                _ => Err(format!("{r} is not healthy ({:?})", region(r)).to_lowercase()),
            }
        }
        Precondition::RegionNotDown { region: r } if region(r) == RegionHealth::Outage => {
            Err(format!("{r} is in an outage"))
        }
        Precondition::RegionReady { region: r } => {
            // The same blockers as the verdict's: what it says, the runbook checks.
            let primary = snap.region(crate::health::RegionRole::Primary);
            if primary.is_some_and(|p| p.name == *r) {
                crate::health::verdict::primary_ready_for_failback(snap)
                    .map(|_| ())
                    .map_err(|why| format!("{r} cannot take production back: {why}"))
            } else {
                let bad: Vec<String> =
                    crate::health::verdict::region_blockers(snap, RunbookKind::Failover)
                        .into_iter()
                        .map(|b| b.reason)
                        .collect();
                if bad.is_empty() {
                    Ok(())
                } else {
                    Err(bad.join("; "))
                }
            }
        }
        Precondition::StandbyProvisioned { component: c } => {
            // The verdict's blockers for this component: a standby missing, unhealthy, not
            // provisioned or failing its own readiness checks.
            let bad: Vec<String> = crate::health::verdict::blockers(snap, RunbookKind::Failover)
                .into_iter()
                .filter(|b| b.component.as_deref() == Some(c.as_str()))
                .map(|b| format!("{c}: {}", b.reason))
                .collect();
            if bad.is_empty() {
                Ok(())
            } else {
                Err(bad.join("; "))
            }
        }
        Precondition::VerifyGatePassed if !gate => {
            Err("the verify gate has not passed: traffic never moves before it".into())
        }
        Precondition::NotLastEnabled {
            component: c,
            endpoint,
        } => {
            let comp = cfg.component(c).ok_or("unknown component")?;
            let id = comp.resource_ids()[0].to_string();
            let others = match reading(obs, &id) {
                Some(Reading::TrafficManager(tm)) => tm
                    .properties
                    .endpoints
                    .iter()
                    .filter(|e| {
                        !e.name.eq_ignore_ascii_case(endpoint)
                            && e.properties.endpoint_status != Some(EnabledState::Disabled)
                    })
                    .count(),
                Some(Reading::FrontDoor(_, o)) => o
                    .iter()
                    .filter(|e| {
                        !e.name.eq_ignore_ascii_case(endpoint)
                            && e.properties.enabled_state != Some(EnabledState::Disabled)
                    })
                    .count(),
                _ => return Err(format!("{c} could not be read")),
            };
            if others == 0 {
                Err(format!(
                    "{endpoint} is the last enabled one of {c}: disabling it would serve nothing"
                ))
            } else {
                Ok(())
            }
        }
        Precondition::ActiveIn {
            component: c,
            region: r,
        } => {
            let comp = component(snap, c)?;
            if comp.active_region == *r {
                Ok(())
            } else {
                Err(format!(
                    "{c} already serves from {} (not {r})",
                    comp.active_region
                ))
            }
        }
        _ => Ok(()),
    }
}

/// Evaluates a postcondition against live state.
pub fn check_post(
    p: &Postcondition,
    cfg: &Config,
    obs: &Observations,
    snap: &Snapshot,
) -> Result<(), String> {
    match p {
        Postcondition::ActiveIn {
            component: c,
            region,
        } => {
            let comp = component(snap, c)?;
            if comp.active_region == *region {
                Ok(())
            } else {
                Err(format!("{c} still serves from {}", comp.active_region))
            }
        }
        Postcondition::InstanceAvailable {
            component: c,
            region,
        } => {
            let comp = component(snap, c)?;
            match comp.instance(region) {
                Some(i) if i.health == crate::health::InstanceHealth::Available => Ok(()),
                Some(i) => Err(format!("{c} in {region} is {:?}", i.health).to_lowercase()),
                None => Err(format!("{c} has nothing in {region}")),
            }
        }
        Postcondition::DataWritableIn { region } => {
            let mut bad = Vec::new();
            if let Some(r) = snap.regions.iter().find(|r| r.name == *region)
                && r.health == RegionHealth::Outage
            {
                bad.push(format!("{region} is in an outage"));
            }
            for c in &cfg.components {
                if matches!(
                    c.kind,
                    ComponentKind::Storage
                        | ComponentKind::SqlFailoverGroup
                        | ComponentKind::PostgresFlexible
                        | ComponentKind::MysqlFlexible
                        | ComponentKind::CosmosDb
                ) {
                    let s = component(snap, &c.name)?;
                    if s.active_region != *region {
                        bad.push(format!("{} is primary in {}", c.name, s.active_region));
                    }
                }
                if c.kind == ComponentKind::MlOnlineEndpoint
                    && let Some(id) = paired_id(cfg, &c.name, region)
                    && let Some(Reading::Endpoint(_, deps)) = reading(obs, &id)
                {
                    for d in deps.iter().filter(|d| {
                        d.properties
                            .provisioning_state
                            .as_ref()
                            .is_some_and(|p| *p != ProvisioningState::Succeeded)
                    }) {
                        bad.push(format!(
                            "{}: deployment {} is {}",
                            c.name,
                            d.name,
                            d.properties
                                .provisioning_state
                                .as_ref()
                                .map(|p| p.to_string())
                                .unwrap_or_default()
                        ));
                    }
                }
            }
            if bad.is_empty() {
                Ok(())
            } else {
                Err(bad.join("; "))
            }
        }
        Postcondition::GeoRedundant { component: c } => {
            match reading(obs, &paired_id(cfg, c, "").unwrap_or_default()) {
                Some(Reading::Storage(sa)) if sa.is_geo_redundant() => Ok(()),
                Some(Reading::Storage(sa)) => Err(format!("{} is {}", sa.name, sa.sku.name)),
                _ => Err(format!("{c} could not be read")),
            }
        }
        Postcondition::PlannedFailoverPossible { component: c } => {
            match reading(obs, &paired_id(cfg, c, "").unwrap_or_default()) {
                Some(Reading::Storage(sa)) => {
                    let g = sa.properties.geo_replication_stats.as_ref();
                    if g.is_some_and(|g| {
                        g.status == Some(GeoReplicationStatus::Live)
                            && g.can_planned_failover == Some(true)
                    }) {
                        Ok(())
                    } else {
                        Err(format!(
                            "geo-replication of {} is {}",
                            sa.name,
                            g.and_then(|g| g.status.clone())
                                .map_or("unknown".into(), |s| s.to_string())
                        ))
                    }
                }
                _ => Err(format!("{c} could not be read")),
            }
        }
        Postcondition::ComputeMax {
            component: c,
            region,
            max,
        } => match reading(obs, &paired_id(cfg, c, region).unwrap_or_default()) {
            Some(Reading::Compute(cp)) => {
                let have = cp
                    .properties
                    .properties
                    .as_ref()
                    .and_then(|p| p.scale_settings.as_ref())
                    .map_or(0, |s| s.max_node_count);
                if have >= *max {
                    Ok(())
                } else {
                    Err(format!("{} may scale to {have} nodes, not {max}", cp.name))
                }
            }
            _ => Err(format!("{c} in {region} could not be read")),
        },
        Postcondition::AksRunning {
            component: c,
            region,
        } => match reading(obs, &paired_id(cfg, c, region).unwrap_or_default()) {
            Some(Reading::Aks(a))
                if a.power() == PowerState::Running
                    && a.properties
                        .provisioning_state
                        .as_ref()
                        .is_none_or(|p| p.is_terminal()) =>
            {
                Ok(())
            }
            Some(Reading::Aks(a)) => Err(format!(
                "{} is {} ({})",
                a.name,
                a.power(),
                a.properties
                    .provisioning_state
                    .as_ref()
                    .map(|p| p.to_string())
                    .unwrap_or_default()
            )),
            _ => Err(format!("{c} in {region} could not be read")),
        },
        Postcondition::DeploymentCapacity {
            component: c,
            region,
            deployment,
            instances,
        } => match reading(obs, &paired_id(cfg, c, region).unwrap_or_default()) {
            Some(Reading::Endpoint(_, deps)) => {
                let have = deps
                    .iter()
                    .find(|d| d.name == *deployment)
                    .and_then(|d| d.sku.as_ref())
                    .and_then(|s| s.capacity)
                    .unwrap_or(0);
                if have >= *instances {
                    Ok(())
                } else {
                    Err(format!(
                        "{deployment} has {have} instances, not {instances}"
                    ))
                }
            }
            _ => Err(format!("{c} in {region} could not be read")),
        },
        Postcondition::TrafficIn {
            component: c,
            region,
        } => match reading(obs, &paired_id(cfg, c, region).unwrap_or_default()) {
            Some(Reading::Endpoint(ep, _))
                if ep.traffic.values().sum::<u32>() > 0
                    && ep
                        .provisioning_state
                        .as_ref()
                        .is_none_or(|p| p.is_terminal()) =>
            {
                Ok(())
            }
            Some(Reading::Endpoint(ep, _)) => Err(format!("{} routes no traffic yet", ep.name)),
            _ => Err(format!("{c} in {region} could not be read")),
        },
        Postcondition::EndpointEnabled {
            component: c,
            endpoint,
            enabled,
        } => {
            let id = paired_id(cfg, c, "").unwrap_or_default();
            let state = match reading(obs, &id) {
                Some(Reading::TrafficManager(tm)) => tm
                    .properties
                    .endpoints
                    .iter()
                    .find(|e| e.name.eq_ignore_ascii_case(endpoint))
                    .map(|e| e.properties.endpoint_status != Some(EnabledState::Disabled)),
                Some(Reading::FrontDoor(_, o)) => o
                    .iter()
                    .find(|e| e.name.eq_ignore_ascii_case(endpoint))
                    .map(|e| e.properties.enabled_state != Some(EnabledState::Disabled)),
                _ => None,
            };
            match state {
                Some(s) if s == *enabled => Ok(()),
                Some(_) => Err(format!(
                    "{endpoint} is not {} yet",
                    if *enabled { "enabled" } else { "disabled" }
                )),
                None => Err(format!("{endpoint} of {c} could not be read")),
            }
        }
    }
}
