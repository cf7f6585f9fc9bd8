//! Reports of failovers, failbacks and drills: JSON (CONTRACT.md) and Markdown side by side,
//! mode 0600, built from the journal alone — so an aborted or crashed run still gets one.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::journal::{Entry, Event, create_private};
use super::model::Runbook;
use super::run::step_states;
use crate::config::Config;
use crate::health::report::sanitize;
use crate::timefmt::{hhmmss, parse_rfc3339};
use time::OffsetDateTime;

/// Where reports live.
pub fn reports_dir() -> PathBuf {
    crate::paths::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("reports")
}

fn secs_between(a: &str, b: &str) -> Option<i64> {
    Some((parse_rfc3339(b)? - parse_rfc3339(a)?).whole_seconds())
}

/// Builds the report JSON from a runbook and its journal; `losses` is what the simulator
/// measured (drills).
pub fn build(rb: &Runbook, entries: &[Entry], losses: Option<&[(String, f64)]>) -> Value {
    let start = entries.iter().find_map(|e| match &e.event {
        Event::RunStarted {
            operator,
            scenario,
            outage_started_at,
            rto_target_seconds,
            rpo_target_seconds,
            findings,
            ..
        } => Some((
            e.at.clone(),
            operator.clone(),
            scenario.clone(),
            outage_started_at.clone(),
            *rto_target_seconds,
            *rpo_target_seconds,
            findings.clone(),
        )),
        _ => None,
    });
    let (started_at, operator, scenario, outage_at, rto_target, rpo_target, findings) =
        start.unwrap_or_default();
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
        if let Event::RequestSent { step, .. } = &e.event
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
    let loss = DataLossFigure::of(rb, entries, losses);
    let operations: Vec<Value> = entries
        .iter()
        .filter_map(|e| match &e.event {
            Event::RequestSent { method, path, request_id, step, .. } => Some(json!({"method": method, "path": path, "at": e.at, "step": step, "request_id": request_id})),
            _ => None,
        })
        .collect();
    let deviations = deviations(rb, entries, &outcome, &interrupted);
    let rpo_met = loss.met(rpo_target);
    let mut report = json!({
        "scenario": scenario, "operator": operator, "outcome": outcome,
        "kind": rb.kind.as_str(),
        "deployment": rb.deployment, "from_region": rb.from_region, "to_region": rb.to_region, "forced": rb.forced,
        "started_at": started_at, "finished_at": finished_at, "outage_started_at": outage_at,
        "rto_target_seconds": rto_target, "rto_seconds": rto, "rto_met": rto.map(|r| r <= rto_target as i64),
        "rpo_target_seconds": rpo_target, "data_loss_window_seconds": loss.seconds.round() as i64, "rpo_met": rpo_met,
        "data_loss_source": if losses.is_some() { "simulator (measured)" } else { "lastSyncTime at the forced steps (estimated)" },
        "data_loss_unmeasured": loss.unmeasured,
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
}

impl DataLossFigure {
    /// What the simulator measured (drills), else the estimates the forced steps journaled:
    /// only a forced storage failover reads a last sync time; the others journal 0 s.
    fn of(rb: &Runbook, entries: &[Entry], losses: Option<&[(String, f64)]>) -> DataLossFigure {
        if let Some(l) = losses {
            return DataLossFigure {
                seconds: l.iter().map(|(_, s)| *s).fold(0.0_f64, f64::max),
                unmeasured: Vec::new(),
            };
        }
        let mut figure = DataLossFigure {
            seconds: 0.0,
            unmeasured: Vec::new(),
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

/// The report as Markdown.
pub fn markdown(r: &Value, cfg: &Config) -> String {
    let mut out = String::new();
    let s = |v: &Value| v.as_str().map(sanitize).unwrap_or_else(|| "-".into());
    let kind = s(&r["kind"]);
    let title = if r["scenario"].is_null() {
        format!("{kind} report")
    } else {
        format!("DR drill report ({kind}, scenario {})", s(&r["scenario"]))
    };
    let saved: Saved = serde_json::from_value(r.clone()).unwrap_or_default();
    let _ = writeln!(
        out,
        "# {} — {}: {}\n",
        sanitize(&cfg.deployment.name),
        title,
        sanitize(&saved.headline())
    );
    let _ = writeln!(out, "| | |\n|---|---|");
    for (k, v) in [
        ("Outcome", s(&r["outcome"])),
        ("Operator", s(&r["operator"])),
        (
            "Move",
            format!(
                "{} → {}{}",
                s(&r["from_region"]),
                s(&r["to_region"]),
                if r["forced"] == true {
                    " (forced)"
                } else {
                    " (planned)"
                }
            ),
        ),
        ("Started", s(&r["started_at"])),
        ("Finished", s(&r["finished_at"])),
        ("Outage declared at", s(&r["outage_started_at"])),
    ] {
        let _ = writeln!(out, "| {k} | {v} |");
    }
    let rto = saved.rto_seconds;
    let rto_t = saved.rto_target_seconds;
    let loss = saved.data_loss_window_seconds;
    let rpo_t = saved.rpo_target_seconds;
    let verdict = |met: Option<bool>, unknown: &'static str| match met {
        Some(true) => "met",
        Some(false) => "**MISSED**",
        None => unknown,
    };
    let _ = writeln!(
        out,
        "\n## Objectives\n\n| | achieved | target | |\n|---|---|---|---|"
    );
    let _ = writeln!(
        out,
        "| RTO (outage to verified traffic shift) | {} | {} | {} |",
        rto.map_or("-".into(), human),
        human(rto_t),
        verdict(saved.rto_met(), "not reached")
    );
    let _ = writeln!(
        out,
        "| Data-loss window | {} | RPO {} | {} |",
        human(loss),
        human(rpo_t),
        verdict(saved.rpo_met(), "unknown")
    );
    let _ = write!(out, "\nData loss: {}", s(&r["data_loss_source"]));
    if let Some(u) = r["data_loss_unmeasured"]
        .as_array()
        .filter(|u| !u.is_empty())
    {
        let ids: Vec<String> = u.iter().map(|x| format!("`{}`", s(x))).collect();
        let _ = write!(
            out,
            "; not measured for {}: they risk losing writes that no figure here counts",
            ids.join(", ")
        );
    }
    let _ = writeln!(out, ".\n");
    if let Some(f) = r["readiness_findings"].as_array().filter(|f| !f.is_empty()) {
        let _ = writeln!(out, "## Readiness before the run\n");
        for x in f {
            let _ = writeln!(out, "- {}", s(x));
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "## Timeline\n\n*by*: who confirmed the step, skipped it, overrode its precondition or stopped the run at its question.\n\n| step | outcome | start | end | duration | by | note |\n|---|---|---|---|---|---|---|"
    );
    let steps = r["steps"].as_array().cloned().unwrap_or_default();
    for st in &steps {
        let t = |v: &Value| {
            v.as_str()
                .map(|x| x.get(11..19).unwrap_or(x).to_string())
                .unwrap_or_else(|| "-".into())
        };
        let _ = writeln!(
            out,
            "| `{}` {} | {} | {} | {} | {} | {} | {} |",
            s(&st["id"]),
            s(&st["title"]),
            s(&st["outcome"]),
            t(&st["started_at"]),
            t(&st["finished_at"]),
            st["duration_seconds"].as_i64().map_or("-".into(), human),
            s(&st["confirmed_by"]),
            st["note"].as_str().map(sanitize).unwrap_or_default()
        );
    }
    // The steps on the run's time axis: where each started and how long it ran.
    let _ = writeln!(
        out,
        "\n## Step durations\n\nEach step on the run's time axis, from the declared outage to the end of the run: where it started and how long it ran (steps of a phase that ran side by side overlap; ░ never finished).\n\n```"
    );
    if let Some(axis) = Axis::of(&saved) {
        const WIDTH: usize = 48;
        let _ = writeln!(out, "{:<40} {}", "", axis.header(WIDTH, &saved));
        for st in saved.steps.iter().filter(|x| x.started_at.is_some()) {
            let _ = writeln!(
                out,
                "{:<40} {:<WIDTH$} {}",
                sanitize(&st.id).chars().take(40).collect::<String>(),
                axis.bar(st, WIDTH),
                st.duration_seconds.map_or("-".into(), human)
            );
        }
    }
    let _ = writeln!(out, "```\n\n## ARM operations sent\n");
    for op in r["operations"].as_array().cloned().unwrap_or_default() {
        let _ = writeln!(
            out,
            "- {} {} `{}` {}",
            s(&op["at"]),
            s(&op["method"]),
            s(&op["path"]),
            op["request_id"]
                .as_str()
                .map(|i| format!("(request id {i})"))
                .unwrap_or_default()
        );
    }
    let dev = r["deviations"].as_array().cloned().unwrap_or_default();
    let _ = writeln!(out, "\n## Deviations\n");
    if dev.is_empty() {
        let _ = writeln!(out, "None: every step ran as planned.");
    }
    for d in dev {
        let _ = writeln!(out, "- {}", s(&d));
    }
    out
}

fn human(secs: i64) -> String {
    crate::timefmt::human(std::time::Duration::from_secs(secs.max(0) as u64))
}

use std::fmt::Write as _;

/// Writes `<name>.json` and `<name>.md` (mode 0600); returns their paths.
pub fn write(
    dir: &Path,
    rb: &Runbook,
    entries: &[Entry],
    losses: Option<&[(String, f64)]>,
    cfg: &Config,
) -> std::io::Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(dir)?;
    let report = build(rb, entries, losses);
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
        (
            &json_path,
            serde_json::to_string_pretty(&report).unwrap_or_default(),
        ),
        (&md_path, markdown(&report, cfg)),
    ] {
        let _ = std::fs::remove_file(path);
        let mut f = create_private(path)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    Ok((json_path, md_path))
}

/// A saved report as the console and `azfailover reports` read it back. Tolerant: a field
/// that is missing (an older report) takes its default.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(default)]
pub struct Saved {
    pub scenario: Option<String>,
    pub operator: String,
    pub outcome: String,
    pub kind: String,
    pub deployment: String,
    pub from_region: String,
    pub to_region: String,
    pub forced: bool,
    pub started_at: String,
    pub finished_at: String,
    pub outage_started_at: String,
    pub rto_target_seconds: i64,
    pub rto_seconds: Option<i64>,
    pub rpo_target_seconds: i64,
    pub data_loss_window_seconds: i64,
    pub data_loss_source: String,
    pub operations: Vec<SavedOperation>,
    pub steps: Vec<SavedStep>,
    pub readiness_findings: Vec<String>,
    pub deviations: Vec<String>,
    /// `rto_met` as the report recorded it: None when the report predates it, Some(None)
    /// when it was unknown.
    #[serde(rename = "rto_met", deserialize_with = "recorded")]
    pub recorded_rto_met: Option<Option<bool>>,
    /// `rpo_met` as the report recorded it (see `recorded_rto_met`).
    #[serde(rename = "rpo_met", deserialize_with = "recorded")]
    pub recorded_rpo_met: Option<Option<bool>>,
    /// `headline` as the report recorded it (None in older reports).
    #[serde(rename = "headline")]
    pub recorded_headline: Option<String>,
}

/// A field that is there, null or not: `Some(None)` for null (a missing field takes the
/// struct's default, None).
fn recorded<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<bool>>, D::Error> {
    <Option<bool> as serde::Deserialize>::deserialize(d).map(Some)
}

/// One mutating request of a saved report.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(default)]
pub struct SavedOperation {
    pub method: String,
    pub path: String,
    pub at: String,
    pub step: Option<String>,
}

/// One step of a saved report.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(default)]
pub struct SavedStep {
    pub id: String,
    pub title: String,
    pub phase: String,
    pub outcome: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub duration_seconds: Option<i64>,
    pub note: Option<String>,
    pub confirmed_by: Option<String>,
    pub outside_rto: bool,
}

impl Saved {
    /// "drill", "failover" or "failback".
    pub fn label(&self) -> &str {
        if self.scenario.is_some() {
            "drill"
        } else if self.kind.is_empty() {
            "run"
        } else {
            &self.kind
        }
    }

    /// Whether the RTO was met (None: the traffic shift was never verified). As recorded;
    /// derived for reports older than `rto_met`.
    pub fn rto_met(&self) -> Option<bool> {
        self.recorded_rto_met
            .unwrap_or_else(|| self.rto_seconds.map(|s| s <= self.rto_target_seconds))
    }

    /// Whether the data-loss window is within the RPO (None: a forced step's loss was not
    /// measured). As recorded; derived for reports older than `rpo_met`.
    pub fn rpo_met(&self) -> Option<bool> {
        self.recorded_rpo_met.unwrap_or(Some(
            self.data_loss_window_seconds <= self.rpo_target_seconds,
        ))
    }

    /// The step where an aborted or failed run stopped: the one stopped at its question, else
    /// the last that failed, else one that started and never ended.
    pub fn stopped_at(&self) -> Option<&str> {
        if self.outcome == "completed" {
            return None;
        }
        let stopped = |s: &&SavedStep| {
            s.outcome == "not-run"
                && s.note
                    .as_deref()
                    .is_some_and(|n| n.starts_with("stopped here"))
        };
        let steps = || self.steps.iter().rev();
        steps()
            .find(stopped)
            .or_else(|| steps().find(|s| s.outcome == "failed"))
            .or_else(|| steps().find(|s| s.started_at.is_some() && s.finished_at.is_none()))
            .map(|s| s.id.as_str())
    }

    /// How the run went, as its headline says it.
    pub fn verdict(&self) -> Verdict {
        let stopped_at = self.stopped_at().map(str::to_string);
        let about_stop = stopped_at.as_deref().map_or(0, |at| {
            self.deviations
                .iter()
                .filter(|d| d.starts_with(&format!("{at} ")) || d.starts_with(&format!("{at}:")))
                .count()
        });
        Verdict {
            outcome: self.outcome.clone(),
            stopped_at,
            deviations: self.deviations.len(),
            about_stop,
            rto_met: self.rto_met(),
            rpo_met: self.rpo_met(),
        }
    }

    /// The headline: as recorded, derived for older reports.
    pub fn headline(&self) -> String {
        match &self.recorded_headline {
            Some(h) if !h.is_empty() => h.clone(),
            _ => self.verdict().headline(),
        }
    }
}

/// How a run went: what its headline says, and how alarmed a reader should be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// completed | aborted | failed
    pub outcome: String,
    /// Where an aborted or failed run stopped.
    pub stopped_at: Option<String>,
    /// Deviations in all.
    pub deviations: usize,
    /// Of those, the ones about the step where the run stopped (the headline names it).
    pub about_stop: usize,
    pub rto_met: Option<bool>,
    pub rpo_met: Option<bool>,
}

/// How a report reads at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grade {
    /// Completed as planned, no objective missed (green).
    Clean,
    /// Completed, with deviations (amber).
    Deviated,
    /// Aborted, failed, or an objective missed (red).
    Bad,
}

impl Verdict {
    /// Deviations the headline counts: for a run that stopped, those besides its stop.
    fn counted(&self) -> usize {
        self.deviations - self.about_stop.min(self.deviations)
    }

    /// "COMPLETED WITH 2 DEVIATIONS · RTO MET · RPO MISSED", "ABORTED AT step · RPO MISSED".
    /// A completed run says both objectives; a stopped one only those it missed.
    pub fn headline(&self) -> String {
        let n = self.counted();
        let deviations =
            |other: &str| format!("{n} {other}DEVIATION{}", if n == 1 { "" } else { "S" });
        let mut parts = Vec::new();
        let objective = |name: &str, met: Option<bool>| match met {
            Some(true) => format!("{name} MET"),
            Some(false) => format!("{name} MISSED"),
            None => format!("{name} UNKNOWN"),
        };
        if self.outcome == "completed" {
            parts.push(if n == 0 {
                "COMPLETED".to_string()
            } else {
                format!("COMPLETED WITH {}", deviations(""))
            });
            parts.push(objective("RTO", self.rto_met));
            parts.push(objective("RPO", self.rpo_met));
        } else {
            let mut head = if self.outcome.is_empty() {
                "UNFINISHED".to_string()
            } else {
                self.outcome.to_uppercase()
            };
            if let Some(at) = &self.stopped_at {
                head.push_str(&format!(" AT {at}"));
            }
            parts.push(head);
            if n > 0 {
                parts.push(deviations(if self.stopped_at.is_some() {
                    "OTHER "
                } else {
                    ""
                }));
            }
            for (name, met) in [("RTO", self.rto_met), ("RPO", self.rpo_met)] {
                if met == Some(false) {
                    parts.push(objective(name, met));
                }
            }
        }
        parts.join(" · ")
    }

    /// The headline's first part in a word, for a column: "completed", "completed+2dev",
    /// "aborted+1dev".
    pub fn short(&self) -> String {
        let outcome = if self.outcome.is_empty() {
            "unfinished"
        } else {
            &self.outcome
        };
        match self.counted() {
            0 => outcome.to_string(),
            n => format!("{outcome}+{n}dev"),
        }
    }

    /// Green only when completed as planned with no objective missed (unknown is not
    /// missed); amber with deviations; red when stopped or an objective was missed.
    pub fn grade(&self) -> Grade {
        if self.outcome != "completed" || self.rto_met == Some(false) || self.rpo_met == Some(false)
        {
            Grade::Bad
        } else if self.deviations > 0 {
            Grade::Deviated
        } else {
            Grade::Clean
        }
    }
}

/// The time axis of a chart of a run's steps (the report screen and the Markdown report).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    pub from: OffsetDateTime,
    pub to: OffsetDateTime,
}

impl Axis {
    /// From the declared outage (or the first step) to the run's end (or the last step).
    pub fn of(r: &Saved) -> Option<Axis> {
        let times = |f: fn(&SavedStep) -> Option<&String>| {
            r.steps
                .iter()
                .filter_map(move |s| f(s).and_then(|x| parse_rfc3339(x)))
        };
        let from = [&r.outage_started_at, &r.started_at]
            .into_iter()
            .filter_map(|x| parse_rfc3339(x))
            .chain(times(|s| s.started_at.as_ref()))
            .min()?;
        let to = parse_rfc3339(&r.finished_at)
            .into_iter()
            .chain(times(|s| s.finished_at.as_ref()))
            .max()?;
        (to > from).then_some(Axis { from, to })
    }

    /// The column of a moment on a bar `width` wide.
    pub fn column(&self, at: OffsetDateTime, width: usize) -> usize {
        let span = (self.to - self.from).as_seconds_f64();
        let x = (at - self.from).as_seconds_f64() / span * width as f64;
        (x.max(0.0) as usize).min(width.saturating_sub(1))
    }

    /// A step's bar: blank up to its start, then one block per column it ran (at least one).
    /// A step that started and never ended runs to the end of the axis, hatched.
    pub fn bar(&self, s: &SavedStep, width: usize) -> String {
        let Some(start) = s.started_at.as_deref().and_then(parse_rfc3339) else {
            return String::new();
        };
        let x0 = self.column(start, width);
        let (x1, glyph) = match s.finished_at.as_deref().and_then(parse_rfc3339) {
            Some(end) => (self.column(end, width), "█"),
            None => (width.saturating_sub(1), "░"),
        };
        format!("{}{}", " ".repeat(x0), glyph.repeat(x1.max(x0) - x0 + 1))
    }

    /// The header of the bar column: the axis's ends, and where the RTO target falls.
    pub fn header(&self, width: usize, r: &Saved) -> String {
        let left = hhmmss(self.from);
        let right = hhmmss(self.to);
        if width < left.len() + right.len() + 2 {
            return String::new();
        }
        let mut cells: Vec<char> = std::iter::repeat_n(' ', width).collect();
        let mut put = |x: usize, text: &str| {
            for (i, c) in text.chars().enumerate() {
                if let Some(cell) = cells.get_mut(x + i) {
                    *cell = c;
                }
            }
        };
        let deadline = parse_rfc3339(&r.outage_started_at)
            .map(|o| o + time::Duration::seconds(r.rto_target_seconds));
        if let Some(d) = deadline.filter(|d| *d > self.from && *d < self.to) {
            let x = self.column(d, width);
            let mark = "▼RTO";
            if x > left.len() && x + mark.chars().count() < width.saturating_sub(right.len()) {
                put(x, mark);
            }
        }
        put(0, &left);
        put(width - right.len(), &right);
        cells.into_iter().collect()
    }
}

/// A report found on disk.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub json: PathBuf,
    /// The Markdown report beside it.
    pub markdown: PathBuf,
    pub report: Saved,
}

/// The reports of a directory, newest first, and the files that could not be read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Listing {
    pub dir: PathBuf,
    pub reports: Vec<Listed>,
    /// "file: why" for each JSON file that is not a readable report.
    pub unreadable: Vec<String>,
}

/// Reads every report of `dir` (a missing directory is an empty listing; one that cannot be
/// read is an error). Newest first, by
/// start time then file name.
pub fn list(dir: &Path) -> Result<Listing, String> {
    let mut listing = Listing {
        dir: dir.to_path_buf(),
        ..Listing::default()
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(listing),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let read = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str::<Saved>(&text).map_err(|e| e.to_string()));
        match read {
            Ok(report) if !report.started_at.is_empty() => listing.reports.push(Listed {
                markdown: path.with_extension("md"),
                json: path,
                report,
            }),
            Ok(_) => listing
                .unreadable
                .push(format!("{name}: not a report (no started_at)")),
            Err(e) => listing.unreadable.push(format!("{name}: {e}")),
        }
    }
    listing.reports.sort_by(|a, b| {
        let key = |l: &Listed| parse_rfc3339(&l.report.started_at);
        key(b).cmp(&key(a)).then_with(|| b.json.cmp(&a.json))
    });
    Ok(listing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    #[test]
    fn listing_is_newest_first_and_names_the_files_it_could_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        put(
            d,
            "a.json",
            r#"{"kind":"failover","outcome":"completed","started_at":"2026-11-26T02:41:07Z","rto_seconds":2268}"#,
        );
        put(
            d,
            "b.json",
            r#"{"scenario":"flaky-arm","kind":"failover","outcome":"aborted","started_at":"2026-11-26T05:00:00Z","steps":[{"id":"s1","outcome":"done","duration_seconds":12}]}"#,
        );
        put(d, "c.json", "{not json");
        put(d, "d.json", r#"{"hello":"world"}"#);
        put(d, "e.md", "# not listed");
        let l = list(d).unwrap();
        let names: Vec<_> = l
            .reports
            .iter()
            .map(|r| r.json.file_name().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["b.json", "a.json"]);
        assert_eq!(l.reports[0].report.label(), "drill");
        assert_eq!(l.reports[0].report.steps[0].duration_seconds, Some(12));
        assert_eq!(l.reports[1].report.label(), "failover");
        assert_eq!(l.reports[1].markdown, d.join("a.md"));
        assert_eq!(l.unreadable.len(), 2, "{:?}", l.unreadable);
        assert!(
            l.unreadable[0].starts_with("c.json: "),
            "{:?}",
            l.unreadable
        );
        assert!(
            l.unreadable[1].contains("not a report"),
            "{:?}",
            l.unreadable
        );
        assert_eq!(list(&d.join("missing")).unwrap().reports, Vec::new());
    }

    #[test]
    fn the_time_axis_places_steps_and_marks_the_rto_deadline() {
        let step = |start: Option<&str>, end: Option<&str>| SavedStep {
            started_at: start.map(|t| format!("2026-11-26T{t}Z")),
            finished_at: end.map(|t| format!("2026-11-26T{t}Z")),
            ..SavedStep::default()
        };
        let r = Saved {
            outage_started_at: "2026-11-26T02:00:00Z".into(),
            started_at: "2026-11-26T02:10:00Z".into(),
            finished_at: "2026-11-26T02:40:00Z".into(),
            rto_target_seconds: 1800,
            steps: vec![
                step(Some("02:10:00"), Some("02:20:00")),
                step(Some("02:20:00"), None),
                step(None, None),
            ],
            ..Saved::default()
        };
        let axis = Axis::of(&r).unwrap();
        assert_eq!(axis.from, parse_rfc3339(&r.outage_started_at).unwrap());
        // 40 minutes over 40 columns: one column a minute.
        assert_eq!(
            axis.bar(&r.steps[0], 40),
            format!("{}{}", " ".repeat(10), "█".repeat(11))
        );
        let open = axis.bar(&r.steps[1], 40);
        assert!(
            open.ends_with('░') && open.starts_with(&" ".repeat(20)),
            "{open}"
        );
        assert_eq!(
            axis.bar(&r.steps[2], 40),
            "",
            "a step that never started has no bar"
        );
        let header = axis.header(60, &r);
        assert!(
            header.starts_with("02:00:00") && header.ends_with("02:40:00"),
            "{header}"
        );
        assert_eq!(
            header.find("▼RTO"),
            Some(45),
            "the deadline (02:30) at 3/4: {header}"
        );
        // Where it would run into a time label, it is left out.
        assert!(!axis.header(40, &r).contains('▼'));
        assert_eq!(Axis::of(&Saved::default()), None, "no times, no axis");
    }

    #[test]
    fn a_built_report_reads_back_typed() {
        let rb = Runbook {
            kind: crate::config::RunbookKind::Failover,
            deployment: "contoso-ml".into(),
            from_region: crate::region::Region::new("eastus"),
            to_region: crate::region::Region::new("westus"),
            forced: true,
            steps: Vec::new(),
        };
        let entries = vec![Entry {
            run_id: "r1".into(),
            at: "2026-11-26T02:41:07Z".into(),
            event: Event::RunStarted {
                deployment: "contoso-ml".into(),
                kind: "failover".into(),
                from_region: "eastus".into(),
                to_region: "westus".into(),
                forced: true,
                operator: "alice".into(),
                scenario: Some("eastus-outage".into()),
                outage_started_at: "2026-11-26T02:40:00Z".into(),
                rto_target_seconds: 3600,
                rpo_target_seconds: 900,
                steps: Vec::new(),
                findings: vec!["finding".into()],
            },
        }];
        let saved: Saved =
            serde_json::from_value(build(&rb, &entries, Some(&[("st".into(), 61.0)]))).unwrap();
        assert_eq!(saved.operator, "alice");
        assert_eq!(saved.data_loss_window_seconds, 61);
        assert_eq!(saved.scenario.as_deref(), Some("eastus-outage"));
        assert_eq!(saved.from_region, "eastus");
        assert_eq!(saved.rto_met(), None);
        assert_eq!(saved.rpo_met(), Some(true));
        assert_eq!(saved.readiness_findings, ["finding"]);
    }

    use super::super::model::{Action, Confirm, Step, StepKind};
    use crate::config::Phase;

    fn plan_step(id: &str, phase: Phase, kind: StepKind) -> Step {
        Step {
            id: id.into(),
            title: id.into(),
            why: String::new(),
            component: None,
            phase,
            kind,
            confirm: Confirm::Yes,
            destructive: false,
            data_loss: None,
            az: Vec::new(),
            action: None,
            preconditions: Vec::new(),
            postcondition: None,
            timeout: std::time::Duration::from_secs(60),
            parallel_group: None,
            outside_rto: false,
            completes_traffic_shift: false,
        }
    }

    /// A forced failover: declare, fail storage over (forced), fail SQL over (forced), the
    /// gate, the traffic shift, a last manual step.
    fn forced_runbook() -> Runbook {
        let mut storage = plan_step("data.training-data.failover", Phase::Data, StepKind::Action);
        storage.action = Some(Action::StorageFailover {
            id: "/subscriptions/s/st".into(),
            planned: false,
        });
        storage.data_loss = Some("writes after the last sync time will be lost".into());
        let mut sql = plan_step("data.feature-store.failover", Phase::Data, StepKind::Action);
        sql.data_loss = Some("transactions not yet replicated will be lost".into());
        let mut shift = plan_step("traffic.scoring.shift", Phase::Traffic, StepKind::Action);
        shift.completes_traffic_shift = true;
        Runbook {
            kind: crate::config::RunbookKind::Failover,
            deployment: "contoso-ml".into(),
            from_region: crate::region::Region::new("eastus"),
            to_region: crate::region::Region::new("westus"),
            forced: true,
            steps: vec![
                plan_step("prepare.confirm-outage", Phase::Prepare, StepKind::Manual),
                storage,
                sql,
                plan_step("verify.gate", Phase::Verify, StepKind::Verify),
                shift,
                plan_step("finish.notify", Phase::Finish, StepKind::Manual),
            ],
        }
    }

    /// Journal lines at 02:MM:SS of 2026-11-26, the outage declared at 01:00:00.
    struct Script(Vec<Entry>);

    impl Script {
        fn new(operator: &str) -> Script {
            let mut s = Script(Vec::new());
            s.at(
                "02:00:00",
                Event::RunStarted {
                    deployment: "contoso-ml".into(),
                    kind: "failover".into(),
                    from_region: "eastus".into(),
                    to_region: "westus".into(),
                    forced: true,
                    operator: operator.into(),
                    scenario: None,
                    outage_started_at: "2026-11-26T01:00:00Z".into(),
                    rto_target_seconds: 3600,
                    rpo_target_seconds: 900,
                    steps: Vec::new(),
                    findings: Vec::new(),
                },
            );
            s
        }

        fn at(&mut self, time: &str, event: Event) -> &mut Script {
            self.0.push(Entry {
                run_id: "r1".into(),
                at: format!("2026-11-26T{time}Z"),
                event,
            });
            self
        }

        /// A step confirmed by `by` and done, from `start` to `end`.
        fn done(&mut self, id: &str, by: &str, start: &str, end: &str) -> &mut Script {
            let step = id.to_string();
            self.at(start, Event::StepStarted { step: step.clone() })
                .at(
                    start,
                    Event::Confirmed {
                        step: step.clone(),
                        by: by.into(),
                        typed: false,
                    },
                )
                .at(end, Event::StepDone { step, note: None })
        }

        fn sent(&mut self, id: &str, time: &str) -> &mut Script {
            self.at(
                time,
                Event::RequestSent {
                    step: id.into(),
                    method: "POST".into(),
                    path: format!("/subscriptions/s/{id}"),
                    request_id: None,
                    client_request_id: None,
                },
            )
        }

        fn loss(&mut self, id: &str, seconds: f64, detail: &str) -> &mut Script {
            self.at(
                "02:05:00",
                Event::DataLoss {
                    step: id.into(),
                    seconds,
                    detail: detail.into(),
                },
            )
        }

        fn finished(&mut self, time: &str, outcome: &str) -> Vec<Entry> {
            self.at(
                time,
                Event::RunFinished {
                    outcome: outcome.into(),
                },
            );
            self.0.clone()
        }
    }

    fn step_of<'a>(r: &'a Value, id: &str) -> &'a Value {
        r["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()
    }

    #[test]
    fn a_completed_run_with_a_skipped_gate_an_override_and_missed_targets_says_so() {
        let rb = forced_runbook();
        let mut j = Script::new("alice");
        j.done("prepare.confirm-outage", "alice", "02:00:10", "02:01:00")
            .loss(
                "data.training-data.failover",
                1200.0,
                "writes after 2026-11-26T00:40:00Z lost",
            )
            .done(
                "data.training-data.failover",
                "alice",
                "02:05:00",
                "02:10:00",
            )
            .sent("data.training-data.failover", "02:05:01")
            // alice's terminal is lost; bob resumes, skips the gate and forces the shift.
            .at(
                "02:12:00",
                Event::RunResumed {
                    operator: "bob".into(),
                },
            )
            .at(
                "02:12:05",
                Event::StepSkipped {
                    step: "data.feature-store.failover".into(),
                    reason: "component retired".into(),
                    by: None,
                },
            )
            .at(
                "02:13:00",
                Event::StepStarted {
                    step: "verify.gate".into(),
                },
            )
            .at(
                "02:13:01",
                Event::PreconditionFailed {
                    step: "verify.gate".into(),
                    reason: "westus degraded".into(),
                },
            )
            .at(
                "02:13:30",
                Event::StepSkipped {
                    step: "verify.gate".into(),
                    reason: "smoke test by hand".into(),
                    by: Some("bob".into()),
                },
            )
            .at(
                "02:14:00",
                Event::StepStarted {
                    step: "traffic.scoring.shift".into(),
                },
            )
            .at(
                "02:14:10",
                Event::PreconditionOverridden {
                    step: "traffic.scoring.shift".into(),
                    reason: "customers are down".into(),
                    by: "bob".into(),
                },
            )
            .sent("traffic.scoring.shift", "02:14:20")
            .at(
                "02:30:00",
                Event::StepDone {
                    step: "traffic.scoring.shift".into(),
                    note: None,
                },
            )
            .done("finish.notify", "bob", "02:31:00", "02:32:00");
        let entries = j.finished("02:32:01", "completed");
        let r = build(&rb, &entries, None);
        assert_eq!(r["outcome"], "completed");
        assert_eq!(
            r["headline"], "COMPLETED WITH 4 DEVIATIONS · RTO MISSED · RPO MISSED",
            "{:#}",
            r["deviations"]
        );
        assert_eq!(r["rto_seconds"], 5400);
        assert_eq!(r["rto_met"], false);
        assert_eq!(r["data_loss_window_seconds"], 1200);
        assert_eq!(r["rpo_met"], false);
        let gate = step_of(&r, "verify.gate");
        assert_eq!(gate["outcome"], "skipped");
        assert_eq!(
            gate["confirmed_by"], "bob",
            "the skipper, not the run's operator"
        );
        assert_eq!(step_of(&r, "traffic.scoring.shift")["confirmed_by"], "bob");
        assert_eq!(
            step_of(&r, "data.feature-store.failover")["confirmed_by"],
            Value::Null,
            "an older journal's skip names nobody"
        );
        assert_eq!(
            step_of(&r, "prepare.confirm-outage")["confirmed_by"],
            "alice"
        );
        assert_eq!(
            r["deviations"],
            json!([
                "run resumed by bob after an interruption",
                "data.feature-store.failover skipped: component retired",
                "verify.gate skipped by bob: smoke test by hand (the verify gate never passed)",
                "traffic.scoring.shift: precondition overridden by bob: customers are down",
            ])
        );
        let saved: Saved = serde_json::from_value(r.clone()).unwrap();
        assert_eq!(saved.verdict().grade(), Grade::Bad);
        assert_eq!(saved.verdict().short(), "completed+4dev");
        let md = markdown(&r, &Config::demo());
        assert_eq!(
            md.lines().next().unwrap(),
            "# contoso-ml — failover report: COMPLETED WITH 4 DEVIATIONS · RTO MISSED · RPO MISSED"
        );
        assert!(
            md.contains("| `verify.gate` verify.gate | skipped | 02:13:00 | 02:13:30 | 30 s | bob | smoke test by hand |"),
            "{md}"
        );
        assert!(
            md.contains("| 1 h 30 min | 1 h 00 min | **MISSED** |"),
            "{md}"
        );
    }

    #[test]
    fn a_run_stopped_at_a_question_is_aborted_there_and_the_step_not_run() {
        let rb = forced_runbook();
        let mut j = Script::new("alice");
        j.done("prepare.confirm-outage", "alice", "02:00:10", "02:01:00")
            .at(
                "02:02:00",
                Event::StepStarted {
                    step: "data.training-data.failover".into(),
                },
            )
            .at(
                "02:02:30",
                Event::StepNotRun {
                    step: "data.training-data.failover".into(),
                    reason: "stopped here: the operator aborted".into(),
                    by: Some("alice".into()),
                },
            );
        let entries = j.finished("02:02:31", "aborted");
        // A drill: the simulator measured nothing lost.
        let r = build(&rb, &entries, Some(&[]));
        let st = step_of(&r, "data.training-data.failover");
        assert_eq!(st["outcome"], "not-run");
        assert_eq!(st["confirmed_by"], "alice");
        assert_eq!(step_of(&r, "verify.gate")["outcome"], "not-run");
        assert_eq!(step_of(&r, "verify.gate")["confirmed_by"], Value::Null);
        assert_eq!(r["rto_met"], Value::Null, "traffic never shifted");
        assert_eq!(r["rpo_met"], true);
        assert_eq!(r["headline"], "ABORTED AT data.training-data.failover");
        assert_eq!(
            r["deviations"],
            json!([
                "data.training-data.failover not run: stopped at its question by alice: the operator aborted"
            ])
        );
        let saved: Saved = serde_json::from_value(r).unwrap();
        assert_eq!(saved.verdict().grade(), Grade::Bad);
        assert_eq!(saved.verdict().short(), "aborted");
    }

    #[test]
    fn a_step_left_after_its_request_was_sent_is_not_reported_as_not_run() {
        // Killed during the storage failover, then closed as aborted by the next run.
        let rb = forced_runbook();
        let mut j = Script::new("alice");
        j.done("prepare.confirm-outage", "alice", "02:00:10", "02:01:00")
            .at(
                "02:04:00",
                Event::StepStarted {
                    step: "data.training-data.failover".into(),
                },
            )
            .loss(
                "data.training-data.failover",
                1200.0,
                "writes after 2026-11-26T00:40:00Z lost",
            )
            .sent("data.training-data.failover", "02:05:01");
        let entries = j.finished("02:40:00", "aborted");
        let r = build(&rb, &entries, None);
        let st = step_of(&r, "data.training-data.failover");
        assert_eq!(st["outcome"], "failed");
        assert!(st["note"].as_str().unwrap().contains("never verified"));
        assert_eq!(
            r["headline"],
            "ABORTED AT data.training-data.failover · RPO MISSED"
        );
        assert_eq!(r["rpo_met"], false);
    }

    #[test]
    fn unknown_objectives_are_null_and_said_unknown() {
        let rb = forced_runbook();
        let mut j = Script::new("alice");
        j.done("prepare.confirm-outage", "alice", "02:00:10", "02:01:00")
            .loss(
                "data.training-data.failover",
                300.0,
                "writes after 2026-11-26T00:55:00Z lost",
            )
            .done(
                "data.training-data.failover",
                "alice",
                "02:05:00",
                "02:10:00",
            )
            // A forced SQL failover journals the loss it risks, not a figure.
            .loss(
                "data.feature-store.failover",
                0.0,
                "transactions not yet replicated will be lost",
            )
            .done(
                "data.feature-store.failover",
                "alice",
                "02:05:00",
                "02:08:00",
            )
            .at("02:11:00", Event::GatePassed)
            .done("verify.gate", "alice", "02:10:30", "02:11:00")
            .at(
                "02:12:00",
                Event::StepSkipped {
                    step: "traffic.scoring.shift".into(),
                    reason: "DNS changed by hand".into(),
                    by: Some("alice".into()),
                },
            )
            .done("finish.notify", "alice", "02:13:00", "02:14:00");
        let entries = j.finished("02:14:01", "completed");
        let r = build(&rb, &entries, None);
        assert_eq!(r["rto_seconds"], Value::Null);
        assert_eq!(r["rto_met"], Value::Null);
        assert_eq!(r["rpo_met"], Value::Null);
        assert_eq!(r["data_loss_window_seconds"], 300);
        assert_eq!(
            r["data_loss_unmeasured"],
            json!(["data.feature-store.failover"])
        );
        assert_eq!(
            r["headline"],
            "COMPLETED WITH 1 DEVIATION · RTO UNKNOWN · RPO UNKNOWN"
        );
        let saved: Saved = serde_json::from_value(r.clone()).unwrap();
        assert_eq!(
            saved.verdict().grade(),
            Grade::Deviated,
            "unknown is not missed"
        );
        let md = markdown(&r, &Config::demo());
        assert!(
            md.contains("| not reached |") && md.contains("| unknown |"),
            "{md}"
        );
        assert!(
            md.contains("not measured for `data.feature-store.failover`"),
            "{md}"
        );

        // Clean: every objective met, nothing deviated.
        let clean = Verdict {
            outcome: "completed".into(),
            stopped_at: None,
            deviations: 0,
            about_stop: 0,
            rto_met: Some(true),
            rpo_met: Some(true),
        };
        assert_eq!(clean.headline(), "COMPLETED · RTO MET · RPO MET");
        assert_eq!(clean.grade(), Grade::Clean);
    }

    #[test]
    fn a_completed_run_whose_gate_never_passed_says_so() {
        let rb = forced_runbook();
        let mut j = Script::new("alice");
        for id in [
            "prepare.confirm-outage",
            "data.training-data.failover",
            "data.feature-store.failover",
            "verify.gate",
            "traffic.scoring.shift",
            "finish.notify",
        ] {
            j.done(id, "alice", "02:10:00", "02:20:00");
        }
        let r = build(&rb, &j.finished("02:20:01", "completed"), Some(&[]));
        assert_eq!(
            r["deviations"],
            json!(["verify.gate: the verify gate never passed"])
        );
        // 80 minutes from the outage at 01:00 to the shift at 02:20.
        assert_eq!(
            r["headline"],
            "COMPLETED WITH 1 DEVIATION · RTO MISSED · RPO MET"
        );
    }

    #[test]
    fn older_reports_get_their_verdict_derived() {
        let old: Saved = serde_json::from_value(json!({
            "outcome": "failed", "started_at": "2026-11-26T02:00:00Z",
            "rto_target_seconds": 3600, "rto_seconds": null,
            "rpo_target_seconds": 900, "data_loss_window_seconds": 1000,
            "steps": [
                {"id": "a", "outcome": "done"},
                {"id": "b", "outcome": "failed", "note": "boom"},
                {"id": "c", "outcome": "not-run"},
            ],
            "deviations": ["b failed: boom", "a skipped: why"],
        }))
        .unwrap();
        assert_eq!(old.rto_met(), None);
        assert_eq!(old.rpo_met(), Some(false), "derived from the figures");
        assert_eq!(
            old.headline(),
            "FAILED AT b · 1 OTHER DEVIATION · RPO MISSED"
        );
        // A recorded null stays unknown even where the figures would say otherwise.
        let new: Saved = serde_json::from_value(json!({
            "outcome": "completed", "rto_target_seconds": 3600, "rto_seconds": 60, "rto_met": null,
            "rpo_met": null, "headline": "as recorded",
        }))
        .unwrap();
        assert_eq!((new.rto_met(), new.rpo_met()), (None, None));
        assert_eq!(new.headline(), "as recorded");
    }
}
