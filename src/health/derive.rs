//! Derivations: from what was read to what it means — instance health, the active region, the
//! HA status in a responder's words, readiness checks with their reasons, region health.
//! Pure functions of the configuration and the observations, so every outcome is unit-tested.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use time::OffsetDateTime;

use super::collect::{Observations, ReadError, Reading};
use super::model::*;
use crate::azure::models::*;
use crate::config::{Component, ComponentKind, Config, Mode, ResourceId, Targets};
use crate::region::Region;

/// Everything a component derivation needs besides the component.
struct Ctx<'a> {
    cfg: &'a Config,
    obs: &'a Observations,
    primary: Region,
    secondary: Region,
    /// Regions with an active critical Service Health issue.
    regions_down: BTreeSet<Region>,
}

/// Builds the snapshot; `not_responding` remembers since when each region stopped answering.
pub fn snapshot(
    cfg: &Config,
    obs: &Observations,
    not_responding: &mut BTreeMap<Region, OffsetDateTime>,
) -> Snapshot {
    let primary = cfg.deployment.primary_region.clone();
    let secondary = cfg.deployment.secondary_region.clone();
    let incidents: BTreeMap<Region, Vec<Incident>> = [&primary, &secondary]
        .into_iter()
        .map(|r| (r.clone(), incidents_in(obs, r)))
        .collect();
    let regions_down = incidents
        .iter()
        .filter(|(_, list)| list.iter().any(is_critical))
        .map(|(r, _)| r.clone())
        .collect();
    let ctx = Ctx {
        cfg,
        obs,
        primary: primary.clone(),
        secondary: secondary.clone(),
        regions_down,
    };
    let components: Vec<ComponentStatus> =
        cfg.components.iter().map(|c| component(&ctx, c)).collect();
    let regions: Vec<RegionStatus> = [
        (primary, RegionRole::Primary),
        (secondary, RegionRole::Secondary),
    ]
    .into_iter()
    .map(|(r, role)| {
        region_status(
            &ctx,
            &components,
            &r,
            role,
            incidents[&r].clone(),
            not_responding,
        )
    })
    .collect();
    let mut errors = Vec::new();
    if let Err(e) = &obs.availability {
        errors.push(format!("Resource Health could not be read: {}", e.message));
    }
    if let Err(e) = &obs.events {
        errors.push(format!("Service Health could not be read: {}", e.message));
    }
    let overall = if regions.iter().any(|r| r.health == RegionHealth::Outage) {
        Overall::Outage
    } else if regions.iter().any(|r| r.health != RegionHealth::Healthy)
        || components.iter().any(|c| !c.ready || c.lag_over_rpo())
        || !errors.is_empty()
    {
        Overall::Degraded
    } else {
        Overall::Healthy
    };
    let mut snap = Snapshot {
        deployment: cfg.deployment.name.clone(),
        subscription_id: cfg.deployment.subscription_id.clone(),
        overall,
        regions,
        components,
        taken_at: obs.now,
        duration_ms: 0,
        requests: 0,
        identity: None,
        errors,
        verdict: Default::default(),
    };
    snap.verdict = super::verdict::verdict(&snap);
    snap
}

fn is_critical(i: &Incident) -> bool {
    i.active
        && i.level
            .as_deref()
            .is_some_and(|l| l.eq_ignore_ascii_case("critical") || l.eq_ignore_ascii_case("error"))
}

fn incidents_in(obs: &Observations, region: &Region) -> Vec<Incident> {
    let Ok(events) = &obs.events else {
        return Vec::new();
    };
    events
        .iter()
        .filter(|e| e.properties.event_type == Some(EventType::ServiceIssue))
        .filter(|e| {
            e.properties
                .impact
                .iter()
                .flat_map(|i| &i.impacted_regions)
                .any(|r| &r.impacted_region == region)
        })
        .map(|e| Incident {
            tracking_id: e.name.clone(),
            title: e.properties.title.clone().unwrap_or_else(|| e.name.clone()),
            active: e.is_active_issue_in(region),
            level: e.properties.event_level.clone(),
            started: e.properties.impact_start_time,
        })
        .collect()
}

fn region_status(
    ctx: &Ctx<'_>,
    components: &[ComponentStatus],
    region: &Region,
    role: RegionRole,
    incidents: Vec<Incident>,
    not_responding: &mut BTreeMap<Region, OffsetDateTime>,
) -> RegionStatus {
    // Routing endpoints and origins are configuration states (a disabled endpoint), not region health.
    let instances: Vec<&InstanceStatus> = components
        .iter()
        .filter(|c| !matches!(c.kind.as_str(), "traffic-manager" | "front-door"))
        .flat_map(|c| &c.instances)
        .filter(|i| i.region == region.as_str())
        .collect();
    let total = instances.len();
    let available = instances
        .iter()
        .filter(|i| i.health == InstanceHealth::Available)
        .count();
    let unavailable = instances
        .iter()
        .filter(|i| i.health == InstanceHealth::Unavailable)
        .count();
    let troubled = total - available;

    // A region "does not answer" when every read of its regional resources timed out or could not connect.
    let regional: Vec<&ReadError> = ctx
        .cfg
        .components
        .iter()
        .filter_map(|c| match &c.targets {
            Targets::Paired { primary, secondary } => Some(if region == &ctx.primary {
                primary
            } else {
                secondary
            }),
            _ => None,
        })
        .filter_map(|id| ctx.obs.reads.get(&id.key()))
        .map(|r| r.as_ref().err())
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default();
    let silent = !regional.is_empty() && regional.iter().all(|e| e.not_responding);
    let since = if silent {
        Some(*not_responding.entry(region.clone()).or_insert(ctx.obs.now))
    } else {
        not_responding.remove(region);
        None
    };

    let active: Vec<&Incident> = incidents.iter().filter(|i| i.active).collect();
    let (health, reason) = if let Some(i) = active.iter().find(|i| is_critical(i)) {
        (RegionHealth::Outage, format!("Service Health: {}", i.title))
    } else if unavailable >= 2 && unavailable * 2 >= total {
        (
            RegionHealth::Outage,
            format!("{unavailable} of {total} resources unavailable"),
        )
    } else if silent {
        (RegionHealth::Unknown, "not responding".to_string())
    } else if let Some(i) = active.first() {
        (
            RegionHealth::Degraded,
            format!("Service Health: {}", i.title),
        )
    } else if troubled > 0 {
        (
            RegionHealth::Degraded,
            format!("{troubled} of {total} resources not fully available"),
        )
    } else {
        (
            RegionHealth::Healthy,
            format!("{available} of {total} resources available"),
        )
    };
    RegionStatus {
        name: region.to_string(),
        display_name: region.display_name(),
        role,
        health,
        reason,
        incidents,
        resources: total,
        available,
        not_responding_since: since,
    }
}

// ---- components ----

fn component(ctx: &Ctx<'_>, c: &Component) -> ComponentStatus {
    let rpo_seconds = u64::from(ctx.cfg.rpo_minutes(c)) * 60;
    let mut d = Derived::default();
    match &c.targets {
        Targets::Paired { primary, secondary } => paired(ctx, c, primary, secondary, &mut d),
        Targets::Replicated { resource, .. } => replicated(ctx, c, resource, rpo_seconds, &mut d),
        Targets::Routing {
            resource,
            primary,
            secondary,
        } => routing(ctx, c, resource, primary, secondary, &mut d),
    }
    if c.mode == Mode::HotHot && d.ha_override.is_none() {
        both_serve_check(ctx, &mut d);
    }
    let active = d.active.clone().unwrap_or_else(|| ctx.primary.clone());
    let failed: Vec<&Check> = d
        .checks
        .iter()
        .filter(|k| k.passed == Some(false))
        .collect();
    let serving: Vec<&InstanceStatus> = d
        .instances
        .iter()
        .filter(|i| {
            i.health == InstanceHealth::Available
                && d.serving.get(&i.region).copied().unwrap_or(true)
        })
        .collect();
    let serves = |r: &Region| serving.iter().any(|i| i.region == r.as_str());
    let (ha_status, ready) = if let Some(fixed) = d.ha_override.clone() {
        (fixed, failed.is_empty())
    } else if c.mode == Mode::HotHot {
        let status = match (serves(&ctx.primary), serves(&ctx.secondary)) {
            (true, true) => "both serving".to_string(),
            (true, false) => format!("only {} serving", ctx.primary),
            (false, true) => format!("only {} serving", ctx.secondary),
            (false, false) => "not serving".to_string(),
        };
        let ready = serves(&ctx.primary) && serves(&ctx.secondary) && failed.is_empty();
        (with_note(status, &d.note), ready)
    } else if active == ctx.secondary {
        (format!("failed over to {}", ctx.secondary), false)
    } else if let Some(f) = failed.first() {
        (format!("standby not ready: {}", f.reason), false)
    } else {
        ("standby ready".to_string(), true)
    };
    ComponentStatus {
        name: c.name.clone(),
        kind: c.kind.as_str().to_string(),
        mode: c.mode.as_str().to_string(),
        active_region: active.to_string(),
        ready,
        ha_status,
        instances: d.instances,
        lag_seconds: d.lag,
        rpo_seconds,
        last_sync_time: d.last_sync,
        checks: d.checks,
        properties: d.properties,
        az_commands: d.az,
        errors: d.errors,
    }
}

/// The check behind a hot/hot component's READY: both regions serve. The primary side not
/// serving is what a failover is for (undecided, with the reason); the secondary side not
/// serving is a standby that could not take the load (failed).
fn both_serve_check(ctx: &Ctx<'_>, d: &mut Derived) {
    let serves = |r: &Region| {
        d.instances.iter().any(|i| {
            i.region == r.as_str()
                && i.health == InstanceHealth::Available
                && d.serving.get(&i.region).copied().unwrap_or(true)
        })
    };
    let (p, s) = (serves(&ctx.primary), serves(&ctx.secondary));
    let (passed, reason) = match (p, s) {
        (true, true) => (
            Some(true),
            format!("{} and {} serve", ctx.primary, ctx.secondary),
        ),
        (_, false) => (
            Some(false),
            format!(
                "{} does not serve: it could not take the load",
                ctx.secondary
            ),
        ),
        (false, true) => (
            None,
            format!(
                "only {} serves: {} does not (that is what a failover is for)",
                ctx.secondary, ctx.primary
            ),
        ),
    };
    d.check(BOTH_SERVE_CHECK, passed, reason);
}

/// The name of the hot/hot check "both regions serve".
pub const BOTH_SERVE_CHECK: &str = "both regions serve";

fn with_note(status: String, note: &Option<String>) -> String {
    match note {
        Some(n) => format!("{status} ({n})"),
        None => status,
    }
}

/// What the kind-specific derivations fill in.
#[derive(Default)]
struct Derived {
    instances: Vec<InstanceStatus>,
    /// Whether the instance in a region takes traffic (default: yes).
    serving: HashMap<String, bool>,
    active: Option<Region>,
    checks: Vec<Check>,
    lag: Option<f64>,
    last_sync: Option<OffsetDateTime>,
    properties: Vec<(String, String)>,
    az: Vec<String>,
    errors: Vec<String>,
    note: Option<String>,
    ha_override: Option<String>,
}

impl Derived {
    fn check(&mut self, name: &str, passed: Option<bool>, reason: impl Into<String>) {
        self.checks.push(Check {
            name: name.to_string(),
            passed,
            reason: reason.into(),
        });
    }

    fn prop(&mut self, k: &str, v: impl Into<String>) {
        self.properties.push((k.to_string(), v.into()));
    }
}

/// Health of an instance from Resource Health and the read of the resource itself.
fn combine(
    ctx: &Ctx<'_>,
    id: &ResourceId,
    read: Option<&Result<Reading, ReadError>>,
) -> (InstanceHealth, Option<String>) {
    let avail = ctx
        .obs
        .availability
        .as_ref()
        .ok()
        .and_then(|m| m.get(&id.key()));
    let state = avail.and_then(|a| a.properties.availability_state.clone());
    let summary = avail.and_then(|a| a.properties.summary.clone());
    match (state, read) {
        (Some(AvailabilityState::Unavailable), _) => (
            InstanceHealth::Unavailable,
            summary.or(Some("unavailable (Resource Health)".into())),
        ),
        (Some(AvailabilityState::Degraded), _) => (InstanceHealth::Degraded, summary),
        (_, Some(Err(e))) if e.not_responding => (
            InstanceHealth::Unknown,
            Some(format!("not responding: {}", e.message)),
        ),
        (Some(AvailabilityState::Available), Some(Err(e))) => {
            (InstanceHealth::Degraded, Some(e.message.clone()))
        }
        (_, Some(Err(e))) => (InstanceHealth::Unknown, Some(e.message.clone())),
        (_, Some(Ok(_))) => (InstanceHealth::Available, None),
        (Some(AvailabilityState::Available), None) => (InstanceHealth::Available, None),
        (_, None) => (InstanceHealth::Unknown, Some("not read".into())),
    }
}

/// An instance of a replicated resource in `region`: healthy unless the region is down.
fn regional_health(
    ctx: &Ctx<'_>,
    region: &Region,
    own: InstanceHealth,
) -> (InstanceHealth, Option<String>) {
    if ctx.regions_down.contains(region) && own != InstanceHealth::Unknown {
        (
            InstanceHealth::Unavailable,
            Some(format!("region {region} is in an outage (Service Health)")),
        )
    } else {
        (own, None)
    }
}

fn read_of<'a>(ctx: &'a Ctx<'_>, id: &ResourceId) -> Option<&'a Result<Reading, ReadError>> {
    ctx.obs.reads.get(&id.key())
}

fn provisioned(p: &Option<ProvisioningState>) -> bool {
    p.as_ref()
        .is_none_or(|s| *s == ProvisioningState::Succeeded)
}

fn paired(ctx: &Ctx<'_>, c: &Component, p_id: &ResourceId, s_id: &ResourceId, d: &mut Derived) {
    let p_read = read_of(ctx, p_id);
    let s_read = read_of(ctx, s_id);
    for (region, id, read) in [(&ctx.primary, p_id, p_read), (&ctx.secondary, s_id, s_read)] {
        let (health, detail) = combine(ctx, id, read);
        let state = match read {
            Some(Ok(r)) => state_of(r),
            Some(Err(e)) if e.not_responding => "not responding".into(),
            Some(Err(_)) => "unreadable".into(),
            None => "-".into(),
        };
        if let Some(Err(e)) = read {
            d.errors.push(format!("{}: {}", region, e.message));
        }
        d.instances.push(InstanceStatus {
            region: region.to_string(),
            health,
            resource_id: id.to_string(),
            state,
            detail,
        });
    }
    let p_ok = p_read.and_then(|r| r.as_ref().ok());
    let s_ok = s_read.and_then(|r| r.as_ref().ok());
    let s_health = d.instances[1].health;
    let p_health = d.instances[0].health;

    // Common checks: the standby exists and is healthy.
    match s_read {
        Some(Ok(_)) => d.check(
            "standby provisioned",
            Some(true),
            format!("{} exists in {}", s_id.name(), ctx.secondary),
        ),
        Some(Err(e)) => d.check(
            "standby provisioned",
            Some(false),
            format!("{} could not be read: {}", s_id.name(), short(&e.message)),
        ),
        None => d.check("standby provisioned", None, "not read yet"),
    }
    d.check(
        "standby healthy",
        Some(s_health == InstanceHealth::Available),
        match s_health {
            InstanceHealth::Available => format!("{} is available", s_id.name()),
            other => format!("{} is {}", s_id.name(), health_word(other)),
        },
    );

    let primary_down = matches!(
        p_health,
        InstanceHealth::Unavailable | InstanceHealth::Unknown
    );
    match (p_ok, s_ok) {
        (p, Some(Reading::Workspace(sw, s_computes))) => {
            d.prop("secondary workspace", sw.name.clone());
            if let Some(Reading::Workspace(pw, p_computes)) = p {
                d.prop("primary workspace", pw.name.clone());
                drift(
                    d,
                    "same compute clusters as primary",
                    p_computes.iter().map(|x| x.name.clone()),
                    s_computes.iter().map(|x| x.name.clone()),
                    &ctx.secondary,
                );
            }
            d.check("switch is a runbook step", None, "Azure ML has no failover API: users, CI/CD and schedules are repointed to the secondary workspace");
            d.az.push(format!("az ml workspace show {}", s_id.az_args()));
        }
        (p, Some(Reading::Compute(sc))) => {
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
                    "same VM size as primary",
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
                if c.mode == Mode::HotCold
                    && s_scale.as_ref().is_some_and(|s| s.max_node_count == 0)
                {
                    d.prop("failover", format!("scale {} to max {max} nodes", sc.name));
                }
            }
            if s_scale.as_ref().is_some_and(|s| s.max_node_count > 0) && primary_down {
                d.active = Some(ctx.secondary.clone());
            }
            let ws = s_id.parent_name().unwrap_or_default();
            d.az.push(format!(
                "az ml compute show -n {} -w {ws} -g {}",
                s_id.name(),
                s_id.resource_group()
            ));
        }
        (p, Some(Reading::Endpoint(se, s_deps))) => {
            let s_traffic: u32 = se.traffic.values().sum();
            d.prop("secondary traffic", traffic_text(&se.traffic));
            d.serving.insert(ctx.secondary.to_string(), s_traffic > 0);
            let bad: Vec<&str> = s_deps
                .iter()
                .filter(|x| !provisioned(&x.properties.provisioning_state))
                .map(|x| x.name.as_str())
                .collect();
            d.check(
                "secondary deployments succeeded",
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
                    "same deployments as primary",
                    p_deps.iter().map(|x| x.name.clone()),
                    s_deps.iter().map(|x| x.name.clone()),
                    &ctx.secondary,
                );
                if (p_traffic == 0 || primary_down) && s_traffic > 0 {
                    d.active = Some(ctx.secondary.clone());
                }
            }
            if c.mode == Mode::HotHot {
                d.check(
                    "secondary takes traffic",
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
            let ws = s_id.parent_name().unwrap_or_default();
            d.az.push(format!(
                "az ml online-endpoint show -n {} -w {ws} -g {} --query traffic",
                s_id.name(),
                s_id.resource_group()
            ));
            d.az.push(format!(
                "az ml online-deployment list --endpoint-name {} -w {ws} -g {} -o table",
                s_id.name(),
                s_id.resource_group()
            ));
        }
        (p, Some(Reading::Aks(sa))) => {
            let running = sa.power() == PowerState::Running;
            d.serving.insert(ctx.secondary.to_string(), running);
            d.prop(
                "secondary",
                format!("{}, {} nodes", sa.power(), sa.node_count()),
            );
            if c.mode == Mode::HotHot {
                d.check(
                    "secondary running",
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
                    "same node pools as primary",
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
                if running
                    && (pa.power() != PowerState::Running || primary_down)
                    && c.mode == Mode::HotCold
                {
                    d.active = Some(ctx.secondary.clone());
                }
            } else if running && primary_down && c.mode == Mode::HotCold {
                d.active = Some(ctx.secondary.clone());
            }
            d.az.push(format!("az aks show {} --query \"{{power:powerState.code, pools:agentPoolProfiles[].{{name:name,count:count}}}}\"", s_id.az_args()));
        }
        (_, Some(Reading::Flex(ss))) => {
            let pg = c.kind == ComponentKind::PostgresFlexible;
            let role = ss.role();
            d.prop(
                "secondary role",
                role.as_ref().map_or("-".into(), |r| r.to_string()),
            );
            let replica_of_primary = matches!(
                role,
                Some(
                    ReplicationRole::AsyncReplica
                        | ReplicationRole::GeoAsyncReplica
                        | ReplicationRole::Replica
                )
            ) && ss
                .properties
                .source_server_resource_id
                .as_deref()
                .is_some_and(|src| src.eq_ignore_ascii_case(p_id.as_str()));
            let promoted = matches!(
                role,
                Some(ReplicationRole::Primary | ReplicationRole::None_ | ReplicationRole::Source)
            );
            if promoted {
                d.active = Some(ctx.secondary.clone());
            } else {
                d.check(
                    "replica of the primary",
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
                    let ok = state.eq_ignore_ascii_case("Active")
                        || state.eq_ignore_ascii_case("Catchup");
                    d.prop("replication", state.clone());
                    if !ok && ctx.regions_down.contains(&ctx.primary) {
                        d.check(
                            "replication live",
                            None,
                            format!(
                                "replication {state}: {} is down; a forced promotion loses the lag",
                                ctx.primary
                            ),
                        );
                    } else {
                        d.check(
                            "replication live",
                            Some(ok),
                            format!("replication state {state}"),
                        );
                    }
                }
            }
            d.check(
                "replication lag",
                None,
                "not exposed by ARM: see the Read Replica Lag metric",
            );
            let cli = if pg { "postgres" } else { "mysql" };
            d.az.push(format!(
                "az {cli} flexible-server replica list -g {} --name {}",
                p_id.resource_group(),
                p_id.name()
            ));
            d.az.push(format!("az {cli} flexible-server show {} --query \"{{state:state, role:replicationRole}}\"", s_id.az_args()));
        }
        (_, Some(Reading::AppInsights(_))) => {
            d.check(
                "telemetry",
                None,
                "Application Insights is not replicated: each region has its own",
            );
            d.az.push(format!(
                "az monitor app-insights component show -g {} --app {}",
                s_id.resource_group(),
                s_id.name()
            ));
        }
        _ => {}
    }
    if d.active.is_none()
        && c.mode == Mode::HotHot
        && primary_down
        && s_health == InstanceHealth::Available
    {
        d.active = Some(ctx.secondary.clone());
    }
    d.az.push(health_cmd(ctx, s_id));
}

fn replicated(ctx: &Ctx<'_>, c: &Component, id: &ResourceId, rpo: u64, d: &mut Derived) {
    let read = read_of(ctx, id);
    let (own, detail) = combine(ctx, id, read);
    if let Some(Err(e)) = read {
        d.errors.push(e.message.clone());
        d.instances.push(InstanceStatus {
            region: ctx.primary.to_string(),
            health: own,
            resource_id: id.to_string(),
            state: "unreadable".into(),
            detail,
        });
        d.check("readable", Some(false), short(&e.message));
        return;
    }
    let Some(Ok(reading)) = read else {
        d.instances.push(InstanceStatus {
            region: ctx.primary.to_string(),
            health: InstanceHealth::Unknown,
            resource_id: id.to_string(),
            state: "-".into(),
            detail: Some("not read".into()),
        });
        d.check(
            "readable",
            Some(false),
            format!("{} was not read", id.name()),
        );
        return;
    };
    let add = |d: &mut Derived,
               region: &Region,
               health: InstanceHealth,
               state: String,
               detail: Option<String>| {
        let (h, why) = regional_health(ctx, region, health);
        d.instances.push(InstanceStatus {
            region: region.to_string(),
            health: h,
            resource_id: id.to_string(),
            state,
            detail: why.or(detail),
        });
    };
    match reading {
        Reading::Storage(sa) => {
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
            add(d, &pr, ph, "primary".into(), detail.clone());
            match &sa.properties.secondary_location {
                Some(sr) => {
                    let sh = match sa.properties.status_of_secondary {
                        Some(AccountStatus::Unavailable) => InstanceHealth::Unavailable,
                        Some(AccountStatus::Available) | None => InstanceHealth::Available,
                        Some(AccountStatus::Unknown(_)) => InstanceHealth::Unknown,
                    };
                    add(
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
                "geo-redundant",
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
                    d.check("replication live", None, format!("replication stopped: {pr} is down; failing over loses writes after the last sync"));
                } else if let Some(sr) =
                    copy_to_down.filter(|_| status != GeoReplicationStatus::Live)
                {
                    d.check("replication live", None, format!("geo-replication is {status}: {sr} is down; it goes on when {sr} recovers"));
                } else {
                    d.check(
                        "replication live",
                        Some(status == GeoReplicationStatus::Live),
                        match &status {
                            GeoReplicationStatus::Live => "geo-replication is Live".to_string(),
                            GeoReplicationStatus::Bootstrap => {
                                "geo-replication is bootstrapping (initial copy in progress)"
                                    .to_string()
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
                            "lag within RPO",
                            None,
                            format!(
                                "{text}: replication stopped with {pr}; a forced failover loses it"
                            ),
                        );
                    } else {
                        d.check("lag within RPO", Some(lag <= rpo as f64), text);
                    }
                }
                let can = g.can_failover == Some(true);
                match copy_to_down {
                    Some(sr) if !can => d.check(
                        "can fail over",
                        None,
                        format!("canFailover is false: {sr}, where it would fail over to, is down"),
                    ),
                    _ => d.check(
                        "can fail over",
                        Some(can),
                        if can {
                            "canFailover is true".to_string()
                        } else {
                            "canFailover is false".to_string()
                        },
                    ),
                }
                d.check("planned failover possible", if g.can_planned_failover == Some(true) { Some(true) } else { None }, if g.can_planned_failover == Some(true) { "a planned failover loses nothing".to_string() } else { "only an unplanned failover (loses writes after lastSyncTime) is possible now".to_string() });
            }
            if let Some(t) = sa.properties.last_geo_failover_time {
                d.prop("last geo-failover", crate::timefmt::rfc3339(t));
            }
            if sa.properties.failover_in_progress == Some(true) {
                d.check(
                    "no failover in progress",
                    Some(false),
                    "a failover is in progress",
                );
            }
            d.az.push(format!("az storage account show {} --expand geoReplicationStats --query \"{{primary:primaryLocation, secondary:secondaryLocation, geo:geoReplicationStats}}\"", id.az_args()));
        }
        Reading::SqlFg(fg, partner) => {
            let my_region = fg.location.clone().unwrap_or_else(|| ctx.primary.clone());
            let my_role = fg.properties.replication_role.clone();
            let state = fg.properties.replication_state.clone().unwrap_or_default();
            add(
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
                add(
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
                let roles_ok = my_role.is_some()
                    && p.replication_role.is_some()
                    && my_role != p.replication_role;
                d.check("one primary, one secondary", Some(roles_ok), if roles_ok { "the two servers agree on their roles".to_string() } else { "the servers' roles are inconsistent (both primary after a forced failover?)".to_string() });
            } else {
                d.check(
                    "partner server",
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
                d.check("replication live", None, format!("replication {state}: the primary's region is down; a forced failover loses the unreplicated writes"));
            } else {
                d.check(
                    "replication live",
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
                d.check("customer-managed failover", None, format!("Microsoft-managed: Azure fails over after {grace} min of outage; Manual is recommended"));
            }
            d.check(
                "replication lag",
                None,
                "not exposed by ARM (sys.dm_geo_replication_link_status); typically seconds",
            );
            let server = id.parent_name().unwrap_or_default();
            d.az.push(format!(
                "az sql failover-group show -g {} -s {server} -n {}",
                id.resource_group(),
                id.name()
            ));
        }
        Reading::Cosmos(acct) => {
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
                add(
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
                    "secondary region online",
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
            d.check("replication lag", None, "not exposed by ARM: see the ReplicationLatency metric (RPO < 15 min for session consistency)");
            d.az.push(format!("az cosmosdb show {} --query \"{{write:writeLocations[0].locationName, read:readLocations[].locationName}}\"", id.az_args()));
        }
        Reading::Acr(reg, reps) => {
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
                add(d, &region, h, format!("replica {status}{routing}"), None);
                regions_seen.insert(region);
            }
            if !regions_seen.contains(&home) {
                add(d, &home, own, "home".into(), detail.clone());
            }
            d.active = Some(home.clone());
            d.prop("sku", reg.sku.name.clone());
            let replicated = regions_seen.contains(&ctx.secondary);
            d.check(
                "replicated to the secondary",
                Some(replicated),
                if replicated {
                    format!("a replica serves in {}", ctx.secondary)
                } else {
                    format!("no replica in {}: add one (Premium sku)", ctx.secondary)
                },
            );
            d.check("failover", None, "observe only: geo-replicated registries fail over automatically (Microsoft-managed)");
            d.ha_override = Some(if replicated {
                "geo-replicated (Microsoft-managed)".to_string()
            } else {
                format!("not replicated to {}", ctx.secondary)
            });
            d.az.push(format!("az acr replication list -r {} -o table", id.name()));
        }
        Reading::KeyVault(kv) => {
            let home = kv.location.clone().unwrap_or_else(|| ctx.primary.clone());
            add(d, &home, own, "vault".into(), detail.clone());
            d.active = Some(home);
            d.check("failover", None, "observe only: Microsoft fails Key Vault over to the paired region (read-only meanwhile, can take hours); keep it out of the RTO");
            d.ha_override = Some("observe only (Microsoft-managed)".to_string());
            if let Some(u) = &kv.properties.vault_uri {
                d.prop("vault URI", u.clone());
            }
            d.az.push(format!("az keyvault show -n {}", id.name()));
        }
        _ => {}
    }
    d.az.push(health_cmd(ctx, id));
}

fn routing(
    ctx: &Ctx<'_>,
    c: &Component,
    id: &ResourceId,
    p_name: &str,
    s_name: &str,
    d: &mut Derived,
) {
    let read = read_of(ctx, id);
    let (own, detail) = combine(ctx, id, read);
    let entries: Vec<(String, bool, Option<u32>, InstanceHealth, String)> = match read {
        Some(Ok(Reading::TrafficManager(tm))) => {
            d.prop(
                "routing method",
                tm.properties
                    .traffic_routing_method
                    .clone()
                    .unwrap_or_default(),
            );
            if let Some(dns) = &tm.properties.dns_config {
                d.prop(
                    "DNS",
                    format!(
                        "{} (TTL {} s)",
                        dns.fqdn.clone().unwrap_or_default(),
                        dns.ttl.unwrap_or(0)
                    ),
                );
            }
            d.az.push(format!(
                "az network traffic-manager endpoint list -g {} --profile-name {} -o table",
                id.resource_group(),
                id.name()
            ));
            tm.properties
                .endpoints
                .iter()
                .map(|e| {
                    let enabled = e.properties.endpoint_status != Some(EnabledState::Disabled);
                    let mon = e.properties.endpoint_monitor_status.clone();
                    let h = match (&mon, enabled) {
                        (_, false) => InstanceHealth::Degraded,
                        (Some(EndpointMonitorStatus::Online), _) => InstanceHealth::Available,
                        (Some(EndpointMonitorStatus::CheckingEndpoint), _) => {
                            InstanceHealth::Degraded
                        }
                        (
                            Some(EndpointMonitorStatus::Degraded | EndpointMonitorStatus::Stopped),
                            _,
                        ) => InstanceHealth::Unavailable,
                        _ => InstanceHealth::Unknown,
                    };
                    let state = format!(
                        "{}, priority {}, {}",
                        if enabled { "enabled" } else { "disabled" },
                        e.properties.priority.unwrap_or(0),
                        mon.map_or("-".into(), |m| m.to_string())
                    );
                    (e.name.clone(), enabled, e.properties.priority, h, state)
                })
                .collect()
        }
        Some(Ok(Reading::FrontDoor(_, origins))) => {
            d.az.push(format!(
                "az afd origin list -g {} --profile-name {} --origin-group-name {} -o table",
                id.resource_group(),
                id.parent_name().unwrap_or_default(),
                id.name()
            ));
            origins
                .iter()
                .map(|o| {
                    let enabled = o.properties.enabled_state != Some(EnabledState::Disabled);
                    let h = if enabled {
                        InstanceHealth::Available
                    } else {
                        InstanceHealth::Degraded
                    };
                    let state = format!(
                        "{}, priority {}",
                        if enabled { "enabled" } else { "disabled" },
                        o.properties.priority.map_or("-".into(), |p| p.to_string())
                    );
                    (o.name.clone(), enabled, o.properties.priority, h, state)
                })
                .collect()
        }
        Some(Err(e)) => {
            d.errors.push(e.message.clone());
            d.check("readable", Some(false), short(&e.message));
            Vec::new()
        }
        _ => Vec::new(),
    };
    let word = if c.kind == ComponentKind::TrafficManager {
        "endpoint"
    } else {
        "origin"
    };
    let mut enabled_regions = Vec::new();
    for (region, name) in [(&ctx.primary, p_name), (&ctx.secondary, s_name)] {
        match entries.iter().find(|e| e.0.eq_ignore_ascii_case(name)) {
            Some((_, enabled, prio, h, state)) => {
                let (h, why) = regional_health(
                    ctx,
                    region,
                    if own == InstanceHealth::Unavailable {
                        own
                    } else {
                        *h
                    },
                );
                d.serving.insert(region.to_string(), *enabled);
                if *enabled && h == InstanceHealth::Available {
                    enabled_regions.push((region.clone(), prio.unwrap_or(u32::MAX)));
                }
                d.instances.push(InstanceStatus {
                    region: region.to_string(),
                    health: h,
                    resource_id: format!("{id}/{name}"),
                    state: state.clone(),
                    detail: why.or(detail.clone()),
                });
            }
            None if read.is_some_and(|r| r.is_ok()) => {
                d.check(
                    &format!("{word} '{name}' exists"),
                    Some(false),
                    format!("no {word} named '{name}' in {}", id.name()),
                );
                d.instances.push(InstanceStatus {
                    region: region.to_string(),
                    health: InstanceHealth::Unknown,
                    resource_id: format!("{id}/{name}"),
                    state: "missing".into(),
                    detail: None,
                });
            }
            None => d.instances.push(InstanceStatus {
                region: region.to_string(),
                health: own,
                resource_id: format!("{id}/{name}"),
                state: "unreadable".into(),
                detail: detail.clone(),
            }),
        }
    }
    let s_entry = entries.iter().find(|e| e.0.eq_ignore_ascii_case(s_name));
    if let Some((_, enabled, _, _, _)) = s_entry {
        d.check(
            &format!("secondary {word} enabled"),
            Some(*enabled),
            format!(
                "{s_name} is {}",
                if *enabled { "enabled" } else { "disabled" }
            ),
        );
    }
    if !entries.is_empty() {
        let any = entries.iter().any(|e| e.1);
        d.check(
            &format!("some {word} enabled"),
            Some(any),
            if any {
                format!("at least one {word} takes traffic")
            } else {
                format!("every {word} is disabled: nothing is served")
            },
        );
    }
    // Where traffic goes: the enabled, healthy entry with the best priority (both, if equal).
    enabled_regions.sort_by_key(|(_, p)| *p);
    d.active = enabled_regions.first().map(|(r, _)| r.clone());
}

fn drift(
    d: &mut Derived,
    name: &str,
    primary: impl Iterator<Item = String>,
    secondary: impl Iterator<Item = String>,
    secondary_region: &Region,
) {
    let p: BTreeSet<String> = primary.map(|s| s.to_ascii_lowercase()).collect();
    let s: BTreeSet<String> = secondary.map(|s| s.to_ascii_lowercase()).collect();
    let missing: Vec<&String> = p.difference(&s).collect();
    if missing.is_empty() {
        d.check(
            name,
            Some(true),
            format!("{} present in both regions", p.len()),
        );
    } else {
        d.check(
            name,
            Some(false),
            format!(
                "drift: missing in {secondary_region}: {}",
                missing
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
}

fn state_of(r: &Reading) -> String {
    match r {
        Reading::Workspace(ws, computes) => format!(
            "{}, {} computes",
            ws.properties
                .provisioning_state
                .as_ref()
                .map_or("Succeeded".into(), |p| p.to_string()),
            computes.len()
        ),
        Reading::Compute(cp) => {
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
        Reading::Endpoint(ep, deps) => format!(
            "traffic {}, {} deployment(s)",
            traffic_text(&ep.traffic),
            deps.len()
        ),
        Reading::Aks(a) => format!("{}, {} nodes", a.power(), a.node_count()),
        Reading::Flex(s) => s.role().map_or("-".into(), |r| r.to_string()),
        Reading::AppInsights(_) => "ingesting".into(),
        _ => String::new(),
    }
}

fn traffic_text(t: &BTreeMap<String, u32>) -> String {
    if t.is_empty() {
        return "none".into();
    }
    t.iter()
        .map(|(k, v)| format!("{k} {v}%"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn pct(v: u32) -> String {
    format!("{v}%")
}

fn health_word(h: InstanceHealth) -> &'static str {
    match h {
        InstanceHealth::Available => "available",
        InstanceHealth::Degraded => "degraded",
        InstanceHealth::Unavailable => "unavailable",
        InstanceHealth::Unknown => "unknown (not read)",
    }
}

fn short(s: &str) -> String {
    let s = s.lines().next().unwrap_or_default();
    if s.chars().count() > 160 {
        format!("{}…", s.chars().take(159).collect::<String>())
    } else {
        s.to_string()
    }
}

fn health_cmd(ctx: &Ctx<'_>, id: &ResourceId) -> String {
    format!(
        "az rest --method get --url \"{}{id}/providers/Microsoft.ResourceHealth/availabilityStatuses/current?api-version={}\"",
        if ctx.cfg.deployment.arm_endpoint.starts_with("http://") {
            crate::config::PUBLIC_ARM_ENDPOINT
        } else {
            ctx.cfg.deployment.arm_endpoint.as_str()
        },
        crate::azure::api::versions::RESOURCE_HEALTH
    )
}

#[cfg(test)]
mod tests;
