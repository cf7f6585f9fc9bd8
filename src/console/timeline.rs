//! The event timeline: health changes found by diffing successive snapshots (region health,
//! responsiveness, incidents, component instances, HA status, readiness, lag against the RPO).

use time::OffsetDateTime;

use crate::health::{ComponentStatus, Incident, RegionHealth, RegionStatus, Snapshot};

/// How an event reads to a responder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Something broke or got worse.
    Bad,
    /// Something to watch.
    Warn,
    /// Something recovered.
    Good,
    /// Neutral information.
    Info,
}

/// One health change.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// When it was observed (the snapshot's time, or the console's clock for local events).
    pub at: OffsetDateTime,
    pub severity: Severity,
    /// The region or component it is about (empty for the deployment as a whole).
    pub subject: String,
    /// Whether `subject` names a component (so Enter can open its detail).
    pub component: bool,
    /// What happened, e.g. "healthy → outage".
    pub text: String,
}

/// The events between two snapshots (or the notable state of the first one).
pub fn diff(old: Option<&Snapshot>, new: &Snapshot) -> Vec<Event> {
    let mut out = Events {
        at: new.taken_at,
        list: Vec::new(),
    };
    match old {
        None => out.first(new),
        Some(old) => {
            if old.overall != new.overall {
                let text = format!("overall {} → {}", lower(&old.overall), lower(&new.overall));
                out.push(rank_overall(old, new), "", false, text);
            }
            for region in &new.regions {
                match old.regions.iter().find(|r| r.name == region.name) {
                    Some(before) => out.region(before, region),
                    None => out.push(Severity::Info, &region.name, false, "appeared".into()),
                }
            }
            for comp in &new.components {
                if let Some(before) = old.components.iter().find(|c| c.name == comp.name) {
                    out.component(before, comp);
                }
            }
        }
    }
    // Newest-first screens read the timeline backwards: keep overall → regions → components.
    out.list.reverse();
    out.list
}

/// Accumulates events of one snapshot.
struct Events {
    at: OffsetDateTime,
    list: Vec<Event>,
}

impl Events {
    /// Adds one event.
    fn push(&mut self, severity: Severity, subject: &str, component: bool, text: String) {
        let subject = subject.to_string();
        self.list.push(Event {
            at: self.at,
            severity,
            subject,
            component,
            text,
        });
    }

    /// What is already wrong in the first snapshot.
    fn first(&mut self, snap: &Snapshot) {
        let text = format!("first snapshot: overall {}", lower(&snap.overall));
        self.push(Severity::Info, "", false, text);
        for region in &snap.regions {
            if region.health != RegionHealth::Healthy {
                let text = format!("is {}: {}", lower(&region.health), region.reason);
                self.push(region_severity(region.health), &region.name, false, text);
            }
            for inc in region.incidents.iter().filter(|i| i.active) {
                self.push(
                    Severity::Bad,
                    &region.name,
                    false,
                    incident_text("incident", inc),
                );
            }
        }
        for comp in snap.components.iter().filter(|c| !c.ready) {
            self.push(
                Severity::Warn,
                &comp.name,
                true,
                format!("not ready: {}", comp.ha_status),
            );
        }
    }

    /// Changes of one region.
    fn region(&mut self, old: &RegionStatus, new: &RegionStatus) {
        let name = &new.name;
        if old.health != new.health {
            let text = format!(
                "{} → {}: {}",
                lower(&old.health),
                lower(&new.health),
                new.reason
            );
            self.push(
                region_change_severity(old.health, new.health),
                name,
                false,
                text,
            );
        }
        match (old.not_responding_since, new.not_responding_since) {
            (None, Some(_)) => self.push(Severity::Bad, name, false, "stopped responding".into()),
            (Some(_), None) => self.push(Severity::Good, name, false, "responding again".into()),
            _ => {}
        }
        for inc in new.incidents.iter().filter(|i| i.active) {
            if !old
                .incidents
                .iter()
                .any(|o| o.tracking_id == inc.tracking_id && o.active)
            {
                self.push(
                    Severity::Bad,
                    name,
                    false,
                    incident_text("new incident", inc),
                );
            }
        }
        for inc in old.incidents.iter().filter(|i| i.active) {
            if !new
                .incidents
                .iter()
                .any(|n| n.tracking_id == inc.tracking_id && n.active)
            {
                self.push(
                    Severity::Good,
                    name,
                    false,
                    incident_text("incident resolved", inc),
                );
            }
        }
    }

    /// Changes of one component.
    fn component(&mut self, old: &ComponentStatus, new: &ComponentStatus) {
        let name = &new.name;
        for inst in &new.instances {
            if let Some(before) = old.instance(&inst.region)
                && before.health != inst.health
            {
                let sev = if inst.health < before.health {
                    Severity::Good
                } else {
                    Severity::Bad
                };
                let text = format!(
                    "{} {} → {}",
                    inst.region,
                    lower(&before.health),
                    lower(&inst.health)
                );
                self.push(sev, name, true, text);
            }
        }
        if old.active_region != new.active_region {
            let text = format!(
                "now serves from {} (was {})",
                new.active_region, old.active_region
            );
            self.push(Severity::Warn, name, true, text);
        }
        if old.ha_status != new.ha_status {
            let sev = if new.ready {
                Severity::Good
            } else {
                Severity::Warn
            };
            self.push(
                sev,
                name,
                true,
                format!("HA: {} → {}", old.ha_status, new.ha_status),
            );
        } else if old.ready != new.ready {
            let text = if new.ready {
                "ready to fail over"
            } else {
                "not ready to fail over"
            };
            let sev = if new.ready {
                Severity::Good
            } else {
                Severity::Warn
            };
            self.push(sev, name, true, text.into());
        }
        match (old.lag_over_rpo(), new.lag_over_rpo()) {
            (false, true) => self.push(Severity::Bad, name, true, lag_text("lag over RPO", new)),
            (true, false) => self.push(
                Severity::Good,
                name,
                true,
                lag_text("lag back within RPO", new),
            ),
            _ => {}
        }
    }
}

/// "new incident: [Critical] title".
fn incident_text(what: &str, inc: &Incident) -> String {
    match &inc.level {
        Some(level) => format!("{what}: [{level}] {}", inc.title),
        None => format!("{what}: {}", inc.title),
    }
}

/// "lag over RPO: 1200 s > 900 s".
fn lag_text(what: &str, c: &ComponentStatus) -> String {
    let lag = c.lag_seconds.unwrap_or(0.0);
    format!("{what}: {lag:.0} s vs RPO {} s", c.rpo_seconds)
}

/// The lowercase serde spelling of a health enum, e.g. "outage".
fn lower<T: std::fmt::Debug>(v: &T) -> String {
    format!("{v:?}").to_lowercase()
}

/// How bad a region state is on its own.
fn region_severity(h: RegionHealth) -> Severity {
    match h {
        RegionHealth::Healthy => Severity::Good,
        RegionHealth::Degraded => Severity::Warn,
        RegionHealth::Outage | RegionHealth::Unknown => Severity::Bad,
    }
}

/// Whether a region change is a recovery or a degradation.
fn region_change_severity(old: RegionHealth, new: RegionHealth) -> Severity {
    let rank = |h| match h {
        RegionHealth::Healthy => 0,
        RegionHealth::Degraded => 1,
        RegionHealth::Unknown => 2,
        RegionHealth::Outage => 3,
    };
    if rank(new) < rank(old) {
        Severity::Good
    } else {
        region_severity(new)
    }
}

/// Whether the overall health got better or worse.
fn rank_overall(old: &Snapshot, new: &Snapshot) -> Severity {
    use crate::health::Overall::*;
    let rank = |o| match o {
        Healthy => 0,
        Degraded => 1,
        Outage => 2,
    };
    if rank(new.overall) < rank(old.overall) {
        Severity::Good
    } else {
        Severity::Bad
    }
}
