//! The one key table: it maps keys to actions, and its descriptions feed both the status-bar
//! hints and the `?` help overlay, so they can never disagree (gitui's and yazi's way).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::{Action, App, Screen};

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

/// One binding: keys, how help shows them, what they do, where.
pub struct Binding {
    pub keys: &'static [Key],
    /// How help shows the keys, e.g. "j / ↓".
    pub label: &'static str,
    /// What help says it does.
    pub desc: &'static str,
    /// The status-bar hint (a word or two), if it has one.
    pub hint: Option<&'static str>,
    /// The screens where it applies (empty: everywhere).
    pub screens: &'static [Screen],
    pub action: Action,
}

const LISTS: &[Screen] = &[Screen::Overview, Screen::Timeline];
const OVERVIEW: &[Screen] = &[Screen::Overview];
const DETAIL: &[Screen] = &[Screen::Detail];
const RUNBOOK: &[Screen] = &[Screen::Runbook];
const REPORTS: &[Screen] = &[Screen::Reports];
const ALL: &[Screen] = &[];

/// Builds a binding.
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
        screens,
        action,
    }
}

/// Every key binding, screen-specific ones first, in the order hints and help list them.
#[rustfmt::skip]
pub static KEYMAP: &[Binding] = &[
    bind(&[key(KeyCode::Enter)], "Enter", "open the component's detail", Some("detail"), LISTS, Action::Open),
    bind(&[key(KeyCode::Esc)], "Esc", "back to the overview", Some("back"), DETAIL, Action::Back),
    bind(&[ch('j'), key(KeyCode::Down)], "j / k", "look at another step (Esc follows the run again)", Some("steps"), RUNBOOK, Action::Down),
    bind(&[key(KeyCode::Enter)], "Enter", "open the whole activity, every line wrapped (Esc closes it)", Some("activity"), RUNBOOK, Action::Open),
    bind(&[ch('j'), key(KeyCode::Down)], "j / k", "select another report", Some("reports"), REPORTS, Action::Down),
    bind(&[ctrl('d'), key(KeyCode::PageDown)], "PgDn / PgUp", "scroll the report's steps", Some("steps"), REPORTS, Action::HalfPageDown),
    bind(&[ch('r')], "r", "read the reports again", Some("reload"), REPORTS, Action::Refresh),
    bind(&[ch('/')], "/", "filter components (Esc clears)", Some("filter"), ALL, Action::StartFilter),
    bind(&[ch('s')], "s", "cycle the sort column", Some("sort"), OVERVIEW, Action::CycleSort),
    bind(&[ch('F')], "F", "start what the verdict recommends (failover or failback; asks first)", None, OVERVIEW, Action::ActOnVerdict),
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
    bind(&[ch(':')], ":", "command (:q, :sort, :fault ...)", Some("command"), ALL, Action::StartCommand),
    bind(&[ch('?')], "?", "this help", Some("help"), ALL, Action::ToggleHelp),
    bind(&[key(KeyCode::Esc)], "Esc", "back / clear the filter / close help", None, ALL, Action::Back),
    bind(&[ch('q')], "q", "quit (not while typing)", Some("quit"), ALL, Action::Quit),
    bind(&[ctrl('c')], "Ctrl-c", "quit at once, from anywhere (exit 130)", None, ALL, Action::Interrupt),
];

/// Whether a binding applies on a screen.
pub fn applies(binding: &Binding, screen: Screen) -> bool {
    binding.screens.is_empty() || binding.screens.contains(&screen)
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
        return typing_action(pressed);
    }
    if app.dialog_open() {
        // A dialog takes every key as text or an answer; Tab still lets the operator look
        // at the other screens before answering.
        return match pressed.code {
            KeyCode::Tab => Some(Action::NextScreen),
            KeyCode::BackTab => Some(Action::PrevScreen),
            _ => typing_action(pressed),
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

/// Keys while typing: text editing only (Ctrl-C is handled before).
fn typing_action(key: Key) -> Option<Action> {
    match (key.code, key.mods) {
        (KeyCode::Enter, _) => Some(Action::Submit),
        (KeyCode::Esc, _) => Some(Action::Cancel),
        (KeyCode::Backspace, _) => Some(Action::Erase),
        (KeyCode::Char('w'), KeyModifiers::CONTROL) => Some(Action::EraseWord),
        (KeyCode::Char(c), m) if !m.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => {
            Some(Action::Type(c))
        }
        _ => None,
    }
}

/// The hints of a screen for the status bar: (key label, hint), in table order.
pub fn hints(screen: Screen) -> impl Iterator<Item = (&'static str, &'static str)> {
    KEYMAP
        .iter()
        .filter(move |b| applies(b, screen))
        .filter_map(|b| b.hint.map(|h| (b.label, h)))
}
