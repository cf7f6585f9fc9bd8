//! The runbook screen: the steps grouped by phase with their state on the left, the focused
//! step (why, preconditions, data loss, `az` commands, progress) on the right, recent activity
//! below, and the dialog of the question waiting for the operator on top.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Gauge, Paragraph, Wrap};

use super::fmt::{fit, hhmmss, human_secs, seconds_between};
use super::popup;
use super::theme::Tone;
use crate::console::app::App;
use crate::console::run_state::{Dialog, DialogKind, Pending, Purpose, RunView, StepStatus};
use crate::console::sanitize;
use crate::runbook::model::{Confirm, Step, StepKind};
use crate::runbook::operator::{Question, ResumeOffer};

/// Draws the runbook screen into `area` (the body, below the regions).
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let Some(run) = &app.run else {
        let text = vec![
            Line::from(Span::styled("No run in this console.", app.theme.heading())),
            Line::from(
                "`azfailover failover`, `azfailover failback` or `azfailover drill --scenario NAME` open the console on their runbook.",
            ),
            Line::from("`azfailover plan failover` prints the runbook with its az commands."),
        ];
        frame.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: false })
                .block(Block::bordered().title(" runbook ")),
            area,
        );
        return;
    };
    let list_width = (area.width * 2 / 5).clamp(34, 60);
    let [left, right] =
        Layout::horizontal([Constraint::Length(list_width), Constraint::Min(0)]).areas(area);
    render_steps(frame, app, run, left);
    let notes_height = if right.height >= 20 { 7 } else { 4 };
    let [detail, notes] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(notes_height)]).areas(right);
    render_detail(frame, app, run, detail);
    render_notes(frame, app, run, notes);
    if app.help {
        return;
    }
    if let Some(dialog) = open_dialog(app, run) {
        draw_dialog(frame, app, area, run.dialog_scroll, dialog);
    } else if run.activity_open {
        render_activity(frame, app, run, area);
    }
}

/// A dialog to draw: its title, wrapped body, key line and border.
struct DialogBox {
    title: String,
    body: Vec<Line<'static>>,
    keys: Vec<Span<'static>>,
    border: Style,
}

/// The dialog open now: the resume offer, else the pending question's.
fn open_dialog(app: &App, run: &RunView) -> Option<DialogBox> {
    if let Some((_, offer)) = &run.offer {
        return Some(offer_box(app, offer));
    }
    run.pending.as_ref().map(|p| question_box(app, p))
}

/// Where a dialog goes in `area`: its rectangle, its body's wrapped rows, and the rows the body
/// shows (the key line below always shows whole).
fn dialog_layout(area: Rect, dialog: &DialogBox) -> (Rect, u16, u16) {
    let width = area.width.saturating_sub(4).min(76);
    let inner = width.saturating_sub(2);
    let body = Paragraph::new(dialog.body.clone()).wrap(Wrap { trim: false });
    let body_rows = body.line_count(inner) as u16;
    let key_rows = (key_lines(&dialog.keys, inner).len() as u16).max(1);
    let height = (body_rows + key_rows + 2).min(area.height);
    let rect = popup::centered(area, width, height);
    let shown = rect.height.saturating_sub(2).saturating_sub(key_rows);
    (rect, body_rows, shown)
}

/// The open dialog and where it goes, at the app's size (for scrolling in `update`).
fn dialog_at_size(app: &App) -> Option<(u16, u16)> {
    let run = app.run.as_ref()?;
    let dialog = open_dialog(app, run)?;
    let screen = Rect::new(0, 0, app.size.0, app.size.1);
    let area =
        super::layout::areas_for(screen, crate::console::app::Screen::Runbook, app.typing()).body;
    let (_, rows, shown) = dialog_layout(area, &dialog);
    Some((rows, shown))
}

/// How far the open dialog's text scrolls.
pub fn dialog_scroll_max(app: &App) -> u16 {
    dialog_at_size(app).map_or(0, |(rows, shown)| rows.saturating_sub(shown))
}

/// The rows of text the open dialog shows at once (PgDn scrolls by that less one).
pub fn dialog_page(app: &App) -> u16 {
    dialog_at_size(app).map_or(1, |(_, shown)| shown.saturating_sub(1).max(1))
}

/// What `clock_signature` adds: the running step's elapsed time changes every second.
pub fn clock_signature(app: &App) -> String {
    let Some(run) = &app.run else {
        return String::new();
    };
    let mut sig: Vec<String> = run
        .steps()
        .iter()
        .filter(|s| run.status(&s.id) == StepStatus::Running)
        .filter_map(|s| run.seen_started.get(&s.id))
        .map(|t| seconds_between(*t, app.clock_now()).to_string())
        .collect();
    // A wait's dialog counts its seconds too.
    if let Some(p) = run.pending.as_ref().filter(|p| p.dialog == Dialog::Waiting) {
        sig.push(seconds_between(p.opened, app.clock_now()).to_string());
    }
    sig.join(",")
}

/// The symbol, word and tone of a step state.
fn look(status: StepStatus) -> (&'static str, &'static str, Tone) {
    match status {
        StepStatus::Pending => ("·", "pending", Tone::Muted),
        StepStatus::Running => ("⟳", "running", Tone::Plain),
        StepStatus::Waiting => ("?", "CONFIRM", Tone::Warn),
        StepStatus::Blocked => ("!", "BLOCKED", Tone::Bad),
        StepStatus::Done => ("✔", "done", Tone::Good),
        StepStatus::Skipped => ("↷", "skipped", Tone::Warn),
        StepStatus::Failed => ("✖", "FAILED", Tone::Bad),
    }
}

/// The steps, grouped by phase, the focused one highlighted.
fn render_steps(frame: &mut Frame, app: &App, run: &RunView, area: Rect) {
    let t = app.theme;
    let steps = run.steps();
    let focus = run.focus();
    let done = steps
        .iter()
        .filter(|s| matches!(run.status(&s.id), StepStatus::Done | StepStatus::Skipped))
        .count();
    let title = match &run.runbook {
        Some(rb) if run.preview => format!(
            " PREVIEW, nothing runs · {} {} → {}{} ",
            rb.kind.as_str(),
            rb.from_region,
            rb.to_region,
            if rb.forced { " (FORCED)" } else { "" },
        ),
        Some(rb) => format!(
            " {} {} → {}{} · {done}/{} ",
            rb.kind.as_str(),
            rb.from_region,
            rb.to_region,
            if rb.forced { " (FORCED)" } else { "" },
            steps.len()
        ),
        None => " runbook ".into(),
    };
    let block = Block::bordered()
        .title(Span::styled(title, t.heading()))
        .border_style(t.muted());
    let inner = block.inner(area);
    let width = inner.width as usize;
    let mut lines = Vec::new();
    let mut focus_line = 0;
    let mut phase = None;
    for (i, s) in steps.iter().enumerate() {
        if phase != Some(s.phase) {
            phase = Some(s.phase);
            lines.push(Line::from(Span::styled(
                s.phase.as_str().to_uppercase(),
                t.heading(),
            )));
        }
        let status = run.status(&s.id);
        let (symbol, word, tone) = look(status);
        let mut right = word.to_string();
        if status == StepStatus::Running {
            if let Some(pct) = run.progress.get(&s.id).and_then(|p| p.1) {
                right = format!("{pct:.0}%");
            }
            if let Some(at) = run.seen_started.get(&s.id) {
                right.push_str(&format!(
                    " {}",
                    human_secs(seconds_between(*at, app.clock_now()))
                ));
            }
        }
        let left_room = width.saturating_sub(right.chars().count() + 4);
        let title = fit(&sanitize(&s.title), left_room).into_owned();
        let pad = width.saturating_sub(title.chars().count() + right.chars().count() + 3);
        let mut line = Line::from(vec![
            Span::styled(format!(" {symbol} "), t.tone(tone)),
            Span::raw(title),
            Span::raw(" ".repeat(pad)),
            Span::styled(right, t.tone(tone)),
        ]);
        if focus == Some(i) {
            focus_line = lines.len();
            line = line.style(t.selected());
        }
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(
            "planning the runbook from live state…",
            t.muted(),
        )));
    }
    let height = inner.height as usize;
    let scroll = (focus_line + 1).saturating_sub(height.saturating_sub(2).max(1));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll as u16, 0)),
        area,
    );
}

/// The focused step: state, progress, why, preconditions, data loss, az commands.
fn render_detail(frame: &mut Frame, app: &App, run: &RunView, area: Rect) {
    let t = app.theme;
    let steps = run.steps();
    let block = Block::bordered().border_style(t.muted());
    let Some(step) = run.focus().and_then(|i| steps.get(i).copied()) else {
        let mut lines = vec![Line::from(Span::styled(
            "Checking live state and planning the runbook…",
            t.muted(),
        ))];
        if let Some(end) = &run.end {
            lines = end_lines(app, run);
            if let Some(m) = &end.message {
                lines.push(Line::from(sanitize(m).into_owned()));
            }
        }
        frame.render_widget(
            Paragraph::new(lines)
                .block(block)
                .wrap(Wrap { trim: false }),
            area,
        );
        return;
    };
    let block = block.title(Span::styled(
        format!(" {} ", sanitize(&step.id)),
        t.heading(),
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let status = run.status(&step.id);
    let mut top = end_lines(app, run);
    top.push(Line::from(Span::styled(
        sanitize(&step.title).into_owned(),
        t.heading(),
    )));
    let (symbol, word, tone) = look(status);
    let mut state = vec![
        Span::styled(format!("{symbol} {word}"), t.tone(tone)),
        Span::styled(
            format!("  · {} · {}", step.phase.as_str(), kind_text(step)),
            t.muted(),
        ),
    ];
    if let Some(st) = run.states.get(&step.id) {
        if let Some(at) = &st.1 {
            state.push(Span::styled(
                format!(" · ended {}", clock_of(at)),
                t.muted(),
            ));
        }
        if let Some(note) = &st.3 {
            state.push(Span::raw(format!(" — {}", sanitize(note))));
        }
    }
    top.push(Line::from(state));
    let running = status == StepStatus::Running;
    let progress = run.progress.get(&step.id).filter(|_| running);
    let gauge_height = u16::from(progress.is_some_and(|p| p.1.is_some()));
    let mut body = Vec::new();
    if running && let Some((what, _)) = progress {
        body.push(Line::from(format!("Azure says: {}", sanitize(what))));
    }
    if let Some(p) = run.pending.as_ref().filter(|p| p.step.id == step.id)
        && let Question::Blocked(why) | Question::Failed(why) = &p.question
    {
        body.push(Line::from(Span::styled(
            sanitize(why).into_owned(),
            t.tone(Tone::Bad),
        )));
    }
    body.extend(
        step.why
            .lines()
            .map(|l| Line::from(sanitize(l).into_owned())),
    );
    // The same figure as the open typed dialog: the live one once it came.
    let live = run
        .pending
        .as_ref()
        .filter(|p| p.step.id == step.id && matches!(p.dialog, Dialog::Typed { .. }))
        .and_then(|p| p.live.as_ref());
    if let Some(loss) = live.or(step.data_loss.as_ref()) {
        body.push(Line::from(Span::styled(
            format!("DATA LOSS: {}", sanitize(loss)),
            danger(app),
        )));
    }
    if !step.preconditions.is_empty() {
        body.push(Line::from(Span::styled("Preconditions", t.heading())));
        for pre in &step.preconditions {
            body.push(Line::from(format!(
                "  • {}",
                crate::runbook::markdown::describe_pre(pre)
            )));
        }
    }
    if !step.az.is_empty() {
        body.push(Line::from(Span::styled(
            "az (what a person would run)",
            t.heading(),
        )));
        for cmd in &step.az {
            body.push(Line::from(Span::styled(
                format!("  $ {}", sanitize(cmd)),
                t.muted(),
            )));
        }
    }
    let [top_area, gauge_area, body_area] = Layout::vertical([
        Constraint::Length(top.len() as u16),
        Constraint::Length(gauge_height),
        Constraint::Min(0),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(top), top_area);
    if let Some((_, Some(pct))) = progress {
        let elapsed = run
            .seen_started
            .get(&step.id)
            .map(|at| human_secs(seconds_between(*at, app.clock_now())))
            .unwrap_or_default();
        let gauge = Gauge::default()
            .gauge_style(t.tone(Tone::Good))
            .ratio((pct / 100.0).clamp(0.0, 1.0))
            .label(format!("{pct:.0}% · {elapsed}"));
        frame.render_widget(gauge, gauge_area);
    }
    frame.render_widget(Paragraph::new(body).wrap(Wrap { trim: false }), body_area);
}

/// The outcome banner once the run ended (empty before).
fn end_lines(app: &App, run: &RunView) -> Vec<Line<'static>> {
    let Some(end) = &run.end else {
        return Vec::new();
    };
    let tone = if end.outcome == "completed" {
        Tone::Good
    } else {
        Tone::Bad
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!(" RUN {} ", end.outcome.to_uppercase()),
            app.theme.label(tone),
        ),
        Span::raw(if end.report_json.is_some() {
            "  5 shows the report · q quits"
        } else {
            "  q quits"
        }),
    ])];
    if let Some(p) = &end.report_markdown {
        lines.push(Line::from(format!("report: {}", p.display())));
    }
    if let Some(p) = &end.report_json {
        lines.push(Line::from(format!("        {}", p.display())));
    }
    lines
}

/// The red of data-loss text (reverse video without colour).
fn danger(app: &App) -> Style {
    if app.theme.mono {
        Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
    } else {
        Style::new()
            .fg(Color::LightRed)
            .add_modifier(Modifier::BOLD)
    }
}

/// "action · typed confirmation".
fn kind_text(step: &Step) -> String {
    let kind = match step.kind {
        StepKind::Action => "ARM action",
        StepKind::Manual => "manual",
        StepKind::Verify => "verify",
    };
    let confirm = match &step.confirm {
        Confirm::None => "no confirmation",
        Confirm::Yes => "yes/no",
        Confirm::Typed(_) => "typed confirmation",
    };
    let mut s = format!("{kind} · {confirm}");
    if step.destructive {
        s.push_str(" · irreversible");
    }
    s
}

/// "02:41:07" of an RFC 3339 time (the text itself when it does not parse).
fn clock_of(at: &str) -> String {
    time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .map(hhmmss)
        .unwrap_or_else(|_| at.to_string())
}

/// The newest progress lines.
fn render_notes(frame: &mut Frame, app: &App, run: &RunView, area: Rect) {
    let t = app.theme;
    let block = Block::bordered()
        .title(Span::styled(
            format!(" activity ({}) ", app.clock_label()),
            t.heading(),
        ))
        .border_style(t.muted());
    let inner = block.inner(area);
    let width = inner.width as usize;
    let rows = inner.height as usize;
    let lines: Vec<Line> = run
        .notes
        .iter()
        .skip(run.notes.len().saturating_sub(rows))
        .map(|(at, text)| {
            Line::from(vec![
                Span::styled(format!("{} ", hhmmss(*at)), t.muted()),
                Span::raw(fit(&sanitize(text), width.saturating_sub(9)).into_owned()),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The dialog of the pending question.
fn question_box(app: &App, p: &Pending) -> DialogBox {
    let (title, body, keys) = dialog_lines(app, p);
    let border = match p.question {
        Question::Confirm if p.typed_text().is_none() => app.theme.tone(Tone::Warn),
        Question::Waiting { .. } | Question::Unreadable(_) => app.theme.tone(Tone::Warn),
        _ => app.theme.tone(Tone::Bad),
    };
    DialogBox {
        title,
        body,
        keys,
        border,
    }
}

/// Draws a dialog box centred in `area`: the title, the wrapped body scrolled by `scroll`, then
/// the key line in its last rows. When the text is taller than the screen it scrolls (↓ more
/// in the bottom border says there is more), never the keys.
fn draw_dialog(frame: &mut Frame, app: &App, area: Rect, scroll: u16, dialog: DialogBox) {
    let (rect, body_rows, shown) = dialog_layout(area, &dialog);
    let max_scroll = body_rows.saturating_sub(shown);
    let scroll = scroll.min(max_scroll);
    popup::clear(frame, rect);
    let mut block = Block::bordered()
        .title(Span::styled(
            format!(" {} ", dialog.title),
            app.theme.heading(),
        ))
        .border_style(dialog.border);
    if scroll < max_scroll {
        block = block.title_bottom(
            Line::from(Span::styled(" ↓ more: PgDn ", app.theme.heading())).right_aligned(),
        );
    }
    if scroll > 0 {
        block = block.title_top(
            Line::from(Span::styled(" ↑ more: PgUp ", app.theme.heading())).right_aligned(),
        );
    }
    let inside = block.inner(rect);
    frame.render_widget(block, rect);
    let [text, key_area] = Layout::vertical([
        Constraint::Length(shown.min(inside.height)),
        Constraint::Min(0),
    ])
    .areas(inside);
    let body = Paragraph::new(dialog.body)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0));
    frame.render_widget(body, text);
    frame.render_widget(
        Paragraph::new(key_lines(&dialog.keys, key_area.width)),
        key_area,
    );
}

/// The key line, wrapped between keys (never between a key and what it does): its spans come
/// in pairs, the key and "what it does   ".
fn key_lines(spans: &[Span<'static>], width: u16) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut line: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for pair in spans.chunks(2) {
        let cells: usize = pair.iter().map(Span::width).sum();
        let needed = cells
            - pair
                .last()
                .map_or(0, |s| s.content.len() - s.content.trim_end().len());
        if used > 0 && used + needed > width as usize {
            lines.push(Line::from(std::mem::take(&mut line)));
            used = 0;
        }
        used += cells;
        line.extend(pair.iter().cloned());
    }
    if !line.is_empty() {
        lines.push(Line::from(line));
    }
    lines
}

/// The whole activity in a popup: every line wrapped, the newest at the bottom.
fn render_activity(frame: &mut Frame, app: &App, run: &RunView, area: Rect) {
    let t = app.theme;
    let width = area.width.saturating_sub(4);
    let height = area.height.saturating_sub(2);
    let rect = popup::centered(area, width, height);
    popup::clear(frame, rect);
    let block = Block::bordered()
        .title(Span::styled(
            format!(" activity ({}) · Esc closes ", app.clock_label()),
            t.heading(),
        ))
        .border_style(t.muted());
    let inner = block.inner(rect);
    let text_width = (inner.width as usize).saturating_sub(9).max(10);
    let mut lines: Vec<Line<'static>> = Vec::new();
    for (at, text) in &run.notes {
        for (n, l) in super::fmt::wrap(&sanitize(text), text_width, 20)
            .into_iter()
            .enumerate()
        {
            let stamp = if n == 0 {
                format!("{} ", hhmmss(*at))
            } else {
                " ".repeat(9)
            };
            lines.push(Line::from(vec![
                Span::styled(stamp, t.muted()),
                Span::raw(l),
            ]));
        }
    }
    let skip = lines.len().saturating_sub(inner.height as usize);
    frame.render_widget(block, rect);
    frame.render_widget(Paragraph::new(lines.split_off(skip)), inner);
}

/// "Start a failover?": the one confirmation before a run opens from the console.
pub fn render_start_ask(
    frame: &mut Frame,
    app: &App,
    kind: crate::config::RunbookKind,
    area: Rect,
) {
    let t = app.theme;
    let (title, body) = crate::console::act::start_question(app, kind);
    let dialog = DialogBox {
        title: format!("start a {}?", kind.as_str()),
        body: vec![
            Line::from(Span::styled(sanitize(&title).into_owned(), t.heading())),
            Line::from(sanitize(&body).into_owned()),
        ],
        keys: keys_line(app, DialogKind::Start),
        border: t.tone(Tone::Warn),
    };
    draw_dialog(frame, app, area, 0, dialog);
}

/// The resume offer: the unfinished run, what it sent, and the three choices.
fn offer_box(app: &App, offer: &ResumeOffer) -> DialogBox {
    let t = app.theme;
    let mut body = vec![
        Line::from(Span::styled(
            format!(
                "An unfinished {} was found: started by {} at {}.",
                sanitize(&offer.kind),
                sanitize(&offer.operator),
                sanitize(&offer.started_at)
            ),
            t.heading(),
        )),
        Line::from(match &offer.stopped_at {
            Some((id, title)) if !title.is_empty() => {
                format!("It stopped at {} — {}.", sanitize(id), sanitize(title))
            }
            Some((id, _)) => format!("It stopped at {}.", sanitize(id)),
            None => "It stopped before its first step.".to_string(),
        }),
    ];
    if offer.sent.is_empty() {
        body.push(Line::from("Nothing was sent to Azure."));
    } else {
        body.push(Line::from(format!(
            "It sent {} request(s) to Azure (never sent again on resume):",
            offer.sent.len()
        )));
        for line in offer.sent.iter().take(8) {
            body.push(Line::from(format!("  {}", sanitize(line))));
        }
        if offer.sent.len() > 8 {
            body.push(Line::from(format!("  … and {} more", offer.sent.len() - 8)));
        }
    }
    body.push(Line::from(Span::styled(
        format!(
            "journal: {}",
            sanitize(&offer.journal.display().to_string())
        ),
        t.muted(),
    )));
    body.push(Line::from("Nothing is sent before you choose."));
    DialogBox {
        title: DialogKind::Offer.title(None).to_string(),
        body,
        keys: keys_line(app, DialogKind::Offer),
        border: t.tone(Tone::Warn),
    }
}

/// A text input line: "> text█".
fn input_line(app: &App, text: &str) -> Line<'static> {
    Line::from(vec![
        Span::styled("> ", app.theme.heading()),
        Span::styled(sanitize(text).into_owned(), app.theme.input()),
        Span::styled("█", app.theme.muted()),
    ])
}

/// A dialog's key line from the key table: "y / Enter confirm, run it   n / Esc decline".
fn keys_line(app: &App, kind: DialogKind) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    for (k, d) in crate::console::keymap::dialog_hints(kind) {
        spans.push(Span::styled(k.to_string(), app.theme.heading()));
        spans.push(Span::styled(format!(" {d}   "), app.theme.muted()));
    }
    spans
}

/// The dialog's title, body lines and key line.
fn dialog_lines(app: &App, p: &Pending) -> (String, Vec<Line<'static>>, Vec<Span<'static>>) {
    let t = app.theme;
    let step = &p.step;
    let mut lines = vec![Line::from(Span::styled(
        sanitize(&step.title).into_owned(),
        t.heading(),
    ))];
    let error_line = |e: &Option<String>| {
        e.as_ref()
            .map(|e| Line::from(Span::styled(sanitize(e).into_owned(), t.tone(Tone::Bad))))
    };
    let blocked = |lines: &mut Vec<Line<'static>>| {
        if let Question::Blocked(why) = &p.question {
            lines.push(Line::from(Span::styled(
                format!("Blocked: {}", sanitize(why)),
                t.tone(Tone::Bad),
            )));
        }
    };
    let purpose = match &p.dialog {
        Dialog::Reason { purpose, .. } => Some(*purpose),
        _ => None,
    };
    match &p.dialog {
        Dialog::YesNo => {
            lines.extend(
                step.why
                    .lines()
                    .map(|l| Line::from(sanitize(l).into_owned())),
            );
        }
        Dialog::Typed { text, error } => {
            // The live figure (re-read every second) once it came; the plan's until then.
            if let Some(loss) = p.live.as_ref().or(step.data_loss.as_ref()) {
                lines.push(Line::from(Span::styled(
                    format!("DATA LOSS: {}", sanitize(loss)),
                    danger(app),
                )));
            }
            if step.destructive {
                lines.push(Line::from(Span::styled(
                    "This cannot be undone.",
                    t.tone(Tone::Bad),
                )));
            }
            lines.push(Line::default());
            lines.push(Line::from(vec![
                Span::raw("Type "),
                Span::styled(
                    p.typed_text().unwrap_or_default().to_string(),
                    t.label(Tone::Bad),
                ),
                Span::raw(" to go ahead:"),
            ]));
            lines.push(input_line(app, text));
            lines.extend(error_line(error));
        }
        Dialog::Declined => {
            lines.push(Line::from(
                "You declined this step. Skip it, or abort the run?",
            ));
        }
        Dialog::Blocked => {
            blocked(&mut lines);
        }
        Dialog::OverrideName { text, error } => {
            blocked(&mut lines);
            lines.push(Line::from(vec![
                Span::raw("To override, type the target region "),
                Span::styled(p.region.clone(), t.label(Tone::Bad)),
                Span::raw(":"),
            ]));
            lines.push(input_line(app, text));
            lines.extend(error_line(error));
        }
        Dialog::Reason {
            purpose,
            text,
            error,
        } => {
            lines.push(Line::from(match purpose {
                Purpose::Skip => "Why is this step skipped? (goes into the journal and the report)",
                Purpose::Override => {
                    "Why is the precondition overridden? (goes into the journal and the report)"
                }
            }));
            lines.push(input_line(app, text));
            lines.extend(error_line(error));
        }
        Dialog::InDoubt => {
            if let Question::InDoubt(why) = &p.question {
                lines.push(Line::from(Span::styled(
                    format!("In doubt: {}", sanitize(why)),
                    t.tone(Tone::Bad),
                )));
            }
            lines.push(Line::from(
                "It is not sent again on a guess. Check by hand with the az command below, then re-check, or send it again only if you saw it did not happen.",
            ));
            for cmd in step.az.iter().take(2) {
                lines.push(Line::from(Span::styled(
                    format!("  $ {}", sanitize(cmd)),
                    t.muted(),
                )));
            }
        }
        Dialog::Failed if matches!(p.question, Question::Unreadable(_)) => {
            if let Question::Unreadable(err) = &p.question {
                lines.push(Line::from(Span::styled(
                    format!("Could not read live state: {}", sanitize(err)),
                    t.tone(Tone::Bad),
                )));
            }
            lines.push(Line::from(
                "Nothing was decided from it: this is not a failed check. Retry reads it again.",
            ));
        }
        Dialog::Failed => {
            if let Question::Failed(err) = &p.question {
                lines.push(Line::from(Span::styled(
                    format!("Failed: {}", sanitize(err)),
                    t.tone(Tone::Bad),
                )));
            }
            lines.push(Line::from(if step.kind == StepKind::Action {
                "Live state shows it did not happen; retrying sends the request again."
            } else {
                "Nothing was sent for this step; retrying checks live state again."
            }));
        }
        Dialog::Waiting => {
            if let Question::Waiting { reason, since } = &p.question {
                let why = p.live.as_deref().unwrap_or(reason);
                lines.push(Line::from(Span::styled(
                    format!("Waiting: {}", sanitize(why)),
                    t.tone(Tone::Warn),
                )));
                let waited = (app.clock_now() - p.opened).whole_seconds().max(0) as u64;
                lines.push(Line::from(format!(
                    "waiting for {} (since {} UTC); it goes on by itself once the condition holds",
                    human_secs(waited),
                    sanitize(since.get(11..19).unwrap_or(since))
                )));
            }
        }
        Dialog::AbortAsk => {
            lines.push(Line::from(Span::styled(
                "Abort the run here? Steps already done stay done; the report says where it stopped.",
                t.tone(Tone::Bad),
            )));
        }
    }
    let kind = app.dialog_kind().unwrap_or(DialogKind::Confirm);
    (kind.title(purpose).to_string(), lines, keys_line(app, kind))
}
