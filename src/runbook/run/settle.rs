//! Following an accepted request to its verified end: the long-running operation, then the
//! postcondition; `NotSettled` says whether a failure is definite or leaves it in doubt.

use std::time::{Duration, Instant};

use crate::azure::ErrorKind;
use crate::runbook::journal::Event;
use crate::runbook::model::*;

use super::begin::Sent;
use super::checks::check_post;
use super::runner::Runner;

impl Runner<'_> {
    /// Follows a request to its verified end — the operation, then the postcondition, polled
    /// for at most `limit` — journaling progress as it comes and the step done once verified.
    pub(super) async fn follow(
        &self,
        step: &Step,
        sent: Sent,
        limit: Duration,
    ) -> Result<(), String> {
        self.settle(step, sent, limit).await.map_err(|e| e.msg)
    }

    /// `follow`, saying whether a failure is definite (Azure reported the operation failed: it
    /// may be sent again) or only unsettled (its status or effect could not be seen: in doubt).
    pub(super) async fn settle(
        &self,
        step: &Step,
        sent: Sent,
        limit: Duration,
    ) -> Result<(), NotSettled> {
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
        let needs = super::scope::of_result(step, &ctx.cfg);
        loop {
            let last = match self.reading.read(&needs).await {
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
}

/// Why an accepted request did not settle: `definite` when Azure reported the operation failed
/// (sending it again is safe), else its outcome is unknown (in doubt: never re-sent on a guess).
pub(super) struct NotSettled {
    pub(super) msg: String,
    pub(super) definite: bool,
}

impl NotSettled {
    pub(super) fn failed(msg: String) -> NotSettled {
        NotSettled {
            msg,
            definite: true,
        }
    }

    pub(super) fn unknown(msg: String) -> NotSettled {
        NotSettled {
            msg,
            definite: false,
        }
    }
}
