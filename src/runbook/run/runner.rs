//! The executor of one run (`Runner`; `execute` walks the runbook's steps with it): journaling,
//! one step from its start to its end, confirmations, waiting for a verify step, preconditions,
//! and what a failure leaves to decide. Sending, following and doubt live in `begin`, `settle`
//! and `doubt`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use crate::health::Snapshot;
use crate::health::collect::Observations;
use crate::runbook::journal::{Event, Journal};
use crate::runbook::model::*;
use crate::runbook::operator::{Decision, Operator, Question, StepUpdate};
use crate::timefmt::{human, rfc3339};

use super::begin::{Begun, Sent};
use super::checks::{check_post, check_pre};
use super::doubt::in_progress;
use super::live::{LiveReader, SharedReading, unreadable_for, unreadable_post};
use super::resume::Prior;
use super::scope::{self, Scope};
use super::settle::NotSettled;
use super::{RunContext, Stopped};

pub(super) enum StepEnd {
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
pub(super) struct Runner<'a> {
    pub(super) ctx: &'a RunContext,
    /// Reads live state: a step's checks read only what they look at (`scope`).
    pub(super) live: LiveReader<'a>,
    pub(super) reading: SharedReading<'a>,
    pub(super) journal: Mutex<Journal>,
    pub(super) operator: &'a dyn Operator,
    pub(super) gate_passed: AtomicBool,
    pub(super) priors: HashMap<String, Prior>,
}

/// A followed step's end: the step, its result, and whether its request left before a resume.
pub(super) type Followed<'s> = (&'s Step, Result<(), NotSettled>, bool);

impl<'a> Runner<'a> {
    /// Journals an event and shows it to the operator. A write that fails is told to the
    /// operator as a warning (the write-ahead rule that stops the run on it is the journal's own).
    pub(super) fn log(&self, event: Event) {
        let at = rfc3339(self.ctx.reader.server_now());
        let written = self
            .journal
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .append(&at, event);
        match written {
            Ok(entry) => self.operator.journaled(&entry),
            Err(e) => self.operator.warn(&format!("journal write failed: {e}")),
        }
    }

    /// Journals an event that must be on disk before the run goes on (a request's intent).
    pub(super) fn log_required(&self, event: Event) -> Result<(), String> {
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
    pub(super) fn journal_broken(&self) -> Option<String> {
        self.journal
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .broken()
            .map(str::to_string)
    }

    pub(super) fn gate(&self) -> bool {
        self.gate_passed.load(Ordering::SeqCst)
    }

    pub(super) fn pass_gate(&self) {
        self.gate_passed.store(true, Ordering::SeqCst);
        self.log(Event::GatePassed);
    }

    /// One pass over what `scope` reads.
    pub(super) async fn observe(&self, scope: &Scope) -> Result<(Observations, Snapshot), String> {
        self.live.once(scope).await
    }

    /// Runs one step to its end.
    pub(super) async fn step(&self, step: &Step) -> StepEnd {
        self.step_from(step, self.priors.get(&step.id)).await
    }

    pub(super) async fn step_from(&self, step: &Step, prior: Option<&Prior>) -> StepEnd {
        match self.begin(step, prior, false).await {
            Begun::End(end) => end,
            // Not deferred: `begin` settles what it sends.
            Begun::Sent(sent) => match self.follow(step, sent, step.timeout).await {
                Ok(()) => StepEnd::Done,
                Err(e) => StepEnd::Failed(format!("{}: {e}", step.id)),
            },
        }
    }

    /// Asks for the step's confirmation (when it needs one) and journals who gave it. While a
    /// data-losing confirmation is open, its loss is re-read every second and shown.
    pub(super) async fn confirm(&self, step: &Step) -> Result<(), StepEnd> {
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
    pub(super) async fn watch_loss(&self, step: &Step, id: &str) {
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
    pub(super) async fn wait_for(&self, step: &Step) -> Waited {
        let Some(post) = &step.postcondition else {
            return Waited::Held;
        };
        let first = match self.check_post_now(step, post).await {
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
                match self.check_post_now(step, post).await {
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

    /// One live reading of a step's postcondition (of what it and the step's own components
    /// need), with transient read errors retried.
    pub(super) async fn check_post_now(
        &self,
        step: &Step,
        post: &Postcondition,
    ) -> Result<(), PreFail> {
        let needs = scope::own(step, &self.ctx.cfg).union(&scope::of_post(post, &self.ctx.cfg));
        let mut last = Err(PreFail::Unreadable(String::new()));
        for attempt in 0..3 {
            if attempt > 0 {
                let pause = self.ctx.verify_interval.min(Duration::from_secs(2));
                tokio::time::sleep(pause.mul_f64(0.5 + fastrand::f64() * 0.5)).await;
            }
            match self.live.merged(&needs, self.ctx.verify_interval).await {
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
    pub(super) async fn on_failure(&self, step: &Step, err: String, ask: bool) -> Option<StepEnd> {
        let live = self
            .observe(&scope::of_result(step, &self.ctx.cfg))
            .await
            .ok();
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

    pub(super) fn skip(&self, step: &Step, reason: String) -> StepEnd {
        let by = Some(self.operator.name());
        self.log(Event::StepSkipped {
            step: step.id.clone(),
            reason,
            by,
        });
        StepEnd::Skipped
    }

    /// The run stops at this step's question: nothing was sent for it.
    pub(super) fn abort(&self, step: &Step, why: String, declined: bool) -> StepEnd {
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
    pub(super) async fn preconditions(&self, step: &Step) -> Result<(), PreFail> {
        if step.preconditions.is_empty() {
            return Ok(());
        }
        // Still undecided or decided against: index → how often readings decided against it,
        // and why.
        let mut open: Vec<usize> = (0..step.preconditions.len()).collect();
        let mut against: HashMap<usize, (u32, String)> = HashMap::new();
        let mut unread = String::new();
        let needs = scope::of_preconditions(step, &self.ctx.cfg);
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
            let reading = self.live.merged(&needs, self.ctx.verify_interval).await;
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
}

pub(super) enum ActError {
    ReadOnly(String),
    Failed(String),
    /// The intent could not be journaled: nothing was sent, and nothing more may be.
    Journal(String),
    /// The step ended while its request was in doubt (skipped, stopped, aborted).
    End(StepEnd),
}

/// Why preconditions did not hold.
pub(super) enum PreFail {
    /// Decided from live state.
    Blocked(String),
    /// What they look at could not be read: nothing was decided.
    Unreadable(String),
}

/// How a verify step's wait ended.
pub(super) enum Waited {
    Held,
    /// The operator stopped waiting (skip or abort).
    Stopped(StepEnd),
    TimedOut(String),
}
