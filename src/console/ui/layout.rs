//! Where everything goes. Pure functions of the terminal size and the state, shared by the
//! renderers and by `update` (scrolling needs list heights; mouse clicks need row positions).

use ratatui::layout::{Constraint, Layout, Rect};

use crate::console::app::{App, Screen};

/// The smallest terminal the console draws in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// Height of the header (band + verdict line).
pub const HEADER_HEIGHT: u16 = 2;
/// From this width on, the overview shows the world map beside the regions.
pub const MAP_MIN_WIDTH: u16 = 110;

/// Height of the region panels above the runbook.
pub const RUNBOOK_REGIONS_HEIGHT: u16 = 4;

/// The areas of one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    /// Overview only: the two region panels.
    pub regions: [Rect; 2],
    /// Overview only, on wide terminals.
    pub map: Option<Rect>,
    /// The components table, the timeline or the detail.
    pub body: Rect,
    pub status: Rect,
}

/// Which list a screen row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Components,
    Timeline,
    Reports,
}

/// Whether the terminal is below the minimum size.
pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// The full-terminal rectangle of the state's size.
fn screen_rect(app: &App) -> Rect {
    Rect::new(0, 0, app.size.0, app.size.1)
}

/// The areas for the current screen. The map yields its room to the region panels when an
/// incident's title would not fit beside it.
pub fn areas(area: Rect, app: &App) -> Areas {
    let mut a = areas_for(area, app.screen, app.typing());
    if let Some(map) = a.map
        && super::regions::incidents_need(app, (a.regions[0].width as usize).saturating_sub(2))
    {
        let top = Rect {
            width: a.regions[1].right() - a.regions[0].x + map.width,
            ..a.regions[0]
        };
        a.regions = Layout::horizontal([Constraint::Ratio(1, 2); 2]).areas(top);
        a.map = None;
    }
    a
}

/// The areas of a screen (the status bar grows a row while typing).
pub fn areas_for(area: Rect, screen: Screen, typing: bool) -> Areas {
    let status_height = if typing { 2 } else { 1 };
    let top_height = match screen {
        Screen::Overview => top_height(area.height),
        // The run keeps live health in view: both regions, compact.
        Screen::Runbook => RUNBOOK_REGIONS_HEIGHT,
        _ => 0,
    };
    let [header, top, body, status] = Layout::vertical([
        Constraint::Length(HEADER_HEIGHT),
        Constraint::Length(top_height),
        Constraint::Min(0),
        Constraint::Length(status_height),
    ])
    .areas(area);
    let (regions, map) = if screen == Screen::Runbook {
        (
            Layout::horizontal([Constraint::Ratio(1, 2); 2]).areas(top),
            None,
        )
    } else {
        split_top(top)
    };
    Areas {
        header,
        regions,
        map,
        body,
        status,
    }
}

/// Height of the region panels: more room for incidents on tall terminals.
fn top_height(height: u16) -> u16 {
    match height {
        0..30 => 6,
        30..40 => 9,
        _ => 11,
    }
}

/// The region panels side by side, and the map on their right when there is room.
fn split_top(top: Rect) -> ([Rect; 2], Option<Rect>) {
    if top.width >= MAP_MIN_WIDTH {
        let map_width = (top.width / 3).clamp(36, 64);
        let [left, map] =
            Layout::horizontal([Constraint::Min(0), Constraint::Length(map_width)]).areas(top);
        let [a, b] = Layout::horizontal([Constraint::Ratio(1, 2); 2]).areas(left);
        ([a, b], Some(map))
    } else {
        (
            Layout::horizontal([Constraint::Ratio(1, 2); 2]).areas(top),
            None,
        )
    }
}

/// The rows of a bordered table with a header row: inside the border, below the header.
pub fn table_body(body: Rect) -> Rect {
    let inner = body.inner(ratatui::layout::Margin::new(1, 1));
    Rect {
        y: inner.y + 1,
        height: inner.height.saturating_sub(1),
        ..inner
    }
}

/// How many component rows the overview shows.
pub fn table_rows(app: &App) -> usize {
    let areas = areas_for(screen_rect(app), Screen::Overview, app.typing());
    table_body(areas.body).height as usize
}

/// How many events the timeline shows.
pub fn timeline_rows(app: &App) -> usize {
    let areas = areas_for(screen_rect(app), Screen::Timeline, app.typing());
    table_body(areas.body).height as usize
}

/// How many lines the scrolling part of the detail screen shows.
pub fn detail_rows(app: &App) -> usize {
    let areas = areas_for(screen_rect(app), Screen::Detail, app.typing());
    super::detail::scroll_area(areas.body, app)
        .height
        .saturating_sub(2) as usize
}

/// How many reports the list of the reports screen shows.
pub fn reports_rows(app: &App) -> usize {
    let areas = areas_for(screen_rect(app), Screen::Reports, app.typing());
    let [list, _] = super::reports::split(areas.body, app.reports.reports().len());
    list.height.saturating_sub(3) as usize
}

/// How many steps the chart of the selected report shows.
pub fn report_step_rows(app: &App) -> usize {
    let areas = areas_for(screen_rect(app), Screen::Reports, app.typing());
    let [_, detail] = super::reports::split(areas.body, app.reports.reports().len());
    let (steps, notes) = app.reports.selected().map_or((0, 0), |l| {
        (l.report.steps.len(), super::reports::note_count(&l.report))
    });
    super::reports::step_rows(super::reports::detail_areas(detail, steps, notes).steps)
}

/// The list row under a mouse position, as an index into that list.
pub fn row_at(app: &App, column: u16, row: u16) -> Option<(List, usize)> {
    let area = screen_rect(app);
    if too_small(area) || app.help {
        return None;
    }
    let body = areas(area, app).body;
    let (list, cursor, table) = match app.screen {
        Screen::Overview => (List::Components, app.table, body),
        Screen::Timeline => (List::Timeline, app.events, body),
        Screen::Reports => {
            let [list, _] = super::reports::split(body, app.reports.reports().len());
            (List::Reports, app.reports.cursor, list)
        }
        Screen::Detail | Screen::Runbook => return None,
    };
    let rows = table_body(table);
    let hit = rows.contains(ratatui::layout::Position::new(column, row));
    hit.then(|| (list, cursor.offset + (row - rows.y) as usize))
}
