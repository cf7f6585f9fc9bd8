//! The fleet overview: the band, the fleet's decision line (a region in an outage and every
//! deployment there, first), one row per deployment worst first (regions with their health,
//! the verdict, ready components, the data at risk, and on wide terminals where its data comes
//! from), and a status bar counting the deployments by state.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

use super::fmt::{fit, hhmm};
use super::layout;
use super::theme::{self, Tone};
use crate::console::Badge;
use crate::console::app::App;
use crate::console::fleet::{Alarm, Fleet, FleetRow};
use crate::console::sanitize;
use crate::health::Recommendation;
use crate::health::fleet::AtRisk;

/// From this width on, the table shows where each row's data comes from.
const STATE_MIN_WIDTH: u16 = 110;
/// The deployment name's column, wide and narrow.
const NAME_WIDE: u16 = 18;
const NAME_NARROW: u16 = 14;

/// Draws the whole fleet overview.
pub fn render(frame: &mut Frame, fleet: &Fleet) {
    let area = frame.area();
    if layout::too_small(area) {
        let text = vec![
            Line::from(Span::styled(
                " terminal too small ",
                fleet.theme.label(Tone::Warn),
            )),
            Line::from(format!(
                "{}×{} — azfailover needs at least {}×{}.",
                area.width,
                area.height,
                layout::MIN_WIDTH,
                layout::MIN_HEIGHT
            )),
            Line::from(format!("Fleet: {}", counts(fleet))),
            Line::from(Span::styled("q quits", fleet.theme.muted())),
        ];
        frame.render_widget(Paragraph::new(text), area);
        return;
    }
    let (header, body, status) = layout::fleet_areas(area);
    band(
        frame,
        fleet,
        Rect {
            height: 1,
            ..header
        },
    );
    let decision = Rect {
        y: header.y + 1,
        height: 1,
        ..header
    };
    frame.render_widget(Paragraph::new(decision_line(fleet)), decision);
    table(frame, fleet, body);
    status_bar(frame, fleet, status);
    if fleet.help {
        super::help::render_fleet(frame, fleet, area);
    }
}

/// "3 deployments: 1 outage, 1 degraded, 1 healthy".
pub fn counts(fleet: &Fleet) -> String {
    let n = fleet.rows.len();
    let parts: Vec<String> = [
        (Alarm::Outage, "outage"),
        (Alarm::OutageNearby, "in an outage region"),
        (Alarm::Unknown, "unknown"),
        (Alarm::Degraded, "degraded"),
        (Alarm::Healthy, "healthy"),
    ]
    .into_iter()
    .filter_map(|(a, word)| {
        let k = fleet.count(a);
        (k > 0).then(|| format!("{k} {word}"))
    })
    .collect();
    format!(
        "{n} deployment{}: {}",
        if n == 1 { "" } else { "s" },
        parts.join(", ")
    )
}

/// The band: badge, "FLEET · 3 deployments", read-only, where the data comes from.
fn band(frame: &mut Frame, fleet: &Fleet, area: Rect) {
    let t = fleet.theme;
    let live = fleet
        .apps
        .iter()
        .filter(|a| a.snapshot.is_some() && !a.stale)
        .count();
    let cached = fleet.apps.iter().filter(|a| a.stale).count();
    let refreshing = fleet.apps.iter().filter(|a| a.refreshing).count();
    let mut left = vec![
        Span::styled(" AZFAILOVER ", t.badge(Badge::Live)),
        Span::raw(format!(" FLEET · {} deployments ", fleet.apps.len())),
    ];
    let mut right = Vec::new();
    if fleet.read_only {
        right.push(Span::styled(" READ-ONLY ", t.read_only()));
        right.push(Span::raw(" "));
    }
    let mut fresh = format!("{live} live");
    if cached > 0 {
        fresh.push_str(&format!(" · {cached} cached"));
    }
    if refreshing > 0 {
        fresh.push_str(&format!(" · ⟳ {refreshing} refreshing"));
    }
    right.push(Span::raw(format!("{fresh} ")));
    let used: usize = left.iter().chain(&right).map(Span::width).sum();
    left.push(Span::raw(
        " ".repeat((area.width as usize).saturating_sub(used)),
    ));
    left.extend(right);
    frame.render_widget(
        Paragraph::new(Line::from(left)).style(t.band(Badge::Live)),
        area,
    );
}

/// The fleet's decision line: each region in an outage with every deployment there; else the
/// deployments nobody can speak for, the degraded ones, or all well.
fn decision_line(fleet: &Fleet) -> Line<'static> {
    let t = fleet.theme;
    let outages = fleet.outages();
    let name = |i: usize| sanitize(&fleet.apps[i].meta.deployment).into_owned();
    if !outages.is_empty() {
        // Each region down with every deployment there, cut to the width (names last).
        let mut text = String::new();
        for region in outages.keys() {
            let there: Vec<String> = fleet
                .rows
                .iter()
                .filter(|r| {
                    let m = &fleet.apps[r.index].meta;
                    &m.primary == region || &m.secondary == region
                })
                .map(|r| name(r.index))
                .collect();
            text.push_str(&format!(
                " ✖ {region} OUTAGE — {} of {} deployments there: {} ",
                there.len(),
                fleet.apps.len(),
                there.join(", ")
            ));
        }
        let cut = fit(&text, usize::from(fleet.size.0)).into_owned();
        return Line::from(Span::styled(cut, t.label(Tone::Bad)));
    }
    let of = |alarm: Alarm| -> Vec<String> {
        fleet
            .rows
            .iter()
            .filter(|r| r.alarm == alarm)
            .map(|r| name(r.index))
            .collect()
    };
    let waiting = fleet
        .apps
        .iter()
        .all(|a| a.snapshot.is_none() && a.last_error.is_none());
    let (tone, text) = if waiting {
        (
            Tone::Muted,
            " waiting for the first snapshots… ".to_string(),
        )
    } else if !of(Alarm::Unknown).is_empty() {
        let who = of(Alarm::Unknown);
        (
            Tone::Unknown,
            format!(
                " ? no health data for {} of {}: {} ",
                who.len(),
                fleet.apps.len(),
                who.join(", ")
            ),
        )
    } else if !of(Alarm::Degraded).is_empty() {
        let who = of(Alarm::Degraded);
        (
            Tone::Warn,
            format!(" ▲ {} degraded: {} ", who.len(), who.join(", ")),
        )
    } else {
        (
            Tone::Good,
            " ✔ every deployment healthy, every standby ready ".to_string(),
        )
    };
    Line::from(Span::styled(text, t.label(tone)))
}

/// The deployments table, worst first.
fn table(frame: &mut Frame, fleet: &Fleet, area: Rect) {
    let t = fleet.theme;
    let title = Line::from(vec![
        Span::styled(" deployments ", t.heading()),
        Span::styled(format!("{} · worst first ", fleet.rows.len()), t.muted()),
    ]);
    let block = Block::bordered().title(title).border_style(t.muted());
    let wide = area.width >= STATE_MIN_WIDTH;
    let height = layout::table_body(area).height as usize;
    let start = fleet.cursor.offset.min(fleet.rows.len());
    let end = (start + height).min(fleet.rows.len());
    let rows: Vec<Row> = fleet.rows[start..end]
        .iter()
        .map(|r| row(fleet, r, wide))
        .collect();
    let mut widths = if wide {
        vec![
            Constraint::Length(NAME_WIDE),
            Constraint::Length(22),
            Constraint::Length(21),
            Constraint::Length(6),
            Constraint::Length(16),
            Constraint::Min(10),
        ]
    } else {
        vec![
            Constraint::Length(NAME_NARROW),
            Constraint::Length(20),
            Constraint::Length(18),
            Constraint::Length(5),
            Constraint::Min(8),
        ]
    };
    let mut headers = vec!["DEPLOYMENT", "REGIONS", "VERDICT", "READY", "DATA AT RISK"];
    if wide {
        headers.push("DATA");
    } else {
        widths.truncate(5);
    }
    let header = Row::new(
        headers
            .into_iter()
            .map(|h| Cell::from(h).style(t.heading())),
    );
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(t.selected())
        .highlight_symbol("▶ ");
    let mut state =
        TableState::new().with_selected(Some(fleet.cursor.selected.saturating_sub(start)));
    frame.render_stateful_widget(table, area, &mut state);
}

/// One deployment's row.
fn row(fleet: &Fleet, r: &FleetRow, wide: bool) -> Row<'static> {
    let t = fleet.theme;
    let app = &fleet.apps[r.index];
    let name_tone = match r.alarm {
        Alarm::Outage | Alarm::OutageNearby => Tone::Bad,
        Alarm::Unknown => Tone::Unknown,
        Alarm::Degraded => Tone::Warn,
        Alarm::Healthy => Tone::Plain,
    };
    let name = Cell::from(Span::styled(
        fit(
            &sanitize(&app.meta.deployment),
            usize::from(if wide { NAME_WIDE } else { NAME_NARROW }),
        )
        .into_owned(),
        t.tone(name_tone),
    ));
    let mut cells = vec![name, regions(fleet, r, app)];
    match &r.standing {
        Some(s) => {
            let verdict_tone = match (s.recommendation, s.possible) {
                (_, false) => Tone::Bad,
                (Recommendation::Failover, true) => Tone::Bad,
                (Recommendation::Failback, true) => Tone::Warn,
                (Recommendation::None, true) => Tone::Good,
            };
            let ready_tone = if s.ready == s.total {
                Tone::Good
            } else {
                Tone::Warn
            };
            let risk_tone = match s.at_risk {
                AtRisk::Nothing => Tone::Muted,
                AtRisk::Lag { .. } => Tone::Warn,
                AtRisk::Loss(_) | AtRisk::Unknown => Tone::Bad,
            };
            cells.push(Cell::from(Span::styled(
                s.verdict_word(),
                t.tone(verdict_tone),
            )));
            cells.push(Cell::from(Span::styled(s.ready_text(), t.tone(ready_tone))));
            cells.push(Cell::from(Span::styled(
                s.at_risk.short(),
                t.tone(risk_tone),
            )));
        }
        None => {
            let text = if app.last_error.is_some() {
                "✖ no data"
            } else {
                "no data yet"
            };
            cells.push(Cell::from(Span::styled(text, t.tone(Tone::Unknown))));
            cells.push(Cell::from(Span::styled("-", t.muted())));
            cells.push(Cell::from(Span::styled("unknown", t.muted())));
        }
    }
    if wide {
        cells.push(data_cell(fleet, r, app));
    }
    Row::new(cells)
}

/// "✖ eastus → ✔ westus": both regions in their health; a region another deployment sees in
/// an outage is drawn as one even before this deployment's own snapshot says so.
fn regions(fleet: &Fleet, r: &FleetRow, app: &App) -> Cell<'static> {
    let t = fleet.theme;
    let health = |name: &str| -> Tone {
        if r.outage_seen.iter().any(|(region, _)| region == name) {
            return Tone::Bad;
        }
        app.snapshot
            .as_ref()
            .and_then(|s| s.regions.iter().find(|x| x.name == name))
            .map_or(Tone::Unknown, |x| theme::region_tone(x.health))
    };
    let span = |name: &str| {
        let tone = health(name);
        Span::styled(
            format!("{} {}", theme::tone_symbol(tone), sanitize(name)),
            t.tone(tone),
        )
    };
    Cell::from(Line::from(vec![
        span(&app.meta.primary),
        Span::styled(" → ", t.muted()),
        span(&app.meta.secondary),
    ]))
}

/// Where the row's data comes from: a run going on, a failed refresh, a cached snapshot, an
/// outage seen by another deployment, or live.
fn data_cell(fleet: &Fleet, r: &FleetRow, app: &App) -> Cell<'static> {
    let t = fleet.theme;
    let (tone, text) = if app.run_active() {
        let waiting = app
            .run
            .as_ref()
            .is_some_and(|run| run.pending.is_some() || run.offer.is_some());
        if waiting {
            (Tone::Warn, "▶ run: a question waits".to_string())
        } else {
            (Tone::Info, "▶ run going on".to_string())
        }
    } else if let Some((_, reason)) = &app.last_error {
        (Tone::Bad, format!("✖ {}", sanitize(reason)))
    } else if let Some((_, seen)) = r.outage_seen.first() {
        (
            Tone::Bad,
            format!("outage seen by {}", sanitize(&seen.join(", "))),
        )
    } else if app.stale {
        let at = app
            .snapshot
            .as_ref()
            .map_or(String::new(), |s| hhmm(s.taken_at));
        (Tone::Warn, format!("STALE: cached {at}"))
    } else if app.snapshot.is_none() {
        (Tone::Muted, "waiting for a refresh".into())
    } else if app.refreshing {
        (Tone::Plain, "live ⟳".into())
    } else {
        (Tone::Plain, "live".into())
    };
    Cell::from(Span::styled(text, t.tone(tone)))
}

/// The status bar: a message, or the counts; the key hints on the right.
fn status_bar(frame: &mut Frame, fleet: &Fleet, area: Rect) {
    let t = fleet.theme;
    let mut hints = Vec::new();
    for (key, desc) in crate::console::keymap::fleet_hints() {
        hints.push(Span::styled(key.to_string(), t.heading()));
        hints.push(Span::styled(format!(" {desc}  "), t.muted()));
    }
    let hints_width: usize = hints.iter().map(Span::width).sum();
    let room = (area.width as usize).saturating_sub(hints_width + 1);
    let left = match &fleet.message {
        Some(m) => {
            let tone = match m.level {
                crate::console::app::Level::Info => Tone::Plain,
                crate::console::app::Level::Good => Tone::Good,
                crate::console::app::Level::Error => Tone::Bad,
            };
            Span::styled(fit(&sanitize(&m.text), room).into_owned(), t.tone(tone))
        }
        // Why the selected deployment has no fresh data (as the single console says it), else
        // the counts.
        None => match fleet.selected().map(|i| &fleet.apps[i]) {
            Some(app) if app.last_error.is_some() => {
                let (at, reason) = app.last_error.as_ref().expect("checked");
                let text = format!(
                    "⚠ {}: refresh failed {}: {}",
                    sanitize(&app.meta.deployment),
                    hhmm(*at),
                    sanitize(reason)
                );
                Span::styled(fit(&text, room).into_owned(), t.tone(Tone::Bad))
            }
            _ => Span::styled(
                fit(&format!("fleet · {}", counts(fleet)), room).into_owned(),
                t.muted(),
            ),
        },
    };
    let used = left.width();
    let mut spans = vec![left];
    spans.push(Span::raw(
        " ".repeat((area.width as usize).saturating_sub(used + hints_width)),
    ));
    spans.extend(hints);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
