//! Where everything goes. Pure functions of the terminal size and the state, shared by the
//! renderers and by `update` (scrolling needs list heights; mouse clicks need row positions).

use ratatui::layout::{Constraint, Layout, Rect};

use crate::console::app::{App, Screen};
use crate::health::ComponentStatus;

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
        && incidents_need(app, (a.regions[0].width as usize).saturating_sub(2))
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
    detail_scroll_area(areas.body, app).height.saturating_sub(2) as usize
}

/// How many reports the list of the reports screen shows.
pub fn reports_rows(app: &App) -> usize {
    let areas = areas_for(screen_rect(app), Screen::Reports, app.typing());
    let [list, _] = reports_split(areas.body, app.reports.reports().len());
    list.height.saturating_sub(3) as usize
}

/// How many steps the chart of the selected report shows.
pub fn report_step_rows(app: &App) -> usize {
    let areas = areas_for(screen_rect(app), Screen::Reports, app.typing());
    let [_, detail] = reports_split(areas.body, app.reports.reports().len());
    let (steps, notes) = app.reports.selected().map_or((0, 0), |l| {
        (l.report.steps.len(), report::note_count(&l.report))
    });
    report::step_rows(report::detail_areas(detail, steps, notes).steps)
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
            let [list, _] = reports_split(body, app.reports.reports().len());
            (List::Reports, app.reports.cursor, list)
        }
        Screen::Detail | Screen::Runbook => return None,
    };
    let rows = table_body(table);
    let hit = rows.contains(ratatui::layout::Position::new(column, row));
    hit.then(|| (list, cursor.offset + (row - rows.y) as usize))
}

/// Whether an active incident's line would not fit a region panel of `width` cells even over
/// three rows (the overview then gives the panels the map's room).
pub fn incidents_need(app: &App, width: usize) -> bool {
    app.snapshot.as_ref().is_some_and(|s| {
        s.regions.iter().any(|r| {
            r.incidents
                .iter()
                .filter(|i| i.active)
                .any(|i| i.title.chars().count() + 20 > width * 3)
        })
    })
}

/// The summary block on top and the scrolling sections below.
pub fn detail_split(area: Rect, c: &ComponentStatus) -> [Rect; 2] {
    let lag_rows = if c.lag_seconds.is_some() { 2 } else { 0 };
    let height = 2 + 1 + c.instances.len() as u16 + lag_rows;
    Layout::vertical([
        Constraint::Length(height.min(area.height / 2)),
        Constraint::Min(0),
    ])
    .areas(area)
}

/// The scrolling part of the detail screen (with its border).
pub fn detail_scroll_area(body: Rect, app: &App) -> Rect {
    match app.detail_component() {
        Some(c) => detail_split(body, c)[1],
        None => body,
    }
}

/// Rows of the list of reports at most, on short and on tall terminals.
const LIST_ROWS_SHORT: usize = 3;
const LIST_ROWS_TALL: usize = 8;

/// The list of reports (top) and the selected report (below).
pub fn reports_split(body: Rect, listed: usize) -> [Rect; 2] {
    let most = if body.height >= 32 {
        LIST_ROWS_TALL
    } else {
        LIST_ROWS_SHORT
    };
    let rows = listed.clamp(1, most) as u16;
    Layout::vertical([Constraint::Length(rows + 3), Constraint::Min(0)]).areas(body)
}

/// The reports screen's panel of the selected report: where its parts go (the renderer draws
/// them; `update` scrolls its steps).
pub mod report {
    use ratatui::layout::{Constraint, Layout, Rect};
    use ratatui::widgets::Block;

    use crate::runbook::report::Saved;

    /// From this inner width on, the two gauges sit side by side.
    pub const WIDE: u16 = 96;
    /// Lines of deviations and findings shown under the chart at most.
    pub const NOTES_MAX: usize = 4;
    /// The parts of the selected report's panel.
    pub struct DetailAreas {
        pub summary: Rect,
        pub gauges: [Rect; 2],
        pub steps: Rect,
        pub notes: Rect,
        /// What is left: the ARM operations the run sent.
        pub operations: Rect,
    }

    /// Lines of the summary: the headline, who and when, what happened in counts.
    const SUMMARY_LINES: usize = 3;

    /// Where the parts of a report go inside its panel: `steps` steps, `notes` lines of deviations
    /// and findings (shown when there is room after the steps).
    pub fn detail_areas(detail: Rect, steps: usize, notes: usize) -> DetailAreas {
        let inner = Block::bordered().inner(detail);
        let fixed = SUMMARY_LINES + if inner.width >= WIDE { 1 } else { 2 };
        let room = (inner.height as usize).saturating_sub(fixed);
        let notes_height = if room >= 13 && notes > 0 {
            notes.min(NOTES_MAX) + 3
        } else {
            1
        };
        // A blank line above the chart, unless it would cost a step.
        let gap = usize::from(room > steps + 1 + notes_height);
        let steps_height = (steps + 1).min(room.saturating_sub(notes_height + gap));
        let [summary, gauges, _, steps, notes, operations] = Layout::vertical([
            Constraint::Length(SUMMARY_LINES as u16),
            Constraint::Length(if inner.width >= WIDE { 1 } else { 2 }),
            Constraint::Length(gap as u16),
            Constraint::Length(steps_height as u16),
            Constraint::Length(notes_height as u16),
            Constraint::Min(0),
        ])
        .areas(inner);
        let gauges = if inner.width >= WIDE {
            Layout::horizontal([Constraint::Ratio(1, 2); 2])
                .spacing(3)
                .areas(gauges)
        } else {
            Layout::vertical([Constraint::Length(1); 2]).areas(gauges)
        };
        DetailAreas {
            summary,
            gauges,
            steps,
            notes,
            operations,
        }
    }

    /// Step rows the chart shows (below its header).
    pub fn step_rows(steps: Rect) -> usize {
        steps.height.saturating_sub(1) as usize
    }

    /// How many lines of deviations and findings a report has.
    pub fn note_count(r: &Saved) -> usize {
        r.deviations.len() + r.readiness_findings.len()
    }
}

/// The fleet overview's areas: header (band + the fleet's decision line), the deployments
/// table, the status bar.
pub fn fleet_areas(area: Rect) -> (Rect, Rect, Rect) {
    let [header, body, status] = Layout::vertical([
        Constraint::Length(HEADER_HEIGHT),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    (header, body, status)
}

/// How many deployment rows the fleet overview shows.
pub fn fleet_rows(fleet: &crate::console::fleet::Fleet) -> usize {
    let (_, body, _) = fleet_areas(Rect::new(0, 0, fleet.size.0, fleet.size.1));
    table_body(body).height as usize
}

/// The fleet row (an index into its rows) under a screen row, if any.
pub fn fleet_row_at(fleet: &crate::console::fleet::Fleet, row: u16) -> Option<usize> {
    let (_, body, _) = fleet_areas(Rect::new(0, 0, fleet.size.0, fleet.size.1));
    let rows = table_body(body);
    if row < rows.y || row >= rows.y + rows.height {
        return None;
    }
    let at = fleet.cursor.offset + usize::from(row - rows.y);
    (at < fleet.rows.len()).then_some(at)
}
