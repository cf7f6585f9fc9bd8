//! The fleet overview drawn into a TestBackend at 80×24 and 120×40 (insta snapshots, with the
//! colours that carry an alarm asserted), and its pure update: opening a deployment's console,
//! coming back, quitting. Three deployments: contoso and fabrikam in eastus → westus, tailspin
//! in westus → eastus.

use crate::common::fleet_configs;
use crate::console_support::*;

use azfailover::console::fleet::{Alarm, Fleet, FleetEffect, FleetInput, update};
use azfailover::console::ui::theme::Theme;
use azfailover::console::{Action, Badge, ConsoleOptions, Effect, Screen};
use azfailover::health::{HealthMsg, Overall, RegionHealth, RegionRole, Snapshot};
use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use time::Duration;

/// contoso, fabrikam, tailspin.
const CONTOSO: usize = 0;
const FABRIKAM: usize = 1;
const TAILSPIN: usize = 2;

/// The console options of the fleet's three deployments (`cached`: each one's cached snapshot).
fn fleet_options(cached: [Option<Snapshot>; 3]) -> Vec<ConsoleOptions> {
    fleet_configs("http://127.0.0.1:1")
        .into_iter()
        .zip(cached)
        .map(|(config, initial)| ConsoleOptions {
            config,
            initial,
            ..options(Badge::Live)
        })
        .collect()
}

/// A snapshot of the demo's shape as another deployment of the fleet.
fn named(mut s: Snapshot, name: &str) -> Snapshot {
    s.deployment = format!("{name}-ml");
    s
}

/// The demo's snapshot with its roles swapped: served from westus, eastus its standby.
fn mirrored(mut s: Snapshot) -> Snapshot {
    for r in &mut s.regions {
        r.role = match r.role {
            RegionRole::Primary => RegionRole::Secondary,
            RegionRole::Secondary => RegionRole::Primary,
        };
    }
    s.regions.reverse();
    for c in &mut s.components {
        if c.active_region == "eastus" {
            c.active_region = "westus".into();
        }
    }
    s
}

/// tailspin during the eastus outage: its standby region is down.
fn standby_down() -> Snapshot {
    let mut s = mirrored(named(outage(), "tailspin"));
    for c in &mut s.components {
        c.active_region = "westus".into();
        c.ready = false;
        c.ha_status = "standby not ready: eastus down".into();
    }
    s
}

/// The fleet after these snapshots arrived (deployment, snapshot), 12 s after the last.
fn fleet_with(
    size: (u16, u16),
    cached: [Option<Snapshot>; 3],
    live: &[(usize, Snapshot)],
) -> Fleet {
    let opts = fleet_options(cached);
    let mut fleet = Fleet::new(&opts, Theme::color(), T0, size);
    let mut last = T0;
    for (i, snap) in live {
        last = snap.taken_at;
        update(&mut fleet, FleetInput::Tick(last + Duration::seconds(2)));
        let msg = HealthMsg::Snapshot(Box::new(snap.clone()));
        update(&mut fleet, FleetInput::Seat(*i, Action::Health(msg)));
    }
    update(&mut fleet, FleetInput::Tick(last + Duration::seconds(12)));
    fleet
}

/// The whole fleet during the eastus outage, every deployment's snapshot live.
fn outage_fleet(size: (u16, u16)) -> Fleet {
    fleet_with(
        size,
        [None, None, None],
        &[
            (CONTOSO, outage()),
            (FABRIKAM, named(outage(), "fabrikam")),
            (TAILSPIN, standby_down()),
        ],
    )
}

/// Draws the fleet's screen (the overview, or the open deployment's console).
fn draw_fleet(fleet: &Fleet) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(fleet.size.0, fleet.size.1)).unwrap();
    terminal
        .draw(|f| match fleet.open {
            Some(i) => azfailover::console::ui::draw(f, &fleet.apps[i]),
            None => azfailover::console::ui::fleet::render(f, fleet),
        })
        .unwrap();
    terminal
}

/// The deployment names in row order.
fn order(fleet: &Fleet) -> Vec<String> {
    fleet
        .rows
        .iter()
        .map(|r| fleet.apps[r.index].meta.deployment.clone())
        .collect()
}

#[test]
fn fleet_overview_during_a_region_outage() {
    for size in [(120, 40), (80, 24)] {
        let fleet = outage_fleet(size);
        let t = draw_fleet(&fleet);
        assert_snapshot!(
            format!("fleet_overview_outage_{}x{}", size.0, size.1),
            t.backend()
        );
        assert_eq!(
            cell_of(&t, " ✖ eastus OUTAGE — 3 of 3 deployments there").bg,
            Color::Red,
            "the outage, white on red, naming every deployment in the region"
        );
        assert_eq!(
            order(&fleet)[2],
            "tailspin-ml",
            "the standby's outage after the two primaries'"
        );
        assert_eq!(cell_of(&t, "FAIL OVER (forced)").fg, Color::LightRed);
        assert_eq!(cell_of(&t, "✖ eastus →").fg, Color::LightRed);
        assert_eq!(fleet.count(Alarm::Outage), 3);
        assert!(
            on_screen(&t, "3 deployments: 3 outage"),
            "the status line counts"
        );
    }
}

#[test]
fn fleet_overview_first_frame_is_every_deployments_cached_snapshot() {
    for size in [(120, 40), (80, 24)] {
        let cached = [
            Some(healthy()),
            Some(named(healthy(), "fabrikam")),
            Some(mirrored(named(healthy(), "tailspin"))),
        ];
        let opts = fleet_options(cached);
        // The first frame: nothing but what the cache held, before any request.
        let fleet = Fleet::new(&opts, Theme::color(), T0 + Duration::seconds(30), size);
        let t = draw_fleet(&fleet);
        assert_snapshot!(
            format!("fleet_overview_cached_{}x{}", size.0, size.1),
            t.backend()
        );
        assert!(fleet.apps.iter().all(|a| a.stale));
        assert!(
            on_screen(&t, "0 live · 3 cached"),
            "the band says it is cached"
        );
        assert!(on_screen(&t, "3 deployments: 3 healthy"));
        if size.0 >= 110 {
            assert!(on_screen(&t, "STALE: cached 02:30"));
        }
    }
}

#[test]
fn an_outage_one_deployment_sees_marks_every_deployment_in_that_region() {
    // contoso's live snapshot sees eastus down; fabrikam still shows its cached healthy one and
    // tailspin's live one predates the outage.
    let fleet = fleet_with(
        (120, 40),
        [None, Some(named(healthy(), "fabrikam")), None],
        &[
            (TAILSPIN, mirrored(named(healthy(), "tailspin"))),
            (CONTOSO, outage()),
        ],
    );
    assert_eq!(
        order(&fleet),
        ["contoso-ml", "fabrikam-ml", "tailspin-ml"],
        "the outage first, then every deployment in its region"
    );
    let alarms: Vec<Alarm> = fleet.rows.iter().map(|r| r.alarm).collect();
    assert_eq!(
        alarms,
        [Alarm::Outage, Alarm::OutageNearby, Alarm::OutageNearby]
    );
    let t = draw_fleet(&fleet);
    let text = rows(&t).join("\n");
    let fabrikam = rows(&t)
        .into_iter()
        .find(|r| r.starts_with('│') && r.contains("fabrikam-ml"))
        .unwrap();
    assert!(
        fabrikam.contains("✖ eastus → ✔ westus"),
        "marked before its own snapshot says so:\n{text}"
    );
    assert!(fabrikam.contains("outage seen by contoso-ml"), "{text}");
    let tailspin = rows(&t)
        .into_iter()
        .find(|r| r.starts_with('│') && r.contains("tailspin-ml"))
        .unwrap();
    assert!(tailspin.contains("✔ westus → ✖ eastus"), "{text}");
    assert!(on_screen(&t, "1 outage, 2 in an outage region"), "{text}");
}

#[test]
fn enter_opens_a_deployment_and_q_or_esc_comes_back() {
    let mut fleet = outage_fleet((120, 40));
    let worst = fleet.selected().unwrap();
    update(&mut fleet, FleetInput::Key(Action::Open));
    assert_eq!(
        fleet.open,
        Some(worst),
        "Enter opens the selected (worst) one"
    );
    let t = draw_fleet(&fleet);
    assert!(on_screen(&t, "◂ FLEET (q)"), "{}", rows(&t).join("\n"));
    assert!(
        on_screen(&t, &fleet.apps[worst].meta.deployment),
        "its own console"
    );
    assert!(on_screen(&t, "q fleet"), "the hint says where q goes");
    assert!(!on_screen(&t, "q quit"));

    // Its keys are its own: the timeline, then Esc back to its overview, then to the fleet.
    update(&mut fleet, FleetInput::Key(Action::Show(Screen::Timeline)));
    assert_eq!(fleet.apps[worst].screen, Screen::Timeline);
    update(&mut fleet, FleetInput::Key(Action::Back));
    assert_eq!(
        fleet.open,
        Some(worst),
        "Esc went back to its overview first"
    );
    assert_eq!(fleet.apps[worst].screen, Screen::Overview);
    update(&mut fleet, FleetInput::Key(Action::Back));
    assert_eq!(fleet.open, None, "Esc on its overview: the fleet");

    // A filter is cleared by Esc before Esc leaves.
    update(&mut fleet, FleetInput::Key(Action::Open));
    update(&mut fleet, FleetInput::Key(Action::StartFilter));
    for c in "sql".chars() {
        update(&mut fleet, FleetInput::Key(Action::Type(c)));
    }
    update(&mut fleet, FleetInput::Key(Action::Submit));
    update(&mut fleet, FleetInput::Key(Action::Back));
    assert_eq!(fleet.open, Some(worst), "the first Esc cleared the filter");
    assert!(fleet.apps[worst].filter.is_empty());
    update(&mut fleet, FleetInput::Key(Action::Quit));
    assert_eq!(fleet.open, None, "q: back to the fleet");

    // The deployment is left where it was and keeps receiving its engine's messages.
    let later = named(
        healthy(),
        &fleet.apps[worst].meta.deployment.replace("-ml", ""),
    );
    let msg = HealthMsg::Snapshot(Box::new(later));
    update(&mut fleet, FleetInput::Seat(worst, Action::Health(msg)));
    assert_eq!(
        fleet.apps[worst].snapshot.as_ref().unwrap().overall,
        Overall::Healthy
    );
    assert_eq!(
        fleet.rows.last().map(|r| r.index),
        Some(worst),
        "recovered, it sinks below the outages"
    );
    assert_eq!(fleet.selected(), Some(worst), "and stays the one selected");
}

#[test]
fn the_fleet_quits_with_q_refreshes_with_r_and_ctrl_c_is_130() {
    let mut fleet = outage_fleet((80, 24));
    assert_eq!(
        update(&mut fleet, FleetInput::Key(Action::Refresh)),
        [FleetEffect::RefreshAll]
    );
    assert_eq!(
        update(&mut fleet, FleetInput::Key(Action::Quit)),
        [FleetEffect::Quit(0)]
    );
    assert_eq!(
        update(&mut fleet, FleetInput::Interrupt),
        [FleetEffect::Quit(130)]
    );
    // In a deployment's console, Ctrl-C still quits everything.
    update(&mut fleet, FleetInput::Key(Action::Open));
    assert_eq!(
        update(&mut fleet, FleetInput::Key(Action::Interrupt)),
        [FleetEffect::Quit(130)]
    );
    // A deployment's own effects are tagged with it (r refreshes only that one there).
    let open = fleet.open.unwrap();
    assert_eq!(
        update(&mut fleet, FleetInput::Key(Action::Refresh)),
        [FleetEffect::Seat(open, Effect::RefreshNow)]
    );
}

#[test]
fn q_is_refused_while_a_run_goes_on_in_a_deployment() {
    let mut fleet = outage_fleet((120, 40));
    fleet.apps[FABRIKAM].start_run();
    assert!(update(&mut fleet, FleetInput::Key(Action::Quit)).is_empty());
    let t = draw_fleet(&fleet);
    assert!(
        on_screen(&t, "a run is in progress in fabrikam-ml"),
        "{}",
        rows(&t).join("\n")
    );
    assert!(on_screen(&t, "▶ run going on"), "its row says so");
}

#[test]
fn fleet_help_lists_its_keys_from_the_key_table() {
    let mut fleet = outage_fleet((120, 40));
    update(&mut fleet, FleetInput::Key(Action::ToggleHelp));
    let t = draw_fleet(&fleet);
    for text in [
        "open the deployment's console",
        "refresh every deployment now",
        "back to the fleet overview",
    ] {
        assert!(on_screen(&t, text), "{text}:\n{}", rows(&t).join("\n"));
    }
    update(&mut fleet, FleetInput::Key(Action::Quit));
    assert!(!fleet.help, "q closes the help first");
    assert_eq!(fleet.open, None);

    // A deployment's own help says how to come back.
    update(&mut fleet, FleetInput::Key(Action::Open));
    update(&mut fleet, FleetInput::Key(Action::ToggleHelp));
    let t = draw_fleet(&fleet);
    assert!(on_screen(&t, "Opened from the fleet overview"));
    assert!(on_screen(
        &t,
        "back to the fleet overview (it keeps refreshing"
    ));
    update(&mut fleet, FleetInput::Key(Action::Quit));
    assert!(fleet.open.is_some(), "q closed its help, not the console");
}

#[test]
fn the_fleet_keys_come_from_the_key_table() {
    use azfailover::console::keymap::fleet_action_for;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = |c: KeyCode| fleet_action_for(KeyEvent::new(c, KeyModifiers::NONE));
    assert!(matches!(key(KeyCode::Enter), Some(Action::Open)));
    assert!(matches!(key(KeyCode::Char('q')), Some(Action::Quit)));
    assert!(matches!(key(KeyCode::Char('j')), Some(Action::Down)));
    assert!(matches!(key(KeyCode::Char('?')), Some(Action::ToggleHelp)));
    assert!(
        key(KeyCode::Char('F')).is_none(),
        "runs start in a deployment's console"
    );
    let ctrl_c = fleet_action_for(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(matches!(ctrl_c, Some(Action::Interrupt)));
}

#[test]
fn no_snapshot_yet_is_unknown_and_a_failed_refresh_says_why() {
    let mut fleet = fleet_with((120, 40), [None, None, None], &[(CONTOSO, healthy())]);
    let msg = HealthMsg::Failed("sign-in failed: run `az login`".into());
    update(&mut fleet, FleetInput::Seat(FABRIKAM, Action::Health(msg)));
    update(&mut fleet, FleetInput::Key(Action::Top));
    let t = draw_fleet(&fleet);
    let text = rows(&t).join("\n");
    assert_eq!(fleet.count(Alarm::Unknown), 2, "{text}");
    assert!(on_screen(&t, "✖ sign-in failed"), "its row: {text}");
    assert!(
        on_screen(
            &t,
            "⚠ fabrikam-ml: refresh failed 02:30: sign-in failed: run `az login`"
        ),
        "the status line, whole, for the selected row: {text}"
    );
    assert!(on_screen(&t, "waiting for a refresh"), "{text}");
    assert!(
        on_screen(&t, "? no health data for 2 of 3"),
        "the decision line: {text}"
    );
    assert_eq!(
        fleet.apps[CONTOSO]
            .snapshot
            .as_ref()
            .map(|s| s.regions[0].health),
        Some(RegionHealth::Healthy)
    );
}
