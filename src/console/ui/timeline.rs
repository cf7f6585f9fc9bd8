//! The timeline screen: every health change since the console started, newest first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

use super::fmt::{hhmm, hhmmss};
use super::theme::{self, tone_symbol};
use crate::console::app::App;
use crate::console::sanitize;

/// Draws the visible part of the timeline.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let n = app.timeline.len();
    let changes = if n == 1 { "change" } else { "changes" };
    let title = format!(
        " timeline · {n} health {changes} since the console started ({}, newest first) ",
        app.clock_label()
    );
    let block = Block::bordered()
        .title(Span::styled(title, t.heading()))
        .border_style(t.muted());
    if app.timeline.is_empty() {
        let text = Span::styled("no health change yet", t.muted());
        frame.render_widget(Paragraph::new(text).block(block), area);
        return;
    }
    let height = super::layout::table_body(area).height as usize;
    let start = app.events.offset.min(app.timeline.len());
    let end = (start + height).min(app.timeline.len());
    let rows = (start..end).filter_map(|row| app.event_at(row)).map(|e| {
        let tone = theme::severity_tone(e.severity);
        let when = if e.at.date() == app.now.date() {
            hhmmss(e.at)
        } else {
            format!("{} {}", e.at.date(), hhmm(e.at))
        };
        let subject = if e.subject.is_empty() {
            "deployment".to_string()
        } else {
            sanitize(&e.subject).into_owned()
        };
        Row::new(vec![
            Cell::from(Span::styled(when, t.muted())),
            Cell::from(Span::styled(tone_symbol(tone), t.tone(tone))),
            Cell::from(subject),
            Cell::from(Span::styled(sanitize(&e.text).into_owned(), t.tone(tone))),
        ])
    });
    let widths = [
        Constraint::Length(10),
        Constraint::Length(1),
        Constraint::Length(18),
        Constraint::Fill(1),
    ];
    let header = Row::new(["TIME", "", "WHERE", "WHAT CHANGED"]).style(t.heading());
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .row_highlight_style(t.selected())
        .highlight_symbol("▶ ");
    let mut state =
        TableState::new().with_selected(Some(app.events.selected.saturating_sub(start)));
    frame.render_stateful_widget(table, area, &mut state);
}
