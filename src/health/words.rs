//! One vocabulary for where a component serves, whether it is ready and how its lag compares
//! with its RPO — the words `status` (table) and the console both say, so that they can never
//! disagree. Lag against the RPO is compared in seconds and never rounded into a false tie
//! ("15 min 7 s / 15 min", not "15 min / 15 min" shown as over).

use super::model::{ComponentStatus, InstanceHealth};
use crate::config::Mode;

/// Whether a component serves in a region: its instance there is up (available, or degraded:
/// slower, still serving) and it is either the active region or a hot/hot component (without
/// an instance there: the active region only).
pub fn serves_in(c: &ComponentStatus, region: &str) -> bool {
    if c.idle.iter().any(|r| r == region) {
        return false;
    }
    match c.instance(region) {
        Some(i) => {
            let up = matches!(
                i.health,
                InstanceHealth::Available | InstanceHealth::Degraded
            );
            up && (c.active_region == region || c.mode == Mode::HotHot)
        }
        None => c.active_region == region,
    }
}

/// ACTIVE: "both" when it serves in both regions, the one region where a hot/hot component
/// still serves, else its active region.
pub fn active_word(c: &ComponentStatus, primary: &str, secondary: &str) -> String {
    match (serves_in(c, primary), serves_in(c, secondary)) {
        (true, true) => "both".into(),
        (false, true) if c.mode == Mode::HotHot => secondary.into(),
        (true, false) if c.mode == Mode::HotHot => primary.into(),
        _ => c.active_region.clone(),
    }
}

/// Where it serves, as a clause: "serves from both regions", "serves from eastus", "serves from
/// westus only (eastus, its active region, is down)", "nothing serves: eastus is down".
pub fn serving_words(c: &ComponentStatus, primary: &str, secondary: &str) -> String {
    let (p, s) = (serves_in(c, primary), serves_in(c, secondary));
    let active = c.active_region.as_str();
    if p && s {
        return "serves from both regions".into();
    }
    if serves_in(c, active) {
        return format!("serves from {active}");
    }
    let other = [primary, secondary]
        .into_iter()
        .find(|r| *r != active && serves_in(c, r));
    let why = if c.idle.iter().any(|r| r == active) {
        "takes no traffic"
    } else {
        "is down"
    };
    match other {
        Some(o) if why == "is down" => {
            format!("serves from {o} only ({active}, its active region, is down)")
        }
        Some(o) => format!("serves from {o} only ({active} {why})"),
        None => format!("nothing serves: {active} {why}"),
    }
}

/// READY: "yes", "NO", or "moved" for a hot/cold component a failover already moved (it needs
/// no failover, and is no alarm).
pub fn ready_word(c: &ComponentStatus, secondary: &str) -> &'static str {
    if c.failed_over_to(secondary) {
        "moved"
    } else if c.ready {
        "yes"
    } else {
        "NO"
    }
}

/// A number of seconds, short: "95 s", "15 min", "15 min 7 s", "2 h 05 min". `exact` keeps the
/// seconds of a minute count (so that a lag just over an RPO does not read as equal to it).
pub fn duration_words(secs: f64, exact: bool) -> String {
    let s = secs.max(0.0).round() as u64;
    match s {
        0..=99 => format!("{s} s"),
        100..=5999 if exact && !s.is_multiple_of(60) => format!("{} min {} s", s / 60, s % 60),
        100..=5999 => format!("{} min", s / 60),
        _ => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
    }
}

/// The lag against the RPO: ("15 min 7 s", "15 min"); the seconds are kept whenever the lag
/// and the RPO would otherwise read the same.
pub fn lag_words(lag: f64, rpo: u64) -> (String, String) {
    let rough = duration_words(lag, false);
    let rpo_text = duration_words(rpo as f64, false);
    let exact = rough == rpo_text && lag.round() as u64 != rpo;
    (duration_words(lag, exact), rpo_text)
}

/// The lag against the RPO in a table cell's room: ("15m07s", "15m"), ("95s", "15m").
pub fn lag_words_compact(lag: f64, rpo: u64) -> (String, String) {
    let short = |secs: f64, exact: bool| -> String {
        let s = secs.max(0.0).round() as u64;
        match s {
            0..=99 => format!("{s}s"),
            100..=5999 if exact && !s.is_multiple_of(60) => format!("{}m{:02}s", s / 60, s % 60),
            100..=5999 => format!("{}m", s / 60),
            _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        }
    };
    let exact = short(lag, false) == short(rpo as f64, false) && lag.round() as u64 != rpo;
    (short(lag, exact), short(rpo as f64, false))
}

/// "1 min / 15 min" (with " !" when over), or "-" without a lag.
pub fn lag_text(c: &ComponentStatus) -> String {
    match c.lag_seconds {
        None => "-".into(),
        Some(l) => {
            let (lag, rpo) = lag_words(l, c.rpo_seconds);
            format!("{lag} / {rpo}{}", if c.lag_over_rpo() { " !" } else { "" })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hot_hot(p: InstanceHealth, s: InstanceHealth) -> ComponentStatus {
        let inst = |region: &str, health| crate::health::model::InstanceStatus {
            region: region.into(),
            health,
            resource_id: format!("/x/{region}"),
            state: String::new(),
            detail: None,
        };
        ComponentStatus {
            name: "c".into(),
            kind: crate::config::ComponentKind::MlOnlineEndpoint,
            mode: Mode::HotHot,
            active_region: "eastus".into(),
            ready: true,
            ha_status: String::new(),
            instances: vec![inst("eastus", p), inst("westus", s)],
            lag_seconds: None,
            rpo_seconds: 900,
            last_sync_time: None,
            checks: vec![],
            properties: vec![],
            az_commands: vec![],
            errors: vec![],
            standby: vec![],
            idle: vec![],
        }
    }

    #[test]
    fn an_instance_that_takes_no_traffic_does_not_serve() {
        use InstanceHealth::*;
        // Traffic moved off eastus (its endpoint disabled): up, but not serving.
        let mut moved = hot_hot(Available, Available);
        moved.idle = vec!["eastus".into()];
        assert!(!serves_in(&moved, "eastus"));
        assert_eq!(active_word(&moved, "eastus", "westus"), "westus");
        assert_eq!(
            serving_words(&moved, "eastus", "westus"),
            "serves from westus only (eastus takes no traffic)"
        );
    }

    #[test]
    fn active_names_where_a_hot_hot_component_serves_and_degraded_still_serves() {
        use InstanceHealth::*;
        let both = hot_hot(Degraded, Available);
        assert_eq!(active_word(&both, "eastus", "westus"), "both");
        assert_eq!(
            serving_words(&both, "eastus", "westus"),
            "serves from both regions"
        );
        let west = hot_hot(Unavailable, Available);
        assert_eq!(active_word(&west, "eastus", "westus"), "westus");
        assert_eq!(
            serving_words(&west, "eastus", "westus"),
            "serves from westus only (eastus, its active region, is down)"
        );
        let mut cold = hot_hot(Unavailable, Available);
        cold.mode = Mode::HotCold;
        assert_eq!(active_word(&cold, "eastus", "westus"), "eastus");
    }

    #[test]
    fn a_lag_just_over_the_rpo_never_reads_as_equal() {
        assert_eq!(
            lag_words(907.0, 900),
            ("15 min 7 s".into(), "15 min".into())
        );
        assert_eq!(lag_words(900.0, 900), ("15 min".into(), "15 min".into()));
        assert_eq!(lag_words(120.0, 900), ("2 min".into(), "15 min".into()));
        assert_eq!(lag_words(42.0, 900), ("42 s".into(), "15 min".into()));
        assert_eq!(lag_words(893.0, 900), ("14 min".into(), "15 min".into()));
        assert_eq!(
            lag_words_compact(907.0, 900),
            ("15m07s".into(), "15m".into())
        );
        assert_eq!(lag_words_compact(95.0, 900), ("95s".into(), "15m".into()));
    }
}
