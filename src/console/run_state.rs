//! The runbook screen's state: the runbook being run, every step's state (derived from the
//! journal entries the executor reports), the question waiting for the operator and the dialog
//! that answers it. Pure: answers leave as `Effect::Answer`, carried out by the event loop.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use time::OffsetDateTime;

use super::app::{Action, App, Effect, Level};
use super::runbook_bridge::RunEnd;
use crate::runbook::journal::{Entry, Event};
use crate::runbook::model::{Confirm, Runbook, Step};
use crate::runbook::operator::{Decision, Question, ResumeChoice, ResumeOffer, StepUpdate};
use crate::runbook::run::{StepState, apply_step_state};

/// Progress lines kept for the activity list.
const NOTES_MAX: usize = 200;

/// What the executor reported, as an action (cloneable: the reply channel stays in the loop).
/// Boxed inside `Action::Run`, so the size of its variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum RunEvent {
    Loaded {
        runbook: Box<Runbook>,
        entries: Vec<Entry>,
    },
    Entry(Entry),
    Notify(String),
    /// A question; the answer goes back with the same id.
    Ask {
        id: u64,
        step: Box<Step>,
        question: Question,
    },
    /// The question `id` needs no answer any more (a wait whose condition came true).
    Withdraw(u64),
    /// Live news about the step whose question is open.
    Update {
        step: String,
        update: StepUpdate,
    },
    /// An unfinished run: resume, abandon or quit; the answer goes back with the same id.
    Offer {
        id: u64,
        offer: Box<ResumeOffer>,
    },
    Finished(Box<RunEnd>),
}

/// A step's state on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    Pending,
    Running,
    /// Waiting for the operator's confirmation.
    Waiting,
    /// A precondition failed; the operator decides.
    Blocked,
    Done,
    Skipped,
    Failed,
}

/// Why a reason is being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Skip,
    Override,
}

/// The dialog answering the pending question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialog {
    /// y / Enter confirms; n / Esc declines.
    YesNo,
    /// The exact text must be typed; Enter checks it.
    Typed { text: String, error: Option<String> },
    /// Declined: skip with a reason, or abort.
    Declined,
    /// A precondition failed: override, skip or abort.
    Blocked,
    /// Overriding: first the target region's name.
    OverrideName { text: String, error: Option<String> },
    /// A written reason (skip or override).
    Reason {
        purpose: Purpose,
        text: String,
        error: Option<String>,
    },
    /// The step failed: retry, skip or abort.
    Failed,
    /// The step waits for a condition: skip (with a reason) or abort stop the wait.
    Waiting,
    /// A request whose answer was lost: re-check, send again (region typed + a reason), skip
    /// or abort.
    InDoubt,
    /// Abort the run? y aborts; n / Esc goes back.
    AbortAsk,
}

/// Which dialog is open: what the key table's dialog bindings apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogKind {
    Confirm,
    Typed,
    Declined,
    Blocked,
    OverrideName,
    Reason,
    InDoubt,
    Unreadable,
    Failed,
    Waiting,
    AbortAsk,
    /// The resume offer of an unfinished run.
    Offer,
    /// "Start a failover?" before a run opens from the console (`:failover`, `F`).
    Start,
}

impl DialogKind {
    /// Every dialog.
    pub const ALL: &'static [DialogKind] = &[
        DialogKind::Confirm,
        DialogKind::Typed,
        DialogKind::Declined,
        DialogKind::Blocked,
        DialogKind::OverrideName,
        DialogKind::Reason,
        DialogKind::InDoubt,
        DialogKind::Unreadable,
        DialogKind::Failed,
        DialogKind::Waiting,
        DialogKind::AbortAsk,
        DialogKind::Offer,
        DialogKind::Start,
    ];

    /// The dialog's title.
    pub fn title(self, purpose: Option<Purpose>) -> &'static str {
        match self {
            DialogKind::Confirm => "confirm this step",
            DialogKind::Typed => "typed confirmation",
            DialogKind::Declined => "declined",
            DialogKind::Blocked => "precondition failed",
            DialogKind::OverrideName => "override a precondition",
            DialogKind::Reason if purpose == Some(Purpose::Override) => "override: the reason",
            DialogKind::Reason => "skip with a reason",
            DialogKind::InDoubt => "request in doubt",
            DialogKind::Unreadable => "live state unreadable",
            DialogKind::Failed => "step failed",
            DialogKind::Waiting => "waiting",
            DialogKind::AbortAsk => "abort the run?",
            DialogKind::Offer => "unfinished run",
            DialogKind::Start => "start a run?",
        }
    }

    /// Whether it has a text input (keys without a binding are typed into it).
    pub fn has_input(self) -> bool {
        matches!(
            self,
            DialogKind::Typed | DialogKind::OverrideName | DialogKind::Reason
        )
    }
}

/// An answer in a dialog, as the key table names it; what it does depends on the dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Confirm,
    Decline,
    Skip,
    Abort,
    Override,
    Retry,
    Recheck,
    /// Enter in a text input: check it, go on.
    Done,
    Back,
    Resume,
    Abandon,
    /// Quit and leave the unfinished run as it is.
    Leave,
}

/// A question waiting for the operator.
#[derive(Debug, Clone)]
pub struct Pending {
    pub id: u64,
    pub step: Step,
    pub question: Question,
    /// The region an override must name (the run's target).
    pub region: String,
    pub dialog: Dialog,
    /// The latest live news about it: the data a forced step would lose now, or why a wait
    /// goes on.
    pub live: Option<String>,
    /// When (wall clock) the question opened, for the elapsed time of a wait.
    pub opened: OffsetDateTime,
}

impl Pending {
    /// The dialog a question opens with.
    fn initial(&self) -> Dialog {
        match (&self.question, &self.step.confirm) {
            (Question::Blocked(_), _) => Dialog::Blocked,
            (Question::Failed(_), _) => Dialog::Failed,
            (Question::Waiting { .. }, _) => Dialog::Waiting,
            (Question::InDoubt(_), _) => Dialog::InDoubt,
            (Question::Unreadable(_), _) => Dialog::Failed,
            (Question::Confirm, Confirm::Typed(_)) => Dialog::Typed {
                text: String::new(),
                error: None,
            },
            (Question::Confirm, _) => Dialog::YesNo,
        }
    }

    /// The text a typed step needs, if it is one.
    pub fn typed_text(&self) -> Option<&str> {
        match &self.step.confirm {
            Confirm::Typed(t) => Some(t),
            _ => None,
        }
    }
}

/// The run shown on the runbook screen.
#[derive(Debug, Clone, Default)]
pub struct RunView {
    pub runbook: Option<Runbook>,
    /// Per step: start, end, outcome, note — folded from the journal entries as they come.
    pub states: BTreeMap<String, StepState>,
    /// Last progress per step: (status, percent).
    pub progress: HashMap<String, (String, Option<f64>)>,
    /// When (wall clock) the console saw each step start, for elapsed times.
    pub seen_started: HashMap<String, OffsetDateTime>,
    /// Steps being retried after a failure.
    pub retrying: HashSet<String>,
    /// Progress lines, newest last.
    pub notes: VecDeque<(OffsetDateTime, String)>,
    pub pending: Option<Pending>,
    /// An unfinished run found at start, waiting for resume / abandon / quit.
    pub offer: Option<(u64, ResumeOffer)>,
    pub end: Option<RunEnd>,
    /// The step the operator moved to; None follows the current step.
    pub cursor: Option<usize>,
    /// A preview (`:plan`): the runbook that would run now, nothing running.
    pub preview: bool,
    /// The whole activity is open in a popup (Enter; Esc closes it).
    pub activity_open: bool,
    /// How far the open dialog's text is scrolled (rows).
    pub dialog_scroll: u16,
}

impl RunView {
    /// The state of a step.
    pub fn status(&self, id: &str) -> StepStatus {
        if let Some(p) = self.pending.as_ref().filter(|p| p.step.id == id) {
            return match p.question {
                Question::Confirm => StepStatus::Waiting,
                Question::Blocked(_) => StepStatus::Blocked,
                Question::Failed(_) => StepStatus::Failed,
                Question::Waiting { .. } => StepStatus::Running,
                Question::InDoubt(_) => StepStatus::Blocked,
                Question::Unreadable(_) => StepStatus::Failed,
            };
        }
        match self.states.get(id) {
            None => StepStatus::Pending,
            Some(s) => match s.2.as_str() {
                "done" => StepStatus::Done,
                "skipped" => StepStatus::Skipped,
                "failed" if self.retrying.contains(id) && self.end.is_none() => StepStatus::Running,
                "failed" => StepStatus::Failed,
                _ if s.0.is_some() && self.end.is_none() => StepStatus::Running,
                _ => StepStatus::Pending,
            },
        }
    }

    /// The steps in order (the pending step alone when the runbook is not known yet).
    pub fn steps(&self) -> Vec<&Step> {
        match (&self.runbook, &self.pending) {
            (Some(rb), _) => rb.steps.iter().collect(),
            (None, Some(p)) => vec![&p.step],
            (None, None) => Vec::new(),
        }
    }

    /// The index of the step the screen focuses on: the operator's choice, else the current one.
    pub fn focus(&self) -> Option<usize> {
        if let Some(c) = self.cursor {
            let n = self.steps().len();
            return Some(c.min(n.saturating_sub(1))).filter(|_| n > 0);
        }
        self.current()
    }

    /// The index of the step the run is at: the one waiting for a decision, else the running
    /// one, else the first not finished (where it stopped, once it ended).
    pub fn current(&self) -> Option<usize> {
        let steps = self.steps();
        if let Some(p) = &self.pending
            && let Some(i) = steps.iter().position(|s| s.id == p.step.id)
        {
            return Some(i);
        }
        let by = |want: StepStatus| steps.iter().position(|s| self.status(&s.id) == want);
        if self.end.is_some()
            && let Some(i) = by(StepStatus::Failed)
        {
            // Where the run stopped.
            return Some(i);
        }
        by(StepStatus::Running)
            .or_else(|| by(StepStatus::Pending))
            .or_else(|| steps.len().checked_sub(1))
    }

    /// Whether the run is still going (a preview never is).
    pub fn active(&self) -> bool {
        self.end.is_none() && !self.preview
    }

    /// Applies a journal entry.
    fn on_entry(&mut self, entry: Entry, now: OffsetDateTime) {
        match &entry.event {
            Event::StepStarted { step } => {
                self.seen_started.entry(step.clone()).or_insert(now);
            }
            Event::Progress {
                step,
                status,
                percent,
            } => {
                self.progress
                    .insert(step.clone(), (status.clone(), *percent));
            }
            Event::RequestSent { step, .. } => {
                self.seen_started.entry(step.clone()).or_insert(now);
            }
            Event::StepDone { step, .. }
            | Event::StepSkipped { step, .. }
            | Event::StepNotRun { step, .. }
            | Event::StepFailed { step, .. } => {
                self.retrying.remove(step);
            }
            _ => {}
        }
        apply_step_state(&mut self.states, &entry);
    }

    /// Adds a progress line.
    fn note(&mut self, now: OffsetDateTime, line: String) {
        self.notes.push_back((now, line));
        if self.notes.len() > NOTES_MAX {
            self.notes.pop_front();
        }
    }
}

impl App {
    /// Makes this console the console of a run: the runbook screen comes first.
    pub fn start_run(&mut self) {
        self.run = Some(RunView::default());
        self.screen = super::app::Screen::Runbook;
    }

    /// Whether a dialog takes the keys now.
    pub fn dialog_open(&self) -> bool {
        if self.start_ask.is_some() {
            return true;
        }
        self.screen == super::app::Screen::Runbook
            && !self.help
            && self
                .run
                .as_ref()
                .is_some_and(|r| r.pending.is_some() || r.offer.is_some())
    }

    /// The dialog open on the runbook screen (whatever screen is shown).
    pub fn dialog_kind(&self) -> Option<DialogKind> {
        if self.start_ask.is_some() {
            return Some(DialogKind::Start);
        }
        let run = self.run.as_ref()?;
        if run.offer.is_some() {
            return Some(DialogKind::Offer);
        }
        let p = run.pending.as_ref()?;
        Some(match &p.dialog {
            Dialog::YesNo => DialogKind::Confirm,
            Dialog::Typed { .. } => DialogKind::Typed,
            Dialog::Declined => DialogKind::Declined,
            Dialog::Blocked => DialogKind::Blocked,
            Dialog::OverrideName { .. } => DialogKind::OverrideName,
            Dialog::Reason { .. } => DialogKind::Reason,
            Dialog::InDoubt => DialogKind::InDoubt,
            Dialog::Failed if matches!(p.question, Question::Unreadable(_)) => {
                DialogKind::Unreadable
            }
            Dialog::Failed => DialogKind::Failed,
            Dialog::Waiting => DialogKind::Waiting,
            Dialog::AbortAsk => DialogKind::AbortAsk,
        })
    }

    /// Whether a run is going on (quitting would leave it unfinished).
    pub fn run_active(&self) -> bool {
        self.run.as_ref().is_some_and(RunView::active)
    }

    /// The exit code the run's outcome asks for, once it ended.
    pub fn run_exit_code(&self) -> Option<i32> {
        let end = self.run.as_ref()?.end.as_ref()?;
        if let Some(e) = &end.error {
            return Some(crate::exit::of_run_error(e));
        }
        Some(match end.outcome.as_str() {
            "completed" => crate::exit::OK,
            "aborted" => crate::exit::ABORTED,
            "failed" => crate::exit::DEGRADED,
            _ => crate::exit::UNAVAILABLE,
        })
    }
}

/// Applies a message of the executor.
pub fn on_run(app: &mut App, event: RunEvent) -> Vec<Effect> {
    // Activity is stamped in the clock the screen shows (the simulator's in drills).
    let now = app.clock_now();
    let Some(run) = app.run.as_mut() else {
        return Vec::new();
    };
    match event {
        RunEvent::Loaded { runbook, entries } => {
            run.runbook = Some(*runbook);
            for e in entries {
                run.on_entry(e, now);
            }
        }
        RunEvent::Entry(e) => run.on_entry(e, now),
        RunEvent::Notify(line) => run.note(now, line),
        RunEvent::Ask { id, step, question } => {
            let region = run
                .runbook
                .as_ref()
                .map(|r| r.to_region.to_string())
                .or_else(|| match &step.confirm {
                    Confirm::Typed(t) => Some(t.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| app.meta.secondary.clone());
            let mut pending = Pending {
                id,
                step: *step,
                question,
                region,
                dialog: Dialog::YesNo,
                live: None,
                opened: now,
            };
            pending.dialog = pending.initial();
            let title = pending.step.title.clone();
            run.pending = Some(pending);
            run.cursor = None;
            run.dialog_scroll = 0;
            if app.screen != super::app::Screen::Runbook {
                app.say(
                    Level::Info,
                    format!("waiting for you: {title} (4: runbook)"),
                );
            }
        }
        RunEvent::Withdraw(id) => {
            if run.pending.as_ref().is_some_and(|p| p.id == id) {
                let step = run.pending.take().map(|p| p.step.id).unwrap_or_default();
                run.note(
                    now,
                    format!("{step}: its condition holds: the wait is over"),
                );
            }
        }
        RunEvent::Update { step, update } => {
            if let Some(p) = run.pending.as_mut().filter(|p| p.step.id == step) {
                p.live = Some(match update {
                    StepUpdate::DataLoss { text, .. } => text,
                    StepUpdate::StillWaiting(why) => why,
                });
            }
        }
        RunEvent::Offer { id, offer } => {
            run.offer = Some((id, *offer));
            run.cursor = None;
            run.dialog_scroll = 0;
            app.screen = super::app::Screen::Runbook;
        }
        RunEvent::Finished(end) => {
            run.pending = None;
            run.offer = None;
            let text = match (&end.report_json, &end.message) {
                (Some(p), _) => {
                    format!("run {} — report: {} (5 shows it)", end.outcome, p.display())
                }
                (None, Some(m)) => format!("run {}: {m}", end.outcome),
                (None, None) => format!("run {}", end.outcome),
            };
            let level = if end.outcome == "completed" {
                Level::Good
            } else {
                Level::Error
            };
            run.note(now, text.clone());
            let report = end.report_json.clone();
            run.end = Some(*end);
            app.say(level, text);
            if let Some(json) = report {
                return super::reports::run_reported(app, json);
            }
        }
    }
    Vec::new()
}

/// What a key does in a dialog: an answer from the key table, or an edit of its text input.
enum Input {
    Choice(Choice),
    Edit(Action),
}

/// The meaning of an action in the open dialog: `Choose` as it is; a character, Enter or Esc
/// through the key table's bindings of that dialog (so `update(Type('y'))` and the key `y`
/// agree); what is left edits a text input.
fn dialog_input(kind: DialogKind, action: Action) -> Option<Input> {
    use super::keymap::{Key, dialog_binding};
    use crossterm::event::{KeyCode, KeyModifiers};
    let key = |code| Key {
        code,
        mods: KeyModifiers::NONE,
    };
    let pressed = match &action {
        Action::Choose(c) => return Some(Input::Choice(*c)),
        Action::Type(c) => key(KeyCode::Char(c.to_ascii_lowercase())),
        Action::Submit => key(KeyCode::Enter),
        Action::Cancel => key(KeyCode::Esc),
        _ => return kind.has_input().then_some(Input::Edit(action)),
    };
    match dialog_binding(kind, pressed).map(|b| &b.action) {
        Some(Action::Choose(c)) => Some(Input::Choice(*c)),
        _ if kind.has_input() && matches!(action, Action::Type(_)) => Some(Input::Edit(action)),
        _ => None,
    }
}

/// Keys while a dialog is open (answers, text keys, Backspace, paste).
pub fn dialog_key(app: &mut App, action: Action) -> Vec<Effect> {
    let Some(kind) = app.dialog_kind() else {
        return Vec::new();
    };
    let Some(input) = dialog_input(kind, action) else {
        return Vec::new();
    };
    let Some(run) = app.run.as_mut() else {
        return Vec::new();
    };
    if let Some((id, offer)) = run.offer.as_ref() {
        let choice = match input {
            Input::Choice(Choice::Resume) => ResumeChoice::Resume,
            Input::Choice(Choice::Abandon) => ResumeChoice::Abandon,
            Input::Choice(Choice::Leave) => ResumeChoice::Quit,
            _ => return Vec::new(),
        };
        let (id, kind) = (*id, offer.kind.clone());
        run.offer = None;
        run.dialog_scroll = 0;
        app.say(
            Level::Info,
            match choice {
                ResumeChoice::Resume => format!("resuming the unfinished {kind}"),
                ResumeChoice::Abandon => {
                    format!("the unfinished {kind} is closed as aborted; a new run is planned")
                }
                ResumeChoice::Quit => format!("the unfinished {kind} is left as it was"),
            },
        );
        let mut effects = vec![Effect::Resume { id, choice }];
        if choice == ResumeChoice::Quit {
            // Left as it was: nothing more to do in this console.
            effects.push(Effect::Quit(crate::exit::ABORTED));
        }
        return effects;
    }
    let Some(p) = run.pending.as_mut() else {
        return Vec::new();
    };
    let before = std::mem::discriminant(&p.dialog);
    let answer = step_dialog(p, input);
    if std::mem::discriminant(&p.dialog) != before {
        run.dialog_scroll = 0;
    }
    match answer {
        Some(decision) => {
            let id = p.id;
            let step = p.step.id.clone();
            if matches!(p.question, Question::Failed(_)) && decision == Decision::Confirm {
                run.retrying.insert(step.clone());
            }
            run.pending = None;
            run.dialog_scroll = 0;
            let said = match &decision {
                Decision::Confirm | Decision::Typed(_) => format!("{step}: confirmed"),
                Decision::Skip(r) => format!("{step}: skipped — {r}"),
                Decision::Override(r) => format!("{step}: precondition overridden — {r}"),
                Decision::Abort => format!("{step}: run aborted by the operator"),
                Decision::Stop => format!("{step}: run stopped"),
            };
            app.say(Level::Info, said);
            vec![Effect::Answer { id, decision }]
        }
        None => Vec::new(),
    }
}

/// One answer or edit in a dialog: the new dialog, and the decision when the operator made one.
fn step_dialog(p: &mut Pending, input: Input) -> Option<Decision> {
    let initial = p.initial();
    let choice = match input {
        Input::Choice(c) => c,
        Input::Edit(action) => {
            match &mut p.dialog {
                Dialog::Typed { text, error }
                | Dialog::OverrideName { text, error }
                | Dialog::Reason { text, error, .. } => edit_text(text, error, action),
                _ => {}
            }
            return None;
        }
    };
    let override_name = || Dialog::OverrideName {
        text: String::new(),
        error: None,
    };
    match (&mut p.dialog, choice) {
        (Dialog::YesNo, Choice::Confirm) => return Some(Decision::Confirm),
        (Dialog::YesNo | Dialog::Typed { .. }, Choice::Decline) => p.dialog = Dialog::Declined,
        (Dialog::Typed { text, error }, Choice::Done) => match p.step.confirm.clone() {
            Confirm::Typed(want) if *text == want => return Some(Decision::Typed(text.clone())),
            Confirm::Typed(want) => {
                *error = Some(format!(
                    "'{text}' is not '{want}': type the region name exactly"
                ));
                text.clear();
            }
            _ => {}
        },
        (Dialog::OverrideName { text, .. }, Choice::Done) if *text == p.region => {
            p.dialog = reason(Purpose::Override)
        }
        (Dialog::OverrideName { text, error }, Choice::Done) => {
            *error = Some(format!(
                "'{text}' is not '{}': type the target region's name exactly",
                p.region
            ));
            text.clear();
        }
        (Dialog::Reason { text, error, .. }, Choice::Done) if text.trim().is_empty() => {
            *error = Some("write a reason: it goes into the journal and the report".into());
        }
        (Dialog::Reason { purpose, text, .. }, Choice::Done) => {
            let r = text.trim().to_string();
            return Some(match purpose {
                Purpose::Skip => Decision::Skip(r),
                Purpose::Override => Decision::Override(r),
            });
        }
        (Dialog::InDoubt, Choice::Recheck) | (Dialog::Failed, Choice::Retry) => {
            return Some(Decision::Confirm);
        }
        (Dialog::Blocked | Dialog::InDoubt, Choice::Override) => p.dialog = override_name(),
        (
            Dialog::Declined | Dialog::Blocked | Dialog::InDoubt | Dialog::Waiting | Dialog::Failed,
            Choice::Skip,
        ) => p.dialog = reason(Purpose::Skip),
        (Dialog::AbortAsk, Choice::Abort) => return Some(Decision::Abort),
        (
            Dialog::Declined | Dialog::Blocked | Dialog::InDoubt | Dialog::Waiting | Dialog::Failed,
            Choice::Abort,
        ) => p.dialog = Dialog::AbortAsk,
        (
            Dialog::Declined
            | Dialog::OverrideName { .. }
            | Dialog::Reason { .. }
            | Dialog::AbortAsk,
            Choice::Back,
        ) => p.dialog = initial,
        _ => {}
    }
    None
}

/// An empty reason dialog.
fn reason(purpose: Purpose) -> Dialog {
    Dialog::Reason {
        purpose,
        text: String::new(),
        error: None,
    }
}

/// Text editing in a dialog's input.
fn edit_text(text: &mut String, error: &mut Option<String>, action: Action) {
    match action {
        Action::Type(c) => text.push(c),
        Action::Paste(s) => text.push_str(super::sanitize(&s).trim_end_matches(['\n', '\r'])),
        Action::Erase => {
            text.pop();
        }
        Action::EraseWord => {
            let keep = text.trim_end().rfind(' ').map_or(0, |i| i + 1);
            text.truncate(keep);
        }
        _ => return,
    }
    *error = None;
}

/// j/k on the runbook screen: moves the focus through the steps.
pub fn move_focus(app: &mut App, delta: isize) {
    let Some(run) = app.run.as_mut() else {
        return;
    };
    let len = run.steps().len();
    if len == 0 {
        return;
    }
    let from = run.focus().unwrap_or(0) as isize;
    run.cursor = Some((from + delta).clamp(0, len as isize - 1) as usize);
}

/// Up/Down/PgUp/PgDn while a dialog is open: scrolls its text, within what it has below.
pub fn scroll_dialog(app: &mut App, delta: isize) {
    let max = super::ui::runbook::dialog_scroll_max(app);
    if let Some(run) = app.run.as_mut() {
        let to = (run.dialog_scroll as isize + delta).clamp(0, max as isize);
        run.dialog_scroll = to as u16;
    }
}

/// Esc on the runbook screen: follow the current step again.
pub fn follow(app: &mut App) {
    if let Some(run) = app.run.as_mut() {
        run.cursor = None;
    }
}
