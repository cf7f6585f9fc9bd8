//! The world map (ratatui's canvas Map, low resolution, whole world: zoomed in, the low-resolution
//! outline stops being recognisable), with the two regions marked in their health colour.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
use ratatui::widgets::canvas::{Canvas, Map, MapResolution};

use super::theme::{self, Tone};
use crate::console::app::App;
use crate::health::{RegionHealth, RegionRole};
use crate::region::Region;

/// A region to mark: where, what it is called, and its health.
struct RegionMark {
    lon: f64,
    lat: f64,
    name: String,
    tone: Tone,
}

/// Draws the map with the primary and secondary regions marked.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let block = Block::bordered().title(" map ").border_style(t.muted());
    let inner = block.inner(area);
    let markers = markers(app);
    let (x, y) = ([-180.0, 180.0], [-90.0, 90.0]);
    let map_color = if t.mono {
        Color::Reset
    } else {
        Color::DarkGray
    };
    let cell = (
        360.0 / f64::from(inner.width.max(1)),
        180.0 / f64::from(inner.height.max(1)),
    );
    let west = markers.iter().map(|m| m.lon).fold(f64::INFINITY, f64::min);
    let canvas = Canvas::default()
        .block(block)
        .marker(Marker::Braille)
        .x_bounds(x)
        .y_bounds(y)
        .paint(move |ctx| {
            ctx.draw(&Map {
                resolution: MapResolution::Low,
                color: map_color,
            });
            ctx.layer();
            for m in &markers {
                let style = t.tone(m.tone);
                ctx.print(
                    m.lon,
                    m.lat,
                    Line::from(Span::styled(theme::tone_symbol(m.tone), style)),
                );
                let (lx, ly) = label_position(m, markers.len() > 1 && m.lon <= west, cell);
                ctx.print(
                    lx,
                    ly,
                    Line::from(Span::styled(format!(" {} ", m.name), style)),
                );
            }
        });
    frame.render_widget(canvas, area);
}

/// The known regions of the deployment with their health (unknown until a snapshot lands).
fn markers(app: &App) -> Vec<RegionMark> {
    let roles = [
        (RegionRole::Primary, &app.meta.primary),
        (RegionRole::Secondary, &app.meta.secondary),
    ];
    roles
        .into_iter()
        .filter_map(|(role, name)| {
            let info = Region::new(name).info()?;
            let health = app
                .snapshot
                .as_ref()
                .and_then(|s| s.region(role))
                .map(|r| r.health);
            let tone = health.map_or(Tone::Muted, theme::region_tone);
            let tone = if health == Some(RegionHealth::Healthy) {
                Tone::Good
            } else {
                tone
            };
            Some(RegionMark {
                lon: info.lon,
                lat: info.lat,
                name: name.clone(),
                tone,
            })
        })
        .collect()
}

/// Where a mark's label goes: right of the mark, or left of it for the western of two marks (so
/// close regions do not overwrite each other), or above it when there is no room at the side.
fn label_position(m: &RegionMark, west: bool, cell: (f64, f64)) -> (f64, f64) {
    let len = m.name.chars().count() as f64 + 2.0;
    let left = m.lon - cell.0 * len;
    let right = m.lon + cell.0;
    let fits_right = right + cell.0 * len <= 180.0;
    match (west, left >= -180.0, fits_right) {
        (true, true, _) | (false, true, false) => (left, m.lat),
        (false, _, true) => (right, m.lat),
        _ => (
            (m.lon - cell.0 * len / 2.0).clamp(-180.0, 180.0 - cell.0 * len),
            (m.lat + cell.1).min(90.0),
        ),
    }
}
