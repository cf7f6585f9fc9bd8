//! The scrolling sections of the component detail: readiness checks, the standby workspace side
//! by side (workspaces only), properties, errors, recent changes and `az` commands, in one
//! column or (wide terminals) two.

use ratatui::text::{Line, Span};

use super::fmt::{fit, hhmm, hhmmss};
use super::theme::{self, Tone};
use crate::console::app::App;
use crate::console::sanitize;
use crate::health::{Check, ComponentStatus};

/// Changes of the component listed on its detail screen.
const RECENT_CHANGES: usize = 8;
/// From this width on, the sections are shown in two columns.
const TWO_COLUMNS: u16 = 110;

/// The width of the left column (checks and properties) in two-column mode.
pub fn left_width(width: u16) -> u16 {
    width * 3 / 5
}

/// The scrolling sections: one column, or (wide terminals) two.
pub fn columns(
    app: &App,
    c: &ComponentStatus,
    width: u16,
) -> (Vec<Line<'static>>, Option<Vec<Line<'static>>>) {
    let two = width >= TWO_COLUMNS;
    let (left_w, right_w) = if two {
        (left_width(width), width - left_width(width))
    } else {
        (width, width)
    };
    let mut left = checks_section(app, c, left_w.saturating_sub(2) as usize);
    // Right under the checks: a failing item is a few lines below the check that names it.
    left.extend(super::standby::section(
        app,
        c,
        left_w.saturating_sub(2) as usize,
    ));
    left.extend(properties_section(app, c));
    left.extend(errors_section(app, c));
    let mut right = changes_section(app, c, two);
    right.extend(commands_section(app, c, right_w.saturating_sub(2) as usize));
    if two {
        (left, Some(right))
    } else {
        left.extend(right);
        (left, None)
    }
}

/// A section heading (with a blank line before all but the first).
fn heading(app: &App, text: &str, first: bool) -> Vec<Line<'static>> {
    let mut lines = if first {
        Vec::new()
    } else {
        vec![Line::default()]
    };
    lines.push(Line::from(Span::styled(
        text.to_string(),
        app.theme.heading(),
    )));
    lines
}

/// Every readiness check: pass, FAIL or observe only, with the reason; the failing ones first.
fn checks_section(app: &App, c: &ComponentStatus, width: usize) -> Vec<Line<'static>> {
    let mut lines = heading(app, "READINESS CHECKS", true);
    if c.checks.is_empty() {
        lines.push(Line::from(Span::styled(
            "  no checks for this kind",
            app.theme.muted(),
        )));
    }
    let name_width = c
        .checks
        .iter()
        .map(|k| k.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(28);
    // Failing checks first (in their order), so the one that blocks is on the first screen
    // even at 80×24; the others follow as the derivation lists them.
    let (failing, rest): (Vec<&Check>, Vec<&Check>) =
        c.checks.iter().partition(|k| k.passed == Some(false));
    for k in failing.into_iter().chain(rest) {
        lines.extend(check_lines(app, k, name_width, width));
    }
    lines
}

/// "  ✔ pass    geo-replication   secondary in westus is available", the reason wrapped
/// under itself (or under the check when the column is narrow).
fn check_lines(app: &App, k: &Check, name_width: usize, width: usize) -> Vec<Line<'static>> {
    let (word, tone) = match k.passed {
        Some(true) => ("✔ pass   ", Tone::Good),
        Some(false) => ("✖ FAIL   ", Tone::Bad),
        None => ("○ observe", Tone::Muted),
    };
    let name = format!(" {:<name_width$}  ", fit(&sanitize(&k.name), name_width));
    let reason = if k.passed.is_none() && k.reason.is_empty() {
        "observe only".to_string()
    } else {
        sanitize(&k.reason).into_owned()
    };
    let indent = 2 + 9 + name.chars().count();
    let room = width.saturating_sub(indent);
    let (first, rest_indent, room) = if room >= 24 {
        (true, indent, room)
    } else {
        (false, 6, width.saturating_sub(6))
    };
    let mut parts = wrap(&reason, room).into_iter();
    let head = vec![
        Span::raw("  "),
        Span::styled(word, app.theme.tone(tone)),
        Span::raw(name),
    ];
    let mut lines = vec![Line::from(head)];
    if first && let Some(p) = parts.next() {
        lines[0].spans.push(Span::raw(p));
    }
    lines.extend(parts.map(|p| Line::from(format!("{}{p}", " ".repeat(rest_indent)))));
    lines
}

/// The key properties, aligned.
fn properties_section(app: &App, c: &ComponentStatus) -> Vec<Line<'static>> {
    if c.properties.is_empty() {
        return Vec::new();
    }
    let mut lines = heading(app, "PROPERTIES", false);
    let width = c
        .properties
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        .min(24);
    for (k, v) in &c.properties {
        let key = format!("  {:<width$}  ", fit(&sanitize(k), width));
        lines.push(Line::from(vec![
            Span::styled(key, app.theme.muted()),
            Span::raw(sanitize(v).into_owned()),
        ]));
    }
    lines
}

/// Errors met while reading the component.
fn errors_section(app: &App, c: &ComponentStatus) -> Vec<Line<'static>> {
    if c.errors.is_empty() {
        return Vec::new();
    }
    let mut lines = heading(app, "ERRORS READING IT", false);
    let style = app.theme.tone(Tone::Bad);
    // Each error whole, wrapped to the screen: the part that says what to do comes last.
    let width = (app.size.0 as usize).saturating_sub(6).max(20);
    for e in &c.errors {
        for l in super::fmt::wrap(&sanitize(e), width, 12) {
            lines.push(Line::from(Span::styled(format!("  {l}"), style)));
        }
    }
    lines
}

/// The component's recent health changes, newest first.
fn changes_section(app: &App, c: &ComponentStatus, first: bool) -> Vec<Line<'static>> {
    let title = format!("RECENT CHANGES ({})", app.clock_label());
    let mut lines = heading(app, &title, first);
    let mine = app
        .timeline
        .iter()
        .rev()
        .filter(|e| e.component && e.subject == c.name)
        .take(RECENT_CHANGES);
    let before = lines.len();
    for e in mine {
        let tone = theme::severity_tone(e.severity);
        let when = if e.at.date() == app.now.date() {
            hhmmss(e.at)
        } else {
            format!("{} {}", e.at.date(), hhmm(e.at))
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {when}  "), app.theme.muted()),
            Span::styled(sanitize(&e.text).into_owned(), app.theme.tone(tone)),
        ]));
    }
    if lines.len() == before {
        lines.push(Line::from(Span::styled(
            "  no change since the console started",
            app.theme.muted(),
        )));
    }
    lines
}

/// The `az` commands to look for yourself, wrapped so they can be read whole.
fn commands_section(app: &App, c: &ComponentStatus, width: usize) -> Vec<Line<'static>> {
    if c.az_commands.is_empty() {
        return Vec::new();
    }
    let mut lines = heading(app, "LOOK FOR YOURSELF", false);
    for cmd in &c.az_commands {
        for (i, part) in wrap(&sanitize(cmd), width.saturating_sub(6))
            .into_iter()
            .enumerate()
        {
            let indent = if i == 0 { "  $ " } else { "      " };
            lines.push(Line::from(format!("{indent}{part}")));
        }
    }
    lines
}

/// Greedy word wrap to `width` characters; words longer than a line are split.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(10);
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let line = lines.last_mut().expect("never empty");
            let used = line.chars().count();
            let space = usize::from(used > 0);
            if used + space + word.len() <= width {
                if space == 1 {
                    line.push(' ');
                }
                line.extend(word.iter());
                break;
            }
            if used > 0 {
                lines.push(String::new());
                continue;
            }
            let rest = word.split_off(width);
            line.extend(word.iter());
            word = rest;
            lines.push(String::new());
        }
    }
    lines.retain(|l| !l.is_empty());
    lines
}
