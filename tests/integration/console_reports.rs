//! The reports screen: the list of saved reports and the selected one (objectives against
//! their targets, the chart of its steps), drawn into a TestBackend; and how it is reached and
//! moved through — the listing itself is read by the event loop, so here it is an input.

use crate::console_support;

use std::path::PathBuf;

use azfailover::console::run_state::RunEvent;
use azfailover::console::runbook_bridge::RunEnd;
use azfailover::console::{Action, App, Badge, Effect, Screen, update};
use azfailover::runbook::report::{Listed, Listing, Saved};
use console_support::*;
use insta::assert_snapshot;
use ratatui::style::Color;
use serde_json::json;

const DIR: &str = "/home/oncall/.local/share/azfailover/reports";

/// A step of a report: id, outcome, start and end (UTC times of 2026-11-26, or of the day
/// before when they are after 20:00).
fn step(id: &str, title: &str, outcome: &str, at: Option<(&str, &str)>) -> serde_json::Value {
    let t = |x: &str| {
        let day = if x >= "20" { 25 } else { 26 };
        format!("2026-11-{day}T{x}Z")
    };
    let secs = |x: &str| {
        let p: Vec<i64> = x.split(':').map(|n| n.parse().unwrap()).collect();
        p[0] * 3600 + p[1] * 60 + p[2]
    };
    json!({"id": id, "title": title, "phase": "data", "outcome": outcome,
           "started_at": at.map(|(a, _)| t(a)), "finished_at": at.map(|(_, b)| t(b)),
           "duration_seconds": at.map(|(a, b)| secs(b) - secs(a)),
           "note": null, "confirmed_by": if outcome == "not-run" { None } else { Some("alice") }, "outside_rto": false})
}

/// `step`, then these fields changed.
fn with(mut step: serde_json::Value, fields: serde_json::Value) -> serde_json::Value {
    for (k, v) in fields.as_object().unwrap() {
        step[k] = v.clone();
    }
    step
}

/// A completed drill: RTO met, data loss over the RPO, one skipped step.
fn drill() -> Saved {
    serde_json::from_value(json!({
        "scenario": "eastus-outage", "operator": "alice", "outcome": "completed", "kind": "failover",
        "deployment": "contoso-ml", "from_region": "eastus", "to_region": "westus", "forced": true,
        "started_at": "2026-11-26T02:41:07Z", "finished_at": "2026-11-26T03:20:10Z",
        "outage_started_at": "2026-11-26T02:40:00Z",
        "rto_target_seconds": 3600, "rto_seconds": 2268, "rpo_target_seconds": 900,
        "data_loss_window_seconds": 1628, "data_loss_source": "simulator (measured)",
        "operations": [{"method": "POST", "path": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1/failover?api-version=2025-06-01", "at": "2026-11-26T02:50:00Z"}],
        "steps": [
            step("prepare-lock", "Take the run lock", "done", Some(("02:41:07", "02:41:10"))),
            step("data-storage-failover", "Fail over stcontosotraindata", "done", Some(("02:43:00", "02:58:00"))),
            step("data-sql-failover", "Fail over the SQL failover group", "done", Some(("02:58:05", "03:01:00"))),
            step("data-cosmos", "Change the Cosmos DB write region", "skipped", None),
            step("compute-scale", "Scale the standby compute", "done", Some(("03:01:10", "03:10:00"))),
            step("traffic-shift", "Shift traffic to westus", "done", Some(("03:10:05", "03:17:48"))),
            step("finish-note", "Record the incident", "done", Some(("03:18:00", "03:20:10"))),
        ],
        "readiness_findings": ["cosmos-ml-metadata: westus replica lags 31 min (RPO 15 min)"],
        "deviations": ["data-cosmos skipped by alice: the region was already writable"],
    }))
    .unwrap()
}

/// An aborted failover (not a drill), written before reports had a headline: stopped at the
/// storage failover's question, so no traffic shift and no RTO.
fn aborted() -> Saved {
    serde_json::from_value(json!({
        "scenario": null, "operator": "bob", "outcome": "aborted", "kind": "failover",
        "from_region": "eastus", "to_region": "westus", "forced": false,
        "started_at": "2026-11-25T22:00:00Z", "finished_at": "2026-11-25T22:04:00Z",
        "outage_started_at": "2026-11-25T22:00:00Z",
        "rto_target_seconds": 3600, "rto_seconds": null, "rpo_target_seconds": 900,
        "data_loss_window_seconds": 0,
        "steps": [step("prepare-lock", "Take the run lock", "done", Some(("22:00:00", "22:00:03"))),
                  with(step("data-storage-failover", "Fail over stcontosotraindata", "not-run", Some(("22:01:00", "22:04:00"))),
                       json!({"note": "stopped here: the operator aborted", "confirmed_by": "bob"})),
                  step("traffic-shift", "Shift traffic to westus", "not-run", None)],
        "deviations": ["data-storage-failover not run: stopped at its question by bob: the operator aborted"],
    }))
    .unwrap()
}

/// A failover that completed the way reports used to hide: resumed by another operator, the
/// gate skipped, the traffic shift forced past its precondition, RTO and RPO both missed.
fn deviated() -> Saved {
    serde_json::from_value(json!({
        "scenario": null, "operator": "alice", "outcome": "completed", "kind": "failover",
        "deployment": "contoso-ml", "from_region": "eastus", "to_region": "westus", "forced": true,
        "started_at": "2026-11-26T02:00:00Z", "finished_at": "2026-11-26T02:32:01Z",
        "outage_started_at": "2026-11-26T01:00:00Z",
        "rto_target_seconds": 3600, "rto_seconds": 5400, "rto_met": false,
        "rpo_target_seconds": 900, "data_loss_window_seconds": 1200, "rpo_met": false,
        "headline": "COMPLETED WITH 3 DEVIATIONS · RTO MISSED · RPO MISSED",
        "operations": [
            {"method": "POST", "path": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1/failover?api-version=2025-06-01", "at": "2026-11-26T02:05:01Z"},
            {"method": "PATCH", "path": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/trafficmanagerprofiles/tm/azureEndpoints/westus-endpoint?api-version=2022-04-01", "at": "2026-11-26T02:14:20Z"},
        ],
        "steps": [
            step("prepare.confirm-outage", "Confirm the eastus outage", "done", Some(("02:00:10", "02:01:00"))),
            step("data.training-data.failover", "Fail over stcontosotraindata", "done", Some(("02:05:00", "02:10:00"))),
            with(step("verify.gate", "Gate: every data store writable in westus", "skipped", Some(("02:13:00", "02:13:30"))),
                 json!({"confirmed_by": "bob", "note": "smoke test by hand"})),
            with(step("traffic.scoring.shift", "Shift traffic to westus", "done", Some(("02:14:00", "02:30:00"))),
                 json!({"confirmed_by": "bob"})),
            with(step("finish.notify", "Notify the stakeholders", "done", Some(("02:31:00", "02:32:00"))),
                 json!({"confirmed_by": "bob"})),
        ],
        "deviations": [
            "run resumed by bob after an interruption",
            "verify.gate skipped by bob: smoke test by hand (the verify gate never passed)",
            "traffic.scoring.shift: precondition overridden by bob: customers are down",
        ],
    }))
    .unwrap()
}

fn listed(name: &str, report: Saved) -> Listed {
    let json = PathBuf::from(DIR).join(format!("{name}.json"));
    Listed {
        markdown: json.with_extension("md"),
        json,
        report,
    }
}

fn listing(reports: Vec<Listed>) -> Box<Listing> {
    Box::new(Listing {
        dir: PathBuf::from(DIR),
        reports,
        unreadable: Vec::new(),
    })
}

/// An app on the reports screen with `reports` listed.
fn reports_app(size: (u16, u16), reports: Vec<Listed>) -> App {
    let mut app = app_with(&options(Badge::Live), size, &[healthy()]);
    assert_eq!(
        update(&mut app, Action::Show(Screen::Reports)),
        vec![Effect::LoadReports]
    );
    update(&mut app, Action::Reports(Ok(listing(reports))));
    app
}

fn two() -> Vec<Listed> {
    vec![
        listed("contoso-ml-drill-1", drill()),
        listed("contoso-ml-failover-2", aborted()),
    ]
}

#[test]
fn reports_screen() {
    for size in [(120, 40), (80, 24)] {
        let app = reports_app(size, two());
        let t = draw(&app);
        assert_snapshot!(format!("reports_{}x{}", size.0, size.1), t.backend());
        assert!(on_screen(&t, "reports · 2 · newest first"));
        assert!(on_screen(
            &t,
            "drill eastus-outage · failover eastus → westus (forced)"
        ));
        assert!(on_screen(&t, "RTO 37 min of 1 h"));
        assert_eq!(
            cell_of(&t, "RTO 37 min").fg,
            Color::Green,
            "RTO met is green"
        );
        assert_eq!(
            cell_of(&t, "data loss 27 min").fg,
            Color::LightRed,
            "RPO missed is red"
        );
        assert!(on_screen(&t, "MISSED"));
        assert!(on_screen(&t, "Fail over stcontosotraind"));
        assert!(on_screen(&t, "contoso-ml-drill-1.md"));
    }
}

#[test]
fn the_chart_places_each_step_on_the_time_axis() {
    let app = reports_app((120, 40), two());
    let t = draw(&app);
    let rows = rows(&t);
    let bar = |title: &str| {
        let row = rows.iter().find(|r| r.contains(title)).unwrap();
        let start = row.find('█').map(|b| row[..b].chars().count());
        let len = row.chars().filter(|c| *c == '█').count();
        (start, len)
    };
    let (lock_x, lock_len) = bar("Take the run lock");
    let (storage_x, storage_len) = bar("Fail over stcontosotraindata");
    let (traffic_x, _) = bar("Shift traffic to westus");
    let (cosmos_x, _) = bar("Change the Cosmos DB write region");
    assert!(
        lock_x.unwrap() < storage_x.unwrap() && storage_x < traffic_x,
        "{rows:#?}"
    );
    assert!(
        lock_len >= 1 && storage_len > 5 * lock_len,
        "{lock_len} {storage_len}"
    );
    assert_eq!(cosmos_x, None, "a skipped step has no bar");
    // The axis runs from the declared outage to the end, and marks the RTO deadline only when it
    // falls inside (here 03:40, after the end).
    assert!(on_screen(&t, "02:40:00") && on_screen(&t, "03:20:10"));
    assert!(!on_screen(&t, "▼RTO"));
    assert!(on_screen(&t, "before the run: cosmos-ml-metadata"));
    assert!(on_screen(&t, "• data-cosmos skipped"));
    // The room left lists the ARM operations the run sent.
    assert!(on_screen(&t, "ARM operations sent (1)"));
    assert!(on_screen(
        &t,
        "02:50:00  POST Microsoft.Storage/storageAccounts/st1/failover"
    ));
}

#[test]
fn an_aborted_run_says_the_rto_was_not_reached() {
    let mut app = reports_app((120, 40), two());
    update(&mut app, Action::Down);
    let t = draw(&app);
    assert!(
        on_screen(&t, "RTO not reached (target 1 h 00 min)"),
        "{:#?}",
        rows(&t)
    );
    // A report written before headlines gets one derived, red: the run stopped.
    assert_eq!(
        cell_of(&t, " ABORTED AT data-storage-failover ").bg,
        Color::Red
    );
    assert_eq!(
        cell_of(&t, "aborted ").fg,
        Color::LightRed,
        "in the list too"
    );
    assert!(on_screen(&t, "3 steps: 1 done, 2 not run"));
    // Where it stopped, who stopped it, and what it never reached, each said.
    assert!(on_screen(&t, "✗ stopped at its question by bob"));
    assert_eq!(cell_of(&t, "✗ stopped at its question").fg, Color::Yellow);
    let (y, row) = rows(&t)
        .into_iter()
        .enumerate()
        .find(|(_, r)| r.contains("Shift traffic to westus"))
        .unwrap();
    let x = row[..row.find("not reached").expect(&row)].chars().count();
    assert_eq!(
        t.backend().buffer()[(x as u16, y as u16)].fg,
        Color::DarkGray,
        "a step the run never reached is muted"
    );
}

#[test]
fn a_report_with_deviations_and_missed_targets_is_red_and_says_why() {
    for size in [(120, 40), (80, 24)] {
        let app = reports_app(
            size,
            vec![
                listed("contoso-ml-failover-3", deviated()),
                listed("contoso-ml-drill-1", drill()),
            ],
        );
        let t = draw(&app);
        assert_snapshot!(
            format!("reports_deviated_{}x{}", size.0, size.1),
            t.backend()
        );
        let headline = " COMPLETED WITH 3 DEVIATIONS · RTO MISSED · RPO MISSED ";
        assert_eq!(cell_of(&t, headline).bg, Color::Red);
        assert_eq!(cell_of(&t, "completed+3dev").fg, Color::LightRed);
        assert!(on_screen(&t, "skipped by bob"));
    }
}

#[test]
fn completed_is_green_only_without_deviations_and_amber_with_them() {
    let mut amber = drill();
    amber.data_loss_window_seconds = 60;
    let mut green = amber.clone();
    green.deviations.clear();
    green.steps.retain(|s| s.outcome == "done");
    for (report, headline, colour) in [
        (
            amber,
            " COMPLETED WITH 1 DEVIATION · RTO MET · RPO MET ",
            Color::Yellow,
        ),
        (green, " COMPLETED · RTO MET · RPO MET ", Color::Green),
    ] {
        let app = reports_app((120, 40), vec![listed("x", report)]);
        let t = draw(&app);
        assert_eq!(cell_of(&t, headline).bg, colour, "{headline}");
    }
}

#[test]
fn moving_through_reports_and_scrolling_a_long_one() {
    let mut long = drill();
    let template = long.steps[1].clone();
    long.steps = (0..40)
        .map(|i| {
            let mut s = template.clone();
            s.id = format!("step-{i:02}");
            s.title = format!("Step number {i:02}");
            s
        })
        .collect();
    let mut app = reports_app((80, 24), vec![listed("long", long), listed("b", aborted())]);
    assert!(on_screen(&draw(&app), "Step number 00"));
    update(&mut app, Action::HalfPageDown);
    assert!(app.reports.scroll > 0);
    let t = draw(&app);
    assert!(!on_screen(&t, "Step number 00"));
    assert!(on_screen(
        &t,
        &format!("Step number {:02}", app.reports.scroll)
    ));
    for _ in 0..20 {
        update(&mut app, Action::HalfPageDown);
    }
    assert!(
        on_screen(&draw(&app), "Step number 39"),
        "scrolls to the last step"
    );
    // Another report starts at its top.
    update(&mut app, Action::Down);
    assert_eq!(app.reports.cursor.selected, 1);
    assert_eq!(app.reports.scroll, 0);
    update(&mut app, Action::Down);
    assert_eq!(app.reports.cursor.selected, 1, "stays on the last report");
    // A click selects a report (rows start under the list's border and header, at row 4).
    update(&mut app, Action::Click { column: 10, row: 4 });
    assert_eq!(app.reports.cursor.selected, 0);
    update(&mut app, Action::Click { column: 10, row: 5 });
    assert_eq!(app.reports.cursor.selected, 1);
    // r reads them again; Esc goes back to the overview.
    assert_eq!(update(&mut app, Action::Refresh), vec![Effect::LoadReports]);
    assert_eq!(
        update(&mut app, Action::Refresh),
        vec![],
        "one read at a time"
    );
    update(&mut app, Action::Reports(Ok(listing(two()))));
    update(&mut app, Action::Back);
    assert_eq!(app.screen, Screen::Overview);
}

#[test]
fn a_run_that_ends_selects_its_report() {
    let mut app = app_with(&options(Badge::Drill), (120, 40), &[healthy()]);
    app.start_run();
    let end = RunEnd {
        outcome: "completed".into(),
        message: None,
        report_json: Some(PathBuf::from(DIR).join("contoso-ml-failover-2.json")),
        report_markdown: Some(PathBuf::from(DIR).join("contoso-ml-failover-2.md")),
        error: None,
    };
    let effects = update(
        &mut app,
        Action::Run(Box::new(RunEvent::Finished(Box::new(end)))),
    );
    assert_eq!(effects, vec![Effect::LoadReports]);
    assert!(app.message.as_ref().unwrap().text.contains("5 shows it"));
    update(&mut app, Action::Reports(Ok(listing(two()))));
    update(&mut app, Action::Show(Screen::Reports));
    assert_eq!(app.screen, Screen::Reports);
    update(&mut app, Action::Reports(Ok(listing(two()))));
    assert_eq!(
        app.reports.selected().unwrap().json.file_name().unwrap(),
        "contoso-ml-failover-2.json"
    );
}

#[test]
fn empty_unreadable_and_hostile_listings() {
    let mut app = reports_app((120, 40), Vec::new());
    let t = draw(&app);
    assert!(on_screen(&t, "No drill or run has written a report yet."));
    assert!(on_screen(&t, "azfailover drill --scenario eastus-outage"));
    // On a narrow terminal the hint wraps instead of being cut.
    let narrow = reports_app((80, 24), Vec::new());
    assert!(on_screen(&draw(&narrow), "even when they are aborted."));

    let mut hostile = drill();
    hostile.operator = "mallory\x1b[2J\x07".into();
    hostile.deviations = vec!["step\rskipped\x1b]0;pwned\x07".into()];
    let mut l = listing(vec![listed("x", hostile)]);
    l.unreadable = vec!["broken.json: expected value at line 1 column 1".into()];
    update(&mut app, Action::Show(Screen::Reports));
    update(&mut app, Action::Reports(Ok(l)));
    let t = draw(&app);
    let text = rows(&t).join("\n");
    assert!(!text.contains('\x1b') && !text.contains('\x07') && !text.contains('\r'));
    assert!(on_screen(&t, "1 unreadable file"), "{text}");

    update(&mut app, Action::Show(Screen::Reports));
    update(
        &mut app,
        Action::Reports(Err("cannot read /x: permission denied".into())),
    );
    assert!(
        app.message
            .as_ref()
            .unwrap()
            .text
            .contains("permission denied")
    );
}

#[test]
fn five_and_tab_reach_the_reports() {
    let mut app = app_with(&options(Badge::Live), (120, 40), &[healthy()]);
    update(&mut app, Action::Show(Screen::Timeline));
    assert_eq!(update(&mut app, Action::NextScreen), vec![]);
    assert_eq!(app.screen, Screen::Detail);
    // Without a run, Tab skips the runbook screen.
    assert_eq!(
        update(&mut app, Action::NextScreen),
        vec![Effect::LoadReports]
    );
    assert_eq!(app.screen, Screen::Reports);
    let t = draw(&app);
    assert!(on_screen(&t, "reading the reports…"));
}
