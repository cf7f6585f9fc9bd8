//! A deployment as a fleet sees it: the one row of its snapshot that the fleet overview and
//! `status` over a fleet show — its regions, the verdict, how many components are ready, the
//! data at risk — and the order that puts the worst first.

use std::cmp::Ordering;

use super::model::{Grade, RegionHealth, RegionRole, Snapshot};
use super::verdict::{Recommendation, Variant};
use super::words::duration_words;

/// The writes at risk in a deployment now.
#[derive(Debug, Clone, PartialEq)]
pub enum AtRisk {
    /// Nothing: no forced failover is called for and every lag is within its RPO.
    Nothing,
    /// The verdict's estimate: a forced failover now loses this many seconds of writes.
    Loss(u64),
    /// No forced failover, but a replication lag over its RPO (the worst against its RPO).
    Lag {
        component: String,
        lag: f64,
        rpo: u64,
    },
    /// A forced failover is called for and nobody can say what it would lose.
    Unknown,
}

impl AtRisk {
    /// In a table cell: "≈6 min lost", "lag 20m > 15m", "unknown", "-".
    pub fn short(&self) -> String {
        match self {
            AtRisk::Nothing => "-".into(),
            AtRisk::Loss(s) => format!("≈{} lost", duration_words(*s as f64, false)),
            AtRisk::Lag { lag, rpo, .. } => {
                let (lag, rpo) = super::words::lag_words_compact(*lag, *rpo);
                format!("lag {lag} > {rpo}")
            }
            AtRisk::Unknown => "unknown".into(),
        }
    }

    /// In words: "≈6 min of writes lost by a forced failover now", "training-data lag 20 min
    /// over its RPO of 15 min".
    pub fn words(&self) -> String {
        match self {
            AtRisk::Nothing => "no data at risk".into(),
            AtRisk::Loss(s) => format!(
                "≈{} of writes lost by a forced failover now",
                duration_words(*s as f64, false)
            ),
            AtRisk::Lag {
                component,
                lag,
                rpo,
            } => {
                let (lag, rpo) = super::words::lag_words(*lag, *rpo);
                format!(
                    "{} lag {lag} over its RPO of {rpo}",
                    crate::text::one_line(component)
                )
            }
            AtRisk::Unknown => "a forced failover's loss is not known".into(),
        }
    }

    /// Seconds at risk, for ordering (unknown counts as the most).
    fn seconds(&self) -> f64 {
        match self {
            AtRisk::Nothing => 0.0,
            AtRisk::Loss(s) => *s as f64,
            AtRisk::Lag { lag, .. } => *lag,
            AtRisk::Unknown => f64::INFINITY,
        }
    }
}

/// One region of a deployment in its fleet row.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionCell {
    pub name: String,
    pub health: RegionHealth,
}

/// A deployment's fleet row, from its snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub grade: Grade,
    pub primary: Option<RegionCell>,
    pub secondary: Option<RegionCell>,
    /// Components ready to fail over now (`ready` in `status --format json`), of `total`.
    pub ready: usize,
    pub total: usize,
    pub at_risk: AtRisk,
    pub recommendation: Recommendation,
    pub variant: Option<Variant>,
    pub possible: bool,
    pub blockers: usize,
    /// The verdict's one line.
    pub summary: String,
}

impl Standing {
    /// The row of a snapshot.
    pub fn of(s: &Snapshot) -> Standing {
        let cell = |role| {
            s.region(role).map(|r| RegionCell {
                name: r.name.clone(),
                health: r.health,
            })
        };
        // A snapshot cached by a version without verdicts gets one derived, as the console does.
        let derived;
        let v = if s.verdict.summary.is_empty() {
            derived = super::verdict::verdict(s);
            &derived
        } else {
            &s.verdict
        };
        let forced = v.variant == Some(Variant::Forced) && v.recommendation != Recommendation::None;
        let at_risk = match v.estimated_data_loss_seconds {
            Some(secs) => AtRisk::Loss(secs),
            None if forced => AtRisk::Unknown,
            None => s
                .components
                .iter()
                .filter(|c| c.lag_over_rpo())
                .filter_map(|c| Some((c, c.lag_seconds?)))
                .max_by(|(a, la), (b, lb)| {
                    let ra = la / a.rpo_seconds.max(1) as f64;
                    let rb = lb / b.rpo_seconds.max(1) as f64;
                    ra.total_cmp(&rb)
                })
                .map_or(AtRisk::Nothing, |(c, lag)| AtRisk::Lag {
                    component: c.name.clone(),
                    lag,
                    rpo: c.rpo_seconds,
                }),
        };
        Standing {
            grade: s.grade(),
            primary: cell(RegionRole::Primary),
            secondary: cell(RegionRole::Secondary),
            ready: s.components.iter().filter(|c| c.ready).count(),
            total: s.components.len(),
            at_risk,
            recommendation: v.recommendation,
            variant: v.variant,
            possible: v.possible,
            blockers: v.blockers.len(),
            summary: crate::text::one_line(&v.summary),
        }
    }

    /// The verdict in a table cell: "FAIL OVER (forced)", "FAIL BACK", "none", "none ·
    /// 2 blockers", "FAIL OVER · blocked".
    pub fn verdict_word(&self) -> String {
        let what = match self.recommendation {
            Recommendation::None => "none",
            Recommendation::Failover => "FAIL OVER",
            Recommendation::Failback => "FAIL BACK",
        };
        let how = match (self.recommendation, self.variant) {
            (Recommendation::None, _) | (_, None) => String::new(),
            (_, Some(Variant::Forced)) => " (forced)".into(),
            (_, Some(Variant::Planned)) => " (planned)".into(),
        };
        let blocked = match (self.possible, self.blockers) {
            (true, _) => String::new(),
            (false, 1) => " · 1 blocker".into(),
            (false, n) if n > 1 => format!(" · {n} blockers"),
            (false, _) => " · not possible".into(),
        };
        format!("{what}{how}{blocked}")
    }

    /// "9/12".
    pub fn ready_text(&self) -> String {
        format!("{}/{}", self.ready, self.total)
    }

    /// How alarming the row is, most alarming first: the grade (an outage, then degraded), a
    /// run recommended, one that cannot run, the data at risk.
    pub fn alarm_cmp(&self, other: &Standing) -> Ordering {
        let grade = |g: Grade| match g {
            Grade::Outage => 2,
            Grade::Degraded => 1,
            Grade::Healthy => 0,
        };
        let acts = |s: &Standing| s.recommendation != Recommendation::None;
        grade(other.grade)
            .cmp(&grade(self.grade))
            .then(acts(other).cmp(&acts(self)))
            .then(self.possible.cmp(&other.possible))
            .then(other.at_risk.seconds().total_cmp(&self.at_risk.seconds()))
            .then(self.ready_share().total_cmp(&other.ready_share()))
    }

    /// The share of components ready (1 with none).
    fn ready_share(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.ready as f64 / self.total as f64
        }
    }
}

/// A region's health in one word, as the fleet shows it beside the region's name.
pub fn region_word(h: RegionHealth) -> &'static str {
    match h {
        RegionHealth::Healthy => "healthy",
        RegionHealth::Degraded => "DEGRADED",
        RegionHealth::Outage => "OUTAGE",
        RegionHealth::Unknown => "UNKNOWN",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ComponentKind, Mode};
    use crate::health::model::*;

    fn region(name: &str, role: RegionRole) -> RegionStatus {
        RegionStatus {
            name: name.into(),
            display_name: name.into(),
            role,
            health: RegionHealth::Healthy,
            reason: "every resource available".into(),
            incidents: Vec::new(),
            resources: 2,
            available: 2,
            not_responding_since: None,
        }
    }

    fn storage(name: &str, lag: f64) -> ComponentStatus {
        let inst = |region: &str| InstanceStatus {
            region: region.into(),
            health: InstanceHealth::Available,
            resource_id: format!("/subscriptions/x/{name}"),
            state: "available".into(),
            detail: None,
        };
        ComponentStatus {
            name: name.into(),
            kind: ComponentKind::Storage,
            mode: Mode::HotCold,
            active_region: "eastus".into(),
            ready: true,
            ha_status: "standby ready".into(),
            instances: vec![inst("eastus"), inst("westus")],
            lag_seconds: Some(lag),
            rpo_seconds: 900,
            last_sync_time: None,
            checks: Vec::new(),
            properties: Vec::new(),
            az_commands: Vec::new(),
            errors: Vec::new(),
            standby: Vec::new(),
            idle: Vec::new(),
        }
    }

    fn snapshot(components: Vec<ComponentStatus>) -> Snapshot {
        let mut s = Snapshot {
            deployment: "d".into(),
            subscription_id: "x".into(),
            overall: Overall::Healthy,
            regions: vec![
                region("eastus", RegionRole::Primary),
                region("westus", RegionRole::Secondary),
            ],
            components,
            taken_at: time::macros::datetime!(2026-11-26 02:30:00 UTC),
            duration_ms: 1,
            requests: 1,
            identity: None,
            errors: Vec::new(),
            verdict: Default::default(),
            facts: Default::default(),
            reads_left: None,
            reads_waited: 0,
        };
        s.verdict = crate::health::verdict::verdict(&s);
        s
    }

    #[test]
    fn a_healthy_snapshot_has_nothing_at_risk_and_ranks_below_an_outage() {
        let healthy = snapshot(vec![storage("a", 60.0), storage("b", 30.0)]);
        let h = Standing::of(&healthy);
        assert_eq!(h.at_risk, AtRisk::Nothing, "{h:?}");
        assert_eq!(h.ready_text(), "2/2");
        assert_eq!(h.verdict_word(), "none");

        let mut down = healthy.clone();
        down.regions[0].health = RegionHealth::Outage;
        down.overall = Overall::Outage;
        down.verdict = crate::health::verdict::verdict(&down);
        let d = Standing::of(&down);
        assert_eq!(d.grade, Grade::Outage);
        assert!(d.verdict_word().starts_with("FAIL OVER"), "{d:?}");
        assert_eq!(d.alarm_cmp(&h), Ordering::Less, "the outage first");
        assert_eq!(h.alarm_cmp(&d), Ordering::Greater);
    }

    #[test]
    fn a_lag_over_the_rpo_is_data_at_risk() {
        let mut s = snapshot(vec![storage("a", 60.0), storage("training-data", 1200.0)]);
        s.overall = Overall::Degraded;
        s.verdict = crate::health::verdict::verdict(&s);
        let st = Standing::of(&s);
        assert_eq!(st.at_risk.short(), "lag 20m > 15m", "{st:?}");
        assert_eq!(
            st.at_risk.words(),
            "training-data lag 20 min over its RPO of 15 min"
        );
    }
}
