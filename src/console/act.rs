//! Acting from the console: `:failover` / `:failback` (and the overview's key for what the
//! verdict recommends) open the runbook screen on the runbook that would run now, after one
//! confirmation; `:plan failover|failback` shows that runbook as a preview, nothing run. The
//! runs and plans themselves come from the `RunHost` the composition root gave the console.

use super::app::{Action, App, Effect, Level, Screen};
use super::run_state::RunView;
use crate::config::RunbookKind;
use crate::health::verdict::Recommendation;

/// `:failover` / `:failback`: asks once before the run starts.
pub fn ask_start(app: &mut App, kind: RunbookKind) -> Vec<Effect> {
    if !app.can_run {
        app.say(
            Level::Error,
            format!(
                "this console cannot start runs: `azfailover {}` opens one",
                kind.as_str()
            ),
        );
        return Vec::new();
    }
    if app.run_active() {
        app.say(
            Level::Error,
            "a run is already going on in this console (4 shows it): one run at a time",
        );
        return Vec::new();
    }
    app.start_ask = Some(kind);
    Vec::new()
}

/// The overview's key: the run the verdict recommends.
pub fn act_on_verdict(app: &mut App) -> Vec<Effect> {
    let Some(v) = app.snapshot.as_ref().map(|s| s.verdict.clone()) else {
        app.say(Level::Info, "no snapshot yet: nothing to decide from");
        return Vec::new();
    };
    match v.recommendation {
        Recommendation::Failover => ask_start(app, RunbookKind::Failover),
        Recommendation::Failback => ask_start(app, RunbookKind::Failback),
        Recommendation::None => {
            app.say(
                Level::Info,
                format!(
                    "nothing to do now: {} (:failover still opens a failover)",
                    v.summary
                ),
            );
            Vec::new()
        }
    }
}

/// A key while the start question is open: y starts the run, n / Esc does not.
pub fn start_key(app: &mut App, action: Action) -> Vec<Effect> {
    let Some(kind) = app.start_ask else {
        return Vec::new();
    };
    use super::run_state::Choice;
    match action {
        Action::Submit | Action::Choose(Choice::Confirm) => {}
        Action::Type(c) if c.eq_ignore_ascii_case(&'y') => {}
        Action::Cancel | Action::Choose(Choice::Decline) => {
            app.start_ask = None;
            app.say(Level::Info, format!("no {} started", kind.as_str()));
            return Vec::new();
        }
        Action::Type(c) if c.eq_ignore_ascii_case(&'n') => {
            app.start_ask = None;
            app.say(Level::Info, format!("no {} started", kind.as_str()));
            return Vec::new();
        }
        _ => return Vec::new(),
    }
    app.start_ask = None;
    app.start_run();
    app.say(
        Level::Info,
        format!(
            "the {} starts: every step still asks before it acts",
            kind.as_str()
        ),
    );
    vec![Effect::StartRun(kind)]
}

/// The run could not start.
pub fn not_started(app: &mut App, why: String) {
    if app.run.as_ref().is_some_and(|r| r.runbook.is_none()) {
        app.run = None;
    }
    app.say(Level::Error, format!("the run did not start: {why}"));
}

/// `:plan failover|failback`: the runbook planned from live state, shown on screen 4.
pub fn preview(app: &mut App, kind: RunbookKind) -> Vec<Effect> {
    if !app.can_run {
        app.say(
            Level::Info,
            format!(
                "`azfailover plan {}` prints the runbook with its az commands",
                kind.as_str()
            ),
        );
        return Vec::new();
    }
    if app.run_active() {
        app.say(
            Level::Error,
            "a run is going on in this console (4 shows it): its runbook is the one that counts",
        );
        return Vec::new();
    }
    app.say(
        Level::Info,
        format!("planning the {} runbook from live state…", kind.as_str()),
    );
    vec![Effect::Preview(kind)]
}

/// The planned runbook arrived: screen 4 shows it as a preview.
pub fn previewed(app: &mut App, result: Result<crate::runbook::Runbook, String>) {
    if app.run_active() {
        return;
    }
    match result {
        Ok(rb) => {
            let kind = rb.kind;
            app.run = Some(RunView {
                runbook: Some(rb),
                preview: true,
                ..RunView::default()
            });
            app.screen = Screen::Runbook;
            app.say(
                Level::Info,
                format!(
                    "preview of the {0} runbook: nothing runs; :{0} starts it",
                    kind.as_str()
                ),
            );
        }
        Err(why) => app.say(Level::Error, format!("no runbook to preview: {why}")),
    }
}

/// The question "start a failover?", in words: what it moves and what the verdict says now.
pub fn start_question(app: &App, kind: RunbookKind) -> (String, String) {
    let (from, to) = match kind {
        RunbookKind::Failover => (&app.meta.primary, &app.meta.secondary),
        RunbookKind::Failback => (&app.meta.secondary, &app.meta.primary),
    };
    let title = format!(
        "Start a {} of {}: {from} → {to}?",
        kind.as_str(),
        app.meta.deployment
    );
    // The verdict without its last part (how to start it: that is this question).
    let now = app
        .snapshot
        .as_ref()
        .map(|s| {
            let v = &s.verdict.summary;
            match v.rsplit_once(" · ") {
                Some((head, tail)) if tail.starts_with("azfailover ") => head.to_string(),
                _ => v.clone(),
            }
        })
        .unwrap_or_else(|| "no snapshot yet".into());
    let target = if app.meta.badge == super::Badge::Live && !app.meta.read_only {
        "against the configured Azure endpoint"
    } else if app.meta.read_only {
        "as a dry run (read-only: nothing is sent)"
    } else {
        "against the simulator"
    };
    (
        title,
        format!(
            "Now: {now}. The runbook opens {target}; every step explains itself and asks before it acts."
        ),
    )
}
