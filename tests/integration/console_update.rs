//! The console's pure `update`: filter, sort, selection, commands, faults, timeline, quitting.

use crate::console_support;

use azfailover::console::app::{Input, Level};
use azfailover::console::command::{Command, parse, parse_fault};
use azfailover::console::keymap::action_for;
use azfailover::console::timeline::{Severity, diff};
use azfailover::console::{Action, App, Badge, Effect, Screen, SortKey, update};
use azfailover::health::{HealthMsg, Snapshot};
use azfailover::sim::Fault;
use azfailover::sim::world::ArmBehaviour;
use console_support::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// An overview on the healthy deployment at 120×40.
fn healthy_app() -> App {
    app_with(&options(Badge::Live), (120, 40), &[healthy()])
}

/// Types a whole line then Enter.
fn type_line(app: &mut App, start: Action, text: &str) -> Vec<Effect> {
    update(app, start);
    for c in text.chars() {
        update(app, Action::Type(c));
    }
    update(app, Action::Submit)
}

/// The names of the shown components, in order.
fn shown(app: &App) -> Vec<String> {
    let snap = app.snapshot.as_ref().unwrap();
    app.view
        .iter()
        .map(|&i| snap.components[i].name.clone())
        .collect()
}

/// The name of the selected component.
fn selected(app: &App) -> String {
    app.selected_component().unwrap().name.clone()
}

#[test]
fn quit_codes() {
    let mut app = healthy_app();
    assert_eq!(update(&mut app, Action::Quit), vec![Effect::Quit(0)]);
    assert_eq!(update(&mut app, Action::Interrupt), vec![Effect::Quit(130)]);
    assert_eq!(
        type_line(&mut app, Action::StartCommand, "q"),
        vec![Effect::Quit(0)]
    );
}

#[test]
fn keys_map_through_the_keymap() {
    let mut app = healthy_app();
    let key = |c: KeyCode, m: KeyModifiers| KeyEvent::new(c, m);
    assert!(matches!(
        action_for(&app, key(KeyCode::Char('q'), KeyModifiers::NONE)),
        Some(Action::Quit)
    ));
    assert!(matches!(
        action_for(&app, key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Some(Action::Interrupt)
    ));
    assert!(matches!(
        action_for(&app, key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
        Some(Action::Bottom)
    ));
    assert!(matches!(
        action_for(&app, key(KeyCode::Char('d'), KeyModifiers::CONTROL)),
        Some(Action::HalfPageDown)
    ));
    assert!(matches!(
        action_for(&app, key(KeyCode::Down, KeyModifiers::NONE)),
        Some(Action::Down)
    ));
    assert!(matches!(
        action_for(&app, key(KeyCode::Char('2'), KeyModifiers::NONE)),
        Some(Action::Show(Screen::Timeline))
    ));
    // While typing, q is text and Ctrl-C still quits.
    update(&mut app, Action::StartFilter);
    assert!(matches!(
        action_for(&app, key(KeyCode::Char('q'), KeyModifiers::NONE)),
        Some(Action::Type('q'))
    ));
    assert!(matches!(
        action_for(&app, key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Some(Action::Interrupt)
    ));
    assert!(matches!(
        action_for(&app, key(KeyCode::Esc, KeyModifiers::NONE)),
        Some(Action::Cancel)
    ));
}

#[test]
fn selection_moves_and_stays_in_bounds() {
    let mut app = healthy_app();
    assert_eq!(selected(&app), "workspace");
    update(&mut app, Action::Down);
    update(&mut app, Action::Down);
    assert_eq!(selected(&app), "batch-aks");
    update(&mut app, Action::Bottom);
    assert_eq!(selected(&app), "telemetry");
    update(&mut app, Action::Down);
    assert_eq!(selected(&app), "telemetry");
    update(&mut app, Action::Top);
    update(&mut app, Action::Up);
    assert_eq!(selected(&app), "workspace");
    update(&mut app, Action::HalfPageDown);
    assert!(app.table.selected > 0);
}

#[test]
fn selection_scrolls_on_a_small_terminal() {
    let many = azfailover::console::synthetic_snapshot(40);
    let mut app = app_with(&options(Badge::Live), (80, 24), &[many]);
    update(&mut app, Action::Bottom);
    assert_eq!(selected(&app), "component-0039");
    assert!(
        app.table.offset > 0,
        "the last row must be scrolled into view"
    );
    update(&mut app, Action::Top);
    assert_eq!(app.table.offset, 0);
}

#[test]
fn filter_is_live_and_escape_clears_it() {
    let mut app = healthy_app();
    update(&mut app, Action::StartFilter);
    assert_eq!(app.input, Input::Filter);
    for c in "hot-h".chars() {
        update(&mut app, Action::Type(c));
    }
    assert_eq!(
        shown(&app),
        [
            "churn-endpoint",
            "scoring-traffic",
            "sessions",
            "images",
            "secrets",
            "telemetry"
        ]
    );
    update(&mut app, Action::Submit);
    assert_eq!(app.input, Input::Normal);
    assert_eq!(app.filter, "hot-h");
    update(&mut app, Action::Back);
    assert!(app.filter.is_empty());
    assert_eq!(shown(&app).len(), 12);
    update(&mut app, Action::StartFilter);
    update(&mut app, Action::Type('x'));
    update(&mut app, Action::Cancel);
    assert!(app.filter.is_empty());
    assert_eq!(shown(&app).len(), 12);
}

#[test]
fn filter_command_and_selection_survive_a_refresh() {
    let mut app = healthy_app();
    type_line(&mut app, Action::StartCommand, "filter storage");
    assert_eq!(shown(&app), ["training-data"]);
    type_line(&mut app, Action::StartCommand, "filter");
    assert_eq!(
        selected(&app),
        "training-data",
        "clearing the filter keeps the selection"
    );
    update(&mut app, Action::Down);
    update(&mut app, Action::Down);
    assert_eq!(selected(&app), "run-metadata");
    type_line(&mut app, Action::StartCommand, "sort name");
    assert_eq!(
        selected(&app),
        "run-metadata",
        "sorting keeps the selection"
    );
    update(
        &mut app,
        Action::Health(HealthMsg::Snapshot(Box::new(outage()))),
    );
    assert_eq!(
        selected(&app),
        "run-metadata",
        "a refresh keeps the selection"
    );
}

#[test]
fn sort_cycles_and_sort_command_orders() {
    let mut app = app_with(&options(Badge::Live), (120, 40), &[healthy(), outage()]);
    assert_eq!(app.sort, SortKey::Config);
    update(&mut app, Action::CycleSort);
    assert_eq!(app.sort, SortKey::Health);
    // Worst first: serving instance down (none: hot/hot moved to westus), then not ready.
    let names = shown(&app);
    assert_eq!(
        &names[..2],
        ["workspace", "train-cluster"],
        "hot/cold serving from the downed eastus come first"
    );
    type_line(&mut app, Action::StartCommand, "sort name");
    assert_eq!(shown(&app)[0], "batch-aks");
    type_line(&mut app, Action::StartCommand, "sort lag");
    assert_eq!(&shown(&app)[..2], ["feature-store", "training-data"]);
    type_line(&mut app, Action::StartCommand, "sort ready");
    assert!(app.selected_component().is_some());
    let snap = app.snapshot.as_ref().unwrap();
    assert!(!snap.components[app.view[0]].ready);
    type_line(&mut app, Action::StartCommand, "sort nonsense");
    assert_eq!(app.message.as_ref().unwrap().level, Level::Error);
    assert_eq!(app.sort, SortKey::Ready);
}

#[test]
fn enter_opens_detail_and_escape_goes_back() {
    let mut app = healthy_app();
    update(&mut app, Action::Down);
    update(&mut app, Action::Down);
    update(&mut app, Action::Down);
    update(&mut app, Action::Open);
    assert_eq!(app.screen, Screen::Detail);
    assert_eq!(app.detail.as_deref(), Some("training-data"));
    update(&mut app, Action::Back);
    assert_eq!(app.screen, Screen::Overview);
    update(&mut app, Action::NextScreen);
    assert_eq!(app.screen, Screen::Timeline);
    update(&mut app, Action::NextScreen);
    assert_eq!(app.screen, Screen::Detail);
    // Without a run, Tab skips the runbook screen.
    update(&mut app, Action::NextScreen);
    assert_eq!(app.screen, Screen::Reports);
    update(&mut app, Action::NextScreen);
    assert_eq!(app.screen, Screen::Overview);
    update(&mut app, Action::PrevScreen);
    assert_eq!(app.screen, Screen::Reports);
    update(&mut app, Action::PrevScreen);
    assert_eq!(app.screen, Screen::Detail);
}

#[test]
fn help_opens_and_closes() {
    let mut app = healthy_app();
    update(&mut app, Action::ToggleHelp);
    assert!(app.help);
    update(&mut app, Action::Down);
    assert_eq!(app.help_scroll, 1);
    assert_eq!(app.table.selected, 0, "keys scroll the help, not the table");
    update(&mut app, Action::Back);
    assert!(!app.help);
    assert_eq!(update(&mut app, Action::Quit), vec![Effect::Quit(0)]);
}

#[test]
fn refresh_key_and_command_ask_the_engine() {
    let mut app = healthy_app();
    assert_eq!(update(&mut app, Action::Refresh), vec![Effect::RefreshNow]);
    assert_eq!(
        type_line(&mut app, Action::StartCommand, "refresh"),
        vec![Effect::RefreshNow]
    );
}

#[test]
fn unknown_and_plan_commands_say_why() {
    let mut app = healthy_app();
    assert!(type_line(&mut app, Action::StartCommand, "frobnicate").is_empty());
    assert!(
        app.message
            .as_ref()
            .unwrap()
            .text
            .contains("unknown command ':frobnicate'")
    );
    type_line(&mut app, Action::StartCommand, "plan failover");
    assert!(
        app.message
            .as_ref()
            .unwrap()
            .text
            .contains("azfailover plan failover")
    );
}

#[test]
fn faults_need_demo_or_drill() {
    let mut app = healthy_app();
    assert!(type_line(&mut app, Action::StartCommand, "fault region-outage eastus").is_empty());
    assert_eq!(
        app.message.as_ref().unwrap().text,
        "faults can only be injected in demo and drills"
    );

    let mut opts = options(Badge::Demo);
    opts.faults = Some(std::sync::Arc::new(|_f: &Fault| Ok("ok".to_string())));
    let mut demo = app_with(&opts, (120, 40), &[healthy()]);
    let effects = type_line(
        &mut demo,
        Action::StartCommand,
        "fault region-outage eastus",
    );
    assert_eq!(
        effects,
        vec![Effect::InjectFault(Fault::RegionOutage {
            region: "eastus".into(),
            title: None,
            arm: None,
            control_plane: None,
        })]
    );
    let effects = update(
        &mut demo,
        Action::FaultResult(Ok("region eastus is down".into())),
    );
    assert_eq!(effects, vec![Effect::RefreshNow]);
    assert_eq!(demo.message.as_ref().unwrap().level, Level::Good);
    update(
        &mut demo,
        Action::FaultResult(Err("region 'eastus' is already down".into())),
    );
    assert!(demo.message.as_ref().unwrap().text.contains("already down"));
}

#[test]
fn fault_commands_parse_to_the_simulator_faults() {
    let f = |s: &str| parse_fault(s).unwrap();
    assert_eq!(
        f("region-outage eastus hang"),
        Fault::RegionOutage {
            region: "eastus".into(),
            title: None,
            arm: Some(ArmBehaviour::Hang),
            control_plane: None,
        }
    );
    assert_eq!(
        f("region-recover eastus"),
        Fault::RegionRecover {
            region: "eastus".into()
        }
    );
    assert_eq!(
        f("region-degrade primary"),
        Fault::RegionDegrade {
            region: "primary".into(),
            title: None
        }
    );
    assert_eq!(
        f("latency 300 eastus"),
        Fault::Latency {
            millis: 300,
            region: Some("eastus".into()),
            methods: None,
        }
    );
    assert_eq!(
        f("latency 0"),
        Fault::Latency {
            millis: 0,
            region: None,
            methods: None,
        }
    );
    assert_eq!(f("throttle 10"), Fault::Throttle { seconds: 10.0 });
    assert_eq!(f("throttle 2m"), Fault::Throttle { seconds: 120.0 });
    assert_eq!(
        f("replication-lag training-data 1200"),
        Fault::ReplicationLag {
            resource: None,
            target: Some("training-data".into()),
            seconds: 1200.0
        }
    );
    assert_eq!(
        f("replication-lag /subscriptions/x/y 5"),
        Fault::ReplicationLag {
            resource: Some("/subscriptions/x/y".into()),
            target: None,
            seconds: 5.0
        }
    );
    assert_eq!(
        f("resource-down sessions"),
        Fault::ResourceDown {
            resource: None,
            target: Some("sessions".into())
        }
    );
    assert_eq!(
        f("resource-recover *"),
        Fault::ResourceRecover {
            resource: None,
            target: Some("*".into())
        }
    );
    assert_eq!(
        f("flaky 0.2 0.1 30"),
        Fault::Flaky {
            error_rate: 0.2,
            drop_rate: 0.1,
            seconds: Some(30.0),
            after_apply: None,
            methods: None,
        }
    );
    assert_eq!(
        f("malformed 3"),
        Fault::Malformed {
            resource: None,
            count: Some(3)
        }
    );
    assert_eq!(f("clear"), Fault::Clear);
    assert_eq!(
        f(r#"{"kind":"region-outage","region":"westus"}"#),
        Fault::RegionOutage {
            region: "westus".into(),
            title: None,
            arm: None,
            control_plane: None,
        }
    );
    assert!(parse_fault("region-outage").unwrap_err().contains("usage"));
    assert!(
        parse_fault("throttle soon")
            .unwrap_err()
            .contains("not a duration")
    );
    assert!(
        parse_fault("meteor eastus")
            .unwrap_err()
            .contains("unknown fault")
    );
    assert!(parse_fault("region-outage eastus sometimes").is_err());
    // Azure ML readiness drifts, of the secondary workspace unless a target is named.
    assert_eq!(
        f("drift datastore training_data"),
        Fault::WorkspaceDrift {
            resource: None,
            target: Some("kind:ml-workspace@secondary".into()),
            item: "datastore".into(),
            name: Some("training_data".into()),
        }
    );
    assert_eq!(
        f("workspace-drift dns-link workspace@primary"),
        Fault::WorkspaceDrift {
            resource: None,
            target: Some("workspace@primary".into()),
            item: "dns-link".into(),
            name: None,
        }
    );
    assert_eq!(
        f("quota westus 96 NCADSA100v4"),
        Fault::Quota {
            region: "westus".into(),
            limit: 96,
            family: Some("NCADSA100v4".into()),
        }
    );
    assert!(
        parse_fault("quota westus many")
            .unwrap_err()
            .contains("usage")
    );
    assert!(parse_fault("drift").unwrap_err().contains("usage"));
}

#[test]
fn commands_parse() {
    assert_eq!(parse("q"), Ok(Command::Quit));
    assert_eq!(parse(":quit"), Ok(Command::Quit));
    assert_eq!(parse("sort lag"), Ok(Command::Sort(SortKey::Lag)));
    assert_eq!(
        parse("filter  sql group "),
        Ok(Command::Filter("sql group".into()))
    );
    assert_eq!(parse("timeline"), Ok(Command::Screen(Screen::Timeline)));
    assert!(parse("sort").is_err());
}

#[test]
fn typing_edits_the_line() {
    let mut app = healthy_app();
    update(&mut app, Action::StartCommand);
    for c in "sort kind".chars() {
        update(&mut app, Action::Type(c));
    }
    update(&mut app, Action::EraseWord);
    assert_eq!(app.command_line, "sort ");
    update(&mut app, Action::Paste("lag\n".into()));
    update(&mut app, Action::Erase);
    assert_eq!(app.command_line, "sort lag");
    update(&mut app, Action::Submit);
    assert_eq!(app.sort, SortKey::Lag);
    // Typing actions outside of typing do nothing.
    update(&mut app, Action::Type('x'));
    update(&mut app, Action::Paste("y".into()));
    assert!(app.command_line.is_empty() && app.filter.is_empty());
}

#[test]
fn timeline_diffs_successive_snapshots() {
    let events = diff(Some(&healthy()), &outage());
    let texts: Vec<String> = events
        .iter()
        .map(|e| format!("{} | {}", e.subject, e.text))
        .collect();
    let has = |needle: &str| texts.iter().any(|t| t.contains(needle));
    assert!(has(" | overall healthy → outage"), "{texts:#?}");
    assert!(has("eastus | healthy → outage: 9 of 11"), "{texts:#?}");
    assert!(has("eastus | stopped responding"), "{texts:#?}");
    assert!(
        has("eastus | new incident: [Critical] Multiple services impacted in East US"),
        "{texts:#?}"
    );
    assert!(
        has("workspace | eastus available → unavailable"),
        "{texts:#?}"
    );
    assert!(
        has("churn-endpoint | now serves from westus (was eastus)"),
        "{texts:#?}"
    );
    assert!(
        has("churn-endpoint | HA: both serving → only westus serving"),
        "{texts:#?}"
    );
    assert!(
        has("feature-store | lag over RPO: 190 s vs RPO 60 s"),
        "{texts:#?}"
    );
    assert!(events.iter().all(|e| e.at == T1));
    let incident = events
        .iter()
        .find(|e| e.text.starts_with("new incident"))
        .unwrap();
    assert_eq!(incident.severity, Severity::Bad);

    let back = diff(Some(&outage()), &healthy());
    let texts: Vec<String> = back
        .iter()
        .map(|e| format!("{} | {}", e.subject, e.text))
        .collect();
    assert!(
        texts.iter().any(|t| t == "eastus | responding again"),
        "{texts:#?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("eastus | incident resolved")),
        "{texts:#?}"
    );
    assert!(
        back.iter()
            .filter(|e| e.subject == "eastus")
            .all(|e| e.severity == Severity::Good)
    );

    assert!(diff(Some(&healthy()), &healthy()).is_empty());
    let first = diff(None, &outage());
    assert!(
        first
            .last()
            .unwrap()
            .text
            .starts_with("first snapshot: overall outage"),
        "listed first on newest-first screens"
    );
}

#[test]
fn app_keeps_timeline_lag_history_and_errors() {
    let mut app = app_with(&options(Badge::Live), (120, 40), &[healthy(), outage()]);
    assert!(app.timeline.iter().any(|e| e.text.contains("new incident")));
    let lag: Vec<u64> = app.lag_history["training-data"].iter().copied().collect();
    assert_eq!(lag, [95, 880]);
    for _ in 0..100 {
        update(
            &mut app,
            Action::Health(HealthMsg::Snapshot(Box::new(outage()))),
        );
    }
    assert_eq!(app.lag_history["training-data"].len(), 60);
    update(&mut app, Action::Health(HealthMsg::Refreshing));
    assert!(app.refreshing);
    let before = app.timeline.len();
    update(
        &mut app,
        Action::Health(HealthMsg::Failed("ARM unreachable".into())),
    );
    update(
        &mut app,
        Action::Health(HealthMsg::Failed("ARM unreachable".into())),
    );
    assert_eq!(
        app.timeline.len(),
        before + 1,
        "a repeated failure is recorded once"
    );
    assert!(!app.refreshing);
    assert_eq!(app.last_error.as_ref().unwrap().1, "ARM unreachable");
    update(
        &mut app,
        Action::Health(HealthMsg::Snapshot(Box::new(outage()))),
    );
    assert!(app.last_error.is_none());
}

#[test]
fn cached_snapshot_is_stale_until_the_first_refresh() {
    let mut opts = options(Badge::Live);
    opts.initial = Some(healthy());
    let mut app = App::new(
        &opts,
        azfailover::console::ui::theme::Theme::color(),
        T1,
        (120, 40),
    );
    assert!(app.stale);
    assert_eq!(app.view.len(), 12);
    update(
        &mut app,
        Action::Health(HealthMsg::Snapshot(Box::new(outage()))),
    );
    assert!(!app.stale);
    assert!(
        app.timeline
            .iter()
            .any(|e| e.text.contains("healthy → outage"))
    );
}

#[test]
fn messages_fade_after_five_seconds() {
    let mut app = healthy_app();
    update(&mut app, Action::Refresh);
    assert!(app.message.is_some());
    let said = app.now;
    update(&mut app, Action::Tick(said + time::Duration::seconds(4)));
    assert!(app.message.is_some(), "still there after 4 s");
    update(&mut app, Action::Tick(said + time::Duration::seconds(5)));
    assert!(app.message.is_none(), "gone after 5 s");
}

#[test]
fn mouse_click_selects_then_opens() {
    let mut app = healthy_app();
    // 120×40: header 2, regions 11, then the table's border and header row: first row at y 15.
    update(
        &mut app,
        Action::Click {
            column: 10,
            row: 17,
        },
    );
    assert_eq!(selected(&app), "batch-aks");
    assert_eq!(app.screen, Screen::Overview);
    update(
        &mut app,
        Action::Click {
            column: 10,
            row: 17,
        },
    );
    assert_eq!(app.screen, Screen::Detail);
    update(&mut app, Action::Back);
    update(&mut app, Action::Click { column: 10, row: 1 });
    assert_eq!(
        selected(&app),
        "batch-aks",
        "a click outside the table changes nothing"
    );
}

#[test]
fn thousands_of_events_are_capped() {
    let mut app = healthy_app();
    let (a, b): (Snapshot, Snapshot) = (healthy(), outage());
    for i in 0..400 {
        let s = if i % 2 == 0 { b.clone() } else { a.clone() };
        update(&mut app, Action::Health(HealthMsg::Snapshot(Box::new(s))));
    }
    assert!(app.timeline.len() <= azfailover::console::app::TIMELINE_MAX);
}

#[test]
fn help_scrolls_and_only_esc_question_mark_and_q_close_it() {
    let mut app = app_with(&options(Badge::Live), (80, 24), &[healthy()]);
    update(&mut app, Action::ToggleHelp);
    update(&mut app, Action::Bottom);
    assert!(app.help, "G / End scroll the help, they do not close it");
    let bottom = app.help_scroll;
    assert!(bottom > 10, "the help is longer than 24 rows: {bottom}");
    assert_eq!(app.table.selected, 0, "the table behind does not move");
    update(&mut app, Action::Down);
    assert_eq!(app.help_scroll, bottom, "no scrolling past the end");
    update(&mut app, Action::Top);
    assert_eq!(app.help_scroll, 0);
    update(&mut app, Action::HalfPageDown);
    let page = app.help_scroll;
    assert!(page > 1, "PgDn scrolls a page");
    update(&mut app, Action::HalfPageUp);
    assert_eq!(app.help_scroll, 0);
    // Other keys do nothing while help is open.
    for action in [
        Action::StartCommand,
        Action::StartFilter,
        Action::Show(Screen::Timeline),
        Action::NextScreen,
        Action::Open,
        Action::CycleSort,
    ] {
        assert!(update(&mut app, action.clone()).is_empty());
        assert!(app.help, "{action:?} leaves help open");
    }
    assert_eq!((app.screen, app.input), (Screen::Overview, Input::Normal));
    assert_eq!(app.sort, SortKey::Config);
    assert!(
        update(&mut app, Action::Quit).is_empty(),
        "q closes help, no quit"
    );
    assert!(!app.help);
    update(&mut app, Action::ToggleHelp);
    update(&mut app, Action::ToggleHelp);
    assert!(!app.help, "? closes what ? opened");
    update(&mut app, Action::ToggleHelp);
    update(&mut app, Action::Back);
    assert!(!app.help, "Esc closes it");
    update(&mut app, Action::ToggleHelp);
    assert_eq!(update(&mut app, Action::Interrupt), vec![Effect::Quit(130)]);
}

/// Starts a command line and types `text` (no Enter).
fn start_typing(app: &mut App, text: &str) {
    update(app, Action::StartCommand);
    for c in text.chars() {
        update(app, Action::Type(c));
    }
}

#[test]
fn tab_completes_commands_and_their_first_argument() {
    let mut app = healthy_app();
    let key = |c: KeyCode| KeyEvent::new(c, KeyModifiers::NONE);
    start_typing(&mut app, "ref");
    assert!(matches!(
        action_for(&app, key(KeyCode::Tab)),
        Some(Action::Complete)
    ));
    update(&mut app, Action::Complete);
    assert_eq!(app.command_line, "refresh ");
    update(&mut app, Action::Cancel);

    start_typing(&mut app, "so");
    update(&mut app, Action::Complete);
    assert_eq!(app.command_line, "sort ");
    update(&mut app, Action::Type('l'));
    update(&mut app, Action::Complete);
    assert_eq!(app.command_line, "sort lag ");
    update(&mut app, Action::EraseWord);
    assert_eq!(app.command_line, "sort ");
    // Several candidates and nothing in common: Tab goes through them, Shift-Tab back.
    update(&mut app, Action::Complete);
    assert_eq!(app.command_line, "sort config");
    let offered = app.completion.as_ref().unwrap().candidates.clone();
    assert_eq!(
        offered,
        ["config", "health", "name", "lag", "ready", "kind", "active"]
    );
    update(&mut app, Action::Complete);
    assert_eq!(app.command_line, "sort health");
    update(&mut app, Action::CompleteBack);
    assert_eq!(app.command_line, "sort config");
    update(&mut app, Action::Cancel);

    // The common prefix first, then each candidate.
    start_typing(&mut app, "fault reg");
    update(&mut app, Action::Complete);
    assert_eq!(app.command_line, "fault region-");
    update(&mut app, Action::Complete);
    assert_eq!(app.command_line, "fault region-outage");
    update(&mut app, Action::Type(' '));
    update(&mut app, Action::Type('w'));
    update(&mut app, Action::Complete);
    assert_eq!(
        app.command_line, "fault region-outage westus ",
        "regions complete"
    );
    update(&mut app, Action::Cancel);

    start_typing(&mut app, "fault resource-down tr");
    update(&mut app, Action::Complete);
    assert_eq!(app.command_line, "fault resource-down train");
    update(&mut app, Action::Complete);
    assert_eq!(
        app.command_line, "fault resource-down train-cluster",
        "components complete"
    );
    update(&mut app, Action::Cancel);

    start_typing(&mut app, "plan fa");
    update(&mut app, Action::Complete);
    assert_eq!(app.command_line, "plan fail");
    update(&mut app, Action::Complete);
    update(&mut app, Action::Complete);
    assert_eq!(app.command_line, "plan failback");
    update(&mut app, Action::Cancel);

    start_typing(&mut app, "zz");
    update(&mut app, Action::Complete);
    assert_eq!(app.command_line, "zz");
    assert!(
        app.message
            .as_ref()
            .unwrap()
            .text
            .contains("nothing completes 'zz'")
    );
}

#[test]
fn up_and_down_bring_back_the_commands_of_the_session() {
    let mut app = healthy_app();
    let key = |c: KeyCode| KeyEvent::new(c, KeyModifiers::NONE);
    for line in ["sort lag", "filter sql", "filter sql", "refresh"] {
        type_line(&mut app, Action::StartCommand, line);
    }
    assert_eq!(
        app.history,
        ["sort lag", "filter sql", "refresh"],
        "no repeats"
    );
    start_typing(&mut app, "so");
    assert!(matches!(
        action_for(&app, key(KeyCode::Up)),
        Some(Action::HistoryPrev)
    ));
    assert!(matches!(
        action_for(&app, key(KeyCode::Down)),
        Some(Action::HistoryNext)
    ));
    let mut seen = Vec::new();
    for _ in 0..4 {
        update(&mut app, Action::HistoryPrev);
        seen.push(app.command_line.clone());
    }
    assert_eq!(seen, ["refresh", "filter sql", "sort lag", "sort lag"]);
    update(&mut app, Action::HistoryNext);
    assert_eq!(app.command_line, "filter sql");
    update(&mut app, Action::HistoryNext);
    update(&mut app, Action::HistoryNext);
    assert_eq!(app.command_line, "so", "past the newest: what was typed");
    update(&mut app, Action::HistoryPrev);
    update(&mut app, Action::HistoryPrev);
    assert_eq!(
        update(&mut app, Action::Submit),
        Vec::new(),
        "filter sql runs again"
    );
    assert_eq!(shown(&app), ["feature-store"]);
    // In the filter line, Up and Down are not the command history.
    update(&mut app, Action::StartFilter);
    assert!(action_for(&app, key(KeyCode::Up)).is_none());
}

#[test]
fn an_unknown_command_suggests_the_nearest_one() {
    let mut app = healthy_app();
    let said = |app: &App| app.message.as_ref().unwrap().text.clone();
    assert!(type_line(&mut app, Action::StartCommand, "refersh").is_empty());
    assert_eq!(
        said(&app),
        "did you mean ':refresh'? ':refersh' is not a command (? lists them)"
    );
    type_line(&mut app, Action::StartCommand, "reprots");
    assert!(
        said(&app).contains("did you mean ':reports'?"),
        "{}",
        said(&app)
    );
    type_line(&mut app, Action::StartCommand, "sort lga");
    assert!(said(&app).contains("did you mean 'lag'?"), "{}", said(&app));
    assert!(
        parse_fault("regoin-outage eastus")
            .unwrap_err()
            .contains("did you mean 'region-outage'?")
    );
    type_line(&mut app, Action::StartCommand, "frobnicate");
    assert!(
        !said(&app).contains("did you mean"),
        "nothing near: no guess"
    );
}

#[test]
fn every_command_of_the_table_parses_and_help_lists_it() {
    for name in azfailover::console::command::names() {
        if let Err(e) = parse(name) {
            assert!(!e.contains("unknown command"), ":{name}: {e}");
        }
    }
    let mut app = app_with(&options(Badge::Live), (120, 40), &[healthy()]);
    update(&mut app, Action::ToggleHelp);
    let mut help = String::new();
    while {
        let before = app.help_scroll;
        help.push_str(&rows(&draw(&app)).join("\n"));
        update(&mut app, Action::HalfPageDown);
        app.help_scroll != before
    } {}
    for c in azfailover::console::command::COMMANDS {
        assert!(help.contains(c.usage), "help lists {}", c.usage);
    }
    assert!(help.contains(":reports"));
}

#[test]
fn the_filter_is_a_regex_and_a_leading_bang_inverts_it() {
    let mut app = healthy_app();
    update(&mut app, Action::StartFilter);
    for c in "^(train-|batch)".chars() {
        update(&mut app, Action::Type(c));
    }
    assert_eq!(shown(&app), ["train-cluster", "batch-aks"]);
    update(&mut app, Action::Submit);
    assert_eq!(app.filter, "^(train-|batch)");
    update(&mut app, Action::Back);
    assert_eq!(shown(&app).len(), 12);

    type_line(&mut app, Action::StartFilter, "!hot-hot");
    assert_eq!(
        shown(&app),
        [
            "workspace",
            "train-cluster",
            "batch-aks",
            "training-data",
            "feature-store",
            "run-metadata"
        ],
        "the others: hot/cold components"
    );
    update(&mut app, Action::Back);
    type_line(&mut app, Action::StartFilter, "TRAIN");
    assert_eq!(
        shown(&app),
        ["train-cluster", "training-data"],
        "case does not matter"
    );
}

#[test]
fn an_invalid_filter_says_why_and_keeps_the_previous_one() {
    let mut app = healthy_app();
    type_line(&mut app, Action::StartFilter, "train");
    assert_eq!(shown(&app), ["train-cluster", "training-data"]);
    update(&mut app, Action::StartFilter);
    for c in "(".chars() {
        update(&mut app, Action::Type(c));
    }
    let m = app.message.clone().unwrap();
    assert_eq!(m.level, Level::Error);
    assert!(m.text.contains("unclosed group"), "{}", m.text);
    assert!(m.text.contains("the filter 'train'"), "{}", m.text);
    assert_eq!(
        shown(&app),
        ["train-cluster", "training-data"],
        "still the previous filter"
    );
    update(&mut app, Action::Submit);
    assert_eq!(
        app.filter, "train",
        "Enter on an invalid regex keeps the previous filter"
    );
    assert_eq!(shown(&app), ["train-cluster", "training-data"]);
    type_line(&mut app, Action::StartCommand, "filter [x");
    assert!(
        app.message
            .as_ref()
            .unwrap()
            .text
            .contains("unclosed character class")
    );
    assert_eq!(shown(&app), ["train-cluster", "training-data"]);
    let huge = "a".repeat(500);
    type_line(&mut app, Action::StartCommand, &format!("filter {huge}"));
    assert!(app.message.as_ref().unwrap().text.contains("at most 200"));
    // A bound on what a regex may compile to.
    type_line(&mut app, Action::StartCommand, "filter (\\w{100}){100}");
    assert!(
        app.message.as_ref().unwrap().text.contains("too large"),
        "{}",
        app.message.as_ref().unwrap().text
    );
    assert_eq!(shown(&app), ["train-cluster", "training-data"]);
}

#[test]
fn a_column_key_sorts_by_it_and_a_second_press_reverses() {
    let mut app = healthy_app();
    let shift = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT);
    assert!(matches!(
        action_for(&app, shift('N')),
        Some(Action::SortBy(SortKey::Name))
    ));
    assert!(matches!(
        action_for(&app, shift('L')),
        Some(Action::SortBy(SortKey::Lag))
    ));
    update(&mut app, Action::SortBy(SortKey::Name));
    assert_eq!((app.sort, app.sort_reversed), (SortKey::Name, false));
    assert_eq!(shown(&app)[0], "batch-aks");
    assert_eq!(app.message.as_ref().unwrap().text, "sorted by name, A→Z");
    update(&mut app, Action::SortBy(SortKey::Name));
    assert!(app.sort_reversed);
    assert_eq!(shown(&app)[0], "workspace");
    assert_eq!(app.message.as_ref().unwrap().text, "sorted by name, Z→A");
    update(&mut app, Action::SortBy(SortKey::Lag));
    assert_eq!((app.sort, app.sort_reversed), (SortKey::Lag, false));
    assert_eq!(
        shown(&app)[0],
        "training-data",
        "95 s of 900 s is the highest ratio"
    );
    update(&mut app, Action::SortBy(SortKey::Lag));
    assert_eq!(
        shown(&app).last().unwrap(),
        "training-data",
        "reversed: lowest first"
    );
    type_line(&mut app, Action::StartCommand, "sort name");
    assert_eq!(
        (app.sort, app.sort_reversed),
        (SortKey::Name, false),
        ":sort keeps working"
    );
    update(&mut app, Action::SortBy(SortKey::Config));
    update(&mut app, Action::SortBy(SortKey::Config));
    assert_eq!(
        shown(&app)[0],
        "telemetry",
        "the configuration's order reversed"
    );
}

#[test]
fn summary_counts_what_serves_where_and_says_the_verdict() {
    let app = app_with(&options(Badge::Live), (120, 40), &[healthy(), outage()]);
    let s = &app.summary;
    assert_eq!(
        s.verdict.summary,
        "eastus down · forced failover possible · ≈14 min of writes lost · 1 of 4 data stores already on westus · azfailover failover",
        "derived for a snapshot without one; the lags frozen by the outage block nothing"
    );
    assert_eq!(s.serving, [0, 6], "nothing serves in the downed eastus");
    let app = healthy_app();
    assert_eq!(
        app.summary.serving,
        [12, 6],
        "hot/hot components serve in westus too"
    );
}

#[test]
fn failover_from_the_console_asks_once_then_opens_the_runbook() {
    let mut snap = outage();
    snap.verdict = azfailover::health::verdict::verdict(&snap);
    let mut app = app_with(&options(Badge::Demo), (120, 40), &[snap]);
    app.can_run = true;
    // The overview's key asks about what the verdict recommends.
    assert!(update(&mut app, Action::ActOnVerdict).is_empty());
    assert_eq!(
        app.start_ask,
        Some(azfailover::config::RunbookKind::Failover)
    );
    assert!(app.dialog_open());
    // A dialog takes the keys: q is an answer's text, not a quit.
    let key = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    assert!(matches!(
        action_for(&app, key('q')),
        Some(Action::Type('q'))
    ));
    // Esc: nothing starts.
    assert!(update(&mut app, Action::Cancel).is_empty());
    assert_eq!(app.start_ask, None);
    assert!(app.run.is_none());
    // :failover then y: the run starts and screen 4 shows it.
    type_line(&mut app, Action::StartCommand, "failover");
    let effects = update(&mut app, Action::Type('y'));
    assert_eq!(
        effects,
        vec![Effect::StartRun(azfailover::config::RunbookKind::Failover)]
    );
    assert_eq!(app.screen, Screen::Runbook);
    assert!(app.run_active());
    // One run per console.
    type_line(&mut app, Action::StartCommand, "failback");
    assert_eq!(app.start_ask, None);
    assert!(
        app.message
            .as_ref()
            .unwrap()
            .text
            .contains("already going on")
    );
}

#[test]
fn a_console_without_a_host_says_how_to_start_a_run() {
    let mut app = healthy_app();
    type_line(&mut app, Action::StartCommand, "failover");
    assert_eq!(app.start_ask, None);
    assert!(
        app.message
            .as_ref()
            .unwrap()
            .text
            .contains("`azfailover failover` opens one")
    );
}

#[test]
fn plan_previews_the_runbook_on_screen_4_and_nothing_runs() {
    let mut app = healthy_app();
    app.can_run = true;
    let effects = type_line(&mut app, Action::StartCommand, "plan failback");
    assert_eq!(
        effects,
        vec![Effect::Preview(azfailover::config::RunbookKind::Failback)]
    );
    // Nothing to fail back: said, nothing shown.
    update(
        &mut app,
        Action::Preview(Box::new(Err("nothing left to fail back".into()))),
    );
    assert!(app.run.is_none());
    assert!(app.message.as_ref().unwrap().text.contains("nothing left"));
    let rb = azfailover::runbook::Runbook {
        kind: azfailover::config::RunbookKind::Failover,
        deployment: "contoso-ml".into(),
        from_region: azfailover::region::Region::new("eastus"),
        to_region: azfailover::region::Region::new("westus"),
        forced: false,
        steps: Vec::new(),
    };
    update(&mut app, Action::Preview(Box::new(Ok(rb))));
    assert_eq!(app.screen, Screen::Runbook);
    assert!(app.run.as_ref().unwrap().preview);
    // A preview is not a run: q quits.
    assert!(!app.run_active());
    assert_eq!(update(&mut app, Action::Quit), vec![Effect::Quit(0)]);
}

#[test]
fn every_key_description_fits_the_help_at_80_columns() {
    for b in azfailover::console::keymap::KEYMAP {
        assert!(
            b.label.chars().count() <= 16 && b.desc.chars().count() <= 60,
            "'{}': '{}' is cut in an 80-column help",
            b.label,
            b.desc
        );
    }
}

#[test]
fn the_status_bar_names_f_while_the_verdict_recommends_a_run_this_console_can_start() {
    let mut snap = outage();
    snap.verdict = azfailover::health::verdict::verdict(&snap);
    let mut app = app_with(&options(Badge::Demo), (80, 24), &[snap]);
    let shown = |app: &App| {
        azfailover::console::keymap::hints(app)
            .iter()
            .any(|(k, h)| *k == "F" && *h == "start the run")
    };
    assert!(!shown(&app), "a console that cannot run says nothing of F");
    app.can_run = true;
    assert!(
        shown(&app),
        "at 80 columns the verdict's own hint may be cut: the bar keeps F"
    );
    let t = draw(&app);
    let bar = rows(&t).last().cloned().unwrap_or_default();
    assert!(bar.contains("F start the run"), "{bar}");
    let healthy = app_with(&options(Badge::Demo), (80, 24), &[healthy()]);
    assert!(!shown(&healthy), "nothing to run: no F");
}
