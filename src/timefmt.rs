//! Time helpers: RFC 3339 and HTTP dates, and human durations ("90s", "2m", "1h30m").

use std::time::Duration;

use time::OffsetDateTime;
use time::format_description::well_known::{Rfc2822, Rfc3339};

/// RFC 3339 with whole seconds, e.g. `2026-11-26T02:41:07Z`.
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.replace_nanosecond(0)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// "02:41:07" (UTC).
pub fn hhmmss(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
}

/// Parses an RFC 3339 timestamp.
pub fn parse_rfc3339(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// An HTTP `Date` header value (IMF-fixdate), e.g. `Thu, 26 Nov 2026 02:41:07 GMT`.
pub fn http_date(t: OffsetDateTime) -> String {
    let s = t
        .to_offset(time::UtcOffset::UTC)
        .format(&Rfc2822)
        .unwrap_or_default();
    s.replace(" +0000", " GMT")
}

/// Parses an HTTP date ("Thu, 26 Nov 2026 02:41:07 GMT", as in `Date` and `Retry-After`).
pub fn parse_http_date(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(&s.trim().replace(" GMT", " +0000"), &Rfc2822).ok()
}

/// The longest duration a configuration, scenario or fault may name: 10 years.
pub const DURATION_MAX_SECS: f64 = 10.0 * 365.0 * 86_400.0;

/// Seconds as a duration, when they are a number from 0 to `DURATION_MAX_SECS`.
pub fn bounded_secs(secs: f64) -> Option<Duration> {
    (secs.is_finite() && (0.0..=DURATION_MAX_SECS).contains(&secs))
        .then(|| Duration::from_secs_f64(secs))
}

/// Parses "90", "90s", "2m", "1h", "1h30m", "1.5m" into a duration (at most 10 years).
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(secs) = s.parse::<f64>() {
        return bounded_secs(secs);
    }
    let mut total = 0.0;
    let mut num = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let n: f64 = num.parse().ok()?;
        num.clear();
        total += n * match c {
            's' => 1.0,
            'm' => 60.0,
            'h' => 3600.0,
            _ => return None,
        };
    }
    if !num.is_empty() {
        return None;
    }
    bounded_secs(total)
}

/// "6 min", "45 s", "1 h 05 min": a short human form of a duration.
pub fn human(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min", s / 60),
        _ => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
    }
}

/// A step's duration to the second under an hour: "40 s", "4 min 10 s", "1 h 05 min".
pub fn human_exact(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 if s.is_multiple_of(60) => format!("{} min", s / 60),
        60..=3599 => format!("{} min {} s", s / 60, s % 60),
        _ => human(d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1.5m"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("3x"), None);
        assert_eq!(parse_duration("5m3"), None);
        assert_eq!(human(Duration::from_secs(360)), "6 min");
        assert_eq!(human_exact(Duration::from_secs(250)), "4 min 10 s");
        assert_eq!(human_exact(Duration::from_secs(240)), "4 min");
        assert_eq!(human_exact(Duration::from_secs(3900)), "1 h 05 min");
    }

    #[test]
    fn formats() {
        let t = time::macros::datetime!(2026-11-26 02:41:07.5 UTC);
        assert_eq!(rfc3339(t), "2026-11-26T02:41:07Z");
        assert_eq!(http_date(t), "Thu, 26 Nov 2026 02:41:07 GMT");
        assert_eq!(
            parse_rfc3339("2026-11-26T02:41:07Z"),
            Some(t.replace_nanosecond(0).unwrap())
        );
    }
}
