//! End to end: the real binary in a pseudo-terminal (tmux). Waits for the demo's overview,
//! opens help, filters, quits, and checks the terminal came back (alternate screen left).
//! Needs tmux (CI installs it); without it the test is skipped outside CI and fails under CI.

mod tmux_support;

use tmux_support::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_azfailover");

#[test]
fn demo_overview_help_filter_quit() {
    let Some(t) = Tmux::start_sized(&format!("{BIN} demo"), 120, 40, "true") else {
        return;
    };
    let s = t.wait_for("the demo overview", |s| {
        s.contains("DEMO") && s.contains("training-data") && s.contains("refreshed")
    });
    assert!(
        s.contains("SIMULATED"),
        "the demo says it is simulated:\n{s}"
    );
    assert!(s.contains("PRIMARY") && s.contains("SECONDARY"));

    t.keys(&["?"]);
    t.wait_for("the help overlay", |s| {
        s.contains("help") && s.contains("quit (not while typing)")
    });
    t.keys(&["Escape"]);
    t.wait_for("help closed", |s| !s.contains("quit (not while typing)"));

    t.keys(&["/", "t", "r", "a", "i", "n", "Enter"]);
    let s = t.wait_for("the filter", |s| {
        s.contains("train-cluster") && !s.contains("feature-store")
    });
    assert!(!s.contains("churn-endpoint"), "{s}");

    t.keys(&["q"]);
    let s = t.wait_for("the exit", |s| s.contains("EXITED:"));
    assert!(s.contains("EXITED:0"), "{s}");
    assert!(
        !s.contains("SIMULATED AZURE"),
        "the alternate screen was left:\n{s}"
    );
}

#[test]
fn ctrl_c_quits_with_130_and_restores_the_terminal() {
    let Some(t) = Tmux::start_sized(
        &format!("{BIN} demo --scenario eastus-outage"),
        120,
        40,
        "true",
    ) else {
        return;
    };
    t.wait_for("the demo overview", |s| {
        s.contains("DEMO") && s.contains("training-data")
    });
    t.keys(&["C-c"]);
    let s = t.wait_for("the exit", |s| s.contains("EXITED:"));
    assert!(s.contains("EXITED:130"), "{s}");
    assert!(!s.contains("SIMULATED AZURE"), "{s}");
}

#[test]
fn a_hung_region_shows_within_the_request_deadline() {
    let Some(t) = Tmux::start_sized(
        &format!("{BIN} demo --scenario eastus-unresponsive"),
        120,
        30,
        "true",
    ) else {
        return;
    };
    t.wait_for("the healthy start", |s| s.contains("eastus healthy"));
    let started = std::time::Instant::now();
    // The scenario hangs eastus's ARM after one simulated minute (2 s at 30x); the request
    // deadline is 10 s: the screen must say so within deadline + 1 s of the hang (+ 2 s slack
    // for this test's own polling and the scenario's start).
    let s = t.wait_for("eastus not answering", |s| {
        s.contains("eastus down") || s.contains("not responding")
    });
    let took = started.elapsed();
    assert!(
        took < std::time::Duration::from_secs(15),
        "took {took:?}:\n{s}"
    );
    t.keys(&["q"]);
    t.wait_for("the exit", |s| s.contains("EXITED:0"));
}
