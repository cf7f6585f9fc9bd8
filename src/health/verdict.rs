//! The verdict: what the responder should do now (fail over, fail back, or nothing), whether the
//! runbook for it would pass its preconditions, what would stop it and what it would cost.
//! One pure derivation of the snapshot (CONTRACT.md "The verdict"), said by the console's first
//! line, `status` and `status --format json`.
//!
//! Where the contract is silent:
//! - Where the deployment serves is decided by the components whose active region is decisive:
//!   the data stores (storage, SQL failover group, PostgreSQL and MySQL flexible servers, Cosmos
//!   DB by its write region) and the routers (Traffic Manager, Front Door); a deployment with
//!   none of them is decided by its hot/cold paired components. Observe-only kinds (Key Vault,
//!   container registry, Application Insights) and hot/hot paired components never decide it:
//!   they serve in both regions.
//! - `failover` when the primary region is down or not responding, or a deciding component
//!   still served from the primary is unavailable there, and some deciding component is still
//!   served from the primary (a failover half done is still a failover). `failback` when none is
//!   served from the primary any more, some is from the secondary, and the primary can take
//!   production back ([`primary_ready_for_failback`]: healthy, or degraded only by what the
//!   failback itself repairs). `none` otherwise; `possible` and `blockers` then describe a
//!   (planned) failover.
//! - `variant` is `forced` when the source region is down or not responding, as the runbook
//!   generation decides it (src/runbook/plan.rs).
//! - Blockers are what would make the run fail: the target region not healthy, and for each
//!   component that still has to move its failed readiness checks, or a target instance down.
//!   Components already moved and observe-only kinds never block; hot/hot paired components
//!   block a failover only through their own failed checks. The consequences of the outage
//!   itself (a primary that does not answer, replication out of it frozen, the lag growing past
//!   the RPO meanwhile, a write region in the downed region, a hot/hot component serving only in
//!   the secondary) are listed in `consequences` and priced in the data-loss estimate. A lag
//!   over the RPO while the source answers does not block either: a planned failover
//!   synchronises first, and the runbook's standby check leaves lag to the data-loss estimate.
//! - When nothing is left to move, the run of that kind would find every step already done:
//!   that is its blocker ("nothing left to fail over").
//! - `estimated_data_loss_seconds`: for a forced variant, the largest replication lag of the
//!   data stores still served from the source region, rounded.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::check::CheckId;
use super::model::*;
use super::report::sanitize;
use crate::config::{ComponentKind, RunbookKind, Shape};
use crate::timefmt::human;

/// What the responder should do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Recommendation {
    #[default]
    None,
    Failover,
    Failback,
}

/// How the recommended run moves the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    /// The source answers: everything synchronises first, nothing is lost.
    Planned,
    /// The source is down or silent: the target takes over at once, unreplicated writes are lost.
    Forced,
}

/// Something that would make the run fail now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocker {
    /// The component, or none for the region.
    pub component: Option<String>,
    pub reason: String,
}

impl Blocker {
    /// "feature-store: ..." or the region's reason, sanitized for one line.
    fn text(&self) -> String {
        match &self.component {
            Some(c) => format!("{}: {}", sanitize(c), sanitize(&self.reason)),
            None => sanitize(&self.reason),
        }
    }
}

/// The verdict of one snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Verdict {
    pub recommendation: Recommendation,
    /// Whether the recommended runbook (for `none`: a planned failover) would pass its
    /// preconditions now.
    pub possible: bool,
    /// Null for `none`.
    pub variant: Option<Variant>,
    pub blockers: Vec<Blocker>,
    pub estimated_data_loss_seconds: Option<u64>,
    /// One line: the situation, the verdict, what it costs, what to type.
    pub summary: String,
    /// The region the deployment serves from now; null while it is split between both.
    pub serving_from: Option<String>,
    /// What the outage does that no run can undo (not blockers).
    pub consequences: Vec<String>,
}

/// The verdict of a snapshot.
pub fn verdict(snap: &Snapshot) -> Verdict {
    let r = Roles::of(snap);
    let deciders = deciders(snap);
    let in_primary: Vec<&ComponentStatus> = deciders
        .iter()
        .copied()
        .filter(|c| c.active_region == r.primary)
        .collect();
    let in_secondary: Vec<&ComponentStatus> = deciders
        .iter()
        .copied()
        .filter(|c| c.active_region == r.secondary)
        .collect();
    let down_in_primary: Vec<&ComponentStatus> = in_primary
        .iter()
        .copied()
        .filter(|c| {
            c.instance(r.primary)
                .is_some_and(|i| i.health == InstanceHealth::Unavailable)
        })
        .collect();
    let failback_ready = failback_readiness(snap);
    let recommendation = if !in_primary.is_empty()
        && (is_down(r.health(RegionRole::Primary)) || !down_in_primary.is_empty())
    {
        Recommendation::Failover
    } else if in_primary.is_empty() && !in_secondary.is_empty() && failback_ready.is_ok() {
        Recommendation::Failback
    } else {
        Recommendation::None
    };
    let kind = if recommendation == Recommendation::Failback {
        RunbookKind::Failback
    } else {
        RunbookKind::Failover
    };
    let (from, from_role) = r.source(kind);
    let forced = is_down(r.health(from_role));
    let variant = match recommendation {
        Recommendation::None => None,
        _ if forced => Some(Variant::Forced),
        _ => Some(Variant::Planned),
    };
    let blockers = blockers(snap, kind);
    let estimated_data_loss_seconds = if variant == Some(Variant::Forced) {
        snap.components
            .iter()
            .filter(|c| is_data(c) && c.active_region == from)
            .filter_map(|c| c.lag_seconds)
            .fold(None, |m: Option<f64>, l| Some(m.map_or(l, |m| m.max(l))))
            .map(|l| l.round() as u64)
    } else {
        None
    };
    let serving_from = match (in_primary.is_empty(), in_secondary.is_empty()) {
        (false, true) => Some(r.primary.to_string()),
        (true, false) => Some(r.secondary.to_string()),
        _ => None,
    };
    let mut v = Verdict {
        recommendation,
        possible: blockers.is_empty(),
        variant,
        blockers,
        estimated_data_loss_seconds,
        summary: String::new(),
        serving_from,
        consequences: consequences(snap, &r, kind),
    };
    if let (RunbookKind::Failback, Ok(repairs)) = (kind, &failback_ready) {
        v.consequences
            .extend(repairs.iter().map(|(_, why)| why.clone()));
    }
    v.summary = summary::summary(
        &r,
        &v,
        &summary::Situation {
            in_primary: &in_primary,
            in_secondary: &in_secondary,
            down_in_primary: &down_in_primary,
            failback_ready: &failback_ready,
            lagging: lagging(snap, r.primary),
        },
    );
    v
}

/// What would make a run of `kind` fail now (the blockers the verdict lists when it recommends
/// that kind): the target region's, then "nothing left", then the components'.
pub fn blockers(snap: &Snapshot, kind: RunbookKind) -> Vec<Blocker> {
    let mut out = region_blockers(snap, kind);
    out.extend(nothing_left(snap, kind));
    out.extend(component_blockers(snap, kind));
    out
}

/// The region that stops a run of `kind`: the failover's target not healthy (unless only what
/// is moving degrades it), the failback's primary not ready to take production back.
pub fn region_blockers(snap: &Snapshot, kind: RunbookKind) -> Vec<Blocker> {
    let mut out = Vec::new();
    match kind {
        RunbookKind::Failover => match snap.region(RegionRole::Secondary) {
            None => out.push(region_blocker("no secondary region in the snapshot".into())),
            Some(s) if s.health == RegionHealth::Healthy => {}
            Some(s) if s.health == RegionHealth::Degraded && degraded_only_by_motion(snap, s) => {}
            Some(s) => out.push(region_blocker(region_trouble(s))),
        },
        RunbookKind::Failback => {
            if let Err(why) = primary_ready_for_failback(snap) {
                out.push(region_blocker(why));
            }
        }
    }
    out
}

/// The blocker of a run of `kind` with nothing to move: no deciding component is served from
/// its source ("nothing left to fail over: the deployment serves from westus").
pub fn nothing_left(snap: &Snapshot, kind: RunbookKind) -> Option<Blocker> {
    let r = Roles::of(snap);
    let (from, _) = r.source(kind);
    let to = r.target(kind);
    let deciding = deciders(snap);
    if deciding.is_empty() || deciding.iter().any(|c| c.active_region == from) {
        return None;
    }
    let verb = match kind {
        RunbookKind::Failover => "fail over",
        RunbookKind::Failback => "fail back",
    };
    Some(region_blocker(
        if deciding.iter().all(|c| c.active_region == to) {
            format!("nothing left to {verb}: the deployment serves from {to}")
        } else {
            format!("nothing left to {verb}: nothing is served from {from}")
        },
    ))
}

/// The components that stop a run of `kind`: their failed checks, or a target instance down.
fn component_blockers(snap: &Snapshot, kind: RunbookKind) -> Vec<Blocker> {
    let r = Roles::of(snap);
    let (from, _) = r.source(kind);
    let to = r.target(kind);
    let mut out = Vec::new();
    for c in &snap.components {
        if is_observe_only(c) {
            continue;
        }
        if !moves(c) {
            // Hot/hot: it already serves in both; only its own failed checks stand in the way.
            if kind == RunbookKind::Failover {
                out.extend(failed(c, kind).map(|k| blocker(c, &k.reason)));
            }
            continue;
        }
        if c.active_region != from || in_motion(c) {
            continue;
        }
        let before = out.len();
        out.extend(failed(c, kind).map(|k| blocker(c, &k.reason)));
        if out.len() > before {
            continue;
        }
        let repaired = kind == RunbookKind::Failback && repaired_by_failback(c, to).is_some();
        if let Some(i) = c.instance(to).filter(|i| target_down(c, i) && !repaired) {
            let why = i.detail.as_deref().unwrap_or(&i.state);
            out.push(blocker(
                c,
                &format!("{to} {}: {}", health_word(i.health), why),
            ));
        }
    }
    out
}

/// A blocker about the region, not one component.
fn region_blocker(reason: String) -> Blocker {
    Blocker {
        component: None,
        reason,
    }
}

/// Failback: whether the primary region can take production back. Ok(list of degradations the
/// failback itself repairs, e.g. "sessions: eastus offline for the account (the failback brings
/// it online)", "training-data: no replica in eastus (the failback re-protects it)") or Err(why
/// not).
pub fn primary_ready_for_failback(snap: &Snapshot) -> Result<Vec<String>, String> {
    failback_readiness(snap).map(|list| list.into_iter().map(|(_, why)| why).collect())
}

/// As [`primary_ready_for_failback`], with the component each repair is about.
fn failback_readiness(snap: &Snapshot) -> Result<Vec<(&str, String)>, String> {
    let r = Roles::of(snap);
    let Some(p) = snap.region(RegionRole::Primary) else {
        return Err("no primary region in the snapshot".into());
    };
    if is_down(p.health) {
        return Err(region_trouble(p));
    }
    let repaired: Vec<(&str, String)> = snap
        .components
        .iter()
        .filter(|c| !is_observe_only(c) && c.active_region == r.secondary)
        .filter_map(|c| repaired_by_failback(c, &p.name).map(|why| (c.name.as_str(), why)))
        .collect();
    if p.health == RegionHealth::Degraded {
        if p.incidents.iter().any(|i| i.active) {
            return Err(region_trouble(p));
        }
        // The region counts its resources as derive does: routers are configuration, not health.
        let unexplained: Vec<String> = snap
            .components
            .iter()
            .filter(|c| !is_routing(c))
            .filter(|c| {
                c.instance(&p.name)
                    .is_some_and(|i| i.health != InstanceHealth::Available)
            })
            .filter(|c| !repaired.iter().any(|(name, _)| *name == c.name))
            .map(|c| sanitize(&c.name))
            .collect();
        if !unexplained.is_empty() {
            return Err(format!(
                "{} degraded ({}: {})",
                p.name,
                sanitize(&p.reason),
                unexplained.join(", ")
            ));
        }
    }
    Ok(repaired)
}

/// The two regions' names and health.
struct Roles<'a> {
    snap: &'a Snapshot,
    primary: &'a str,
    secondary: &'a str,
}

impl<'a> Roles<'a> {
    /// The regions of a snapshot (empty names when it lacks them).
    fn of(snap: &'a Snapshot) -> Roles<'a> {
        let name = |role| snap.region(role).map_or("", |r| r.name.as_str());
        Roles {
            snap,
            primary: name(RegionRole::Primary),
            secondary: name(RegionRole::Secondary),
        }
    }

    /// A region's health; unknown when the snapshot lacks it.
    fn health(&self, role: RegionRole) -> RegionHealth {
        self.snap
            .region(role)
            .map_or(RegionHealth::Unknown, |r| r.health)
    }

    /// The region a run of `kind` moves away from, and its role.
    fn source(&self, kind: RunbookKind) -> (&'a str, RegionRole) {
        match kind {
            RunbookKind::Failover => (self.primary, RegionRole::Primary),
            RunbookKind::Failback => (self.secondary, RegionRole::Secondary),
        }
    }

    /// The region a run of `kind` moves to.
    fn target(&self, kind: RunbookKind) -> &'a str {
        match kind {
            RunbookKind::Failover => self.secondary,
            RunbookKind::Failback => self.primary,
        }
    }
}

/// Down or not answering: what makes a run forced.
fn is_down(h: RegionHealth) -> bool {
    matches!(h, RegionHealth::Outage | RegionHealth::Unknown)
}

/// Whether a region is degraded only because components are being failed over into it (a
/// storage account is unavailable in both regions while it fails over), with no incident.
fn degraded_only_by_motion(snap: &Snapshot, r: &RegionStatus) -> bool {
    let troubled: Vec<&ComponentStatus> = snap
        .components
        .iter()
        .filter(|c| {
            !is_routing(c)
                && c.instance(&r.name)
                    .is_some_and(|i| i.health != InstanceHealth::Available)
        })
        .collect();
    !r.incidents.iter().any(|i| i.active)
        && !troubled.is_empty()
        && troubled.iter().all(|c| in_motion(c))
}

/// "westus degraded (Service Health: ...)", "eastus down (...)", "eastus not responding".
fn region_trouble(r: &RegionStatus) -> String {
    match r.health {
        RegionHealth::Healthy => format!("{} healthy", r.name),
        RegionHealth::Degraded => format!("{} degraded ({})", r.name, sanitize(&r.reason)),
        RegionHealth::Outage => format!("{} down ({})", r.name, sanitize(&r.reason)),
        RegionHealth::Unknown => format!("{} not responding", r.name),
    }
}

/// "eastus healthy", "eastus degraded", "eastus down", "eastus not responding".
fn region_words(r: &Roles<'_>, role: RegionRole) -> String {
    let name = if role == RegionRole::Primary {
        r.primary
    } else {
        r.secondary
    };
    let word = match r.health(role) {
        RegionHealth::Healthy => "healthy",
        RegionHealth::Degraded => "degraded",
        RegionHealth::Outage => "down",
        RegionHealth::Unknown => "not responding",
    };
    format!("{name} {word}")
}

/// The component's kind.
fn kind_of(c: &ComponentStatus) -> Option<ComponentKind> {
    Some(c.kind)
}

/// Microsoft fails these over (or they are per region): azfailover only observes them.
fn is_observe_only(c: &ComponentStatus) -> bool {
    matches!(
        kind_of(c),
        Some(
            ComponentKind::KeyVault | ComponentKind::ContainerRegistry | ComponentKind::AppInsights
        )
    )
}

/// Data stores: what a failover moves first and what can lose writes.
fn is_data(c: &ComponentStatus) -> bool {
    matches!(
        kind_of(c),
        Some(
            ComponentKind::Storage
                | ComponentKind::SqlFailoverGroup
                | ComponentKind::PostgresFlexible
                | ComponentKind::MysqlFlexible
                | ComponentKind::CosmosDb
        )
    )
}

/// Global routers (Traffic Manager, Front Door).
fn is_routing(c: &ComponentStatus) -> bool {
    matches!(
        kind_of(c),
        Some(ComponentKind::TrafficManager | ComponentKind::FrontDoor)
    )
}

/// Whether both regions serve.
fn is_hot_hot(c: &ComponentStatus) -> bool {
    c.mode == crate::config::Mode::HotHot
}

/// Whether the component moves in a run: data stores and routers always, others when hot/cold.
fn moves(c: &ComponentStatus) -> bool {
    !is_observe_only(c) && (is_data(c) || is_routing(c) || !is_hot_hot(c))
}

/// The components whose active region says where the deployment serves.
fn deciders(snap: &Snapshot) -> Vec<&ComponentStatus> {
    let decisive: Vec<&ComponentStatus> = snap
        .components
        .iter()
        .filter(|c| is_data(c) || is_routing(c))
        .collect();
    if !decisive.is_empty() {
        return decisive;
    }
    snap.components
        .iter()
        .filter(|c| {
            !is_hot_hot(c)
                && !is_observe_only(c)
                && kind_of(c).is_some_and(|k| k.shape() == Shape::Paired)
        })
        .collect()
}

/// Whether Azure is failing the component over right now (a run is moving it): its target is
/// unavailable meanwhile, which is no reason to stop the run.
fn in_motion(c: &ComponentStatus) -> bool {
    c.checks
        .iter()
        .any(|k| k.name == CheckId::NoFailoverInProgress && k.passed == Some(false))
}

/// The failed checks that stand in the way of a run of `kind`.
fn failed(c: &ComponentStatus, kind: RunbookKind) -> impl Iterator<Item = &Check> {
    c.checks
        .iter()
        .filter(|k| k.passed == Some(false))
        .filter(move |k| match kind {
            // A lag over the RPO: a planned failover synchronises first.
            RunbookKind::Failover => k.name != CheckId::LagWithinRpo,
            RunbookKind::Failback => blocks_failback(c, k),
        })
}

/// Whether a failed check stops a failback. The checks are written for the failover direction:
/// those about the secondary as a standby describe the failback's source, and the replication
/// the failback re-protects and waits for (storage) or has rebuilt (flexible servers) is its job.
fn blocks_failback(c: &ComponentStatus, k: &Check) -> bool {
    let repaired: &[CheckId] = match kind_of(c) {
        Some(ComponentKind::Storage) => &[
            CheckId::GeoRedundant,
            CheckId::ReplicationLive,
            CheckId::LagWithinRpo,
            CheckId::CanFailOver,
            CheckId::PlannedFailoverPossible,
        ],
        Some(ComponentKind::PostgresFlexible | ComponentKind::MysqlFlexible) => {
            &[CheckId::ReplicaOfPrimary, CheckId::ReplicationLive]
        }
        _ => &[],
    };
    // The secondary serving less while production moves back is the failback's own doing.
    !k.name.is_about_standby() && !repaired.contains(&k.name) && k.name != CheckId::BothServe
}

/// Whether the instance a run moves to cannot take over.
fn target_down(c: &ComponentStatus, i: &InstanceStatus) -> bool {
    match i.health {
        InstanceHealth::Available => false,
        // A disabled endpoint or origin is what the traffic steps enable.
        InstanceHealth::Degraded => !is_routing(c),
        InstanceHealth::Unavailable | InstanceHealth::Unknown => true,
    }
}

/// What a failback repairs on its way back to `primary`, in a responder's words.
fn repaired_by_failback(c: &ComponentStatus, primary: &str) -> Option<String> {
    let name = sanitize(&c.name);
    let inst = c.instance(primary);
    let failed = |check: CheckId| {
        c.checks
            .iter()
            .any(|k| k.name == check && k.passed == Some(false))
    };
    match kind_of(c)? {
        ComponentKind::CosmosDb if inst.is_some_and(|i| i.state == "offline") => Some(format!(
            "{name}: {primary} offline for the account (the failback brings it online)"
        )),
        ComponentKind::Storage
            if inst.is_none_or(|i| i.state == "no replica") || failed(CheckId::GeoRedundant) =>
        {
            Some(format!(
                "{name}: no replica in {primary} (the failback re-protects it)"
            ))
        }
        ComponentKind::Storage
            if failed(CheckId::ReplicationLive)
                || failed(CheckId::CanFailOver)
                || !c.checks.iter().any(|k| {
                    k.name == CheckId::PlannedFailoverPossible && k.passed == Some(true)
                }) =>
        {
            Some(format!(
                "{name}: replication to {primary} not Live yet (the failback waits until it is)"
            ))
        }
        ComponentKind::PostgresFlexible | ComponentKind::MysqlFlexible
            if inst.is_some_and(|i| {
                ["Primary", "None", "Source"]
                    .iter()
                    .any(|r| i.state.eq_ignore_ascii_case(r))
            }) =>
        {
            Some(format!(
                "{name}: the {primary} server is no replica (the failback has it recreated first)"
            ))
        }
        _ => None,
    }
}

/// A blocker about component `c`.
fn blocker(c: &ComponentStatus, reason: &str) -> Blocker {
    Blocker {
        component: Some(c.name.clone()),
        reason: reason.to_string(),
    }
}

/// An instance's health in a blocker's words.
fn health_word(h: InstanceHealth) -> &'static str {
    match h {
        InstanceHealth::Available => "available",
        InstanceHealth::Degraded => "degraded",
        InstanceHealth::Unavailable => "unavailable",
        InstanceHealth::Unknown => "unknown",
    }
}

/// Whether the instance serves (available or degraded).
fn serves(i: Option<&InstanceStatus>) -> bool {
    i.is_some_and(|i| {
        matches!(
            i.health,
            InstanceHealth::Available | InstanceHealth::Degraded
        )
    })
}

/// "6 min", "45 s".
fn duration(seconds: f64) -> String {
    human(Duration::from_secs_f64(seconds.max(0.0)))
}

/// What the outage does, seen from the source of a run of `kind`: not blockers.
fn consequences(snap: &Snapshot, r: &Roles<'_>, kind: RunbookKind) -> Vec<String> {
    let (from, from_role) = r.source(kind);
    let to = r.target(kind);
    let mut out = Vec::new();
    let from_down = is_down(r.health(from_role));
    if from_down && let Some(region) = snap.region(from_role) {
        out.push(region_trouble(region));
    }
    for c in &snap.components {
        if is_observe_only(c) {
            continue;
        }
        let name = sanitize(&c.name);
        if !moves(c) {
            if !serves(c.instance(from)) && serves(c.instance(to)) {
                out.push(format!("{name}: only {to} serving"));
            }
            continue;
        }
        if c.active_region != from || !is_data(c) {
            continue;
        }
        if in_motion(c) {
            out.push(format!(
                "{name}: failing over now (unavailable in {to} until it is done)"
            ));
        }
        let source_down = from_down
            || c.instance(from)
                .is_some_and(|i| i.health == InstanceHealth::Unavailable);
        match (source_down, c.lag_seconds) {
            (true, Some(lag)) => out.push(format!(
                "{name}: lag {} vs RPO {}{}, growing while {from} is down: a forced failover loses it",
                duration(lag),
                duration(c.rpo_seconds as f64),
                if c.lag_over_rpo() { " (past the RPO)" } else { "" }
            )),
            (true, None) if kind_of(c) == Some(ComponentKind::CosmosDb) => out.push(format!(
                "{name}: its write region {from} is down (the failover moves the writes; unreplicated ones are lost)"
            )),
            (true, None) => out.push(format!(
                "{name}: replication out of {from} stopped (unreplicated writes are lost)"
            )),
            (false, Some(lag)) if c.lag_over_rpo() => out.push(format!(
                "{name}: lag {} vs RPO {} (a planned failover synchronises first)",
                duration(lag),
                duration(c.rpo_seconds as f64)
            )),
            (false, _) => {}
        }
    }
    out
}

/// Data stores served from `region` whose lag is over their RPO: "training-data lags 20 min".
fn lagging(snap: &Snapshot, region: &str) -> Vec<String> {
    snap.components
        .iter()
        .filter(|c| is_data(c) && c.active_region == region && c.lag_over_rpo())
        .map(|c| {
            format!(
                "{} lags {} (RPO {})",
                sanitize(&c.name),
                duration(c.lag_seconds.unwrap_or_default()),
                duration(c.rpo_seconds as f64)
            )
        })
        .collect()
}

mod summary;
#[cfg(test)]
mod tests;
