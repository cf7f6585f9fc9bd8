//! Running a runbook: live preconditions, confirmations, the ARM request, following it to the
//! end, verifying the result — every transition journaled. A resumed run re-checks a step whose
//! request was sent against live state and never sends it again.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use super::journal::{self, Event, Journal};
use super::model::*;
use super::operator::{Decision, Operator, Question};
use super::report;
use crate::azure::models::*;
use crate::azure::{ArmClient, ArmWriter, AzureError, ErrorKind, Submitted};
use crate::config::{ComponentKind, Config, RunbookKind, Targets};
use crate::health::collect::{Collector, Observations, Reading};
use crate::health::{RegionHealth, Snapshot};
use crate::timefmt::rfc3339;

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

/// Data the simulator knows that Azure does not expose (drills only): data actually lost.
pub type LossProbe = Arc<dyn Fn() -> Vec<(String, f64)> + Send + Sync>;

/// Everything a run needs.
pub struct RunContext {
    pub cfg: Config,
    pub reader: ArmClient,
    /// None in read-only mode: the runbook is walked, every action refused.
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
}

/// What the journal says about each step of an interrupted run.
#[derive(Debug, Clone, PartialEq)]
enum Prior {
    Finished,
    RequestSent,
    Started,
}

struct Runner<'a> {
    ctx: &'a RunContext,
    collector: Collector,
    journal: Journal,
    operator: &'a mut dyn Operator,
    gate_passed: bool,
}

/// Runs (or resumes) a failover or failback. `journal_kind` names the journal family
/// ("failover", "failback" or "drill").
pub async fn execute(
    ctx: &RunContext,
    kind: RunbookKind,
    journal_kind: &str,
    operator: &mut dyn Operator,
    resume: bool,
) -> Result<RunResult, String> {
    let collector = Collector::new(ctx.cfg.clone(), ctx.reader.clone());
    let deployment = ctx.cfg.deployment.name.clone();
    let unfinished = if resume {
        journal::find_unfinished(&ctx.journal_dir, &deployment, journal_kind)
    } else {
        // Runs that are not resumed (drills) close what a crash left behind: the journal gets
        // its end and a report, so no rehearsal goes unreported.
        for (path, report) in close_crashed(ctx, journal_kind) {
            operator.notify(&format!(
                "an earlier {journal_kind} stopped without finishing ({}): its report is {}",
                path.display(),
                report.display()
            ));
        }
        None
    };
    let now = || rfc3339(ctx.reader.server_now());

    let (rb, journal, priors) = match unfinished {
        Some((path, entries)) => {
            let Some(run_id) = entries.iter().find_map(|e| match &e.event {
                Event::RunStarted { .. } => Some(e.run_id.clone()),
                _ => None,
            }) else {
                return Err(format!(
                    "{}: the journal has no start entry",
                    path.display()
                ));
            };
            let rb = journal::load_runbook(&path).ok_or_else(|| {
                format!(
                    "{}: the journal's runbook could not be read",
                    path.display()
                )
            })?;
            if let Some(w) = &ctx.writer {
                super::lock::acquire(w, &ctx.cfg, &operator.name(), &run_id, settle(ctx)).await?;
            }
            let mut j = Journal::reopen(&path, &run_id)
                .map_err(|e| format!("cannot reopen the journal: {e}"))?;
            eprintln!(
                "azfailover: resuming the unfinished {journal_kind} journaled in {}",
                path.display()
            );
            let resumed = j
                .append(
                    &now(),
                    Event::RunResumed {
                        operator: operator.name(),
                    },
                )
                .map_err(|e| e.to_string())?;
            let priors = priors_of(&entries);
            let mut so_far = entries;
            so_far.push(resumed);
            operator.started(&rb, &so_far);
            (rb, j, priors)
        }
        None => {
            let (obs, snap) = collector.collect_full().await?;
            let rb = super::plan(&ctx.cfg, &obs, &snap, kind);
            let run_id = format!(
                "{}-{:04x}",
                ctx.reader.server_now().unix_timestamp(),
                fastrand::u16(..)
            );
            if let Some(w) = &ctx.writer {
                super::lock::acquire(w, &ctx.cfg, &operator.name(), &run_id, settle(ctx)).await?;
            }
            let mut j = Journal::create(&ctx.journal_dir, &deployment, journal_kind, &run_id)
                .map_err(|e| {
                    format!(
                        "cannot create the journal in {}: {e}",
                        ctx.journal_dir.display()
                    )
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
                .map_err(|e| e.to_string())?;
            journal::write_runbook(j.path(), &rb);
            operator.started(&rb, &[first]);
            (rb, j, HashMap::new())
        }
    };

    let mut runner = Runner {
        ctx,
        collector,
        journal,
        operator,
        gate_passed: priors_gate(&priors),
    };
    let mut outcome = Outcome::Completed;
    let mut message = None;
    let mut declined = false;
    let mut next = 0;
    while let Some(step) = rb.steps.get(next) {
        if ctx.cancel.is_cancelled() {
            outcome = Outcome::Aborted;
            message = Some("cancelled".into());
            break;
        }
        // Consecutive steps of one parallel group run side by side.
        let group = match &step.parallel_group {
            Some(g) => rb.steps[next..]
                .iter()
                .take_while(|s| s.parallel_group.as_ref() == Some(g))
                .count(),
            None => 1,
        };
        let end = if group > 1 {
            runner.batch(&rb.steps[next..next + group], &priors).await
        } else {
            runner.step(step, priors.get(&step.id)).await
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
        }
    }
    let _ = runner.journal.append(
        &now(),
        Event::RunFinished {
            outcome: outcome.as_str().into(),
        },
    );
    if let Some(w) = &ctx.writer {
        super::lock::release(w, &ctx.cfg, runner.journal.run_id()).await;
    }
    let path = runner.journal.path().to_path_buf();
    let entries = journal::read(&path).map_err(|e| e.to_string())?;
    let losses = ctx.loss_probe.as_ref().map(|p| p());
    let (json_path, md_path) =
        report::write(&ctx.reports_dir, &rb, &entries, losses.as_deref(), &ctx.cfg)
            .map_err(|e| format!("cannot write the report: {e}"))?;
    Ok(RunResult {
        outcome,
        journal: path,
        report_json: json_path,
        report_markdown: md_path,
        message,
        declined,
    })
}

/// Keeps the full runbook next to the journal so a resumed run executes exactly it.
/// Finishes every unfinished journal of this kind as "aborted" and writes its report.
fn close_crashed(ctx: &RunContext, journal_kind: &str) -> Vec<(PathBuf, PathBuf)> {
    let mut closed = Vec::new();
    while let Some((path, entries)) =
        journal::find_unfinished(&ctx.journal_dir, &ctx.cfg.deployment.name, journal_kind)
    {
        let run_id = entries
            .first()
            .map(|e| e.run_id.clone())
            .unwrap_or_default();
        let at = entries.last().map(|e| e.at.clone()).unwrap_or_default();
        let Ok(mut j) = Journal::reopen(&path, &run_id) else {
            break;
        };
        // A drill's saved world has nothing left to resume.
        let _ = std::fs::remove_file(journal::saved_world_path(&path));
        if j.append(
            &at,
            Event::RunFinished {
                outcome: "aborted".into(),
            },
        )
        .is_err()
        {
            break;
        }
        let Some(rb) = journal::load_runbook(&path) else {
            continue;
        };
        let entries = journal::read(&path).unwrap_or_default();
        if let Ok((json, _)) = report::write(&ctx.reports_dir, &rb, &entries, None, &ctx.cfg) {
            closed.push((path, json));
        }
    }
    closed
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
}

impl Runner<'_> {
    fn log(&mut self, event: Event) {
        journal_event(self.ctx, &mut self.journal, &mut *self.operator, event);
    }

    async fn observe(&self) -> Result<(Observations, Snapshot), String> {
        self.collector.collect_full().await
    }

    /// Runs one step to its end.
    async fn step(&mut self, step: &Step, prior: Option<&Prior>) -> StepEnd {
        match self.begin(step, prior, false).await {
            Begun::End(end) => end,
            // Not deferred: `begin` settles what it sends.
            Begun::Sent(sent) => match self.settle_one(step, sent, "verified").await {
                Ok(()) => StepEnd::Done,
                Err(e) => StepEnd::Failed(format!("{}: {e}", step.id)),
            },
        }
    }

    /// Runs the steps of a parallel group side by side: each is checked, confirmed and sent in
    /// turn (one question at a time), then their operations are followed together, each step
    /// journaled done as its own result is verified. A failure is handled once the others
    /// have settled (retry, skip or stop, as for a single step).
    async fn batch(&mut self, steps: &[Step], priors: &HashMap<String, Prior>) -> StepEnd {
        let mut pending: Vec<(&Step, Sent)> = Vec::new();
        let mut end = StepEnd::Done;
        for step in steps {
            if self.ctx.cancel.is_cancelled() {
                end = StepEnd::Aborted("cancelled".into(), false);
                break;
            }
            match self.begin(step, priors.get(&step.id), true).await {
                Begun::Sent(sent) => pending.push((step, sent)),
                Begun::End(StepEnd::Done | StepEnd::Skipped) => {}
                Begun::End(stop) => {
                    end = stop;
                    break;
                }
            }
        }
        if !matches!(end, StepEnd::Done) {
            // The run stops here: what was sent goes on in Azure, the run does not wait for it.
            for (step, _) in pending {
                self.log(Event::StepFailed {
                    step: step.id.clone(),
                    error: "stopped while its operation was running in Azure (it goes on there): check its result in live state".into(),
                });
            }
            return end;
        }
        if pending.len() > 1 {
            let ids: Vec<&str> = pending.iter().map(|(s, _)| s.id.as_str()).collect();
            self.operator.notify(&format!(
                "{} operations run side by side: {}",
                ids.len(),
                ids.join(", ")
            ));
        }
        let rechecks: Vec<&str> = pending
            .iter()
            .filter(|(_, sent)| matches!(sent, Sent::BeforeResume))
            .map(|(step, _)| step.id.as_str())
            .collect();
        let items = pending
            .into_iter()
            .map(|(step, sent)| Settling {
                step,
                note: match sent {
                    Sent::BeforeResume => "re-checked after resume: the request is not sent again",
                    _ => "verified",
                },
                // A step's time runs from here: the other steps' questions do not count.
                sent: match sent {
                    Sent::Running(lro, _) => Sent::Running(lro, Instant::now()),
                    other => other,
                },
                limit: step.timeout,
            })
            .collect();
        for (step, result) in self.settle_all(items).await {
            let Err(err) = result else { continue };
            if self.ctx.cancel.is_cancelled() && matches!(end, StepEnd::Done) {
                end = StepEnd::Aborted("cancelled".into(), false);
            }
            if rechecks.contains(&step.id.as_str()) {
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
                None => match self.step(step, Some(&Prior::Started)).await {
                    StepEnd::Done | StepEnd::Skipped => {}
                    stop => end = stop,
                },
            }
        }
        end
    }

    /// A step up to its request: resume checks, preconditions, confirmation, then the action.
    /// With `defer`, an accepted request is returned to be settled later (`Begun::Sent`);
    /// everything else ends the step here.
    async fn begin(&mut self, step: &Step, prior: Option<&Prior>, defer: bool) -> Begun {
        match prior {
            Some(Prior::Finished) => return Begun::End(StepEnd::Done),
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
                    match self
                        .await_post(
                            step,
                            "re-checked after resume: the request is not sent again",
                        )
                        .await
                    {
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
        loop {
            // Preconditions, live.
            let read_only = self.ctx.writer.is_none();
            match self.preconditions(step).await {
                Ok(()) => {}
                Err(why) if read_only => {
                    // A read-only walk notes what would block, and goes on.
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
                StepKind::Verify => self
                    .await_post(step, "verified")
                    .await
                    .map_err(ActError::Failed),
                StepKind::Action => match self.start(step).await {
                    Ok(Some(sent)) if defer => return Begun::Sent(sent),
                    Ok(Some(sent)) => self
                        .settle_one(step, sent, "verified")
                        .await
                        .map_err(ActError::Failed),
                    Ok(None) => Ok(()),
                    Err(e) => Err(e),
                },
            };
            match result {
                Ok(()) => {
                    if step.id == "verify.gate" {
                        self.gate_passed = true;
                        self.log(Event::GatePassed);
                    }
                    if step.kind != StepKind::Verify && step.kind != StepKind::Action {
                        self.log(Event::StepDone {
                            step: step.id.clone(),
                            note: None,
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
                Err(ActError::Failed(err)) => match self.on_failure(step, err, true).await {
                    Some(end) => return Begun::End(end),
                    None => continue, // retry
                },
            }
        }
    }

    /// Asks for the step's confirmation (when it needs one) and journals who gave it.
    async fn confirm(&mut self, step: &Step) -> Result<(), StepEnd> {
        if step.confirm == Confirm::None && step.kind != StepKind::Manual {
            return Ok(());
        }
        match self.operator.decide(step, &Question::Confirm).await {
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

    /// A step's action failed. It may have happened anyway: live state decides first. Then
    /// the operator chooses (with `ask`): None to retry, else how the step ends.
    async fn on_failure(&mut self, step: &Step, err: String, ask: bool) -> Option<StepEnd> {
        if let Some(post) = &step.postcondition
            && let Ok((obs, snap)) = self.observe().await
            && check_post(post, &self.ctx.cfg, &obs, &snap).is_ok()
        {
            self.log(Event::StepDone {
                step: step.id.clone(),
                note: Some(format!("verified from live state after an error: {err}")),
            });
            if step.id == "verify.gate" {
                self.gate_passed = true;
                self.log(Event::GatePassed);
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

    fn skip(&mut self, step: &Step, reason: String) -> StepEnd {
        let by = Some(self.operator.name());
        self.log(Event::StepSkipped {
            step: step.id.clone(),
            reason,
            by,
        });
        StepEnd::Skipped
    }

    /// The run stops at this step's question: nothing was sent for it.
    fn abort(&mut self, step: &Step, why: String, declined: bool) -> StepEnd {
        let by = Some(self.operator.name());
        self.log(Event::StepNotRun {
            step: step.id.clone(),
            reason: format!("stopped here: {why}"),
            by,
        });
        StepEnd::Aborted(format!("{}: {why}", step.id), declined)
    }

    async fn preconditions(&mut self, step: &Step) -> Result<(), String> {
        if step.preconditions.is_empty() {
            return Ok(());
        }
        // A failed read is not a failed check: look again a few times before blocking.
        let mut last = Ok(());
        for attempt in 0..3 {
            if attempt > 0 {
                tokio::time::sleep(self.ctx.verify_interval).await;
            }
            last = self.preconditions_once(step).await;
            if last.is_ok() {
                break;
            }
        }
        last
    }

    async fn preconditions_once(&mut self, step: &Step) -> Result<(), String> {
        let (obs, snap) = self.observe().await?;
        let fails: Vec<String> = step
            .preconditions
            .iter()
            .filter_map(|p| check_pre(p, &self.ctx.cfg, &obs, &snap, self.gate_passed).err())
            .collect();
        if fails.is_empty() {
            Ok(())
        } else {
            Err(fails.join("; "))
        }
    }

    /// Polls the postcondition until it holds or the step's timeout passes.
    async fn await_post(&mut self, step: &Step, note: &'static str) -> Result<(), String> {
        self.await_post_within(step, note, step.timeout).await
    }

    /// Polls the postcondition for at most `limit`; journals the step done once it holds.
    async fn await_post_within(
        &mut self,
        step: &Step,
        note: &'static str,
        limit: Duration,
    ) -> Result<(), String> {
        let item = Settling {
            step,
            sent: Sent::Answered,
            note,
            limit,
        };
        self.settle_all(vec![item]).await.remove(0).1
    }

    /// Follows one accepted request to its verified end.
    async fn settle_one(
        &mut self,
        step: &Step,
        sent: Sent,
        note: &'static str,
    ) -> Result<(), String> {
        let item = Settling {
            step,
            sent,
            note,
            limit: step.timeout,
        };
        self.settle_all(vec![item]).await.remove(0).1
    }

    /// Follows requests to their verified ends, all at once: progress and waits are journaled
    /// and shown as they come, and each step is journaled done the moment its own result is
    /// verified. Returns the results in the order given.
    async fn settle_all<'s>(
        &mut self,
        items: Vec<Settling<'s>>,
    ) -> Vec<(&'s Step, Result<(), String>)> {
        use futures_util::StreamExt;
        use futures_util::stream::FuturesUnordered;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let ctx = self.ctx;
        let reading = SharedReading {
            collector: &self.collector,
            fresh_for: ctx.verify_interval / 2,
            last: tokio::sync::Mutex::new(None),
        };
        let reading = &reading;
        let mut running: FuturesUnordered<_> = items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                let tx = tx.clone();
                async move {
                    let result = follow(ctx, reading, &item, &tx).await;
                    (i, item.step, item.note, result)
                }
            })
            .collect();
        drop(tx);
        let mut out = Vec::new();
        let (journal, operator) = (&mut self.journal, &mut *self.operator);
        loop {
            tokio::select! {
                // A step's progress is journaled before its end.
                biased;
                Some((id, w)) = rx.recv() => match w {
                    Waiting::Notice(text) => operator.notify(&format!("{id}: {text}")),
                    Waiting::Progress(status, percent) => journal_event(
                        ctx, journal, operator,
                        Event::Progress { step: id, status, percent },
                    ),
                },
                Some((i, step, note, result)) = running.next() => {
                    if result.is_ok() {
                        journal_event(ctx, journal, operator, Event::StepDone {
                            step: step.id.clone(),
                            note: Some(note.to_string()),
                        });
                    }
                    out.push((i, step, result));
                }
                else => break,
            }
        }
        out.sort_by_key(|(i, _, _)| *i);
        out.into_iter().map(|(_, step, r)| (step, r)).collect()
    }

    /// Sends the step's request. Some(sent) when Azure accepted it (to be settled); None when
    /// the step already ended here (no request needed, or an unanswered request whose effect
    /// shows in live state).
    async fn start(&mut self, step: &Step) -> Result<Option<Sent>, ActError> {
        let Some(action) = &step.action else {
            return self
                .await_post(step, "no request needed")
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
        let started = Instant::now();
        let submitted = send(&writer, action).await;
        let (method, path) = describe(action);
        match submitted {
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
                    client_request_id: None,
                });
                Ok(Some(sent))
            }
            Err(e) if matches!(e.kind, ErrorKind::Ambiguous(_)) => {
                // It may have happened: journal it as sent, then learn the truth from live state.
                self.log(Event::RequestSent {
                    step: step.id.clone(),
                    method,
                    path,
                    request_id: None,
                    client_request_id: e.client_request_id.clone(),
                });
                self.operator.notify(&format!("{}: {e}", step.id));
                // Watch live state for a while: an accepted operation shows quickly; if nothing
                // shows, the request did not take effect and the operator decides about a retry.
                self.await_post_within(
                    step,
                    "outcome of an unanswered request verified from live state",
                    step.timeout.min(Duration::from_secs(30)),
                )
                .await
                .map(|()| None)
                .map_err(|e| ActError::Failed(format!("the request was not answered and live state does not show it took effect ({e})")))
            }
            Err(e) => Err(ActError::Failed(e.to_string())),
        }
    }

    async fn record_loss_estimate(&mut self, step: &Step, action: &Action) {
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
}

/// How far `Runner::begin` took a step.
enum Begun {
    /// The step ended (done, skipped, stopped).
    End(StepEnd),
    /// Its request was accepted; what is left is to follow it (`Runner::settle_all`).
    Sent(Sent),
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

/// A step being followed to its end.
struct Settling<'s> {
    step: &'s Step,
    sent: Sent,
    /// What the journal says once it is verified.
    note: &'static str,
    /// How long the postcondition may take to hold.
    limit: Duration,
}

/// What a step being settled reports while it runs.
enum Waiting {
    Notice(String),
    Progress(String, Option<f64>),
}

/// Journals an event (with the operator told) from outside a `Runner` method borrow.
fn journal_event(
    ctx: &RunContext,
    journal: &mut Journal,
    operator: &mut dyn Operator,
    event: Event,
) {
    match journal.append(&rfc3339(ctx.reader.server_now()), event) {
        Ok(entry) => operator.journaled(&entry),
        Err(e) => tracing::error!("journal write failed: {e}"),
    }
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

impl SharedReading<'_> {
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

/// Follows one step's request to its end — the operation, then the postcondition, polled —
/// without touching the journal: progress and waits go out on `tx` (tagged with the step id).
async fn follow(
    ctx: &RunContext,
    reading: &SharedReading<'_>,
    item: &Settling<'_>,
    tx: &tokio::sync::mpsc::UnboundedSender<(String, Waiting)>,
) -> Result<(), String> {
    let step = item.step;
    let say = |w: Waiting| {
        let _ = tx.send((step.id.clone(), w));
    };
    if let Sent::Running(lro, started) = &item.sent {
        let mut last_pct = -100.0;
        let left = step.timeout.saturating_sub(started.elapsed());
        let waited = tokio::time::timeout(
            left,
            ctx.reader.wait(lro.clone(), &ctx.cancel, |p| {
                let pct = p.percent.unwrap_or(0.0);
                if pct - last_pct >= 10.0 {
                    last_pct = pct;
                    say(Waiting::Progress(p.status.clone(), p.percent));
                }
            }),
        )
        .await;
        match waited {
            Err(_) => {
                return Err(format!(
                    "the operation did not finish within {} s (it goes on in Azure)",
                    step.timeout.as_secs()
                ));
            }
            Ok(Err(e)) => return Err(e.to_string()),
            Ok(Ok(_)) => {}
        }
    }
    let Some(post) = &step.postcondition else {
        return Ok(());
    };
    let deadline = Instant::now() + item.limit;
    loop {
        let last = match reading.read().await {
            Ok(r) => match check_post(post, &ctx.cfg, &r.0, &r.1) {
                Ok(()) => return Ok(()),
                Err(e) => e,
            },
            Err(e) => e,
        };
        if Instant::now() >= deadline || ctx.cancel.is_cancelled() {
            return Err(format!(
                "not verified within {} s: {last}",
                item.limit.as_secs()
            ));
        }
        say(Waiting::Notice(format!("waiting — {last}")));
        tokio::time::sleep(ctx.verify_interval).await;
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
        Precondition::StandbyProvisioned { component: c } => {
            let c = component(snap, c)?;
            let bad: Vec<String> = c
                .checks
                .iter()
                .filter(|k| {
                    (k.name == "standby provisioned"
                        || k.name == "standby healthy"
                        || k.name == "readable")
                        && k.passed == Some(false)
                })
                .map(|k| format!("{}: {}", c.name, k.reason))
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
