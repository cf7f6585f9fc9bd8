//! Popup helpers: a centred rectangle, cleared before drawing on top of the screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Clear;

/// A rectangle of at most `width` × `height`, centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Clears `area` so that a popup does not mix with what is below it.
pub fn clear(frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
}
