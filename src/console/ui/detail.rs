//! The component detail screen: where it serves and how each instance is, the lag against the
//! RPO with its history, every readiness check with its reason, the key properties, its recent
//! health changes and the `az` commands to look for yourself.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Sparkline};

use super::fmt::{fit, hhmmss, human_secs};
use super::layout;
use super::sections::{columns, left_width};
use super::theme::{self, Tone};
use crate::console::app::App;
use crate::console::sanitize;
use crate::console::summary::serves_in;
use crate::health::ComponentStatus;

/// Draws the detail of the component `app.detail` names.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let Some(c) = app.detail_component() else {
        let name = app.detail.as_deref().unwrap_or("");
        let text = format!(
            "component '{}' is not in the latest snapshot (Esc goes back)",
            sanitize(name)
        );
        frame.render_widget(Paragraph::new(text).block(Block::bordered()), area);
        return;
    };
    let [summary, rest] = layout::detail_split(area, c);
    render_summary(frame, app, c, summary);
    let scroll = app.detail_scroll;
    let (left, right) = columns(app, c, rest.width);
    if let Some(right) = right {
        let [l, r] = Layout::horizontal([
            Constraint::Length(left_width(rest.width)),
            Constraint::Fill(1),
        ])
        .areas(rest);
        render_lines(frame, app, left, " checks and properties ", scroll, l);
        render_lines(frame, app, right, " changes and commands ", scroll, r);
    } else {
        render_lines(
            frame,
            app,
            left,
            " checks, properties, changes, commands ",
            scroll,
            rest,
        );
    }
}

/// How many lines the longest scrolling column has (for scrolling limits).
pub fn line_count(app: &App) -> usize {
    let Some(c) = app.detail_component() else {
        return 0;
    };
    let width = app.size.0;
    let (left, right) = columns(app, c, width);
    left.len().max(right.map_or(0, |r| r.len()))
}

/// Draws lines in a bordered block, scrolled.
fn render_lines(
    frame: &mut Frame,
    app: &App,
    lines: Vec<Line<'static>>,
    title: &str,
    scroll: u16,
    area: Rect,
) {
    let block = Block::bordered()
        .title(title.to_string())
        .border_style(app.theme.muted());
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
}

/// The title, HA status, the instances, and the lag with its sparkline.
fn render_summary(frame: &mut Frame, app: &App, c: &ComponentStatus, area: Rect) {
    let t = app.theme;
    let worst = c
        .instances
        .iter()
        .map(|i| theme::instance_tone(i.health))
        .find(|&t| t != Tone::Good);
    let border = worst.map_or(t.muted(), |tone| t.tone(tone));
    let title = format!(
        " {} · {} · {} ",
        sanitize(&c.name),
        c.kind.as_str(),
        c.mode.as_str()
    );
    let block = Block::bordered()
        .title(Span::styled(title, t.heading()))
        .border_style(border);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = vec![status_line(app, c)];
    lines.extend(
        c.instances
            .iter()
            .map(|i| instance_line(app, c, i, inner.width as usize)),
    );
    if let Some(lag) = c.lag_seconds {
        lines.push(lag_line(app, c, lag));
    }
    let text_height = (lines.len() as u16).min(inner.height);
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            height: text_height,
            ..inner
        },
    );
    if c.lag_seconds.is_some() && inner.height > text_height {
        let spark = Rect {
            y: inner.y + text_height,
            height: 1,
            ..inner
        };
        render_sparkline(frame, app, c, spark);
    }
}

/// "ready to fail over: YES · HA: standby ready · serves from eastus".
fn status_line(app: &App, c: &ComponentStatus) -> Line<'static> {
    let t = app.theme;
    let moved = c.failed_over_to(&app.meta.secondary);
    let (ready, tone) = if moved {
        ("MOVED", Tone::Info)
    } else if c.ready {
        ("YES", Tone::Good)
    } else {
        ("NO", Tone::Bad)
    };
    let ha_tone = if c.ready || moved {
        Tone::Plain
    } else {
        Tone::Warn
    };
    let ha = sanitize(&c.ha_status).into_owned();
    Line::from(vec![
        Span::raw("ready to fail over: "),
        Span::styled(ready, t.tone(tone).patch(t.heading())),
        Span::raw(" · HA: "),
        Span::styled(ha, t.tone(ha_tone).patch(t.heading())),
        Span::raw(format!(" · {}", serving_where(app, c))),
    ])
}

/// Where it serves, in the words `status` uses too.
fn serving_where(app: &App, c: &ComponentStatus) -> String {
    sanitize(&crate::health::words::serving_words(
        c,
        &app.meta.primary,
        &app.meta.secondary,
    ))
    .into_owned()
}

/// "eastus (primary)  ✔ ok        Running, 7 nodes   mlw-contoso-eastus — why".
fn instance_line(
    app: &App,
    c: &ComponentStatus,
    i: &crate::health::InstanceStatus,
    width: usize,
) -> Line<'static> {
    let t = app.theme;
    let role = if i.region == app.meta.primary {
        "primary"
    } else if i.region == app.meta.secondary {
        "secondary"
    } else {
        "replica"
    };
    let serving = if serves_in(c, &i.region) { "▶" } else { " " };
    let tone = theme::instance_tone(i.health);
    let word = format!(
        "{} {:<8}",
        theme::tone_symbol(tone),
        theme::instance_word(i.health)
    );
    let name = i.resource_id.rsplit('/').next().unwrap_or("");
    let mut rest = format!("  {:<22} {}", fit(&sanitize(&i.state), 22), sanitize(name));
    if let Some(d) = &i.detail {
        rest.push_str(&format!(" — {}", sanitize(d)));
    }
    let head = format!(
        "{serving} {:<10} {:<11} ",
        sanitize(&i.region),
        format!("({role})")
    );
    let room = width.saturating_sub(head.chars().count() + 11);
    Line::from(vec![
        Span::raw(head),
        Span::styled(word, t.tone(tone)),
        Span::raw(fit(&rest, room).into_owned()),
    ])
}

/// "lag 95 s of RPO 15 min (11 %) · last sync 02:39:12 · history: last 60 refreshes".
fn lag_line(app: &App, c: &ComponentStatus, lag: f64) -> Line<'static> {
    let t = app.theme;
    let used = (lag / c.rpo_seconds.max(1) as f64 * 100.0).round();
    let tone = if c.lag_over_rpo() {
        Tone::Bad
    } else if used >= 50.0 {
        Tone::Warn
    } else {
        Tone::Good
    };
    let mut spans = vec![
        Span::raw("lag "),
        Span::styled(
            human_secs(lag.max(0.0).round() as u64),
            t.tone(tone).patch(t.heading()),
        ),
        Span::raw(format!(
            " of RPO {} ({used:.0} %)",
            human_secs(c.rpo_seconds)
        )),
    ];
    if let Some(sync) = c.last_sync_time {
        spans.push(Span::raw(format!(" · last sync {}", hhmmss(sync))));
    }
    Line::from(spans)
}

/// The lag history after a short label, scaled so that a full-height bar is the RPO (or the
/// highest lag, when it was over).
fn render_sparkline(frame: &mut Frame, app: &App, c: &ComponentStatus, area: Rect) {
    let Some(history) = app.lag_history.get(&c.name) else {
        return;
    };
    let label = "lag history (RPO = full bar): ".to_string();
    let label_width = (label.chars().count() as u16).min(area.width);
    frame.render_widget(
        Span::styled(label, app.theme.muted()),
        Rect {
            width: label_width,
            ..area
        },
    );
    let bars = Rect {
        x: area.x + label_width,
        width: area.width - label_width,
        ..area
    };
    let max = history
        .iter()
        .copied()
        .max()
        .unwrap_or(0)
        .max(c.rpo_seconds)
        .max(1);
    let tone = if c.lag_over_rpo() {
        Tone::Bad
    } else {
        Tone::Good
    };
    let skip = history.len().saturating_sub(bars.width as usize);
    let spark = Sparkline::default()
        .data(history.iter().skip(skip).copied())
        .max(max)
        .style(app.theme.tone(tone));
    frame.render_widget(spark, bars);
}
