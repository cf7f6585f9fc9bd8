//! What the one-shot commands show, as text and values for the command line to print:
//! `status` (a snapshot), `plan` (a runbook), `reports` (the listing of past runs) and how a
//! run ended. Nothing here writes to stdout or stderr.

use std::path::Path;
use std::time::Duration;

use crate::config::RunbookKind;
use crate::health::Snapshot;
use crate::health::collect::Collector;
use crate::runbook::run::RunResult;

use super::error::AppError;
use super::session::Target;

/// `status`: one snapshot (saved as the console's first picture).
pub async fn status(target: Target) -> Result<Snapshot, AppError> {
    let collector = Collector::new(target.cfg.clone(), target.client.clone());
    let result = collector.try_collect().await;
    if let Some(sim) = target.sim {
        sim.stop().await;
    }
    let (_, snap) = result?;
    crate::health::cache::save(&snap);
    Ok(snap)
}

/// `plan`: the runbook that would run now, as JSON or Markdown (nothing is changed).
pub async fn plan(target: Target, kind: RunbookKind, json: bool) -> Result<String, AppError> {
    let collector = Collector::new(target.cfg.clone(), target.client.clone());
    let result = collector.try_collect().await;
    if let Some(sim) = target.sim {
        sim.stop().await;
    }
    let (obs, snap) = result?;
    if let Some(why) = crate::runbook::run::nothing_to_do(&snap, kind) {
        return Err(AppError::NothingToDo(why));
    }
    let rb = crate::runbook::plan(&target.cfg, &obs, &snap, kind);
    Ok(if json {
        let mut text = crate::text::to_json_pretty(&crate::runbook::markdown::to_json(&rb));
        text.push('\n');
        text
    } else {
        crate::runbook::markdown::render(&rb, &target.cfg, &crate::timefmt::rfc3339(snap.taken_at))
    })
}

/// Text for stdout, with what goes to stderr beside it.
pub struct Text {
    /// Lines for stderr (without the `azfailover: ` prefix), printed first.
    pub notes: Vec<String>,
    /// For stdout, verbatim.
    pub out: String,
}

/// `reports`: one line per past run, newest first.
pub fn reports(dir: &Path) -> Result<Text, AppError> {
    let listing = crate::runbook::report::list(dir).map_err(AppError::Io)?;
    let notes = listing
        .unreadable
        .iter()
        .map(|bad| format!("skipped {bad}"))
        .collect();
    let mut out = String::new();
    let mut line = |l: String| {
        out.push_str(&l);
        out.push('\n');
    };
    if listing.reports.is_empty() {
        line(format!("no reports yet in {}", dir.display()));
        return Ok(Text { notes, out });
    }
    let secs = |v: Option<i64>| {
        v.map_or("-".to_string(), |s| {
            crate::timefmt::human(Duration::from_secs(s.max(0) as u64))
        })
    };
    // Without colour, a missed target says so beside its figure; a figure that leaves out
    // what was not measured (rpo_met null) is a lower bound.
    let against = |figure: String, met: Option<bool>| match met {
        Some(false) => format!("{figure} MISSED"),
        None if figure != "-" => format!("at least {figure}"),
        _ => figure,
    };
    line(format!(
        "{:<19}  {:<8}  {:<18}  {:<14}  {:<17}  {:<19}  REPORT",
        "STARTED (UTC)", "KIND", "SCENARIO", "OUTCOME", "RTO", "DATA LOSS"
    ));
    for l in &listing.reports {
        let r = &l.report;
        let verdict = r.verdict();
        let started = crate::timefmt::parse_rfc3339(&r.started_at).map_or_else(
            || crate::health::report::sanitize(&r.started_at),
            |t| format!("{} {}", t.date(), crate::timefmt::hhmmss(t)),
        );
        line(format!(
            "{:<19}  {:<8}  {:<18}  {:<14}  {:<17}  {:<19}  {}",
            started,
            r.label(),
            crate::health::report::sanitize(r.scenario.as_deref().unwrap_or("-")),
            crate::health::report::sanitize(&verdict.short()),
            against(secs(r.rto_seconds), verdict.rto_met),
            against(secs(Some(r.data_loss_window_seconds)), verdict.rpo_met),
            l.markdown.display()
        ));
    }
    Ok(Text { notes, out })
}

/// How a run ended: why it stopped and its outcome (stderr), and the report's path as the last
/// stdout line.
pub fn run_end(message: Option<&String>, r: &RunResult) -> Text {
    let mut notes = Vec::new();
    if let Some(m) = message {
        notes.push(format!("stopped: {m} (journal: {})", r.journal.display()));
    }
    notes.push(format!(
        "{} — report: {}",
        r.outcome.as_str(),
        r.report_markdown.display()
    ));
    Text {
        notes,
        out: format!("{}\n", r.report_json.display()),
    }
}
