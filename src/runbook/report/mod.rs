//! Reports of failovers, failbacks and drills: JSON (CONTRACT.md) and Markdown side by side,
//! mode 0600, built from the journal alone — so an aborted or crashed run still gets one.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::journal::{Entry, Event};
use super::model::Runbook;
use super::run::outage::OutageSource;
use super::run::step_states;
use crate::config::Config;
use crate::health::report::sanitize;
use crate::paths::create_private;
use crate::timefmt::{hhmmss, parse_rfc3339};
use time::OffsetDateTime;

mod markdown;
mod saved;

pub use markdown::markdown;
pub use saved::*;

/// Where reports live.
pub fn reports_dir() -> PathBuf {
    crate::paths::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("reports")
}

/// Whether the RTO was met: false past the target, or when the run ended past the deadline
/// without shifting the traffic; None when the RTO is only a lower bound (nothing dated the
/// outage) within the target, when the shift was skipped (done outside the run, when is not
/// known), or when the run ended before the deadline without it.
fn rto_met(
    rto: Option<i64>,
    target: u64,
    counted_from: OutageSource,
    outage_to_end: Option<i64>,
    shift_skipped: bool,
) -> Option<bool> {
    let target = target as i64;
    match rto {
        Some(r) if r > target => Some(false),
        Some(_) if counted_from.lower_bound() => None,
        Some(_) => Some(true),
        None if shift_skipped => None,
        None => outage_to_end.filter(|s| *s > target).map(|_| false),
    }
}

/// The mutating requests the run sent: each `request-sent` (its answer came back), and each
/// `request-intent` that none followed — its answer was lost (or the run stopped before it
/// left): ARM may have carried it out, and the step's note says what live state showed.
fn operations(entries: &[Entry]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    // The intent each step has outstanding: (when, method, path).
    let mut pending: std::collections::HashMap<&str, (&str, &str, &str)> = Default::default();
    let lost = |(at, method, path): (&str, &str, &str), step: &str| json!({"method": method, "path": path, "at": at, "step": step, "request_id": null, "answer": "lost"});
    for e in entries {
        match &e.event {
            Event::RequestIntent {
                step, method, path, ..
            } => {
                if let Some(before) = pending.insert(step, (&e.at, method, path)) {
                    out.push(lost(before, step));
                }
            }
            Event::RequestSent {
                method,
                path,
                request_id,
                step,
                ..
            } => {
                pending.remove(step.as_str());
                out.push(json!({"method": method, "path": path, "at": e.at, "step": step, "request_id": request_id, "answer": "received"}));
            }
            _ => {}
        }
    }
    let mut left: Vec<(&str, (&str, &str, &str))> = pending.into_iter().collect();
    left.sort();
    out.extend(left.into_iter().map(|(step, op)| lost(op, step)));
    // In the order they left (RFC 3339 times of one clock sort as text); stable for ties.
    out.sort_by(|a, b| a["at"].as_str().cmp(&b["at"].as_str()));
    out
}

fn secs_between(a: &str, b: &str) -> Option<i64> {
    Some((parse_rfc3339(b)? - parse_rfc3339(a)?).whole_seconds())
}

/// Builds the report JSON from a runbook and its journal; `losses` is what the simulator
/// measured (drills).
pub fn build(rb: &Runbook, entries: &[Entry], losses: Option<&[(String, f64)]>) -> Value {
    build_on(rb, entries, losses, false)
}

/// As `build`; `simulated`: the journal's clock was a simulator's (a drill's always is), so
/// its times are simulated and the report says so, with the wall-clock duration beside.
pub fn build_on(
    rb: &Runbook,
    entries: &[Entry],
    losses: Option<&[(String, f64)]>,
    simulated: bool,
) -> Value {
    let start = entries.iter().find_map(|e| match &e.event {
        Event::RunStarted {
            operator,
            scenario,
            outage_started_at,
            outage_start_source,
            rto_target_seconds,
            rpo_target_seconds,
            findings,
            ..
        } => Some((
            e.at.clone(),
            operator.clone(),
            scenario.clone(),
            (outage_started_at.clone(), outage_start_source.clone()),
            *rto_target_seconds,
            *rpo_target_seconds,
            findings.clone(),
        )),
        _ => None,
    });
    let (
        started_at,
        operator,
        scenario,
        (outage_at, outage_source),
        rto_target,
        rpo_target,
        findings,
    ) = start.unwrap_or_default();
    // What the RTO is counted from; an older journal's start was the drill's or the run's.
    let counted_from = outage_source
        .as_deref()
        .and_then(OutageSource::of_key)
        .unwrap_or(if scenario.is_some() {
            OutageSource::Drill
        } else {
            OutageSource::RunStartHealthy
        });
    let finished = entries.iter().rev().find_map(|e| match &e.event {
        Event::RunFinished { outcome } => Some((e.at.clone(), outcome.clone())),
        _ => None,
    });
    let (finished_at, outcome) = finished.unwrap_or_else(|| {
        (
            entries.last().map(|e| e.at.clone()).unwrap_or_default(),
            "aborted".into(),
        )
    });
    let mut states = step_states(entries);
    // A step the run left after its request went out (a crash, then the run was closed) was
    // not "not run": something was sent, and its result was never verified.
    let mut interrupted: Vec<String> = Vec::new();
    for e in entries {
        if let Event::RequestSent { step, .. } | Event::RequestIntent { step, .. } = &e.event
            && let Some(st) = states.get_mut(step)
            && st.2 == "not-run"
            && st.1.is_none()
            && !interrupted.contains(step)
        {
            st.2 = "failed".into();
            st.3 = Some(
                "interrupted after its request was sent: its result was never verified (check live state)"
                    .into(),
            );
            interrupted.push(step.clone());
        }
    }
    let steps: Vec<Value> = rb
        .steps
        .iter()
        .map(|s| {
            let (st, fin, out, note) = states.get(&s.id).cloned().unwrap_or((None, None, "not-run".into(), None));
            let duration = match (&st, &fin) {
                (Some(a), Some(b)) => secs_between(a, b),
                _ => None,
            };
            json!({"id": s.id, "title": s.title, "phase": s.phase, "outcome": out, "started_at": st, "finished_at": fin,
                   "duration_seconds": duration, "note": note, "confirmed_by": decided_by(entries, &s.id), "outside_rto": s.outside_rto})
        })
        .collect();
    let shift = rb
        .steps
        .iter()
        .find(|s| s.completes_traffic_shift)
        .map(|s| s.id.clone());
    let shift_done = shift
        .as_ref()
        .and_then(|id| states.get(id))
        .filter(|s| s.2 == "done")
        .and_then(|s| s.1.clone());
    let rto = shift_done
        .as_ref()
        .and_then(|t| secs_between(&outage_at, t))
        .map(|s| s.max(0));
    let shift_skipped = shift
        .as_ref()
        .and_then(|id| states.get(id))
        .is_some_and(|s| s.2 == "skipped");
    let rto_met = rto_met(
        rto,
        rto_target,
        counted_from,
        secs_between(&outage_at, &finished_at),
        shift_skipped,
    );
    let loss = DataLossFigure::of(rb, entries, losses);
    let operations = operations(entries);
    let deviations = deviations(rb, entries, &outcome, &interrupted);
    let rpo_met = loss.met(rpo_target);
    // The journal's times are Azure's clock (the simulator's in a drill); each entry also has
    // the wall clock it was written at, in journals that record it.
    let wall_started_at = entries
        .iter()
        .find(|e| matches!(e.event, Event::RunStarted { .. }))
        .and_then(|e| e.wall_at.clone());
    let wall_finished_at = entries
        .iter()
        .rev()
        .find(|e| matches!(e.event, Event::RunFinished { .. }))
        .or(entries.last())
        .and_then(|e| e.wall_at.clone());
    let wall_duration = wall_started_at
        .as_deref()
        .zip(wall_finished_at.as_deref())
        .and_then(|(a, b)| secs_between(a, b))
        .map(|s| s.max(0));
    let duration = secs_between(&started_at, &finished_at).map(|s| s.max(0));
    let clock = if simulated || scenario.is_some() {
        "simulated"
    } else {
        "azure"
    };
    let mut report = json!({
        "scenario": scenario, "operator": operator, "outcome": outcome,
        "kind": rb.kind.as_str(),
        "deployment": rb.deployment, "from_region": rb.from_region, "to_region": rb.to_region, "forced": rb.forced,
        "started_at": started_at, "finished_at": finished_at, "outage_started_at": outage_at,
        "clock": clock, "duration_seconds": duration,
        "wall_started_at": wall_started_at, "wall_finished_at": wall_finished_at, "wall_duration_seconds": wall_duration,
        "rto_target_seconds": rto_target, "rto_seconds": rto, "rto_met": rto_met,
        "rto_counted_from": counted_from.key(), "rto_counted_from_words": counted_from.words(),
        "rpo_target_seconds": rpo_target, "data_loss_window_seconds": loss.seconds.round() as i64, "rpo_met": rpo_met,
        "data_loss_source": if losses.is_some() { "simulator (measured)" } else { "lastSyncTime at the forced steps (estimated)" },
        "data_loss_unmeasured": loss.unmeasured,
        "data_loss_by": loss.each.iter().map(|(what, secs)| json!({"what": what, "seconds": secs.round() as i64})).collect::<Vec<_>>(),
        "operations": operations, "steps": steps, "readiness_findings": findings, "deviations": deviations,
    });
    // The headline reads the report as every later reader does: one derivation for all.
    let saved: Saved = serde_json::from_value(report.clone()).unwrap_or_default();
    report["headline"] = Value::String(saved.verdict().headline());
    report
}

/// Who decided about a step: confirmed it, skipped it, overrode its precondition, or stopped
/// the run at its question — the last of these the journal holds.
fn decided_by(entries: &[Entry], id: &str) -> Option<String> {
    // The last decision counts even when it names nobody (a skip in an older journal).
    entries
        .iter()
        .rev()
        .find_map(|e| match &e.event {
            Event::Confirmed { step, by, .. } | Event::PreconditionOverridden { step, by, .. }
                if step == id =>
            {
                Some(Some(by.clone()))
            }
            Event::StepSkipped { step, by, .. } | Event::StepNotRun { step, by, .. }
                if step == id =>
            {
                Some(by.clone())
            }
            _ => None,
        })
        .flatten()
}

/// The data-loss window of a run, and the forced steps whose loss nobody measured.
struct DataLossFigure {
    seconds: f64,
    /// Forced steps that journaled no figure of their own (only the loss they risk).
    unmeasured: Vec<String>,
    /// Each figure the window is the largest of: the resource (drills: as the simulator
    /// measured it) or the step (the estimates journaled), and its seconds; largest first.
    each: Vec<(String, f64)>,
}

impl DataLossFigure {
    /// What the simulator measured (drills), else the estimates the forced steps journaled:
    /// only a forced storage failover reads a last sync time; the others journal 0 s.
    fn of(rb: &Runbook, entries: &[Entry], losses: Option<&[(String, f64)]>) -> DataLossFigure {
        if let Some(l) = losses {
            return DataLossFigure {
                seconds: l.iter().map(|(_, s)| *s).fold(0.0_f64, f64::max),
                unmeasured: Vec::new(),
                each: largest_first(l.iter().map(|(r, s)| (resource_name(r), *s)).collect()),
            };
        }
        let mut figure = DataLossFigure {
            seconds: 0.0,
            unmeasured: Vec::new(),
            each: Vec::new(),
        };
        for e in entries {
            let Event::DataLoss {
                step,
                seconds,
                detail,
            } = &e.event
            else {
                continue;
            };
            figure.seconds = figure.seconds.max(*seconds);
            if *seconds > 0.0 {
                figure.each.push((step.clone(), *seconds));
            }
            let forced_storage = rb.steps.iter().any(|s| {
                s.id == *step
                    && matches!(
                        s.action,
                        Some(super::model::Action::StorageFailover { planned: false, .. })
                    )
            });
            // The form the runner journals when it read the account's last sync time.
            let measured = forced_storage && detail.starts_with("writes after ");
            if !measured && !figure.unmeasured.contains(step) {
                figure.unmeasured.push(step.clone());
            }
        }
        figure.each = largest_first(std::mem::take(&mut figure.each));
        figure
    }

    /// Within the RPO: false as soon as a figure is over it, unknown while a step's is missing.
    fn met(&self, rpo_target: u64) -> Option<bool> {
        if self.seconds.round() > rpo_target as f64 {
            Some(false)
        } else if self.unmeasured.is_empty() {
            Some(true)
        } else {
            None
        }
    }
}

/// Figures, largest first (ties by name).
fn largest_first(mut each: Vec<(String, f64)>) -> Vec<(String, f64)> {
    each.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    each
}

/// A resource id's last segment (the account, server or database name), else the whole.
fn resource_name(id: &str) -> String {
    id.rsplit('/')
        .find(|x| !x.is_empty())
        .unwrap_or(id)
        .to_string()
}

/// What did not go as planned, one line each, in the order it happened.
fn deviations(
    rb: &Runbook,
    entries: &[Entry],
    outcome: &str,
    interrupted: &[String],
) -> Vec<String> {
    const GATE: &str = "verify.gate";
    let by = |b: &Option<String>| b.as_ref().map(|b| format!(" by {b}")).unwrap_or_default();
    let mut out: Vec<String> = Vec::new();
    for e in entries {
        match &e.event {
            Event::StepSkipped {
                step,
                reason,
                by: who,
            } if step == GATE => out.push(format!(
                "{step} skipped{}: {reason} (the verify gate never passed)",
                by(who)
            )),
            Event::StepSkipped {
                step,
                reason,
                by: who,
            } => out.push(format!("{step} skipped{}: {reason}", by(who))),
            Event::PreconditionOverridden { step, reason, by } => {
                out.push(format!("{step}: precondition overridden by {by}: {reason}"))
            }
            Event::StepFailed { step, error } => out.push(format!("{step} failed: {error}")),
            Event::StepNotRun {
                step,
                reason,
                by: who,
            } => out.push(format!(
                "{step} not run: stopped at its question{}: {}",
                by(who),
                reason.strip_prefix("stopped here: ").unwrap_or(reason)
            )),
            Event::RunResumed { operator } => {
                out.push(format!("run resumed by {operator} after an interruption"))
            }
            Event::InDoubt { step, evidence } => out.push(format!("{step} in doubt: {evidence}")),
            _ => {}
        }
    }
    for step in interrupted {
        out.push(format!(
            "{step} interrupted after its request was sent: its result was never verified"
        ));
    }
    // A run that completed without its gate passing, and no line above says why.
    let gate_passed = entries.iter().any(|e| matches!(e.event, Event::GatePassed));
    let gate_named = out.iter().any(|d| d.starts_with(GATE));
    if outcome == "completed"
        && !gate_passed
        && !gate_named
        && rb.steps.iter().any(|s| s.id == GATE)
    {
        out.push(format!("{GATE}: the verify gate never passed"));
    }
    out
}

/// Writes `<name>.json` and `<name>.md` (mode 0600); returns their paths.
pub fn write(
    dir: &Path,
    rb: &Runbook,
    entries: &[Entry],
    losses: Option<&[(String, f64)]>,
    cfg: &Config,
) -> std::io::Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(dir)?;
    // Against a simulator (a drill, the demo) the journal's clock is the simulator's.
    let simulated = cfg.auth.method == crate::config::AuthMethod::Simulator;
    let report = build_on(rb, entries, losses, simulated);
    let run_id = entries
        .first()
        .map(|e| e.run_id.clone())
        .unwrap_or_default();
    let kind = if report["scenario"].is_null() {
        report["kind"].as_str().unwrap_or("run").to_string()
    } else {
        "drill".to_string()
    };
    let base = dir.join(format!(
        "{}-{kind}-{run_id}",
        super::journal::safe(&rb.deployment)
    ));
    let json_path = base.with_extension("json");
    let md_path = base.with_extension("md");
    for (path, text) in [
        (&json_path, crate::text::to_json_pretty(&report)),
        (&md_path, markdown(&report, cfg)),
    ] {
        let _ = std::fs::remove_file(path);
        let mut f = create_private(path)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    Ok((json_path, md_path))
}

#[cfg(test)]
mod tests;
