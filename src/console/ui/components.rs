//! The components table: name, kind, mode, health in each region, where it serves, HA status,
//! lag against the RPO, and whether it could fail over now. Only the visible rows are built.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

use super::fmt::fit;
use super::theme::{self, Tone};
use crate::console::app::{App, SortKey};
use crate::console::sanitize;
use crate::health::{ComponentStatus, InstanceHealth};

/// Which optional columns fit.
#[derive(Clone, Copy)]
struct Columns {
    kind: bool,
    mode: bool,
    rpo: bool,
}

impl Columns {
    /// Optional columns appear as the table widens.
    fn for_width(width: u16) -> Columns {
        Columns {
            kind: width >= 110,
            mode: width >= 96,
            rpo: width >= 100,
        }
    }
}

/// Draws the table of the filtered, sorted components.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let block = Block::bordered().title(title(app)).border_style(t.muted());
    let Some(snap) = &app.snapshot else {
        let text = Span::styled(
            "no components yet: waiting for the first snapshot",
            t.muted(),
        );
        frame.render_widget(Paragraph::new(text).block(block), area);
        return;
    };
    if app.view.is_empty() {
        let text = format!(
            "no component matches '{}' (Esc clears the filter)",
            sanitize(app.filter_rule.text())
        );
        frame.render_widget(
            Paragraph::new(Span::styled(text, t.muted())).block(block),
            area,
        );
        return;
    }
    let cols = Columns::for_width(area.width);
    let height = super::layout::table_body(area).height as usize;
    let start = app.table.offset.min(app.view.len());
    let end = (start + height).min(app.view.len());
    let rows = app.view[start..end]
        .iter()
        .map(|&i| row(app, &snap.components[i], cols));
    let ready_width = if app.sort == SortKey::Ready { 7 } else { 5 };
    let table = Table::new(rows, widths(cols, name_width(app), ready_width))
        .header(header(app, cols))
        .block(block)
        .column_spacing(1)
        .row_highlight_style(t.selected())
        .highlight_symbol("▶ ");
    let mut state = TableState::new().with_selected(Some(app.table.selected.saturating_sub(start)));
    frame.render_stateful_widget(table, area, &mut state);
}

/// " components 12 · sort: config · filter: 'sql' ".
fn title(app: &App) -> Line<'static> {
    let total = app.snapshot.as_ref().map_or(0, |s| s.components.len());
    let shown = if app.view.len() == total {
        format!("{total}")
    } else {
        format!("{} of {total}", app.view.len())
    };
    let mut text = format!(" components {shown} · sort: {} ", app.sort.as_str());
    if app.sort != SortKey::Config || app.sort_reversed {
        let (arrow, order) = (
            app.sort.arrow(app.sort_reversed),
            app.sort.order(app.sort_reversed),
        );
        text.push_str(&format!("{arrow} {order} "));
    }
    if !app.filter_rule.is_empty() {
        text.push_str(&format!(
            "· filter: '{}' ",
            sanitize(app.filter_rule.text())
        ));
    }
    Line::from(Span::styled(text, app.theme.heading()))
}

/// The width of the name column: the longest shown name, within limits.
fn name_width(app: &App) -> u16 {
    let Some(snap) = &app.snapshot else { return 12 };
    let longest = app
        .view
        .iter()
        .take(200)
        .map(|&i| snap.components[i].name.chars().count())
        .max()
        .unwrap_or(4);
    longest.clamp(8, 24) as u16
}

/// Column widths, in the same order as `header` and `row`.
fn widths(cols: Columns, name: u16, ready: u16) -> Vec<Constraint> {
    let mut w = vec![Constraint::Length(name)];
    if cols.kind {
        w.push(Constraint::Length(18));
    }
    if cols.mode {
        w.push(Constraint::Length(8));
    }
    w.extend([
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Fill(1),
    ]);
    w.push(Constraint::Length(if cols.rpo { 11 } else { 5 }));
    w.push(Constraint::Length(ready));
    w
}

/// The header row: the region columns are named after the regions; the sorted column carries
/// ▲ or ▼ (HA STATUS for the health sort).
fn header(app: &App, cols: Columns) -> Row<'static> {
    let mark = |title: &str, key: SortKey| -> String {
        if app.sort == key {
            format!("{title} {}", key.arrow(app.sort_reversed))
        } else {
            title.to_string()
        }
    };
    let mut cells = vec![mark("NAME", SortKey::Name)];
    if cols.kind {
        cells.push(mark("KIND", SortKey::Kind));
    }
    if cols.mode {
        cells.push("MODE".into());
    }
    cells.push(app.meta.primary.to_uppercase());
    cells.push(app.meta.secondary.to_uppercase());
    cells.extend([
        mark("ACTIVE", SortKey::Active),
        mark("HA STATUS", SortKey::Health),
    ]);
    cells.push(mark(
        if cols.rpo { "LAG / RPO" } else { "LAG" },
        SortKey::Lag,
    ));
    cells.push(mark("READY", SortKey::Ready));
    Row::new(cells).style(app.theme.heading())
}

/// One component's row.
fn row(app: &App, c: &ComponentStatus, cols: Columns) -> Row<'static> {
    let t = app.theme;
    let mut cells = vec![Cell::from(sanitize(&c.name).into_owned())];
    if cols.kind {
        cells.push(Cell::from(c.kind.as_str()));
    }
    if cols.mode {
        cells.push(Cell::from(c.mode.as_str()));
    }
    cells.push(instance_cell(app, c, &app.meta.primary));
    cells.push(instance_cell(app, c, &app.meta.secondary));
    cells.push(active_cell(app, c));
    let ha_tone = if c.ready || c.failed_over_to(&app.meta.secondary) {
        Tone::Plain
    } else {
        Tone::Warn
    };
    cells.push(Cell::from(Span::styled(
        sanitize(&c.ha_status).into_owned(),
        t.tone(ha_tone),
    )));
    cells.push(lag_cell(app, c, cols.rpo));
    cells.push(ready_cell(app, c));
    Row::new(cells)
}

/// The health of the component's instance in a region: "ok", "DOWN", ... or "—".
fn instance_cell(app: &App, c: &ComponentStatus, region: &str) -> Cell<'static> {
    match c.instance(region) {
        Some(inst) => {
            let tone = theme::instance_tone(inst.health);
            Cell::from(Span::styled(
                theme::instance_word(inst.health),
                app.theme.tone(tone),
            ))
        }
        None => Cell::from(Span::styled("—", app.theme.muted())),
    }
}

/// "95s / 15m" (red when over the RPO), or "—" for kinds without replication lag.
fn lag_cell(app: &App, c: &ComponentStatus, with_rpo: bool) -> Cell<'static> {
    let Some(lag) = c.lag_seconds else {
        return Cell::from(Span::styled("—", app.theme.muted()));
    };
    let (lag_text, rpo_text) = crate::health::words::lag_words_compact(lag, c.rpo_seconds);
    let text = if with_rpo {
        let spaced = format!("{lag_text} / {rpo_text}");
        if spaced.chars().count() > 11 {
            format!("{lag_text}/{rpo_text}")
        } else {
            spaced
        }
    } else {
        lag_text
    };
    let tone = if c.lag_over_rpo() {
        Tone::Bad
    } else if lag * 2.0 > c.rpo_seconds as f64 {
        Tone::Warn
    } else {
        Tone::Plain
    };
    Cell::from(Span::styled(
        fit(&text, 11).into_owned(),
        app.theme.tone(tone),
    ))
}

/// Where it serves, in `status`'s word (`words::active_word`): "both", the one region a hot/hot
/// component still serves from, else the active region (red when its instance there is down,
/// highlighted once it is not the primary).
fn active_cell(app: &App, c: &ComponentStatus) -> Cell<'static> {
    let (p, s) = (&app.meta.primary, &app.meta.secondary);
    let word = crate::health::words::active_word(c, p, s);
    if word == "both" {
        return Cell::from("both");
    }
    let active_down = c.instance(&word).is_some_and(|i| {
        matches!(
            i.health,
            InstanceHealth::Unavailable | InstanceHealth::Unknown
        )
    });
    let tone = if active_down {
        Tone::Bad
    } else if word != *p {
        Tone::Warn
    } else {
        Tone::Plain
    };
    Cell::from(Span::styled(
        sanitize(&word).into_owned(),
        app.theme.tone(tone),
    ))
}

/// "yes", "NO", or "moved" (neutral) for a hot/cold component already failed over.
fn ready_cell(app: &App, c: &ComponentStatus) -> Cell<'static> {
    let text = crate::health::words::ready_word(c, &app.meta.secondary);
    let tone = match text {
        "moved" => Tone::Info,
        "yes" => Tone::Good,
        _ => Tone::Bad,
    };
    Cell::from(Span::styled(text, app.theme.tone(tone)))
}
