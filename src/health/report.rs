//! `status --format table`: the snapshot as plain text a responder can read over SSH or paste
//! into an incident channel. Text from Azure is stripped of control characters.

use std::fmt::Write;

use super::model::*;

/// Untrusted text on one line, as every output shows it (the one toolkit in `crate::text`).
pub fn sanitize(s: &str) -> String {
    crate::text::one_line(s)
}

fn word_region(h: RegionHealth) -> &'static str {
    match h {
        RegionHealth::Healthy => "healthy",
        RegionHealth::Degraded => "DEGRADED",
        RegionHealth::Outage => "OUTAGE",
        RegionHealth::Unknown => "UNKNOWN",
    }
}

fn word_instance(h: InstanceHealth) -> &'static str {
    match h {
        InstanceHealth::Available => "available",
        InstanceHealth::Degraded => "degraded",
        InstanceHealth::Unavailable => "UNAVAILABLE",
        InstanceHealth::Unknown => "unknown",
    }
}

pub use super::words::{lag_text, ready_word};

/// Columns padded to their widest cell, two spaces apart (the last one not padded).
pub(crate) fn table(out: &mut String, headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, cell) in r.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |out: &mut String, cells: Vec<String>| {
        let last = cells.len() - 1;
        for (i, c) in cells.into_iter().enumerate() {
            if i == last {
                let _ = write!(out, "{c}");
            } else {
                let _ = write!(out, "{c:<w$}  ", w = widths[i]);
            }
        }
        out.push('\n');
    };
    line(out, headers.iter().map(|h| h.to_string()).collect());
    for r in rows {
        line(out, r.clone());
    }
}

/// The whole snapshot as text.
pub fn render_table(s: &Snapshot) -> String {
    let mut out = String::new();
    let overall = match s.overall {
        Overall::Healthy => "HEALTHY",
        Overall::Degraded => "DEGRADED",
        Overall::Outage => "OUTAGE",
    };
    let _ = writeln!(
        out,
        "{} — {overall}   (at {} UTC, {} requests in {} ms{})",
        sanitize(&s.deployment),
        crate::timefmt::rfc3339(s.taken_at)
            .trim_end_matches('Z')
            .replace('T', " "),
        s.requests,
        s.duration_ms,
        s.identity
            .as_ref()
            .map(|i| format!(", as {}", sanitize(i)))
            .unwrap_or_default()
    );
    let _ = writeln!(out, "{}\n", sanitize(&s.verdict.summary));
    let rows: Vec<Vec<String>> = s
        .regions
        .iter()
        .map(|r| {
            let mut reason = sanitize(&r.reason);
            if let Some(t) = r.not_responding_since {
                reason = format!(
                    "not responding since {} UTC",
                    &crate::timefmt::rfc3339(t)[11..16]
                );
            }
            vec![
                r.name.clone(),
                format!("{:?}", r.role).to_lowercase(),
                word_region(r.health).to_string(),
                format!("{}/{}", r.available, r.resources),
                reason,
            ]
        })
        .collect();
    table(
        &mut out,
        &["REGION", "ROLE", "HEALTH", "AVAILABLE", "WHY"],
        &rows,
    );
    for r in &s.regions {
        for i in r.incidents.iter().filter(|i| i.active) {
            let _ = writeln!(
                out,
                "  ! {} incident {}: {}",
                r.name,
                sanitize(&i.tracking_id),
                sanitize(&i.title)
            );
        }
    }
    out.push('\n');
    let primary = s
        .region(RegionRole::Primary)
        .map(|r| r.name.clone())
        .unwrap_or_default();
    let secondary = s
        .region(RegionRole::Secondary)
        .map(|r| r.name.clone())
        .unwrap_or_default();
    let rows: Vec<Vec<String>> = s
        .components
        .iter()
        .map(|c| {
            let inst = |r: &str| {
                c.instance(r)
                    .map_or("-".to_string(), |i| word_instance(i.health).to_string())
            };
            vec![
                sanitize(&c.name),
                c.kind.to_string(),
                c.mode.to_string(),
                super::words::active_word(c, &primary, &secondary),
                inst(&primary),
                inst(&secondary),
                lag_text(c),
                ready_word(c, &secondary).into(),
                sanitize(&c.ha_status),
            ]
        })
        .collect();
    let p_head = format!("{} (P)", primary);
    let s_head = format!("{} (S)", secondary);
    table(
        &mut out,
        &[
            "COMPONENT",
            "KIND",
            "MODE",
            "ACTIVE",
            &p_head,
            &s_head,
            "LAG / RPO",
            "READY",
            "HA STATUS",
        ],
        &rows,
    );
    for e in &s.errors {
        let _ = writeln!(out, "\nwarning: {}", sanitize(e));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_strips_control_characters() {
        // No residue of the escape sequence, no bidi override.
        assert_eq!(sanitize("ok\x1b[31mred\r\nnext\t\u{7}"), "okred next");
        assert_eq!(sanitize("a\u{202e}b\x1b]0;pwned\x07c"), "abc");
        assert_eq!(sanitize("plain name"), "plain name");
    }
}
