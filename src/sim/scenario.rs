//! Scenario files: faults scripted over simulated time (assets/scenarios/*.toml, embedded).

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use super::faults::Fault;
use super::world::World;

/// The scenarios shipped in the binary.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "eastus-outage",
        include_str!("../../assets/scenarios/eastus-outage.toml"),
    ),
    (
        "eastus-unresponsive",
        include_str!("../../assets/scenarios/eastus-unresponsive.toml"),
    ),
    (
        "replication-lag",
        include_str!("../../assets/scenarios/replication-lag.toml"),
    ),
    (
        "throttling",
        include_str!("../../assets/scenarios/throttling.toml"),
    ),
    (
        "secondary-degraded",
        include_str!("../../assets/scenarios/secondary-degraded.toml"),
    ),
    (
        "flaky-arm",
        include_str!("../../assets/scenarios/flaky-arm.toml"),
    ),
    (
        "standby-drift",
        include_str!("../../assets/scenarios/standby-drift.toml"),
    ),
];

/// A parsed scenario.
#[derive(Debug, Clone, serde::Serialize, Deserialize)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// Simulated seconds per real second, unless the command line says otherwise.
    pub time_scale: Option<f64>,
    /// When the outage is declared to start (simulated, from the start of the scenario); the
    /// drill's RTO is measured from it.
    pub outage_starts_at: Option<Duration>,
    /// (when, fault), sorted by time.
    pub events: Vec<(Duration, Fault)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: String,
    description: String,
    time_scale: Option<f64>,
    /// When the incident is declared (default: the first region outage).
    declared_at: Option<String>,
    #[serde(default)]
    events: Vec<toml::Table>,
}

impl Scenario {
    /// A built-in name (`eastus-outage`) or a path to a TOML file.
    pub fn resolve(name_or_path: &str) -> Result<Scenario, String> {
        if let Some((name, text)) = BUILTIN.iter().find(|(n, _)| *n == name_or_path) {
            return Scenario::parse(text, &format!("<built-in scenario {name}>"));
        }
        let path = Path::new(name_or_path);
        if path.exists() || name_or_path.contains('/') || name_or_path.ends_with(".toml") {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("{name_or_path}: cannot read the scenario: {e}"))?;
            return Scenario::parse(&text, name_or_path);
        }
        let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
        Err(format!(
            "unknown scenario '{name_or_path}': built-in scenarios are {} (or give a path to a .toml file)",
            names.join(", ")
        ))
    }

    /// Parses scenario text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Scenario, String> {
        let raw: RawScenario = toml::from_str(text).map_err(|e| format!("{origin}: {e}"))?;
        if raw
            .time_scale
            .is_some_and(|s| !super::clock::SimClock::valid_scale(s))
        {
            return Err(format!(
                "{origin}: time_scale must be a number from {} to {}",
                super::clock::MIN_TIME_SCALE,
                super::clock::MAX_TIME_SCALE
            ));
        }
        let mut events = Vec::new();
        let mut outage_starts_at = None;
        for (n, mut table) in raw.events.into_iter().enumerate() {
            let at = match table.remove("at") {
                Some(toml::Value::String(s)) => crate::timefmt::parse_duration(&s),
                Some(toml::Value::Integer(i)) if i >= 0 => crate::timefmt::bounded_secs(i as f64),
                Some(toml::Value::Float(f)) => crate::timefmt::bounded_secs(f),
                None => Some(Duration::ZERO),
                _ => None,
            }
            .ok_or_else(|| {
                format!(
                    "{origin}: event {}: 'at' must be a duration such as \"90s\" or \"2m\" (at most 10 years)",
                    n + 1
                )
            })?;
            let fault = Fault::deserialize(toml::Value::Table(table))
                .map_err(|e| format!("{origin}: event {}: {}", n + 1, e.message()))?;
            if outage_starts_at.is_none() && matches!(fault, Fault::RegionOutage { .. }) {
                outage_starts_at = Some(at);
            }
            events.push((at, fault));
        }
        events.sort_by_key(|(at, _)| *at);
        if let Some(d) = &raw.declared_at {
            outage_starts_at = Some(crate::timefmt::parse_duration(d).ok_or_else(|| {
                format!("{origin}: declared_at must be a duration such as \"90s\" or \"2m\"")
            })?);
        }
        Ok(Scenario {
            name: raw.name,
            description: raw.description,
            time_scale: raw.time_scale,
            outage_starts_at,
            events,
        })
    }
}

/// A scenario being played against the world.
#[derive(Debug, Clone, serde::Serialize, Deserialize)]
pub struct Timeline {
    pub scenario: Scenario,
    /// Simulated time since the world started, when the scenario started.
    pub started_at: Duration,
    pub next: usize,
    /// What each applied event did (or why it did not apply).
    pub applied: Vec<String>,
}

impl World {
    /// Starts playing a scenario now.
    pub fn start_scenario(&mut self, scenario: Scenario) {
        self.timeline = Some(Timeline {
            scenario,
            started_at: self.clock.elapsed_sim(),
            next: 0,
            applied: Vec::new(),
        });
        self.run_timeline();
    }

    /// Applies the scenario's events that are due.
    pub fn run_timeline(&mut self) {
        let elapsed = self.clock.elapsed_sim();
        while self.next_event_at().is_some_and(|t| t <= elapsed) {
            self.apply_next_event();
        }
    }

    /// When the scenario's next event is due (simulated time since the world started).
    pub fn next_event_at(&self) -> Option<Duration> {
        let tl = self.timeline.as_ref()?;
        let (at, _) = tl.scenario.events.get(tl.next)?;
        Some(tl.started_at + *at)
    }

    /// Applies the scenario's next event, due or not.
    pub fn apply_next_event(&mut self) {
        let Some(tl) = &self.timeline else { return };
        let Some((at, fault)) = tl.scenario.events.get(tl.next).cloned() else {
            return;
        };
        let result = self.apply_fault(&fault);
        let tl = self.timeline.as_mut().expect("present");
        tl.next += 1;
        tl.applied.push(match result {
            Ok(s) => format!("+{}s {s}", at.as_secs()),
            Err(e) => format!("+{}s not applied: {e}", at.as_secs()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every scenario a drill can name is valid and does something.
    #[test]
    fn every_builtin_scenario_parses() {
        for (name, text) in BUILTIN {
            let s = Scenario::parse(text, name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(&s.name, name);
            assert!(!s.events.is_empty(), "{name} has no events");
        }
    }

    /// A broken scenario says which event is broken and why.
    #[test]
    fn bad_event_is_named() {
        let e = Scenario::parse(
            "name = \"x\"\ndescription = \"d\"\n[[events]]\nat = \"1m\"\nkind = \"meteor\"\n",
            "x.toml",
        )
        .unwrap_err();
        assert!(e.contains("event 1"), "{e}");
        assert!(e.contains("meteor"), "{e}");
        let e = Scenario::parse(
            "name = \"x\"\ndescription = \"d\"\n[[events]]\nat = \"soon\"\nkind = \"clear\"\n",
            "x.toml",
        )
        .unwrap_err();
        assert!(e.contains("'at'"), "{e}");
    }

    /// A mistyped scenario name lists the ones that exist.
    #[test]
    fn unknown_name_lists_builtins() {
        let e = Scenario::resolve("meteor-strike").unwrap_err();
        assert!(e.contains("eastus-outage"), "{e}");
    }

    /// The drill's RTO clock has a start: the scenario's first outage.
    #[test]
    fn outage_start_is_found() {
        let s = Scenario::resolve("eastus-outage").unwrap();
        assert!(s.outage_starts_at.is_some());
    }
}
