//! The long-running-operation engine every provider shares: an accepted action answers 202 (or
//! 200) with the monitor headers its real resource provider sends (Azure-AsyncOperation and/or
//! Location, Retry-After), the monitors answer polls, and operations complete — by their
//! provider's rules (`providers::Action::complete`) — in the order they fell due.

use std::time::Duration;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::providers::Action;
use super::reply::{ArmError, Reply};
use super::routes::Request;
use super::world::World;
use crate::timefmt::rfc3339;

/// The state of a long-running operation.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum OpStatus {
    InProgress,
    Succeeded,
    Failed(ArmError),
}

/// What the Location monitor answers once the operation succeeded.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum FinalReply {
    /// 200 with no body.
    Empty,
    /// 204.
    NoContent,
    /// 200 with the resource as seen through this id.
    Resource(String),
}

/// A long-running operation.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Operation {
    pub id: String,
    pub resource: usize,
    pub action: Action,
    pub started: OffsetDateTime,
    pub completes: OffsetDateTime,
    pub status: OpStatus,
    pub ended: Option<OffsetDateTime>,
    /// Lowercase path of the Azure-AsyncOperation monitor, if it has one.
    pub async_path: Option<String>,
    /// Lowercase path of the Location monitor, if it has one.
    pub location_path: Option<String>,
    pub final_reply: FinalReply,
}

/// Which monitor headers an operation answers with, as the real resource provider does.
#[derive(Clone, Copy)]
pub enum Monitors {
    Location,
    Async,
    Both,
    /// Front Door writes the header in lowercase.
    AsyncLowercase,
}

/// How a provider's accepted action runs: what it does at the end, how long it takes, and how
/// its resource provider answers and names its monitors.
pub struct LroSpec {
    pub action: Action,
    pub duration_secs: u64,
    pub monitors: Monitors,
    pub namespace: &'static str,
    pub async_segment: &'static str,
    pub location_segment: &'static str,
    pub initial_status: u16,
    pub initial_body: Option<Value>,
    pub final_reply: FinalReply,
}

impl World {
    /// Applies everything due by now — scenario events and completed operations — in the
    /// order they fell due (an operation that ended before an outage succeeded, even when
    /// nobody asked until after it).
    pub fn advance(&mut self) {
        let elapsed = self.clock.elapsed_sim();
        let origin = self.clock.origin();
        let now = self.now();
        loop {
            let event = self
                .next_event_at()
                .filter(|t| *t <= elapsed)
                .map(|t| origin + t);
            let op = (0..self.ops.len())
                .filter(|&k| {
                    matches!(self.ops[k].status, OpStatus::InProgress)
                        && self.ops[k].completes <= now
                })
                .min_by_key(|&k| self.ops[k].completes);
            match (event, op) {
                (Some(e), Some(k)) if self.ops[k].completes < e => self.finish(k),
                (Some(_), _) => self.apply_next_event(),
                (None, Some(k)) => self.finish(k),
                (None, None) => break,
            }
        }
        self.refresh_replication();
    }

    /// Completes operation `k` when it falls due: its provider re-checks what must still hold
    /// (a region that went down meanwhile fails it), then the resource stops being busy.
    fn finish(&mut self, k: usize) {
        let resource = self.ops[k].resource;
        let result = self.ops[k].action.clone().complete(self, resource);
        let op = &mut self.ops[k];
        op.ended = Some(op.completes);
        op.status = match result {
            Ok(()) => OpStatus::Succeeded,
            Err(e) => OpStatus::Failed(e),
        };
        if let Some(p) = self.resources[resource].state.provider_mut() {
            p.settle();
        }
    }

    /// Accepts a provider's action on resource `i`: records the operation and answers with the
    /// monitor headers a client polls until the action has taken effect.
    pub fn start_lro(&mut self, req: &Request<'_>, i: usize, spec: LroSpec) -> Reply {
        let now = self.now();
        let id = uuid::Uuid::new_v4().to_string();
        // The region of the control plane the request went to (a SQL failover group's: the
        // server's it was sent through), else where the resource lives.
        let loc = match self.control_plane(i, req.path) {
            super::providers::ControlPlane::Regional(r) => r,
            super::providers::ControlPlane::Global => self.resources[i].home.clone(),
        };
        let loc = if loc.as_str() == "global" {
            self.primary.clone()
        } else {
            loc
        };
        let prefix = format!(
            "/subscriptions/{}/providers/{}/locations/{}",
            self.subscription, spec.namespace, loc
        );
        let async_path = format!("{prefix}/{}/{id}", spec.async_segment);
        let location_path = format!("{prefix}/{}/{id}", spec.location_segment);
        let url = |p: &str| format!("{}{p}?api-version={}", req.base_url, req.api_version);
        let (has_async, has_loc) = match spec.monitors {
            Monitors::Location => (false, true),
            Monitors::Async | Monitors::AsyncLowercase => (true, false),
            Monitors::Both => (true, true),
        };
        let completes = now + time::Duration::seconds(spec.duration_secs as i64);
        self.ops.push(Operation {
            id,
            resource: i,
            action: spec.action,
            started: now,
            completes,
            status: OpStatus::InProgress,
            ended: None,
            async_path: has_async.then(|| async_path.to_ascii_lowercase()),
            location_path: has_loc.then(|| location_path.to_ascii_lowercase()),
            final_reply: spec.final_reply,
        });
        let mut reply = Reply {
            status: spec.initial_status,
            headers: Vec::new(),
            body: spec.initial_body,
        };
        match spec.monitors {
            Monitors::AsyncLowercase => {
                reply = reply.header("azure-asyncoperation", url(&async_path))
            }
            _ if has_async => reply = reply.header("Azure-AsyncOperation", url(&async_path)),
            _ => {}
        }
        if has_loc {
            reply = reply.header("Location", url(&location_path));
        }
        let wait = self.retry_after(completes);
        reply.header("Retry-After", wait.to_string())
    }

    /// Real seconds a client should wait before polling again: about a quarter of what is
    /// left, so progress shows, at least 1 and at most 10.
    fn retry_after(&self, completes: OffsetDateTime) -> u64 {
        let sim_left = (completes - self.now()).as_seconds_f64().max(0.0);
        let real_left = self
            .clock
            .real(Duration::from_secs_f64(sim_left))
            .as_secs_f64();
        ((real_left / 4.0).ceil() as u64).clamp(1, 10)
    }

    /// Answers a monitor URL of a long-running operation, if `path` is one, the way the
    /// operation's resource provider does.
    pub fn monitor(&self, path: &str, req: &Request<'_>) -> Option<Reply> {
        let lower = path.to_ascii_lowercase();
        let op = self.ops.iter().find(|o| {
            o.async_path.as_deref() == Some(lower.as_str())
                || o.location_path.as_deref() == Some(lower.as_str())
        })?;
        if req.method != "GET" {
            return Some(
                ArmError::new(
                    405,
                    "MethodNotAllowed",
                    "Operation monitors answer GET only.",
                )
                .into(),
            );
        }
        if op.async_path.as_deref() == Some(lower.as_str()) {
            return Some(self.async_status(op, path));
        }
        Some(match &op.status {
            OpStatus::InProgress => Reply::empty(202)
                .header(
                    "Location",
                    format!("{}{}?api-version={}", req.base_url, path, req.api_version),
                )
                .header("Retry-After", self.retry_after(op.completes).to_string()),
            OpStatus::Failed(e) => e.clone().into(),
            OpStatus::Succeeded => match &op.final_reply {
                FinalReply::Empty => Reply::empty(200),
                FinalReply::NoContent => Reply::empty(204),
                FinalReply::Resource(id) => match self.find(id) {
                    Some((i, _)) => Reply::ok(self.render(i, id, false)),
                    None => ArmError::not_found(id).into(),
                },
            },
        })
    }

    /// The Azure-AsyncOperation status body: progress while it runs, the error if it failed.
    fn async_status(&self, op: &Operation, path: &str) -> Reply {
        let total = (op.completes - op.started).as_seconds_f64().max(1.0);
        let done = ((self.now() - op.started).as_seconds_f64() / total * 100.0).clamp(0.0, 100.0);
        let (status, pct, error) = match &op.status {
            OpStatus::InProgress => ("InProgress", done.floor().min(99.0), None),
            OpStatus::Succeeded => ("Succeeded", 100.0, None),
            OpStatus::Failed(e) => (
                "Failed",
                done.floor(),
                Some(json!({"code": e.code, "message": e.message})),
            ),
        };
        let mut body = json!({
            "id": path, "name": op.id, "status": status,
            "startTime": rfc3339(op.started), "percentComplete": pct,
        });
        if let Some(end) = op.ended {
            body["endTime"] = json!(rfc3339(end));
        }
        if let Some(e) = error {
            body["error"] = e;
        }
        let mut reply = Reply::ok(body);
        if matches!(op.status, OpStatus::InProgress) {
            reply = reply.header("Retry-After", self.retry_after(op.completes).to_string());
        }
        reply
    }
}
