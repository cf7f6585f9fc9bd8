//! Per-step outcomes folded from a journal (for reports and the console).

use std::collections::BTreeMap;

use crate::runbook::journal::{self, Event};

/// A step's (started, finished, outcome, note) from the journal.
pub type StepState = (Option<String>, Option<String>, String, Option<String>);

/// Per-step outcome summary (for reports and the console).
pub fn step_states(entries: &[journal::Entry]) -> BTreeMap<String, StepState> {
    let mut out = BTreeMap::new();
    for e in entries {
        apply_step_state(&mut out, e);
    }
    out
}

/// Folds one journal entry into the per-step summary of `step_states`.
pub fn apply_step_state(out: &mut BTreeMap<String, StepState>, e: &journal::Entry) {
    let (step, outcome, note) = match &e.event {
        Event::StepStarted { step } => {
            let s = out
                .entry(step.clone())
                .or_insert((None, None, "not-run".into(), None));
            s.0.get_or_insert(e.at.clone());
            return;
        }
        Event::StepDone { step, note } => (step, "done", note.clone()),
        Event::StepSkipped { step, reason, .. } => (step, "skipped", Some(reason.clone())),
        Event::StepNotRun { step, reason, .. } => (step, "not-run", Some(reason.clone())),
        Event::StepFailed { step, error } => (step, "failed", Some(error.clone())),
        _ => return,
    };
    let s = out
        .entry(step.clone())
        .or_insert((Some(e.at.clone()), None, String::new(), None));
    s.1 = Some(e.at.clone());
    s.2 = outcome.to_string();
    s.3 = note;
}
