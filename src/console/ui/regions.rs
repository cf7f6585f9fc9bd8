//! The two region panels, side by side: health, why, what serves there, incidents, and
//! "unknown — not responding since 02:41" when the region stopped answering.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::fmt::{hhmm, wrap};
use super::header::role_word;
use super::theme::{self, Tone};
use crate::console::app::App;
use crate::console::sanitize;
use crate::health::{RegionRole, RegionStatus};

/// Draws the primary panel in `areas[0]` and the secondary in `areas[1]`.
pub fn render(frame: &mut Frame, app: &App, areas: [Rect; 2]) {
    let roles = [
        (RegionRole::Primary, &app.meta.primary),
        (RegionRole::Secondary, &app.meta.secondary),
    ];
    for ((role, name), area) in roles.into_iter().zip(areas) {
        match app.snapshot.as_ref().and_then(|s| s.region(role)) {
            Some(region) => render_region(frame, app, region, area),
            None => render_empty(frame, app, role, name, area),
        }
    }
}

/// A panel before any snapshot arrived.
fn render_empty(frame: &mut Frame, app: &App, role: RegionRole, name: &str, area: Rect) {
    let title = format!(" {} · {} ", role_word(role).to_uppercase(), name);
    let block = Block::bordered()
        .title(title)
        .border_style(app.theme.muted());
    let text = if app.refreshing {
        "collecting health…"
    } else {
        "no data yet"
    };
    frame.render_widget(
        Paragraph::new(Span::styled(text, app.theme.muted())).block(block),
        area,
    );
}

/// A region panel.
fn render_region(frame: &mut Frame, app: &App, r: &RegionStatus, area: Rect) {
    let t = app.theme;
    let tone = theme::region_tone(r.health);
    let active = r.incidents.iter().filter(|i| i.active).count();
    let incidents = match active {
        0 => String::new(),
        1 => "· 1 incident ".into(),
        n => format!("· {n} incidents "),
    };
    let (role, name) = (role_word(r.role).to_uppercase(), sanitize(&r.name));
    let display = sanitize(&r.display_name);
    let mut title = format!(" {role} · {name} ({display}) {incidents}");
    if title.chars().count() + 2 > area.width as usize {
        title = format!(" {role} · {name} {incidents}");
    }
    let border = if tone == Tone::Good {
        t.muted()
    } else {
        t.tone(tone)
    };
    let block = Block::bordered()
        .title(Span::styled(title, t.heading()))
        .border_style(border);
    let inner = block.inner(area);
    let lines = region_lines(app, r, inner.width as usize, inner.height as usize);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The panel's lines, most important first, cut to `height`: health, responsiveness,
/// incidents, what serves there, and why.
fn region_lines(app: &App, r: &RegionStatus, width: usize, height: usize) -> Vec<Line<'static>> {
    let t = app.theme;
    let tone = theme::region_tone(r.health);
    let word = format!(
        " {} {} ",
        theme::tone_symbol(tone),
        theme::region_word(r.health)
    );
    let mut counts = format!("  {}/{} resources available", r.available, r.resources);
    if word.chars().count() + counts.chars().count() > width {
        counts = format!("  {}/{} available", r.available, r.resources);
    }
    let mut lines = vec![Line::from(vec![
        Span::styled(word, t.label(tone)),
        Span::raw(counts),
    ])];
    if let Some(since) = r.not_responding_since {
        let text = format!("unknown — not responding since {}", hhmm(since));
        lines.push(Line::from(Span::styled(text, t.tone(Tone::Unknown))));
    }
    let active: Vec<_> = r.incidents.iter().filter(|i| i.active).collect();
    // Rows for incidents: what the serving and reason lines leave; each incident's title
    // wraps over the rows that are free, so no word is cut while rows stay empty.
    let mut rows = height.saturating_sub(lines.len() + 2).max(1);
    let mut shown = 0;
    for (n, inc) in active.iter().enumerate() {
        let left = active.len() - n - 1;
        // Keep a row for "+N more" when incidents remain and rows run short.
        let room = if left > 0 {
            rows.saturating_sub(1)
        } else {
            rows
        };
        if room == 0 {
            break;
        }
        let wrapped = incident_lines(app, inc, width, room.min(4));
        rows -= wrapped.len();
        lines.extend(wrapped);
        shown += 1;
    }
    if active.len() > shown {
        let more = format!("+{} more incidents (2: timeline)", active.len() - shown);
        lines.push(Line::from(Span::styled(more, t.tone(Tone::Warn))));
    }
    lines.push(serving_line(app, r));
    if !r.reason.is_empty() {
        let room = height.saturating_sub(lines.len()).max(1);
        for l in wrap(&sanitize(&r.reason), width, room) {
            lines.push(Line::from(Span::styled(l, t.muted())));
        }
    }
    lines.truncate(height);
    lines
}

/// "serving 10 of 12 components": those active there, and hot/hot ones up there.
fn serving_line(app: &App, r: &RegionStatus) -> Line<'static> {
    let serving = app.summary.serving_in(r.role);
    let total = app.summary.total;
    let tone = match (r.role, serving) {
        (RegionRole::Primary, 0) if total > 0 => Tone::Warn,
        _ => Tone::Plain,
    };
    let text = format!("serving {serving} of {total} components");
    Line::from(Span::styled(text, app.theme.tone(tone)))
}

/// "⚠ [Critical] Multiple services impacted in East US (02:40)", wrapped over up to `rows`.
fn incident_lines(
    app: &App,
    inc: &crate::health::Incident,
    width: usize,
    rows: usize,
) -> Vec<Line<'static>> {
    let level = inc
        .level
        .as_deref()
        .map(|l| format!("[{}] ", sanitize(l)))
        .unwrap_or_default();
    let since = inc
        .started
        .map(|s| format!(" ({})", hhmm(s)))
        .unwrap_or_default();
    let text = format!("⚠ {level}{}{since}", sanitize(&inc.title));
    let critical = inc
        .level
        .as_deref()
        .is_some_and(|l| l.eq_ignore_ascii_case("critical"));
    let tone = if critical { Tone::Bad } else { Tone::Warn };
    wrap(&text, width, rows)
        .into_iter()
        .map(|l| Line::from(Span::styled(l, app.theme.tone(tone))))
        .collect()
}
