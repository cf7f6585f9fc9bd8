//! What a step's live check reads: the step's own components (its action's resources and what
//! its checks are about), the subscription-wide health lists when a check judges health, every
//! component when a check would hold more often on a part of a region (a region healthy, not
//! down, the verify gate's target not in an outage), and Azure ML readiness only for the checks
//! that judge it (the target check). Everything else is left unread — so a step's check costs
//! a few requests, not a whole snapshot.

use std::collections::BTreeSet;

use crate::config::{ComponentKind, Config};
use crate::runbook::model::*;

use super::live::action_resources;

/// What one reading of live state reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Scope {
    /// Every component, the health lists and Azure ML readiness (what a run is planned from).
    Everything,
    /// These components' resources (by name), and the two subscription-wide health lists
    /// (availability statuses, Service Health events) when `health`.
    Part {
        components: BTreeSet<String>,
        health: bool,
    },
}

impl Scope {
    /// Nothing at all.
    pub(super) fn nothing() -> Scope {
        Scope::Part {
            components: BTreeSet::new(),
            health: false,
        }
    }

    /// One component, with the health lists or not.
    fn one(name: &str, health: bool) -> Scope {
        Scope::Part {
            components: [name.to_string()].into(),
            health,
        }
    }

    /// Every component's resources and the health lists, no readiness: what a region's health
    /// (and the verify gate's "not in an outage") is judged from.
    fn every_resource(cfg: &Config) -> Scope {
        Scope::Part {
            components: cfg.components.iter().map(|c| c.name.clone()).collect(),
            health: true,
        }
    }

    /// What both read.
    pub(super) fn union(&self, other: &Scope) -> Scope {
        match (self, other) {
            (Scope::Everything, _) | (_, Scope::Everything) => Scope::Everything,
            (
                Scope::Part {
                    components: a,
                    health: ha,
                },
                Scope::Part {
                    components: b,
                    health: hb,
                },
            ) => Scope::Part {
                components: a.union(b).cloned().collect(),
                health: *ha || *hb,
            },
        }
    }

    /// Whether a reading of `self` holds everything `other` reads.
    pub(super) fn covers(&self, other: &Scope) -> bool {
        match (self, other) {
            (Scope::Everything, _) => true,
            (Scope::Part { .. }, Scope::Everything) => false,
            (
                Scope::Part {
                    components: a,
                    health: ha,
                },
                Scope::Part {
                    components: b,
                    health: hb,
                },
            ) => b.is_subset(a) && (*ha || !*hb),
        }
    }

    /// The configuration a part is read and derived with (its components only), and whether it
    /// reads the health lists; None for everything.
    pub(super) fn part_of(&self, cfg: &Config) -> Option<(Config, bool)> {
        let Scope::Part { components, health } = self else {
            return None;
        };
        let mut part = cfg.clone();
        part.components.retain(|c| components.contains(&c.name));
        Some((part, *health))
    }
}

/// What a precondition is judged from.
pub(super) fn of_pre(p: &Precondition, cfg: &Config) -> Scope {
    match p {
        // A forced step's "the source is not healthy": Service Health, Resource Health and the
        // step's own resources (added by `of_preconditions`). Judged from a part it holds less
        // often, never more: a region that is not healthy by some of its resources is not
        // healthy by all of them, so a forced step this lets through the whole would too.
        Precondition::RegionNotHealthy { .. } => Scope::Part {
            components: BTreeSet::new(),
            health: true,
        },
        // "Healthy" and "not down" hold more often from a part: every resource in the region.
        Precondition::RegionHealthy { .. } | Precondition::RegionNotDown { .. } => {
            Scope::every_resource(cfg)
        }
        // The verdict's blockers: every component, its readiness checks included.
        Precondition::RegionReady { .. } | Precondition::StandbyProvisioned { .. } => {
            Scope::Everything
        }
        Precondition::VerifyGatePassed => Scope::nothing(),
        // The routing resource's own endpoints (no region's health decides it).
        Precondition::NotLastEnabled { component, .. } => Scope::one(component, false),
        Precondition::ActiveIn { component, .. } => Scope::one(component, true),
    }
}

/// What a postcondition is judged from.
pub(super) fn of_post(p: &Postcondition, cfg: &Config) -> Scope {
    match (p, p.component()) {
        // Every data store and online endpoint, and the target region not in an outage (which
        // counts every resource in it).
        (_, None) => Scope::every_resource(cfg),
        (Postcondition::EndpointEnabled { .. }, Some(component)) => Scope::one(component, false),
        // The component; the health lists say which regions are down (a read that fails there
        // is the outage, not an unreadable check) and how its instances are.
        (_, Some(component)) => Scope::one(component, true),
    }
}

/// The step's own components: the one it is about and those its action's resources belong to
/// (read with the health lists unless they are routing: a region's state decides nothing
/// about an endpoint's configuration).
pub(super) fn own(step: &Step, cfg: &Config) -> Scope {
    let mut names: BTreeSet<String> = step.component.iter().cloned().collect();
    for id in step.action.iter().flat_map(action_resources) {
        for c in &cfg.components {
            if c.resource_ids().iter().any(|r| r.key() == id) {
                names.insert(c.name.clone());
            }
        }
    }
    names.retain(|n| cfg.component(n).is_some());
    let health = names.iter().any(|n| {
        cfg.component(n).is_some_and(|c| {
            !matches!(
                c.kind,
                ComponentKind::TrafficManager | ComponentKind::FrontDoor
            )
        })
    });
    Scope::Part {
        components: names,
        health,
    }
}

/// What a step's preconditions are checked against: its own components and what each
/// precondition judges.
pub(super) fn of_preconditions(step: &Step, cfg: &Config) -> Scope {
    step.preconditions
        .iter()
        .fold(own(step, cfg), |s, p| s.union(&of_pre(p, cfg)))
}

/// What a step's result is verified (or judged in doubt) against: its own components and what
/// its postcondition judges.
pub(super) fn of_result(step: &Step, cfg: &Config) -> Scope {
    match &step.postcondition {
        Some(p) => own(step, cfg).union(&of_post(p, cfg)),
        None => own(step, cfg),
    }
}

#[cfg(test)]
mod tests;
