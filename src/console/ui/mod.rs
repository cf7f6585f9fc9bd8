//! Pure drawing: one `render(frame, &App, area)` per area of the screen. Nothing here reads
//! the clock, the terminal or the network; the state has everything.

pub mod components;
pub mod detail;
pub mod fleet;
pub mod fmt;
pub mod header;
pub mod help;
pub mod map;
pub mod popup;
pub mod regions;
pub mod reports;
pub mod runbook;
pub mod sections;
pub mod small;
pub mod standby;
pub mod status;
pub mod timeline;

use ratatui::Frame;

/// Layout and theme are the console's state (update scrolls and hits rows by them); the
/// renderers read them from here as before.
pub use super::{layout, theme};

use super::app::{App, Screen};

/// Draws one whole frame.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if layout::too_small(area) {
        small::render(frame, app, area);
        return;
    }
    let areas = layout::areas(area, app);
    header::render(frame, app, areas.header);
    match app.screen {
        Screen::Overview => {
            regions::render(frame, app, areas.regions);
            if let Some(map) = areas.map {
                map::render(frame, app, map);
            }
            components::render(frame, app, areas.body);
        }
        Screen::Timeline => timeline::render(frame, app, areas.body),
        Screen::Detail => detail::render(frame, app, areas.body),
        Screen::Runbook => {
            regions::render(frame, app, areas.regions);
            runbook::render(frame, app, areas.body);
        }
        Screen::Reports => reports::render(frame, app, areas.body),
    }
    status::render(frame, app, areas.status);
    if let Some(kind) = app.start_ask {
        runbook::render_start_ask(frame, app, kind, areas.body);
    }
    if app.help {
        help::render(frame, app, area);
    }
}

/// Everything on screen that changes with the clock alone (the refresh age, an expiring
/// message). The event loop skips a tick's redraw while this stays the same.
pub fn clock_signature(app: &App) -> (String, bool) {
    let age: String = header::freshness(app)
        .iter()
        .map(|s| s.content.as_ref())
        .collect();
    let mut age = age;
    age.push_str(&runbook::clock_signature(app));
    (age, app.message.is_some())
}
