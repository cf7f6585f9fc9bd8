//! The status bar: one row of context (a message, the last refresh error, or where you are) and
//! key hints; a second row only while typing a command or a filter.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::fmt::{fit, hhmm};
use super::theme::Tone;
use crate::console::app::{App, Input, Level};
use crate::console::{keymap, sanitize};

/// Draws the status bar (and the input line while typing).
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let row = Rect { height: 1, ..area };
    let hints = hints(app);
    let hints_width: usize = hints.iter().map(Span::width).sum();
    let room = (area.width as usize).saturating_sub(hints_width + 1);
    let mut spans = context(app, room);
    let used: usize = spans.iter().map(Span::width).sum();
    spans.push(Span::raw(
        " ".repeat((area.width as usize).saturating_sub(used + hints_width)),
    ));
    spans.extend(hints);
    frame.render_widget(Paragraph::new(Line::from(spans)), row);
    if app.typing() && area.height > 1 {
        render_input(
            frame,
            app,
            Rect {
                y: area.y + 1,
                height: 1,
                ..area
            },
        );
    }
}

/// The left part: a message, the last refresh error, or where you are.
fn context(app: &App, room: usize) -> Vec<Span<'static>> {
    let t = app.theme;
    if let Some(m) = &app.message {
        let tone = match m.level {
            Level::Info => Tone::Plain,
            Level::Good => Tone::Good,
            Level::Error => Tone::Bad,
        };
        return vec![Span::styled(
            fit(&sanitize(&m.text), room).into_owned(),
            t.tone(tone),
        )];
    }
    if let Some((at, reason)) = &app.last_error {
        let text = format!("⚠ refresh failed {}: {}", hhmm(*at), sanitize(reason));
        return vec![Span::styled(
            fit(&text, room).into_owned(),
            t.tone(Tone::Bad),
        )];
    }
    let mut text = app.screen.title().to_string();
    if let Some(snap) = &app.snapshot {
        text.push_str(&format!(
            " · {} ARM requests in {} ms",
            snap.requests, snap.duration_ms
        ));
        if !snap.errors.is_empty() {
            let first = format!(" · ⚠ {}", sanitize(&snap.errors[0]));
            return vec![Span::styled(
                fit(&format!("{text}{first}"), room).into_owned(),
                t.tone(Tone::Warn),
            )];
        }
    }
    vec![Span::styled(fit(&text, room).into_owned(), t.muted())]
}

/// Key hints of the current screen; "? help" and "q quit" always fit, the others when there
/// is room and no message to show.
fn hints(app: &App) -> Vec<Span<'static>> {
    let t = app.theme;
    if app.typing() {
        let what = if app.input == Input::Filter {
            "Enter keeps the filter · Esc clears it "
        } else {
            "Enter runs · Esc cancels · Ctrl-w deletes a word "
        };
        return vec![Span::styled(what, t.muted())];
    }
    if app.start_ask.is_some() {
        return vec![Span::styled(
            "answer the dialog: y opens the runbook, n or Esc not now ",
            t.muted(),
        )];
    }
    if app.dialog_open() {
        return vec![Span::styled(
            "answer the dialog · Tab other screens · Ctrl-c leaves the run unfinished ",
            t.muted(),
        )];
    }
    let all: Vec<(&str, &str)> = keymap::hints(app.screen).collect();
    let (last, mut first): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|(k, _)| *k == "?" || *k == "q");
    if app.message.is_some() || app.last_error.is_some() {
        // A message or an error needs the room more than the hints do.
        first.clear();
    }
    let budget = (app.size.0 as usize) / 2;
    let width = |h: &[(&str, &str)]| {
        h.iter()
            .map(|(k, d)| k.chars().count() + d.chars().count() + 3)
            .sum::<usize>()
    };
    let mut shown: Vec<(&str, &str)> = Vec::new();
    for h in first {
        if width(&shown) + width(std::slice::from_ref(&h)) + width(&last) <= budget {
            shown.push(h);
        }
    }
    shown.extend(last);
    let mut spans = Vec::new();
    for (key, desc) in shown {
        spans.push(Span::styled(key.to_string(), t.heading()));
        spans.push(Span::styled(format!(" {desc}  "), t.muted()));
    }
    spans
}

/// The line being typed, with the cursor at its end.
fn render_input(frame: &mut Frame, app: &App, area: Rect) {
    let (prompt, text) = match app.input {
        Input::Filter => ("/", app.filter.as_str()),
        _ => (":", app.command_line.as_str()),
    };
    let shown = sanitize(text);
    let room = (area.width as usize).saturating_sub(2);
    let skip = shown.chars().count().saturating_sub(room);
    let visible: String = shown.chars().skip(skip).collect();
    let x = area.x + 1 + visible.chars().count() as u16;
    let line = Line::from(vec![
        Span::styled(prompt, app.theme.heading()),
        Span::styled(visible, app.theme.input()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
    frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
}
