//! Derivations: from what was read to what it means — instance health, the active region, the
//! HA status in a responder's words, readiness checks with their reasons, region health.
//! Pure functions of the configuration and the observations, so every outcome is unit-tested.
//!
//! This file holds what every kind shares: the snapshot, region health, the component frame
//! (instances and standby checks of a paired kind, the read of a replicated one, the HA status
//! from the checks) and the [`Derived`] builder. What a kind's readings mean is in its
//! provider's file, named as in the other layers: `storage`, `sql`, `cosmos`, `flex`, `aks`,
//! `aml`, `routing`, `observe`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use time::OffsetDateTime;

use super::check::CheckId;
use super::collect::{Observations, ReadError, Reading};
use super::model::*;
use crate::azure::models::*;
use crate::config::{Component, Config, Mode, ResourceId, Targets};
use crate::region::Region;

mod aks;
mod aml;
mod aml_readiness;
mod cosmos;
mod flex;
mod observe;
mod routing;
mod sql;
mod storage;

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
        facts: facts(obs),
        reads_left: None,
        reads_waited: 0,
    };
    snap.verdict = super::verdict::verdict(&snap);
    snap
}

/// Whether an incident takes its region down: active and critical (or error) level.
fn is_critical(i: &Incident) -> bool {
    i.active
        && i.level
            .as_deref()
            .is_some_and(|l| l.eq_ignore_ascii_case("critical") || l.eq_ignore_ascii_case("error"))
}

/// The Service Health issues that touch `region`, active or not.
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

/// A region's health: outage by Service Health or half its resources unavailable, unknown when
/// it does not answer, degraded when something in it is not fully available.
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

/// Dates a detail of `c` reused from an earlier refresh (`collect/detail.rs`): the oldest, when
/// several of its resources reused theirs.
fn reused_details(ctx: &Ctx<'_>, c: &Component, d: &mut Derived) {
    let oldest = c
        .resource_ids()
        .iter()
        .filter_map(|id| ctx.obs.details_read_at.get(&id.key()))
        .min()
        .copied();
    if let Some(at) = oldest {
        let age = (ctx.obs.now - at).whole_seconds().max(0);
        d.prop(
            crate::health::collect::detail_name(c.kind),
            format!(
                "read {age} s ago (reused while healthy, ≤ {} min)",
                crate::health::collect::DETAIL_MAX_AGE.as_secs() / 60
            ),
        );
    }
}

/// One component's status: its provider's derivation, then the HA status and READY from the
/// checks (hot/hot: both regions serve; hot/cold: the standby passes every check).
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
        } => routing::derive(ctx, c, resource, primary, secondary, &mut d),
    }
    reused_details(ctx, c, &mut d);
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
            // Degraded still serves (as `words::serves_in` counts it): slower, not gone.
            matches!(
                i.health,
                InstanceHealth::Available | InstanceHealth::Degraded
            ) && d.serving.get(&i.region).copied().unwrap_or(true)
        })
        .collect();
    let serves = |r: &Region| serving.iter().any(|i| i.region == r.as_str());
    let (ha_status, ready) = if let Some(fixed) = d.ha_override.clone() {
        (fixed, failed.is_empty())
    } else if c.mode == Mode::HotHot {
        let status = match (serves(&ctx.primary), serves(&ctx.secondary)) {
            (true, true) => match serving
                .iter()
                .find(|i| i.health == InstanceHealth::Degraded)
            {
                Some(i) => format!("both serving ({} degraded)", i.region),
                None => "both serving".to_string(),
            },
            (true, false) => format!("only {} serving", ctx.primary),
            (false, true) => format!("only {} serving", ctx.secondary),
            (false, false) => "not serving".to_string(),
        };
        // Ready to fail over: the secondary serves and no check failed. The primary not
        // serving is what a failover is for (the both-serve check says so, undecided).
        let ready = serves(&ctx.secondary) && failed.is_empty();
        (with_note(status, &d.note), ready)
    } else if active == ctx.secondary {
        (format!("failed over to {}", ctx.secondary), false)
    } else if let Some(f) = failed.first() {
        (format!("standby not ready: {}", f.reason), false)
    } else {
        ("standby ready".to_string(), true)
    };
    // Up and taking no traffic (what every other reader of the snapshot must not count as
    // serving: `words::serves_in`).
    let mut idle: Vec<String> = d
        .serving
        .iter()
        .filter(|(_, serving)| !**serving)
        .map(|(region, _)| region.clone())
        .collect();
    idle.sort();
    ComponentStatus {
        name: c.name.clone(),
        kind: c.kind,
        mode: c.mode,
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
        standby: d.standby,
        idle,
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
    d.check(CheckId::BothServe, passed, reason);
}

/// The status with the provider's note in parentheses, "both serving (writes in eastus)".
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
    standby: Vec<StandbyItem>,
}

impl Derived {
    /// Adds a readiness check: passed, failed or undecided (None), with its reason.
    fn check(&mut self, id: CheckId, passed: Option<bool>, reason: impl Into<String>) {
        self.checks.push(Check {
            name: id,
            passed,
            reason: reason.into(),
        });
    }

    /// Adds a row of the standby workspace's side-by-side view.
    fn standby(
        &mut self,
        check: CheckId,
        item: impl Into<String>,
        sides: (Option<bool>, Option<bool>),
        note: impl Into<String>,
        fix: Option<String>,
    ) {
        self.standby.push(StandbyItem {
            check,
            item: item.into(),
            primary: sides.0,
            secondary: sides.1,
            note: note.into(),
            fix,
        });
    }

    /// Adds a key property, shown in this order.
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

/// What was read of `id`, if it was read.
fn read_of<'a>(ctx: &'a Ctx<'_>, id: &ResourceId) -> Option<&'a Result<Reading, ReadError>> {
    ctx.obs.reads.get(&id.key())
}

/// A paired component: one resource per region, each read on its own. The standby checks are
/// the same for every kind; the rest is its provider's.
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
            CheckId::StandbyProvisioned,
            Some(true),
            format!("{} exists in {}", s_id.name(), ctx.secondary),
        ),
        Some(Err(e)) => d.check(
            CheckId::StandbyProvisioned,
            Some(false),
            format!("{} could not be read: {}", s_id.name(), short(&e.message)),
        ),
        None => d.check(CheckId::StandbyProvisioned, None, "not read yet"),
    }
    d.check(
        CheckId::StandbyHealthy,
        Some(s_health == InstanceHealth::Available),
        match s_health {
            InstanceHealth::Available => format!("{} is available", s_id.name()),
            other => format!("{} is {}", s_id.name(), health_word(other)),
        },
    );

    let pair = Pair {
        c,
        p_id,
        s_id,
        primary: p_ok,
        primary_down: matches!(
            p_health,
            InstanceHealth::Unavailable | InstanceHealth::Unknown
        ),
    };
    match s_ok {
        Some(Reading::Workspace(sw, s_computes)) => aml::workspace(ctx, &pair, sw, s_computes, d),
        Some(Reading::Compute(sc)) => aml::compute(ctx, &pair, sc, d),
        Some(Reading::Endpoint(se, s_deps)) => aml::endpoint(ctx, &pair, se, s_deps, d),
        Some(Reading::Aks(sa)) => aks::derive(ctx, &pair, sa, d),
        Some(Reading::Flex(ss)) => flex::derive(ctx, &pair, ss, d),
        Some(Reading::AppInsights(_)) => observe::app_insights(&pair, d),
        _ => {}
    }
    if d.active.is_none()
        && c.mode == Mode::HotHot
        && pair.primary_down
        && s_health == InstanceHealth::Available
    {
        d.active = Some(ctx.secondary.clone());
    }
    d.az.push(health_cmd(ctx, s_id));
}

/// What a paired kind's derivation gets besides the secondary's reading.
#[derive(Clone, Copy)]
struct Pair<'a> {
    c: &'a Component,
    p_id: &'a ResourceId,
    s_id: &'a ResourceId,
    /// The primary's reading, when it could be read.
    primary: Option<&'a Reading>,
    /// The primary instance is unavailable or unknown.
    primary_down: bool,
}

/// A replicated component: one resource Azure replicates, read once. Unreadable, it fails
/// "readable"; read, its provider says what the replicas are.
fn replicated(ctx: &Ctx<'_>, c: &Component, id: &ResourceId, rpo: u64, d: &mut Derived) {
    let read = read_of(ctx, id);
    let (own, detail) = combine(ctx, id, read);
    if let Some(Err(e)) = read {
        d.errors.push(e.message.clone());
        // Microsoft's to fail over (a registry, a vault) and unreadable while the primary is
        // down: its control plane is in the downed region; that decides nothing about the
        // standby (undecided, not a failed check) and it serves nowhere we can see.
        let observed_in_outage = matches!(
            c.kind,
            crate::config::ComponentKind::ContainerRegistry
                | crate::config::ComponentKind::KeyVault
        ) && ctx.regions_down.contains(&ctx.primary);
        d.instances.push(InstanceStatus {
            region: ctx.primary.to_string(),
            health: if observed_in_outage {
                InstanceHealth::Unknown
            } else {
                own
            },
            resource_id: id.to_string(),
            state: "unreadable".into(),
            detail,
        });
        if observed_in_outage {
            d.check(
                CheckId::Readable,
                None,
                format!(
                    "its control plane in {} does not answer during the outage; Microsoft fails it over: {}",
                    ctx.primary,
                    short(&e.message)
                ),
            );
            d.ha_override = Some(format!(
                "observe only (Microsoft-managed): not readable while {} is down",
                ctx.primary
            ));
        } else {
            d.check(CheckId::Readable, Some(false), short(&e.message));
        }
        unreadable_commands(ctx, c, id, d);
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
            CheckId::Readable,
            Some(false),
            format!("{} was not read", id.name()),
        );
        return;
    };
    // A SQL group read through its partner server (the configured one did not answer): the
    // instance it describes first is the partner's.
    let seen_from = match reading {
        Reading::SqlFg(fg, _) => ResourceId::parse(&fg.id)
            .ok()
            .filter(|v| v.key() != id.key()),
        _ => None,
    };
    let (id, own, detail) = match &seen_from {
        Some(v) => {
            d.prop(
                "read through",
                format!(
                    "{} (its partner; {} does not answer)",
                    v.parent_name().unwrap_or_default(),
                    id.parent_name().unwrap_or_default()
                ),
            );
            let (own, detail) = combine(ctx, v, read);
            (v, own, detail)
        }
        None => (id, own, detail),
    };
    let one = Replicated {
        c,
        id,
        own,
        detail,
        rpo,
    };
    match reading {
        Reading::Storage(sa) => storage::derive(ctx, &one, sa, d),
        Reading::SqlFg(fg, partner) => sql::derive(ctx, &one, fg, partner.as_ref(), d),
        Reading::Cosmos(acct) => cosmos::derive(ctx, &one, acct, d),
        Reading::Acr(reg, reps) => observe::registry(ctx, &one, reg, reps, d),
        Reading::KeyVault(kv) => observe::key_vault(ctx, &one, kv, d),
        _ => {}
    }
    d.az.push(health_cmd(ctx, id));
}

/// The commands to look by hand at a replicated resource that could not be read: its Resource
/// Health and, for a SQL failover group whose partner is known, the group as the partner sees it
/// (what a forced failover acts on).
fn unreadable_commands(ctx: &Ctx<'_>, c: &Component, id: &ResourceId, d: &mut Derived) {
    if c.kind == crate::config::ComponentKind::SqlFailoverGroup
        && let Some(p) = ctx.obs.sql_partners.get(&id.key())
        && let Ok(on_partner) =
            ResourceId::parse(&format!("{}/failoverGroups/{}", p.server, id.name()))
    {
        d.prop("partner server", p.server.name().to_string());
        d.az.push(crate::azure::az::sql::show(&on_partner));
    }
    d.az.push(health_cmd(ctx, id));
}

/// What a replicated kind's derivation gets besides its reading.
struct Replicated<'a> {
    c: &'a Component,
    id: &'a ResourceId,
    /// The resource's own health (Resource Health and the read combined).
    own: InstanceHealth,
    /// Why it is not available, if it is not.
    detail: Option<String>,
    /// The component's RPO in seconds.
    rpo: u64,
}

impl Replicated<'_> {
    /// Adds the resource's replica in `region`, unavailable when the region is down.
    fn add(
        &self,
        ctx: &Ctx<'_>,
        d: &mut Derived,
        region: &Region,
        health: InstanceHealth,
        state: String,
        detail: Option<String>,
    ) {
        let (h, why) = regional_health(ctx, region, health);
        d.instances.push(InstanceStatus {
            region: region.to_string(),
            health: h,
            resource_id: self.id.to_string(),
            state,
            detail: why.or(detail),
        });
    }
}

/// Checks that the secondary has every item the primary has (compute clusters, deployments,
/// node pools), case-insensitively.
fn drift(
    d: &mut Derived,
    id: CheckId,
    primary: impl Iterator<Item = String>,
    secondary: impl Iterator<Item = String>,
    secondary_region: &Region,
) {
    let p: BTreeSet<String> = primary.map(|s| s.to_ascii_lowercase()).collect();
    let s: BTreeSet<String> = secondary.map(|s| s.to_ascii_lowercase()).collect();
    let missing: Vec<&String> = p.difference(&s).collect();
    if missing.is_empty() {
        d.check(
            id,
            Some(true),
            format!("{} present in both regions", p.len()),
        );
    } else {
        d.check(
            id,
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

/// The short state of a paired instance, from its provider.
fn state_of(r: &Reading) -> String {
    match r {
        Reading::Workspace(ws, computes) => aml::workspace_state(ws, computes),
        Reading::Compute(cp) => aml::compute_state(cp),
        Reading::Endpoint(ep, deps) => aml::endpoint_state(ep, deps),
        Reading::Aks(a) => aks::state(a),
        Reading::Flex(s) => flex::state(s),
        Reading::AppInsights(_) => observe::app_insights_state(),
        _ => String::new(),
    }
}

/// An instance's health as the standby check says it.
fn health_word(h: InstanceHealth) -> &'static str {
    match h {
        InstanceHealth::Available => "available",
        InstanceHealth::Degraded => "degraded",
        InstanceHealth::Unavailable => "unavailable",
        InstanceHealth::Unknown => "unknown (not read)",
    }
}

/// The first line of an error, at most 160 characters.
fn short(s: &str) -> String {
    let s = s.lines().next().unwrap_or_default();
    if s.chars().count() > 160 {
        format!("{}…", s.chars().take(159).collect::<String>())
    } else {
        s.to_string()
    }
}

/// The facts this pass saw: the partner servers of SQL failover groups, seen live now, or (from
/// the cache) when they were last seen (the configuration's are not facts: it always has them).
fn facts(obs: &Observations) -> super::model::Facts {
    use crate::health::collect::PartnerSource;
    let mut sql_partners: Vec<super::model::PartnerFact> = obs
        .sql_partners
        .iter()
        .filter(|(_, p)| p.source != PartnerSource::Config)
        .map(|(group, p)| super::model::PartnerFact {
            group: group.clone(),
            server: p.server.to_string(),
            seen_at: match p.source {
                PartnerSource::Cache { seen_at } => seen_at,
                _ => obs.now,
            },
        })
        .collect();
    sql_partners.sort_by(|a, b| a.group.cmp(&b.group));
    let mut capacities: Vec<super::model::CapacityFact> = obs
        .reads
        .iter()
        .filter_map(|(id, r)| {
            let capacity = match r.as_ref().ok()? {
                Reading::Compute(c) => {
                    let s = c.properties.properties.as_ref()?.scale_settings.as_ref()?;
                    super::model::Capacity::Compute {
                        min: s.min_node_count,
                        max: s.max_node_count,
                    }
                }
                Reading::Aks(a) => super::model::Capacity::NodePools {
                    pools: a
                        .properties
                        .agent_pool_profiles
                        .iter()
                        .map(|p| (p.name.clone(), p.count.unwrap_or(0)))
                        .collect(),
                },
                _ => return None,
            };
            Some(super::model::CapacityFact {
                resource: id.clone(),
                capacity,
                seen_at: obs.now,
            })
        })
        .collect();
    capacities.sort_by(|a, b| a.resource.cmp(&b.resource));
    super::model::Facts {
        sql_partners,
        capacities,
    }
}

/// The `az rest` command that reads the resource's Resource Health (a relative URL: the CLI
/// resolves it against the signed-in cloud).
fn health_cmd(_ctx: &Ctx<'_>, id: &ResourceId) -> String {
    crate::azure::az::health::availability(id)
}

#[cfg(test)]
mod tests;
