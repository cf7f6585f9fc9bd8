//! The console's state, the actions that change it and a pure `update(&mut App, Action)` that
//! returns the effects the event loop carries out (quit, refresh, inject a fault).

use std::collections::{HashMap, VecDeque};

use time::{Duration, OffsetDateTime};

use crate::health::{HealthMsg, Snapshot};
use crate::sim::Fault;

use super::command::{self, Command};
use super::edit::Completion;
pub use super::state::*;
use super::summary::Summary;
use super::timeline::{self, Event, Severity};
use super::{ConsoleOptions, nav, view};
use super::{layout, theme::Theme};

/// Everything the screen shows.
pub struct App {
    pub meta: Meta,
    pub theme: Theme,
    /// The wall clock (UTC), advanced by `Action::Tick`; rendering never reads the clock itself.
    pub now: OffsetDateTime,
    /// Terminal size, for layout-dependent scrolling and mouse hits.
    pub size: (u16, u16),
    pub screen: Screen,
    /// Where Esc goes back to from the detail screen.
    pub back_to: Screen,
    pub help: bool,
    pub help_scroll: u16,
    pub input: Input,
    pub command_line: String,
    /// The `:` lines run in this session, oldest first (Up/Down bring them back).
    pub history: Vec<String>,
    /// Where Up/Down are in the history, and the line typed before them.
    pub history_pos: Option<(usize, String)>,
    /// The Tab completion being cycled through, if any.
    pub completion: Option<Completion>,
    /// The filter line as typed.
    pub filter: String,
    /// The filter in force: the last one typed that compiled.
    pub filter_rule: view::Filter,
    pub sort: SortKey,
    /// The sort key's order reversed (a second press of its key).
    pub sort_reversed: bool,
    pub snapshot: Option<Snapshot>,
    /// The snapshot is the cached one from disk: no refresh has landed yet.
    pub stale: bool,
    /// When (wall clock) the current snapshot arrived.
    pub received_at: Option<OffsetDateTime>,
    /// Snapshots taken so far (the event loop hands freed memory back after a new one).
    pub snapshots_taken: u64,
    pub refreshing: bool,
    /// The last failed refresh (wall clock, reason); cleared by the next snapshot.
    pub last_error: Option<(OffsetDateTime, String)>,
    pub lag_history: HashMap<String, VecDeque<u64>>,
    pub timeline: Vec<Event>,
    pub message: Option<Message>,
    /// Indices of the shown components (filtered and sorted).
    pub view: Vec<usize>,
    /// Counts over the current snapshot (what serves where, what blocks a failover).
    pub summary: Summary,
    pub table: Cursor,
    /// Timeline cursor; row 0 is the newest event.
    pub events: Cursor,
    /// The component the detail screen shows.
    pub detail: Option<String>,
    pub detail_scroll: u16,
    /// The run this console drives (`failover`, `failback`, `drill`), if any.
    pub run: Option<super::run_state::RunView>,
    /// The reports screen.
    pub reports: super::reports::ReportsView,
    /// A run this console may start, waiting for the operator's yes.
    pub start_ask: Option<crate::config::RunbookKind>,
    /// Whether this console can start runs (`:failover`, `:failback`, `:plan`).
    pub can_run: bool,
    /// The simulator's time and scale (demos and drills): every time shown is in it.
    pub sim_time: Option<(OffsetDateTime, f64)>,
}

/// Everything that can happen to the console.
#[derive(Debug, Clone)]
pub enum Action {
    Tick(OffsetDateTime),
    Resize(u16, u16),
    Health(HealthMsg),
    FaultResult(Result<String, String>),
    Quit,
    /// Ctrl-C or SIGTERM: quit with 130.
    Interrupt,
    Up,
    Down,
    HalfPageUp,
    HalfPageDown,
    Top,
    Bottom,
    Open,
    Back,
    NextScreen,
    PrevScreen,
    Show(Screen),
    ToggleHelp,
    StartCommand,
    StartFilter,
    Refresh,
    CycleSort,
    /// Sort by a column; its key again reverses the order.
    SortBy(SortKey),
    /// Tab while typing a command: complete the word (again: the next candidate).
    Complete,
    /// Shift-Tab while typing a command: the previous candidate.
    CompleteBack,
    /// Up while typing a command: the previous line of this session.
    HistoryPrev,
    /// Down while typing a command: the next line (at the end, what was typed).
    HistoryNext,
    /// An answer in the open dialog.
    Choose(super::run_state::Choice),
    Type(char),
    Erase,
    EraseWord,
    Submit,
    Cancel,
    Paste(String),
    Click {
        column: u16,
        row: u16,
    },
    ScrollUp,
    ScrollDown,
    /// A message of the runbook executor.
    Run(Box<super::run_state::RunEvent>),
    /// The saved reports, read off the UI thread.
    Reports(Result<Box<crate::runbook::report::Listing>, String>),
    /// The runbook of a preview (`:plan`), planned off the UI thread.
    Preview(Box<Result<crate::runbook::Runbook, String>>),
    /// A run could not start (the reason).
    RunNotStarted(String),
    /// The overview's key for what the verdict recommends (fail over or back).
    ActOnVerdict,
    /// The simulator's clock now, and its scale (demos and drills).
    SimTime(OffsetDateTime, f64),
}

/// "30", "0.5": a time scale as people write it.
fn trim_scale(scale: f64) -> String {
    let s = format!("{scale:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// What the event loop must do after an update.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit(i32),
    RefreshNow,
    InjectFault(Fault),
    /// Read the saved reports (answered by `Action::Reports`).
    LoadReports,
    /// The operator's answer to the executor's question `id`.
    Answer {
        id: u64,
        decision: crate::runbook::operator::Decision,
    },
    /// The operator's choice about an unfinished run (offer `id`).
    Resume {
        id: u64,
        choice: crate::runbook::operator::ResumeChoice,
    },
    /// Start a run of this kind in this console (confirmed).
    StartRun(crate::config::RunbookKind),
    /// Plan the runbook of this kind for a preview.
    Preview(crate::config::RunbookKind),
}

impl App {
    /// The state at start: the cached snapshot (if any) shown as stale.
    pub fn new(opts: &ConsoleOptions, theme: Theme, now: OffsetDateTime, size: (u16, u16)) -> App {
        let d = &opts.config.deployment;
        let meta = Meta {
            deployment: d.name.clone(),
            primary: d.primary_region.to_string(),
            secondary: d.secondary_region.to_string(),
            rto_minutes: d.rto_minutes,
            rpo_minutes: d.rpo_minutes,
            badge: opts.badge,
            read_only: opts.read_only,
            identity: opts.identity.clone(),
            scenario: opts.scenario.clone(),
            faults_enabled: opts.faults.is_some(),
            refresh_seconds: opts.config.console.refresh_seconds,
            overdue_after_seconds: u64::from(opts.config.console.refresh_seconds)
                + u64::from(opts.config.console.request_timeout_seconds)
                + 5,
            mouse: opts.config.console.mouse,
            in_fleet: false,
        };
        let mut app = App {
            meta,
            theme,
            now,
            size,
            screen: Screen::Overview,
            back_to: Screen::Overview,
            help: false,
            help_scroll: 0,
            input: Input::Normal,
            command_line: String::new(),
            history: Vec::new(),
            history_pos: None,
            completion: None,
            filter: String::new(),
            filter_rule: view::Filter::default(),
            sort: SortKey::Config,
            sort_reversed: false,
            snapshot: None,
            stale: false,
            received_at: None,
            snapshots_taken: 0,
            refreshing: false,
            last_error: None,
            lag_history: HashMap::new(),
            timeline: Vec::new(),
            message: None,
            view: Vec::new(),
            summary: Summary::default(),
            table: Cursor::default(),
            events: Cursor::default(),
            detail: None,
            detail_scroll: 0,
            run: None,
            reports: Default::default(),
            start_ask: None,
            can_run: opts.host.is_some(),
            sim_time: None,
        };
        if let Some(initial) = &opts.initial {
            app.snapshot = Some(initial.clone());
            app.stale = true;
            app.refresh_view();
        }
        app
    }

    /// The selected component, if any.
    pub fn selected_component(&self) -> Option<&crate::health::ComponentStatus> {
        let snap = self.snapshot.as_ref()?;
        snap.components.get(*self.view.get(self.table.selected)?)
    }

    /// The component the detail screen shows.
    pub fn detail_component(&self) -> Option<&crate::health::ComponentStatus> {
        let name = self.detail.as_deref()?;
        self.snapshot
            .as_ref()?
            .components
            .iter()
            .find(|c| c.name == name)
    }

    /// Timeline event at row `row` (row 0 is the newest).
    pub fn event_at(&self, row: usize) -> Option<&Event> {
        self.timeline
            .len()
            .checked_sub(row + 1)
            .map(|i| &self.timeline[i])
    }

    /// Whether the user is typing a command or a filter.
    pub fn typing(&self) -> bool {
        self.input != Input::Normal
    }

    /// Shows a message in the status bar for a few seconds.
    pub fn say(&mut self, level: Level, text: impl Into<String>) {
        let until = self.now + Duration::seconds(MESSAGE_SECONDS);
        self.message = Some(Message {
            level,
            text: text.into(),
            until,
        });
    }

    /// Recomputes the shown components, keeping the selected one selected.
    pub(super) fn refresh_view(&mut self) {
        let keep = self.selected_component().map(|c| c.name.clone());
        self.view = view::compute(
            self.snapshot.as_ref(),
            &self.filter_rule,
            self.sort,
            self.sort_reversed,
        );
        self.summary = self.snapshot.as_ref().map_or_else(Summary::default, |s| {
            Summary::of(s, &self.meta.primary, &self.meta.secondary)
        });
        let comps = self.snapshot.as_ref().map(|s| &s.components);
        let index = keep
            .and_then(|name| {
                self.view
                    .iter()
                    .position(|&i| comps.is_some_and(|c| c[i].name == name))
            })
            .unwrap_or(self.table.selected);
        self.table
            .select(index, self.view.len(), layout::table_rows(self));
    }

    /// Adds a timeline event, keeping the timeline cursor on the same event.
    fn record(&mut self, events: Vec<Event>) {
        let added = events.len();
        self.timeline.extend(events);
        let excess = self.timeline.len().saturating_sub(TIMELINE_MAX);
        self.timeline.drain(..excess);
        if self.events.selected > 0 {
            let len = self.timeline.len();
            self.events.select(
                self.events.selected + added,
                len,
                layout::timeline_rows(self),
            );
        }
    }

    /// The clock times are shown in: the simulator's in demos and drills, else the wall clock.
    pub fn clock_now(&self) -> OffsetDateTime {
        self.sim_time.map_or(self.now, |(t, _)| t)
    }

    /// How the times on screen are labelled: "UTC", or "simulated UTC, ×30".
    pub fn clock_label(&self) -> String {
        match self.sim_time {
            Some((_, scale)) => format!("simulated UTC, ×{}", trim_scale(scale)),
            None => "UTC".into(),
        }
    }

    /// A local event (not from a snapshot), stamped with the clock of the screen.
    fn record_local(&mut self, severity: Severity, text: String) {
        let event = Event {
            at: self.clock_now(),
            severity,
            subject: String::new(),
            component: false,
            text,
        };
        self.record(vec![event]);
    }

    /// Applies a message from the health engine.
    fn on_health(&mut self, msg: HealthMsg) {
        match msg {
            HealthMsg::Refreshing => self.refreshing = true,
            HealthMsg::Snapshot(snap) => self.on_snapshot(*snap),
            HealthMsg::Silent { region, since } => self.on_silent(&region, since),
            HealthMsg::Failed(reason) => {
                self.refreshing = false;
                let repeated = self.last_error.as_ref().is_some_and(|(_, r)| *r == reason);
                if !repeated {
                    self.record_local(Severity::Bad, format!("refresh failed: {reason}"));
                }
                self.last_error = Some((self.now, reason));
            }
        }
    }

    /// A region's probe went unanswered: the region shows as not responding now (the next
    /// snapshot says the rest), and the verdict is derived again from that.
    fn on_silent(&mut self, region: &str, since: OffsetDateTime) {
        let Some(snap) = self.snapshot.as_mut() else {
            return;
        };
        let Some(r) = snap.regions.iter_mut().find(|r| r.name == region) else {
            return;
        };
        if r.not_responding_since.is_some() {
            return;
        }
        r.not_responding_since = Some(since);
        if matches!(
            r.health,
            crate::health::RegionHealth::Healthy | crate::health::RegionHealth::Degraded
        ) {
            r.health = crate::health::RegionHealth::Unknown;
            r.reason = "not responding: no answer within the request deadline".into();
        }
        snap.verdict = crate::health::verdict::verdict(snap);
        self.record_local(Severity::Bad, format!("{region} is not responding"));
        self.refresh_view();
    }

    /// A new snapshot: timeline diff, lag history, then the view.
    fn on_snapshot(&mut self, snap: Snapshot) {
        let events = timeline::diff(self.snapshot.as_ref(), &snap);
        self.record(events);
        for comp in &snap.components {
            if let Some(lag) = comp.lag_seconds {
                let history = self.lag_history.entry(comp.name.clone()).or_default();
                history.push_back(lag.max(0.0).round() as u64);
                if history.len() > LAG_HISTORY {
                    history.pop_front();
                }
            }
        }
        self.snapshot = Some(snap);
        self.stale = false;
        self.refreshing = false;
        self.last_error = None;
        self.received_at = Some(self.now);
        self.snapshots_taken += 1;
        self.refresh_view();
    }
}

/// Applies one action; pure apart from the returned effects.
pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::SimTime(t, scale) => app.sim_time = Some((t, scale)),
        Action::Tick(now) => {
            app.now = now;
            if app.message.as_ref().is_some_and(|m| m.until <= now) {
                app.message = None;
            }
        }
        Action::Resize(w, h) => {
            app.size = (w, h);
            app.refresh_view();
        }
        Action::Health(msg) => app.on_health(msg),
        Action::FaultResult(result) => return fault_result(app, result),
        // In help, q closes the help.
        Action::Quit if app.help => app.help = false,
        Action::Quit => return quit(app),
        Action::Interrupt => return vec![Effect::Quit(crate::exit::ABORTED)],
        Action::Run(event) => return super::run_state::on_run(app, *event),
        Action::Reports(listing) => super::reports::loaded(app, listing),
        Action::Preview(result) => super::act::previewed(app, *result),
        Action::RunNotStarted(why) => super::act::not_started(app, why),
        Action::ActOnVerdict => return super::act::act_on_verdict(app),
        Action::Choose(_) | Action::Type(_) | Action::Submit | Action::Cancel
            if app.start_ask.is_some() =>
        {
            return super::act::start_key(app, action);
        }
        Action::Choose(_)
        | Action::Type(_)
        | Action::Erase
        | Action::EraseWord
        | Action::Submit
        | Action::Cancel
        | Action::Paste(_)
            if app.dialog_open() && !app.typing() =>
        {
            return super::run_state::dialog_key(app, action);
        }
        Action::Choose(_) => {}
        Action::Type(_)
        | Action::Erase
        | Action::EraseWord
        | Action::Submit
        | Action::Cancel
        | Action::Paste(_)
        | Action::Complete
        | Action::CompleteBack
        | Action::HistoryPrev
        | Action::HistoryNext => {
            return super::edit::edit(app, action);
        }
        other => return nav::navigate(app, other),
    }
    Vec::new()
}

/// The answer of the fault injector.
fn fault_result(app: &mut App, result: Result<String, String>) -> Vec<Effect> {
    match result {
        Ok(applied) => {
            app.say(Level::Good, format!("fault injected: {applied}"));
            app.record_local(Severity::Info, format!("fault injected: {applied}"));
            vec![Effect::RefreshNow]
        }
        Err(reason) => {
            app.say(Level::Error, format!("fault refused: {reason}"));
            Vec::new()
        }
    }
}

/// Carries out a `:` command line.
pub(super) fn run_command(app: &mut App, text: &str) -> Vec<Effect> {
    match command::parse(text) {
        Err(e) => app.say(Level::Error, e),
        Ok(Command::Quit) => return quit(app),
        Ok(Command::Refresh) => return refresh(app),
        Ok(Command::Help) => app.help = true,
        Ok(Command::Sort(key)) => set_sort(app, key),
        Ok(Command::Filter(text)) => super::edit::set_filter(app, &text),
        Ok(Command::Screen(screen)) => return nav::show(app, screen),
        Ok(Command::Plan(kind)) => return super::act::preview(app, kind),
        Ok(Command::Start(kind)) => return super::act::ask_start(app, kind),
        Ok(Command::Fault(fault)) if app.meta.faults_enabled => {
            app.say(Level::Info, "injecting fault…");
            return vec![Effect::InjectFault(fault)];
        }
        Ok(Command::Fault(_)) => app.say(
            Level::Error,
            "faults can only be injected in demo and drills",
        ),
    }
    Vec::new()
}

/// `q` / `:q`: quits, except in the middle of a run (Ctrl-C leaves it unfinished, to resume).
fn quit(app: &mut App) -> Vec<Effect> {
    if app.run_active() {
        app.say(
            Level::Error,
            "a run is in progress: answer its question with abort to stop it, or Ctrl-C to leave it unfinished (the next failover resumes it)",
        );
        return Vec::new();
    }
    let code = app.run_exit_code().unwrap_or(crate::exit::OK);
    vec![Effect::Quit(code)]
}

/// Asks the engine for a refresh now.
pub(super) fn refresh(app: &mut App) -> Vec<Effect> {
    app.say(Level::Info, "refreshing…");
    vec![Effect::RefreshNow]
}

/// Sorts by `key` in its first order (`:sort`, `s`).
pub(super) fn set_sort(app: &mut App, key: SortKey) {
    app.sort = key;
    app.sort_reversed = false;
    sorted(app);
}

/// A column's sort key: sorts by it, or reverses the order when it already sorts.
pub(super) fn sort_by(app: &mut App, key: SortKey) {
    if app.sort == key {
        app.sort_reversed = !app.sort_reversed;
    } else {
        app.sort = key;
        app.sort_reversed = false;
    }
    sorted(app);
}

/// Applies the sort and says it.
fn sorted(app: &mut App) {
    app.refresh_view();
    let (key, order) = (app.sort.as_str(), app.sort.order(app.sort_reversed));
    app.say(Level::Info, format!("sorted by {key}, {order}"));
}
