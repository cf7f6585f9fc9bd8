//! Navigation: moving through lists, switching screens, opening a component, going back, the
//! help overlay and mouse clicks — the part of `update` that only moves around.

use super::app::{Action, App, Effect, Input, Level, Screen, refresh, set_sort, sort_by};
use super::layout;
use super::reports;

/// Switches screen (the detail screen shows the selected component; the reports screen reads
/// the reports again).
pub fn show(app: &mut App, screen: Screen) -> Vec<Effect> {
    match screen {
        Screen::Detail => match app.selected_component().map(|c| c.name.clone()) {
            Some(name) => open_detail(app, name),
            None => app.say(Level::Info, "no component selected"),
        },
        Screen::Reports => return reports::show(app),
        _ => app.screen = screen,
    }
    Vec::new()
}

/// Opens the detail screen of a component.
fn open_detail(app: &mut App, name: String) {
    if app.screen != Screen::Detail {
        app.back_to = app.screen;
    }
    app.detail = Some(name);
    app.detail_scroll = 0;
    app.screen = Screen::Detail;
}

/// Keys and mouse outside of typing.
pub fn navigate(app: &mut App, action: Action) -> Vec<Effect> {
    if app.help {
        help_keys(app, action);
        return Vec::new();
    }
    if app.dialog_open() {
        return dialog_keys(app, action);
    }
    match action {
        Action::Up | Action::ScrollUp => move_by(app, -1),
        Action::Down | Action::ScrollDown => move_by(app, 1),
        Action::HalfPageUp if app.screen == Screen::Reports => {
            reports::scroll_by(app, -half_page(app))
        }
        Action::HalfPageDown if app.screen == Screen::Reports => {
            reports::scroll_by(app, half_page(app))
        }
        Action::HalfPageUp => move_by(app, -half_page(app)),
        Action::HalfPageDown => move_by(app, half_page(app)),
        Action::Top => move_by(app, -(isize::MAX / 2)),
        Action::Bottom => move_by(app, isize::MAX / 2),
        Action::Open => open(app),
        Action::Back => back(app),
        Action::NextScreen => return show(app, next_screen(app, 1)),
        Action::PrevScreen => return show(app, next_screen(app, -1)),
        Action::Show(screen) => return show(app, screen),
        Action::ToggleHelp => {
            app.help = true;
            app.help_scroll = 0;
        }
        Action::StartCommand => {
            app.input = Input::Command;
            app.command_line.clear();
        }
        Action::StartFilter => {
            app.input = Input::Filter;
            if app.screen != Screen::Overview {
                app.screen = Screen::Overview;
            }
        }
        Action::Refresh if app.screen == Screen::Reports => return reports::load(app),
        Action::Refresh => return refresh(app),
        Action::CycleSort => set_sort(app, app.sort.next()),
        Action::SortBy(key) => sort_by(app, key),
        Action::Click { column, row } => click(app, column, row),
        _ => {}
    }
    Vec::new()
}

/// The next screen in Tab order (the runbook only in the console of a run).
fn next_screen(app: &App, step: isize) -> Screen {
    let next = app.screen.cycle(step);
    if next == Screen::Runbook && app.run.is_none() {
        return next.cycle(step);
    }
    next
}

/// Keys while the help overlay is open: they scroll it; only Esc, ? and q close it (the
/// table behind stays where it was).
fn help_keys(app: &mut App, action: Action) {
    let max = super::ui::help::max_scroll(app);
    let page = super::ui::help::page(app).max(1);
    let by = |app: &mut App, delta: isize| {
        app.help_scroll = (app.help_scroll as isize + delta).clamp(0, max as isize) as u16;
    };
    match action {
        Action::Up | Action::ScrollUp => by(app, -1),
        Action::Down | Action::ScrollDown => by(app, 1),
        Action::HalfPageUp => by(app, -(page as isize)),
        Action::HalfPageDown => by(app, page as isize),
        Action::Top => app.help_scroll = 0,
        Action::Bottom => app.help_scroll = max,
        Action::ToggleHelp | Action::Back | Action::Quit => app.help = false,
        _ => {}
    }
}

/// Keys of a dialog that answer nothing: scrolling its text, the other screens, help.
fn dialog_keys(app: &mut App, action: Action) -> Vec<Effect> {
    let page = super::ui::runbook::dialog_page(app).max(1) as isize;
    match action {
        Action::Up | Action::ScrollUp | Action::HalfPageUp => {
            super::run_state::scroll_dialog(app, -page)
        }
        Action::Down | Action::ScrollDown | Action::HalfPageDown => {
            super::run_state::scroll_dialog(app, page)
        }
        Action::NextScreen => return show(app, next_screen(app, 1)),
        Action::PrevScreen => return show(app, next_screen(app, -1)),
        Action::ToggleHelp => {
            app.help = true;
            app.help_scroll = 0;
        }
        _ => {}
    }
    Vec::new()
}

/// Half a page of the current list.
fn half_page(app: &App) -> isize {
    let rows = match app.screen {
        Screen::Overview => layout::table_rows(app),
        Screen::Timeline => layout::timeline_rows(app),
        Screen::Detail => layout::detail_rows(app),
        Screen::Runbook => 10,
        Screen::Reports => layout::report_step_rows(app),
    };
    (rows / 2).max(1) as isize
}

/// Moves the selection (or scrolls the detail) of the current screen.
fn move_by(app: &mut App, delta: isize) {
    match app.screen {
        Screen::Overview => app
            .table
            .step(delta, app.view.len(), layout::table_rows(app)),
        Screen::Timeline => app
            .events
            .step(delta, app.timeline.len(), layout::timeline_rows(app)),
        Screen::Detail => {
            let max = super::ui::detail::line_count(app).saturating_sub(layout::detail_rows(app))
                as isize;
            app.detail_scroll = (app.detail_scroll as isize + delta).clamp(0, max.max(0)) as u16;
        }
        Screen::Runbook => super::run_state::move_focus(app, delta),
        Screen::Reports => reports::select_by(app, delta),
    }
}

/// Enter: open the selected component (or the component of the selected event).
fn open(app: &mut App) {
    if app.screen == Screen::Runbook {
        // The whole activity, every line wrapped: nothing cut.
        if let Some(run) = app.run.as_mut() {
            run.activity_open = !run.activity_open;
        }
        return;
    }
    let name = match app.screen {
        Screen::Overview => app.selected_component().map(|c| c.name.clone()),
        Screen::Timeline => app
            .event_at(app.events.selected)
            .filter(|e| e.component)
            .map(|e| e.subject.clone()),
        Screen::Detail | Screen::Runbook | Screen::Reports => None,
    };
    if let Some(name) = name {
        open_detail(app, name);
    }
}

/// Esc: back from the detail screen, or clear the filter.
fn back(app: &mut App) {
    if app.screen == Screen::Detail {
        app.screen = app.back_to;
    } else if app.screen == Screen::Runbook {
        if let Some(run) = app.run.as_mut().filter(|r| r.activity_open) {
            run.activity_open = false;
        } else {
            super::run_state::follow(app);
        }
    } else if matches!(app.screen, Screen::Timeline | Screen::Reports) {
        app.screen = Screen::Overview;
    } else if !app.filter.is_empty() || !app.filter_rule.is_empty() {
        super::edit::set_filter(app, "");
    }
}

/// A mouse click: selects the row under it (a second click opens it).
fn click(app: &mut App, column: u16, row: u16) {
    let Some((list, index)) = layout::row_at(app, column, row) else {
        return;
    };
    match list {
        layout::List::Components => {
            if index < app.view.len() {
                let again = app.table.selected == index;
                app.table
                    .select(index, app.view.len(), layout::table_rows(app));
                if again {
                    open(app);
                }
            }
        }
        layout::List::Timeline => {
            if index < app.timeline.len() {
                app.events
                    .select(index, app.timeline.len(), layout::timeline_rows(app));
            }
        }
        layout::List::Reports => {
            let delta = index as isize - app.reports.cursor.selected as isize;
            if index < app.reports.reports().len() {
                reports::select_by(app, delta);
            }
        }
    }
}
