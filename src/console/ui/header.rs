//! The two header rows: the band (what this console is connected to, who, how fresh) and the
//! verdict (which region is down and whether a failover could start now).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::fmt::{hhmm, human_secs, seconds_between};
use super::theme::{self, Tone};
use crate::console::app::App;
use crate::console::{Badge, sanitize};
use crate::health::RegionRole;

/// Draws the band and the verdict line.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let band = Rect { height: 1, ..area };
    let verdict = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    render_band(frame, app, band);
    frame.render_widget(Paragraph::new(verdict_line(app)), verdict);
}

/// A piece of the band, dropped (lowest priority first) when the terminal is narrow.
struct Piece {
    priority: u8,
    spans: Vec<Span<'static>>,
}

impl Piece {
    /// The piece's width in cells.
    fn width(&self) -> usize {
        self.spans.iter().map(Span::width).sum()
    }
}

/// The band: badge, deployment, regions, targets | read-only, freshness, identity.
fn render_band(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let band = t.band(app.meta.badge);
    let mut left = vec![Piece {
        priority: 9,
        spans: vec![badge_span(app)],
    }];
    if let Some(s) = &app.meta.scenario {
        left.push(Piece {
            priority: 3,
            spans: vec![Span::raw(format!(" scenario {} ", sanitize(s)))],
        });
    }
    let bold = Style::new().add_modifier(Modifier::BOLD);
    left.push(Piece {
        priority: 8,
        spans: vec![Span::styled(
            format!(" {} ", sanitize(&app.meta.deployment)),
            bold,
        )],
    });
    let m = &app.meta;
    left.push(Piece {
        priority: 5,
        spans: vec![Span::raw(format!("{} → {} ", m.primary, m.secondary))],
    });
    left.push(Piece {
        priority: 2,
        spans: vec![Span::raw(format!(
            "RTO {} min · RPO {} min ",
            m.rto_minutes, m.rpo_minutes
        ))],
    });
    let mut right = Vec::new();
    if m.read_only {
        right.push(Piece {
            priority: 9,
            spans: vec![Span::styled(" READ-ONLY ", t.read_only()), Span::raw(" ")],
        });
    }
    right.push(Piece {
        priority: 7,
        spans: freshness(app),
    });
    if let Some(id) = &m.identity {
        right.push(Piece {
            priority: 1,
            spans: vec![Span::raw(format!(" {} ", sanitize(id)))],
        });
    }
    let line = arrange(left, right, area.width as usize);
    frame.render_widget(Paragraph::new(line).style(band), area);
}

/// The big badge: AZFAILOVER, DEMO — SIMULATED AZURE or DRILL — SIMULATED AZURE.
fn badge_span(app: &App) -> Span<'static> {
    let text = match app.meta.badge {
        Badge::Live => " AZFAILOVER ",
        Badge::Demo => " DEMO — SIMULATED AZURE ",
        Badge::Drill => " DRILL — SIMULATED AZURE ",
    };
    Span::styled(text, app.theme.badge(app.meta.badge))
}

/// "refreshed 12 s ago", "⟳ refreshing", "STALE (cached 02:41)" or "no data yet".
pub fn freshness(app: &App) -> Vec<Span<'static>> {
    let t = app.theme;
    let mut spans = Vec::new();
    if app.refreshing {
        spans.push(Span::raw("⟳ refreshing… "));
    }
    match (&app.snapshot, app.received_at) {
        (Some(snap), _) if app.stale => {
            let text = format!(" STALE (cached {}) ", hhmm(snap.taken_at));
            spans.push(Span::styled(text, t.label(Tone::Warn)));
            spans.push(Span::raw(" "));
        }
        (Some(_), Some(at)) => {
            let age = seconds_between(at, app.now);
            let late = age > 2 * u64::from(app.meta.refresh_seconds.max(1)) + 5;
            let text = format!("refreshed {} ago ", human_secs(age));
            spans.push(if late {
                Span::styled(text, t.label(Tone::Warn))
            } else {
                Span::raw(text)
            });
        }
        _ if !app.refreshing => spans.push(Span::raw("no data yet ")),
        _ => {}
    }
    spans
}

/// Lays out left and right pieces on one line, dropping low-priority ones until they fit.
fn arrange(mut left: Vec<Piece>, mut right: Vec<Piece>, width: usize) -> Line<'static> {
    let total = |l: &[Piece], r: &[Piece]| l.iter().chain(r).map(Piece::width).sum::<usize>();
    while total(&left, &right) > width {
        let lowest = left
            .iter()
            .chain(&right)
            .map(|p| p.priority)
            .min()
            .unwrap_or(0);
        if let Some(i) = right.iter().position(|p| p.priority == lowest) {
            right.remove(i);
        } else if let Some(i) = left.iter().position(|p| p.priority == lowest) {
            left.remove(i);
        } else {
            break;
        }
    }
    let gap = width.saturating_sub(total(&left, &right));
    let mut spans: Vec<Span<'static>> = left.into_iter().flat_map(|p| p.spans).collect();
    spans.push(Span::raw(" ".repeat(gap)));
    spans.extend(right.into_iter().flat_map(|p| p.spans));
    Line::from(spans)
}

/// The verdict: overall health, each region, and whether a failover could start now.
fn verdict_line(app: &App) -> Line<'static> {
    let t = app.theme;
    let Some(snap) = &app.snapshot else {
        return match &app.last_error {
            Some((_, reason)) => {
                let text = format!(" ✖ no health data: {} ", sanitize(reason));
                Line::from(Span::styled(text, t.label(Tone::Bad)))
            }
            None => {
                let text = " waiting for the first health snapshot… ";
                Line::from(Span::styled(text, t.label(Tone::Muted)))
            }
        };
    };
    let overall = theme::overall_tone(snap.overall);
    let word = format!(
        " {} {} ",
        theme::tone_symbol(overall),
        format!("{:?}", snap.overall).to_uppercase()
    );
    let mut spans = vec![Span::styled(word, t.label(overall)), Span::raw(" ")];
    for (i, role) in [RegionRole::Primary, RegionRole::Secondary]
        .into_iter()
        .enumerate()
    {
        let Some(r) = snap.region(role) else { continue };
        if i > 0 {
            spans.push(Span::styled(" · ", t.muted()));
        }
        spans.push(Span::raw(format!("{} ", sanitize(&r.name))));
        spans.push(Span::styled(
            theme::region_word(r.health),
            t.tone(theme::region_tone(r.health)),
        ));
    }
    spans.push(Span::styled(" │ ", t.muted()));
    spans.extend(failover_readiness(app));
    Line::from(spans)
}

/// "primary" / "secondary".
pub fn role_word(role: RegionRole) -> &'static str {
    match role {
        RegionRole::Primary => "primary",
        RegionRole::Secondary => "secondary",
    }
}

/// Could a failover start now? Components still served from the primary are ready or block it;
/// those already served from elsewhere need nothing.
fn failover_readiness(app: &App) -> Vec<Span<'static>> {
    let t = app.theme;
    let s = &app.summary;
    let mut spans = Vec::new();
    if s.blocked == 0 {
        let text = match (s.ready, s.moved) {
            (_, 0) => format!("✔ failover possible: all {} ready", s.total),
            (0, _) => format!(
                "✔ all {} components served from {}",
                s.total, app.meta.secondary
            ),
            (ready, _) => format!("✔ failover possible: {ready} ready"),
        };
        spans.push(Span::styled(text, t.tone(Tone::Good)));
    } else {
        let more = if s.blocked > s.blocked_names.len() {
            ", …"
        } else {
            ""
        };
        let count = if s.blocked > 1 {
            format!("{}: ", s.blocked)
        } else {
            String::new()
        };
        let text = format!(
            "✖ failover blocked by {count}{}{more}",
            s.blocked_names.join(", ")
        );
        spans.push(Span::styled(text, t.tone(Tone::Bad)));
        if s.ready > 0 {
            spans.push(Span::raw(format!(" · {} ready", s.ready)));
        }
    }
    if s.moved > 0 && s.ready + s.blocked > 0 {
        spans.push(Span::raw(format!(
            " · {} already on {}",
            s.moved, app.meta.secondary
        )));
    }
    spans
}
