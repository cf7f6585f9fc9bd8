//! The fleet overview's state: every deployment's console (`App`, each fed by its own health
//! engine), which one is open, and the rows worst first. A region that one deployment sees in
//! an outage marks every deployment there at once, before their own snapshots say so. Pure:
//! `update` returns the effects the fleet's event loop carries out, tagged with the deployment
//! they are for.

use std::collections::BTreeMap;

use time::OffsetDateTime;

use super::app::{Action, App, Effect, Screen, update as update_app};
use super::state::{Cursor, Level, MESSAGE_SECONDS, Message};
use super::theme::Theme;
use super::{ConsoleOptions, layout};
use crate::health::fleet::Standing;
use crate::health::{Grade, RegionHealth};

/// How alarming a deployment's row is; rows sort by it, most alarming first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Alarm {
    Healthy,
    Degraded,
    /// No snapshot, or its last refresh failed: nobody can say.
    Unknown,
    /// Its own snapshot does not say so yet, but another deployment sees one of its regions in
    /// an outage.
    OutageNearby,
    Outage,
}

/// One row of the fleet overview.
#[derive(Debug, Clone)]
pub struct FleetRow {
    /// The deployment (an index into `Fleet::apps`).
    pub index: usize,
    /// From its snapshot, when it has one (cached or live).
    pub standing: Option<Standing>,
    pub alarm: Alarm,
    /// Its regions that other deployments see in an outage, with who sees it (live snapshots
    /// only: a cached one may be old).
    pub outage_seen: Vec<(String, Vec<String>)>,
}

/// What the fleet's event loop does after an update.
#[derive(Debug, Clone, PartialEq)]
pub enum FleetEffect {
    /// An effect of deployment `.0`'s console, for its engine, run host or jobs.
    Seat(usize, Effect),
    /// Refresh every deployment now.
    RefreshAll,
    Quit(i32),
}

/// Everything that reaches the fleet.
#[derive(Debug, Clone)]
pub enum FleetInput {
    /// A key, paste or click: for the open deployment's console, else for the overview.
    Key(Action),
    /// A message for deployment `.0` (from its engine, its run or its background jobs).
    Seat(usize, Action),
    /// The wall clock: every console's.
    Tick(OffsetDateTime),
    /// The terminal's size: every console's.
    Resize(u16, u16),
    /// Ctrl-C or SIGTERM.
    Interrupt,
}

/// The fleet: one console per deployment, and the overview over them.
pub struct Fleet {
    /// Every deployment's console, in the order of the configurations.
    pub apps: Vec<App>,
    /// The configuration file of each.
    pub origins: Vec<String>,
    /// The deployment whose console is open (None: the overview).
    pub open: Option<usize>,
    /// The rows, worst first (recomputed after every update).
    pub rows: Vec<FleetRow>,
    /// The selected row.
    pub cursor: Cursor,
    pub help: bool,
    pub help_scroll: u16,
    pub message: Option<Message>,
    pub now: OffsetDateTime,
    pub size: (u16, u16),
    pub theme: Theme,
    pub read_only: bool,
}

impl Fleet {
    /// The fleet at start: each deployment's console on its cached snapshot (shown as stale
    /// until its first refresh lands), the rows worst first, the worst selected.
    pub fn new(
        deployments: &[ConsoleOptions],
        theme: Theme,
        now: OffsetDateTime,
        size: (u16, u16),
    ) -> Fleet {
        let apps = deployments
            .iter()
            .map(|opts| {
                let mut app = App::new(opts, theme, now, size);
                app.meta.in_fleet = true;
                app
            })
            .collect();
        let mut fleet = Fleet {
            apps,
            origins: deployments
                .iter()
                .map(|o| o.config.origin.clone())
                .collect(),
            open: None,
            rows: Vec::new(),
            cursor: Cursor::default(),
            help: false,
            help_scroll: 0,
            message: None,
            now,
            size,
            theme,
            read_only: deployments.iter().any(|o| o.read_only),
        };
        fleet.sort();
        fleet
    }

    /// The deployment of the selected row.
    pub fn selected(&self) -> Option<usize> {
        self.rows.get(self.cursor.selected).map(|r| r.index)
    }

    /// Regions some deployment's live snapshot sees in an outage, with the deployments that
    /// see it.
    pub fn outages(&self) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for app in self.apps.iter().filter(|a| !a.stale) {
            let Some(snap) = &app.snapshot else { continue };
            for r in snap
                .regions
                .iter()
                .filter(|r| r.health == RegionHealth::Outage)
            {
                out.entry(r.name.clone())
                    .or_default()
                    .push(app.meta.deployment.clone());
            }
        }
        out
    }

    /// Recomputes the rows, worst first, keeping the selected deployment selected.
    fn sort(&mut self) {
        let keep = self.selected();
        let outages = self.outages();
        let mut rows: Vec<FleetRow> = self
            .apps
            .iter()
            .enumerate()
            .map(|(index, app)| row(index, app, &outages))
            .collect();
        rows.sort_by(|a, b| {
            b.alarm
                .cmp(&a.alarm)
                .then_with(|| match (&a.standing, &b.standing) {
                    (Some(x), Some(y)) => x.alarm_cmp(y),
                    _ => std::cmp::Ordering::Equal,
                })
                .then_with(|| {
                    self.apps[a.index]
                        .meta
                        .deployment
                        .cmp(&self.apps[b.index].meta.deployment)
                })
        });
        self.rows = rows;
        let at = keep
            .and_then(|k| self.rows.iter().position(|r| r.index == k))
            .unwrap_or(0);
        self.cursor
            .select(at, self.rows.len(), layout::fleet_rows(self));
    }

    /// How many deployments are at each alarm.
    pub fn count(&self, alarm: Alarm) -> usize {
        self.rows.iter().filter(|r| r.alarm == alarm).count()
    }

    /// Shows a message in the status bar for a few seconds.
    pub fn say(&mut self, level: Level, text: impl Into<String>) {
        self.message = Some(Message {
            level,
            text: text.into(),
            until: self.now + time::Duration::seconds(MESSAGE_SECONDS),
        });
    }

    /// The exit code quitting the fleet gives: the worst of its runs' outcomes (0 without).
    fn quit_code(&self) -> i32 {
        self.apps
            .iter()
            .filter_map(App::run_exit_code)
            .max()
            .unwrap_or(crate::exit::OK)
    }
}

/// A deployment's row, from its console's state and the fleet's outages.
fn row(index: usize, app: &App, outages: &BTreeMap<String, Vec<String>>) -> FleetRow {
    let standing = app.snapshot.as_ref().map(Standing::of);
    let regions = [&app.meta.primary, &app.meta.secondary];
    let outage_seen: Vec<(String, Vec<String>)> = regions
        .iter()
        .filter_map(|r| {
            let seen: Vec<String> = outages
                .get(r.as_str())?
                .iter()
                .filter(|d| **d != app.meta.deployment)
                .cloned()
                .collect();
            let own = app.snapshot.as_ref().is_some_and(|s| {
                s.regions
                    .iter()
                    .any(|x| &x.name == *r && x.health == RegionHealth::Outage)
            });
            (!seen.is_empty() && !own).then(|| (r.to_string(), seen))
        })
        .collect();
    let alarm = match &standing {
        Some(s) if s.grade == Grade::Outage => Alarm::Outage,
        _ if !outage_seen.is_empty() => Alarm::OutageNearby,
        None => Alarm::Unknown,
        _ if app.last_error.is_some() => Alarm::Unknown,
        Some(s) if s.grade == Grade::Degraded => Alarm::Degraded,
        Some(_) => Alarm::Healthy,
    };
    FleetRow {
        index,
        standing,
        alarm,
        outage_seen,
    }
}

/// Applies one input; pure apart from the returned effects.
pub fn update(fleet: &mut Fleet, input: FleetInput) -> Vec<FleetEffect> {
    let effects = match input {
        FleetInput::Interrupt => return vec![FleetEffect::Quit(crate::exit::ABORTED)],
        FleetInput::Tick(now) => {
            fleet.now = now;
            if fleet.message.as_ref().is_some_and(|m| m.until <= now) {
                fleet.message = None;
            }
            broadcast(fleet, Action::Tick(now))
        }
        FleetInput::Resize(w, h) => {
            fleet.size = (w, h);
            broadcast(fleet, Action::Resize(w, h))
        }
        FleetInput::Seat(i, action) if i < fleet.apps.len() => {
            let effects = update_app(&mut fleet.apps[i], action);
            seat_effects(fleet, i, effects)
        }
        FleetInput::Seat(..) => Vec::new(),
        FleetInput::Key(action) => match fleet.open {
            Some(i) => seat_key(fleet, i, action),
            None => overview_key(fleet, action),
        },
    };
    fleet.sort();
    effects
}

/// Every console gets the action (the clock, the size).
fn broadcast(fleet: &mut Fleet, action: Action) -> Vec<FleetEffect> {
    let mut out = Vec::new();
    for i in 0..fleet.apps.len() {
        let effects = update_app(&mut fleet.apps[i], action.clone());
        out.extend(seat_effects(fleet, i, effects));
    }
    out
}

/// A deployment console's effects: Ctrl-C quits the fleet, a quit (`:q`) goes back to the
/// overview, the rest are that deployment's.
fn seat_effects(fleet: &mut Fleet, i: usize, effects: Vec<Effect>) -> Vec<FleetEffect> {
    let mut out = Vec::new();
    for e in effects {
        match e {
            Effect::Quit(crate::exit::ABORTED) => out.push(FleetEffect::Quit(crate::exit::ABORTED)),
            Effect::Quit(_) => {
                if fleet.open == Some(i) {
                    fleet.open = None;
                }
            }
            other => out.push(FleetEffect::Seat(i, other)),
        }
    }
    out
}

/// A key in deployment `i`'s console: q (and Esc on its overview with nothing to clear) goes
/// back to the overview; everything else is the console's, as when it runs alone.
fn seat_key(fleet: &mut Fleet, i: usize, action: Action) -> Vec<FleetEffect> {
    let app = &fleet.apps[i];
    let free = !app.help && !app.typing() && !app.dialog_open();
    let back = match action {
        Action::Quit => free,
        Action::Back => {
            free && app.screen == Screen::Overview
                && app.filter.is_empty()
                && app.filter_rule.is_empty()
        }
        _ => false,
    };
    if back {
        fleet.open = None;
        return Vec::new();
    }
    let effects = update_app(&mut fleet.apps[i], action);
    seat_effects(fleet, i, effects)
}

/// A key on the fleet overview.
fn overview_key(fleet: &mut Fleet, action: Action) -> Vec<FleetEffect> {
    if fleet.help {
        let (max, page) = super::ui::help::fleet_scroll_limits(fleet);
        let by = |fleet: &mut Fleet, delta: i32| {
            fleet.help_scroll = (i32::from(fleet.help_scroll) + delta).clamp(0, max.into()) as u16;
        };
        match action {
            Action::Up | Action::ScrollUp => by(fleet, -1),
            Action::Down | Action::ScrollDown => by(fleet, 1),
            Action::HalfPageUp => by(fleet, -i32::from(page.max(1))),
            Action::HalfPageDown => by(fleet, i32::from(page.max(1))),
            Action::Top => fleet.help_scroll = 0,
            Action::Bottom => fleet.help_scroll = max,
            Action::ToggleHelp | Action::Back | Action::Quit => fleet.help = false,
            _ => {}
        }
        return Vec::new();
    }
    let len = fleet.rows.len();
    let height = layout::fleet_rows(fleet);
    let half = (height / 2).max(1) as isize;
    match action {
        Action::Up | Action::ScrollUp => fleet.cursor.step(-1, len, height),
        Action::Down | Action::ScrollDown => fleet.cursor.step(1, len, height),
        Action::HalfPageUp => fleet.cursor.step(-half, len, height),
        Action::HalfPageDown => fleet.cursor.step(half, len, height),
        Action::Top => fleet.cursor.select(0, len, height),
        Action::Bottom => fleet.cursor.select(len.saturating_sub(1), len, height),
        Action::Open => open(fleet),
        Action::Click { row, .. } => {
            if let Some(at) = layout::fleet_row_at(fleet, row) {
                let again = fleet.cursor.selected == at;
                fleet.cursor.select(at, len, height);
                if again {
                    open(fleet);
                }
            }
        }
        Action::ToggleHelp => {
            fleet.help = true;
            fleet.help_scroll = 0;
        }
        Action::Refresh => {
            fleet.say(
                Level::Info,
                format!("refreshing all {len} deployments (a few at a time)…"),
            );
            return vec![FleetEffect::RefreshAll];
        }
        Action::Quit => {
            let running: Vec<&str> = fleet
                .apps
                .iter()
                .filter(|a| a.run_active())
                .map(|a| a.meta.deployment.as_str())
                .collect();
            if running.is_empty() {
                return vec![FleetEffect::Quit(fleet.quit_code())];
            }
            let text = format!(
                "a run is in progress in {}: open it (Enter) to answer its questions or abort it, or Ctrl-C to leave it unfinished (the next failover resumes it)",
                running.join(", ")
            );
            fleet.say(Level::Error, text);
        }
        Action::Interrupt => return vec![FleetEffect::Quit(crate::exit::ABORTED)],
        _ => {}
    }
    Vec::new()
}

/// Opens the selected deployment's console, on the screen it was left on.
fn open(fleet: &mut Fleet) {
    if let Some(i) = fleet.selected() {
        fleet.open = Some(i);
    }
}
