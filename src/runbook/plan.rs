//! Runbook generation from the topology and the live state (DR-RUNBOOKS.md): failover (planned
//! when the source region answers, forced when it does not) and failback (re-protect first,
//! then planned moves back). Phases run in order: prepare, data, compute, verify, traffic,
//! finish.
//!
//! This file holds what every kind shares: the phases' order, prepare, the verify gate and
//! finish. A kind's data, compute and traffic steps (and its part of finish) are in its
//! provider's file, named as in the other layers: `storage`, `sql`, `cosmos`, `flex`, `aks`,
//! `aml`, `routing`, `observe`.

use std::time::Duration;

use super::model::*;
use crate::config::{
    Component, ComponentKind, Config, Mode, Phase, ResourceId, RunbookKind, Targets,
};
use crate::health::collect::{Observations, Reading};
use crate::health::{RegionHealth, RegionRole, Snapshot};
use crate::region::Region;

mod aks;
mod aml;
mod cosmos;
mod flex;
mod observe;
mod routing;
mod sql;
mod storage;

/// What generation looks at.
struct Gen<'a> {
    cfg: &'a Config,
    obs: &'a Observations,
    snap: &'a Snapshot,
    kind: RunbookKind,
    from: Region,
    to: Region,
    forced: bool,
    steps: Vec<Step>,
}

/// Builds the runbook that would run now.
pub fn plan(cfg: &Config, obs: &Observations, snap: &Snapshot, kind: RunbookKind) -> Runbook {
    let (p, s) = (
        cfg.deployment.primary_region.clone(),
        cfg.deployment.secondary_region.clone(),
    );
    let (from, to) = match kind {
        RunbookKind::Failover => (p, s),
        RunbookKind::Failback => (s, p),
    };
    let role = if kind == RunbookKind::Failover {
        RegionRole::Primary
    } else {
        RegionRole::Secondary
    };
    let from_health = snap
        .region(role)
        .map_or(RegionHealth::Unknown, |r| r.health);
    let forced = matches!(from_health, RegionHealth::Outage | RegionHealth::Unknown);
    let mut g = Gen {
        cfg,
        obs,
        snap,
        kind,
        from,
        to,
        forced,
        steps: Vec::new(),
    };
    g.prepare();
    for c in &cfg.components {
        g.data(c);
    }
    for c in &cfg.components {
        g.compute(c);
    }
    g.verify_gate();
    for c in &cfg.components {
        g.traffic(c);
    }
    g.finish();
    g.custom_steps();
    let mut steps = g.steps;
    // Phases in order; generation order within a phase (custom steps last).
    steps.sort_by_key(|s| s.phase);
    if let Some(last) = steps.iter_mut().rev().find(|s| s.phase == Phase::Traffic) {
        last.completes_traffic_shift = true;
    } else if let Some(gate) = steps.iter_mut().find(|s| s.id == "verify.gate") {
        gate.completes_traffic_shift = true;
    }
    Runbook {
        kind,
        deployment: cfg.deployment.name.clone(),
        from_region: g.from,
        to_region: g.to,
        forced,
        steps,
    }
}

/// A step with the defaults: confirmed unless it only verifies, 15 minutes to finish.
fn step(id: String, title: String, phase: Phase, kind: StepKind) -> Step {
    Step {
        id,
        title,
        why: String::new(),
        component: None,
        phase,
        kind,
        confirm: if kind == StepKind::Verify {
            Confirm::None
        } else {
            Confirm::Yes
        },
        destructive: false,
        data_loss: None,
        az: Vec::new(),
        action: None,
        preconditions: Vec::new(),
        postcondition: None,
        timeout: Duration::from_secs(15 * 60),
        parallel_group: None,
        after: None,
        outside_rto: false,
        completes_traffic_shift: false,
    }
}

impl Gen<'_> {
    /// What was read of `id`, if it could be.
    /// How long before this reading something was seen, in words ("12 min").
    fn ago(&self, at: time::OffsetDateTime) -> String {
        let age = (self.obs.now - at).as_seconds_f64().max(0.0);
        crate::timefmt::human(std::time::Duration::from_secs_f64(age))
    }

    fn reading(&self, id: &ResourceId) -> Option<&Reading> {
        self.obs.reads.get(&id.key()).and_then(|r| r.as_ref().ok())
    }

    /// Whether this is a failover (not a failback).
    fn failover(&self) -> bool {
        self.kind == RunbookKind::Failover
    }

    /// The paired resource in the target / source region.
    fn side<'c>(&self, c: &'c Component) -> Option<(&'c ResourceId, &'c ResourceId)> {
        match &c.targets {
            Targets::Paired { primary, secondary } if self.failover() => Some((primary, secondary)),
            Targets::Paired { primary, secondary } => Some((secondary, primary)),
            _ => None,
        }
    }

    /// Adds a step, about `c` when given.
    fn push(&mut self, mut s: Step, c: Option<&Component>) {
        if let Some(c) = c {
            s.component = Some(c.name.clone());
        }
        self.steps.push(s);
    }

    /// A destructive, data-losing step: the target region's name typed, the loss spelled out.
    fn typed(&self, s: &mut Step, loss: Option<String>) {
        s.destructive = true;
        s.confirm = Confirm::Typed(self.to.to_string());
        s.data_loss = loss;
    }

    /// Prepare: confirm the outage (or the window) and fence the source, then check the target.
    fn prepare(&mut self) {
        let (from, to) = (self.from.clone(), self.to.clone());
        if self.failover() {
            let mut s = step(
                "prepare.confirm-outage".into(),
                format!("Confirm the {from} outage and declare the incident"),
                Phase::Prepare,
                StepKind::Manual,
            );
            s.why = format!(
                "A failover moves production to {to}. Confirm with Service Health and your own probes that {from} is really down (or that a planned move is wanted), open the incident and notify the stakeholders."
            );
            s.az.push(crate::azure::az::health::events(
                &self.cfg.deployment.subscription_id,
            ));
            self.push(s, None);
            let mut s = step(
                "prepare.fence-primary".into(),
                format!("Fence {from}: stop writers, schedules and jobs"),
                Phase::Prepare,
                StepKind::Manual,
            );
            s.why = format!(
                "If {from} still answers, anything that keeps writing there would be lost or split the data (split brain). Disable pipeline schedules, cancel running jobs, stop batch writers."
            );
            s.az.extend(aml::fence_commands(self.cfg));
            self.push(s, None);
        } else {
            let mut s = step(
                "prepare.confirm-primary-healthy".into(),
                format!("Confirm {to} is healthy and schedule the failback window"),
                Phase::Prepare,
                StepKind::Manual,
            );
            s.why = format!(
                "Failback moves production back to {to}: only once Microsoft has resolved the incident and {to} is healthy, in an agreed window, with stakeholders notified."
            );
            s.preconditions.push(Precondition::RegionHealthy {
                region: to.to_string(),
            });
            self.push(s, None);
            let mut s = step(
                "prepare.quiesce-writers".into(),
                format!("Quiesce writers in {from} (read-only window)"),
                Phase::Prepare,
                StepKind::Manual,
            );
            s.why = "Planned moves synchronise first; writes during the move would race it. Stop batch writers and schedules for the window.".into();
            self.push(s, None);
        }
        if self.failover() {
            for c in &self.cfg.components {
                if c.kind == ComponentKind::MlWorkspace {
                    aml::prepare_standby(self, c);
                }
            }
        }
        let mut s = step(
            "prepare.check-target".into(),
            format!("Check {to}: network, identity, standby resources"),
            Phase::Prepare,
            StepKind::Verify,
        );
        s.why = format!(
            "Before any data moves, {to} must be reachable and its standby provisioned: VNets, private endpoints and DNS, RBAC and quota are pre-built, and every standby resource exists."
        );
        s.preconditions.push(Precondition::RegionReady {
            region: to.to_string(),
        });
        for c in &self.cfg.components {
            if matches!(
                c.kind,
                ComponentKind::KeyVault
                    | ComponentKind::ContainerRegistry
                    | ComponentKind::AppInsights
            ) {
                continue;
            }
            if self.failover() {
                s.preconditions.push(Precondition::StandbyProvisioned {
                    component: c.name.clone(),
                });
            }
        }
        self.push(s, None);
    }

    /// The data steps of `c`, from its provider.
    fn data(&mut self, c: &Component) {
        match c.kind {
            ComponentKind::Storage => storage::data(self, c),
            ComponentKind::SqlFailoverGroup => sql::data(self, c),
            ComponentKind::PostgresFlexible | ComponentKind::MysqlFlexible => flex::data(self, c),
            ComponentKind::CosmosDb => cosmos::data(self, c),
            _ => {}
        }
    }

    /// Adds a data step that moves `c` to the target: in the parallel data group, active in
    /// the source before, in the target after.
    fn finish_data_step(&mut self, c: &Component, mut s: Step) {
        s.parallel_group = Some("data".into());
        s.postcondition = Some(Postcondition::ActiveIn {
            component: c.name.clone(),
            region: self.to.to_string(),
        });
        s.preconditions.push(Precondition::ActiveIn {
            component: c.name.clone(),
            region: self.from.to_string(),
        });
        s.timeout = Duration::from_secs(15 * 60);
        self.push(s, Some(c));
    }

    /// A manual data step for a resource whose state could not be read.
    fn unreadable(&mut self, c: &Component, id: &ResourceId) {
        let mut s = step(
            format!("data.{}.manual", c.name),
            format!(
                "Fail over {} by hand (its state could not be read)",
                id.name()
            ),
            Phase::Data,
            StepKind::Manual,
        );
        s.why = "azfailover could not read this resource, so it cannot build the exact request. Follow the az commands and confirm when done.".into();
        s.az.push(crate::azure::az::resource_show(id));
        self.push(s, Some(c));
    }

    /// The compute steps of a paired `c`, from its provider.
    fn compute(&mut self, c: &Component) {
        let Some((source, target)) = self.side(c) else {
            return;
        };
        let (source, target) = (source.clone(), target.clone());
        match c.kind {
            ComponentKind::MlCompute => aml::compute(self, c, &source, &target),
            ComponentKind::Aks => aks::compute(self, c, &source, &target),
            ComponentKind::MlOnlineEndpoint => aml::deployments(self, c, &source, &target),
            _ => {}
        }
    }

    /// The gate before traffic moves: every data store writable in the target, which is healthy.
    fn verify_gate(&mut self) {
        let to = self.to.clone();
        let mut s = step(
            "verify.gate".into(),
            format!("Gate: every data store writable in {to}, deployments succeeded, {to} healthy"),
            Phase::Verify,
            StepKind::Verify,
        );
        s.why = format!(
            "Traffic must not move before {to} can serve it: data stores primary/writable there, online deployments Succeeded, compute scaled, and no outage in {to}. Run a smoke test (az ml online-endpoint invoke) if you can."
        );
        s.confirm = Confirm::Yes;
        s.postcondition = Some(Postcondition::DataWritableIn {
            region: to.to_string(),
        });
        s.timeout = Duration::from_secs(10 * 60);
        s.az.extend(aml::smoke_test_commands(self));
        self.push(s, None);
    }

    /// The traffic steps of `c`, from its provider.
    fn traffic(&mut self, c: &Component) {
        match (&c.targets, c.kind) {
            (Targets::Paired { .. }, ComponentKind::MlOnlineEndpoint)
                if c.mode == Mode::HotCold =>
            {
                aml::route(self, c)
            }
            (
                Targets::Routing {
                    resource,
                    primary,
                    secondary,
                },
                ComponentKind::TrafficManager | ComponentKind::FrontDoor,
            ) => routing::traffic(self, c, resource, primary, secondary),
            _ => {}
        }
    }

    /// Finish: switch the workspace; after a failover, watch what Microsoft fails over and
    /// re-protect what an unplanned failover left locally redundant; after a failback, return
    /// the secondary to its cold size; then the all-clear.
    fn finish(&mut self) {
        let to = self.to.clone();
        let from = self.from.clone();
        let ws = self
            .cfg
            .components
            .iter()
            .find(|c| c.kind == ComponentKind::MlWorkspace)
            .cloned();
        if let Some(ws) = ws {
            aml::switch(self, &ws);
        }
        if self.failover() {
            for c in self.cfg.components.clone() {
                observe::finish(self, &c);
            }
            for c in self.cfg.components.clone() {
                if c.kind == ComponentKind::Storage {
                    storage::finish(self, &c);
                }
            }
        } else {
            for c in self.cfg.components.clone() {
                if c.mode != Mode::HotCold {
                    continue;
                }
                let Targets::Paired { secondary, .. } = &c.targets else {
                    continue;
                };
                let again = match c.kind {
                    ComponentKind::MlCompute => aml::cold_again(&c, secondary, &from),
                    ComponentKind::Aks => aks::cold_again(&c, secondary, &from),
                    _ => continue,
                };
                let mut s = step(again.id, again.title, Phase::Finish, StepKind::Action);
                s.component = Some(c.name.clone());
                s.why = format!("{from} goes back to being a cold standby (no cost while idle).");
                s.action = Some(again.action);
                s.az.push(again.az);
                s.outside_rto = true;
                self.push(s, None);
            }
        }
        let mut s = step(
            "finish.notify".into(),
            "Notify all-clear and record the timings".into(),
            Phase::Finish,
            StepKind::Manual,
        );
        s.why = format!(
            "Watch error rates through at least one DNS TTL, then tell stakeholders production serves from {to}; azfailover writes the report with per-step timings and the data-loss window."
        );
        self.push(s, None);
    }

    /// The team's own steps of this kind, as configured.
    fn custom_steps(&mut self) {
        for cs in self.cfg.custom_steps.clone() {
            if !cs.applies_to.contains(&self.kind) {
                continue;
            }
            let mut s = step(cs.id.clone(), cs.title.clone(), cs.phase, StepKind::Manual);
            s.why = cs.instructions.clone();
            self.push(s, None);
        }
    }
}

/// A failback's return of a standby to its cold size: what its provider says to run.
struct ColdAgain {
    id: String,
    title: String,
    action: Action,
    az: String,
}
