//! The `?` overlay: the keys of the current screen first, then the keys that work everywhere,
//! then the `:` commands — all from the same tables that drive input and hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::popup;
use crate::console::app::App;
use crate::console::command::COMMANDS;
use crate::console::keymap::{self, KEYMAP};

/// Draws the help overlay over `area`.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let lines = lines(app, area.width.min(100).saturating_sub(2) as usize);
    let height = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
    let rect = popup::centered(area, 100, height);
    popup::clear(frame, rect);
    let title = format!(
        " help · {} · Esc or ? closes, j/k scroll ",
        app.screen.title()
    );
    let block = Block::bordered().title(Span::styled(title, app.theme.heading()));
    let max_scroll = (lines.len() as u16).saturating_sub(rect.height.saturating_sub(2));
    let paragraph = Paragraph::new(lines)
        .block(block)
        .scroll((app.help_scroll.min(max_scroll), 0));
    frame.render_widget(paragraph, rect);
}

/// The overlay's lines: this screen's keys, then everywhere, then commands.
fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let t = app.theme;
    let mut out = vec![Line::from(Span::styled(
        format!("On the {} screen", app.screen.title()),
        t.heading(),
    ))];
    let specific = KEYMAP
        .iter()
        .filter(|b| !b.screens.is_empty() && keymap::applies(b, app.screen));
    out.extend(specific.map(|b| key_line(b.label, b.desc)));
    out.push(Line::default());
    out.push(Line::from(Span::styled("Everywhere", t.heading())));
    out.extend(
        KEYMAP
            .iter()
            .filter(|b| b.screens.is_empty())
            .map(|b| key_line(b.label, b.desc)),
    );
    out.push(key_line(
        "mouse",
        if app.meta.mouse {
            "click selects, click again opens, wheel scrolls"
        } else {
            "off (set [console] mouse = true); select text freely"
        },
    ));
    out.push(Line::default());
    out.push(Line::from(Span::styled(
        "Commands (type : first; Enter runs, Esc cancels)",
        t.heading(),
    )));
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
fn key_line(label: &str, desc: &str) -> Line<'static> {
    Line::from(format!("  {label:<16}{desc}"))
}
