//! The status bar: one row of context (a message, the last refresh error, or where you are) and
//! the key hints of what works now; a second row only while typing a command or a filter.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::fmt::{fit, hhmm};
use super::theme::Tone;
use crate::console::app::{App, Input, Level, Screen};
use crate::console::{keymap, sanitize};

/// Draws the status bar (and the input line while typing): the dialog-waiting badge and the
/// context on the left, the key hints on the right; the context is cut first, never the hints.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let row = Rect { height: 1, ..area };
    let hints = hints(app, area.width as usize);
    let hints_width: usize = hints.iter().map(Span::width).sum();
    let mut spans = waiting_badge(app);
    let badge_width: usize = spans.iter().map(Span::width).sum();
    let room = (area.width as usize).saturating_sub(hints_width + badge_width + 1);
    spans.extend(context(app, room));
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

/// On any screen but the runbook, while a question or a resume offer waits for the operator.
fn waiting_badge(app: &App) -> Vec<Span<'static>> {
    let waiting = app
        .run
        .as_ref()
        .is_some_and(|r| r.pending.is_some() || r.offer.is_some());
    if !waiting || app.screen == Screen::Runbook {
        return Vec::new();
    }
    vec![
        Span::styled(
            " dialog waiting — 4 answers it ",
            app.theme.label(Tone::Warn),
        ),
        Span::raw(" "),
    ]
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
        // A low read budget is said (refreshes slow down to keep a run's reserve), and so is
        // a refresh whose reads waited for ARM's read bucket to refill (the client's gate).
        let bucket = crate::azure::Budget::READ_BUCKET;
        let budget = match snap.reads_left {
            Some(left) if snap.reads_waited > 0 => Some(format!(
                "{text} · reading slowly to stay within ARM's read budget ({left} of {bucket} left)"
            )),
            Some(left) if left < LOW_READS => Some(format!(
                "{text} · ARM read budget low: {left} of {bucket} left, refreshes slowed"
            )),
            _ => None,
        };
        if let Some(budget) = budget {
            return vec![Span::styled(
                fit(&budget, room).into_owned(),
                t.tone(Tone::Warn),
            )];
        }
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

/// Below this many reads left in ARM's bucket the status line says so.
const LOW_READS: u32 = 100;

/// The hints of what works now, from the key table: while typing or in a dialog all of them;
/// on a screen, "? help" and "q quit" (when q works) always, "F start the run" first while it
/// applies, the others as they fit in half the width.
fn hints(app: &App, width: usize) -> Vec<Span<'static>> {
    let t = app.theme;
    let all = keymap::hints(app);
    let shown: Vec<(&str, &str)> = if app.typing() || app.dialog_open() {
        all
    } else {
        let (last, first): (Vec<_>, Vec<_>) =
            all.into_iter().partition(|(k, _)| *k == "?" || *k == "q");
        let cells = |h: &[(&str, &str)]| {
            h.iter()
                .map(|(k, d)| k.chars().count() + d.chars().count() + 3)
                .sum::<usize>()
        };
        let budget = width / 2;
        let mut shown: Vec<(&str, &str)> = Vec::new();
        // The key that starts the run the verdict recommends comes first: at 3 a.m. it is
        // the one that matters (it is only a hint while it applies).
        let (urgent, rest): (Vec<_>, Vec<_>) = first.into_iter().partition(|(k, _)| *k == "F");
        for h in urgent.into_iter().chain(rest) {
            if cells(&shown) + cells(std::slice::from_ref(&h)) + cells(&last) <= budget {
                shown.push(h);
            }
        }
        shown.extend(last);
        shown
    };
    let mut spans = Vec::new();
    for (key, desc) in shown {
        spans.push(Span::styled(key.to_string(), t.heading()));
        spans.push(Span::styled(format!(" {desc}  "), t.muted()));
    }
    spans
}

/// The line being typed, with the cursor at its end, and the Tab candidates after it.
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
    let mut spans = vec![
        Span::styled(prompt, app.theme.heading()),
        Span::styled(visible, app.theme.input()),
    ];
    if let Some(c) = app
        .completion
        .as_ref()
        .filter(|_| app.input == Input::Command)
    {
        let mut left = room.saturating_sub(x as usize + 3);
        spans.push(Span::raw("   "));
        for (i, candidate) in c.candidates.iter().enumerate() {
            let word = sanitize(candidate).into_owned();
            let cells = word.chars().count() + 2;
            if cells > left {
                spans.push(Span::styled("…", app.theme.muted()));
                break;
            }
            left -= cells;
            let style = if c.index == Some(i) {
                app.theme.selected()
            } else {
                app.theme.muted()
            };
            spans.push(Span::styled(word, style));
            spans.push(Span::raw("  "));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
}
