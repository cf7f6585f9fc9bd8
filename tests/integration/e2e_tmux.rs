//! End to end: the real binary in a pseudo-terminal (tmux). Waits for the demo's overview,
//! opens help, filters, quits, and checks the terminal came back (alternate screen left).
//! Needs tmux (CI installs it); without it the test is skipped outside CI and fails under CI.

use crate::tmux_support;

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

/// The row of the components table's first component (below the NAME header).
fn first_component(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.contains("NAME"))
        .expect("the table header");
    let row = lines[header + 1].trim_start_matches(['│', ' ', '▶']);
    row.split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn command_line_completes_with_tab_and_remembers_with_up() {
    for (cols, rows) in [(80, 24), (120, 40)] {
        let Some(t) = Tmux::start_sized(&format!("{BIN} demo"), cols, rows, "true") else {
            return;
        };
        t.wait_for("the demo overview", |s| {
            s.contains("training-data") && s.contains("refreshed")
        });
        t.keys(&[":", "s", "o", "Tab"]);
        // (tmux drops the trailing space a completion adds.)
        let line_is = |s: &str, want: &str| s.lines().any(|l| l.trim_end() == want);
        t.wait_for("the command completed", |s| line_is(s, ":sort"));
        t.keys(&["l", "Tab"]);
        t.wait_for("its argument completed", |s| line_is(s, ":sort lag"));
        t.keys(&["Enter"]);
        let s = t.wait_for("sorted by lag", |s| s.contains("sort: lag ▼"));
        assert_eq!(first_component(&s), "training-data", "{s}");

        // Several candidates: Tab goes through them, shown beside the line.
        t.keys(&[":", "f", "a", "u", "l", "t", " ", "r", "e", "g", "Tab"]);
        t.wait_for("the common prefix", |s| s.contains(":fault region-"));
        t.keys(&["Tab"]);
        t.wait_for("the first candidate", |s| {
            s.contains(":fault region-outage") && s.contains("region-recover")
        });
        t.keys(&["Escape"]);
        t.wait_for("the line closed", |s| !s.contains(":fault region-outage"));

        // The history brings back the last command; an unknown one gets a suggestion.
        t.keys(&[":", "Up"]);
        t.wait_for("the history", |s| s.contains(":sort lag"));
        // (An Escape right before a key reads as Alt+key: wait for it to land first.)
        t.keys(&["Escape"]);
        t.wait_for("the line closed", |s| !line_is(s, ":sort lag"));
        t.keys(&[":", "r", "e", "f", "e", "r", "s", "h", "Enter"]);
        t.wait_for("did you mean", |s| s.contains("did you mean ':refresh'?"));
        t.keys(&["q"]);
        let s = t.wait_for("the exit", |s| s.contains("EXITED:"));
        assert!(s.contains("EXITED:0"), "{s}");
    }
}

#[test]
fn a_column_key_sorts_with_an_arrow_and_reverses() {
    for (cols, rows) in [(120, 40), (80, 24)] {
        let Some(t) = Tmux::start_sized(&format!("{BIN} demo"), cols, rows, "true") else {
            return;
        };
        let s = t.wait_for("the demo overview", |s| {
            s.contains("training-data") && s.contains("refreshed")
        });
        assert_eq!(
            first_component(&s),
            "workspace",
            "the configuration's order"
        );
        assert!(
            !s.contains('▲') && !s.contains('▼'),
            "no arrow before a sort:\n{s}"
        );
        t.keys(&["N"]);
        let s = t.wait_for("sorted by name", |s| s.contains("NAME ▲"));
        assert_eq!(first_component(&s), "batch-aks", "{s}");
        t.keys(&["N"]);
        let s = t.wait_for("reversed", |s| s.contains("NAME ▼"));
        assert_eq!(first_component(&s), "workspace", "{s}");
        assert!(s.contains("sort: name ▼ Z→A"), "{s}");
        t.keys(&["L"]);
        let s = t.wait_for("sorted by lag", |s| {
            s.contains("LAG / RPO ▼") || s.contains("LAG ▼")
        });
        assert!(!s.contains("NAME ▼"), "one arrow at a time:\n{s}");
        t.keys(&["q"]);
        t.wait_for("the exit", |s| s.contains("EXITED:0"));
    }
}
