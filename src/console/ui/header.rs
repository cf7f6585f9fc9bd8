//! The two header rows: the band (what this console is connected to, who, how fresh) and the
//! decision line (the verdict's summary: what to do now, or the run going on).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::fmt::{hhmm, human_secs, seconds_between};
use super::theme::{self, Tone};
use crate::console::app::App;
use crate::console::run_state::StepStatus;
use crate::console::{Badge, sanitize};
use crate::health::{Recommendation, RegionRole, Variant, Verdict};

/// Draws the band and the verdict line.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let band = Rect { height: 1, ..area };
    let verdict = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    render_band(frame, app, band);
    frame.render_widget(
        Paragraph::new(verdict_line(app, verdict.width as usize)),
        verdict,
    );
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
    if app.meta.in_fleet {
        left.push(Piece {
            priority: 9,
            spans: vec![Span::styled(" ◂ FLEET (q) ", t.label(Tone::Info))],
        });
    }
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
            if age > app.meta.overdue_after_seconds {
                // What is shown may no longer be true: say so in red.
                let text = format!(" STALE: refreshed {} ago, overdue ", human_secs(age));
                spans.push(Span::styled(text, t.label(Tone::Bad)));
                spans.push(Span::raw(" "));
            } else {
                spans.push(Span::raw(format!("refreshed {} ago ", human_secs(age))));
            }
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

/// The decision line: overall health and the verdict (what to do now), or, during a run, the
/// run's direction and the step it is at.
fn verdict_line(app: &App, width: usize) -> Line<'static> {
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
    if let Some(line) = run_line(app, width) {
        return line;
    }
    let overall = theme::overall_tone(snap.overall);
    let word = format!(
        " {} {} ",
        theme::tone_symbol(overall),
        format!("{:?}", snap.overall).to_uppercase()
    );
    let v = &app.summary.verdict;
    let room = width.saturating_sub(Span::raw(word.as_str()).width() + 1);
    // In a console that can start it, the way to act is a key away.
    let summary = match (app.can_run, v.recommendation) {
        (true, Recommendation::Failover) => v
            .summary
            .replace("azfailover failover", "F or :failover starts it"),
        (true, Recommendation::Failback) => v
            .summary
            .replace("azfailover failback", "F or :failback starts it"),
        _ => v.summary.clone(),
    };
    let text = fit_parts(&sanitize(&summary), room);
    Line::from(vec![
        Span::styled(word, t.label(overall)),
        Span::raw(" "),
        Span::styled(text, t.tone(verdict_tone(v, &app.meta.primary))),
    ])
}

/// Green when nothing or a planned run is to be done and possible, amber for a possible forced
/// run or while not (wholly) served from the primary with nothing to do, red when blocked.
pub fn verdict_tone(v: &Verdict, primary: &str) -> Tone {
    match (v.recommendation, v.possible, v.variant) {
        (Recommendation::None, _, _) if v.serving_from.as_deref() != Some(primary) => Tone::Warn,
        (_, false, _) => Tone::Bad,
        (_, true, Some(Variant::Forced)) => Tone::Warn,
        (_, true, _) => Tone::Good,
    }
}

/// "failback westus → eastus · step 5 of 17: Planned failover of storage …", while a run goes on
/// (with ", waiting for you" when the step waits for the operator).
fn run_line(app: &App, width: usize) -> Option<Line<'static>> {
    let run = app.run.as_ref().filter(|r| r.active())?;
    let rb = run.runbook.as_ref()?;
    let steps = run.steps();
    let at = run.current()?;
    let step = steps.get(at)?;
    let t = app.theme;
    let waiting = match run.status(&step.id) {
        StepStatus::Waiting => ", waiting for you",
        StepStatus::Blocked => ", blocked",
        StepStatus::Failed => ", failed",
        _ => "",
    };
    let label = " ▶ RUN ";
    let text = format!(
        "{}{} {} → {} · step {} of {}{waiting}: {}",
        if rb.forced { "forced " } else { "" },
        rb.kind.as_str(),
        rb.from_region,
        rb.to_region,
        at + 1,
        steps.len(),
        sanitize(&step.title),
    );
    let room = width.saturating_sub(Span::raw(label).width() + 1);
    Some(Line::from(vec![
        Span::styled(label, t.label(Tone::Warn)),
        Span::raw(" "),
        Span::styled(fit_parts(&text, room), t.heading()),
    ]))
}

/// Fits a " · "-separated line into `width` cells: drops trailing parts (keeping at least two),
/// then cuts the last one, marking what is left out with "…".
fn fit_parts(text: &str, width: usize) -> String {
    let cells = |s: &str| Span::raw(s).width();
    if cells(text) <= width {
        return text.to_string();
    }
    let mut parts: Vec<&str> = text.split(" · ").collect();
    while parts.len() > 2 && cells(&parts.join(" · ")) + 2 > width {
        parts.pop();
    }
    let kept = parts.join(" · ");
    if cells(&kept) + 2 <= width {
        return format!("{kept} …");
    }
    let mut cut = String::new();
    for c in kept.chars() {
        if cells(&cut) + 2 > width {
            break;
        }
        cut.push(c);
    }
    cut.pop();
    format!("{}…", cut.trim_end())
}

/// "primary" / "secondary".
pub fn role_word(role: RegionRole) -> &'static str {
    match role {
        RegionRole::Primary => "primary",
        RegionRole::Secondary => "secondary",
    }
}
