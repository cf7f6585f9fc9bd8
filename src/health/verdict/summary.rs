//! The verdict's summary line: the situation, the verdict, what it costs, what to type, most
//! important first (a narrow screen drops parts from the end).

use super::{
    Blocker, ComponentStatus, Recommendation, RegionHealth, RegionRole, Roles, Variant, Verdict,
    duration, in_motion, is_data, is_down, region_words, sanitize,
};

/// Blockers named in the summary; the rest are counted.
const NAMED_BLOCKERS: usize = 2;

/// What the summary is built from besides the verdict.
pub(super) struct Situation<'a> {
    pub(super) in_primary: &'a [&'a ComponentStatus],
    pub(super) in_secondary: &'a [&'a ComponentStatus],
    pub(super) down_in_primary: &'a [&'a ComponentStatus],
    pub(super) failback_ready: &'a Result<Vec<(&'a str, String)>, String>,
    pub(super) lagging: Vec<String>,
}

/// "a, b" of at most a few names, then "+N more".
fn named(items: Vec<String>) -> String {
    let n = items.len();
    let mut shown: Vec<String> = items.into_iter().take(NAMED_BLOCKERS).collect();
    if n > NAMED_BLOCKERS {
        shown.push(format!("+{} more", n - NAMED_BLOCKERS));
    }
    shown.join(", ")
}

/// The components' names, at most a few.
fn names(cs: &[&ComponentStatus]) -> String {
    named(cs.iter().map(|c| sanitize(&c.name)).collect())
}

/// "2: a, b" (the count only when more than one).
fn blocker_list(v: &Verdict) -> String {
    let n = v.blockers.len();
    let list = named(v.blockers.iter().map(Blocker::text).collect());
    if n > 1 { format!("{n}: {list}") } else { list }
}

/// The summary line: every part true of this snapshot.
pub(super) fn summary(r: &Roles<'_>, v: &Verdict, s: &Situation<'_>) -> String {
    let (p, sec) = (r.primary, r.secondary);
    let variant = match v.variant {
        Some(Variant::Forced) => "forced",
        _ => "planned",
    };
    let loss = || match v.estimated_data_loss_seconds {
        Some(l) => format!("≈{} of writes lost", duration(l as f64)),
        None => "data loss unknown".to_string(),
    };
    let mut parts = Vec::new();
    match v.recommendation {
        Recommendation::Failover => {
            parts.push(region_words(r, RegionRole::Primary));
            if !is_down(r.health(RegionRole::Primary)) {
                parts.push(format!("{} down in {p}", names(s.down_in_primary)));
            }
            // Most important first: a narrow screen drops parts from the end.
            if v.possible {
                parts.push(format!("{variant} failover possible"));
                if v.variant == Some(Variant::Forced) {
                    parts.push(loss());
                }
            } else {
                parts.push(format!("failover blocked by {}", blocker_list(v)));
            }
            // Routers move by themselves when an endpoint stops answering; data stores do not.
            let moved = s.in_secondary.iter().filter(|c| is_data(c)).count();
            if moved > 0 {
                let data = s.in_primary.iter().filter(|c| is_data(c)).count() + moved;
                parts.push(format!("{moved} of {data} data stores already on {sec}"));
            }
            let moving: Vec<&ComponentStatus> = s
                .in_primary
                .iter()
                .copied()
                .filter(|c| in_motion(c))
                .collect();
            if !moving.is_empty() {
                parts.push(format!("{} failing over", names(&moving)));
            }
            parts.push(if v.possible {
                "azfailover failover".into()
            } else {
                "fix them or override in the runbook".into()
            });
        }
        Recommendation::Failback => {
            parts.push(format!("serving from {sec}"));
            let repairs: Vec<String> = match s.failback_ready {
                Ok(list) => list.iter().map(|(name, _)| sanitize(name)).collect(),
                Err(_) => Vec::new(),
            };
            parts.push(match (r.health(RegionRole::Primary), repairs.is_empty()) {
                (RegionHealth::Healthy, true) => format!("{p} healthy again"),
                (_, true) => format!("{p} recovered"),
                (_, false) => format!("{p} recovered (the failback repairs {})", named(repairs)),
            });
            if is_down(r.health(RegionRole::Secondary)) {
                parts.push(region_words(r, RegionRole::Secondary));
            }
            if v.possible {
                parts.push(format!("{variant} failback possible"));
                if v.variant == Some(Variant::Forced) {
                    parts.push(loss());
                }
                parts.push("azfailover failback".into());
            } else {
                parts.push(format!("failback blocked by {}", blocker_list(v)));
                parts.push("fix them or override in the runbook".into());
            }
        }
        Recommendation::None if s.in_primary.is_empty() && !s.in_secondary.is_empty() => {
            parts.push(format!("serving from {sec}"));
            parts.push(match s.failback_ready {
                Err(_) if is_down(r.health(RegionRole::Primary)) => {
                    region_words(r, RegionRole::Primary)
                }
                Err(why) => why.clone(),
                Ok(_) => region_words(r, RegionRole::Primary),
            });
            parts.push(format!("fail back once {p} is healthy"));
        }
        Recommendation::None if !s.in_secondary.is_empty() => {
            // Half moved, with the primary answering: a run stopped midway, or a move by hand.
            parts.push(region_words(r, RegionRole::Primary));
            parts.push(format!(
                "split: {} on {sec}, the rest on {p}",
                names(s.in_secondary)
            ));
            if v.possible {
                parts.push("planned failover of the rest possible".into());
            } else {
                parts.push(format!(
                    "failover of the rest blocked by {}",
                    blocker_list(v)
                ));
            }
        }
        Recommendation::None => {
            parts.push(region_words(r, RegionRole::Primary));
            let n = v.blockers.len();
            if v.possible && s.lagging.is_empty() {
                parts.push("standby ready: planned failover possible".into());
            } else if v.possible {
                parts.push("planned failover possible".into());
                parts.push(format!("{}: synchronised first", named(s.lagging.clone())));
            } else {
                parts.push(format!(
                    "standby not ready: {n} blocker{}: {}",
                    if n == 1 { "" } else { "s" },
                    named(v.blockers.iter().map(Blocker::text).collect())
                ));
            }
        }
    }
    parts.join(" · ")
}
