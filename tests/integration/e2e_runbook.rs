//! End to end: a drill run by a person at the console, in tmux. Confirms every step, types
//! the region for typed steps, and checks the report's path is printed and written. Needs tmux
//! (CI installs it); without it the test is skipped outside CI and fails under CI.

use crate::tmux_support;

use std::time::{Duration, Instant};
use tmux_support::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_azfailover");

#[test]
fn drill_confirmed_step_by_step_writes_its_report() {
    let Some(t) = Tmux::start_sized(
        &format!("{BIN} drill --scenario eastus-outage --time-scale 120"),
        160,
        45,
        "ls $XDG_DATA_HOME/azfailover/reports",
    ) else {
        return;
    };
    t.wait_for("the runbook screen", |s| s.contains("PREPARE"));
    // Answer every question: yes/no with y, typed steps with the region, retries with r.
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut typed = 0;
    let screen = loop {
        let s = t.screen();
        if s.contains("RUN COMPLETED") || s.contains("RUN ABORTED") || s.contains("RUN FAILED") {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "the drill did not end; the screen was:\n{s}"
        );
        if s.contains("typed confirmation ─") {
            // A single y never confirms a typed step.
            if typed == 0 {
                t.keys(&["y", "Enter"]);
                t.wait_for("the refusal", |s| s.contains("is not 'westus'"));
            }
            typed += 1;
            t.keys(&["westus", "Enter"]);
        } else if s.contains("confirm this step ─") {
            t.keys(&["y"]);
        } else if s.contains("step failed ─") {
            t.keys(&["r"]);
        } else if s.contains("precondition failed ─") {
            t.keys(&["s", "blocked during the e2e drill", "Enter"]);
        }
        std::thread::sleep(Duration::from_millis(300));
    };
    assert!(screen.contains("RUN COMPLETED"), "{screen}");
    assert!(typed > 0, "the forced drill has typed steps");
    // 5 shows the drill's report: its objectives and the chart of its steps.
    assert!(screen.contains("5 shows the report"), "{screen}");
    t.keys(&["5"]);
    let report = t.wait_for("the report screen", |s| s.contains("ARM operation"));
    assert!(
        report.contains("drill eastus-outage") && report.contains("RTO ") && report.contains('█'),
        "{report}"
    );
    t.keys(&["q"]);
    let end = t.wait_for("the exit", |s| s.contains("EXITED:"));
    assert!(end.contains("EXITED:0"), "{end}");
    assert!(
        !end.contains("PREPARE"),
        "the alternate screen was left:\n{end}"
    );
    // The report's path is printed last, and the report (JSON and Markdown) exists.
    let json = end
        .lines()
        .find(|l| l.trim_end().ends_with(".json") && l.starts_with('/'))
        .unwrap_or_else(|| panic!("no report path printed:\n{end}"));
    assert!(end.contains(".md"), "{end}");
    assert!(json.contains("contoso-ml-drill-"), "{json}");
}

#[test]
fn ctrl_c_in_a_drill_leaves_it_unfinished_and_restores_the_terminal() {
    // --operator names who runs it in the console too: the journal says so.
    let Some(t) = Tmux::start_sized(
        &format!("{BIN} drill --scenario eastus-outage --time-scale 120 --operator 'Ada L'"),
        160,
        45,
        "grep -o '\"operator\":\"[^\"]*\"' $XDG_DATA_HOME/azfailover/journals/*.jsonl",
    ) else {
        return;
    };
    t.wait_for("the first question", |s| s.contains("confirm this step ─"));
    // q does not leave a run in the middle.
    t.keys(&["q"]);
    t.keys(&["C-c"]);
    let end = t.wait_for("the exit", |s| s.contains("EXITED:"));
    assert!(end.contains("EXITED:130"), "{end}");
    assert!(end.contains("left unfinished"), "{end}");
    assert!(end.contains("\"operator\":\"Ada L\""), "{end}");
}

#[test]
fn an_unfinished_failover_is_offered_and_nothing_is_sent_before_a_choice() {
    let Some(t) = Tmux::start_sized(
        &format!("{BIN} failover; echo FIRST:$?; {BIN} failover"),
        120,
        40,
        "ls $XDG_DATA_HOME/azfailover/journals",
    ) else {
        return;
    };
    // The first responder confirms one step, then loses the terminal (Ctrl-C).
    t.wait_for("the first question", |s| s.contains("confirm this step ─"));
    t.keys(&["y"]);
    t.wait_for("the second question", |s| {
        s.contains("confirm this step ─") && s.contains("Fence")
    });
    t.keys(&["C-c"]);
    // The next one is offered the unfinished run, with where it stopped; nothing runs yet.
    // (The whole dialog, key line included: a capture can land inside one redraw.)
    let offer = t.wait_for("the resume offer", |s| {
        s.contains("unfinished run ─") && s.contains("r resume it")
    });
    assert!(
        offer.contains("An unfinished failover was found"),
        "{offer}"
    );
    assert!(
        offer.contains("It stopped at prepare.fence-primary"),
        "{offer}"
    );
    assert!(offer.contains("Nothing was sent to Azure"), "{offer}");
    assert!(offer.contains("r resume it"), "{offer}");
    assert!(!offer.contains("confirm this step ─"), "{offer}");
    // Resume: it goes on at the step where it stopped.
    t.keys(&["r"]);
    let resumed = t.wait_for("the resumed run's question", |s| {
        s.contains("confirm this step ─") && s.contains("Fence")
    });
    assert!(!resumed.contains("unfinished run ─"), "{resumed}");
    t.keys(&["C-c"]);
    let end = t.wait_for("the exit", |s| s.contains("EXITED:"));
    assert!(
        end.contains("FIRST:130") && end.contains("EXITED:130"),
        "{end}"
    );
    assert!(end.contains("left unfinished"), "{end}");
}

#[test]
fn the_decision_line_says_what_to_do_during_the_outage() {
    let Some(t) = Tmux::start_sized(
        &format!("{BIN} demo --scenario eastus-outage --time-scale 240"),
        160,
        45,
        "true",
    ) else {
        return;
    };
    // Before: a healthy primary and a ready standby.
    t.wait_for("the healthy verdict", |s| {
        s.contains("eastus healthy") && s.contains("planned failover possible")
    });
    // During the outage the outage itself never blocks: a forced failover is possible, with
    // the data at risk counted.
    let s = t.wait_for("the outage verdict", |s| {
        s.contains("eastus down · forced failover possible")
    });
    assert!(s.contains("of writes lost"), "{s}");
    assert!(!s.contains("blocked by"), "{s}");
    t.keys(&["q"]);
    let end = t.wait_for("the exit", |s| s.contains("EXITED:"));
    assert!(end.contains("EXITED:0"), "{end}");
}

#[test]
fn failover_starts_from_the_demo_console_with_its_keys_visible() {
    let Some(t) = Tmux::start_sized(
        &format!("{BIN} demo --scenario eastus-outage --time-scale 240"),
        80,
        24,
        "true",
    ) else {
        return;
    };
    t.wait_for("the outage verdict", |s| {
        s.contains("forced failover possible")
    });
    t.keys(&[":failover", "Enter"]);
    let ask = t.wait_for("the start question", |s| {
        s.contains("start a failover? ─") && s.contains("n / Esc not now")
    });
    assert!(ask.contains("y / Enter open the runbook"), "{ask}");
    assert!(ask.contains("n / Esc not now"), "{ask}");
    t.keys(&["y"]);
    // The runbook opens on its first question, whose keys are on screen at 80×24.
    let first = t.wait_for("the first step's question", |s| {
        s.contains("confirm this step ─") && s.contains("y / Enter confirm")
    });
    assert!(first.contains("y / Enter confirm"), "{first}");
    assert!(
        first.contains("RUN  forced failover eastus → westus"),
        "{first}"
    );
    t.keys(&["C-c"]);
    let end = t.wait_for("the exit", |s| s.contains("EXITED:"));
    assert!(end.contains("EXITED:130"), "{end}");
    assert!(end.contains("left unfinished"), "{end}");
}
