//! The runbook screen: pure updates of its dialogs (what the operator's keys decide) and the
//! screen drawn with a typed-confirmation dialog open.

use crate::console_support;

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
                error: None,
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
fn a_running_step_counts_its_time_on_the_clock_of_the_screen() {
    let mut app = run_app((120, 40));
    // A drill: the simulator's clock, 30 times as fast, is hours ahead of this machine's.
    let sim_start = time::macros::datetime!(2026-11-26 09:00:00 UTC);
    update(&mut app, Action::SimTime(sim_start, 30.0));
    let id = "compute.gpu-train.scale".to_string();
    update(
        &mut app,
        run_ev(RunEvent::Entry(entry(Event::StepStarted {
            step: id.clone(),
        }))),
    );
    update(
        &mut app,
        Action::SimTime(sim_start + time::Duration::seconds(150), 30.0),
    );
    let t = draw(&app);
    assert!(
        rows(&t).iter().any(|r| r.contains("running 2 min")),
        "the step ran 150 simulated seconds (was: \"running 0 s\", the start in simulated time and now in wall time):\n{}",
        rows(&t).join("\n")
    );
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
                error: None,
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

/// A why long enough to overflow a dialog at 80×24.
const LONG_WHY: &str = "The storage account's secondary in westus becomes its primary: writes in flight to eastus after the last sync are lost, \
and the account is locally redundant until geo-replication is configured again. Applications that write keep writing to the same endpoint \
once DNS has moved (a few minutes). Readers of the secondary endpoint must switch to the primary endpoint. \
The feature store and the run metadata are failed over in the next steps; until then, training jobs read from a mix of regions. \
If eastus comes back before this step runs, decline it and fail back instead: nothing here is needed then. \
The last sync time read from Azure a moment ago decides how much is lost; the dialog updates it every second while it is open.";

/// The step at `index`, with a long why, a long data-loss text and two az commands.
fn long_step(index: usize) -> Step {
    let mut s = runbook().steps[index].clone();
    s.why = LONG_WHY.into();
    if s.data_loss.is_some() {
        s.data_loss = Some(format!(
            "writes to stcontosotraindata after 02:41:07 UTC — 6 min — will be lost. {LONG_WHY}"
        ));
    }
    s.az = vec![
        "az storage account show -g rg-contoso-ml-data -n stcontosotraindata --expand geoReplicationStats".into(),
        "az storage account failover -g rg-contoso-ml-data -n stcontosotraindata --failover-type Unplanned --yes".into(),
    ];
    s
}

/// The executor asks `question` about a long step.
fn ask_long(app: &mut App, id: u64, index: usize, question: Question) {
    update(
        app,
        run_ev(RunEvent::Ask {
            id,
            step: Box::new(long_step(index)),
            question,
        }),
    );
}

/// The resume offer of an unfinished failover that sent many requests.
fn long_offer() -> azfailover::runbook::operator::ResumeOffer {
    azfailover::runbook::operator::ResumeOffer {
        kind: "failover".into(),
        operator: "oncall@contoso.com".into(),
        started_at: "2026-11-26T02:44:00Z".into(),
        stopped_at: Some((
            "data.training-data.failover".into(),
            "Unplanned failover of storage stcontosotraindata to westus".into(),
        )),
        sent: (1..=11)
            .map(|i| format!("POST /subscriptions/8f3c2b1a/resourceGroups/rg-contoso-ml-data/providers/Microsoft.Storage/storageAccounts/st{i}/failover (data.st{i}.failover)"))
            .collect(),
        journal: "/home/oncall/.local/share/azfailover/journals/contoso-ml-failover-20261126T024400Z.jsonl".into(),
    }
}

/// A dialog of the test: its name, how to open it, and the end of its key line.
type DialogCase = (&'static str, fn(&mut App), &'static str);

/// Every dialog, each on a long text.
fn dialogs() -> Vec<DialogCase> {
    vec![
        (
            "confirm",
            |a| ask_long(a, 1, 3, Question::Confirm),
            "n / Esc decline",
        ),
        (
            "typed",
            |a| ask_long(a, 2, 2, Question::Confirm),
            "Esc decline",
        ),
        (
            "blocked",
            |a| {
                ask_long(
                    a,
                    3,
                    2,
                    Question::Blocked(format!("eastus is healthy: {LONG_WHY}")),
                )
            },
            "a / Esc abort",
        ),
        (
            "override",
            |a| {
                ask_long(
                    a,
                    4,
                    2,
                    Question::Blocked(format!("eastus is healthy: {LONG_WHY}")),
                );
                update(a, Action::Type('o'));
            },
            "Esc back",
        ),
        (
            "failed",
            |a| {
                ask_long(
                    a,
                    5,
                    3,
                    Question::Failed(format!("409 Conflict: {LONG_WHY}")),
                )
            },
            "a / Esc abort",
        ),
        (
            "waiting",
            |a| {
                ask_long(
                    a,
                    6,
                    3,
                    Question::Waiting {
                        reason: format!("westus compute quota: {LONG_WHY}"),
                        since: "2026-11-26T02:44:10Z".into(),
                    },
                )
            },
            "a / Esc abort",
        ),
        (
            "in_doubt",
            |a| {
                ask_long(
                    a,
                    7,
                    2,
                    Question::InDoubt(format!("the answer was lost: {LONG_WHY}")),
                )
            },
            "a / Esc abort",
        ),
        (
            "unreadable",
            |a| {
                ask_long(
                    a,
                    8,
                    3,
                    Question::Unreadable(format!("ARM 503: {LONG_WHY}")),
                )
            },
            "a / Esc abort",
        ),
        (
            "abort",
            |a| {
                ask_long(a, 9, 3, Question::Confirm);
                update(a, Action::Cancel);
                update(a, Action::Type('a'));
            },
            "n / Esc back",
        ),
        (
            "resume_offer",
            |a| {
                update(
                    a,
                    run_ev(RunEvent::Offer {
                        id: 1,
                        offer: Box::new(long_offer()),
                    }),
                );
            },
            "q quit, leave it",
        ),
    ]
}

#[test]
fn every_dialog_with_a_long_text_keeps_its_key_line() {
    for size in [(80, 24), (120, 40)] {
        for (name, open, keys) in dialogs() {
            let mut app = run_app(size);
            open(&mut app);
            assert!(app.dialog_open(), "{name}");
            let t = draw(&app);
            assert_snapshot!(format!("dialog_{name}_{}x{}", size.0, size.1), t.backend());
            assert!(
                on_screen(&t, keys),
                "{name} at {size:?}: the key line '{keys}' is drawn\n{}",
                rows(&t).join("\n")
            );
        }
    }
}

#[test]
fn a_dialog_taller_than_the_screen_scrolls_and_keeps_its_keys() {
    let mut app = run_app((80, 24));
    ask_long(
        &mut app,
        1,
        2,
        Question::InDoubt(format!("the answer was lost: {LONG_WHY}")),
    );
    let t = draw(&app);
    assert!(on_screen(&t, "↓ more: PgDn"), "{}", rows(&t).join("\n"));
    assert!(!on_screen(&t, "↑ more"));
    let key = |c| crossterm::event::KeyEvent::new(c, crossterm::event::KeyModifiers::NONE);
    let pgdn =
        azfailover::console::keymap::action_for(&app, key(crossterm::event::KeyCode::PageDown));
    assert!(matches!(pgdn, Some(Action::Down)), "{pgdn:?}");
    let mut pages = 0;
    while on_screen(&draw(&app), "↓ more") {
        update(&mut app, Action::Down);
        pages += 1;
        assert!(pages < 20, "the end is reached");
    }
    let t = draw(&app);
    assert!(on_screen(&t, "↑ more: PgUp"));
    assert!(
        on_screen(&t, "$ az storage account failover"),
        "the end of the text shows"
    );
    assert!(
        on_screen(&t, "c / Enter re-check live state"),
        "the keys stay"
    );
    let at_end = app.run.as_ref().unwrap().dialog_scroll;
    update(&mut app, Action::Down);
    assert_eq!(
        app.run.as_ref().unwrap().dialog_scroll,
        at_end,
        "no scrolling past the end"
    );
    // Scrolling answers nothing; a new dialog starts at the top.
    update(&mut app, Action::Type('s'));
    assert_eq!(app.run.as_ref().unwrap().dialog_scroll, 0);
    assert!(matches!(dialog(&app), Some(Dialog::Reason { .. })));
}

#[test]
fn question_mark_in_a_dialog_lists_the_keys_of_that_dialog() {
    let mut app = run_app((120, 40));
    ask(
        &mut app,
        1,
        2,
        Question::Blocked("eastus is healthy".into()),
    );
    let key = |c| crossterm::event::KeyEvent::new(c, crossterm::event::KeyModifiers::NONE);
    let q =
        azfailover::console::keymap::action_for(&app, key(crossterm::event::KeyCode::Char('?')));
    assert!(matches!(q, Some(Action::ToggleHelp)));
    update(&mut app, Action::ToggleHelp);
    let t = draw(&app);
    assert!(
        on_screen(&t, "In this dialog: precondition failed"),
        "{}",
        rows(&t).join("\n")
    );
    for desc in [
        "override: type the target region, then a reason",
        "skip the step (with a reason); a wait stops",
        "abort the run (asks again)",
        "scroll the dialog's text down",
    ] {
        assert!(on_screen(&t, desc), "{desc}\n{}", rows(&t).join("\n"));
    }
    assert!(
        !on_screen(&t, "confirm: the step runs"),
        "only this dialog's answers"
    );
    update(&mut app, Action::Back);
    assert!(
        !app.help && app.dialog_open(),
        "Esc closes the help, the dialog is still open"
    );
    // In a reason, ? is text; F1 lists the keys.
    update(&mut app, Action::Type('s'));
    let q =
        azfailover::console::keymap::action_for(&app, key(crossterm::event::KeyCode::Char('?')));
    assert!(matches!(q, Some(Action::Type('?'))));
    let f1 = azfailover::console::keymap::action_for(&app, key(crossterm::event::KeyCode::F(1)));
    assert!(matches!(f1, Some(Action::ToggleHelp)));
}

#[test]
fn on_other_screens_a_waiting_dialog_shows_a_badge() {
    let mut app = run_app((80, 24));
    ask(&mut app, 1, 3, Question::Confirm);
    assert!(
        !on_screen(&draw(&app), "dialog waiting"),
        "not on the runbook itself"
    );
    update(&mut app, Action::NextScreen);
    for screen in [
        Screen::Overview,
        Screen::Timeline,
        Screen::Detail,
        Screen::Reports,
    ] {
        update(&mut app, Action::Show(screen));
        let t = draw(&app);
        assert!(
            on_screen(&t, "dialog waiting — 4 answers it"),
            "{screen:?}\n{}",
            rows(&t).join("\n")
        );
    }
    update(&mut app, Action::Show(Screen::Runbook));
    update(&mut app, Action::Type('y'));
    update(&mut app, Action::Show(Screen::Overview));
    assert!(
        !on_screen(&draw(&app), "dialog waiting"),
        "answered: no badge"
    );
}

#[test]
fn q_quit_is_hinted_only_when_q_quits() {
    let mut app = run_app((120, 40));
    let status = |app: &App| rows(&draw(app))[39].clone();
    assert!(!status(&app).contains("q quit"), "{}", status(&app));
    update(&mut app, Action::Show(Screen::Overview));
    assert!(!status(&app).contains("q quit"), "{}", status(&app));
    assert!(status(&app).contains("? help"));
    update(
        &mut app,
        run_ev(RunEvent::Finished(Box::new(
            azfailover::console::runbook_bridge::RunEnd {
                outcome: "completed".into(),
                message: None,
                report_json: None,
                report_markdown: None,
                error: None,
            },
        ))),
    );
    let s = status(&app);
    assert!(s.contains("q quit"), "{s}");
    assert!(
        s.starts_with("run completed"),
        "the message and the hints side by side: {s}"
    );
}
