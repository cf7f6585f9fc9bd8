//! The `?` overlay: the keys of the open dialog or of the current screen first, then the keys
//! that work everywhere, the keys of the command line, then the `:` commands — all from the
//! same tables that drive input, hints and key lines. It scrolls; only Esc, ? and q close it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::popup;
use crate::console::app::{App, Input, Screen};
use crate::console::command::COMMANDS;
use crate::console::keymap::{self, Binding, KEYMAP, Scope};

/// The widest the overlay gets.
const WIDTH: u16 = 100;

/// The overlay's rectangle and its lines, for a screen of `area`.
fn geometry(app: &App, area: Rect) -> (Rect, Vec<Line<'static>>) {
    let lines = lines(app, area.width.min(WIDTH).saturating_sub(2) as usize);
    let height = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
    (popup::centered(area, WIDTH, height), lines)
}

/// The rows of text the overlay shows at once, at the app's size.
pub fn page(app: &App) -> u16 {
    let (rect, _) = geometry(app, screen(app));
    rect.height.saturating_sub(2)
}

/// How far the overlay scrolls, at the app's size.
pub fn max_scroll(app: &App) -> u16 {
    let (rect, lines) = geometry(app, screen(app));
    (lines.len() as u16).saturating_sub(rect.height.saturating_sub(2))
}

/// The whole terminal, as the state knows it.
fn screen(app: &App) -> Rect {
    Rect::new(0, 0, app.size.0, app.size.1)
}

/// Draws the help overlay over `area`.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let (rect, lines) = geometry(app, area);
    popup::clear(frame, rect);
    let title = format!(
        " help · {} · Esc ? q close · j/k g/G PgUp/PgDn scroll ",
        app.screen.title()
    );
    let max_scroll = (lines.len() as u16).saturating_sub(rect.height.saturating_sub(2));
    let scroll = app.help_scroll.min(max_scroll);
    let mut block = Block::bordered().title(Span::styled(title, app.theme.heading()));
    if scroll < max_scroll {
        block = block.title_bottom(Line::from(" ↓ more ").right_aligned());
    }
    if scroll > 0 {
        block = block.title_top(Line::from(" ↑ more ").right_aligned());
    }
    let paragraph = Paragraph::new(lines).block(block).scroll((scroll, 0));
    frame.render_widget(paragraph, rect);
}

/// The overlay's lines: the dialog's or this screen's keys, then everywhere, then commands.
fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let t = app.theme;
    let mut out = Vec::new();
    let heading = |text: String| Line::from(Span::styled(text, t.heading()));
    if let Some(kind) = app.dialog_kind().filter(|_| app.screen == Screen::Runbook) {
        let purpose = app
            .run
            .as_ref()
            .and_then(|r| r.pending.as_ref())
            .and_then(|p| match &p.dialog {
                crate::console::run_state::Dialog::Reason { purpose, .. } => Some(*purpose),
                _ => None,
            });
        out.push(heading(format!(
            "In this dialog: {} (Esc closes this help first)",
            kind.title(purpose)
        )));
        out.extend(
            KEYMAP
                .iter()
                .filter(|b| keymap::answers_in(b, kind))
                .map(key_line),
        );
        if kind.has_input() {
            out.push(key_line_of(
                "other keys",
                "type into its input (Backspace, Ctrl-w edit)",
            ));
        }
        out.push(heading("In every dialog".into()));
        out.extend(
            KEYMAP
                .iter()
                .filter(|b| keymap::applies_in(b, kind) && !keymap::answers_in(b, kind))
                .map(key_line),
        );
        out.push(Line::default());
    }
    out.push(heading(format!("On the {} screen", app.screen.title())));
    let specific = KEYMAP.iter().filter(|b| {
        matches!(b.scope, Scope::Screens(s) if !s.is_empty()) && keymap::applies(b, app.screen)
    });
    out.extend(specific.map(key_line));
    out.push(Line::default());
    out.push(heading("Everywhere".into()));
    out.extend(
        KEYMAP
            .iter()
            .filter(|b| matches!(b.scope, Scope::Screens(s) if s.is_empty()))
            .map(key_line),
    );
    if app.meta.in_fleet {
        out.push(Line::default());
        out.push(heading("Opened from the fleet overview".into()));
        out.extend(
            KEYMAP
                .iter()
                .filter(|b| matches!(b.scope, Scope::InFleet(_)))
                .map(key_line),
        );
    }
    out.push(key_line_of(
        "mouse",
        if app.meta.mouse {
            "click selects, click again opens, wheel scrolls"
        } else {
            "off (set [console] mouse = true); select text freely"
        },
    ));
    for (input, title) in [
        (Input::Command, "Typing a : command"),
        (Input::Filter, "Typing a / filter (applied as you type)"),
    ] {
        out.push(Line::default());
        out.push(heading(title.into()));
        out.extend(
            KEYMAP
                .iter()
                .filter(|b| matches!(b.scope, Scope::Typing(i) if i.contains(&input)))
                .map(key_line),
        );
    }
    out.push(Line::default());
    out.push(heading(
        "Commands (type : first; Tab completes, Enter runs, Esc cancels)".into(),
    ));
    let usage_width = COMMANDS
        .iter()
        .map(|c| c.usage.chars().count())
        .max()
        .unwrap_or(0);
    for c in COMMANDS {
        if width >= usage_width + 4 + 30 {
            let usage = Span::styled(format!("  {:<usage_width$}", c.usage), t.heading());
            out.push(Line::from(vec![usage, Span::raw(format!("  {}", c.desc))]));
        } else {
            out.push(Line::from(Span::styled(
                format!("  {}", c.usage),
                t.heading(),
            )));
            out.push(Line::from(format!("      {}", c.desc)));
        }
    }
    if !app.meta.faults_enabled {
        out.push(Line::from(Span::styled(
            "  (:fault works in demo and drills only)",
            t.muted(),
        )));
    }
    out
}

/// "  j / ↓           move down".
fn key_line(b: &Binding) -> Line<'static> {
    key_line_of(b.label, b.desc)
}

/// "  label           what it does".
fn key_line_of(label: &str, desc: &str) -> Line<'static> {
    Line::from(format!("  {label:<16}{desc}"))
}

/// The fleet overview's overlay: its keys, then what differs in a deployment's console.
fn fleet_lines(fleet: &crate::console::fleet::Fleet) -> Vec<Line<'static>> {
    let heading = |text: &str| Line::from(Span::styled(text.to_string(), fleet.theme.heading()));
    let mut out = vec![heading("On the fleet overview (worst deployment first)")];
    out.extend(
        KEYMAP
            .iter()
            .filter(|b| b.scope == Scope::Fleet)
            .map(key_line),
    );
    out.push(Line::default());
    out.push(heading("In a deployment's console (Enter opens it)"));
    out.push(key_line_of(
        "every key",
        "of the console, as when it runs alone (? there lists them)",
    ));
    out.extend(
        KEYMAP
            .iter()
            .filter(|b| matches!(b.scope, Scope::InFleet(_)))
            .map(key_line),
    );
    out
}

/// The fleet overlay's rectangle and lines, on a screen of `area`.
fn fleet_geometry(fleet: &crate::console::fleet::Fleet, area: Rect) -> (Rect, Vec<Line<'static>>) {
    let lines = fleet_lines(fleet);
    let height = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
    (popup::centered(area, WIDTH, height), lines)
}

/// How far the fleet's overlay scrolls, and the rows it shows at once.
pub fn fleet_scroll_limits(fleet: &crate::console::fleet::Fleet) -> (u16, u16) {
    let area = Rect::new(0, 0, fleet.size.0, fleet.size.1);
    let (rect, lines) = fleet_geometry(fleet, area);
    let page = rect.height.saturating_sub(2);
    ((lines.len() as u16).saturating_sub(page), page)
}

/// Draws the fleet overview's help overlay over `area`.
pub fn render_fleet(frame: &mut Frame, fleet: &crate::console::fleet::Fleet, area: Rect) {
    let (rect, lines) = fleet_geometry(fleet, area);
    popup::clear(frame, rect);
    let max_scroll = (lines.len() as u16).saturating_sub(rect.height.saturating_sub(2));
    let scroll = fleet.help_scroll.min(max_scroll);
    let title = " help · fleet · Esc ? q close · j/k scroll ";
    let mut block = Block::bordered().title(Span::styled(title, fleet.theme.heading()));
    if scroll < max_scroll {
        block = block.title_bottom(Line::from(" ↓ more ").right_aligned());
    }
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), rect);
}
