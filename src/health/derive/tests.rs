//! Pure derivation tests on hand-built observations (the simulator-backed ones are in
//! tests/integration/health.rs): the observations builder every provider's tests use, and the tests of the
//! generic parts (the paired frame, nothing read, region health). Each provider's outcomes are
//! tested in its own file.

use std::collections::{BTreeMap, HashMap};

use serde::de::DeserializeOwned;
use serde_json::json;
use time::OffsetDateTime;

use crate::azure::models::{AvailabilityStatus, ServiceHealthEvent};
use crate::config::{Config, DEMO_TOML, ResourceId, Targets};
use crate::health::collect::{Observations, ReadError, Reading};
use crate::health::model::*;

/// A configuration and what one collection pass read of it, built by hand.
pub(super) struct Obs {
    pub cfg: Config,
    pub obs: Observations,
}

impl Obs {
    /// The demo deployment (eastus → westus), nothing read yet, at a whole second.
    pub fn demo() -> Obs {
        Obs::of(Config::demo())
    }

    /// The demo plus the `[[components]]` of `toml` (the kinds the demo lacks).
    pub fn demo_with(toml: &str) -> Obs {
        Obs::of(Config::parse(&format!("{DEMO_TOML}\n{toml}"), "test").unwrap())
    }

    /// A configuration, nothing read yet.
    fn of(cfg: Config) -> Obs {
        let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
        Obs {
            cfg,
            obs: Observations {
                now,
                availability: Ok(HashMap::new()),
                events: Ok(Vec::new()),
                reads: HashMap::new(),
                sql_partners: HashMap::new(),
                details_read_at: HashMap::new(),
                aml: HashMap::new(),
                aml_quota: None,
            },
        }
    }

    /// The primary and secondary resource of a paired component.
    pub fn pair(&self, name: &str) -> (ResourceId, ResourceId) {
        match &self.cfg.component(name).unwrap().targets {
            Targets::Paired { primary, secondary } => (primary.clone(), secondary.clone()),
            _ => panic!("{name} is not paired"),
        }
    }

    /// The resource of a replicated or routing component.
    pub fn resource(&self, name: &str) -> ResourceId {
        match &self.cfg.component(name).unwrap().targets {
            Targets::Replicated { resource, .. } | Targets::Routing { resource, .. } => {
                resource.clone()
            }
            _ => panic!("{name} has no single resource"),
        }
    }

    /// `id` was read as `r`.
    pub fn read(&mut self, id: &ResourceId, r: Reading) -> &mut Obs {
        self.obs.reads.insert(id.key(), Ok(r));
        self
    }

    /// Reading `id` failed with `message`.
    pub fn fail(&mut self, id: &ResourceId, message: &str, not_responding: bool) -> &mut Obs {
        let e = ReadError {
            message: message.into(),
            not_responding,
            auth: false,
            transient: not_responding,
        };
        self.obs.reads.insert(id.key(), Err(e));
        self
    }

    /// Resource Health says `id` is `state` ("Available", "Unavailable", "Degraded").
    pub fn availability(&mut self, id: &ResourceId, state: &str) -> &mut Obs {
        let s: AvailabilityStatus = model(json!({
            "id": format!("{id}/providers/Microsoft.ResourceHealth/availabilityStatuses/current"),
            "properties": {"availabilityState": state, "summary": format!("{} is {state}", id.name())}
        }));
        if let Ok(m) = &mut self.obs.availability {
            m.insert(s.target_key(), s);
        }
        self
    }

    /// An active critical Service Health issue in `region`.
    pub fn region_down(&mut self, region: &str) -> &mut Obs {
        let e: ServiceHealthEvent = model(json!({
            "name": format!("SIM-{region}"),
            "properties": {"eventType": "ServiceIssue", "status": "Active", "eventLevel": "Critical",
                "title": format!("power event in {region}"),
                "impact": [{"impactedService": "Storage",
                    "impactedRegions": [{"impactedRegion": region, "status": "Active"}]}]}
        }));
        if let Ok(events) = &mut self.obs.events {
            events.push(e);
        }
        self
    }

    /// The snapshot derived from what was read.
    pub fn snapshot(&self) -> Snapshot {
        super::snapshot(&self.cfg, &self.obs, &mut BTreeMap::new())
    }

    /// One component of the snapshot.
    pub fn component(&self, name: &str) -> ComponentStatus {
        self.snapshot()
            .components
            .into_iter()
            .find(|c| c.name == name)
            .unwrap()
    }
}

/// A typed ARM model from JSON.
pub(super) fn model<T: DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).unwrap()
}

/// The check of a component named `name`.
pub(super) fn check<'a>(c: &'a ComponentStatus, name: &str) -> &'a Check {
    c.checks
        .iter()
        .find(|k| k.name == name)
        .unwrap_or_else(|| panic!("no check '{name}' in {:#?}", c.checks))
}

/// Whether the component has a check named `name`.
pub(super) fn has_check(c: &ComponentStatus, name: &str) -> bool {
    c.checks.iter().any(|k| k.name == name)
}

/// A workspace reading with these compute clusters.
pub(super) fn ws(name: &str, computes: &[&str]) -> Reading {
    let cs = computes
        .iter()
        .map(|c| model(json!({"id": format!("/x/{c}"), "name": c})))
        .collect();
    Reading::Workspace(
        model(json!({"id": format!("/x/{name}"), "name": name, "properties": {}})),
        cs,
    )
}

/// An Application Insights reading.
pub(super) fn app_insights(id: &ResourceId) -> Reading {
    Reading::AppInsights(model(json!({"id": id.to_string(), "name": id.name()})))
}

#[test]
fn an_unreadable_standby_is_not_ready_and_says_why() {
    let mut o = Obs::demo();
    let (p, s) = o.pair("workspace");
    o.read(&p, ws("a", &[]))
        .fail(&s, "GET ...: 403 AuthorizationFailed: no access", false);
    let c = o.component("workspace");
    assert!(c.ha_status.starts_with("standby not ready: mlw-contoso-westus could not be read: GET ...: 403 AuthorizationFailed"), "{}", c.ha_status);
    assert_eq!(c.instances[1].health, InstanceHealth::Unknown);
    assert_eq!(c.instances[1].state, "unreadable");
    assert_eq!(c.errors.len(), 1);
    assert_eq!(check(&c, "standby healthy").passed, Some(false));
    assert_eq!(
        check(&c, "standby healthy").reason,
        "mlw-contoso-westus is unknown (not read)"
    );
}

#[test]
fn a_standby_resource_health_calls_unavailable_is_not_healthy() {
    let mut o = Obs::demo();
    let (p, s) = o.pair("telemetry");
    o.read(&p, app_insights(&p))
        .read(&s, app_insights(&s))
        .availability(&s, "Unavailable");
    let c = o.component("telemetry");
    assert_eq!(c.instances[1].health, InstanceHealth::Unavailable);
    assert_eq!(
        c.instances[1].detail.as_deref(),
        Some("appi-contoso-westus is Unavailable")
    );
    assert_eq!(
        check(&c, "standby healthy").reason,
        "appi-contoso-westus is unavailable"
    );
    assert_eq!(
        check(&c, "both regions serve").reason,
        "westus does not serve: it could not take the load"
    );
    assert_eq!(c.ha_status, "only eastus serving");
    assert!(!c.ready);
}

#[test]
fn a_hot_hot_component_whose_primary_is_down_serves_from_the_secondary() {
    let mut o = Obs::demo();
    let (p, s) = o.pair("telemetry");
    o.read(&s, app_insights(&s))
        .fail(&p, "GET ...: timed out", true);
    let c = o.component("telemetry");
    assert_eq!(c.instances[0].state, "not responding");
    assert_eq!(c.active_region, "westus");
    assert_eq!(c.ha_status, "only westus serving");
    let k = check(&c, "both regions serve");
    assert_eq!(k.passed, None, "what a failover is for");
    assert_eq!(
        k.reason,
        "only westus serves: eastus does not (that is what a failover is for)"
    );
}

#[test]
fn nothing_read_means_unknown_not_healthy() {
    let o = Obs::demo();
    let snap = o.snapshot();
    assert!(
        snap.components
            .iter()
            .all(|c| !c.ready || c.ha_status.contains("Microsoft")),
        "{:#?}",
        snap.components
            .iter()
            .map(|c| (&c.name, &c.ha_status))
            .collect::<Vec<_>>()
    );
    assert_ne!(crate::exit::of_grade(snap.grade()), 0);
}

#[test]
fn a_critical_service_health_issue_is_a_region_outage() {
    let mut o = Obs::demo();
    o.region_down("eastus");
    let snap = o.snapshot();
    let east = snap.region(RegionRole::Primary).unwrap();
    assert_eq!(east.health, RegionHealth::Outage);
    assert_eq!(east.reason, "Service Health: power event in eastus");
    assert_eq!(east.incidents[0].tracking_id, "SIM-eastus");
    assert_eq!(snap.overall, Overall::Outage);
}

#[test]
fn a_region_whose_every_read_times_out_does_not_respond_since_the_first_pass() {
    let mut o = Obs::demo();
    let ids: Vec<ResourceId> = o
        .cfg
        .components
        .iter()
        .filter_map(|c| match &c.targets {
            Targets::Paired { secondary, .. } => Some(secondary.clone()),
            _ => None,
        })
        .collect();
    for id in &ids {
        o.fail(id, "GET ...: timed out after 10 s", true);
    }
    let mut since = BTreeMap::new();
    let first = super::snapshot(&o.cfg, &o.obs, &mut since);
    let west = first.region(RegionRole::Secondary).unwrap();
    assert_eq!(west.health, RegionHealth::Unknown);
    assert_eq!(west.reason, "not responding");
    assert_eq!(west.not_responding_since, Some(o.obs.now));
    o.obs.now += time::Duration::seconds(30);
    let later = super::snapshot(&o.cfg, &o.obs, &mut since);
    assert_eq!(
        later
            .region(RegionRole::Secondary)
            .unwrap()
            .not_responding_since,
        Some(o.obs.now - time::Duration::seconds(30)),
        "since the first pass that saw it"
    );
}
