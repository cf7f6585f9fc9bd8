//! The workspace detail's side-by-side view of the standby: both workspaces' marks for every
//! item (datastores, assets, links, roles, network), failing items counted and standing out in
//! every theme, hostile text sanitized, and nothing new for components without items.

use crate::console_support;

use azfailover::console::ui::theme::{Palette, Theme};
use azfailover::console::{Action, App, Badge, Screen, update};
use azfailover::health::{CheckId, Snapshot};
use console_support::*;
use insta::assert_snapshot;
use ratatui::style::{Color, Modifier};

/// The detail of the component `name` in a console that has received `snap`.
fn detail(snap: Snapshot, size: (u16, u16), name: &str) -> App {
    let mut app = app_with(&options(Badge::Live), size, &[snap]);
    while app.selected_component().is_some_and(|c| c.name != name) {
        update(&mut app, Action::Down);
    }
    update(&mut app, Action::Open);
    assert_eq!(app.screen, Screen::Detail);
    assert_eq!(app.detail.as_deref(), Some(name));
    app
}

/// The row on which `text` first appears.
fn row_of(rows: &[String], text: &str) -> String {
    rows.iter()
        .find(|r| r.contains(text))
        .unwrap_or_else(|| panic!("'{text}' is not on screen:\n{}", rows.join("\n")))
        .clone()
}

#[test]
fn the_workspace_detail_shows_both_workspaces_side_by_side() {
    for size in [(120, 40), (80, 24)] {
        let app = detail(standby_drift(), size, "workspace");
        let t = draw(&app);
        assert_snapshot!(
            format!("standby_workspace_{}x{}", size.0, size.1),
            t.backend()
        );
        assert!(on_screen(
            &t,
            "STANDBY WORKSPACE · ✖ 4 missing in westus · ? 2 unknown"
        ));
    }
    // Tall enough for the whole section.
    let app = detail(standby_drift(), (120, 80), "workspace");
    let t = draw(&app);
    let rows = rows(&t);
    assert!(on_screen(&t, "┌── mlw-contoso-eastus (primary, eastus)"));
    assert!(on_screen(&t, "│ ┌ mlw-contoso-westus (secondary, westus)"));
    // Marks first, in two fixed columns: primary then secondary.
    assert!(row_of(&rows, "datastore training_data").contains("  ✔ ✔   datastore training_data"));
    assert!(row_of(&rows, "datastore scoring_inputs").contains("  ✔ ✖   datastore scoring_inputs"));
    assert!(
        row_of(&rows, "code score-src:2").contains("  ✔ ?   code score-src:2"),
        "unknown is ?, never ✔"
    );
    assert!(
        row_of(&rows, "default storage").contains("  ? ✔   default storage"),
        "not the primary's to have: ?"
    );
    // Grouped in the view's order whatever the derivations' order (assets came after links).
    let at = |text: &str| rows.iter().position(|r| r.contains(text)).unwrap();
    let order = [
        "│ │ datastores",
        "      assets",
        "      linked resources",
        "      identity roles",
        "      private network",
        "      managed network",
        "PROPERTIES",
    ];
    for pair in order.windows(2) {
        assert!(at(pair[0]) < at(pair[1]), "{pair:?}:\n{}", rows.join("\n"));
    }
    assert!(
        at("STANDBY WORKSPACE") > at("READINESS CHECKS"),
        "right under the checks"
    );
}

#[test]
fn a_failing_items_note_is_on_screen_in_the_bad_style() {
    let app = detail(standby_drift(), (120, 40), "workspace");
    let t = draw(&app);
    let note = "points at stfeatures/other";
    assert!(on_screen(&t, note), "{}", rows(&t).join("\n"));
    assert_eq!(cell_of(&t, note).fg, Color::LightRed);
    assert_eq!(cell_of(&t, "datastore features").fg, Color::LightRed);
    assert!(
        row_of(&rows(&t), "✔ ✖   environment churn-env:3").contains("missing"),
        "a failing item without a note says missing"
    );
    assert_eq!(
        cell_of(&t, "stcontosotraindata/training").fg,
        Color::DarkGray,
        "the note of an item in both is quiet"
    );
    assert_eq!(cell_of(&t, "datastore training_data").fg, Color::Reset);
    assert_eq!(cell_of(&t, "✖ 4 missing in westus").fg, Color::LightRed);
}

#[test]
fn at_80_columns_the_table_wraps_inside_its_columns_and_scrolls_to_the_end() {
    let mut app = detail(standby_drift(), (80, 24), "workspace");
    update(&mut app, Action::Bottom);
    assert!(app.detail_scroll > 0, "the detail scrolls");
    let t = draw(&app);
    assert_snapshot!("standby_workspace_80x24_end", t.backend());
    let rows = rows(&t);
    assert!(
        rows[21].contains("$ az ml workspace show"),
        "the end is reachable: the scrolling limit counts the section\n{}",
        rows.join("\n")
    );
    for r in &rows[8..22] {
        assert_eq!(r.chars().count(), 80);
        assert!(
            r.starts_with('│') && r.ends_with('│'),
            "the border holds: {r}"
        );
    }
    // A long item wraps in its column, its note beside it, wrapped in its own.
    let first = rows
        .iter()
        .position(|r| r.contains("managed network (allow"))
        .unwrap();
    assert!(rows[first].contains("  ✔ ✖   managed network (allow"));
    assert!(rows[first].contains("Inactive: ≈30 min to"));
    assert!(rows[first + 1].starts_with("│        outbound)"));
    assert!(rows[first + 1].contains("provision"));
}

#[test]
fn components_without_standby_items_show_nothing_new() {
    let mut snap = standby_drift();
    snap.components[0].standby.clear();
    let app = detail(snap, (80, 24), "workspace");
    let t = draw(&app);
    assert_snapshot!("workspace_without_standby_items_80x24", t.backend());
    assert!(!on_screen(&t, "STANDBY"));
    for c in healthy().components {
        let app = detail(healthy(), (120, 40), &c.name);
        assert!(!on_screen(&draw(&app), "STANDBY"), "{}", c.name);
    }
}

#[test]
fn without_colour_failing_and_unknown_items_still_stand_out() {
    let mut app = detail(standby_drift(), (120, 40), "workspace");
    app.theme = Theme::mono();
    let t = draw(&app);
    let buf = t.backend().buffer();
    assert!(
        buf.content
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset),
        "NO_COLOR draws no colour at all"
    );
    let failing = cell_of(&t, "datastore scoring_inputs").modifier;
    assert!(
        failing.contains(Modifier::REVERSED | Modifier::BOLD),
        "{failing:?}"
    );
    let passing = cell_of(&t, "datastore training_data").modifier;
    assert!(passing.is_empty(), "{passing:?}");
    let rows = rows(&t);
    let y = rows
        .iter()
        .position(|r| r.contains("code score-src:2"))
        .unwrap() as u16;
    let row = &rows[y as usize];
    let x = row[..row.find("✔ ?").unwrap()].chars().count() as u16 + 2;
    let unknown = &buf[(x, y)];
    assert_eq!(unknown.symbol(), "?");
    assert!(
        unknown
            .modifier
            .contains(Modifier::BOLD | Modifier::UNDERLINED)
    );

    app.theme = Theme::with(Palette::HIGH_CONTRAST);
    let t = draw(&app);
    let failing = cell_of(&t, "points at stfeatures/other");
    assert_eq!(failing.fg, Color::LightRed);
    assert!(failing.modifier.contains(Modifier::BOLD));
}

#[test]
fn hostile_text_in_standby_items_never_reaches_the_screen_raw() {
    let mut snap = standby_drift();
    let w = &mut snap.components[0];
    w.standby[0].item = "datastore evil\x1b[31m-store\r\n\tx\u{7}".into();
    w.standby[1].note = "gone\x1b]0;owned\x07 for good\x1b[2J".into();
    w.standby[3].check = CheckId::Other("odd\x1b[5m area".into());
    w.properties[1].1 = "mlw-\x1b]52;c;cGFzdGU=\x07eastus\u{202e}".into();
    // Tall enough for the whole section: the odd area comes last.
    let app = detail(snap, (120, 80), "workspace");
    let t = draw(&app);
    for cell in t.backend().buffer().content.iter() {
        assert!(
            !cell
                .symbol()
                .chars()
                .any(|c| c.is_control() || c == '\u{202e}'),
            "control character drawn: {:?}",
            cell.symbol()
        );
    }
    for residue in ["[31m", "]0;owned", "[2J", "[5m", "]52;", "cGFzdGU="] {
        assert!(!on_screen(&t, residue), "{residue} drawn");
    }
    assert!(on_screen(&t, "datastore evil-store x"));
    assert!(on_screen(&t, "gone for good"));
    assert!(
        on_screen(&t, "odd area"),
        "an area name is text from outside too"
    );
    assert!(on_screen(&t, "┌── mlw-eastus (primary, eastus)"));
}
