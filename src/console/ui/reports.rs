//! The reports screen: past drills, failovers and failbacks (newest first) and the selected
//! one — its outcome, the RTO and data loss it achieved against the targets, and a chart of
//! its steps on a time axis (where each step started and how long it took).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, LineGauge, Paragraph, Row, Table, TableState, Wrap};

use super::fmt::{compact_secs, fit, hhmmss, human_secs};
use super::layout;
use super::theme::{Theme, Tone};
use crate::console::app::App;
use crate::console::layout::report::{NOTES_MAX, detail_areas, note_count, step_rows};
use crate::console::sanitize;
use crate::runbook::report::{Axis, Grade, Listed, Saved, SavedStep};
use crate::timefmt::parse_rfc3339;

/// Below this inner width, the list's times are compact ("37m") to leave room for the rest.
const LIST_WIDE: u16 = 100;

/// Deviations then readiness findings: the lines under the chart.
fn notes(r: &Saved) -> Vec<(Tone, String)> {
    let dev = r.deviations.iter().map(|d| (Tone::Warn, d.clone()));
    let found = r
        .readiness_findings
        .iter()
        .map(|f| (Tone::Muted, format!("before the run: {f}")));
    dev.chain(found).collect()
}

/// Draws the reports screen.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let view = &app.reports;
    let Some(listing) = &view.listing else {
        let text = match &view.error {
            Some(e) => format!("cannot read the reports: {}", sanitize(e)),
            None => "reading the reports…".to_string(),
        };
        let block = Block::bordered()
            .title(Span::styled(" reports ", t.heading()))
            .border_style(t.muted());
        frame.render_widget(Paragraph::new(text).block(block), area);
        return;
    };
    let [list_area, detail_area] = layout::reports_split(area, listing.reports.len());
    render_list(frame, app, list_area);
    match view.selected() {
        Some(listed) => render_detail(frame, app, listed, detail_area),
        None => {
            let text = vec![
                Line::from("No drill or run has written a report yet."),
                Line::from(Span::styled(
                    "`azfailover drill --scenario eastus-outage` rehearses a failover against the simulator and writes one;",
                    t.muted(),
                )),
                Line::from(Span::styled(
                    "so do `azfailover failover` and `failback`, even when they are aborted.",
                    t.muted(),
                )),
            ];
            let block = Block::bordered().border_style(t.muted());
            let text = Paragraph::new(text).wrap(Wrap { trim: true });
            frame.render_widget(text.block(block), detail_area);
        }
    }
}

/// The list: one row per report.
fn render_list(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let view = &app.reports;
    let listing = view.listing.as_ref();
    let n = view.reports().len();
    let mut title = format!(" reports · {n} · newest first");
    if let Some(l) = listing.filter(|l| !l.unreadable.is_empty()) {
        let files = if l.unreadable.len() == 1 {
            "file"
        } else {
            "files"
        };
        title.push_str(&format!(
            " · {} unreadable {files} (azfailover reports names them)",
            l.unreadable.len()
        ));
    }
    if let Some(l) = listing {
        let dir = sanitize(&l.dir.display().to_string()).into_owned();
        let room = (area.width as usize).saturating_sub(title.chars().count() + 8);
        if room > 12 {
            title.push_str(&format!(" · {}", fit(&dir, room)));
        }
    }
    title.push(' ');
    let block = Block::bordered()
        .title(Span::styled(title, t.heading()))
        .border_style(t.muted());
    let height = area.height.saturating_sub(3) as usize;
    let start = view.cursor.offset.min(n);
    let end = (start + height).min(n);
    let wide = area.width.saturating_sub(2) >= LIST_WIDE;
    let secs = |s: i64| {
        if wide {
            human_secs(s.max(0) as u64)
        } else {
            compact_secs(s as f64)
        }
    };
    let rows = view.reports()[start..end].iter().map(|l| {
        let r = &l.report;
        let verdict = r.verdict();
        Row::new(vec![
            Cell::from(Span::styled(day_time(&r.started_at), t.muted())),
            Cell::from(r.label().to_string()),
            Cell::from(sanitize(r.scenario.as_deref().unwrap_or("-")).into_owned()),
            Cell::from(Span::styled(
                sanitize(&verdict.short()).into_owned(),
                t.tone(grade_tone(verdict.grade())),
            )),
            Cell::from(Span::styled(
                r.rto_seconds.map_or("-".into(), secs),
                t.tone(verdict_tone(verdict.rto_met)),
            )),
            Cell::from(Span::styled(
                secs(r.data_loss_window_seconds),
                t.tone(verdict_tone(verdict.rpo_met)),
            )),
            Cell::from(Span::styled(sanitize(&r.operator).into_owned(), t.muted())),
        ])
    });
    let time_width = if wide { 10 } else { 6 };
    let widths = [
        Constraint::Length(19),
        Constraint::Length(8),
        Constraint::Length(18),
        Constraint::Length(14),
        Constraint::Length(time_width),
        Constraint::Length(time_width),
        Constraint::Fill(1),
    ];
    let header = Row::new([
        "STARTED (UTC)",
        "KIND",
        "SCENARIO",
        "OUTCOME",
        "RTO",
        if wide { "DATA LOSS" } else { "LOSS" },
        "OPERATOR",
    ])
    .style(t.heading());
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .row_highlight_style(t.selected())
        .highlight_symbol("▶ ");
    let mut state =
        TableState::new().with_selected(Some(view.cursor.selected.saturating_sub(start)));
    frame.render_stateful_widget(table, area, &mut state);
}

/// The selected report.
fn render_detail(frame: &mut Frame, app: &App, listed: &Listed, area: Rect) {
    let t = app.theme;
    let r = &listed.report;
    let what = match &r.scenario {
        Some(s) => format!("drill {} · {}", sanitize(s), sanitize(&r.kind)),
        None => sanitize(&r.kind).into_owned(),
    };
    let how = if r.forced { "forced" } else { "planned" };
    let title = format!(
        " {what} {} → {} ({how}) ",
        sanitize(&r.from_region),
        sanitize(&r.to_region)
    );
    let block = Block::bordered()
        .title(Span::styled(title, t.heading()))
        .border_style(t.muted());
    frame.render_widget(block, area);
    let notes = notes(r);
    let parts = detail_areas(area, r.steps.len(), note_count(r));
    frame.render_widget(
        Paragraph::new(summary(r, t, parts.summary.width)),
        parts.summary,
    );
    render_gauges(frame, r, t, parts.gauges);
    render_steps(frame, app, r, parts.steps);
    render_notes(frame, listed, &notes, t, parts.notes);
    render_operations(frame, r, t, parts.operations);
}

/// The mutating ARM requests, in the room left (the Markdown report has them all).
fn render_operations(frame: &mut Frame, r: &Saved, t: Theme, area: Rect) {
    if area.height < 3 || r.operations.is_empty() {
        return;
    }
    let room = area.height as usize - 2;
    let n = r.operations.len();
    let more = if n > room {
        format!(", the first {room}")
    } else {
        String::new()
    };
    let mut lines = vec![
        Line::default(),
        Line::from(Span::styled(
            format!("ARM operations sent ({n}{more})"),
            t.heading(),
        )),
    ];
    for op in r.operations.iter().take(room) {
        lines.push(Line::from(vec![
            Span::styled(format!("{}  ", time_of(&op.at)), t.muted()),
            Span::raw(format!(
                "{} {}",
                sanitize(&op.method),
                sanitize(short_path(&op.path))
            )),
            Span::styled(
                if op.answer.as_deref() == Some("lost") {
                    "  answer lost"
                } else {
                    ""
                },
                t.tone(Tone::Warn),
            ),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// Three lines: the headline; who and when; what happened, in counts. The outage's start goes
/// where it fits whole: after when, else before the counts (the time axis starts at it too).
fn summary(r: &Saved, t: Theme, width: u16) -> Vec<Line<'static>> {
    let headline = Line::from(Span::styled(
        format!(" {} ", sanitize(&r.headline())),
        t.label(grade_tone(r.verdict().grade())),
    ));
    let took = match r.took() {
        t if t == "-" => String::new(),
        t => format!(" ({t})"),
    };
    let first = vec![
        Span::styled("operator ", t.muted()),
        Span::raw(sanitize(&r.operator).into_owned()),
        Span::styled(" · ran ", t.muted()),
        Span::raw(format!(
            "{}–{} UTC{took}",
            time_of(&r.started_at),
            time_of(&r.finished_at)
        )),
    ];
    let outage = (!r.outage_started_at.is_empty() && r.outage_started_at != r.started_at)
        .then(|| time_of(&r.outage_started_at));
    let counts: Vec<String> = ["done", "skipped", "failed", "not-run"]
        .into_iter()
        .map(|o| (o, r.steps.iter().filter(|s| s.outcome == o).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(o, n)| format!("{n} {}", o.replace('-', " ")))
        .collect();
    let mut second = vec![Span::raw(format!(
        "{}: {}",
        plural(r.steps.len(), "step"),
        if counts.is_empty() {
            "none".to_string()
        } else {
            counts.join(", ")
        }
    ))];
    second.push(Span::styled(
        format!(
            " · {} · {}",
            plural(r.operations.len(), "ARM operation"),
            plural(r.deviations.len(), "deviation")
        ),
        t.muted(),
    ));
    let (mut first, mut second) = (Line::from(first), Line::from(second));
    if let Some(at) = outage {
        let label = " · outage at ";
        let room = usize::from(width);
        if first.width() + label.len() + at.len() <= room {
            first.push_span(Span::styled(label, t.muted()));
            first.push_span(Span::raw(at));
        } else if second.width() + label.len() + at.len() <= room {
            second.spans.insert(0, Span::styled(" · ", t.muted()));
            second.spans.insert(0, Span::raw(at));
            second
                .spans
                .insert(0, Span::styled("outage at ", t.muted()));
        }
    }
    vec![headline, first, second]
}

/// RTO and data loss against their targets, as gauges that turn red past the target.
fn render_gauges(frame: &mut Frame, r: &Saved, t: Theme, areas: [Rect; 2]) {
    let rto = match r.rto_seconds {
        Some(s) => format!(
            "RTO {} of {} {}",
            human_secs(s.max(0) as u64),
            human_secs(r.rto_target_seconds.max(0) as u64),
            verdict_word(r.rto_met())
        ),
        None => format!(
            "RTO not reached (target {})",
            human_secs(r.rto_target_seconds.max(0) as u64)
        ),
    };
    let loss = format!(
        "data loss {} of RPO {} {}",
        human_secs(r.data_loss_window_seconds.max(0) as u64),
        human_secs(r.rpo_target_seconds.max(0) as u64),
        match r.rpo_met() {
            None => "· UNKNOWN (a forced step was not measured)",
            met => verdict_word(met),
        }
    );
    let gauges = [
        (
            rto,
            r.rto_seconds.unwrap_or(r.rto_target_seconds),
            r.rto_target_seconds,
            r.rto_met(),
        ),
        (
            loss,
            r.data_loss_window_seconds,
            r.rpo_target_seconds,
            r.rpo_met(),
        ),
    ];
    for ((label, got, target, met), area) in gauges.into_iter().zip(areas) {
        let tone = verdict_tone(met);
        let ratio = if target <= 0 {
            1.0
        } else {
            (got.max(0) as f64 / target as f64).clamp(0.0, 1.0)
        };
        let gauge = LineGauge::default()
            .label(Span::styled(label, t.tone(tone)))
            .ratio(ratio)
            .filled_style(t.tone(tone))
            .unfilled_style(t.muted());
        frame.render_widget(gauge, area);
    }
}

/// The steps on a time axis: a table whose last column is a bar from the step's start to its
/// end, on a scale from the declared outage (or the run's start) to the run's end.
fn render_steps(frame: &mut Frame, app: &App, r: &Saved, area: Rect) {
    let t = app.theme;
    let title_width = (area.width / 3).clamp(24, 44);
    let bar_width = area.width.saturating_sub(title_width + 8 + 9 + 10 + 4) as usize;
    let axis = Axis::of(r);
    let height = step_rows(area);
    let start = app.reports.scroll.min(r.steps.len());
    let end = (start + height).min(r.steps.len());
    let rows = r.steps[start..end].iter().map(|s| {
        let tone = step_tone(s);
        let title = if s.title.is_empty() { &s.id } else { &s.title };
        let started = s.started_at.as_deref().map_or("-".into(), time_of);
        let took = s
            .duration_seconds
            .map_or("-".into(), |d| human_secs(d.max(0) as u64));
        let id_style = if s.outside_rto {
            t.muted()
        } else {
            t.tone(Tone::Plain)
        };
        Row::new(vec![
            Cell::from(Span::styled(
                fit(&sanitize(title), title_width as usize).into_owned(),
                id_style,
            )),
            Cell::from(Span::styled(
                sanitize(&s.outcome).into_owned(),
                t.tone(tone),
            )),
            Cell::from(Span::styled(started, t.muted())),
            Cell::from(took),
            Cell::from(chart_cell(axis.as_ref(), s, bar_width, t)),
        ])
    });
    let widths = [
        Constraint::Length(title_width),
        Constraint::Length(8),
        Constraint::Length(9),
        Constraint::Length(10),
        Constraint::Fill(1),
    ];
    let scale = axis
        .as_ref()
        .map_or(String::new(), |a| a.header(bar_width, r));
    let more = if r.steps.len() > height {
        format!(
            "STEP ({}-{} of {}, PgUp/PgDn)",
            start + 1,
            end,
            r.steps.len()
        )
    } else {
        "STEP".to_string()
    };
    let header = Row::new(vec![
        Cell::from(more),
        Cell::from("OUTCOME"),
        Cell::from("START"),
        Cell::from("TOOK"),
        Cell::from(scale),
    ])
    .style(t.heading());
    frame.render_widget(Table::new(rows, widths).header(header), area);
}

/// Deviations and findings, then where the Markdown report is.
fn render_notes(
    frame: &mut Frame,
    listed: &Listed,
    notes: &[(Tone, String)],
    t: Theme,
    area: Rect,
) {
    let mut lines = Vec::new();
    if area.height as usize > 1 {
        lines.push(Line::default());
        let shown = notes.len().min(NOTES_MAX);
        let more = if notes.len() > shown {
            format!(" ({} more in the report)", notes.len() - shown)
        } else {
            String::new()
        };
        lines.push(Line::from(Span::styled(
            format!("deviations and findings{more}"),
            t.heading(),
        )));
        for (tone, text) in notes.iter().take(shown) {
            lines.push(Line::from(vec![
                Span::styled("• ", t.tone(*tone)),
                Span::raw(sanitize(text).into_owned()),
            ]));
        }
    }
    lines.push(Line::from(vec![
        Span::styled("report: ", t.muted()),
        Span::raw(sanitize(&listed.markdown.display().to_string()).into_owned()),
    ]));
    frame.render_widget(Paragraph::new(lines), area);
}

/// "2026-11-26 02:41:07" from RFC 3339 (the text itself when it does not parse).
fn day_time(rfc: &str) -> String {
    match parse_rfc3339(rfc) {
        Some(t) => format!("{} {}", t.date(), hhmmss(t)),
        None => sanitize(if rfc.is_empty() { "-" } else { rfc }).into_owned(),
    }
}

/// "02:41:07" from RFC 3339.
fn time_of(rfc: &str) -> String {
    parse_rfc3339(rfc).map_or_else(|| "-".to_string(), hhmmss)
}

/// The part of an ARM path that says what was changed: from the provider on, without the
/// query ("Microsoft.Storage/storageAccounts/st1/failover").
fn short_path(path: &str) -> &str {
    let path = path.split('?').next().unwrap_or(path);
    match path.find("/providers/") {
        Some(i) => &path[i + "/providers/".len()..],
        None => path,
    }
}

/// "1 deviation", "2 deviations".
fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// A step's bar on the time axis; where a step has none, what happened to it instead: who
/// skipped it, where the run stopped at its question, or that the run never reached it.
fn chart_cell(axis: Option<&Axis>, s: &SavedStep, width: usize, t: Theme) -> Line<'static> {
    let by = s
        .confirmed_by
        .as_deref()
        .map(|b| format!(" by {}", sanitize(b)))
        .unwrap_or_default();
    let start = axis
        .zip(s.started_at.as_deref().and_then(parse_rfc3339))
        .map_or(0, |(a, at)| a.column(at, width));
    // From where the step started; moved left as far as it must to fit.
    let at = |text: String| {
        let text = fit(&text, width).into_owned();
        let x = start.min(width.saturating_sub(text.chars().count()));
        Span::styled(format!("{}{text}", " ".repeat(x)), t.tone(step_tone(s)))
    };
    let line = match s.outcome.as_str() {
        "skipped" => at(format!("skipped{by}")),
        "not-run" if stopped_here(s) => at(format!("✗ stopped at its question{by}")),
        "not-run" if s.started_at.is_none() => {
            Span::styled(fit("not reached", width).into_owned(), t.muted())
        }
        _ => Span::styled(
            axis.map_or(String::new(), |a| a.bar(s, width)),
            t.tone(step_tone(s)),
        ),
    };
    Line::from(line)
}

/// The step an aborted run stopped at: asked, and not run.
fn stopped_here(s: &SavedStep) -> bool {
    s.outcome == "not-run"
        && s.note
            .as_deref()
            .is_some_and(|n| n.starts_with("stopped here"))
}

fn step_tone(s: &SavedStep) -> Tone {
    match s.outcome.as_str() {
        "done" => Tone::Good,
        "skipped" => Tone::Warn,
        "failed" => Tone::Bad,
        "not-run" if stopped_here(s) => Tone::Warn,
        "not-run" => Tone::Muted,
        _ => Tone::Unknown,
    }
}

fn grade_tone(grade: Grade) -> Tone {
    match grade {
        Grade::Clean => Tone::Good,
        Grade::Deviated => Tone::Warn,
        Grade::Bad => Tone::Bad,
    }
}

fn verdict_tone(met: Option<bool>) -> Tone {
    match met {
        Some(true) => Tone::Good,
        Some(false) => Tone::Bad,
        None => Tone::Warn,
    }
}

fn verdict_word(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "· met",
        Some(false) => "· MISSED",
        None => "",
    }
}
