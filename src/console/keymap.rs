//! The one key table: it maps keys to actions on the screens, while typing a command or a
//! filter and in each runbook dialog, and its descriptions feed the status-bar hints, the
//! dialogs' key lines and the `?` help overlay, so they can never disagree (gitui's and yazi's
//! way).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::{Action, App, Input, Screen, SortKey};
use super::run_state::{Choice, DialogKind};

/// A key with its modifiers (Shift is ignored for characters: `G` is `G`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

/// A plain key.
const fn key(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

/// A character key.
const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

/// A Ctrl-character key.
const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// No dialog open, not typing: on these screens (empty: every screen).
    Screens(&'static [Screen]),
    /// While typing a `:` command or a `/` filter.
    Typing(&'static [Input]),
    /// An answer of these dialogs (their key line shows it).
    Dialog(&'static [DialogKind]),
    /// A key of these dialogs that is not an answer (scrolling, other screens, help).
    EveryDialog(&'static [DialogKind]),
    /// On the fleet overview (no deployment's console open).
    Fleet,
    /// In a deployment's console opened from the fleet overview, on these screens (empty:
    /// every screen): what differs there (going back to the fleet).
    InFleet(&'static [Screen]),
}

/// One binding: keys, how help shows them, what they do, where.
pub struct Binding {
    pub keys: &'static [Key],
    /// How help shows the keys, e.g. "j / ↓".
    pub label: &'static str,
    /// What help says it does.
    pub desc: &'static str,
    /// The status-bar hint (a word or two), if it has one; in a dialog, its key line.
    pub hint: Option<&'static str>,
    pub scope: Scope,
    pub action: Action,
}

const LISTS: &[Screen] = &[Screen::Overview, Screen::Timeline];
const OVERVIEW: &[Screen] = &[Screen::Overview];
const DETAIL: &[Screen] = &[Screen::Detail];
const RUNBOOK: &[Screen] = &[Screen::Runbook];
const REPORTS: &[Screen] = &[Screen::Reports];
const ALL: &[Screen] = &[];
const COMMAND: &[Input] = &[Input::Command];
const FILTER: &[Input] = &[Input::Filter];
const TYPING: &[Input] = &[Input::Command, Input::Filter];

/// Builds a binding of the screens.
const fn bind(
    keys: &'static [Key],
    label: &'static str,
    desc: &'static str,
    hint: Option<&'static str>,
    screens: &'static [Screen],
    action: Action,
) -> Binding {
    Binding {
        keys,
        label,
        desc,
        hint,
        scope: Scope::Screens(screens),
        action,
    }
}

/// Builds a binding of the command or filter line.
const fn typing(
    keys: &'static [Key],
    label: &'static str,
    desc: &'static str,
    hint: Option<&'static str>,
    inputs: &'static [Input],
    action: Action,
) -> Binding {
    Binding {
        keys,
        label,
        desc,
        hint,
        scope: Scope::Typing(inputs),
        action,
    }
}

/// Builds a binding of dialogs; `hint` is what its key line says.
const fn dialog(
    keys: &'static [Key],
    label: &'static str,
    desc: &'static str,
    hint: Option<&'static str>,
    kinds: &'static [DialogKind],
    action: Action,
) -> Binding {
    Binding {
        keys,
        label,
        desc,
        hint,
        scope: Scope::Dialog(kinds),
        action,
    }
}

/// A key of the fleet overview.
const fn fleet(
    keys: &'static [Key],
    label: &'static str,
    desc: &'static str,
    hint: Option<&'static str>,
    action: Action,
) -> Binding {
    Binding {
        keys,
        label,
        desc,
        hint,
        scope: Scope::Fleet,
        action,
    }
}

/// A key of a deployment's console opened from the fleet overview.
const fn in_fleet(
    keys: &'static [Key],
    label: &'static str,
    desc: &'static str,
    hint: Option<&'static str>,
    screens: &'static [Screen],
    action: Action,
) -> Binding {
    Binding {
        keys,
        label,
        desc,
        hint,
        scope: Scope::InFleet(screens),
        action,
    }
}

/// A key of dialogs that answers nothing.
const fn any_dialog(
    keys: &'static [Key],
    label: &'static str,
    desc: &'static str,
    hint: Option<&'static str>,
    kinds: &'static [DialogKind],
    action: Action,
) -> Binding {
    Binding {
        keys,
        label,
        desc,
        hint,
        scope: Scope::EveryDialog(kinds),
        action,
    }
}

/// An answer in a dialog.
const fn choose(c: Choice) -> Action {
    Action::Choose(c)
}

use DialogKind as D;
const CONFIRM: &[DialogKind] = &[D::Confirm];
const TYPED: &[DialogKind] = &[D::Typed];
const DECLINED: &[DialogKind] = &[D::Declined];
const BLOCKED: &[DialogKind] = &[D::Blocked];
const OVERRIDE_NAME: &[DialogKind] = &[D::OverrideName];
const REASON: &[DialogKind] = &[D::Reason];
const IN_DOUBT: &[DialogKind] = &[D::InDoubt];
const RETRYABLE: &[DialogKind] = &[D::Unreadable, D::Failed];
const ABORT_ASK: &[DialogKind] = &[D::AbortAsk];
const OFFER: &[DialogKind] = &[D::Offer];
const START: &[DialogKind] = &[D::Start];
const ANY_DIALOG: &[DialogKind] = DialogKind::ALL;
/// Every dialog but the reason, whose text may well contain a `?`.
const NOT_REASON: &[DialogKind] = &[
    D::Confirm,
    D::Typed,
    D::Declined,
    D::Blocked,
    D::OverrideName,
    D::InDoubt,
    D::Unreadable,
    D::Failed,
    D::Waiting,
    D::AbortAsk,
    D::Offer,
];
const SKIP_ABORT: &[DialogKind] = &[D::Blocked, D::InDoubt, D::Unreadable, D::Failed, D::Waiting];

/// Every key binding, screen-specific ones first, in the order hints and help list them (and
/// dialogs their key lines).
#[rustfmt::skip]
pub static KEYMAP: &[Binding] = &[
    bind(&[key(KeyCode::Enter)], "Enter", "open the component's detail", Some("detail"), LISTS, Action::Open),
    bind(&[key(KeyCode::Esc)], "Esc", "back to the overview", Some("back"), DETAIL, Action::Back),
    bind(&[ch('j'), key(KeyCode::Down)], "j / k", "look at another step (Esc follows the run again)", Some("steps"), RUNBOOK, Action::Down),
    bind(&[key(KeyCode::Enter)], "Enter", "open the whole activity, lines wrapped (Esc closes)", Some("activity"), RUNBOOK, Action::Open),
    bind(&[ch('j'), key(KeyCode::Down)], "j / k", "select another report", Some("reports"), REPORTS, Action::Down),
    bind(&[ctrl('d'), key(KeyCode::PageDown)], "PgDn / PgUp", "scroll the report's steps", Some("steps"), REPORTS, Action::HalfPageDown),
    bind(&[ch('r')], "r", "read the reports again", Some("reload"), REPORTS, Action::Refresh),
    bind(&[ch('/')], "/", "filter: a regex; !regex shows the others (Esc clears)", Some("filter"), ALL, Action::StartFilter),
    bind(&[ch('N')], "N", "sort by NAME (again: reverse)", None, OVERVIEW, Action::SortBy(SortKey::Name)),
    bind(&[ch('H')], "H", "sort by health (HA STATUS), worst first (again: reverse)", None, OVERVIEW, Action::SortBy(SortKey::Health)),
    bind(&[ch('L')], "L", "sort by LAG against the RPO, highest first (again: reverse)", None, OVERVIEW, Action::SortBy(SortKey::Lag)),
    bind(&[ch('R')], "R", "sort by READY, not ready first (again: reverse)", None, OVERVIEW, Action::SortBy(SortKey::Ready)),
    bind(&[ch('K')], "K", "sort by KIND (again: reverse)", None, OVERVIEW, Action::SortBy(SortKey::Kind)),
    bind(&[ch('A')], "A", "sort by ACTIVE region (again: reverse)", None, OVERVIEW, Action::SortBy(SortKey::Active)),
    bind(&[ch('C')], "C", "the configuration's order (again: reverse)", None, OVERVIEW, Action::SortBy(SortKey::Config)),
    bind(&[ch('s')], "s", "cycle the sort column", Some("sort"), OVERVIEW, Action::CycleSort),
    bind(&[ch('F')], "F", "start the run the verdict recommends (asks first)", Some("start the run"), OVERVIEW, Action::ActOnVerdict),
    bind(&[ch('j'), key(KeyCode::Down)], "j / ↓", "move down (scroll in detail)", None, ALL, Action::Down),
    bind(&[ch('k'), key(KeyCode::Up)], "k / ↑", "move up (scroll in detail)", None, ALL, Action::Up),
    bind(&[ctrl('d'), key(KeyCode::PageDown)], "Ctrl-d / PgDn", "half a page down", None, ALL, Action::HalfPageDown),
    bind(&[ctrl('u'), key(KeyCode::PageUp)], "Ctrl-u / PgUp", "half a page up", None, ALL, Action::HalfPageUp),
    bind(&[ch('g'), key(KeyCode::Home)], "g / Home", "go to the top", None, ALL, Action::Top),
    bind(&[ch('G'), key(KeyCode::End)], "G / End", "go to the bottom", None, ALL, Action::Bottom),
    bind(&[key(KeyCode::Tab)], "Tab", "next screen", Some("screens"), ALL, Action::NextScreen),
    bind(&[key(KeyCode::BackTab)], "Shift-Tab", "previous screen", None, ALL, Action::PrevScreen),
    bind(&[ch('1')], "1", "overview: regions, map, components", None, ALL, Action::Show(Screen::Overview)),
    bind(&[ch('2')], "2", "timeline of health changes", None, ALL, Action::Show(Screen::Timeline)),
    bind(&[ch('3')], "3", "detail of the selected component", None, ALL, Action::Show(Screen::Detail)),
    bind(&[ch('4')], "4", "runbook of the run (failover, failback, drill)", None, ALL, Action::Show(Screen::Runbook)),
    bind(&[ch('5')], "5", "reports of past drills and runs", None, ALL, Action::Show(Screen::Reports)),
    bind(&[ch('r')], "r", "refresh health now", Some("refresh"), ALL, Action::Refresh),
    bind(&[ch(':')], ":", "command (:q, :sort, :fault ...; Tab completes)", Some("command"), ALL, Action::StartCommand),
    bind(&[ch('?')], "?", "this help (it scrolls; Esc, ? or q closes it)", Some("help"), ALL, Action::ToggleHelp),
    bind(&[key(KeyCode::Esc)], "Esc", "back / clear the filter / close help", None, ALL, Action::Back),
    bind(&[ch('q')], "q", "quit (not while typing)", Some("quit"), ALL, Action::Quit),
    bind(&[ctrl('c')], "Ctrl-c", "quit at once, from anywhere (exit 130)", None, ALL, Action::Interrupt),

    typing(&[key(KeyCode::Enter)], "Enter", "run the command", Some("runs"), COMMAND, Action::Submit),
    typing(&[key(KeyCode::Enter)], "Enter", "keep the filter", Some("keeps the filter"), FILTER, Action::Submit),
    typing(&[key(KeyCode::Tab)], "Tab", "complete the command or its argument (again: the next)", Some("completes"), COMMAND, Action::Complete),
    typing(&[key(KeyCode::BackTab)], "Shift-Tab", "the previous completion", None, COMMAND, Action::CompleteBack),
    typing(&[key(KeyCode::Up)], "↑", "the previous command of this session", Some("history"), COMMAND, Action::HistoryPrev),
    typing(&[key(KeyCode::Down)], "↓", "the next command (past the last: what you typed)", None, COMMAND, Action::HistoryNext),
    typing(&[key(KeyCode::Esc)], "Esc", "cancel", Some("cancels"), COMMAND, Action::Cancel),
    typing(&[key(KeyCode::Esc)], "Esc", "clear the filter", Some("clears it"), FILTER, Action::Cancel),
    typing(&[key(KeyCode::Backspace)], "Backspace", "delete a character", None, TYPING, Action::Erase),
    typing(&[ctrl('w')], "Ctrl-w", "delete a word", None, TYPING, Action::EraseWord),

    dialog(&[ch('y'), key(KeyCode::Enter)], "y / Enter", "confirm: the step runs", Some("confirm, run it"), CONFIRM, choose(Choice::Confirm)),
    dialog(&[ch('n'), key(KeyCode::Esc)], "n / Esc", "decline: then skip it or abort the run", Some("decline"), CONFIRM, choose(Choice::Decline)),
    dialog(&[key(KeyCode::Enter)], "Enter", "check the typed text; the step runs when it is exact", Some("check and run"), TYPED, choose(Choice::Done)),
    dialog(&[key(KeyCode::Esc)], "Esc", "decline: then skip it or abort the run", Some("decline"), TYPED, choose(Choice::Decline)),
    dialog(&[ch('s')], "s", "skip the step (with a reason)", Some("skip it (with a reason)"), DECLINED, choose(Choice::Skip)),
    dialog(&[ch('a')], "a", "abort the run (asks again)", Some("abort the run"), DECLINED, choose(Choice::Abort)),
    dialog(&[key(KeyCode::Esc), ch('b')], "Esc / b", "back to the question", Some("back"), DECLINED, choose(Choice::Back)),
    dialog(&[ch('c'), key(KeyCode::Enter)], "c / Enter", "re-check live state: did the request take effect?", Some("re-check live state"), IN_DOUBT, choose(Choice::Recheck)),
    dialog(&[ch('o')], "o", "send it again: type the target region, then a reason", Some("send again (region + reason)"), IN_DOUBT, choose(Choice::Override)),
    dialog(&[ch('o')], "o", "override: type the target region, then a reason", Some("override (region + reason)"), BLOCKED, choose(Choice::Override)),
    dialog(&[ch('r'), key(KeyCode::Enter)], "r / Enter", "retry the step", Some("retry"), RETRYABLE, choose(Choice::Retry)),
    dialog(&[ch('s')], "s", "skip the step (with a reason); a wait stops", Some("skip (with a reason)"), SKIP_ABORT, choose(Choice::Skip)),
    dialog(&[ch('a'), key(KeyCode::Esc)], "a / Esc", "abort the run (asks again)", Some("abort"), SKIP_ABORT, choose(Choice::Abort)),
    dialog(&[key(KeyCode::Enter)], "Enter", "check the region name; then the reason", Some("next: the reason"), OVERRIDE_NAME, choose(Choice::Done)),
    dialog(&[key(KeyCode::Esc)], "Esc", "back to the question", Some("back"), OVERRIDE_NAME, choose(Choice::Back)),
    dialog(&[key(KeyCode::Enter)], "Enter", "done: the reason goes into the journal and the report", Some("done"), REASON, choose(Choice::Done)),
    dialog(&[key(KeyCode::Esc)], "Esc", "back to the question", Some("back"), REASON, choose(Choice::Back)),
    dialog(&[ch('y')], "y", "abort the run: steps done stay done", Some("abort the run"), ABORT_ASK, choose(Choice::Abort)),
    dialog(&[ch('n'), key(KeyCode::Esc)], "n / Esc", "back to the question", Some("back"), ABORT_ASK, choose(Choice::Back)),
    dialog(&[ch('y'), key(KeyCode::Enter)], "y / Enter", "open the runbook: every step still asks", Some("open the runbook"), START, choose(Choice::Confirm)),
    dialog(&[ch('n'), key(KeyCode::Esc)], "n / Esc", "not now: nothing starts", Some("not now"), START, choose(Choice::Decline)),
    dialog(&[ch('r')], "r", "resume the unfinished run (nothing sent is sent again)", Some("resume it"), OFFER, choose(Choice::Resume)),
    dialog(&[ch('a')], "a", "abandon it (an aborted report); a new run is planned", Some("abandon it, plan anew"), OFFER, choose(Choice::Abandon)),
    dialog(&[ch('q')], "q", "quit and leave it as it is", Some("quit, leave it"), OFFER, choose(Choice::Leave)),
    any_dialog(&[key(KeyCode::Down), key(KeyCode::PageDown)], "↓ / PgDn", "scroll the dialog's text down (when it shows ↓ more)", None, ANY_DIALOG, Action::Down),
    any_dialog(&[key(KeyCode::Up), key(KeyCode::PageUp)], "↑ / PgUp", "scroll the dialog's text up", None, ANY_DIALOG, Action::Up),
    any_dialog(&[key(KeyCode::Tab)], "Tab", "look at the other screens (the dialog waits; 4 comes back)", Some("other screens"), ANY_DIALOG, Action::NextScreen),
    any_dialog(&[key(KeyCode::BackTab)], "Shift-Tab", "the previous screen", None, ANY_DIALOG, Action::PrevScreen),
    any_dialog(&[ch('?'), key(KeyCode::F(1))], "? / F1", "the keys of this dialog", Some("keys"), NOT_REASON, Action::ToggleHelp),
    any_dialog(&[key(KeyCode::F(1))], "F1", "the keys of this dialog (? is text in a reason)", Some("keys"), REASON, Action::ToggleHelp),
    any_dialog(&[ctrl('c')], "Ctrl-c", "quit; the run stays unfinished, to resume (exit 130)", Some("leave unfinished"), ANY_DIALOG, Action::Interrupt),

    fleet(&[key(KeyCode::Enter)], "Enter", "open the deployment's console (q there comes back)", Some("open"), Action::Open),
    fleet(&[ch('j'), key(KeyCode::Down)], "j / ↓", "the next deployment", None, Action::Down),
    fleet(&[ch('k'), key(KeyCode::Up)], "k / ↑", "the previous deployment", None, Action::Up),
    fleet(&[ctrl('d'), key(KeyCode::PageDown)], "Ctrl-d / PgDn", "half a page down", None, Action::HalfPageDown),
    fleet(&[ctrl('u'), key(KeyCode::PageUp)], "Ctrl-u / PgUp", "half a page up", None, Action::HalfPageUp),
    fleet(&[ch('g'), key(KeyCode::Home)], "g / Home", "the top: the worst deployment", None, Action::Top),
    fleet(&[ch('G'), key(KeyCode::End)], "G / End", "the bottom", None, Action::Bottom),
    fleet(&[ch('r')], "r", "refresh every deployment now (a few at a time)", Some("refresh all"), Action::Refresh),
    fleet(&[ch('?')], "?", "this help (it scrolls; Esc, ? or q closes it)", Some("help"), Action::ToggleHelp),
    fleet(&[key(KeyCode::Esc)], "Esc", "close the help", None, Action::Back),
    fleet(&[ch('q')], "q", "quit (refused while a run goes on in a deployment)", Some("quit"), Action::Quit),
    fleet(&[ctrl('c')], "Ctrl-c", "quit at once; a run stays unfinished, to resume (exit 130)", None, Action::Interrupt),
    in_fleet(&[ch('q')], "q", "back to the fleet overview (it keeps refreshing, runs go on)", Some("fleet"), ALL, Action::Quit),
    in_fleet(&[key(KeyCode::Esc)], "Esc", "on the overview without a filter: back to the fleet overview", None, OVERVIEW, Action::Back),
];

/// Whether a binding applies on a screen (no dialog open, not typing).
pub fn applies(binding: &Binding, screen: Screen) -> bool {
    match binding.scope {
        Scope::Screens(screens) => screens.is_empty() || screens.contains(&screen),
        _ => false,
    }
}

/// Whether a binding is one of the fleet's that applies on a deployment's screen.
pub fn applies_in_fleet(binding: &Binding, screen: Screen) -> bool {
    match binding.scope {
        Scope::InFleet(screens) => screens.is_empty() || screens.contains(&screen),
        _ => false,
    }
}

/// The action of a key press on the fleet overview (`help`: its overlay is open).
pub fn fleet_action_for(event: KeyEvent) -> Option<Action> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let pressed = normalise(event);
    KEYMAP
        .iter()
        .filter(|b| b.scope == Scope::Fleet)
        .find(|b| b.keys.contains(&pressed))
        .map(|b| b.action.clone())
}

/// The fleet overview's status-bar hints, in table order.
pub fn fleet_hints() -> Vec<(&'static str, &'static str)> {
    KEYMAP
        .iter()
        .filter(|b| b.scope == Scope::Fleet)
        .filter_map(|b| b.hint.map(|h| (b.label, h)))
        .collect()
}

/// Whether a binding applies in a dialog.
pub fn applies_in(binding: &Binding, kind: DialogKind) -> bool {
    match binding.scope {
        Scope::Dialog(kinds) | Scope::EveryDialog(kinds) => kinds.contains(&kind),
        _ => false,
    }
}

/// Whether a binding is one of a dialog's own answers (not one of every dialog's keys).
pub fn answers_in(binding: &Binding, kind: DialogKind) -> bool {
    matches!(binding.scope, Scope::Dialog(kinds) if kinds.contains(&kind))
}

/// The binding of a key in a dialog.
pub fn dialog_binding(kind: DialogKind, pressed: Key) -> Option<&'static Binding> {
    KEYMAP
        .iter()
        .find(|b| applies_in(b, kind) && b.keys.contains(&pressed))
}

/// The action of a key press, given what the console is doing.
pub fn action_for(app: &App, event: KeyEvent) -> Option<Action> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let pressed = normalise(event);
    if pressed == ctrl('c') {
        return Some(Action::Interrupt);
    }
    if app.typing() {
        let bound = KEYMAP.iter().find(|b| {
            matches!(b.scope, Scope::Typing(inputs) if inputs.contains(&app.input))
                && b.keys.contains(&pressed)
        });
        return bound
            .map(|b| b.action.clone())
            .or_else(|| text_key(pressed));
    }
    if app.dialog_open()
        && let Some(kind) = app.dialog_kind()
    {
        // A dialog takes every key: its bindings, else text for its input.
        return match dialog_binding(kind, pressed) {
            Some(b) => Some(b.action.clone()),
            None => text_key(pressed),
        };
    }
    KEYMAP
        .iter()
        .filter(|b| applies(b, app.screen))
        .find(|b| b.keys.contains(&pressed))
        .map(|b| b.action.clone())
}

/// Drops Shift from characters (terminals differ on whether `G` carries it).
fn normalise(event: KeyEvent) -> Key {
    let mut mods =
        event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
    if matches!(event.code, KeyCode::Char(_) | KeyCode::BackTab) {
        mods.remove(KeyModifiers::SHIFT);
    }
    let code = match event.code {
        KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
            KeyCode::Char(c.to_ascii_lowercase())
        }
        code => code,
    };
    Key { code, mods }
}

/// A key that types text in a line or a dialog's input (Ctrl-C is handled before).
fn text_key(key: Key) -> Option<Action> {
    match (key.code, key.mods) {
        (KeyCode::Backspace, _) => Some(Action::Erase),
        (KeyCode::Char('w'), KeyModifiers::CONTROL) => Some(Action::EraseWord),
        (KeyCode::Char(c), m) if !m.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => {
            Some(Action::Type(c))
        }
        _ => None,
    }
}

/// Whether a binding works now: `q` does not while a run goes on; Enter needs something to
/// open.
pub fn works_now(app: &App, binding: &Binding) -> bool {
    match binding.action {
        // From a fleet, q goes back to it, a run or not.
        Action::Quit => app.meta.in_fleet || !app.run_active(),
        // Shown while the verdict recommends a run this console can start.
        Action::ActOnVerdict => {
            app.can_run
                && !app.run_active()
                && matches!(
                    app.summary.verdict.recommendation,
                    crate::health::Recommendation::Failover
                        | crate::health::Recommendation::Failback
                )
        }
        Action::Open => match app.screen {
            Screen::Overview => app.selected_component().is_some(),
            Screen::Timeline => app
                .event_at(app.events.selected)
                .is_some_and(|e| e.component),
            _ => true,
        },
        _ => true,
    }
}

/// The status-bar hints for what the console is doing: (key label, hint), in table order.
pub fn hints(app: &App) -> Vec<(&'static str, &'static str)> {
    let scope_fits = |b: &Binding| match b.scope {
        _ if app.typing() => matches!(b.scope, Scope::Typing(i) if i.contains(&app.input)),
        _ if app.dialog_open() => app
            .dialog_kind()
            .is_some_and(|k| applies_in(b, k) && !answers_in(b, k)),
        // In a fleet, q goes back to the fleet overview instead of quitting.
        _ if app.meta.in_fleet => {
            (applies(b, app.screen) && !matches!(b.action, Action::Quit))
                || applies_in_fleet(b, app.screen)
        }
        _ => applies(b, app.screen),
    };
    KEYMAP
        .iter()
        .filter(|b| scope_fits(b) && works_now(app, b))
        .filter_map(|b| b.hint.map(|h| (b.label, h)))
        .collect()
}

/// The key line of a dialog: its own answers, in table order.
pub fn dialog_hints(kind: DialogKind) -> Vec<(&'static str, &'static str)> {
    KEYMAP
        .iter()
        .filter(|b| answers_in(b, kind))
        .filter_map(|b| b.hint.map(|h| (b.label, h)))
        .collect()
}
