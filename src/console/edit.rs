//! Typing a `:` command or a `/` filter: editing the line, Tab completion and the session's
//! history of commands, and the filter, applied as it is typed whenever it compiles.

use super::app::{App, Effect, Input, Level, run_command};
use super::command::{self, Known};
use super::{Action, view};

/// Lines kept in the command history.
const HISTORY_MAX: usize = 100;

/// A Tab completion being cycled through: the line before the word, and the candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub base: String,
    pub candidates: Vec<String>,
    /// The candidate on the line now (None: the common prefix is).
    pub index: Option<usize>,
}

/// Keys while typing a command or a filter.
pub fn edit(app: &mut App, action: Action) -> Vec<Effect> {
    if !app.typing() {
        return Vec::new();
    }
    let filtering = app.input == Input::Filter;
    match action {
        Action::Complete if !filtering => complete(app, 1),
        Action::CompleteBack if !filtering => complete(app, -1),
        Action::HistoryPrev if !filtering => history(app, -1),
        Action::HistoryNext if !filtering => history(app, 1),
        Action::Complete | Action::CompleteBack | Action::HistoryPrev | Action::HistoryNext => {}
        Action::Cancel => {
            app.input = Input::Normal;
            app.completion = None;
            app.history_pos = None;
            if filtering {
                app.filter.clear();
                app.filter_rule = view::Filter::default();
                app.refresh_view();
            } else {
                app.command_line.clear();
            }
        }
        Action::Submit if filtering => {
            app.input = Input::Normal;
            if app.filter != app.filter_rule.text() {
                // It does not compile: the filter in force stays, and says so.
                let why = view::Filter::parse(&app.filter).err().unwrap_or_default();
                app.filter = app.filter_rule.text().to_string();
                app.say(Level::Error, format!("regex: {why} — kept {}", kept(app)));
            }
        }
        Action::Submit => {
            app.input = Input::Normal;
            app.completion = None;
            app.history_pos = None;
            let text = std::mem::take(&mut app.command_line);
            remember(app, &text);
            return run_command(app, &text);
        }
        other => {
            let line = if filtering {
                &mut app.filter
            } else {
                &mut app.command_line
            };
            edit_line(line, other);
            app.completion = None;
            if filtering {
                let text = app.filter.clone();
                live_filter(app, &text);
            }
        }
    }
    Vec::new()
}

/// Text editing of a line: a character, a paste, Backspace, Ctrl-w.
fn edit_line(line: &mut String, action: Action) {
    match action {
        Action::Type(c) => line.push(c),
        Action::Paste(text) => line.push_str(&super::sanitize(&text)),
        Action::Erase => {
            line.pop();
        }
        Action::EraseWord => {
            let keep = line.trim_end().rfind(' ').map_or(0, |i| i + 1);
            line.truncate(keep);
        }
        _ => {}
    }
}

/// "the filter 'sql'" or "no filter", for messages.
fn kept(app: &App) -> String {
    match app.filter_rule.text() {
        "" => "no filter".into(),
        t => format!("the filter '{}'", super::sanitize(t)),
    }
}

/// The filter as it is typed: applied when it compiles; otherwise the status line says why
/// and the last one that did stays.
fn live_filter(app: &mut App, text: &str) {
    match view::Filter::parse(text) {
        Ok(rule) => {
            if app
                .message
                .as_ref()
                .is_some_and(|m| m.text.starts_with("regex: "))
            {
                app.message = None;
            }
            app.filter_rule = rule;
            app.refresh_view();
        }
        Err(why) => {
            let kept = kept(app);
            app.say(Level::Error, format!("regex: {why} — showing {kept}"));
        }
    }
}

/// `:filter TEXT` (and Esc's clearing): applied when it compiles, else refused with the reason.
pub fn set_filter(app: &mut App, text: &str) {
    match view::Filter::parse(text) {
        Ok(rule) => {
            app.filter = text.to_string();
            app.filter_rule = rule;
            app.refresh_view();
        }
        Err(why) => {
            let kept = kept(app);
            app.say(Level::Error, format!("regex: {why} — kept {kept}"));
        }
    }
}

/// Adds a command line to the history (not twice in a row, not empty).
fn remember(app: &mut App, text: &str) {
    let text = text.trim();
    if text.is_empty() || app.history.last().is_some_and(|l| l == text) {
        return;
    }
    app.history.push(text.to_string());
    let excess = app.history.len().saturating_sub(HISTORY_MAX);
    app.history.drain(..excess);
}

/// Up (-1) / Down (+1) through the history; past the newest, the line typed before.
fn history(app: &mut App, step: isize) {
    let len = app.history.len();
    if len == 0 {
        return;
    }
    app.completion = None;
    let (pos, draft) = match app.history_pos.take() {
        Some(at) => at,
        None if step < 0 => (len, app.command_line.clone()),
        None => return,
    };
    let next = pos as isize + step;
    if next >= len as isize {
        app.command_line = draft;
        return;
    }
    let next = next.max(0) as usize;
    app.command_line = app.history[next].clone();
    app.history_pos = Some((next, draft));
}

/// Tab (+1) / Shift-Tab (-1): completes the word at the end of the command line; when several
/// candidates fit, first their common prefix, then each in turn.
fn complete(app: &mut App, step: isize) {
    if let Some(c) = app.completion.as_mut()
        && app.command_line == current(c)
    {
        let n = c.candidates.len() as isize;
        let next = match c.index {
            Some(i) => (i as isize + step).rem_euclid(n),
            None if step > 0 => 0,
            None => n - 1,
        };
        c.index = Some(next as usize);
        app.command_line = current(c);
        return;
    }
    let known = known(app);
    let (start, candidates) = command::completions(&app.command_line, &known);
    let base = app.command_line[..start].to_string();
    let word = app.command_line[start..].to_string();
    match candidates.len() {
        0 => {
            let what = if word.is_empty() {
                "nothing to complete here".to_string()
            } else {
                format!("nothing completes '{}'", super::sanitize(&word))
            };
            app.say(Level::Info, what);
        }
        1 => {
            app.command_line = format!("{base}{} ", candidates[0]);
            app.completion = None;
        }
        n => {
            let prefix = command::common_prefix(&candidates);
            let mut c = Completion {
                base,
                candidates,
                index: None,
            };
            if prefix.len() <= word.len() {
                // The common prefix adds nothing: straight to the first (or last) candidate.
                c.index = Some(if step > 0 { 0 } else { n - 1 });
            }
            app.command_line = current(&c);
            app.completion = Some(c);
        }
    }
}

/// The line a completion puts there: the base and the chosen candidate (or the common prefix).
fn current(c: &Completion) -> String {
    match c.index {
        Some(i) => format!("{}{}", c.base, c.candidates[i]),
        None => format!("{}{}", c.base, command::common_prefix(&c.candidates)),
    }
}

/// The regions and components completion can offer.
fn known(app: &App) -> Known {
    Known {
        regions: vec![app.meta.primary.clone(), app.meta.secondary.clone()],
        components: app
            .snapshot
            .as_ref()
            .map(|s| s.components.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default(),
    }
}
