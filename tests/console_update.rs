//! The console's pure `update`: filter, sort, selection, commands, faults, timeline, quitting.

mod console_support;

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
            arm: None
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
            arm: Some(ArmBehaviour::Hang)
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
            arm: None
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
fn messages_expire_with_the_tick() {
    let mut app = healthy_app();
    update(&mut app, Action::Refresh);
    assert!(app.message.is_some());
    let later = app.now + time::Duration::seconds(10);
    update(&mut app, Action::Tick(later));
    assert!(app.message.is_none());
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
fn keys_in_help_close_it_and_act() {
    let mut app = healthy_app();
    update(&mut app, Action::ToggleHelp);
    update(&mut app, Action::StartCommand);
    assert!(!app.help);
    assert_eq!(app.input, Input::Command);
    update(&mut app, Action::Cancel);
    update(&mut app, Action::ToggleHelp);
    update(&mut app, Action::ToggleHelp);
    assert!(!app.help, "? closes what ? opened");
    update(&mut app, Action::ToggleHelp);
    assert_eq!(update(&mut app, Action::Interrupt), vec![Effect::Quit(130)]);
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
