//! Screens drawn into a TestBackend at 80×24 and 120×40, compared with insta snapshots; the
//! colour-critical ones also assert cell styles. "Now" is an input, so nothing depends on the
//! clock.

use crate::console_support;

use azfailover::console::ui::theme::Theme;
use azfailover::console::{Action, App, Badge, Screen, update};
use azfailover::health::{HealthMsg, RegionHealth};
use console_support::*;
use insta::assert_snapshot;
use ratatui::style::{Color, Modifier};

/// The outage, seen by a console that saw the healthy snapshot first.
fn outage_app(size: (u16, u16)) -> App {
    app_with(&options(Badge::Live), size, &[healthy(), outage()])
}

/// Opens the detail of a component.
fn open(app: &mut App, name: &str) {
    while app.selected_component().is_some_and(|c| c.name != name) {
        update(app, Action::Down);
    }
    update(app, Action::Open);
}

#[test]
fn overview_healthy() {
    for size in [(120, 40), (80, 24)] {
        let app = app_with(&options(Badge::Live), size, &[healthy()]);
        let t = draw(&app);
        assert_snapshot!(
            format!("overview_healthy_{}x{}", size.0, size.1),
            t.backend()
        );
        assert_eq!(cell_of(&t, "healthy").fg, Color::Green);
        assert_eq!(
            cell_of(
                &t,
                "eastus healthy · standby ready: planned failover possible"
            )
            .fg,
            Color::Green,
            "the verdict's summary, green: nothing to do, and a planned failover would pass"
        );
    }
}

#[test]
fn overview_outage() {
    for size in [(120, 40), (80, 24)] {
        let app = outage_app(size);
        let t = draw(&app);
        assert_snapshot!(
            format!("overview_outage_{}x{}", size.0, size.1),
            t.backend()
        );
        let label = cell_of(&t, " ✖ OUTAGE ");
        assert_eq!(label.bg, Color::Red, "the outage label is white on red");
        assert!(on_screen(&t, "unknown — not responding since 02:41"));
        assert!(on_screen(&t, "[Critical] Multiple services"));
        assert_eq!(cell_of(&t, "DOWN").fg, Color::LightRed);
        assert_eq!(
            cell_of(&t, "eastus down · forced failover possible").fg,
            Color::Yellow,
            "amber: possible, forced"
        );
        assert!(
            !on_screen(&t, "blocked"),
            "the outage itself blocks nothing"
        );
    }
}

#[test]
fn after_the_failover_components_moved_are_no_alarm() {
    for size in [(120, 40), (80, 24)] {
        let snaps = [healthy(), outage(), after_failover()];
        let app = app_with(&options(Badge::Live), size, &snaps);
        let t = draw(&app);
        assert_snapshot!(format!("after_failover_{}x{}", size.0, size.1), t.backend());
        assert_eq!(
            cell_of(&t, "moved").fg,
            Color::Cyan,
            "READY of a component already failed over: neutral, not a red NO"
        );
        assert_eq!(
            cell_of(
                &t,
                "serving from westus · eastus down · fail back once eastus is healthy"
            )
            .fg,
            Color::Yellow
        );
    }
}

#[test]
fn a_standby_not_ready_is_said_in_red() {
    let mut snap = healthy();
    snap.regions[1].health = RegionHealth::Degraded;
    snap.regions[1].reason = "Service Health: degraded compute in West US".into();
    let app = app_with(&options(Badge::Live), (120, 40), &[snap]);
    let t = draw(&app);
    let text = "eastus healthy · standby not ready: 1 blocker: westus degraded (Service Health: degraded compute in West US)";
    assert!(on_screen(&t, text), "{}", rows(&t)[1]);
    assert_eq!(cell_of(&t, text).fg, Color::LightRed);
}

#[test]
fn overview_unknown_region() {
    let mut snap = outage();
    snap.regions[0].health = RegionHealth::Unknown;
    let app = app_with(&options(Badge::Live), (120, 40), &[snap]);
    let t = draw(&app);
    assert_eq!(cell_of(&t, " ? UNKNOWN ").bg, Color::Magenta);
    assert!(on_screen(&t, "unknown — not responding since 02:41"));
}

#[test]
fn component_detail() {
    for size in [(120, 40), (80, 24)] {
        let mut app = outage_app(size);
        open(&mut app, "training-data");
        assert_eq!(app.screen, Screen::Detail);
        let t = draw(&app);
        assert_snapshot!(
            format!("detail_training_data_{}x{}", size.0, size.1),
            t.backend()
        );
    }
    let mut app = app_with(&options(Badge::Live), (120, 40), &[healthy()]);
    open(&mut app, "images");
    let t = draw(&app);
    assert!(
        on_screen(&t, "○ observe"),
        "checks without a verdict say observe only"
    );
    assert_snapshot!("detail_images_120x40", t.backend());
}

#[test]
fn help_overlay() {
    for size in [(120, 40), (80, 24)] {
        let mut app = outage_app(size);
        update(&mut app, Action::ToggleHelp);
        let t = draw(&app);
        assert_snapshot!(format!("help_{}x{}", size.0, size.1), t.backend());
    }
}

#[test]
fn timeline_screen() {
    let mut app = outage_app((120, 40));
    update(&mut app, Action::Show(Screen::Timeline));
    let t = draw(&app);
    assert_snapshot!("timeline_120x40", t.backend());
    assert_eq!(cell_of(&t, "new incident").fg, Color::LightRed);
}

#[test]
fn too_small_terminal() {
    let app = outage_app((40, 10));
    let t = draw(&app);
    assert_snapshot!("too_small_40x10", t.backend());
    assert!(on_screen(&t, "80×24"));
}

#[test]
fn stale_cached_snapshot() {
    let mut opts = options(Badge::Live);
    opts.initial = Some(healthy());
    let mut app = App::new(&opts, Theme::color(), T1, (120, 40));
    update(&mut app, Action::Health(HealthMsg::Refreshing));
    let t = draw(&app);
    assert_snapshot!("stale_120x40", t.backend());
    assert_eq!(cell_of(&t, " STALE (cached 02:30) ").bg, Color::Yellow);
}

#[test]
fn waiting_for_the_first_snapshot() {
    let mut app = App::new(&options(Badge::Live), Theme::color(), T0, (80, 24));
    update(&mut app, Action::Health(HealthMsg::Refreshing));
    let t = draw(&app);
    assert_snapshot!("waiting_80x24", t.backend());
}

#[test]
fn demo_badge() {
    let mut opts = options(Badge::Demo);
    opts.identity = Some("simulator".into());
    opts.scenario = Some("eastus-outage".into());
    let app = app_with(&opts, (120, 40), &[healthy(), outage()]);
    let t = draw(&app);
    assert_snapshot!("demo_120x40", t.backend());
    let badge = cell_of(&t, "DEMO — SIMULATED AZURE");
    assert_eq!((badge.fg, badge.bg), (Color::Yellow, Color::Black));
    assert_eq!(
        cell_of(&t, "contoso-ml").bg,
        Color::Magenta,
        "the demo band is magenta, never production blue"
    );
}

#[test]
fn drill_badge_at_80_columns() {
    let mut opts = options(Badge::Drill);
    opts.scenario = Some("eastus-outage".into());
    opts.read_only = true;
    let app = app_with(&opts, (80, 24), &[healthy()]);
    let t = draw(&app);
    assert!(rows(&t)[0].contains("DRILL — SIMULATED AZURE"));
    assert!(
        rows(&t)[0].contains("READ-ONLY"),
        "the read-only badge survives a narrow terminal"
    );
    assert_eq!(cell_of(&t, "contoso-ml").bg, Color::Yellow);
}

#[test]
fn read_only_badge() {
    let mut opts = options(Badge::Live);
    opts.read_only = true;
    let app = app_with(&opts, (120, 40), &[healthy()]);
    let t = draw(&app);
    assert_snapshot!("read_only_120x40", t.backend());
    assert_eq!(cell_of(&t, " READ-ONLY ").bg, Color::Cyan);
    assert_eq!(cell_of(&t, "contoso-ml").bg, Color::Blue);
}

#[test]
fn typing_a_command_shows_a_second_status_row() {
    let mut app = outage_app((80, 24));
    update(&mut app, Action::StartCommand);
    for c in "fault region-outage eastus".chars() {
        update(&mut app, Action::Type(c));
    }
    let t = draw(&app);
    assert_snapshot!("command_line_80x24", t.backend());
}

#[test]
fn no_color_keeps_selection_and_alarms_visible() {
    let mut opts = options(Badge::Demo);
    opts.read_only = true;
    let mut app = app_with(&opts, (120, 40), &[healthy(), outage()]);
    app.theme = Theme::mono();
    update(&mut app, Action::Down);
    let t = draw(&app);
    let buf = t.backend().buffer();
    let all_reset = buf
        .content
        .iter()
        .all(|c| c.fg == Color::Reset && c.bg == Color::Reset);
    assert!(all_reset, "NO_COLOR draws no colour at all");
    let selected = cell_of(&t, "train-cluster");
    assert!(
        selected.modifier.contains(Modifier::REVERSED),
        "the selection is reverse video"
    );
    assert!(
        cell_of(&t, " ✖ OUTAGE ")
            .modifier
            .contains(Modifier::REVERSED | Modifier::BOLD)
    );
    let band = cell_of(&t, "contoso-ml").modifier;
    assert!(
        band.contains(Modifier::REVERSED),
        "the header band is reversed"
    );
    for badge in ["DEMO — SIMULATED AZURE", "READ-ONLY"] {
        let m = cell_of(&t, badge).modifier;
        assert!(
            m.contains(Modifier::BOLD) && !m.contains(Modifier::REVERSED),
            "{badge} stands out of the band: {m:?}"
        );
    }
}

#[test]
fn hostile_names_are_sanitized_everywhere() {
    let mut snap = outage();
    snap.components[0].name = HOSTILE.into();
    snap.components[0].ha_status = "ok\x1b]0;owned\x07".into();
    snap.regions[0].incidents[0].title = "Bad\x1b[2J\rtitle".into();
    snap.regions[1].display_name = "West\x1b[5m US".into();
    snap.errors = vec!["Service Health unreadable\x07\n".into()];
    snap.components[0].checks[0].reason = "\x1b]52;c;cGFzdGU=\x07clipboard".into();
    let mut app = app_with(&options(Badge::Live), (120, 40), &[snap]);
    let mut screens = vec![draw(&app)];
    update(&mut app, Action::Open);
    screens.push(draw(&app));
    update(&mut app, Action::Show(Screen::Timeline));
    screens.push(draw(&app));
    for t in &screens {
        for cell in t.backend().buffer().content.iter() {
            assert!(
                !cell.symbol().chars().any(char::is_control),
                "control character drawn: {:?}",
                cell.symbol()
            );
        }
    }
    assert!(on_screen(&screens[0], "evil-name x"));
    assert!(on_screen(&screens[0], "Bad title"));
    assert!(
        on_screen(&screens[1], "clipboard"),
        "the check's reason is on the detail"
    );
}

#[test]
fn first_refresh_failed() {
    let mut app = App::new(&options(Badge::Live), Theme::color(), T0, (80, 24));
    let reason = "sign-in failed: run `az login`";
    update(&mut app, Action::Health(HealthMsg::Failed(reason.into())));
    let t = draw(&app);
    assert_snapshot!("first_refresh_failed_80x24", t.backend());
    assert!(
        on_screen(&t, "no health data: sign-in failed: run `az login`"),
        "the header says the whole reason"
    );
    let status = &rows(&t)[23];
    assert!(
        status.starts_with("⚠ refresh failed 02:30: sign-in failed")
            && status.ends_with("? help  q quit  "),
        "the status bar keeps its hints and cuts the message: {status}"
    );
    assert_eq!(cell_of(&t, "⚠ refresh failed").fg, Color::LightRed);
}

#[test]
fn no_color_a_down_cell_stands_out_inside_the_selected_row() {
    let mut app = outage_app((120, 40));
    app.theme = Theme::mono();
    assert_eq!(selected_name(&app), "workspace");
    let t = draw(&app);
    let buf = t.backend().buffer();
    let y = rows(&t)
        .iter()
        .position(|r| r.contains("▶ workspace"))
        .unwrap() as u16;
    let row: String = rows(&t)[y as usize].clone();
    let x_of = |text: &str| row[..row.find(text).unwrap()].chars().count() as u16;
    let name = &buf[(x_of("workspace"), y)];
    let down = &buf[(x_of("DOWN"), y)];
    assert!(
        name.modifier.contains(Modifier::REVERSED),
        "the row is selected"
    );
    assert!(
        down.modifier
            .contains(Modifier::REVERSED | Modifier::UNDERLINED),
        "DOWN in the selection: {:?}",
        down.modifier
    );
    assert!(
        !name.modifier.contains(Modifier::UNDERLINED),
        "the rest of the row is not underlined, so DOWN stands out: {:?}",
        name.modifier
    );
}

/// The name of the selected component.
fn selected_name(app: &App) -> String {
    app.selected_component().unwrap().name.clone()
}

#[test]
fn every_theme_keeps_the_badges_unmistakable() {
    use azfailover::config::{ColorOverrides, ColorValue, ThemeName};
    use azfailover::console::ui::theme::Palette;
    let wild = ColorOverrides {
        good: Some(ColorValue::Named("magenta")),
        warn: Some(ColorValue::Rgb(0, 0, 255)),
        bad: Some(ColorValue::Named("yellow")),
        unknown: Some(ColorValue::Named("cyan")),
        muted: Some(ColorValue::Named("blue")),
        info: Some(ColorValue::Named("yellow")),
        selection: Some(ColorValue::Named("magenta")),
    };
    for name in [ThemeName::Dark, ThemeName::Light, ThemeName::HighContrast] {
        for colors in [ColorOverrides::default(), wild] {
            let theme = Theme::with(Palette::configured(name, &colors));
            for (badge, text, band) in [
                (Badge::Demo, "DEMO — SIMULATED AZURE", Color::Magenta),
                (Badge::Drill, "DRILL — SIMULATED AZURE", Color::Yellow),
                (Badge::Live, "AZFAILOVER", Color::Blue),
            ] {
                let mut opts = options(badge);
                opts.read_only = true;
                let mut app = app_with(&opts, (120, 40), &[healthy(), outage()]);
                app.theme = theme;
                let t = draw(&app);
                let what = format!(
                    "{name:?} {badge:?} overridden: {}",
                    colors != ColorOverrides::default()
                );
                assert_eq!(cell_of(&t, "contoso-ml").bg, band, "{what}: the band");
                let b = cell_of(&t, text);
                if badge != Badge::Live {
                    assert_eq!(
                        (b.fg, b.bg),
                        (Color::Yellow, Color::Black),
                        "{what}: the badge"
                    );
                }
                let ro = cell_of(&t, " READ-ONLY ");
                assert_eq!(
                    (ro.fg, ro.bg),
                    (Color::Black, Color::Cyan),
                    "{what}: READ-ONLY"
                );
            }
        }
    }
}

#[test]
fn themes_and_overrides_colour_health() {
    use azfailover::config::{ColorOverrides, ColorValue, ThemeName};
    use azfailover::console::ui::theme::Palette;
    let draw_with = |palette: Palette| {
        let mut app = outage_app((120, 40));
        app.theme = Theme::with(palette);
        draw(&app)
    };
    let light = draw_with(Palette::LIGHT);
    assert_eq!(cell_of(&light, " ✔ healthy ").bg, Color::Rgb(120, 200, 120));
    assert_eq!(cell_of(&light, "DOWN").fg, Color::Rgb(190, 0, 0));
    let hc = draw_with(Palette::HIGH_CONTRAST);
    let down = cell_of(&hc, "DOWN");
    assert_eq!(down.fg, Color::LightRed);
    assert!(down.modifier.contains(Modifier::BOLD));
    let selected = cell_of(&hc, "workspace");
    assert!(
        selected.modifier.contains(Modifier::REVERSED),
        "high contrast selects in reverse"
    );
    let custom = draw_with(Palette::configured(
        ThemeName::Dark,
        &ColorOverrides {
            good: Some(ColorValue::Rgb(0, 255, 0)),
            bad: Some(ColorValue::Named("magenta")),
            ..Default::default()
        },
    ));
    assert_eq!(cell_of(&custom, " ✔ healthy ").bg, Color::Rgb(0, 255, 0));
    assert_eq!(cell_of(&custom, "DOWN").fg, Color::Magenta);
    assert_eq!(
        cell_of(&custom, " ✖ OUTAGE ").bg,
        Color::Magenta,
        "labels follow"
    );
}

#[test]
fn the_sorted_column_carries_its_arrow() {
    for size in [(120, 40), (80, 24)] {
        let mut app = outage_app(size);
        update(&mut app, Action::SortBy(azfailover::console::SortKey::Lag));
        let t = draw(&app);
        assert_snapshot!(format!("sorted_by_lag_{}x{}", size.0, size.1), t.backend());
        let lag = if size.0 >= 100 {
            "LAG / RPO ▼"
        } else {
            "LAG ▼"
        };
        assert!(on_screen(&t, lag), "{}", rows(&t).join("\n"));
        assert!(on_screen(&t, "sort: lag ▼ highest first (against the RPO)"));
        update(&mut app, Action::SortBy(azfailover::console::SortKey::Lag));
        assert!(on_screen(
            &draw(&app),
            if size.0 >= 100 {
                "LAG / RPO ▲"
            } else {
                "LAG ▲"
            }
        ));
        update(
            &mut app,
            Action::SortBy(azfailover::console::SortKey::Ready),
        );
        let t = draw(&app);
        assert!(on_screen(&t, "READY ▼"), "{}", rows(&t).join("\n"));
        update(&mut app, Action::SortBy(azfailover::console::SortKey::Name));
        assert!(on_screen(&draw(&app), "NAME ▲"));
        update(
            &mut app,
            Action::SortBy(azfailover::console::SortKey::Health),
        );
        assert!(on_screen(&draw(&app), "HA STATUS ▼"));
    }
}

#[test]
fn the_status_line_says_when_reads_wait_for_the_read_budget() {
    let status = |left: Option<u32>, waited: u64| {
        let mut snap = healthy();
        snap.reads_left = left;
        snap.reads_waited = waited;
        let app = app_with(&options(Badge::Live), (200, 40), &[snap]);
        let t = draw(&app);
        rows(&t).last().cloned().unwrap_or_default()
    };
    // The last refresh's reads waited at the client's gate: said, with what is left.
    let row = status(Some(58), 12);
    assert!(
        row.contains("· reading slowly to stay within ARM's read budget (58 of 250 left)"),
        "{row}"
    );
    // None waited, but little is left: the engine's pacing is said.
    let row = status(Some(58), 0);
    assert!(
        row.contains("· ARM read budget low: 58 of 250 left, refreshes slowed"),
        "{row}"
    );
    // Plenty left and nothing waited: nothing said of the budget.
    let row = status(Some(200), 0);
    assert!(!row.contains("budget"), "{row}");
}
