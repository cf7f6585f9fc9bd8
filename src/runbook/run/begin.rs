//! A step up to its request: resume checks, preconditions, confirmation, then sending the
//! action — its intent journaled (write-ahead) before it leaves — and the loss estimate of a
//! data-losing one.

use std::time::Instant;

use crate::azure::Submitted;
use crate::runbook::journal::Event;
use crate::runbook::model::*;
use crate::runbook::operator::{Decision, Question};
use crate::timefmt::rfc3339;

use super::Stopped;
use super::arm::{describe, send};
use super::doubt::{Doubt, in_doubt};
use super::resume::Prior;
use super::runner::{ActError, PreFail, Runner, StepEnd, Waited};

/// How many times one step sends an idempotent request whose answers are all lost.
const MAX_SENDS_IN_DOUBT: u32 = 3;

impl Runner<'_> {
    /// A step up to its request: resume checks, preconditions, confirmation, then the action.
    /// With `defer`, an accepted request is returned to be followed later (`Begun::Sent`);
    /// everything else ends the step here.
    pub(super) async fn begin(&self, step: &Step, prior: Option<&Prior>, defer: bool) -> Begun {
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
                blocked = self.check_post_now(step, post).await;
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
                    Some(post) => match self.check_post_now(step, post).await {
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

    /// Sends the step's request, its intent journaled (fsynced) first. Some(sent) when Azure
    /// accepted it (to be followed); None when the step already ended here (no request needed,
    /// or a request whose answer was lost and whose effect live state shows). A request whose
    /// answer was lost (a dropped connection, a timeout, a 5xx) is in doubt: it is judged by
    /// its effect and never sent again on a guess.
    pub(super) async fn start(&self, step: &Step) -> Result<Option<Sent>, ActError> {
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
        // An idempotent request in doubt is sent again while live state shows it did not take
        // effect — a few times, not for ever: answers that keep getting lost are a network to
        // look at, and the run stops there (resumable) instead of writing on and on.
        let mut resends = 0u32;
        loop {
            // ARM's write bucket keeps the run's reserve: wait for it before the intent.
            self.spare_writes(step).await;
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
                Doubt::Resend if resends + 1 < MAX_SENDS_IN_DOUBT => resends += 1,
                Doubt::Resend => {
                    let msg = format!(
                        "{}: sent {MAX_SENDS_IN_DOUBT} times and every answer was lost ({e}); live state does not show it applied. Check the network to Azure, then run again: the step is judged again from live state",
                        step.id
                    );
                    self.log(Event::InDoubt {
                        step: step.id.clone(),
                        evidence: msg.clone(),
                    });
                    self.log(Event::StepFailed {
                        step: step.id.clone(),
                        error: msg.clone(),
                    });
                    return Err(ActError::End(StepEnd::Stopped(Stopped::InDoubt, msg)));
                }
                Doubt::End(end) => return Err(ActError::End(end)),
            }
        }
    }

    pub(super) async fn record_loss_estimate(&self, step: &Step, action: &Action) {
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

/// How far `Runner::begin` took a step.
pub(super) enum Begun {
    /// The step ended (done, skipped, stopped).
    End(StepEnd),
    /// Its request was accepted; what is left is to follow it (`Runner::follow`).
    Sent(Sent),
}

/// A request Azure accepted, whose result is still to come.
pub(super) enum Sent {
    /// A long-running operation, and when the step's request left.
    Running(crate::azure::Lro, Instant),
    /// Answered at once: only the postcondition is left to see.
    Answered,
    /// Sent before an interruption: live state says whether it took effect (never resent).
    BeforeResume,
}
