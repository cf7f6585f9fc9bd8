//! Running a runbook: live preconditions, confirmations, the ARM request, following it to the
//! end, verifying the result — every transition journaled. A resumed run re-checks a step whose
//! request was sent against live state and never sends it again. A read-only run is a dry run:
//! it has its own journal and report, and never touches a real run's.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use futures_util::stream::FuturesUnordered;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use super::journal::{self, Event, Journal};
use super::model::*;
use super::operator::{Decision, Operator, Question, ResumeChoice, ResumeOffer, StepUpdate};
use super::report;
use crate::azure::models::*;
use crate::azure::{ArmClient, ArmWriter, AzureError, ErrorKind, Submitted};
use crate::config::{ComponentKind, Config, RunbookKind, Targets};
use crate::health::collect::{Collector, Observations, Reading};
use crate::health::{RegionHealth, Snapshot};
use crate::timefmt::{human, rfc3339};

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

/// What the journal says about each step of an interrupted run.
#[derive(Debug, Clone, PartialEq)]
enum Prior {
    Finished,
    RequestSent,
    /// Its intent was journaled, but no answer: it may or may not have taken effect.
    InDoubt,
    Started,
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
            if let Some(w) = &ctx.writer {
                super::lock::acquire(
                    w,
                    &ctx.cfg,
                    &operator.name(),
                    &run_id,
                    settle(ctx),
                    &journal_dir,
                )
                .await
                .map_err(lock_error)?;
            }
            let mut j = Journal::reopen(&path, &run_id).map_err(|e| {
                RunError::Io(format!("cannot reopen the journal {}: {e}", path.display()))
            })?;
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
            if let Some(hook) = &ctx.journal_opened {
                hook(j.path());
            }
            let findings: Vec<String> = snap
                .components
                .iter()
                .filter(|c| !c.ready)
                .map(|c| format!("{}: {}", c.name, c.ha_status))
                .collect();
            let started = ctx.outage_started_at.unwrap_or(snap.taken_at);
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
                        rto_target_seconds: u64::from(ctx.cfg.deployment.rto_minutes) * 60,
                        rpo_target_seconds: u64::from(ctx.cfg.deployment.rpo_minutes) * 60,
                        steps: rb.steps.iter().map(|s| s.id.clone()).collect(),
                        findings,
                    },
                )
                .map_err(|e| RunError::Io(format!("cannot write {}: {e}", j.path().display())))?;
            journal::write_runbook(j.path(), &rb);
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

    let runner = Runner {
        ctx,
        reading: SharedReading::new(&collector, ctx.verify_interval / 2),
        collector: &collector,
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
                message = Some(why);
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
    runner.log(Event::RunFinished {
        outcome: outcome.as_str().into(),
    });
    let journal = runner
        .journal
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(w) = &ctx.writer {
        super::lock::release(w, &ctx.cfg, journal.run_id()).await;
    }
    let path = journal.path().to_path_buf();
    let entries = journal::read(&path)
        .map_err(|e| RunError::Io(format!("cannot read {}: {e}", path.display())))?;
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

/// The reading a runbook is planned from: what a transient error kept from one pass is read
/// again (a few passes, with backoff) and merged in, so that a flaky read never turns a step
/// into "do it by hand". Resources in a region that is down or not responding are not waited
/// for: their silence is the outage.
async fn plan_reading(
    collector: &Collector,
    cfg: &Config,
    interval: Duration,
) -> Result<(Observations, Snapshot), String> {
    let (mut obs, mut snap) = collector.collect_full().await?;
    for attempt in 1..6u32 {
        let ids: Vec<String> = cfg
            .components
            .iter()
            .flat_map(|c| live_ids(cfg, c, &snap))
            .collect();
        let health_flaky = matches!(&obs.availability, Err(e) if e.transient)
            || matches!(&obs.events, Err(e) if e.transient);
        if transient_error(&obs, &ids).is_none() && !health_flaky {
            break;
        }
        let pause = interval.min(Duration::from_secs(1)) * (1 << attempt.min(3));
        tokio::time::sleep(pause.mul_f64(0.5 + fastrand::f64() * 0.5)).await;
        let Ok((more, _)) = collector.collect_full().await else {
            continue;
        };
        for (k, v) in more.reads {
            let keep_old = obs.reads.get(&k).is_some_and(|old| old.is_ok());
            if !keep_old {
                obs.reads.insert(k, v);
            }
        }
        if obs.availability.is_err() && more.availability.is_ok() {
            obs.availability = more.availability;
        }
        if obs.events.is_err() && more.events.is_ok() {
            obs.events = more.events;
        }
        obs.now = more.now;
        snap = crate::health::derive::snapshot(cfg, &obs, &mut BTreeMap::new());
    }
    Ok((obs, snap))
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

/// What a dry run says first: that nothing is sent, and which real run it leaves untouched.
fn dry_run_banner(journal_kind: &str, real: Option<&(PathBuf, Vec<journal::Entry>)>) -> String {
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
fn resume_offer(journal_kind: &str, path: &Path, entries: &[journal::Entry]) -> ResumeOffer {
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
fn close_crashed(ctx: &RunContext, journal_kind: &str) -> Vec<(PathBuf, PathBuf)> {
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
fn close_journal(ctx: &RunContext, path: &Path, entries: &[journal::Entry]) -> Option<PathBuf> {
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

/// How long to wait before reading a just-written lock back.
fn settle(ctx: &RunContext) -> Duration {
    ctx.verify_interval.min(Duration::from_secs(2))
}

fn priors_of(entries: &[journal::Entry]) -> HashMap<String, Prior> {
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

fn priors_gate(p: &HashMap<String, Prior>) -> bool {
    p.get("verify.gate") == Some(&Prior::Finished)
}

enum StepEnd {
    Done,
    Skipped,
    Aborted(String, bool),
    Failed(String),
    /// Stopped on its own: a request in doubt, or live state unreadable.
    Stopped(Stopped, String),
    /// The journal cannot be written: nothing more may be sent.
    JournalLost(String),
}

/// The executor of one run. Shared (`&self`) so that operations followed side by side journal
/// their progress while the next step's question is open.
struct Runner<'a> {
    ctx: &'a RunContext,
    collector: &'a Collector,
    reading: SharedReading<'a>,
    journal: Mutex<Journal>,
    operator: &'a dyn Operator,
    gate_passed: AtomicBool,
    priors: HashMap<String, Prior>,
}

/// A followed step's end: the step, its result, and whether its request left before a resume.
type Followed<'s> = (&'s Step, Result<(), NotSettled>, bool);

impl<'a> Runner<'a> {
    /// Journals an event and shows it to the operator. A write that fails is logged (the
    /// write-ahead rule that stops the run on it is the journal's own).
    fn log(&self, event: Event) {
        let at = rfc3339(self.ctx.reader.server_now());
        let written = self
            .journal
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .append(&at, event);
        match written {
            Ok(entry) => self.operator.journaled(&entry),
            Err(e) => tracing::error!("journal write failed: {e}"),
        }
    }

    /// Journals an event that must be on disk before the run goes on (a request's intent).
    fn log_required(&self, event: Event) -> Result<(), String> {
        let at = rfc3339(self.ctx.reader.server_now());
        let written = self
            .journal
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .append(&at, event);
        match written {
            Ok(entry) => {
                self.operator.journaled(&entry);
                Ok(())
            }
            Err(e) => Err(e.to_string()),
        }
    }

    /// Why the journal cannot be written any more, once a write failed.
    fn journal_broken(&self) -> Option<String> {
        self.journal
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .broken()
            .map(str::to_string)
    }

    fn gate(&self) -> bool {
        self.gate_passed.load(Ordering::SeqCst)
    }

    fn pass_gate(&self) {
        self.gate_passed.store(true, Ordering::SeqCst);
        self.log(Event::GatePassed);
    }

    async fn observe(&self) -> Result<(Observations, Snapshot), String> {
        self.collector.collect_full().await
    }

    /// Runs one step to its end.
    async fn step(&self, step: &Step) -> StepEnd {
        self.step_from(step, self.priors.get(&step.id)).await
    }

    async fn step_from(&self, step: &Step, prior: Option<&Prior>) -> StepEnd {
        match self.begin(step, prior, false).await {
            Begun::End(end) => end,
            // Not deferred: `begin` settles what it sends.
            Begun::Sent(sent) => match self.follow(step, sent, step.timeout).await {
                Ok(()) => StepEnd::Done,
                Err(e) => StepEnd::Failed(format!("{}: {e}", step.id)),
            },
        }
    }

    /// Runs the steps of the side-by-side phases (data, then compute) together: each is
    /// checked, confirmed and sent in turn — one question at a time — while the operations
    /// already sent are followed, so the compute phase starts while the data operations are in
    /// flight. A step that must wait for another (`after`: an AKS pool scale after its
    /// cluster's start) is begun once that one is verified. Each step is journaled done the
    /// moment its own result is verified; a failure is handled once the others have settled
    /// (retry, skip or stop, as for a single step); an abort stops at once.
    async fn side_by_side<'s>(&'s self, steps: &'s [Step]) -> StepEnd {
        let ids: HashSet<&str> = steps.iter().map(|s| s.id.as_str()).collect();
        let mut queue: VecDeque<&'s Step> = steps.iter().collect();
        let mut deferred: Vec<&'s Step> = Vec::new();
        let mut following: FuturesUnordered<LocalBoxFuture<'s, Followed<'s>>> =
            FuturesUnordered::new();
        let mut in_flight: Vec<&'s Step> = Vec::new();
        let mut verified: HashSet<String> = self
            .priors
            .iter()
            .filter(|(_, p)| **p == Prior::Finished)
            .map(|(id, _)| id.clone())
            .collect();
        let mut failures: Vec<(&'s Step, NotSettled, bool)> = Vec::new();
        let mut failed_ids: HashSet<String> = HashSet::new();
        let mut end = StepEnd::Done;
        let record = |f: Followed<'s>,
                      in_flight: &mut Vec<&'s Step>,
                      verified: &mut HashSet<String>,
                      failures: &mut Vec<(&'s Step, NotSettled, bool)>,
                      failed_ids: &mut HashSet<String>| {
            let (step, result, recheck) = f;
            in_flight.retain(|s| s.id != step.id);
            match result {
                Ok(()) => {
                    verified.insert(step.id.clone());
                }
                Err(e) => {
                    failed_ids.insert(step.id.clone());
                    failures.push((step, e, recheck));
                }
            }
        };
        loop {
            if self.ctx.cancel.is_cancelled() {
                end = StepEnd::Aborted("cancelled".into(), false);
                break;
            }
            // The next step that may begin: a deferred one whose dependency is verified, else
            // the next in order (deferred if its dependency is not verified yet).
            let mut next = deferred
                .iter()
                .position(|s| s.after.as_ref().is_some_and(|a| verified.contains(a)))
                .map(|i| deferred.remove(i));
            while next.is_none() {
                let Some(s) = queue.pop_front() else { break };
                match &s.after {
                    Some(a) if ids.contains(a.as_str()) && !verified.contains(a) => {
                        deferred.push(s)
                    }
                    _ => next = Some(s),
                }
            }
            let Some(step) = next else {
                if following.is_empty() {
                    break;
                }
                if let Some(f) = following.next().await {
                    record(
                        f,
                        &mut in_flight,
                        &mut verified,
                        &mut failures,
                        &mut failed_ids,
                    );
                }
                // Steps whose dependency failed wait for the failure handling below.
                if following.is_empty()
                    && queue.is_empty()
                    && deferred.iter().all(|s| {
                        s.after
                            .as_ref()
                            .is_some_and(|a| failed_ids.contains(a) || !verified.contains(a))
                    })
                {
                    break;
                }
                continue;
            };
            let prior = self.priors.get(&step.id);
            let begun = {
                let begin = self.begin(step, prior, true);
                tokio::pin!(begin);
                loop {
                    tokio::select! {
                        biased;
                        b = &mut begin => break b,
                        Some(f) = following.next(), if !following.is_empty() => record(
                            f, &mut in_flight, &mut verified, &mut failures, &mut failed_ids,
                        ),
                    }
                }
            };
            match begun {
                Begun::Sent(sent) => {
                    let recheck = matches!(sent, Sent::BeforeResume);
                    if !in_flight.is_empty() {
                        let others: Vec<&str> = in_flight.iter().map(|s| s.id.as_str()).collect();
                        self.operator.notify(&format!(
                            "{} runs side by side with {}",
                            step.id,
                            others.join(", ")
                        ));
                    }
                    in_flight.push(step);
                    // A step's time runs from here: the other steps' questions do not count.
                    let sent = match sent {
                        Sent::Running(lro, _) => Sent::Running(lro, Instant::now()),
                        other => other,
                    };
                    following.push(Box::pin(async move {
                        let result = self.settle(step, sent, step.timeout).await;
                        (step, result, recheck)
                    }));
                }
                Begun::End(StepEnd::Done | StepEnd::Skipped) => {
                    verified.insert(step.id.clone());
                }
                Begun::End(stop) => {
                    end = stop;
                    break;
                }
            }
        }
        if !matches!(end, StepEnd::Done) {
            // The run stops here: what was sent goes on in Azure, the run does not wait for it.
            drop(following);
            for step in in_flight {
                self.log(Event::StepFailed {
                    step: step.id.clone(),
                    error: "stopped while its operation was running in Azure (it goes on there): check its result in live state".into(),
                });
            }
            return end;
        }
        for (step, failure, recheck) in failures {
            if self.ctx.cancel.is_cancelled() && matches!(end, StepEnd::Done) {
                end = StepEnd::Aborted("cancelled".into(), false);
            }
            let err = failure.msg;
            if !failure.definite && !recheck && matches!(end, StepEnd::Done) {
                // Accepted, but its outcome does not show: in doubt, never re-sent on a guess.
                match self.resolve_doubt(step, &err).await {
                    Doubt::Done => {}
                    Doubt::Follow => {
                        if let Err(e) = self.follow(step, Sent::Answered, step.timeout).await {
                            self.log(Event::StepFailed {
                                step: step.id.clone(),
                                error: e.clone(),
                            });
                            end = StepEnd::Failed(format!("{}: {e}", step.id));
                        }
                    }
                    Doubt::Resend => match self.step_from(step, Some(&Prior::Started)).await {
                        StepEnd::Done | StepEnd::Skipped => {}
                        stop => end = stop,
                    },
                    Doubt::End(StepEnd::Done | StepEnd::Skipped) => {}
                    Doubt::End(stop) => end = stop,
                }
                continue;
            }
            if recheck {
                // Sent before the interruption: never sent again, whatever the answer.
                let msg = format!(
                    "the request was sent before the interruption and the result does not show: {err}; it is not sent again — check by hand"
                );
                self.log(Event::StepFailed {
                    step: step.id.clone(),
                    error: msg.clone(),
                });
                if matches!(end, StepEnd::Done) {
                    end = StepEnd::Failed(msg);
                }
                continue;
            }
            // Once the run is stopping (an earlier failure), failures are recorded without a
            // question.
            let ask = matches!(end, StepEnd::Done);
            match self.on_failure(step, err, ask).await {
                Some(StepEnd::Done | StepEnd::Skipped) => {}
                Some(stop) => {
                    if ask {
                        end = stop;
                    }
                }
                None => match self.step_from(step, Some(&Prior::Started)).await {
                    StepEnd::Done | StepEnd::Skipped => {}
                    stop => end = stop,
                },
            }
        }
        // Steps that waited for a step that failed: one by one, now that it was handled.
        for step in deferred {
            if !matches!(end, StepEnd::Done) {
                break;
            }
            match self.step(step).await {
                StepEnd::Done | StepEnd::Skipped => {}
                stop => end = stop,
            }
        }
        end
    }

    /// A step up to its request: resume checks, preconditions, confirmation, then the action.
    /// With `defer`, an accepted request is returned to be followed later (`Begun::Sent`);
    /// everything else ends the step here.
    async fn begin(&self, step: &Step, prior: Option<&Prior>, defer: bool) -> Begun {
        if let Some(why) = self.journal_broken() {
            return Begun::End(StepEnd::JournalLost(why));
        }
        let mut prior = prior;
        match prior {
            Some(Prior::Finished) => return Begun::End(StepEnd::Done),
            Some(Prior::InDoubt) => {
                // Its intent was journaled, its answer never: judged by its effect.
                self.operator.notify(&format!(
                    "{}: the request was about to be sent or sent when the run stopped: judging from live state",
                    step.id
                ));
                match self
                    .resolve_doubt(step, "the run stopped before its answer was journaled")
                    .await
                {
                    Doubt::Done => return Begun::End(StepEnd::Done),
                    Doubt::Follow if defer => return Begun::Sent(Sent::Answered),
                    Doubt::Follow => {
                        return Begun::End(
                            match self.follow(step, Sent::Answered, step.timeout).await {
                                Ok(()) => StepEnd::Done,
                                Err(e) => {
                                    self.log(Event::StepFailed {
                                        step: step.id.clone(),
                                        error: e.clone(),
                                    });
                                    StepEnd::Failed(format!("{}: {e}", step.id))
                                }
                            },
                        );
                    }
                    // Not applied: the step goes through its checks and confirmation again.
                    Doubt::Resend => prior = Some(&Prior::Started),
                    Doubt::End(end) => return Begun::End(end),
                }
            }
            Some(Prior::RequestSent) => {
                // The request left before the crash: learn from live state what happened.
                self.operator.notify(&format!(
                    "{}: re-checking live state (the request was sent before the interruption)",
                    step.id
                ));
                if defer {
                    return Begun::Sent(Sent::BeforeResume);
                }
                return Begun::End(
                    match self.follow(step, Sent::BeforeResume, step.timeout).await {
                        Ok(()) => StepEnd::Done,
                        Err(e) => {
                            let msg = format!(
                                "the request was sent before the interruption and the result does not show: {e}; it is not sent again — check by hand"
                            );
                            self.log(Event::StepFailed {
                                step: step.id.clone(),
                                error: msg.clone(),
                            });
                            StepEnd::Failed(msg)
                        }
                    },
                );
            }
            _ => {}
        }
        if prior.is_none() {
            self.log(Event::StepStarted {
                step: step.id.clone(),
            });
        }
        self.operator
            .notify(&format!("{}: {}", step.id, step.title));
        let read_only = self.ctx.writer.is_none();
        // A verify step with a confirmation (the gate) is checked before it asks.
        let gate_like =
            step.kind == StepKind::Verify && step.confirm != Confirm::None && !read_only;
        let mut overridden = false;
        loop {
            // Preconditions, live; then the gate's own condition.
            let mut blocked = self.preconditions(step).await;
            if blocked.is_ok()
                && gate_like
                && !overridden
                && let Some(post) = &step.postcondition
            {
                blocked = self.check_post_now(post).await;
            }
            let blocked = match blocked {
                Err(PreFail::Unreadable(why)) if !read_only => {
                    match self
                        .operator
                        .decide(step, &Question::Unreadable(why.clone()))
                        .await
                    {
                        Decision::Confirm => continue,
                        Decision::Skip(reason) => return Begun::End(self.skip(step, reason)),
                        Decision::Stop => {
                            let msg = format!(
                                "{}: live state could not be read ({why}); nothing was decided or sent for it",
                                step.id
                            );
                            self.log(Event::StepNotRun {
                                step: step.id.clone(),
                                reason: msg.clone(),
                                by: None,
                            });
                            return Begun::End(StepEnd::Stopped(Stopped::Unreadable, msg));
                        }
                        _ => {
                            return Begun::End(self.abort(
                                step,
                                format!("live state could not be read: {why}"),
                                true,
                            ));
                        }
                    }
                }
                Err(PreFail::Unreadable(why) | PreFail::Blocked(why)) => Err(why),
                Ok(()) => Ok(()),
            };
            match blocked {
                Ok(()) => {}
                Err(why) if read_only => {
                    // A dry run notes what would block, and goes on.
                    self.log(Event::PreconditionFailed {
                        step: step.id.clone(),
                        reason: why.clone(),
                    });
                    self.operator
                        .notify(&format!("{}: would be blocked: {why}", step.id));
                }
                Err(why) => {
                    self.log(Event::PreconditionFailed {
                        step: step.id.clone(),
                        reason: why.clone(),
                    });
                    match self
                        .operator
                        .decide(step, &Question::Blocked(why.clone()))
                        .await
                    {
                        Decision::Override(reason) if !reason.is_empty() => {
                            let by = self.operator.name();
                            self.log(Event::PreconditionOverridden {
                                step: step.id.clone(),
                                reason,
                                by,
                            });
                            overridden = true;
                        }
                        Decision::Skip(reason) => return Begun::End(self.skip(step, reason)),
                        Decision::Override(_) => {
                            return Begun::End(self.abort(
                                step,
                                "an override needs a written reason".into(),
                                true,
                            ));
                        }
                        _ => return Begun::End(self.abort(step, format!("blocked: {why}"), true)),
                    }
                }
            }
            if let Err(end) = self.confirm(step).await {
                return Begun::End(end);
            }
            let result = match step.kind {
                StepKind::Manual => Ok(()),
                StepKind::Verify if read_only && step.postcondition.is_some() => {
                    return Begun::End(self.skip(
                        step,
                        "read-only walk: nothing was changed, so there is nothing to verify".into(),
                    ));
                }
                // The gate, overridden: the operator took responsibility for its condition.
                StepKind::Verify if gate_like && overridden => Ok(()),
                StepKind::Verify if gate_like => match &step.postcondition {
                    // Confirmed: it still holds (or it changed meanwhile: asked again).
                    Some(post) => match self.check_post_now(post).await {
                        Ok(()) => Ok(()),
                        Err(_) => continue,
                    },
                    None => Ok(()),
                },
                StepKind::Verify => match self.wait_for(step).await {
                    Waited::Held => Ok(()),
                    Waited::Stopped(end) => return Begun::End(end),
                    Waited::TimedOut(e) => Err(ActError::Failed(e)),
                },
                StepKind::Action => match self.start(step).await {
                    Ok(Some(sent)) if defer => return Begun::Sent(sent),
                    Ok(Some(sent)) => match self.settle(step, sent, step.timeout).await {
                        Ok(()) => Ok(()),
                        Err(e) if e.definite => Err(ActError::Failed(e.msg)),
                        // Accepted, but its outcome does not show: in doubt, never re-sent
                        // on a guess.
                        Err(e) => match self.resolve_doubt(step, &e.msg).await {
                            Doubt::Done => return Begun::End(StepEnd::Done),
                            Doubt::Follow => {
                                match self.follow(step, Sent::Answered, step.timeout).await {
                                    Ok(()) => return Begun::End(StepEnd::Done),
                                    Err(e) => Err(ActError::Failed(e)),
                                }
                            }
                            Doubt::Resend => continue,
                            Doubt::End(end) => return Begun::End(end),
                        },
                    },
                    Ok(None) => Ok(()),
                    Err(e) => Err(e),
                },
            };
            match result {
                Ok(()) => {
                    if step.id == "verify.gate" {
                        self.pass_gate();
                    }
                    if step.kind != StepKind::Action || step.action.is_none() {
                        self.log(Event::StepDone {
                            step: step.id.clone(),
                            note: if overridden {
                                Some("precondition overridden".into())
                            } else if step.kind == StepKind::Verify {
                                Some("verified".into())
                            } else {
                                None
                            },
                        });
                    }
                    return Begun::End(StepEnd::Done);
                }
                Err(ActError::ReadOnly(cmd)) => {
                    return Begun::End(self.skip(
                        step,
                        format!("read-only mode: nothing was sent (would run: {cmd})"),
                    ));
                }
                Err(ActError::Journal(why)) => return Begun::End(StepEnd::JournalLost(why)),
                Err(ActError::End(end)) => return Begun::End(end),
                Err(ActError::Failed(err)) => match self.on_failure(step, err, true).await {
                    Some(end) => return Begun::End(end),
                    None => continue, // retry
                },
            }
        }
    }

    /// Asks for the step's confirmation (when it needs one) and journals who gave it. While a
    /// data-losing confirmation is open, its loss is re-read every second and shown.
    async fn confirm(&self, step: &Step) -> Result<(), StepEnd> {
        if step.confirm == Confirm::None && step.kind != StepKind::Manual {
            return Ok(());
        }
        let decision = match (&step.data_loss, &step.action) {
            (Some(_), Some(Action::StorageFailover { id, planned: false })) => {
                tokio::select! {
                    d = self.operator.decide(step, &Question::Confirm) => d,
                    () = self.watch_loss(step, id) => Decision::Abort,
                }
            }
            _ => self.operator.decide(step, &Question::Confirm).await,
        };
        match decision {
            Decision::Confirm if !matches!(step.confirm, Confirm::Typed(_)) => {}
            Decision::Typed(t) if matches!(&step.confirm, Confirm::Typed(want) if *want == t) => {}
            Decision::Confirm if matches!(step.confirm, Confirm::Typed(_)) => {
                // Only a drill's `default = "confirm"` answers a typed step without its text.
                if self.ctx.scenario.is_none() {
                    return Err(self.abort(step, "a typed step needs its exact text".into(), true));
                }
            }
            Decision::Typed(t) => {
                return Err(self.abort(
                    step,
                    format!("typed '{t}' does not match the required text"),
                    true,
                ));
            }
            Decision::Skip(reason) => return Err(self.skip(step, reason)),
            Decision::Abort => return Err(self.abort(step, "the operator aborted".into(), true)),
            _ => return Err(self.abort(step, "no usable answer".into(), true)),
        }
        let by = self.operator.name();
        self.log(Event::Confirmed {
            step: step.id.clone(),
            by,
            typed: matches!(step.confirm, Confirm::Typed(_)),
        });
        Ok(())
    }

    /// Re-reads what an unplanned storage failover would lose now, every second, and shows it
    /// (never returns).
    async fn watch_loss(&self, step: &Step, id: &str) {
        let name = id.rsplit('/').next().unwrap_or(id).to_string();
        let mut last: Option<OffsetDateTime> = None;
        loop {
            if let Ok(sa) = self.ctx.reader.storage_account(id).await
                && let Some(lst) = sa
                    .properties
                    .geo_replication_stats
                    .and_then(|g| g.last_sync_time)
            {
                let seconds = (self.ctx.reader.server_now() - lst)
                    .as_seconds_f64()
                    .max(0.0);
                // The last sync time stands still while the source is down: the loss grows.
                let rising = last.is_none_or(|l| l == lst);
                last = Some(lst);
                let text = format!(
                    "writes to {name} after {} UTC — {}{} — will be lost",
                    &rfc3339(lst)[11..19],
                    human(Duration::from_secs_f64(seconds)),
                    if rising { " and rising" } else { "" }
                );
                self.operator
                    .update(&step.id, StepUpdate::DataLoss { seconds, text });
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    /// A verify step waits for its postcondition: at once when it holds; else a `Waiting`
    /// question stays open (the reason, since when, and skip/abort) until it holds, the
    /// operator stops waiting, or the step's timeout passes.
    async fn wait_for(&self, step: &Step) -> Waited {
        let Some(post) = &step.postcondition else {
            return Waited::Held;
        };
        let first = match self.check_post_now(post).await {
            Ok(()) => return Waited::Held,
            Err(PreFail::Blocked(e) | PreFail::Unreadable(e)) => e,
        };
        let since = rfc3339(self.ctx.reader.server_now());
        let question = Question::Waiting {
            reason: first.clone(),
            since,
        };
        let deadline = Instant::now() + step.timeout;
        let poll = async {
            let mut last = first.clone();
            loop {
                tokio::time::sleep(self.ctx.verify_interval).await;
                match self.check_post_now(post).await {
                    Ok(()) => return Ok(()),
                    Err(PreFail::Blocked(e) | PreFail::Unreadable(e)) => {
                        if e != last {
                            self.operator
                                .update(&step.id, StepUpdate::StillWaiting(e.clone()));
                            last = e;
                        }
                    }
                }
                if Instant::now() >= deadline || self.ctx.cancel.is_cancelled() {
                    return Err(format!(
                        "not verified within {} s: {last}",
                        step.timeout.as_secs()
                    ));
                }
            }
        };
        tokio::select! {
            r = poll => match r {
                Ok(()) => Waited::Held,
                Err(e) => Waited::TimedOut(e),
            },
            d = self.operator.decide(step, &question) => match d {
                Decision::Skip(reason) => Waited::Stopped(self.skip(step, reason)),
                _ => Waited::Stopped(self.abort(step, "the operator stopped waiting".into(), true)),
            },
        }
    }

    /// One live reading of a postcondition, with transient read errors retried.
    async fn check_post_now(&self, post: &Postcondition) -> Result<(), PreFail> {
        let mut last = Err(PreFail::Unreadable(String::new()));
        for attempt in 0..3 {
            if attempt > 0 {
                let pause = self.ctx.verify_interval.min(Duration::from_secs(2));
                tokio::time::sleep(pause.mul_f64(0.5 + fastrand::f64() * 0.5)).await;
            }
            match plan_reading(self.collector, &self.ctx.cfg, self.ctx.verify_interval).await {
                Ok((obs, snap)) => match check_post(post, &self.ctx.cfg, &obs, &snap) {
                    Ok(()) => return Ok(()),
                    // Decided against by a reading that could see what it looks at.
                    Err(why) => match unreadable_post(post, &self.ctx.cfg, &obs, &snap) {
                        None => return Err(PreFail::Blocked(why)),
                        Some(read) => last = Err(PreFail::Unreadable(read)),
                    },
                },
                Err(e) => {
                    last = Err(PreFail::Unreadable(format!(
                        "live state could not be read: {e}"
                    )))
                }
            }
        }
        last
    }

    /// A step's action failed. It may have happened anyway: live state decides first. Then
    /// the operator chooses (with `ask`): None to retry, else how the step ends.
    async fn on_failure(&self, step: &Step, err: String, ask: bool) -> Option<StepEnd> {
        let live = self.observe().await.ok();
        // Azure is still busy with it (or with an earlier request of it): follow that first.
        if let (Some(action), Some((obs, _))) = (&step.action, &live)
            && let Some(what) = in_progress(action, obs)
            && step.postcondition.is_some()
        {
            self.operator.notify(&format!(
                "{}: {err}; live state shows it under way ({what}): following it",
                step.id
            ));
            if self
                .follow(step, Sent::Answered, step.timeout)
                .await
                .is_ok()
            {
                return Some(StepEnd::Done);
            }
        }
        if let Some(post) = &step.postcondition
            && let Some((obs, snap)) = &live
            && check_post(post, &self.ctx.cfg, obs, snap).is_ok()
        {
            self.log(Event::StepDone {
                step: step.id.clone(),
                note: Some(format!("verified from live state after an error: {err}")),
            });
            if step.id == "verify.gate" {
                self.pass_gate();
            }
            return Some(StepEnd::Done);
        }
        self.log(Event::StepFailed {
            step: step.id.clone(),
            error: err.clone(),
        });
        let failed = StepEnd::Failed(format!("{}: {err}", step.id));
        if !ask {
            return Some(failed);
        }
        match self
            .operator
            .decide(step, &Question::Failed(err.clone()))
            .await
        {
            Decision::Skip(reason) => Some(self.skip(step, reason)),
            Decision::Confirm => None,
            _ => Some(failed),
        }
    }

    fn skip(&self, step: &Step, reason: String) -> StepEnd {
        let by = Some(self.operator.name());
        self.log(Event::StepSkipped {
            step: step.id.clone(),
            reason,
            by,
        });
        StepEnd::Skipped
    }

    /// The run stops at this step's question: nothing was sent for it.
    fn abort(&self, step: &Step, why: String, declined: bool) -> StepEnd {
        let by = Some(self.operator.name());
        self.log(Event::StepNotRun {
            step: step.id.clone(),
            reason: format!("stopped here: {why}"),
            by,
        });
        StepEnd::Aborted(format!("{}: {why}", step.id), declined)
    }

    /// The step's preconditions, live. A read that failed is not a failed check: each
    /// precondition is looked at in fresh readings (with backoff and jitter) until one reading
    /// decides it; one that held in a reading holds. What no reading could decide after the
    /// retries is unreadable; what readings decided against is blocked (looked at 3 times).
    async fn preconditions(&self, step: &Step) -> Result<(), PreFail> {
        if step.preconditions.is_empty() {
            return Ok(());
        }
        // Still undecided or decided against: index → how often readings decided against it,
        // and why.
        let mut open: Vec<usize> = (0..step.preconditions.len()).collect();
        let mut against: HashMap<usize, (u32, String)> = HashMap::new();
        let mut unread = String::new();
        for attempt in 0..4u32 {
            if attempt > 0 {
                let pause =
                    self.ctx.verify_interval.min(Duration::from_secs(1)) * (1 << attempt.min(3));
                tokio::time::sleep(pause.mul_f64(0.5 + fastrand::f64() * 0.5)).await;
                if self.ctx.cancel.is_cancelled() {
                    break;
                }
            }
            // A reading whose transient gaps were read again and merged in.
            let reading =
                plan_reading(self.collector, &self.ctx.cfg, self.ctx.verify_interval).await;
            let (obs, snap) = match reading {
                Ok(r) => r,
                Err(e) => {
                    unread = format!("live state could not be read: {e}");
                    continue;
                }
            };
            let gate = self.gate();
            open.retain(|&k| {
                let p = &step.preconditions[k];
                let Err(why) = check_pre(p, &self.ctx.cfg, &obs, &snap, gate) else {
                    against.remove(&k);
                    return false;
                };
                match unreadable_for(p, &self.ctx.cfg, &obs, &snap) {
                    // What it looks at could not be read: this reading decides nothing.
                    Some(read) => unread = read,
                    None => {
                        let n = against.entry(k).or_insert((0, String::new()));
                        n.0 += 1;
                        n.1 = why;
                    }
                }
                true
            });
            if open.is_empty() {
                return Ok(());
            }
            // Decided against twice by readings that could see it: blocked.
            if open
                .iter()
                .all(|k| against.get(k).is_some_and(|(n, _)| *n >= 2))
            {
                break;
            }
        }
        if open.iter().any(|k| !against.contains_key(k)) {
            return Err(PreFail::Unreadable(if unread.is_empty() {
                "live state could not be read".into()
            } else {
                unread
            }));
        }
        Err(PreFail::Blocked(
            open.iter()
                .filter_map(|k| against.get(k).map(|(_, why)| why.clone()))
                .collect::<Vec<_>>()
                .join("; "),
        ))
    }

    /// Follows a request to its verified end — the operation, then the postcondition, polled
    /// for at most `limit` — journaling progress as it comes and the step done once verified.
    async fn follow(&self, step: &Step, sent: Sent, limit: Duration) -> Result<(), String> {
        self.settle(step, sent, limit).await.map_err(|e| e.msg)
    }

    /// `follow`, saying whether a failure is definite (Azure reported the operation failed: it
    /// may be sent again) or only unsettled (its status or effect could not be seen: in doubt).
    async fn settle(&self, step: &Step, sent: Sent, limit: Duration) -> Result<(), NotSettled> {
        let ctx = self.ctx;
        if let Sent::Running(lro, started) = &sent {
            let mut last_pct = -100.0;
            // The monitor answering an error poll after poll is the operation's final answer
            // (a Location monitor reports a failed operation so); one error is not.
            let mut answered_errors = 0;
            loop {
                let left = step.timeout.saturating_sub(started.elapsed());
                let waited = tokio::time::timeout(
                    left,
                    ctx.reader.wait(lro.clone(), &ctx.cancel, |p| {
                        let pct = p.percent.unwrap_or(0.0);
                        if pct - last_pct >= 10.0 {
                            last_pct = pct;
                            self.log(Event::Progress {
                                step: step.id.clone(),
                                status: p.status.clone(),
                                percent: p.percent,
                            });
                        }
                    }),
                )
                .await;
                match waited {
                    Err(_) => {
                        return Err(NotSettled::unknown(format!(
                            "the operation did not finish within {} s (it goes on in Azure)",
                            step.timeout.as_secs()
                        )));
                    }
                    Ok(Err(e)) if matches!(e.kind, ErrorKind::OperationFailed { .. }) => {
                        return Err(NotSettled::failed(e.to_string()));
                    }
                    Ok(Err(e)) if matches!(e.kind, ErrorKind::Cancelled) => {
                        return Err(NotSettled::unknown(e.to_string()));
                    }
                    // Its status could not be read this time: the operation goes on in Azure
                    // whatever this client sees; look again (the step's timeout bounds it).
                    Ok(Err(e)) => {
                        if matches!(e.kind, ErrorKind::Api { .. }) {
                            answered_errors += 1;
                            if answered_errors >= 3 {
                                return Err(NotSettled::failed(format!(
                                    "the operation failed: its monitor answers {e}"
                                )));
                            }
                        } else {
                            answered_errors = 0;
                        }
                        self.operator.notify(&format!(
                            "{}: the operation's status could not be read ({e}); looking again",
                            step.id
                        ));
                        tokio::time::sleep(ctx.verify_interval).await;
                    }
                    Ok(Ok(_)) => break,
                }
            }
        }
        let note = match sent {
            Sent::BeforeResume => "re-checked after resume: the request is not sent again",
            _ => "verified",
        };
        let Some(post) = &step.postcondition else {
            self.log(Event::StepDone {
                step: step.id.clone(),
                note: Some(note.into()),
            });
            return Ok(());
        };
        let deadline = Instant::now() + limit;
        loop {
            let last = match self.reading.read().await {
                Ok(r) => match check_post(post, &ctx.cfg, &r.0, &r.1) {
                    Ok(()) => {
                        self.log(Event::StepDone {
                            step: step.id.clone(),
                            note: Some(note.into()),
                        });
                        return Ok(());
                    }
                    Err(e) => e,
                },
                Err(e) => e,
            };
            if Instant::now() >= deadline || ctx.cancel.is_cancelled() {
                return Err(NotSettled::unknown(format!(
                    "not verified within {} s: {last}",
                    limit.as_secs()
                )));
            }
            self.operator
                .notify(&format!("{}: waiting — {last}", step.id));
            tokio::time::sleep(ctx.verify_interval).await;
        }
    }

    /// Sends the step's request, its intent journaled (fsynced) first. Some(sent) when Azure
    /// accepted it (to be followed); None when the step already ended here (no request needed,
    /// or a request whose answer was lost and whose effect live state shows). A request whose
    /// answer was lost (a dropped connection, a timeout, a 5xx) is in doubt: it is judged by
    /// its effect and never sent again on a guess.
    async fn start(&self, step: &Step) -> Result<Option<Sent>, ActError> {
        let Some(action) = &step.action else {
            return self
                .follow(step, Sent::Answered, step.timeout)
                .await
                .map(|()| None)
                .map_err(ActError::Failed);
        };
        let Some(writer) = self.ctx.writer.clone() else {
            return Err(ActError::ReadOnly(
                step.az.first().cloned().unwrap_or_default(),
            ));
        };
        if step.data_loss.is_some() {
            self.record_loss_estimate(step, action).await;
        }
        loop {
            let (method, path) = describe(action);
            let client_request_id = uuid::Uuid::new_v4().to_string();
            self.log_required(Event::RequestIntent {
                step: step.id.clone(),
                method: method.clone(),
                path: path.clone(),
                client_request_id: client_request_id.clone(),
            })
            .map_err(ActError::Journal)?;
            let started = Instant::now();
            let submitted = send(&writer.with_client_request_id(&client_request_id), action).await;
            let e = match submitted {
                Ok(sub) => {
                    let (request_id, sent) = match sub {
                        Submitted::Done { request_id, .. } => (request_id, Sent::Answered),
                        Submitted::Running(l) => (l.request_id.clone(), Sent::Running(l, started)),
                    };
                    self.log(Event::RequestSent {
                        step: step.id.clone(),
                        method,
                        path,
                        request_id,
                        client_request_id: Some(client_request_id),
                    });
                    return Ok(Some(sent));
                }
                Err(e) if in_doubt(&e) => e,
                // A definite refusal (4xx): it did not happen.
                Err(e) => return Err(ActError::Failed(e.to_string())),
            };
            self.operator.notify(&format!(
                "{}: the answer was lost ({e}); judging from live state whether it took effect",
                step.id
            ));
            match self.resolve_doubt(step, &e.to_string()).await {
                Doubt::Done => return Ok(None),
                Doubt::Follow => return Ok(Some(Sent::Answered)),
                Doubt::Resend => continue,
                Doubt::End(end) => return Err(ActError::End(end)),
            }
        }
    }

    /// A request in doubt: live state decides — done, in progress (followed), not applied
    /// (an idempotent request is sent again; a one-shot one is not) — and when it cannot, the
    /// operator does, with the evidence (a scripted run stops: only a person can check).
    async fn resolve_doubt(&self, step: &Step, why: &str) -> Doubt {
        loop {
            let judged = self.judge(step).await;
            let evidence = match judged {
                Judged::Done => {
                    self.log(Event::StepDone {
                        step: step.id.clone(),
                        note: Some(format!(
                            "verified from live state: the request whose answer was lost took effect ({why})"
                        )),
                    });
                    return Doubt::Done;
                }
                Judged::InProgress(what) => {
                    self.operator.notify(&format!(
                        "{}: live state shows it in progress ({what}): following it",
                        step.id
                    ));
                    return Doubt::Follow;
                }
                Judged::NotApplied(_) if step.action.as_ref().is_some_and(idempotent) => {
                    // A declarative PUT/PATCH of the same desired state: sending it again is
                    // harmless, and live state shows it is not there.
                    self.operator.notify(&format!(
                        "{}: live state shows it did not take effect; the request sets a state (idempotent) and is sent again",
                        step.id
                    ));
                    return Doubt::Resend;
                }
                Judged::NotApplied(seen) => format!(
                    "the answer to {} was lost ({why}) and live state does not show its effect yet ({seen}); a one-shot request is never sent again on a guess",
                    step.action
                        .as_ref()
                        .map(|a| describe(a).0)
                        .unwrap_or_default()
                ),
                Judged::Unknown(read) => {
                    format!("the answer was lost ({why}) and live state could not be read ({read})")
                }
            };
            let check = step.az.first().cloned().unwrap_or_default();
            self.log(Event::InDoubt {
                step: step.id.clone(),
                evidence: evidence.clone(),
            });
            match self
                .operator
                .decide(step, &Question::InDoubt(evidence.clone()))
                .await
            {
                Decision::Confirm => continue,
                Decision::Override(reason) if !reason.is_empty() => {
                    let by = self.operator.name();
                    self.log(Event::PreconditionOverridden {
                        step: step.id.clone(),
                        reason: format!("sent again after checking by hand: {reason}"),
                        by,
                    });
                    return Doubt::Resend;
                }
                Decision::Skip(reason) => return Doubt::End(self.skip(step, reason)),
                Decision::Stop => {
                    let msg = format!(
                        "{} is in doubt: {evidence}. Check by hand whether it took effect ({}), then run again: the step is re-checked, never re-sent on a guess",
                        step.id,
                        if check.is_empty() {
                            "az resource show".to_string()
                        } else {
                            check
                        }
                    );
                    self.log(Event::StepFailed {
                        step: step.id.clone(),
                        error: msg.clone(),
                    });
                    return Doubt::End(StepEnd::Stopped(Stopped::InDoubt, msg));
                }
                _ => {
                    self.log(Event::StepFailed {
                        step: step.id.clone(),
                        error: format!("stopped in doubt by the operator: {evidence}"),
                    });
                    return Doubt::End(StepEnd::Aborted(
                        format!("{}: stopped in doubt", step.id),
                        true,
                    ));
                }
            }
        }
    }

    /// What live state says about a step's request: looked at a few times, since an accepted
    /// operation may take a moment to show.
    async fn judge(&self, step: &Step) -> Judged {
        let mut last = Judged::Unknown("not read".into());
        for attempt in 0..4 {
            if attempt > 0 {
                tokio::time::sleep(self.ctx.verify_interval.min(Duration::from_secs(5))).await;
            }
            let (obs, snap) = match self.observe().await {
                Ok(r) => r,
                Err(e) => {
                    last = Judged::Unknown(e);
                    continue;
                }
            };
            if let Some(post) = &step.postcondition {
                match check_post(post, &self.ctx.cfg, &obs, &snap) {
                    Ok(()) => return Judged::Done,
                    Err(seen) => {
                        if let Some(what) = step.action.as_ref().and_then(|a| in_progress(a, &obs))
                        {
                            return Judged::InProgress(what);
                        }
                        last = match unreadable_in(step, &self.ctx.cfg, &obs, &snap) {
                            Some(read) => Judged::Unknown(read),
                            None => Judged::NotApplied(seen),
                        };
                    }
                }
            } else if let Some(what) = step.action.as_ref().and_then(|a| in_progress(a, &obs)) {
                return Judged::InProgress(what);
            } else {
                last = Judged::NotApplied("it has no effect to look for".into());
            }
        }
        last
    }

    async fn record_loss_estimate(&self, step: &Step, action: &Action) {
        let Action::StorageFailover { id, planned: false } = action else {
            self.log(Event::DataLoss {
                step: step.id.clone(),
                seconds: 0.0,
                detail: step.data_loss.clone().unwrap_or_default(),
            });
            return;
        };
        let detail = step.data_loss.clone().unwrap_or_default();
        match self.ctx.reader.storage_account(id).await {
            Ok(sa) => {
                let lst = sa
                    .properties
                    .geo_replication_stats
                    .and_then(|g| g.last_sync_time);
                let seconds = lst.map_or(0.0, |t| {
                    (self.ctx.reader.server_now() - t).as_seconds_f64().max(0.0)
                });
                self.log(Event::DataLoss {
                    step: step.id.clone(),
                    seconds,
                    detail: lst.map_or(detail, |t| format!("writes after {} lost", rfc3339(t))),
                });
            }
            Err(e) => self.log(Event::DataLoss {
                step: step.id.clone(),
                seconds: 0.0,
                detail: format!("{detail} (last sync time unreadable: {e})"),
            }),
        }
    }
}

enum ActError {
    ReadOnly(String),
    Failed(String),
    /// The intent could not be journaled: nothing was sent, and nothing more may be.
    Journal(String),
    /// The step ended while its request was in doubt (skipped, stopped, aborted).
    End(StepEnd),
}

/// Why preconditions did not hold.
enum PreFail {
    /// Decided from live state.
    Blocked(String),
    /// What they look at could not be read: nothing was decided.
    Unreadable(String),
}

/// What live state says about a request in doubt.
enum Judged {
    Done,
    InProgress(String),
    /// Its effect is not there (what live state shows instead).
    NotApplied(String),
    /// Live state could not be read.
    Unknown(String),
}

/// How a request in doubt was resolved.
enum Doubt {
    /// It took effect (journaled done).
    Done,
    /// It is under way: follow it.
    Follow,
    /// Send it (again): idempotent, or the operator checked it did not happen.
    Resend,
    End(StepEnd),
}

/// Whether a failed mutation may have taken effect: no answer (a dropped connection, a
/// timeout) or a 5xx (ARM may have applied it before failing to answer).
fn in_doubt(e: &AzureError) -> bool {
    match &e.kind {
        ErrorKind::Ambiguous(_) => true,
        ErrorKind::Api { status, .. } => *status >= 500,
        ErrorKind::Malformed(_) => true,
        _ => false,
    }
}

/// Whether sending an action twice is harmless: it sets a desired state (PUT/PATCH of the
/// same body), unlike a one-shot action (a failover, a promotion, a start).
fn idempotent(a: &Action) -> bool {
    matches!(
        a,
        Action::StorageSetSku { .. }
            | Action::AksScale { .. }
            | Action::ComputeScale { .. }
            | Action::EndpointTraffic { .. }
            | Action::DeploymentScale { .. }
            | Action::TrafficManagerEndpoint { .. }
            | Action::FrontDoorOrigin { .. }
    )
}

/// Live evidence that an action's operation is under way, in words.
fn in_progress(a: &Action, obs: &Observations) -> Option<String> {
    let running = |p: &Option<ProvisioningState>| p.as_ref().is_some_and(|p| !p.is_terminal());
    match a {
        Action::StorageFailover { id, .. } => match reading(obs, id) {
            Some(Reading::Storage(sa)) if sa.properties.failover_in_progress == Some(true) => {
                Some(format!("{} reports failoverInProgress", sa.name))
            }
            _ => None,
        },
        Action::AksPower { id, .. } | Action::AksScale { id, .. } => match reading(obs, id) {
            Some(Reading::Aks(a)) if running(&a.properties.provisioning_state) => Some(format!(
                "{} is {}",
                a.name,
                a.properties
                    .provisioning_state
                    .as_ref()
                    .map(|p| p.to_string())
                    .unwrap_or_default()
            )),
            _ => None,
        },
        Action::CosmosPriority { id, .. }
        | Action::CosmosOffline { id, .. }
        | Action::CosmosOnline { id, .. } => match reading(obs, id) {
            Some(Reading::Cosmos(c)) if running(&c.properties.provisioning_state) => {
                Some(format!("{} is Updating", c.name))
            }
            _ => None,
        },
        Action::ComputeScale { id, .. } => match reading(obs, id) {
            Some(Reading::Compute(c))
                if c.properties
                    .properties
                    .as_ref()
                    .and_then(|p| p.allocation_state.as_ref())
                    .is_some_and(|a| *a != AllocationState::Steady) =>
            {
                Some(format!("{} is resizing", c.name))
            }
            _ => None,
        },
        Action::EndpointTraffic { id, .. } | Action::DeploymentScale { endpoint: id, .. } => {
            match reading(obs, id) {
                Some(Reading::Endpoint(ep, deps))
                    if running(&ep.provisioning_state)
                        || deps
                            .iter()
                            .any(|d| running(&d.properties.provisioning_state)) =>
                {
                    Some(format!("{} is updating", ep.name))
                }
                _ => None,
            }
        }
        Action::PostgresPromote { replica, .. } | Action::MysqlStopReplication { replica } => {
            match reading(obs, replica) {
                Some(Reading::Flex(f))
                    if f.properties
                        .state
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case("Updating")) =>
                {
                    Some(format!("{} is Updating", f.name))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The resources a step's request acts on (lowercase ids).
fn action_resources(a: &Action) -> Vec<String> {
    let id = match a {
        Action::StorageFailover { id, .. }
        | Action::StorageSetSku { id, .. }
        | Action::CosmosPriority { id, .. }
        | Action::CosmosOffline { id, .. }
        | Action::CosmosOnline { id, .. }
        | Action::AksPower { id, .. }
        | Action::AksScale { id, .. }
        | Action::ComputeScale { id, .. }
        | Action::EndpointTraffic { id, .. } => id.clone(),
        Action::SqlFailover {
            group_on_target, ..
        } => group_on_target.clone(),
        Action::PostgresPromote { replica, .. } | Action::MysqlStopReplication { replica } => {
            replica.clone()
        }
        Action::DeploymentScale { endpoint, .. } => endpoint.clone(),
        Action::TrafficManagerEndpoint { profile, .. } => profile.clone(),
        Action::FrontDoorOrigin { origin_group, .. } => origin_group.clone(),
    };
    vec![id.to_ascii_lowercase()]
}

/// A transient read error among what a step in doubt is judged by, if any.
fn unreadable_in(step: &Step, cfg: &Config, obs: &Observations, snap: &Snapshot) -> Option<String> {
    let mut ids: Vec<String> = step.action.iter().flat_map(action_resources).collect();
    if let Some(c) = step.component.as_deref().and_then(|c| cfg.component(c)) {
        ids.extend(live_ids(cfg, c, snap));
    }
    transient_error(obs, &ids)
}

/// The resources of a component that can answer now: every one, except those located in a
/// region that is down or not responding (their silence is the outage, not a read problem).
fn live_ids(cfg: &Config, c: &crate::config::Component, snap: &Snapshot) -> Vec<String> {
    let down = |r: &crate::region::Region| {
        snap.regions.iter().any(|x| {
            x.name == r.as_str() && matches!(x.health, RegionHealth::Outage | RegionHealth::Unknown)
        })
    };
    match &c.targets {
        Targets::Paired { primary, secondary } => {
            let mut out = Vec::new();
            if !down(&cfg.deployment.primary_region) {
                out.push(primary.key());
            }
            if !down(&cfg.deployment.secondary_region) {
                out.push(secondary.key());
            }
            out
        }
        Targets::Replicated { resource, .. } | Targets::Routing { resource, .. } => {
            vec![resource.key()]
        }
    }
}

fn transient_error(obs: &Observations, ids: &[String]) -> Option<String> {
    ids.iter().find_map(|id| match obs.reads.get(id) {
        Some(Err(e)) if e.transient => Some(e.message.clone()),
        _ => None,
    })
}

/// When a failed postcondition looked at something that could not be read, what.
fn unreadable_post(
    p: &Postcondition,
    cfg: &Config,
    obs: &Observations,
    snap: &Snapshot,
) -> Option<String> {
    let names: Vec<&str> = match p {
        Postcondition::DataWritableIn { .. } => cfg
            .components
            .iter()
            .filter(|c| {
                matches!(
                    c.kind,
                    ComponentKind::Storage
                        | ComponentKind::SqlFailoverGroup
                        | ComponentKind::PostgresFlexible
                        | ComponentKind::MysqlFlexible
                        | ComponentKind::CosmosDb
                        | ComponentKind::MlOnlineEndpoint
                )
            })
            .map(|c| c.name.as_str())
            .collect(),
        Postcondition::ActiveIn { component, .. }
        | Postcondition::InstanceAvailable { component, .. }
        | Postcondition::GeoRedundant { component }
        | Postcondition::PlannedFailoverPossible { component }
        | Postcondition::ComputeMax { component, .. }
        | Postcondition::AksRunning { component, .. }
        | Postcondition::DeploymentCapacity { component, .. }
        | Postcondition::TrafficIn { component, .. }
        | Postcondition::EndpointEnabled { component, .. } => vec![component.as_str()],
    };
    names.into_iter().find_map(|n| {
        let c = cfg.component(n)?;
        transient_error(obs, &live_ids(cfg, c, snap)).map(|e| format!("{n}: {e}"))
    })
}

/// When a failed precondition looked at something that could not be read, what.
fn unreadable_for(
    p: &Precondition,
    cfg: &Config,
    obs: &Observations,
    snap: &Snapshot,
) -> Option<String> {
    match p {
        Precondition::RegionNotHealthy { region }
        | Precondition::RegionHealthy { region }
        | Precondition::RegionNotDown { region }
        | Precondition::RegionReady { region } => match (&obs.availability, &obs.events) {
            (Err(e), _) | (_, Err(e)) if e.transient => {
                Some(format!("Resource Health or Service Health: {}", e.message))
            }
            // A resource that could not be read counts against the health of the regions it
            // has instances in (replicated ones have an instance in both).
            _ => {
                let ids: Vec<String> = cfg
                    .components
                    .iter()
                    .flat_map(|c| live_ids(cfg, c, snap))
                    .collect();
                transient_error(obs, &ids).map(|e| format!("{region}: {e}"))
            }
        },
        Precondition::StandbyProvisioned { component: c }
        | Precondition::NotLastEnabled { component: c, .. }
        | Precondition::ActiveIn { component: c, .. } => {
            let comp = cfg.component(c)?;
            transient_error(obs, &live_ids(cfg, comp, snap)).map(|e| format!("{c}: {e}"))
        }
        Precondition::VerifyGatePassed => None,
    }
}

/// Why an accepted request did not settle: `definite` when Azure reported the operation failed
/// (sending it again is safe), else its outcome is unknown (in doubt: never re-sent on a guess).
struct NotSettled {
    msg: String,
    definite: bool,
}

impl NotSettled {
    fn failed(msg: String) -> NotSettled {
        NotSettled {
            msg,
            definite: true,
        }
    }

    fn unknown(msg: String) -> NotSettled {
        NotSettled {
            msg,
            definite: false,
        }
    }
}

/// How far `Runner::begin` took a step.
enum Begun {
    /// The step ended (done, skipped, stopped).
    End(StepEnd),
    /// Its request was accepted; what is left is to follow it (`Runner::follow`).
    Sent(Sent),
}

/// How a verify step's wait ended.
enum Waited {
    Held,
    /// The operator stopped waiting (skip or abort).
    Stopped(StepEnd),
    TimedOut(String),
}

/// A request Azure accepted, whose result is still to come.
enum Sent {
    /// A long-running operation, and when the step's request left.
    Running(crate::azure::Lro, Instant),
    /// Answered at once: only the postcondition is left to see.
    Answered,
    /// Sent before an interruption: live state says whether it took effect (never resent).
    BeforeResume,
}

/// One reading of live state shared by the steps followed together: a step that looks while
/// another step's reading is still fresh uses it, instead of reading everything again.
struct SharedReading<'a> {
    collector: &'a Collector,
    /// How long a reading counts as fresh (half the interval between checks).
    fresh_for: Duration,
    last: tokio::sync::Mutex<Option<(Instant, Arc<Live>)>>,
}

/// What one reading of live state holds.
type Live = (Observations, Snapshot);

impl<'a> SharedReading<'a> {
    fn new(collector: &'a Collector, fresh_for: Duration) -> SharedReading<'a> {
        SharedReading {
            collector,
            fresh_for,
            last: tokio::sync::Mutex::new(None),
        }
    }

    /// A fresh reading: the last one, or a new one (steps asking meanwhile wait for it).
    async fn read(&self) -> Result<Arc<Live>, String> {
        let mut last = self.last.lock().await;
        if let Some((at, r)) = last.as_ref()
            && at.elapsed() < self.fresh_for
        {
            return Ok(r.clone());
        }
        let r = Arc::new(self.collector.collect_full().await?);
        *last = Some((Instant::now(), r.clone()));
        Ok(r)
    }
}

/// Sends an action's request.
async fn send(w: &ArmWriter, a: &Action) -> Result<Submitted, AzureError> {
    match a {
        Action::StorageFailover { id, planned } => w.storage_failover(id, *planned).await,
        Action::StorageSetSku { id, sku } => w.storage_set_sku(id, sku).await,
        Action::SqlFailover {
            group_on_target,
            mode,
        } => w.sql_failover(group_on_target, *mode).await,
        Action::CosmosPriority { id, order } => w.cosmos_failover_priority_change(id, order).await,
        Action::CosmosOffline { id, region } => w.cosmos_offline_region(id, region).await,
        Action::CosmosOnline { id, region } => w.cosmos_online_region(id, region).await,
        Action::PostgresPromote { replica, opts } => w.postgres_promote(replica, *opts).await,
        Action::MysqlStopReplication { replica } => w.mysql_stop_replication(replica).await,
        Action::AksPower { id, start } => w.aks_power(id, *start).await,
        Action::AksScale { id, pool, count } => w.aks_scale_pool(id, pool, *count).await,
        Action::ComputeScale { id, min, max } => {
            w.compute_scale(
                id,
                &ScaleSettings {
                    max_node_count: *max,
                    min_node_count: *min,
                    node_idle_time_before_scale_down: Some("PT5M".into()),
                },
            )
            .await
        }
        Action::EndpointTraffic { id, traffic } => w.endpoint_set_traffic(id, traffic).await,
        Action::DeploymentScale {
            endpoint,
            deployment,
            instances,
        } => w.deployment_scale(endpoint, deployment, *instances).await,
        Action::TrafficManagerEndpoint {
            profile,
            endpoint,
            update,
        } => {
            let p = w.reader().traffic_manager(profile).await?;
            let Some(ep) = p
                .properties
                .endpoints
                .iter()
                .find(|e| e.name.eq_ignore_ascii_case(endpoint))
            else {
                return Err(AzureError::new(
                    ErrorKind::Malformed(format!("no endpoint '{endpoint}' in the profile")),
                    "PATCH",
                    profile,
                ));
            };
            w.traffic_manager_endpoint(profile, ep, update).await
        }
        Action::FrontDoorOrigin {
            origin_group,
            origin,
            update,
        } => w.front_door_origin(origin_group, origin, update).await,
    }
}

/// The method and path an action sends (for the journal and the report).
fn describe(a: &Action) -> (String, String) {
    let (m, p) = match a {
        Action::StorageFailover { id, .. } => ("POST", format!("{id}/failover")),
        Action::StorageSetSku { id, .. } => ("PATCH", id.clone()),
        Action::SqlFailover {
            group_on_target,
            mode,
        } => (
            "POST",
            format!(
                "{group_on_target}/{}",
                match mode {
                    crate::azure::SqlFailover::Planned => "failover",
                    crate::azure::SqlFailover::Forced => "forceFailoverAllowDataLoss",
                    crate::azure::SqlFailover::TryPlanned => "tryPlannedBeforeForcedFailover",
                }
            ),
        ),
        Action::CosmosPriority { id, .. } => ("POST", format!("{id}/failoverPriorityChange")),
        Action::CosmosOffline { id, .. } => ("POST", format!("{id}/offlineRegion")),
        Action::CosmosOnline { id, .. } => ("POST", format!("{id}/onlineRegion")),
        Action::PostgresPromote { replica, .. } | Action::MysqlStopReplication { replica } => {
            ("PATCH", replica.clone())
        }
        Action::AksPower { id, start } => (
            "POST",
            format!("{id}/{}", if *start { "start" } else { "stop" }),
        ),
        Action::AksScale { id, pool, .. } => ("PUT", format!("{id}/agentPools/{pool}")),
        Action::ComputeScale { id, .. } => ("PATCH", id.clone()),
        Action::EndpointTraffic { id, .. } => ("PUT", id.clone()),
        Action::DeploymentScale {
            endpoint,
            deployment,
            ..
        } => ("PATCH", format!("{endpoint}/deployments/{deployment}")),
        Action::TrafficManagerEndpoint {
            profile, endpoint, ..
        } => ("PATCH", format!("{profile}/ExternalEndpoints/{endpoint}")),
        Action::FrontDoorOrigin {
            origin_group,
            origin,
            ..
        } => ("PATCH", format!("{origin_group}/origins/{origin}")),
    };
    (m.to_string(), p)
}

fn component<'a>(
    snap: &'a Snapshot,
    name: &str,
) -> Result<&'a crate::health::ComponentStatus, String> {
    snap.components
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| format!("no component '{name}'"))
}

/// The resource id of a paired component in a region.
fn paired_id(cfg: &Config, name: &str, region: &str) -> Option<String> {
    let c = cfg.component(name)?;
    match &c.targets {
        Targets::Paired { primary, secondary } => {
            Some(if cfg.deployment.primary_region.as_str() == region {
                primary.to_string()
            } else {
                secondary.to_string()
            })
        }
        Targets::Replicated { resource, .. } | Targets::Routing { resource, .. } => {
            Some(resource.to_string())
        }
    }
}

fn reading<'a>(obs: &'a Observations, id: &str) -> Option<&'a Reading> {
    obs.reads
        .get(&id.to_ascii_lowercase())
        .and_then(|r| r.as_ref().ok())
}

/// Evaluates a precondition against live state.
pub fn check_pre(
    p: &Precondition,
    cfg: &Config,
    obs: &Observations,
    snap: &Snapshot,
    gate: bool,
) -> Result<(), String> {
    let region = |r: &str| {
        snap.regions
            .iter()
            .find(|x| x.name == r)
            .map(|x| x.health)
            .unwrap_or(RegionHealth::Unknown)
    };
    match p {
        Precondition::RegionNotHealthy { region: r } if region(r) == RegionHealth::Healthy => {
            Err(format!(
                "{r} is healthy: a forced, data-losing step is not needed (a planned one is possible)"
            ))
        }
        Precondition::RegionHealthy { region: r } if region(r) != RegionHealth::Healthy => {
            // The primary may stay degraded by what the failback itself repairs (a Cosmos region
            // offline, a storage account without its replica there): those do not stop it.
            let primary = snap.region(crate::health::RegionRole::Primary);
            match crate::health::verdict::primary_ready_for_failback(snap) {
                Ok(_) if primary.is_some_and(|p| p.name == *r) => Ok(()),
                Err(why) if primary.is_some_and(|p| p.name == *r) => {
                    Err(format!("{r} is not ready to take production back: {why}"))
                }
                _ => Err(format!("{r} is not healthy ({:?})", region(r)).to_lowercase()),
            }
        }
        Precondition::RegionNotDown { region: r } if region(r) == RegionHealth::Outage => {
            Err(format!("{r} is in an outage"))
        }
        Precondition::RegionReady { region: r } => {
            // The same blockers as the verdict's: what it says, the runbook checks.
            let primary = snap.region(crate::health::RegionRole::Primary);
            if primary.is_some_and(|p| p.name == *r) {
                crate::health::verdict::primary_ready_for_failback(snap)
                    .map(|_| ())
                    .map_err(|why| format!("{r} cannot take production back: {why}"))
            } else {
                let bad: Vec<String> =
                    crate::health::verdict::region_blockers(snap, RunbookKind::Failover)
                        .into_iter()
                        .map(|b| b.reason)
                        .collect();
                if bad.is_empty() {
                    Ok(())
                } else {
                    Err(bad.join("; "))
                }
            }
        }
        Precondition::StandbyProvisioned { component: c } => {
            // The verdict's blockers for this component: a standby missing, unhealthy, not
            // provisioned or failing its own readiness checks.
            let bad: Vec<String> = crate::health::verdict::blockers(snap, RunbookKind::Failover)
                .into_iter()
                .filter(|b| b.component.as_deref() == Some(c.as_str()))
                .map(|b| format!("{c}: {}", b.reason))
                .collect();
            if bad.is_empty() {
                Ok(())
            } else {
                Err(bad.join("; "))
            }
        }
        Precondition::VerifyGatePassed if !gate => {
            Err("the verify gate has not passed: traffic never moves before it".into())
        }
        Precondition::NotLastEnabled {
            component: c,
            endpoint,
        } => {
            let comp = cfg.component(c).ok_or("unknown component")?;
            let id = comp.resource_ids()[0].to_string();
            let others = match reading(obs, &id) {
                Some(Reading::TrafficManager(tm)) => tm
                    .properties
                    .endpoints
                    .iter()
                    .filter(|e| {
                        !e.name.eq_ignore_ascii_case(endpoint)
                            && e.properties.endpoint_status != Some(EnabledState::Disabled)
                    })
                    .count(),
                Some(Reading::FrontDoor(_, o)) => o
                    .iter()
                    .filter(|e| {
                        !e.name.eq_ignore_ascii_case(endpoint)
                            && e.properties.enabled_state != Some(EnabledState::Disabled)
                    })
                    .count(),
                _ => return Err(format!("{c} could not be read")),
            };
            if others == 0 {
                Err(format!(
                    "{endpoint} is the last enabled one of {c}: disabling it would serve nothing"
                ))
            } else {
                Ok(())
            }
        }
        Precondition::ActiveIn {
            component: c,
            region: r,
        } => {
            let comp = component(snap, c)?;
            if comp.active_region == *r {
                Ok(())
            } else {
                Err(format!(
                    "{c} already serves from {} (not {r})",
                    comp.active_region
                ))
            }
        }
        _ => Ok(()),
    }
}

/// Evaluates a postcondition against live state.
pub fn check_post(
    p: &Postcondition,
    cfg: &Config,
    obs: &Observations,
    snap: &Snapshot,
) -> Result<(), String> {
    match p {
        Postcondition::ActiveIn {
            component: c,
            region,
        } => {
            let comp = component(snap, c)?;
            if comp.active_region == *region {
                Ok(())
            } else {
                Err(format!("{c} still serves from {}", comp.active_region))
            }
        }
        Postcondition::InstanceAvailable {
            component: c,
            region,
        } => {
            let comp = component(snap, c)?;
            match comp.instance(region) {
                Some(i) if i.health == crate::health::InstanceHealth::Available => Ok(()),
                Some(i) => Err(format!("{c} in {region} is {:?}", i.health).to_lowercase()),
                None => Err(format!("{c} has nothing in {region}")),
            }
        }
        Postcondition::DataWritableIn { region } => {
            let mut bad = Vec::new();
            if let Some(r) = snap.regions.iter().find(|r| r.name == *region)
                && r.health == RegionHealth::Outage
            {
                bad.push(format!("{region} is in an outage"));
            }
            for c in &cfg.components {
                if matches!(
                    c.kind,
                    ComponentKind::Storage
                        | ComponentKind::SqlFailoverGroup
                        | ComponentKind::PostgresFlexible
                        | ComponentKind::MysqlFlexible
                        | ComponentKind::CosmosDb
                ) {
                    let s = component(snap, &c.name)?;
                    if s.active_region != *region {
                        bad.push(format!("{} is primary in {}", c.name, s.active_region));
                    }
                }
                if c.kind == ComponentKind::MlOnlineEndpoint
                    && let Some(id) = paired_id(cfg, &c.name, region)
                    && let Some(Reading::Endpoint(_, deps)) = reading(obs, &id)
                {
                    for d in deps.iter().filter(|d| {
                        d.properties
                            .provisioning_state
                            .as_ref()
                            .is_some_and(|p| *p != ProvisioningState::Succeeded)
                    }) {
                        bad.push(format!(
                            "{}: deployment {} is {}",
                            c.name,
                            d.name,
                            d.properties
                                .provisioning_state
                                .as_ref()
                                .map(|p| p.to_string())
                                .unwrap_or_default()
                        ));
                    }
                }
            }
            if bad.is_empty() {
                Ok(())
            } else {
                Err(bad.join("; "))
            }
        }
        Postcondition::GeoRedundant { component: c } => {
            match reading(obs, &paired_id(cfg, c, "").unwrap_or_default()) {
                Some(Reading::Storage(sa)) if sa.is_geo_redundant() => Ok(()),
                Some(Reading::Storage(sa)) => Err(format!("{} is {}", sa.name, sa.sku.name)),
                _ => Err(format!("{c} could not be read")),
            }
        }
        Postcondition::PlannedFailoverPossible { component: c } => {
            match reading(obs, &paired_id(cfg, c, "").unwrap_or_default()) {
                Some(Reading::Storage(sa)) => {
                    let g = sa.properties.geo_replication_stats.as_ref();
                    if g.is_some_and(|g| {
                        g.status == Some(GeoReplicationStatus::Live)
                            && g.can_planned_failover == Some(true)
                    }) {
                        Ok(())
                    } else {
                        Err(format!(
                            "geo-replication of {} is {}",
                            sa.name,
                            g.and_then(|g| g.status.clone())
                                .map_or("unknown".into(), |s| s.to_string())
                        ))
                    }
                }
                _ => Err(format!("{c} could not be read")),
            }
        }
        Postcondition::ComputeMax {
            component: c,
            region,
            max,
        } => match reading(obs, &paired_id(cfg, c, region).unwrap_or_default()) {
            Some(Reading::Compute(cp)) => {
                let have = cp
                    .properties
                    .properties
                    .as_ref()
                    .and_then(|p| p.scale_settings.as_ref())
                    .map_or(0, |s| s.max_node_count);
                if have >= *max {
                    Ok(())
                } else {
                    Err(format!("{} may scale to {have} nodes, not {max}", cp.name))
                }
            }
            _ => Err(format!("{c} in {region} could not be read")),
        },
        Postcondition::AksRunning {
            component: c,
            region,
        } => match reading(obs, &paired_id(cfg, c, region).unwrap_or_default()) {
            Some(Reading::Aks(a))
                if a.power() == PowerState::Running
                    && a.properties
                        .provisioning_state
                        .as_ref()
                        .is_none_or(|p| p.is_terminal()) =>
            {
                Ok(())
            }
            Some(Reading::Aks(a)) => Err(format!(
                "{} is {} ({})",
                a.name,
                a.power(),
                a.properties
                    .provisioning_state
                    .as_ref()
                    .map(|p| p.to_string())
                    .unwrap_or_default()
            )),
            _ => Err(format!("{c} in {region} could not be read")),
        },
        Postcondition::DeploymentCapacity {
            component: c,
            region,
            deployment,
            instances,
        } => match reading(obs, &paired_id(cfg, c, region).unwrap_or_default()) {
            Some(Reading::Endpoint(_, deps)) => {
                let have = deps
                    .iter()
                    .find(|d| d.name == *deployment)
                    .and_then(|d| d.sku.as_ref())
                    .and_then(|s| s.capacity)
                    .unwrap_or(0);
                if have >= *instances {
                    Ok(())
                } else {
                    Err(format!(
                        "{deployment} has {have} instances, not {instances}"
                    ))
                }
            }
            _ => Err(format!("{c} in {region} could not be read")),
        },
        Postcondition::TrafficIn {
            component: c,
            region,
        } => match reading(obs, &paired_id(cfg, c, region).unwrap_or_default()) {
            Some(Reading::Endpoint(ep, _))
                if ep.traffic.values().sum::<u32>() > 0
                    && ep
                        .provisioning_state
                        .as_ref()
                        .is_none_or(|p| p.is_terminal()) =>
            {
                Ok(())
            }
            Some(Reading::Endpoint(ep, _)) => Err(format!("{} routes no traffic yet", ep.name)),
            _ => Err(format!("{c} in {region} could not be read")),
        },
        Postcondition::EndpointEnabled {
            component: c,
            endpoint,
            enabled,
        } => {
            let id = paired_id(cfg, c, "").unwrap_or_default();
            let state = match reading(obs, &id) {
                Some(Reading::TrafficManager(tm)) => tm
                    .properties
                    .endpoints
                    .iter()
                    .find(|e| e.name.eq_ignore_ascii_case(endpoint))
                    .map(|e| e.properties.endpoint_status != Some(EnabledState::Disabled)),
                Some(Reading::FrontDoor(_, o)) => o
                    .iter()
                    .find(|e| e.name.eq_ignore_ascii_case(endpoint))
                    .map(|e| e.properties.enabled_state != Some(EnabledState::Disabled)),
                _ => None,
            };
            match state {
                Some(s) if s == *enabled => Ok(()),
                Some(_) => Err(format!(
                    "{endpoint} is not {} yet",
                    if *enabled { "enabled" } else { "disabled" }
                )),
                None => Err(format!("{endpoint} of {c} could not be read")),
            }
        }
    }
}

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
