//! Where a run's RTO is counted from: the outage's start, as the evidence at the run's start
//! dates it. A run started an hour into an outage has already spent an hour of its RTO; a
//! report that counted from the run's start would say "RTO met" for a recovery that missed it.

use time::OffsetDateTime;

use crate::health::Snapshot;
use crate::health::model::RegionHealth;

/// What dates the outage, as journaled (`RunStarted::outage_start_source`) and reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutageSource {
    /// A drill's scenario declared its incident.
    Drill,
    /// The start of an active Service Health incident in the region left.
    Incident,
    /// Since when the region's requests have not been answered.
    NotResponding,
    /// The region left was healthy: a planned switchover, counted from the run's start.
    RunStartHealthy,
    /// The region left was unhealthy and nothing dated it: counted from the run's start, so
    /// the RTO achieved is at least what the report says.
    RunStartUnknown,
}

impl OutageSource {
    pub fn key(self) -> &'static str {
        match self {
            OutageSource::Drill => "drill",
            OutageSource::Incident => "service-health-incident",
            OutageSource::NotResponding => "not-responding",
            OutageSource::RunStartHealthy => "run-start",
            OutageSource::RunStartUnknown => "run-start-unknown",
        }
    }

    pub fn of_key(key: &str) -> Option<OutageSource> {
        [
            OutageSource::Drill,
            OutageSource::Incident,
            OutageSource::NotResponding,
            OutageSource::RunStartHealthy,
            OutageSource::RunStartUnknown,
        ]
        .into_iter()
        .find(|s| s.key() == key)
    }

    /// In a report's words: what the RTO is counted from.
    pub fn words(self) -> &'static str {
        match self {
            OutageSource::Drill => "the drill's declared incident",
            OutageSource::Incident => "the start of the Service Health incident in the region left",
            OutageSource::NotResponding => {
                "when the region left stopped answering (its first unanswered request)"
            }
            OutageSource::RunStartHealthy => {
                "the run's start (the region left was healthy: a planned switchover)"
            }
            OutageSource::RunStartUnknown => {
                "the run's start: nothing dated the outage, so the RTO achieved is at least this"
            }
        }
    }

    /// Whether the RTO counted from here is only a lower bound of the real one.
    pub fn lower_bound(self) -> bool {
        self == OutageSource::RunStartUnknown
    }
}

/// When the outage of `from` began, and what says so: a drill's declared incident, else the
/// earliest of an active Service Health incident's start and the first unanswered request in
/// `from`, else the snapshot's time (labelled planned when `from` was healthy, unknown when
/// not). A time after the snapshot's is not evidence of an earlier start and is passed over.
pub fn outage_start(
    snap: &Snapshot,
    from: &str,
    declared: Option<OffsetDateTime>,
) -> (OffsetDateTime, OutageSource) {
    if let Some(t) = declared {
        return (t, OutageSource::Drill);
    }
    let Some(region) = snap
        .regions
        .iter()
        .find(|r| r.name.eq_ignore_ascii_case(from))
    else {
        return (snap.taken_at, OutageSource::RunStartUnknown);
    };
    let incident = region
        .incidents
        .iter()
        .filter(|i| i.active)
        .filter_map(|i| i.started)
        .map(|t| (t, OutageSource::Incident));
    let silent = region
        .not_responding_since
        .map(|t| (t, OutageSource::NotResponding));
    let earliest = incident
        .chain(silent)
        .filter(|(t, _)| *t <= snap.taken_at)
        .min_by_key(|(t, _)| *t);
    match earliest {
        Some(found) => found,
        None if region.health == RegionHealth::Healthy => {
            (snap.taken_at, OutageSource::RunStartHealthy)
        }
        None => (snap.taken_at, OutageSource::RunStartUnknown),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::model::{Incident, RegionRole, RegionStatus};
    use time::macros::datetime;

    fn region(health: RegionHealth, incidents: Vec<Incident>) -> RegionStatus {
        RegionStatus {
            name: "eastus".into(),
            display_name: "East US".into(),
            role: RegionRole::Primary,
            health,
            reason: String::new(),
            incidents,
            resources: 1,
            available: 0,
            not_responding_since: None,
        }
    }

    fn incident(started: OffsetDateTime, active: bool) -> Incident {
        Incident {
            tracking_id: "T".into(),
            title: "outage".into(),
            active,
            level: None,
            started: Some(started),
        }
    }

    fn snap(r: RegionStatus) -> Snapshot {
        Snapshot {
            deployment: "d".into(),
            subscription_id: "x".into(),
            overall: crate::health::model::Overall::Outage,
            regions: vec![r],
            components: Vec::new(),
            taken_at: datetime!(2026-12-02 03:00 UTC),
            duration_ms: 1,
            requests: 1,
            identity: None,
            errors: Vec::new(),
            verdict: Default::default(),
            facts: Default::default(),
            reads_left: None,
            reads_waited: 0,
        }
    }

    #[test]
    fn an_outage_an_hour_old_is_counted_from_its_incident_not_from_the_run() {
        let mut r = region(
            RegionHealth::Outage,
            vec![
                incident(datetime!(2026-12-02 02:10 UTC), false),
                incident(datetime!(2026-12-02 02:00 UTC), true),
            ],
        );
        r.not_responding_since = Some(datetime!(2026-12-02 02:05 UTC));
        let (t, source) = outage_start(&snap(r.clone()), "EastUS", None);
        assert_eq!(
            (t, source),
            (datetime!(2026-12-02 02:00 UTC), OutageSource::Incident)
        );
        // Without the incident, the first unanswered request dates it.
        r.incidents.clear();
        assert_eq!(
            outage_start(&snap(r), "eastus", None),
            (datetime!(2026-12-02 02:05 UTC), OutageSource::NotResponding)
        );
    }

    #[test]
    fn a_drill_declares_its_own_and_nothing_dated_is_a_lower_bound() {
        let declared = datetime!(2026-12-02 01:00 UTC);
        let r = region(
            RegionHealth::Outage,
            vec![incident(datetime!(2026-12-02 02:00 UTC), true)],
        );
        assert_eq!(
            outage_start(&snap(r), "eastus", Some(declared)),
            (declared, OutageSource::Drill)
        );
        let undated = outage_start(
            &snap(region(RegionHealth::Degraded, vec![])),
            "eastus",
            None,
        );
        assert_eq!(undated.1, OutageSource::RunStartUnknown);
        assert!(undated.1.lower_bound());
        let planned = outage_start(&snap(region(RegionHealth::Healthy, vec![])), "eastus", None);
        assert_eq!(
            planned,
            (
                datetime!(2026-12-02 03:00 UTC),
                OutageSource::RunStartHealthy
            )
        );
        assert!(!planned.1.lower_bound());
        for s in [
            OutageSource::Drill,
            OutageSource::Incident,
            OutageSource::NotResponding,
            OutageSource::RunStartHealthy,
            OutageSource::RunStartUnknown,
        ] {
            assert_eq!(OutageSource::of_key(s.key()), Some(s));
        }
    }
}
