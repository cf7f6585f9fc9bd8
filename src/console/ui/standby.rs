//! The workspace detail's side-by-side view of the standby: every item the secondary workspace
//! must hold (datastores, assets, links, roles, network), with whether each workspace has it,
//! so the drift shows at a glance. The two marks come first, in fixed columns under the two
//! workspaces' names, so the eye runs down one strip of ✔ and stops at a ✖ or a ?.
//!
//! ```text
//! STANDBY WORKSPACE · ✖ 2 missing in westus · ? 1 unknown
//!   ┌── mlw-contoso-eastus (primary, eastus)
//!   │ ┌ mlw-contoso-westus (secondary, westus)
//!   │ │ datastores
//!   ✔ ✔   datastore training_data        stcontosotraindata/training
//!   ✔ ✖   datastore scoring_inputs       missing
//! ```

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use textwrap::core::display_width;

use super::theme::{Tone, tone_symbol};
use crate::console::app::App;
use crate::health::{CheckId, ComponentStatus, StandbyItem};
use crate::text::one_line;

/// The areas in the order the view lists them; items of any other check come last.
const AREAS: [CheckId; 6] = [
    CheckId::Datastores,
    CheckId::Assets,
    CheckId::LinkedResources,
    CheckId::IdentityRoles,
    CheckId::PrivateNetwork,
    CheckId::ManagedNetwork,
];
/// Where an area's name starts (right of the two mark columns).
const AREA_AT: usize = 6;
/// Where an item starts: "  ✔ ✖   item".
const ITEM_AT: usize = 8;
/// Between the item and its note.
const GAP: usize = 2;
/// A note column narrower than this goes under its item instead.
const NOTE_MIN: usize = 14;
/// Lines an item or a note wraps to at most (the last one cut with "…").
const MAX_LINES: usize = 3;

/// The section, or nothing when the component has no standby items (`width`: the column's
/// inner width).
pub fn section(app: &App, c: &ComponentStatus, width: usize) -> Vec<Line<'static>> {
    if c.standby.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![Line::default(), title(app, &c.standby)];
    lines.extend(names(app, c, width));
    let cols = Columns::for_items(&c.standby, width);
    for (i, (area, items)) in grouped(&c.standby).into_iter().enumerate() {
        // The first area's row carries the names' lines down to the marks.
        let lead = if i == 0 { "  │ │ " } else { "      " };
        lines.push(Line::from(vec![
            Span::styled(lead, app.theme.muted()),
            Span::styled(one_line(area.as_str()), app.theme.heading()),
        ]));
        for item in items {
            lines.extend(item_lines(app, item, cols));
        }
    }
    lines
}

/// "STANDBY WORKSPACE · ✖ 2 missing in westus · ? 1 unknown" (or "✔ all 9 in westus").
fn title(app: &App, items: &[StandbyItem]) -> Line<'static> {
    let t = app.theme;
    let region = one_line(&app.meta.secondary);
    let missing = items.iter().filter(|i| i.missing()).count();
    let unknown = items.iter().filter(|i| i.secondary.is_none()).count();
    let held = items.len() - missing - unknown;
    let (count, tone) = if missing > 0 {
        (format!("✖ {missing} missing in {region}"), Tone::Bad)
    } else if unknown > 0 {
        (
            format!("{held} of {} in {region}", items.len()),
            Tone::Plain,
        )
    } else {
        (format!("✔ all {} in {region}", items.len()), Tone::Good)
    };
    let mut spans = vec![
        Span::styled("STANDBY WORKSPACE · ", t.heading()),
        Span::styled(count, t.tone(tone).patch(t.heading())),
    ];
    if unknown > 0 {
        spans.push(Span::styled(" · ", t.heading()));
        spans.push(Span::styled(
            format!("? {unknown} unknown"),
            t.tone(Tone::Unknown),
        ));
    }
    Line::from(spans)
}

/// The two lines naming the workspaces above their mark columns.
fn names(app: &App, c: &ComponentStatus, width: usize) -> [Line<'static>; 2] {
    let t = app.theme;
    let room = width.saturating_sub(AREA_AT);
    let line = |lead: &'static str, key: &str, role: &str, region: &str| {
        let name = workspace_name(c, key, region);
        let name = cut(&name, room);
        let role = cut(
            &format!(" ({role}, {})", one_line(region)),
            room.saturating_sub(display_width(&name)),
        );
        Line::from(vec![
            Span::styled(lead, t.muted()),
            Span::styled(name, t.heading()),
            Span::styled(role, t.muted()),
        ])
    };
    [
        line("  ┌── ", "primary workspace", "primary", &app.meta.primary),
        line(
            "  │ ┌ ",
            "secondary workspace",
            "secondary",
            &app.meta.secondary,
        ),
    ]
}

/// A workspace's name: the component's property, else its resource in that region, else "?".
fn workspace_name(c: &ComponentStatus, key: &str, region: &str) -> String {
    let property = c.properties.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    let resource = || {
        c.instance(region)
            .and_then(|i| i.resource_id.rsplit('/').next())
            .filter(|n| !n.is_empty())
    };
    let name = property
        .map(String::as_str)
        .or_else(resource)
        .unwrap_or("?");
    one_line(name)
}

/// The items by area, in the order of `AREAS` (then any other area in the order met); each
/// area's items in the order the derivations gave them.
fn grouped(items: &[StandbyItem]) -> Vec<(&CheckId, Vec<&StandbyItem>)> {
    let mut areas: Vec<&CheckId> = AREAS
        .iter()
        .filter(|a| items.iter().any(|i| &i.check == *a))
        .collect();
    for i in items {
        if !areas.contains(&&i.check) {
            areas.push(&i.check);
        }
    }
    areas
        .into_iter()
        .map(|a| (a, items.iter().filter(|i| &i.check == a).collect()))
        .collect()
}

/// The widths of the item and note columns.
#[derive(Debug, Clone, Copy)]
struct Columns {
    item: usize,
    /// None: too narrow, each note goes under its item.
    note: Option<usize>,
}

impl Columns {
    /// The split of the room that takes the fewest lines (items and notes each wrapped in their
    /// column, one cell spare at the right); notes go under their items when no split leaves
    /// them `NOTE_MIN` cells.
    fn for_items(items: &[StandbyItem], width: usize) -> Columns {
        let room = width.saturating_sub(ITEM_AT + 1).max(10);
        let under = Columns {
            item: room,
            note: None,
        };
        let texts: Vec<(String, String)> =
            items.iter().map(|i| (one_line(&i.item), note(i))).collect();
        if texts.iter().all(|(_, n)| n.is_empty()) || room < 10 + GAP + NOTE_MIN {
            return under;
        }
        let rows = |item: usize| -> usize {
            let note = room - GAP - item;
            texts
                .iter()
                .map(|(i, n)| parts(i, item).len().max(parts(n, note).len()))
                .sum()
        };
        let splits: Vec<(usize, usize)> =
            (10..=room - GAP - NOTE_MIN).map(|w| (rows(w), w)).collect();
        let fewest = splits.iter().map(|&(r, _)| r).min().unwrap_or(0);
        // Of the splits that take the fewest lines, the middle one: neither column starved.
        let best: Vec<usize> = splits
            .into_iter()
            .filter(|&(r, _)| r == fewest)
            .map(|(_, w)| w)
            .collect();
        let item = best.get(best.len() / 2).copied().unwrap_or(10);
        Columns {
            item,
            note: Some(room - GAP - item),
        }
    }
}

/// The note shown: the item's, or "missing" for a failing item without one.
fn note(i: &StandbyItem) -> String {
    let note = one_line(&i.note);
    if note.is_empty() && i.missing() {
        "missing".into()
    } else {
        note
    }
}

/// The primary's mark: ✔, ✖ (drift, not a blocker) or a quiet ? (unknown, or not its to have).
fn primary_mark(has: Option<bool>) -> (&'static str, Tone) {
    match has {
        Some(true) => (tone_symbol(Tone::Good), Tone::Good),
        Some(false) => (tone_symbol(Tone::Bad), Tone::Warn),
        None => (tone_symbol(Tone::Unknown), Tone::Muted),
    }
}

/// The secondary's mark: ✔, ✖ (the standby lacks it) or ? (unknown).
fn secondary_mark(has: Option<bool>) -> (&'static str, Tone) {
    match has {
        Some(true) => (tone_symbol(Tone::Good), Tone::Good),
        Some(false) => (tone_symbol(Tone::Bad), Tone::Bad),
        None => (tone_symbol(Tone::Unknown), Tone::Unknown),
    }
}

/// "  ✔ ✖   datastore scoring_inputs       missing", the item and its note each wrapped in its
/// column; a failing item's text and note in the bad style.
fn item_lines(app: &App, i: &StandbyItem, cols: Columns) -> Vec<Line<'static>> {
    let t = app.theme;
    let (text_style, note_style) = if i.missing() {
        (t.tone(Tone::Bad), t.tone(Tone::Bad))
    } else if i.secondary.is_none() {
        (Style::new(), Style::new())
    } else {
        (Style::new(), t.muted())
    };
    let item = parts(&one_line(&i.item), cols.item);
    let note = note(i);
    let (p, p_tone) = primary_mark(i.primary);
    let (s, s_tone) = secondary_mark(i.secondary);
    let mut lines = Vec::new();
    let beside = cols.note.map_or(Vec::new(), |w| parts(&note, w));
    for row in 0..item.len().max(beside.len()).max(1) {
        let mut spans = if row == 0 {
            vec![
                Span::raw("  "),
                Span::styled(p, t.tone(p_tone)),
                Span::raw(" "),
                Span::styled(s, t.tone(s_tone)),
                Span::raw("   "),
            ]
        } else {
            vec![Span::raw(" ".repeat(ITEM_AT))]
        };
        let text = item.get(row).cloned().unwrap_or_default();
        let pad = cols.item.saturating_sub(display_width(&text));
        if let Some(n) = beside.get(row) {
            spans.push(Span::styled(text, text_style));
            spans.push(Span::raw(" ".repeat(pad + GAP)));
            spans.push(Span::styled(n.clone(), note_style));
        } else if !text.is_empty() {
            spans.push(Span::styled(text, text_style));
        }
        lines.push(Line::from(spans));
    }
    if cols.note.is_none() {
        let indent = ITEM_AT + 2;
        for n in parts(&note, cols.item.saturating_sub(2)) {
            lines.push(Line::from(vec![
                Span::raw(" ".repeat(indent)),
                Span::styled(n, note_style),
            ]));
        }
    }
    lines
}

/// `text` wrapped to `width` cells, at most `MAX_LINES` lines (none for empty text).
fn parts(text: &str, width: usize) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    super::fmt::wrap(text, width.max(1), MAX_LINES)
        .into_iter()
        .map(|l| cut(&l, width))
        .collect()
}

/// `text` cut to `width` display cells (wide characters counted as two), "…" when cut.
fn cut(text: &str, width: usize) -> String {
    if display_width(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in text.chars() {
        let w = display_width(ch.encode_utf8(&mut [0; 4]));
        if used + w + 1 > width {
            break;
        }
        out.push(ch);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Columns, cut, display_width};
    use crate::health::{CheckId, StandbyItem};

    fn item(text: &str, note: &str) -> StandbyItem {
        StandbyItem {
            check: CheckId::Datastores,
            item: text.into(),
            primary: Some(true),
            secondary: Some(true),
            note: note.into(),
            fix: None,
        }
    }

    #[test]
    fn wide_characters_are_cut_by_their_cells() {
        let cut = cut("東日本リージョン", 7);
        assert_eq!(cut, "東日本…");
        assert!(display_width(&cut) <= 7);
        assert_eq!(super::cut("abc", 3), "abc");
    }

    #[test]
    fn the_split_wastes_no_line_and_leaves_the_notes_room() {
        let items = [
            item("datastore training_data", "stcontosotraindata/training"),
            item("datastore scoring_inputs", "missing"),
        ];
        let cols = Columns::for_items(&items, 78);
        let (item_w, note_w) = (cols.item, cols.note.expect("notes beside"));
        assert!(item_w >= "datastore scoring_inputs".len(), "{cols:?}");
        assert!(note_w >= "stcontosotraindata/training".len(), "{cols:?}");
        assert_eq!(super::ITEM_AT + item_w + super::GAP + note_w + 1, 78);
    }

    #[test]
    fn narrow_columns_or_no_notes_give_the_items_the_whole_row() {
        let noted = [item("datastore training_data", "on stcontosotraindata")];
        assert_eq!(Columns::for_items(&noted, 30).note, None);
        let bare = [item("key vault kv-contoso-ml", "")];
        let cols = Columns::for_items(&bare, 78);
        assert_eq!((cols.item, cols.note), (78 - super::ITEM_AT - 1, None));
    }
}
