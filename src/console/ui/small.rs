//! The "terminal too small" screen: says the minimum size and how to quit.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::layout::{MIN_HEIGHT, MIN_WIDTH};
use super::theme::Tone;
use crate::console::app::App;
use crate::console::sanitize;

/// Draws the message centred-ish in whatever room there is.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let overall = app
        .snapshot
        .as_ref()
        .map(|s| format!("{:?}", s.overall).to_uppercase());
    let mut lines = vec![
        Line::from(Span::styled(" terminal too small ", t.label(Tone::Warn))),
        Line::from(format!(
            "{}×{} — azfailover needs at least {MIN_WIDTH}×{MIN_HEIGHT}.",
            area.width, area.height
        )),
        Line::from("Enlarge the window or reduce the font size."),
    ];
    if let Some(o) = overall {
        lines.push(Line::from(format!(
            "Deployment {}: {o}",
            sanitize(&app.meta.deployment)
        )));
    }
    lines.push(Line::from(Span::styled("q quits", t.muted())));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}
