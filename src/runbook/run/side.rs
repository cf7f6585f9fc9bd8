//! The side-by-side phases (data, then compute): steps checked, confirmed and sent one
//! question at a time while the operations already sent are followed together.

use std::collections::{HashSet, VecDeque};
use std::time::Instant;

use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use futures_util::stream::FuturesUnordered;

use crate::runbook::journal::Event;
use crate::runbook::model::*;

use super::begin::{Begun, Sent};
use super::doubt::Doubt;
use super::resume::Prior;
use super::runner::{Followed, Runner, StepEnd};
use super::settle::NotSettled;

impl Runner<'_> {
    /// Runs the steps of the side-by-side phases (data, then compute) together: each is
    /// checked, confirmed and sent in turn — one question at a time — while the operations
    /// already sent are followed, so the compute phase starts while the data operations are in
    /// flight. A step that must wait for another (`after`: an AKS pool scale after its
    /// cluster's start) is begun once that one is verified. Each step is journaled done the
    /// moment its own result is verified; a failure is handled once the others have settled
    /// (retry, skip or stop, as for a single step); an abort stops at once.
    pub(super) async fn side_by_side<'s>(&'s self, steps: &'s [Step]) -> StepEnd {
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
}
