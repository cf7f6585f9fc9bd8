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
