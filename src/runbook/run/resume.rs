//! What an interrupted run left behind: the offer to resume it, the dry run's banner that
//! names it, closing crashed journals with an aborted report, and what the journal says each
//! step reached (`Prior`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::runbook::journal::{self, Event, Journal};
use crate::runbook::operator::ResumeOffer;
use crate::runbook::report;

use super::RunContext;

/// What the journal says about each step of an interrupted run.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Prior {
    Finished,
    RequestSent,
    /// Its intent was journaled, but no answer: it may or may not have taken effect.
    InDoubt,
    Started,
}

/// What a dry run says first: that nothing is sent, and which real run it leaves untouched.
pub(super) fn dry_run_banner(
    journal_kind: &str,
    real: Option<&(PathBuf, Vec<journal::Entry>)>,
) -> String {
    let mut s = "dry run (read-only): the runbook is walked, every action is refused and nothing is sent; its journal and report are kept apart".to_string();
    if let Some((path, entries)) = real {
        let offer = resume_offer(journal_kind, path, entries);
        s.push_str(&format!(
            "; the unfinished {} started by {} at {} ({}) is left untouched",
            offer.kind,
            offer.operator,
            offer.started_at,
            path.display()
        ));
    }
    s
}

/// What the operator is shown about an unfinished run.
pub(super) fn resume_offer(
    journal_kind: &str,
    path: &Path,
    entries: &[journal::Entry],
) -> ResumeOffer {
    let mut offer = ResumeOffer {
        kind: journal_kind.to_string(),
        operator: String::new(),
        started_at: entries.first().map(|e| e.at.clone()).unwrap_or_default(),
        stopped_at: None,
        sent: Vec::new(),
        journal: path.to_path_buf(),
    };
    let titles: HashMap<String, String> = journal::load_runbook(path)
        .map(|rb| rb.steps.into_iter().map(|s| (s.id, s.title)).collect())
        .unwrap_or_default();
    for e in entries {
        match &e.event {
            Event::RunStarted { operator, kind, .. } => {
                offer.operator = operator.clone();
                if journal_kind != "drill" {
                    offer.kind = kind.clone();
                }
            }
            Event::StepStarted { step } => {
                offer.stopped_at =
                    Some((step.clone(), titles.get(step).cloned().unwrap_or_default()));
            }
            Event::RequestSent {
                step, method, path, ..
            } => offer.sent.push(format!("{method} {path} ({step})")),
            _ => {}
        }
    }
    offer
}

/// Finishes every unfinished journal of this kind as "aborted" and writes its report.
pub(super) fn close_crashed(ctx: &RunContext, journal_kind: &str) -> Vec<(PathBuf, PathBuf)> {
    let mut closed = Vec::new();
    while let Some((path, entries)) =
        journal::find_unfinished(&ctx.journal_dir, &ctx.cfg.deployment.name, journal_kind)
    {
        match close_journal(ctx, &path, &entries) {
            Some(report) => closed.push((path, report)),
            None if journal::find_unfinished(
                &ctx.journal_dir,
                &ctx.cfg.deployment.name,
                journal_kind,
            )
            .is_some_and(|(p, _)| p == path) =>
            {
                break;
            }
            None => {}
        }
    }
    closed
}

/// Closes one unfinished journal as "aborted" and writes its report (its path, when written).
pub(super) fn close_journal(
    ctx: &RunContext,
    path: &Path,
    entries: &[journal::Entry],
) -> Option<PathBuf> {
    let run_id = entries
        .first()
        .map(|e| e.run_id.clone())
        .unwrap_or_default();
    let at = entries.last().map(|e| e.at.clone()).unwrap_or_default();
    let mut j = Journal::reopen(path, &run_id).ok()?;
    // A drill's saved world has nothing left to resume.
    let _ = std::fs::remove_file(journal::saved_world_path(path));
    j.append(
        &at,
        Event::RunFinished {
            outcome: "aborted".into(),
        },
    )
    .ok()?;
    let rb = journal::load_runbook(path)?;
    let entries = journal::read(path).unwrap_or_default();
    report::write(&ctx.reports_dir, &rb, &entries, None, &ctx.cfg)
        .ok()
        .map(|(json, _)| json)
}

pub(super) fn priors_of(entries: &[journal::Entry]) -> HashMap<String, Prior> {
    let mut out = HashMap::new();
    for e in entries {
        match &e.event {
            Event::StepStarted { step } => {
                out.entry(step.clone()).or_insert(Prior::Started);
            }
            Event::RequestIntent { step, .. } => {
                out.insert(step.clone(), Prior::InDoubt);
            }
            Event::RequestSent { step, .. } => {
                out.insert(step.clone(), Prior::RequestSent);
            }
            Event::StepDone { step, .. } | Event::StepSkipped { step, .. } => {
                out.insert(step.clone(), Prior::Finished);
            }
            Event::GatePassed => {
                out.insert("verify.gate".into(), Prior::Finished);
            }
            _ => {}
        }
    }
    out
}

pub(super) fn priors_gate(p: &HashMap<String, Prior>) -> bool {
    p.get("verify.gate") == Some(&Prior::Finished)
}
