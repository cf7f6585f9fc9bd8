//! The runbook screen: pure updates of its dialogs (what the operator's keys decide) and the
//! screen drawn with a typed-confirmation dialog open.

mod console_support;

use std::time::Duration;

use azfailover::config::{Phase, RunbookKind};
use azfailover::console::run_state::{Dialog, RunEvent};
use azfailover::console::{Action, App, Badge, Effect, Screen, update};
use azfailover::runbook::journal::{Entry, Event};
use azfailover::runbook::model::{Confirm, Precondition, Runbook, Step, StepKind};
use azfailover::runbook::operator::{Decision, Question};
use console_support::*;
use insta::assert_snapshot;
use ratatui::style::Color;

/// A step of the test runbook.
fn step(id: &str, title: &str, phase: Phase, confirm: Confirm) -> Step {
    let typed = matches!(confirm, Confirm::Typed(_));
    Step {
        id: id.into(),
        title: title.into(),
        why: format!("Why {title} matters."),
        component: None,
        phase,
        kind: if typed {
            StepKind::Action
        } else {
            StepKind::Manual
        },
        confirm,
        destructive: typed,
        data_loss: typed.then(|| {
            "writes to stcontosotraindata after 02:41:07 UTC — 6 min — will be lost".into()
        }),
        az: if typed {
            vec!["az storage account failover -g rg-data -n stcontosotraindata --yes".into()]
        } else {
            Vec::new()
        },
        action: None,
        preconditions: if typed {
            vec![Precondition::RegionNotHealthy {
                region: "eastus".into(),
            }]
        } else {
            Vec::new()
        },
        postcondition: None,
        timeout: Duration::from_secs(600),
        parallel_group: None,
        after: None,
        outside_rto: false,
        completes_traffic_shift: false,
    }
}

/// A short forced failover: two prepare steps, a typed storage failover, a compute step.
fn runbook() -> Runbook {
    Runbook {
        kind: RunbookKind::Failover,
        deployment: "contoso-ml".into(),
        from_region: azfailover::region::Region::new("eastus"),
        to_region: azfailover::region::Region::new("westus"),
        forced: true,
        steps: vec![
            step(
                "prepare.confirm-outage",
                "Confirm the eastus outage",
                Phase::Prepare,
                Confirm::Yes,
            ),
            step(
                "prepare.fence-primary",
                "Fence eastus",
                Phase::Prepare,
                Confirm::Yes,
            ),
            step(
                "data.training-data.failover",
                "Unplanned failover of storage stcontosotraindata to westus",
                Phase::Data,
                Confirm::Typed("westus".into()),
            ),
            step(
                "compute.gpu-train.scale",
                "Scale gpu-train in westus",
                Phase::Compute,
                Confirm::Yes,
            ),
        ],
    }
}

/// The action of a run message.
fn run_ev(event: RunEvent) -> Action {
    Action::Run(Box::new(event))
}

/// A journal entry.
fn entry(event: Event) -> Entry {
    Entry {
        at: "2026-11-26T02:44:00Z".into(),
        wall_at: None,
        run_id: "r1".into(),
        event,
    }
}

/// A console of a run that loaded the runbook; the first two steps are done.
fn run_app(size: (u16, u16)) -> App {
    let mut app = app_with(&options(Badge::Drill), size, &[healthy(), outage()]);
    app.start_run();
    let mut entries = Vec::new();
    for id in ["prepare.confirm-outage", "prepare.fence-primary"] {
        entries.push(entry(Event::StepStarted { step: id.into() }));
        entries.push(entry(Event::StepDone {
            step: id.into(),
            note: None,
        }));
    }
    update(
        &mut app,
        run_ev(RunEvent::Loaded {
            runbook: Box::new(runbook()),
            entries,
        }),
    );
    app
}

/// The executor asks about step `index` of the runbook.
fn ask(app: &mut App, id: u64, index: usize, question: Question) {
    let step = runbook().steps[index].clone();
    update(
        app,
        run_ev(RunEvent::Ask {
            id,
            step: Box::new(step),
            question,
        }),
    );
}

/// Types a text into the open dialog.
fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        effects.extend(update(app, Action::Type(c)));
    }
    effects
}

/// The answers among effects.
fn answers(effects: &[Effect]) -> Vec<(u64, Decision)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Answer { id, decision } => Some((*id, decision.clone())),
            _ => None,
        })
        .collect()
}

/// The dialog open now.
fn dialog(app: &App) -> Option<Dialog> {
    app.run
        .as_ref()
        .and_then(|r| r.pending.as_ref())
        .map(|p| p.dialog.clone())
}

#[test]
fn the_console_of_a_run_opens_on_the_runbook() {
    let app = run_app((120, 40));
    assert_eq!(app.screen, Screen::Runbook);
}

#[test]
fn yes_no_confirms_with_y_or_enter() {
    let mut app = run_app((120, 40));
    ask(&mut app, 1, 3, Question::Confirm);
    assert_eq!(
        answers(&update(&mut app, Action::Type('y'))),
        vec![(1, Decision::Confirm)]
    );
    ask(&mut app, 2, 3, Question::Confirm);
    assert_eq!(
        answers(&update(&mut app, Action::Submit)),
        vec![(2, Decision::Confirm)]
    );
    assert!(dialog(&app).is_none());
}

#[test]
fn a_single_y_never_confirms_a_typed_step() {
    let mut app = run_app((120, 40));
    ask(&mut app, 7, 2, Question::Confirm);
    assert!(matches!(dialog(&app), Some(Dialog::Typed { .. })));
    assert!(answers(&update(&mut app, Action::Type('y'))).is_empty());
    assert!(answers(&update(&mut app, Action::Submit)).is_empty());
    assert!(
        matches!(dialog(&app), Some(Dialog::Typed { error: Some(_), .. })),
        "a wrong text is refused with a reason"
    );
}

#[test]
fn a_wrong_typed_text_never_proceeds() {
    let mut app = run_app((120, 40));
    ask(&mut app, 7, 2, Question::Confirm);
    for wrong in ["eastus", "WESTUS", "westus ", "west", "yes"] {
        let mut effects = type_text(&mut app, wrong);
        effects.extend(update(&mut app, Action::Submit));
        assert!(answers(&effects).is_empty(), "'{wrong}' must not proceed");
        assert!(matches!(dialog(&app), Some(Dialog::Typed { .. })));
    }
    // Backspace edits; the exact text goes through.
    type_text(&mut app, "westuss");
    update(&mut app, Action::Erase);
    let effects = update(&mut app, Action::Submit);
    assert_eq!(
        answers(&effects),
        vec![(7, Decision::Typed("westus".into()))]
    );
}

#[test]
fn declining_asks_skip_with_a_reason_or_abort() {
    let mut app = run_app((120, 40));
    ask(&mut app, 3, 3, Question::Confirm);
    update(&mut app, Action::Cancel);
    assert_eq!(dialog(&app), Some(Dialog::Declined));
    update(&mut app, Action::Type('s'));
    // An empty reason is refused.
    assert!(answers(&update(&mut app, Action::Submit)).is_empty());
    type_text(&mut app, "done by hand");
    assert_eq!(
        answers(&update(&mut app, Action::Submit)),
        vec![(3, Decision::Skip("done by hand".into()))]
    );
}

#[test]
fn abort_asks_for_confirmation() {
    let mut app = run_app((120, 40));
    ask(&mut app, 4, 3, Question::Confirm);
    update(&mut app, Action::Type('n'));
    update(&mut app, Action::Type('a'));
    assert_eq!(dialog(&app), Some(Dialog::AbortAsk));
    // n goes back to the question; nothing was decided.
    assert!(answers(&update(&mut app, Action::Type('n'))).is_empty());
    assert_eq!(dialog(&app), Some(Dialog::YesNo));
    update(&mut app, Action::Cancel);
    update(&mut app, Action::Type('a'));
    assert_eq!(
        answers(&update(&mut app, Action::Type('y'))),
        vec![(4, Decision::Abort)]
    );
}

#[test]
fn an_override_needs_the_region_name_and_a_reason() {
    let mut app = run_app((120, 40));
    ask(
        &mut app,
        5,
        2,
        Question::Blocked("eastus is healthy".into()),
    );
    assert_eq!(dialog(&app), Some(Dialog::Blocked));
    update(&mut app, Action::Type('o'));
    // A wrong region name does not get to the reason.
    type_text(&mut app, "eastus");
    assert!(answers(&update(&mut app, Action::Submit)).is_empty());
    assert!(matches!(dialog(&app), Some(Dialog::OverrideName { .. })));
    type_text(&mut app, "westus");
    assert!(answers(&update(&mut app, Action::Submit)).is_empty());
    assert!(matches!(dialog(&app), Some(Dialog::Reason { .. })));
    // No reason, no override.
    type_text(&mut app, "   ");
    assert!(answers(&update(&mut app, Action::Submit)).is_empty());
    type_text(&mut app, "probes say eastus is down");
    assert_eq!(
        answers(&update(&mut app, Action::Submit)),
        vec![(5, Decision::Override("probes say eastus is down".into()))]
    );
}

#[test]
fn a_failed_step_offers_retry_skip_abort() {
    let mut app = run_app((120, 40));
    ask(&mut app, 6, 3, Question::Failed("409 Conflict".into()));
    assert_eq!(dialog(&app), Some(Dialog::Failed));
    assert_eq!(
        answers(&update(&mut app, Action::Type('r'))),
        vec![(6, Decision::Confirm)]
    );
}

#[test]
fn q_does_not_quit_in_the_middle_of_a_run() {
    let mut app = run_app((120, 40));
    assert!(update(&mut app, Action::Quit).is_empty());
    update(
        &mut app,
        run_ev(RunEvent::Finished(Box::new(
            azfailover::console::runbook_bridge::RunEnd {
                outcome: "completed".into(),
                message: None,
                report_json: Some("/tmp/r.json".into()),
                report_markdown: Some("/tmp/r.md".into()),
            },
        ))),
    );
    assert_eq!(update(&mut app, Action::Quit), vec![Effect::Quit(0)]);
}

#[test]
fn progress_shows_on_the_running_step() {
    let mut app = run_app((120, 40));
    let id = "compute.gpu-train.scale".to_string();
    update(
        &mut app,
        run_ev(RunEvent::Entry(entry(Event::StepStarted {
            step: id.clone(),
        }))),
    );
    update(
        &mut app,
        run_ev(RunEvent::Entry(entry(Event::Progress {
            step: id.clone(),
            status: "InProgress".into(),
            percent: Some(40.0),
        }))),
    );
    let t = draw(&app);
    assert!(on_screen(&t, "40%"), "{}", rows(&t).join("\n"));
    assert!(on_screen(&t, "Azure says: InProgress"));
}

#[test]
fn runbook_screen_with_a_typed_confirmation() {
    for size in [(120, 40), (80, 24)] {
        let mut app = run_app(size);
        update(
            &mut app,
            run_ev(RunEvent::Notify(
                "data.training-data.failover: Unplanned failover".into(),
            )),
        );
        ask(&mut app, 9, 2, Question::Confirm);
        type_text(&mut app, "wes");
        let t = draw(&app);
        assert_snapshot!(format!("runbook_typed_{}x{}", size.0, size.1), t.backend());
        assert!(on_screen(&t, "Type westus to go ahead"));
        assert_eq!(cell_of(&t, "DATA LOSS").fg, Color::LightRed);
    }
}

#[test]
fn during_a_run_the_header_says_where_it_is_instead_of_the_verdict() {
    let mut app = run_app((120, 40));
    ask(&mut app, 9, 2, Question::Confirm);
    let t = draw(&app);
    let header = &rows(&t)[1];
    assert!(
        header.starts_with(
            " ▶ RUN  forced failover eastus → westus · step 3 of 4, waiting for you: Unplanned failover of storage"
        ),
        "{header}"
    );
    assert!(!header.contains("failover possible"), "{header}");
    // Once the run ended, the verdict is back.
    update(
        &mut app,
        run_ev(RunEvent::Finished(Box::new(
            azfailover::console::runbook_bridge::RunEnd {
                outcome: "completed".into(),
                message: None,
                report_json: None,
                report_markdown: None,
            },
        ))),
    );
    let t = draw(&app);
    assert!(
        rows(&t)[1].contains("forced failover possible"),
        "{}",
        rows(&t)[1]
    );
}
