//! Reports of failovers, failbacks and drills: JSON (CONTRACT.md) and Markdown side by side,
//! mode 0600, built from the journal alone — so an aborted or crashed run still gets one.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::journal::{Entry, Event};
use super::model::Runbook;
use super::run::step_states;
use crate::config::Config;
use crate::health::report::sanitize;
use crate::paths::create_private;
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
    let simulated = saved.simulated();
    // In a drill every time is the simulator's: each says so.
    let sim = if simulated { " (simulated)" } else { "" };
    let at = |v: &Value| format!("{}{sim}", s(v));
    let _ = writeln!(
        out,
        "# {} — {}: {}\n",
        sanitize(&cfg.deployment.name),
        title,
        sanitize(&saved.headline())
    );
    let _ = writeln!(out, "| | |\n|---|---|");
    let mut rows = vec![
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
        ("Started", at(&r["started_at"])),
        ("Finished", at(&r["finished_at"])),
        ("Outage declared at", at(&r["outage_started_at"])),
        ("Duration", saved.took()),
    ];
    if let (Some(a), Some(b)) = (&saved.wall_started_at, &saved.wall_finished_at)
        && saved.clocks_differ()
    {
        rows.push((
            "Wall clock (real time)",
            format!("{} → {}", sanitize(a), sanitize(b)),
        ));
    }
    for (k, v) in rows {
        let _ = writeln!(out, "| {k} | {v} |");
    }
    if simulated {
        let pace = saved
            .pace()
            .map(|x| format!(", which ran about ×{x:.0} as fast as real time"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\nTimes are simulated (the simulator's clock{pace}), except those marked wall-clock."
        );
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
        "| RTO (outage to verified traffic shift{}) | {} | {} | {} |",
        if simulated { ", simulated time" } else { "" },
        rto.map_or("-".into(), human),
        human(rto_t),
        verdict(saved.rto_met(), "not reached")
    );
    let _ = writeln!(
        out,
        "| Data-loss window{} | {} | RPO {} | {} |",
        if simulated { " (simulated time)" } else { "" },
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
        "## Timeline\n\n*by*: who confirmed the step, skipped it, overrode its precondition or stopped the run at its question.\n\n| step | outcome | start{sim} | end{sim} | duration{sim} | by | note |\n|---|---|---|---|---|---|---|"
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
        "\n## Step durations\n\nEach step on the run's time axis{}, from the declared outage to the end of the run: where it started and how long it ran (steps of a phase that ran side by side overlap; ░ never finished).\n\n```",
        if simulated { " (simulated time)" } else { "" }
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
    let _ = writeln!(
        out,
        "```\n\n## ARM operations sent{}\n",
        if simulated { " (simulated times)" } else { "" }
    );
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
    /// The clock of the times above: "simulated" or "azure" (empty in older reports).
    pub clock: String,
    /// From start to finish on that clock (None in older reports: derived).
    pub duration_seconds: Option<i64>,
    /// Start, finish and duration on this machine's clock (None when the journal predates it).
    pub wall_started_at: Option<String>,
    pub wall_finished_at: Option<String>,
    pub wall_duration_seconds: Option<i64>,
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
    /// Whether its times are simulated (a drill, or a run against the simulator).
    pub fn simulated(&self) -> bool {
        self.clock == "simulated" || self.scenario.is_some()
    }

    /// From start to finish on the report's own clock.
    pub fn duration(&self) -> Option<i64> {
        self.duration_seconds
            .or_else(|| secs_between(&self.started_at, &self.finished_at))
            .map(|s| s.max(0))
    }

    /// Whether its own clock and the wall clock disagree on how long it took (more than a few
    /// seconds and a twentieth): always for a drill faster than real time.
    pub fn clocks_differ(&self) -> bool {
        match (self.duration(), self.wall_duration_seconds) {
            (Some(own), Some(wall)) => (own - wall).abs() > (wall / 20).max(5),
            _ => false,
        }
    }

    /// How many times faster than real time its clock ran, when the clocks differ.
    pub fn pace(&self) -> Option<f64> {
        let wall = self.wall_duration_seconds.filter(|w| *w > 0)?;
        self.clocks_differ()
            .then(|| self.duration().unwrap_or(0) as f64 / wall as f64)
    }

    /// How long the run took: "6 h 21 min simulated · 13 min wall-clock" when the clocks
    /// differ, "13 min" when they do not, each figure labelled in a drill.
    pub fn took(&self) -> String {
        let own = self.duration();
        let wall = self.wall_duration_seconds;
        let label = if self.simulated() {
            " simulated"
        } else {
            " by Azure's clock"
        };
        match (own, wall) {
            (Some(o), Some(w)) if self.clocks_differ() => {
                format!("{}{label} · {} wall-clock", human(o), human(w))
            }
            (Some(o), _) if self.simulated() => format!("{} simulated", human(o)),
            (_, Some(w)) => human(w),
            (Some(o), None) => human(o),
            (None, None) => "-".into(),
        }
    }

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
mod tests;
