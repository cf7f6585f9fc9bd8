//! The reports screen's state: the listing of saved reports (read off the UI thread by the
//! event loop), the selected report and how far its timeline is scrolled.

use std::path::PathBuf;

use super::app::{App, Effect, Level, Screen};
use super::layout;
use super::state::Cursor;
use crate::runbook::report::{Listed, Listing};

/// What the reports screen shows.
#[derive(Debug, Clone, Default)]
pub struct ReportsView {
    /// None until the first listing arrives.
    pub listing: Option<Listing>,
    /// A listing was asked for and has not arrived yet.
    pub loading: bool,
    /// Why the last listing failed.
    pub error: Option<String>,
    /// The selected report in the list.
    pub cursor: Cursor,
    /// Rows of the selected report's timeline scrolled away.
    pub scroll: usize,
    /// Select this report when the listing arrives (the report of the run that just ended).
    pub want: Option<PathBuf>,
}

impl ReportsView {
    /// The reports listed, newest first.
    pub fn reports(&self) -> &[Listed] {
        self.listing.as_ref().map_or(&[], |l| l.reports.as_slice())
    }

    /// The selected report.
    pub fn selected(&self) -> Option<&Listed> {
        self.reports().get(self.cursor.selected)
    }
}

/// Asks the event loop for the listing (unless one is on its way).
pub fn load(app: &mut App) -> Vec<Effect> {
    if app.reports.loading {
        return Vec::new();
    }
    app.reports.loading = true;
    vec![Effect::LoadReports]
}

/// Shows the reports screen, reading the listing again.
pub fn show(app: &mut App) -> Vec<Effect> {
    app.screen = Screen::Reports;
    load(app)
}

/// A listing arrived (or could not be read).
pub fn loaded(app: &mut App, result: Result<Box<Listing>, String>) {
    let rows = layout::reports_rows(app);
    let r = &mut app.reports;
    r.loading = false;
    match result {
        Ok(listing) => {
            let position = |p: &PathBuf| listing.reports.iter().position(|l| &l.json == p);
            let wanted = r.want.as_ref().and_then(position);
            if wanted.is_some() {
                r.want = None;
            }
            let kept = r.selected().and_then(|l| position(&l.json));
            let index = wanted.or(kept).unwrap_or(0);
            let len = listing.reports.len();
            if index != r.cursor.selected {
                r.scroll = 0;
            }
            r.listing = Some(*listing);
            r.error = None;
            r.cursor.select(index, len, rows);
        }
        Err(e) => {
            r.error = Some(e.clone());
            app.say(Level::Error, format!("cannot read the reports: {e}"));
        }
    }
}

/// The run of this console ended with a report: it is selected when the reports are shown.
pub fn run_reported(app: &mut App, json: PathBuf) -> Vec<Effect> {
    app.reports.want = Some(json);
    app.reports.loading = false;
    load(app)
}

/// Up/down in the list of reports.
pub fn select_by(app: &mut App, delta: isize) {
    let rows = layout::reports_rows(app);
    let r = &mut app.reports;
    let len = r.reports().len();
    let before = r.cursor.selected;
    r.cursor.step(delta, len, rows);
    if r.cursor.selected != before {
        r.scroll = 0;
    }
}

/// Page up/down in the selected report's timeline.
pub fn scroll_by(app: &mut App, delta: isize) {
    let steps = app.reports.selected().map_or(0, |l| l.report.steps.len());
    let visible = layout::report_step_rows(app);
    let max = steps.saturating_sub(visible);
    let r = &mut app.reports;
    r.scroll = (r.scroll as isize + delta).clamp(0, max as isize) as usize;
}
