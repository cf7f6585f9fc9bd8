//! Running a runbook: live preconditions, confirmations, the ARM request, following it to the
//! end, verifying the result — every transition journaled. A resumed run re-checks a step whose
//! request was sent against live state and never sends it again. A read-only run is a dry run:
//! it has its own journal and report, and never touches a real run's.
//!
//! Here: `execute` and what a run is given and gives back. The executor (`Runner`) and its step
//! loop are in `runner`; `side` runs the side-by-side phases; `begin` takes a step up to its
//! request and sends it; `settle` follows it to its verified end; `doubt` judges a request
//! whose answer was lost; `arm` is the table of the ARM request each action sends; `live`
//! reads live state; `checks` evaluates pre- and postconditions; `resume` handles what an
//! interrupted run left; `states` folds a journal into per-step outcomes.

mod arm;
mod begin;
mod checks;
mod doubt;
mod live;
pub mod outage;
mod reserve;
mod resume;
mod runner;
mod scope;
mod settle;
mod side;
mod states;

pub use checks::{check_post, check_pre};
pub use states::{StepState, apply_step_state, step_states};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use super::journal::{self, Event, Journal};
use super::operator::{Operator, ResumeChoice};
use super::report;
use crate::azure::{ArmClient, ArmWriter};
use crate::config::{Config, RunbookKind};
use crate::health::Snapshot;
use crate::health::collect::Collector;
use crate::timefmt::rfc3339;
use live::{LiveReader, SharedReading, plan_reading};
use resume::{close_crashed, close_journal, dry_run_banner, priors_gate, priors_of, resume_offer};
use runner::{Runner, StepEnd};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Completed,
    Aborted,
    Failed,
}

impl Outcome {
    /// The report's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::Aborted => "aborted",
            Outcome::Failed => "failed",
        }
    }
}

/// Why a run could not start, or could not end with a report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    /// Azure (or the simulator) could not be read or reached.
    #[error("{0}")]
    Unreachable(String),
    /// Another run holds the deployment's lock: nothing was done.
    #[error("{0}")]
    LockHeld(String),
    /// A local file (journal, report) could not be written or read.
    #[error("{0}")]
    Io(String),
    /// The operator chose to leave an unfinished run as it is.
    #[error("{0}")]
    LeftUnfinished(String),
    /// There is nothing for this run to do (a failback of a deployment that serves from its
    /// primary): nothing was asked or sent.
    #[error("{0}")]
    NothingToDo(String),
}

/// Data the simulator knows that Azure does not expose (drills only): data actually lost.
pub type LossProbe = Arc<dyn Fn() -> Vec<(String, f64)> + Send + Sync>;

/// Everything a run needs.
pub struct RunContext {
    pub cfg: Config,
    pub reader: ArmClient,
    /// None in read-only mode: the runbook is walked as a dry run, every action refused.
    pub writer: Option<ArmWriter>,
    pub scenario: Option<String>,
    /// Declared start of the outage (a drill's scenario says it); default: the run's start.
    pub outage_started_at: Option<OffsetDateTime>,
    pub loss_probe: Option<LossProbe>,
    pub cancel: CancellationToken,
    pub journal_dir: PathBuf,
    pub reports_dir: PathBuf,
    /// How long to wait between checks of a postcondition.
    pub verify_interval: Duration,
    /// Told the path of a new run's journal as soon as it exists (a drill saves its simulated
    /// world beside it, so that the drill can be resumed).
    pub journal_opened: Option<JournalHook>,
}

/// See `RunContext::journal_opened`.
pub type JournalHook = std::sync::Arc<dyn Fn(&std::path::Path) + Send + Sync>;

/// The end of a run.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub outcome: Outcome,
    pub journal: PathBuf,
    pub report_json: PathBuf,
    pub report_markdown: PathBuf,
    /// Why it stopped early, if it did.
    pub message: Option<String>,
    /// Whether it ended because an answer was missing or the operator declined (exit 130).
    pub declined: bool,
    /// A dry run (read-only): its journal and report are its own.
    pub dry_run: bool,
    /// Why it stopped without an operator's decision, when it did.
    pub stopped: Option<Stopped>,
}

/// Why a run stopped on its own (`crate::exit::of_run` gives its exit code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// A request's answer was lost and live state cannot tell whether it took effect (exit 75).
    InDoubt,
    /// Live state could not be read, after retries (exit 69).
    Unreadable,
}

/// Where a dry run keeps its journal and report: beside the real ones, never among them.
pub fn dry_run_dir(dir: &Path) -> PathBuf {
    dir.join("dry-runs")
}

/// Runs (or resumes) a failover or failback. `journal_kind` names the journal family
/// ("failover", "failback" or "drill"). With `resume`, an unfinished run of that family is
/// offered to the operator (drills resume without asking: their saved world is already
/// restored); without it, unfinished runs are closed with an aborted report.
pub async fn execute(
    ctx: &RunContext,
    kind: RunbookKind,
    journal_kind: &str,
    operator: &dyn Operator,
    resume: bool,
) -> Result<RunResult, RunError> {
    let dry = ctx.writer.is_none();
    let (journal_dir, reports_dir) = if dry {
        (dry_run_dir(&ctx.journal_dir), dry_run_dir(&ctx.reports_dir))
    } else {
        (ctx.journal_dir.clone(), ctx.reports_dir.clone())
    };
    // The console's refreshes through this client (and its clones) yield to the run.
    let _priority = ctx.reader.run_priority();
    let collector = Collector::new(ctx.cfg.clone(), ctx.reader.clone());
    let deployment = ctx.cfg.deployment.name.clone();
    let mut unfinished = None;
    if dry {
        // A dry run never resumes, closes or appends to a real run's journal.
        let real = journal::find_unfinished(&ctx.journal_dir, &deployment, journal_kind);
        operator.announce(&dry_run_banner(journal_kind, real.as_ref()));
    } else if resume {
        if let Some((path, entries)) =
            journal::find_unfinished(&journal_dir, &deployment, journal_kind)
        {
            // A run still live in another process is neither resumed nor closed from here.
            if journal::in_use(&path) {
                return Err(RunError::LockHeld(journal::live_elsewhere(&path)));
            }
            let choice = if journal_kind == "drill" {
                ResumeChoice::Resume
            } else {
                operator
                    .resume_offer(&resume_offer(journal_kind, &path, &entries))
                    .await
            };
            match choice {
                ResumeChoice::Resume => {
                    operator.announce(&format!(
                        "resuming the unfinished {journal_kind} journaled in {}",
                        path.display()
                    ));
                    unfinished = Some((path, entries));
                }
                ResumeChoice::Abandon => {
                    if let Some(report) = close_journal(ctx, &path, &entries) {
                        operator.announce(&format!(
                            "the unfinished {journal_kind} journaled in {} was closed as aborted (report {}); a new {} starts",
                            path.display(),
                            report.display(),
                            kind.as_str()
                        ));
                    }
                }
                ResumeChoice::Quit => {
                    return Err(RunError::LeftUnfinished(format!(
                        "the unfinished {journal_kind} journaled in {} was left as it was; the next `azfailover {}` offers it again",
                        path.display(),
                        kind.as_str()
                    )));
                }
            }
        }
    } else {
        // Runs that are not resumed (new drills) close what a crash left behind: the journal
        // gets its end and a report, so no rehearsal goes unreported.
        for (path, report) in close_crashed(ctx, journal_kind) {
            operator.notify(&format!(
                "an earlier {journal_kind} stopped without finishing ({}): its report is {}",
                path.display(),
                report.display()
            ));
        }
    }
    let now = || rfc3339(ctx.reader.server_now());

    let (rb, journal, priors) = match unfinished {
        Some((path, entries)) => {
            let Some(run_id) = entries.iter().find_map(|e| match &e.event {
                Event::RunStarted { .. } => Some(e.run_id.clone()),
                _ => None,
            }) else {
                return Err(RunError::Io(format!(
                    "{}: the journal has no start entry",
                    path.display()
                )));
            };
            let rb = journal::load_runbook(&path).ok_or_else(|| {
                RunError::Io(format!(
                    "{}: the journal's runbook could not be read",
                    path.display()
                ))
            })?;
            // The journal is this process's before the lock is: of two processes resuming
            // the same run, one goes on and the other stops here, having done nothing.
            let mut j = Journal::reopen(&path, &run_id).map_err(|e| {
                if e.kind() == std::io::ErrorKind::WouldBlock {
                    RunError::LockHeld(e.to_string())
                } else {
                    RunError::Io(format!("cannot reopen the journal {}: {e}", path.display()))
                }
            })?;
            if let Some(w) = &ctx.writer {
                super::lock::acquire(
                    w,
                    &ctx.cfg,
                    &operator.name(),
                    &run_id,
                    settle(ctx),
                    &journal_dir,
                    &|line| operator.warn(line),
                )
                .await
                .map_err(lock_error)?;
            }
            let resumed = j
                .append(
                    &now(),
                    Event::RunResumed {
                        operator: operator.name(),
                    },
                )
                .map_err(|e| RunError::Io(format!("cannot write {}: {e}", path.display())))?;
            let priors = priors_of(&entries);
            let mut so_far = entries;
            so_far.push(resumed);
            operator.started(&rb, &so_far);
            (rb, j, priors)
        }
        None => {
            let (obs, snap) = plan_reading(&collector, &ctx.cfg, ctx.verify_interval)
                .await
                .map_err(RunError::Unreachable)?;
            if let Some(why) = nothing_to_do(&snap, kind) {
                return Err(RunError::NothingToDo(why));
            }
            let rb = super::plan(&ctx.cfg, &obs, &snap, kind);
            let run_id = format!(
                "{}-{:04x}",
                ctx.reader.server_now().unix_timestamp(),
                fastrand::u16(..)
            );
            let mut j =
                Journal::create(&journal_dir, &deployment, journal_kind, &run_id).map_err(|e| {
                    RunError::Io(format!(
                        "cannot create the journal in {}: {e}",
                        journal_dir.display()
                    ))
                })?;
            // The runbook is on disk before the run is journaled as started: a resumed run
            // executes exactly it, so a run that could not keep it never starts.
            if let Err(e) = journal::write_runbook(j.path(), &rb) {
                let path = j.path().to_path_buf();
                drop(j);
                discard_journal(&path);
                return Err(RunError::Io(format!(
                    "cannot keep the runbook beside the journal {} ({e}): nothing was sent; make room, then run again",
                    path.display()
                )));
            }
            if let Some(hook) = &ctx.journal_opened {
                hook(j.path());
            }
            let findings: Vec<String> = snap
                .components
                .iter()
                .filter(|c| !c.ready)
                .map(|c| format!("{}: {}", c.name, c.ha_status))
                .collect();
            let (started, counted_from) =
                outage::outage_start(&snap, rb.from_region.as_str(), ctx.outage_started_at);
            let first = j
                .append(
                    &now(),
                    Event::RunStarted {
                        deployment: deployment.clone(),
                        kind: kind.as_str().into(),
                        from_region: rb.from_region.to_string(),
                        to_region: rb.to_region.to_string(),
                        forced: rb.forced,
                        operator: operator.name(),
                        scenario: ctx.scenario.clone(),
                        outage_started_at: rfc3339(started),
                        outage_start_source: Some(counted_from.key().to_string()),
                        rto_target_seconds: u64::from(ctx.cfg.deployment.rto_minutes) * 60,
                        rpo_target_seconds: u64::from(ctx.cfg.deployment.rpo_minutes) * 60,
                        steps: rb.steps.iter().map(|s| s.id.clone()).collect(),
                        findings,
                    },
                )
                .map_err(|e| RunError::Io(format!("cannot write {}: {e}", j.path().display())))?;
            // The journal exists before the lock: a crash from here on leaves a run the next
            // one resumes (with this lock), never a lock that names a run nobody can find.
            if let Some(w) = &ctx.writer
                && let Err(e) = super::lock::acquire(
                    w,
                    &ctx.cfg,
                    &operator.name(),
                    &run_id,
                    settle(ctx),
                    &journal_dir,
                    &|line| operator.warn(line),
                )
                .await
            {
                super::lock::release(w, &ctx.cfg, &run_id).await;
                let path = j.path().to_path_buf();
                drop(j);
                discard_journal(&path);
                return Err(lock_error(e));
            }
            operator.started(&rb, &[first]);
            (rb, j, HashMap::new())
        }
    };

    let live = LiveReader {
        full: &collector,
        cfg: &ctx.cfg,
        client: &ctx.reader,
    };
    let runner = Runner {
        ctx,
        reading: SharedReading::new(live, ctx.verify_interval / 2),
        live,
        journal: Mutex::new(journal),
        operator,
        gate_passed: AtomicBool::new(priors_gate(&priors)),
        priors,
    };
    let mut outcome = Outcome::Completed;
    let mut message = None;
    let mut declined = false;
    let mut stopped = None;
    let mut journal_lost = None;
    let mut next = 0;
    while let Some(step) = rb.steps.get(next) {
        if ctx.cancel.is_cancelled() {
            outcome = Outcome::Aborted;
            message = Some("cancelled".into());
            break;
        }
        // Consecutive steps of the side-by-side phases (data, compute) run together.
        let group = if step.parallel_group.is_some() {
            rb.steps[next..]
                .iter()
                .take_while(|s| s.parallel_group.is_some())
                .count()
        } else {
            1
        };
        let end = if group > 1 {
            runner.side_by_side(&rb.steps[next..next + group]).await
        } else {
            runner.step(step).await
        };
        next += group;
        match end {
            StepEnd::Done | StepEnd::Skipped => {}
            StepEnd::Aborted(why, was_declined) => {
                outcome = Outcome::Aborted;
                message = Some(why);
                declined = was_declined;
                break;
            }
            StepEnd::Failed(why) => {
                outcome = Outcome::Failed;
                message = Some(why);
                break;
            }
            StepEnd::Stopped(kind, why) => {
                outcome = Outcome::Failed;
                message = Some(format!(
                    "{why} (the run's journal is left open: `azfailover {}` resumes it there, with what it sent)",
                    journal_kind
                ));
                stopped = Some(kind);
                break;
            }
            StepEnd::JournalLost(why) => {
                journal_lost = Some(why);
                break;
            }
        }
        if let Some(why) = runner.journal_broken() {
            journal_lost = Some(why);
            break;
        }
    }
    if let Some(why) = journal_lost.or_else(|| runner.journal_broken()) {
        // Nothing more is sent — not even the lock's release: the run is resumed from its
        // journal (which keeps every whole entry) once the disk has room again.
        let path = runner
            .journal
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .path()
            .to_path_buf();
        return Err(RunError::Io(format!(
            "the journal {} cannot be written ({why}): the run stopped before sending anything else; make room, then run `azfailover {}` again to resume it",
            path.display(),
            kind.as_str()
        )));
    }
    // A run stopped because live state could not tell what a request did stays open: the
    // next run resumes it and judges that step again from what it sent, never planning it
    // afresh (which would send a one-shot request again on a guess). Its report is written
    // as of now.
    if stopped.is_none() {
        runner.log(Event::RunFinished {
            outcome: outcome.as_str().into(),
        });
    }
    let journal = runner
        .journal
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(w) = &ctx.writer {
        super::lock::release(w, &ctx.cfg, journal.run_id()).await;
    }
    let path = journal.path().to_path_buf();
    let mut entries = journal::read(&path)
        .map_err(|e| RunError::Io(format!("cannot read {}: {e}", path.display())))?;
    if stopped.is_some() {
        // The report says how it stopped; the journal stays open to be resumed.
        entries.push(journal::Entry {
            run_id: journal.run_id().to_string(),
            at: now(),
            wall_at: None,
            event: Event::RunFinished {
                outcome: outcome.as_str().into(),
            },
        });
    }
    let losses = ctx.loss_probe.as_ref().map(|p| p());
    let (json_path, md_path) =
        report::write(&reports_dir, &rb, &entries, losses.as_deref(), &ctx.cfg).map_err(|e| {
            RunError::Io(format!(
                "cannot write the report in {}: {e}",
                reports_dir.display()
            ))
        })?;
    Ok(RunResult {
        outcome,
        journal: path,
        report_json: json_path,
        report_markdown: md_path,
        message,
        declined,
        dry_run: dry,
        stopped,
    })
}

/// Why a run of `kind` has nothing to move now, if so: "contoso-ml serves from eastus, its
/// primary: there is nothing to fail back".
pub fn nothing_to_do(snap: &Snapshot, kind: RunbookKind) -> Option<String> {
    let b = crate::health::verdict::nothing_left(snap, kind)?;
    let hint = match kind {
        RunbookKind::Failback => "a failback is for a deployment that serves from its secondary",
        RunbookKind::Failover => {
            "a failover is for a deployment that still serves from its primary (`azfailover plan failback` shows the way back)"
        }
    };
    Some(format!("{}: {} ({hint})", snap.deployment, b.reason))
}

/// A lock that could not be taken: held by another run, or unreadable.
fn lock_error(e: super::lock::LockError) -> RunError {
    match e {
        super::lock::LockError::Held(e) => RunError::LockHeld(e),
        super::lock::LockError::Unavailable(e) => RunError::Unreachable(e),
    }
}

/// Removes a journal that never ran (its lock could not be taken): nothing is left to resume.
fn discard_journal(path: &Path) {
    let _ = std::fs::remove_file(path.with_extension("runbook.json"));
    let _ = std::fs::remove_file(journal::saved_world_path(path));
    let _ = std::fs::remove_file(path);
}

/// How long to wait before reading a just-written lock back.
fn settle(ctx: &RunContext) -> Duration {
    ctx.verify_interval.min(Duration::from_secs(2))
}
