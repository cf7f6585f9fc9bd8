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
                    // Only the operation's own end says it failed: a monitor that answers an
                    // error says nothing of the operation, which may have been carried out. A
                    // monitor that keeps answering errors (three times, each after the
                    // client's own retries) leaves the outcome unknown: live state decides,
                    // and a one-shot request is never sent again on that guess.
                    Ok(Err(e)) => {
                        if monitor_answered(&e) {
                            answered_errors += 1;
                            if answered_errors >= 3 {
                                return Err(NotSettled::unknown(format!(
                                    "its operation's status could not be read: the monitor answers {e}; whether it took effect is decided from live state"
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

/// Whether an operation's monitor answered with an error (after the client's retries): what,
/// three times in a row, leaves the operation's outcome unknown. No answer at all (a timeout,
/// a broken connection) starts the count again: a region that does not answer is waited for
/// within the step's timeout.
fn monitor_answered(e: &crate::azure::AzureError) -> bool {
    matches!(e.kind, ErrorKind::Api { .. })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::AzureError;

    fn api(status: u16) -> AzureError {
        AzureError::new(
            ErrorKind::Api {
                status,
                code: "X".into(),
                message: String::new(),
            },
            "GET",
            "/subscriptions/s/providers/Microsoft.Storage/locations/eastus/asyncoperations/1",
        )
    }

    #[test]
    fn a_monitor_that_answers_errors_counts_and_one_that_is_silent_does_not() {
        for status in [500, 503, 429, 404, 403] {
            assert!(monitor_answered(&api(status)), "{status}");
        }
        let deadline = AzureError::new(ErrorKind::Deadline { after_ms: 10 }, "GET", "/x");
        assert!(!monitor_answered(&deadline));
    }
}
