//! Which components the table shows, in which order: the filter (a regex, `!` inverts it) and
//! the sort key.

use std::cmp::Ordering;

use crate::health::{ComponentStatus, InstanceHealth, Snapshot};

use super::app::SortKey;

/// The longest filter accepted (a regex is compiled for every change of it).
pub const FILTER_MAX: usize = 200;
/// The most memory a compiled filter may take.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A `/` filter: a case-insensitive regex over name, kind, mode, active region and HA status;
/// a leading `!` shows the components that do not match.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    text: String,
    regex: Option<regex::Regex>,
    inverse: bool,
}

impl Filter {
    /// Compiles a filter; Err says why not ("unclosed group").
    pub fn parse(text: &str) -> Result<Filter, String> {
        let n = text.chars().count();
        if n > FILTER_MAX {
            return Err(format!("too long ({n} characters, at most {FILTER_MAX})"));
        }
        let (inverse, pattern) = match text.trim().strip_prefix('!') {
            Some(rest) => (true, rest.trim()),
            None => (false, text.trim()),
        };
        let regex = if pattern.is_empty() {
            None
        } else {
            let built = regex::RegexBuilder::new(pattern)
                .case_insensitive(true)
                .size_limit(REGEX_SIZE_LIMIT)
                .dfa_size_limit(REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| regex_reason(&e))?;
            Some(built)
        };
        Ok(Filter {
            text: text.to_string(),
            regex,
            inverse: inverse && !pattern.is_empty(),
        })
    }

    /// The filter as typed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether it filters anything out.
    pub fn is_empty(&self) -> bool {
        self.regex.is_none()
    }

    /// Whether a component is shown.
    pub fn shows(&self, c: &ComponentStatus) -> bool {
        match &self.regex {
            None => true,
            Some(re) => matches(c, re) != self.inverse,
        }
    }
}

/// The last line of a regex error, which names the problem ("unclosed group").
fn regex_reason(e: &regex::Error) -> String {
    match e {
        regex::Error::CompiledTooBig(_) => "too large once compiled".into(),
        other => {
            let text = other.to_string();
            let last = text
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            last.trim().trim_start_matches("error: ").to_string()
        }
    }
}

/// Indices of the components that `filter` shows, ordered by `sort` (reversed on request).
pub fn compute(
    snapshot: Option<&Snapshot>,
    filter: &Filter,
    sort: SortKey,
    reversed: bool,
) -> Vec<usize> {
    let Some(snap) = snapshot else {
        return Vec::new();
    };
    let comps = &snap.components;
    let mut view: Vec<usize> = (0..comps.len())
        .filter(|&i| filter.shows(&comps[i]))
        .collect();
    view.sort_by(|&a, &b| {
        let order = compare(&comps[a], &comps[b], sort);
        match (sort, reversed) {
            (SortKey::Config, true) => b.cmp(&a),
            (_, true) => order.reverse().then(a.cmp(&b)),
            (_, false) => order.then(a.cmp(&b)),
        }
    });
    view
}

/// Whether a component matches a regex (name, kind, mode, active region, HA status).
pub fn matches(c: &ComponentStatus, re: &regex::Regex) -> bool {
    [
        c.name.as_str(),
        c.kind.as_str(),
        c.mode.as_str(),
        &c.active_region,
        &c.ha_status,
    ]
    .iter()
    .any(|field| re.is_match(field))
}

/// The order of two components under a sort key (ties keep the configuration's order).
fn compare(a: &ComponentStatus, b: &ComponentStatus, sort: SortKey) -> Ordering {
    match sort {
        SortKey::Config => Ordering::Equal,
        SortKey::Name => a.name.cmp(&b.name),
        SortKey::Kind => a.kind.cmp(&b.kind),
        SortKey::Active => a.active_region.cmp(&b.active_region),
        SortKey::Health => trouble(a).cmp(&trouble(b)),
        SortKey::Ready => a.ready.cmp(&b.ready),
        SortKey::Lag => lag_ratio(b).total_cmp(&lag_ratio(a)),
    }
}

/// 0 = worst: serving instance down, then a standby not ready, a lag over the RPO, a degraded
/// instance, and finally healthy.
pub fn trouble(c: &ComponentStatus) -> u8 {
    let active_down = c.instance(&c.active_region).is_some_and(|i| {
        matches!(
            i.health,
            InstanceHealth::Unavailable | InstanceHealth::Unknown
        )
    });
    let any = |h: InstanceHealth| c.instances.iter().any(|i| i.health == h);
    if active_down {
        0
    } else if !c.ready {
        1
    } else if c.lag_over_rpo() {
        2
    } else if any(InstanceHealth::Unavailable)
        || any(InstanceHealth::Degraded)
        || any(InstanceHealth::Unknown)
    {
        3
    } else {
        4
    }
}

/// Lag as a fraction of the RPO (components without lag sort last).
fn lag_ratio(c: &ComponentStatus) -> f64 {
    match c.lag_seconds {
        Some(lag) => lag / (c.rpo_seconds.max(1) as f64),
        None => -1.0,
    }
}
