//! Small text helpers shared by the renderers: clock times, ages, lags, truncation.

use std::borrow::Cow;

use time::OffsetDateTime;

/// "02:41" (UTC).
pub fn hhmm(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{:02}:{:02}", t.hour(), t.minute())
}

pub use crate::timefmt::hhmmss;

/// Whole seconds from `then` to `now` (never negative).
pub fn seconds_between(then: OffsetDateTime, now: OffsetDateTime) -> u64 {
    (now - then).whole_seconds().max(0) as u64
}

/// "12 s", "6 min", "1 h 05 min".
pub fn human_secs(secs: u64) -> String {
    crate::timefmt::human(std::time::Duration::from_secs(secs))
}

/// A lag in a narrow cell: "95s", "26m", "3h05m".
pub fn compact_secs(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    match s {
        0..=99 => format!("{s}s"),
        100..=5999 => format!("{}m", s / 60),
        _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// Cuts `text` to `width` characters, ending with "…" when cut.
pub fn fit(text: &str, width: usize) -> Cow<'_, str> {
    if text.chars().count() <= width {
        return Cow::Borrowed(text);
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    Cow::Owned(out)
}

/// Wraps `text` into lines of at most `width` cells (words kept whole where they fit); at most
/// `max_lines`, the last one ending with "…" when text was left out.
pub fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    if max_lines == 0 || width == 0 {
        return Vec::new();
    }
    let mut lines: Vec<String> = textwrap::wrap(text, width.max(1))
        .into_iter()
        .map(|l| l.into_owned())
        .collect();
    if lines.len() > max_lines {
        // The last row takes what is left, cut: as much text as fits, never an early "…".
        let rest = lines[max_lines - 1..].join(" ");
        lines.truncate(max_lines - 1);
        lines.push(fit(&rest, width).into_owned());
    }
    lines
}
