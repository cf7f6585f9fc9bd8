//! Requests in doubt (an answer lost): judging them from live state, resending only what is
//! idempotent, and asking the operator when live state cannot tell.

use std::time::Duration;

use crate::azure::models::*;
use crate::azure::{AzureError, ErrorKind};
use crate::health::collect::{Observations, Reading};
use crate::runbook::journal::Event;
use crate::runbook::model::*;
use crate::runbook::operator::{Decision, Question};

use super::Stopped;
use super::arm::describe;
use super::checks::check_post;
use super::live::{reading, unreadable_in};
use super::runner::{Runner, StepEnd};

impl Runner<'_> {
    /// A request in doubt: live state decides — done, in progress (followed), not applied
    /// (an idempotent request is sent again; a one-shot one is not) — and when it cannot, the
    /// operator does, with the evidence (a scripted run stops: only a person can check).
    pub(super) async fn resolve_doubt(&self, step: &Step, why: &str) -> Doubt {
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
                    "the outcome of {} is unknown ({why}) and live state does not show its effect yet ({seen}); a one-shot request is never sent again on a guess",
                    step.action
                        .as_ref()
                        .map(|a| describe(a).0)
                        .unwrap_or_default()
                ),
                Judged::Unknown(read) => {
                    format!(
                        "its outcome is unknown ({why}) and live state could not be read ({read})"
                    )
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
    pub(super) async fn judge(&self, step: &Step) -> Judged {
        let mut last = Judged::Unknown("not read".into());
        for attempt in 0..4 {
            if attempt > 0 {
                tokio::time::sleep(self.ctx.verify_interval.min(Duration::from_secs(5))).await;
            }
            let (obs, snap) = match self
                .observe(&super::scope::of_result(step, &self.ctx.cfg))
                .await
            {
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
}

/// What live state says about a request in doubt.
pub(super) enum Judged {
    Done,
    InProgress(String),
    /// Its effect is not there (what live state shows instead).
    NotApplied(String),
    /// Live state could not be read.
    Unknown(String),
}

/// How a request in doubt was resolved.
pub(super) enum Doubt {
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
pub(super) fn in_doubt(e: &AzureError) -> bool {
    match &e.kind {
        ErrorKind::Ambiguous(_) => true,
        ErrorKind::Api { status, .. } => *status >= 500,
        ErrorKind::Malformed(_) => true,
        _ => false,
    }
}

/// Whether sending an action twice is harmless: it sets a desired state (PUT/PATCH of the
/// same body), unlike a one-shot action (a failover, a promotion, a start).
pub(super) fn idempotent(a: &Action) -> bool {
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
pub(super) fn in_progress(a: &Action, obs: &Observations) -> Option<String> {
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
