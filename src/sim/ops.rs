//! The ARM operations the simulator answers: reads, the failover actions of every kind, and the
//! long-running-operation protocol (202 + Azure-AsyncOperation and/or Location, Retry-After).

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::render;
use super::reply::{ArmError, Reply};
use super::world::{DataLoss, State, World, write_region};
use crate::region::Region;
use crate::timefmt::rfc3339;

/// One request, as the ARM layer sees it (auth and api-version already checked).
#[derive(Debug)]
pub struct Request<'a> {
    pub method: &'a str,
    /// The path as sent (case kept).
    pub path: &'a str,
    /// Query parameters with lowercase names.
    pub query: &'a BTreeMap<String, String>,
    pub body: Option<Value>,
    /// `http://host:port` of this server, for absolute monitor URLs.
    pub base_url: &'a str,
    pub api_version: &'a str,
}

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

/// What an operation does when it completes.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Action {
    StorageFailover { planned: bool },
    SqlFailover { target: usize, mode: SqlMode },
    CosmosPriority { order: Vec<(Region, u32)> },
    CosmosOffline(Region),
    CosmosOnline(Region),
    AksPower { start: bool },
    AksPool { pool: String, count: u32 },
    ComputeScale { min: u32, max: u32 },
    EndpointTraffic { traffic: BTreeMap<String, u32> },
    DeploymentScale { name: String, capacity: u32 },
    OriginUpdate { name: String },
    FlexPromote { switchover: bool, forced: bool },
}

/// The three SQL failover actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SqlMode {
    Planned,
    Forced,
    TryPlanned,
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
enum Monitors {
    Location,
    Async,
    Both,
    /// Front Door writes the header in lowercase.
    AsyncLowercase,
}

struct LroSpec {
    action: Action,
    duration_secs: u64,
    monitors: Monitors,
    namespace: &'static str,
    async_segment: &'static str,
    location_segment: &'static str,
    initial_status: u16,
    initial_body: Option<Value>,
    final_reply: FinalReply,
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

    /// Completes operation `k` (it fell due).
    fn finish(&mut self, k: usize) {
        let result = self.complete(k);
        let op = &mut self.ops[k];
        op.ended = Some(op.completes);
        op.status = match result {
            Ok(()) => OpStatus::Succeeded,
            Err(e) => OpStatus::Failed(e),
        };
        let resource = op.resource;
        self.settle(resource);
    }

    /// Clears the "busy/updating" marks an operation set, whatever its outcome.
    fn settle(&mut self, i: usize) {
        match &mut self.resources[i].state {
            State::Storage(s) => s.failover_in_progress = false,
            State::SqlFg(fg) => fg.busy = false,
            State::Cosmos(c) => c.busy = false,
            State::Aks(a) => {
                a.provisioning = "Succeeded";
                for p in &mut a.pools {
                    p.provisioning = "Succeeded";
                }
            }
            State::Compute(c) => c.updating = false,
            State::Endpoint(e) => {
                e.provisioning = "Succeeded";
                for d in &mut e.deployments {
                    d.provisioning = "Succeeded";
                }
            }
            State::FrontDoor { origins } => origins.iter_mut().for_each(|o| o.updating = false),
            State::Postgres(f) | State::Mysql(f) => f.state = "Ready",
            _ => {}
        }
    }

    /// Records what a forced failover of resource `i` lost: the replication lag at `now`.
    fn record_loss(&mut self, i: usize, lag: f64, now: OffsetDateTime) {
        self.data_loss.push(DataLoss {
            resource: self.resources[i].id.to_string(),
            seconds: lag,
            at: now,
        });
    }

    fn unavailable(region: &Region) -> ArmError {
        ArmError::new(
            503,
            "ServiceUnavailable",
            format!("The operation could not be completed: region '{region}' is unavailable."),
        )
    }

    /// Applies a finished operation's effect, re-checking what must still hold.
    fn complete(&mut self, k: usize) -> Result<(), ArmError> {
        let i = self.ops[k].resource;
        let action = self.ops[k].action.clone();
        let now = self.now();
        let region_up: BTreeMap<Region, bool> = self
            .regions
            .keys()
            .map(|r| (r.clone(), self.region_up(r)))
            .collect();
        let up = |r: &Region| region_up.get(r).copied().unwrap_or(true);
        let home = self.resources[i].home.clone();
        match (&mut self.resources[i].state, action) {
            (State::Storage(s), Action::StorageFailover { planned }) => {
                let Some(sec) = s.secondary.clone() else {
                    return Err(ArmError::bad_request(
                        "FailoverNotSupported",
                        "The account has no secondary region.",
                    ));
                };
                if !up(&sec) {
                    return Err(Self::unavailable(&sec));
                }
                if planned {
                    if !up(&s.primary) {
                        return Err(ArmError::new(
                            409,
                            "PlannedFailoverNotPossible",
                            format!(
                                "A planned failover needs both regions available; '{}' is not. Use an unplanned failover.",
                                s.primary
                            ),
                        ));
                    }
                    s.secondary = Some(std::mem::replace(&mut s.primary, sec));
                } else {
                    s.primary = sec;
                    s.secondary = None;
                    s.sku = if s.sku.contains("GZRS") {
                        "Standard_ZRS"
                    } else {
                        "Standard_LRS"
                    }
                    .into();
                    s.replication.frozen_at = None;
                }
                s.last_geo_failover = Some(now);
                Ok(())
            }
            (State::SqlFg(fg), Action::SqlFailover { target, mode }) => {
                let old = fg.primary;
                if !up(&fg.servers[target].1) {
                    return Err(Self::unavailable(&fg.servers[target].1));
                }
                let old_up = up(&fg.servers[old].1);
                if mode == SqlMode::Planned && !old_up {
                    return Err(ArmError::bad_request(
                        "PlannedFailoverTimedOut",
                        format!(
                            "The planned failover of '{}' timed out: the primary server in '{}' did not respond. Use a forced failover (forceFailoverAllowDataLoss).",
                            fg.name, fg.servers[old].1
                        ),
                    ));
                }
                fg.primary = target;
                if !old_up {
                    fg.replication.frozen_at = None;
                }
                Ok(())
            }
            (State::Cosmos(c), Action::CosmosPriority { order }) => {
                let new_write = order.iter().find(|(_, p)| *p == 0).map(|(r, _)| r.clone());
                let cur_write = write_region(c);
                for r in [new_write, cur_write].into_iter().flatten() {
                    if !up(&r) {
                        return Err(ArmError::new(
                            503,
                            "ServiceUnavailable",
                            format!(
                                "Failover priority change failed: region '{}' is unavailable. A manual failover needs every involved region healthy; use offlineRegion during an outage.",
                                r.display_name()
                            ),
                        ));
                    }
                }
                for cr in &mut c.regions {
                    if let Some((_, p)) = order.iter().find(|(r, _)| *r == cr.region) {
                        cr.priority = *p;
                    }
                }
                Ok(())
            }
            (State::Cosmos(c), Action::CosmosOffline(region)) => {
                if let Some(cr) = c.regions.iter_mut().find(|cr| cr.region == region) {
                    cr.offline = true;
                }
                // The next online region by priority takes the writes.
                c.replication.frozen_at = None;
                Ok(())
            }
            (State::Cosmos(c), Action::CosmosOnline(region)) => {
                if !up(&region) {
                    return Err(Self::unavailable(&region));
                }
                let max = c.regions.iter().map(|cr| cr.priority).max().unwrap_or(0);
                if let Some(cr) = c.regions.iter_mut().find(|cr| cr.region == region) {
                    cr.offline = false;
                    // A region that comes back joins as the last read region: switching back is manual.
                    cr.priority = max + 1;
                }
                normalise_priorities(c);
                Ok(())
            }
            (State::Aks(a), Action::AksPower { start }) => {
                if !up(&home) {
                    return Err(Self::unavailable(&home));
                }
                a.running = start;
                Ok(())
            }
            (State::Aks(a), Action::AksPool { pool, count }) => {
                if !up(&home) {
                    return Err(Self::unavailable(&home));
                }
                if let Some(p) = a
                    .pools
                    .iter_mut()
                    .find(|p| p.name.eq_ignore_ascii_case(&pool))
                {
                    p.count = count;
                }
                Ok(())
            }
            (State::Compute(c), Action::ComputeScale { min, max }) => {
                if !up(&home) {
                    return Err(Self::unavailable(&home));
                }
                c.min_nodes = min;
                c.max_nodes = max;
                c.current_nodes = min;
                Ok(())
            }
            (State::Endpoint(e), Action::EndpointTraffic { traffic }) => {
                if !up(&home) {
                    return Err(Self::unavailable(&home));
                }
                e.traffic = traffic;
                Ok(())
            }
            (State::Endpoint(e), Action::DeploymentScale { name, capacity }) => {
                if !up(&home) {
                    return Err(ArmError::new(
                        503,
                        "ServiceUnavailable",
                        format!(
                            "Not enough capacity in '{home}' to scale deployment '{name}': the region is unavailable."
                        ),
                    ));
                }
                if let Some(d) = e.deployments.iter_mut().find(|d| d.name == name) {
                    d.capacity = capacity;
                }
                Ok(())
            }
            (State::FrontDoor { .. }, Action::OriginUpdate { .. }) => Ok(()),
            (State::Postgres(_) | State::Mysql(_), Action::FlexPromote { switchover, forced }) => {
                self.complete_promote(i, switchover, forced)
            }
            (_, action) => Err(ArmError::new(
                500,
                "InternalServerError",
                format!("unexpected operation {action:?}"),
            )),
        }
    }

    fn complete_promote(
        &mut self,
        i: usize,
        switchover: bool,
        forced: bool,
    ) -> Result<(), ArmError> {
        let home = self.resources[i].home.clone();
        if !self.region_up(&home) {
            return Err(Self::unavailable(&home));
        }
        let (State::Postgres(f) | State::Mysql(f)) = &self.resources[i].state else {
            unreachable!()
        };
        let Some(src) = f.source else {
            return Err(ArmError::bad_request(
                "ServerIsNotReplica",
                "The server is no longer a replica.",
            ));
        };
        let src_up = self.region_up(&self.resources[src].home);
        if !forced && !src_up {
            return Err(ArmError::bad_request(
                "PlannedPromotionNotPossible",
                format!(
                    "A planned promotion needs the primary server '{}' to be reachable to synchronise; its region is unavailable. Use promoteOption 'forced'.",
                    self.resources[src].id.name()
                ),
            ));
        }
        if let State::Postgres(f) | State::Mysql(f) = &mut self.resources[i].state {
            f.role = if switchover { "Primary" } else { "None" };
            f.source = None;
            f.replication.frozen_at = None;
        }
        if let State::Postgres(old) | State::Mysql(old) = &mut self.resources[src].state {
            if switchover {
                old.role = "AsyncReplica";
                old.source = Some(i);
                old.replication = Default::default();
                old.replication.lag_secs = 4.0;
            } else if old.role == "Primary" {
                old.role = "None";
            }
        }
        Ok(())
    }

    fn start_lro(&mut self, req: &Request<'_>, i: usize, spec: LroSpec) -> Reply {
        let now = self.now();
        let id = uuid::Uuid::new_v4().to_string();
        let loc = self.resources[i].home.clone();
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

    /// Answers a monitor URL of a long-running operation, if `path` is one.
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
            let total = (op.completes - op.started).as_seconds_f64().max(1.0);
            let done =
                ((self.now() - op.started).as_seconds_f64() / total * 100.0).clamp(0.0, 100.0);
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
            return Some(reply);
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
                    Some((i, _)) => Reply::ok(render::resource(self, i, id, false)),
                    None => ArmError::not_found(id).into(),
                },
            },
        })
    }

    /// Answers an ARM request.
    pub fn handle(&mut self, req: &Request<'_>) -> Result<Reply, ArmError> {
        if let Some(reply) = self.monitor(req.path, req) {
            return Ok(reply);
        }
        let lower = req.path.to_ascii_lowercase();
        let segs: Vec<&str> = lower.trim_matches('/').split('/').collect();
        // Subscription and resource-group scoped Resource Health.
        if segs.len() >= 2 && segs[0] == "subscriptions" {
            if segs[1] != self.subscription.to_ascii_lowercase() {
                return Err(ArmError::new(
                    404,
                    "SubscriptionNotFound",
                    format!("The subscription '{}' could not be found.", segs[1]),
                ));
            }
            if segs.len() == 8
                && segs[2] == "resourcegroups"
                && segs[4..] == ["providers", "microsoft.resources", "tags", "default"]
            {
                return self.rg_tags_op(req, segs[3]);
            }
            let tail = segs[2..].join("/");
            let rg = (segs.len() >= 4 && segs[2] == "resourcegroups").then(|| segs[3]);
            let rg_tail = if segs.len() >= 4 {
                segs[4..].join("/")
            } else {
                String::new()
            };
            if req.method == "GET" {
                if tail == "providers/microsoft.resourcehealth/availabilitystatuses" {
                    return Ok(self.list_availability(req, None));
                }
                if let (Some(rg), "providers/microsoft.resourcehealth/availabilitystatuses") =
                    (rg, rg_tail.as_str())
                {
                    return Ok(self.list_availability(req, Some(rg)));
                }
                if tail == "providers/microsoft.resourcehealth/events" {
                    return Ok(Reply::ok(render::events(self)));
                }
            }
        }
        let Some((i, rest)) = self.find(req.path) else {
            return Err(ArmError::not_found(req.path));
        };
        let rest_lower = rest.to_ascii_lowercase();
        let rest_l = rest_lower.trim_end_matches('/');
        match (req.method, rest_l) {
            ("GET", "/providers/microsoft.resourcehealth/availabilitystatuses/current") => {
                return Ok(Reply::ok(render::availability(self, i)));
            }
            ("GET", "/providers/microsoft.resourcehealth/availabilitystatuses") => {
                return Ok(Reply::ok(json!({"value": [render::availability(self, i)]})));
            }
            ("GET", "") => {
                let expand = req
                    .query
                    .get("$expand")
                    .is_some_and(|e| e.to_ascii_lowercase().contains("georeplicationstats"));
                return Ok(Reply::ok(render::resource(self, i, req.path, expand)));
            }
            _ => {}
        }
        self.kind_operation(req, i, rest)
    }

    /// The Tags API on a resource group (`{rg}/providers/Microsoft.Resources/tags/default`).
    fn rg_tags_op(&mut self, req: &Request<'_>, rg: &str) -> Result<Reply, ArmError> {
        let known = self
            .resources
            .iter()
            .any(|r| r.id.resource_group().eq_ignore_ascii_case(rg));
        if !known {
            return Err(ArmError::new(
                404,
                "ResourceGroupNotFound",
                format!("Resource group '{rg}' could not be found."),
            ));
        }
        let key = rg.to_ascii_lowercase();
        let body = req.body.clone().unwrap_or(Value::Null);
        let given: BTreeMap<String, String> = body
            .pointer("/properties/tags")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let tags = self.rg_tags.entry(key).or_default();
        match req.method {
            "GET" => {}
            "PUT" => *tags = given,
            "PATCH" => match body
                .get("operation")
                .and_then(Value::as_str)
                .unwrap_or("Merge")
            {
                o if o.eq_ignore_ascii_case("merge") => tags.extend(given),
                o if o.eq_ignore_ascii_case("replace") => *tags = given,
                o if o.eq_ignore_ascii_case("delete") => tags.retain(|k, _| !given.contains_key(k)),
                o => {
                    return Err(ArmError::bad_request(
                        "InvalidTagOperation",
                        format!("operation '{o}' is not Merge, Replace or Delete."),
                    ));
                }
            },
            "DELETE" => tags.clear(),
            _ => {
                return Err(ArmError::new(
                    405,
                    "MethodNotAllowed",
                    "The tags API answers GET, PUT, PATCH and DELETE.",
                ));
            }
        }
        let path = req.path.trim_end_matches('/');
        Ok(Reply::ok(
            json!({"id": path, "name": "default", "type": "Microsoft.Resources/tags", "properties": {"tags": tags}}),
        ))
    }

    fn list_availability(&self, req: &Request<'_>, rg: Option<&str>) -> Reply {
        let mut items: Vec<Value> = self
            .resources
            .iter()
            .enumerate()
            .filter(|(_, r)| rg.is_none_or(|g| r.id.resource_group().eq_ignore_ascii_case(g)))
            .map(|(i, _)| render::availability(self, i))
            .collect();
        // Pages of 1000 (or $top), continued by nextLink with $skipToken, as ARM pages.
        let page = req
            .query
            .get("$top")
            .and_then(|t| t.parse::<usize>().ok())
            .unwrap_or(1000)
            .clamp(1, 1000);
        let skip = req
            .query
            .get("$skiptoken")
            .and_then(|t| t.parse::<usize>().ok())
            .unwrap_or(0);
        let total = items.len();
        let rest: Vec<Value> = items.drain(..).skip(skip).take(page).collect();
        let mut body = json!({"value": rest});
        if skip + page < total {
            body["nextLink"] = json!(format!(
                "{}{}?api-version={}&$top={page}&$skipToken={}",
                req.base_url,
                req.path,
                req.api_version,
                skip + page
            ));
        }
        Reply::ok(body)
    }

    fn kind_operation(
        &mut self,
        req: &Request<'_>,
        i: usize,
        rest: &str,
    ) -> Result<Reply, ArmError> {
        let rest_lower = rest.to_ascii_lowercase();
        let segs: Vec<&str> = rest_lower
            .trim_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        let orig: Vec<&str> = rest
            .trim_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        let body = req.body.clone().unwrap_or(Value::Null);
        let not_supported = || {
            ArmError::new(
                405,
                "MethodNotAllowed",
                format!(
                    "The simulator does not support {} on '{}'.",
                    req.method, req.path
                ),
            )
        };
        let kind_state = &self.resources[i].state;
        match (kind_state, req.method, segs.as_slice()) {
            (State::Storage(_), "POST", ["failover"]) => self.storage_failover(req, i),
            (State::Storage(_), "PATCH", []) => self.storage_patch(i, &body, req),
            (State::SqlFg(_), "POST", [action]) => {
                let mode = match *action {
                    "failover" => SqlMode::Planned,
                    "forcefailoverallowdataloss" => SqlMode::Forced,
                    "tryplannedbeforeforcedfailover" => SqlMode::TryPlanned,
                    _ => return Err(ArmError::not_found(req.path)),
                };
                self.sql_failover(req, i, mode)
            }
            (State::Cosmos(_), "POST", ["failoverprioritychange"]) => {
                self.cosmos_priority(req, i, &body)
            }
            (State::Cosmos(_), "POST", [a @ ("offlineregion" | "onlineregion")]) => {
                self.cosmos_region(req, i, &body, *a == "offlineregion")
            }
            (State::Acr(a), "GET", ["replications"]) => {
                let value: Vec<Value> = a
                    .replicas
                    .iter()
                    .map(|(r, e)| render::replication(self, &self.resources[i], r, *e))
                    .collect();
                Ok(Reply::ok(json!({"value": value})))
            }
            (State::Acr(a), "GET" | "PATCH", ["replications", name]) => {
                let Some(pos) = a.replicas.iter().position(|(r, _)| r.as_str() == *name) else {
                    return Err(ArmError::not_found(req.path));
                };
                if req.method == "PATCH"
                    && let Some(en) = body
                        .pointer("/properties/regionEndpointEnabled")
                        .and_then(Value::as_bool)
                    && let State::Acr(a) = &mut self.resources[i].state
                {
                    a.replicas[pos].1 = en;
                }
                let State::Acr(a) = &self.resources[i].state else {
                    unreachable!()
                };
                let (r, e) = &a.replicas[pos];
                Ok(Reply::ok(render::replication(
                    self,
                    &self.resources[i],
                    r,
                    *e,
                )))
            }
            (State::Aks(_), "POST", [a @ ("start" | "stop")]) => {
                self.aks_power(req, i, *a == "start")
            }
            (State::Aks(a), "GET", ["agentpools"]) => {
                let all = render::resource(self, i, req.path, false);
                let pools = all["properties"]["agentPoolProfiles"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let id = self.resources[i].id.to_string();
                let value: Vec<Value> = pools
                    .into_iter()
                    .zip(&a.pools)
                    .map(|(p, pool)| agent_pool(&id, &pool.name, p))
                    .collect();
                Ok(Reply::ok(json!({"value": value})))
            }
            (State::Aks(_), "GET" | "PUT", ["agentpools", pool]) => {
                self.aks_pool(req, i, pool, &body)
            }
            (State::Compute(_), "PATCH", []) => self.compute_patch(req, i, &body),
            (State::Workspace, "GET", [child @ ("computes" | "onlineendpoints")]) => {
                let prefix = format!("{}/{}/", self.resources[i].id.key(), child);
                let value: Vec<Value> = self
                    .resources
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.id.key().starts_with(&prefix))
                    .map(|(k, r)| render::resource(self, k, r.id.as_str(), false))
                    .collect();
                Ok(Reply::ok(json!({"value": value})))
            }
            (State::Endpoint(_), "PUT", []) => self.endpoint_put(req, i, &body),
            (State::Endpoint(_), "PATCH", []) => {
                if body.get("properties").is_some() || body.get("sku").is_some() {
                    return Err(ArmError::bad_request(
                        "BadRequest",
                        "PATCH on an online endpoint updates only 'tags' and 'identity'; change 'traffic' with PUT (createOrUpdate).",
                    ));
                }
                if let (Some(tags), State::Endpoint(e)) = (
                    body.get("tags").and_then(Value::as_object),
                    &mut self.resources[i].state,
                ) {
                    e.tags = tags.clone();
                }
                Ok(Reply::ok(render::resource(self, i, req.path, false)))
            }
            (State::Endpoint(e), "GET", ["deployments"]) => {
                let value: Vec<Value> = e
                    .deployments
                    .iter()
                    .map(|d| render::deployment(&self.resources[i], d))
                    .collect();
                Ok(Reply::ok(json!({"value": value})))
            }
            (State::Endpoint(e), "GET", ["deployments", _]) => {
                let name = orig[1];
                let d = e
                    .deployments
                    .iter()
                    .find(|d| d.name.eq_ignore_ascii_case(name))
                    .ok_or_else(|| ArmError::not_found(req.path))?;
                Ok(Reply::ok(render::deployment(&self.resources[i], d)))
            }
            (State::Endpoint(_), "PATCH", ["deployments", _]) => {
                self.deployment_patch(req, i, orig[1], &body)
            }
            (State::Postgres(_), "PATCH", []) => self.flex_patch(req, i, &body, true),
            (State::Mysql(_), "PATCH", []) => self.flex_patch(req, i, &body, false),
            (State::Postgres(_) | State::Mysql(_), "GET", ["replicas"]) => {
                let value: Vec<Value> = self.resources.iter().enumerate()
                    .filter(|(_, r)| matches!(&r.state, State::Postgres(f) | State::Mysql(f) if f.source == Some(i)))
                    .map(|(k, r)| render::resource(self, k, r.id.as_str(), false))
                    .collect();
                Ok(Reply::ok(json!({"value": value})))
            }
            (
                State::TrafficManager { .. },
                "GET" | "PATCH",
                [
                    ty @ ("azureendpoints" | "externalendpoints" | "nestedendpoints"),
                    _,
                ],
            ) => {
                if *ty != "externalendpoints" {
                    return Err(ArmError::not_found(req.path));
                }
                self.tm_endpoint(req, i, orig[1], &body)
            }
            (State::FrontDoor { origins }, "GET", ["origins"]) => {
                let value: Vec<Value> = origins
                    .iter()
                    .map(|o| render::origin(&self.resources[i], o))
                    .collect();
                Ok(Reply::ok(json!({"value": value})))
            }
            (State::FrontDoor { .. }, "GET" | "PATCH", ["origins", _]) => {
                self.origin_op(req, i, orig[1], &body)
            }
            (_, "GET", _) => Err(ArmError::not_found(req.path)),
            _ => Err(not_supported()),
        }
    }

    fn storage_failover(&mut self, req: &Request<'_>, i: usize) -> Result<Reply, ArmError> {
        let planned = match req.query.get("failovertype").map(String::as_str) {
            None => false,
            Some(t) if t.eq_ignore_ascii_case("planned") => true,
            Some(t) => {
                return Err(ArmError::bad_request(
                    "InvalidQueryParameterValue",
                    format!(
                        "Value '{t}' is not valid for failoverType; the only value is 'Planned'."
                    ),
                ));
            }
        };
        let now = self.now();
        let name = self.resources[i].id.name().to_string();
        let State::Storage(s) = &self.resources[i].state else {
            unreachable!()
        };
        let Some(sec) = s.secondary.clone() else {
            return Err(ArmError::bad_request(
                "FailoverNotSupported",
                format!(
                    "The storage account '{name}' is {} and has no secondary region to fail over to.",
                    s.sku
                ),
            ));
        };
        if s.failover_in_progress {
            return Err(ArmError::conflict(
                "FailoverInProgress",
                format!("A failover of '{name}' is already in progress."),
            ));
        }
        if s.bootstrap_until.is_some_and(|t| t > now) {
            return Err(ArmError::bad_request(
                "FailoverNotAllowed",
                format!(
                    "Geo-replication of '{name}' is still bootstrapping; failover is possible once its status is Live."
                ),
            ));
        }
        if !self.region_up(&sec) {
            return Err(ArmError::bad_request(
                "FailoverNotAllowed",
                format!("The secondary region '{sec}' of '{name}' is unavailable."),
            ));
        }
        if planned && (!self.region_up(&s.primary) || s.replication.frozen_at.is_some()) {
            return Err(ArmError::bad_request(
                "PlannedFailoverNotAllowed",
                format!(
                    "A planned failover of '{name}' needs both regions available (canPlannedFailover is false); '{}' is unavailable.",
                    s.primary
                ),
            ));
        }
        let lag = s.replication.lag(now);
        if let State::Storage(s) = &mut self.resources[i].state {
            s.failover_in_progress = true;
        }
        if !planned {
            self.record_loss(i, lag, now);
        }
        Ok(self.start_lro(
            req,
            i,
            LroSpec {
                action: Action::StorageFailover { planned },
                duration_secs: if planned { 30 * 60 } else { 20 * 60 },
                monitors: Monitors::Location,
                namespace: "Microsoft.Storage",
                async_segment: "asyncoperations",
                location_segment: "asyncoperations",
                initial_status: 202,
                initial_body: None,
                final_reply: FinalReply::Empty,
            },
        ))
    }

    fn storage_patch(
        &mut self,
        i: usize,
        body: &Value,
        req: &Request<'_>,
    ) -> Result<Reply, ArmError> {
        let now = self.now();
        let other = |w: &World, p: &Region| {
            if *p == w.primary {
                w.secondary.clone()
            } else {
                w.primary.clone()
            }
        };
        if let Some(sku) = body.pointer("/sku/name").and_then(Value::as_str) {
            const SKUS: &[&str] = &[
                "Standard_LRS",
                "Standard_GRS",
                "Standard_RAGRS",
                "Standard_ZRS",
                "Standard_GZRS",
                "Standard_RAGZRS",
            ];
            let Some(sku) = SKUS.iter().find(|s| s.eq_ignore_ascii_case(sku)) else {
                return Err(ArmError::bad_request(
                    "InvalidValuesForRequestParameters",
                    format!("Values for request parameters are invalid: sku.name '{sku}'."),
                ));
            };
            let State::Storage(s) = &self.resources[i].state else {
                unreachable!()
            };
            if s.failover_in_progress {
                return Err(ArmError::conflict(
                    "FailoverInProgress",
                    "The account cannot be updated while a failover is in progress.",
                ));
            }
            let pair = other(self, &s.primary);
            let geo = sku.contains("GRS") || sku.contains("GZRS");
            if let State::Storage(s) = &mut self.resources[i].state {
                if geo && s.secondary.is_none() {
                    s.secondary = Some(pair);
                    s.bootstrap_until = Some(now + time::Duration::minutes(30));
                    s.replication.frozen_at = None;
                } else if !geo {
                    s.secondary = None;
                }
                s.sku = sku.to_string();
            }
        }
        Ok(Reply::ok(render::resource(self, i, req.path, false)))
    }

    fn sql_failover(
        &mut self,
        req: &Request<'_>,
        i: usize,
        mode: SqlMode,
    ) -> Result<Reply, ArmError> {
        let now = self.now();
        let State::SqlFg(fg) = &self.resources[i].state else {
            unreachable!()
        };
        let lower = req.path.to_ascii_lowercase();
        let target = fg
            .servers
            .iter()
            .position(|(id, _)| lower.starts_with(&format!("{}/", id.key())))
            .unwrap_or(0);
        if target == fg.primary {
            return Err(ArmError::bad_request(
                "FailoverGroupFailoverRequestOnPrimary",
                format!(
                    "The failover request for failover group '{}' was sent to server '{}', which is already its primary. Send it to the secondary server '{}'.",
                    fg.name,
                    fg.servers[target].0.name(),
                    fg.servers[1 - target].0.name()
                ),
            ));
        }
        if fg.busy {
            return Err(ArmError::conflict(
                "FailoverGroupBusy",
                format!(
                    "The failover group '{}' is busy with another operation.",
                    fg.name
                ),
            ));
        }
        let old_up = self.region_up(&fg.servers[fg.primary].1);
        let forced = mode == SqlMode::Forced || (mode == SqlMode::TryPlanned && !old_up);
        let lag = fg.replication.lag(now);
        if forced {
            self.record_loss(i, lag, now);
        }
        if let State::SqlFg(fg) = &mut self.resources[i].state {
            fg.busy = true;
        }
        let fg_id = req
            .path
            .trim_end_matches('/')
            .rsplit_once('/')
            .map(|(p, _)| p.to_string())
            .unwrap_or_default();
        Ok(self.start_lro(
            req,
            i,
            LroSpec {
                action: Action::SqlFailover {
                    target,
                    mode: if forced {
                        SqlMode::Forced
                    } else {
                        SqlMode::Planned
                    },
                },
                duration_secs: if forced { 30 } else { 60 },
                monitors: Monitors::Location,
                namespace: "Microsoft.Sql",
                async_segment: "failoverGroupAzureAsyncOperation",
                location_segment: "failoverGroupOperationResults",
                initial_status: 202,
                initial_body: None,
                final_reply: FinalReply::Resource(fg_id),
            },
        ))
    }

    fn cosmos_priority(
        &mut self,
        req: &Request<'_>,
        i: usize,
        body: &Value,
    ) -> Result<Reply, ArmError> {
        let State::Cosmos(c) = &self.resources[i].state else {
            unreachable!()
        };
        if c.busy {
            return Err(ArmError::conflict(
                "Conflict",
                "Another region operation is in progress on this account; retry when it completes.",
            ));
        }
        let Some(list) = body.get("failoverPolicies").and_then(Value::as_array) else {
            return Err(ArmError::bad_request(
                "BadRequest",
                "The request body needs 'failoverPolicies': every region of the account with a unique failoverPriority.",
            ));
        };
        let mut order = Vec::new();
        for p in list {
            let (Some(name), Some(prio)) = (
                p.get("locationName").and_then(Value::as_str),
                p.get("failoverPriority").and_then(Value::as_u64),
            ) else {
                return Err(ArmError::bad_request(
                    "BadRequest",
                    "Each failover policy needs 'locationName' and 'failoverPriority'.",
                ));
            };
            order.push((Region::new(name), prio as u32));
        }
        let mut prios: Vec<u32> = order.iter().map(|(_, p)| *p).collect();
        prios.sort_unstable();
        let regions_match = order.len() == c.regions.len()
            && c.regions
                .iter()
                .all(|cr| order.iter().any(|(r, _)| *r == cr.region));
        if !regions_match {
            let names: Vec<String> = c
                .regions
                .iter()
                .map(|cr| cr.region.display_name())
                .collect();
            return Err(ArmError::bad_request(
                "BadRequest",
                format!(
                    "failoverPolicies must list every region of the account exactly once: {}.",
                    names.join(", ")
                ),
            ));
        }
        if prios != (0..order.len() as u32).collect::<Vec<_>>() {
            return Err(ArmError::bad_request(
                "BadRequest",
                "Failover priorities must be unique and run from 0 to the number of regions minus one.",
            ));
        }
        if let State::Cosmos(c) = &mut self.resources[i].state {
            c.busy = true;
        }
        Ok(self.start_lro(
            req,
            i,
            LroSpec {
                action: Action::CosmosPriority { order },
                duration_secs: 120,
                monitors: Monitors::Both,
                namespace: "Microsoft.DocumentDB",
                async_segment: "operationsStatus",
                location_segment: "operationResults",
                initial_status: 202,
                initial_body: None,
                final_reply: FinalReply::NoContent,
            },
        ))
    }

    fn cosmos_region(
        &mut self,
        req: &Request<'_>,
        i: usize,
        body: &Value,
        offline: bool,
    ) -> Result<Reply, ArmError> {
        let now = self.now();
        let Some(name) = body.get("region").and_then(Value::as_str) else {
            return Err(ArmError::bad_request(
                "BadRequest",
                "The request body needs 'region'.",
            ));
        };
        let region = Region::new(name);
        let State::Cosmos(c) = &self.resources[i].state else {
            unreachable!()
        };
        let Some(cr) = c.regions.iter().find(|cr| cr.region == region) else {
            return Err(ArmError::bad_request(
                "BadRequest",
                format!("'{name}' is not a region of this account."),
            ));
        };
        if c.busy {
            return Err(ArmError::conflict(
                "Conflict",
                "Another region operation is in progress on this account; retry when it completes.",
            ));
        }
        if offline == cr.offline {
            return Err(ArmError::bad_request(
                "BadRequest",
                format!(
                    "Region '{name}' is already {}.",
                    if offline { "offline" } else { "online" }
                ),
            ));
        }
        if offline && c.regions.iter().filter(|r| !r.offline).count() < 2 {
            return Err(ArmError::bad_request(
                "BadRequest",
                "The last online region of an account cannot be taken offline.",
            ));
        }
        if offline && write_region(c).as_ref() == Some(&region) {
            let lag = c.replication.lag(now);
            self.record_loss(i, lag, now);
        }
        if let State::Cosmos(c) = &mut self.resources[i].state {
            c.busy = true;
        }
        Ok(self.start_lro(
            req,
            i,
            LroSpec {
                action: if offline {
                    Action::CosmosOffline(region)
                } else {
                    Action::CosmosOnline(region)
                },
                duration_secs: if offline { 60 } else { 120 },
                monitors: Monitors::Both,
                namespace: "Microsoft.DocumentDB",
                async_segment: "operationsStatus",
                location_segment: "operationResults",
                initial_status: 202,
                initial_body: None,
                final_reply: FinalReply::Empty,
            },
        ))
    }

    fn aks_power(&mut self, req: &Request<'_>, i: usize, start: bool) -> Result<Reply, ArmError> {
        let State::Aks(a) = &self.resources[i].state else {
            unreachable!()
        };
        if a.provisioning != "Succeeded" {
            return Err(ArmError::conflict(
                "OperationNotAllowed",
                format!(
                    "Operation is not allowed: another operation ({}) is in progress.",
                    a.provisioning
                ),
            ));
        }
        if a.running == start {
            return Err(ArmError::bad_request(
                "OperationNotAllowed",
                format!(
                    "The cluster is already {}.",
                    if start { "running" } else { "stopped" }
                ),
            ));
        }
        if let State::Aks(a) = &mut self.resources[i].state {
            a.provisioning = if start { "Starting" } else { "Stopping" };
        }
        Ok(self.start_lro(
            req,
            i,
            LroSpec {
                action: Action::AksPower { start },
                duration_secs: if start { 5 * 60 } else { 3 * 60 },
                monitors: Monitors::Location,
                namespace: "Microsoft.ContainerService",
                async_segment: "operations",
                location_segment: "operationresults",
                initial_status: 202,
                initial_body: None,
                final_reply: FinalReply::NoContent,
            },
        ))
    }

    fn aks_pool(
        &mut self,
        req: &Request<'_>,
        i: usize,
        pool: &str,
        body: &Value,
    ) -> Result<Reply, ArmError> {
        let State::Aks(a) = &self.resources[i].state else {
            unreachable!()
        };
        let Some(pos) = a
            .pools
            .iter()
            .position(|p| p.name.eq_ignore_ascii_case(pool))
        else {
            return Err(ArmError::not_found(req.path));
        };
        let id = self.resources[i].id.to_string();
        let name = a.pools[pos].name.clone();
        let pool_json = |w: &World| {
            let all = render::resource(w, i, &id, false);
            agent_pool(
                &id,
                &name,
                all["properties"]["agentPoolProfiles"][pos].clone(),
            )
        };
        if req.method == "GET" {
            return Ok(Reply::ok(pool_json(self)));
        }
        let Some(count) = body.pointer("/properties/count").and_then(Value::as_u64) else {
            return Err(ArmError::bad_request(
                "InvalidParameter",
                "properties.count is required.",
            ));
        };
        if a.pools[pos].mode == "System" && count == 0 {
            return Err(ArmError::bad_request(
                "InvalidParameter",
                "A system node pool needs at least 1 node.",
            ));
        }
        if !a.running {
            return Err(ArmError::bad_request(
                "OperationNotAllowed",
                "The cluster is stopped: start it before scaling a node pool.",
            ));
        }
        if let State::Aks(a) = &mut self.resources[i].state {
            a.pools[pos].provisioning = "Scaling";
        }
        let body = pool_json(self);
        Ok(self.start_lro(
            req,
            i,
            LroSpec {
                action: Action::AksPool {
                    pool: name.clone(),
                    count: count as u32,
                },
                duration_secs: 4 * 60,
                monitors: Monitors::Async,
                namespace: "Microsoft.ContainerService",
                async_segment: "operations",
                location_segment: "operationresults",
                initial_status: 200,
                initial_body: Some(body),
                final_reply: FinalReply::Empty,
            },
        ))
    }

    fn compute_patch(
        &mut self,
        req: &Request<'_>,
        i: usize,
        body: &Value,
    ) -> Result<Reply, ArmError> {
        let Some(scale) = body.pointer("/properties/properties/scaleSettings") else {
            return Err(ArmError::bad_request(
                "BadRequest",
                "The body needs properties.properties.scaleSettings (ClusterUpdateParameters nests 'properties' twice).",
            ));
        };
        let State::Compute(c) = &self.resources[i].state else {
            unreachable!()
        };
        if c.updating {
            return Err(ArmError::conflict(
                "Conflict",
                "The compute is being resized; retry when it is Steady.",
            ));
        }
        let min = scale
            .get("minNodeCount")
            .and_then(Value::as_u64)
            .unwrap_or(c.min_nodes as u64) as u32;
        let max = scale
            .get("maxNodeCount")
            .and_then(Value::as_u64)
            .map(|v| v as u32);
        let Some(max) = max else {
            return Err(ArmError::bad_request(
                "BadRequest",
                "scaleSettings.maxNodeCount is required.",
            ));
        };
        if min > max {
            return Err(ArmError::bad_request(
                "BadRequest",
                format!("minNodeCount ({min}) must not exceed maxNodeCount ({max})."),
            ));
        }
        if let State::Compute(c) = &mut self.resources[i].state {
            c.updating = true;
        }
        let body = render::resource(self, i, req.path, false);
        Ok(self.start_lro(
            req,
            i,
            LroSpec {
                action: Action::ComputeScale { min, max },
                duration_secs: 2 * 60,
                monitors: Monitors::Async,
                namespace: "Microsoft.MachineLearningServices",
                async_segment: "computeOperationsStatus",
                location_segment: "computeOperationResults",
                initial_status: 200,
                initial_body: Some(body),
                final_reply: FinalReply::Empty,
            },
        ))
    }

    fn endpoint_put(
        &mut self,
        req: &Request<'_>,
        i: usize,
        body: &Value,
    ) -> Result<Reply, ArmError> {
        let State::Endpoint(e) = &self.resources[i].state else {
            unreachable!()
        };
        if e.provisioning != "Succeeded" {
            return Err(ArmError::conflict(
                "Conflict",
                "The endpoint is being updated; retry when its provisioningState is Succeeded.",
            ));
        }
        let Some(props) = body.get("properties").and_then(Value::as_object) else {
            return Err(ArmError::bad_request(
                "BadRequest",
                "The body needs 'properties' (a full online endpoint: location, identity, kind, properties).",
            ));
        };
        if props.get("authMode").is_none() {
            return Err(ArmError::bad_request(
                "BadRequest",
                "properties.authMode is required.",
            ));
        }
        let mut traffic = BTreeMap::new();
        if let Some(t) = props.get("traffic").and_then(Value::as_object) {
            for (name, v) in t {
                let Some(pct) = v.as_u64().filter(|p| *p <= 100) else {
                    return Err(ArmError::bad_request(
                        "BadArgument",
                        format!(
                            "Traffic for deployment '{name}' must be an integer from 0 to 100."
                        ),
                    ));
                };
                if !e.deployments.iter().any(|d| d.name == *name) {
                    return Err(ArmError::bad_request(
                        "BadArgument",
                        format!("Deployment '{name}' does not exist in this endpoint."),
                    ));
                }
                traffic.insert(name.clone(), pct as u32);
            }
        }
        let sum: u32 = traffic.values().sum();
        if sum != 100 && sum != 0 {
            return Err(ArmError::bad_request(
                "BadArgument",
                format!("Traffic values must add up to 100 (or all be 0); they add up to {sum}."),
            ));
        }
        if let State::Endpoint(e) = &mut self.resources[i].state {
            e.provisioning = "Updating";
            if let Some(tags) = body.get("tags").and_then(Value::as_object) {
                e.tags = tags.clone();
            }
        }
        let body = render::resource(self, i, req.path, false);
        Ok(self.start_lro(
            req,
            i,
            LroSpec {
                action: Action::EndpointTraffic { traffic },
                duration_secs: 30,
                monitors: Monitors::Async,
                namespace: "Microsoft.MachineLearningServices",
                async_segment: "mfeOperationsStatus",
                location_segment: "mfeOperationResults",
                initial_status: 200,
                initial_body: Some(body),
                final_reply: FinalReply::Empty,
            },
        ))
    }

    fn deployment_patch(
        &mut self,
        req: &Request<'_>,
        i: usize,
        name: &str,
        body: &Value,
    ) -> Result<Reply, ArmError> {
        let State::Endpoint(e) = &self.resources[i].state else {
            unreachable!()
        };
        let Some(pos) = e
            .deployments
            .iter()
            .position(|d| d.name.eq_ignore_ascii_case(name))
        else {
            return Err(ArmError::not_found(req.path));
        };
        let Some(capacity) = body.pointer("/sku/capacity").and_then(Value::as_u64) else {
            return Err(ArmError::bad_request(
                "BadRequest",
                "The simulator scales a deployment with {\"sku\": {\"capacity\": N}}.",
            ));
        };
        if !(1..=50).contains(&capacity) {
            return Err(ArmError::bad_request(
                "BadArgument",
                format!("Instance count {capacity} is outside 1..50."),
            ));
        }
        let dname = e.deployments[pos].name.clone();
        if let State::Endpoint(e) = &mut self.resources[i].state {
            e.deployments[pos].provisioning = "Updating";
        }
        let id = format!("{}/deployments/{dname}", self.resources[i].id);
        Ok(self.start_lro(
            req,
            i,
            LroSpec {
                action: Action::DeploymentScale {
                    name: dname,
                    capacity: capacity as u32,
                },
                duration_secs: 5 * 60,
                monitors: Monitors::Both,
                namespace: "Microsoft.MachineLearningServices",
                async_segment: "mfeOperationsStatus",
                location_segment: "mfeOperationResults",
                initial_status: 202,
                initial_body: None,
                final_reply: FinalReply::Resource(id),
            },
        ))
    }

    fn flex_patch(
        &mut self,
        req: &Request<'_>,
        i: usize,
        body: &Value,
        pg: bool,
    ) -> Result<Reply, ArmError> {
        let now = self.now();
        let (switchover, forced) = if pg {
            let Some(replica) = body.pointer("/properties/replica") else {
                return Err(ArmError::bad_request(
                    "BadRequest",
                    "The simulator supports PATCH properties.replica.promoteMode/promoteOption on a PostgreSQL replica.",
                ));
            };
            let mode = replica
                .get("promoteMode")
                .and_then(Value::as_str)
                .unwrap_or("standalone");
            let option = replica
                .get("promoteOption")
                .and_then(Value::as_str)
                .unwrap_or("planned");
            let switchover = match mode.to_ascii_lowercase().as_str() {
                "switchover" => true,
                "standalone" => false,
                other => {
                    return Err(ArmError::bad_request(
                        "InvalidParameterValue",
                        format!(
                            "promoteMode '{other}' is not valid: use 'standalone' or 'switchover'."
                        ),
                    ));
                }
            };
            let forced = match option.to_ascii_lowercase().as_str() {
                "forced" => true,
                "planned" => false,
                other => {
                    return Err(ArmError::bad_request(
                        "InvalidParameterValue",
                        format!("promoteOption '{other}' is not valid: use 'planned' or 'forced'."),
                    ));
                }
            };
            (switchover, forced)
        } else {
            match body
                .pointer("/properties/replicationRole")
                .and_then(Value::as_str)
            {
                Some(r) if r.eq_ignore_ascii_case("none") => (false, true),
                _ => {
                    return Err(ArmError::bad_request(
                        "BadRequest",
                        "The simulator supports PATCH properties.replicationRole = \"None\" (stop replication) on a MySQL replica.",
                    ));
                }
            }
        };
        let (State::Postgres(f) | State::Mysql(f)) = &self.resources[i].state else {
            unreachable!()
        };
        if f.source.is_none() {
            return Err(ArmError::bad_request(
                "ServerIsNotReplica",
                format!(
                    "Server '{}' is not a read replica ({}): only a replica can be promoted.",
                    self.resources[i].id.name(),
                    f.role
                ),
            ));
        }
        if f.state != "Ready" {
            return Err(ArmError::conflict(
                "ServerBusy",
                format!(
                    "Server '{}' is {}; retry when it is Ready.",
                    self.resources[i].id.name(),
                    f.state
                ),
            ));
        }
        if forced {
            let lag = f.replication.lag(now);
            self.record_loss(i, lag, now);
        }
        if let State::Postgres(f) | State::Mysql(f) = &mut self.resources[i].state {
            f.state = "Updating";
        }
        let id = self.resources[i].id.to_string();
        Ok(self.start_lro(
            req,
            i,
            LroSpec {
                action: Action::FlexPromote { switchover, forced },
                duration_secs: 2 * 60,
                monitors: Monitors::Both,
                namespace: if pg {
                    "Microsoft.DBforPostgreSQL"
                } else {
                    "Microsoft.DBforMySQL"
                },
                async_segment: "azureAsyncOperation",
                location_segment: "operationResults",
                initial_status: 202,
                initial_body: None,
                final_reply: FinalReply::Resource(id),
            },
        ))
    }

    fn tm_endpoint(
        &mut self,
        req: &Request<'_>,
        i: usize,
        name: &str,
        body: &Value,
    ) -> Result<Reply, ArmError> {
        let State::TrafficManager { endpoints, .. } = &self.resources[i].state else {
            unreachable!()
        };
        let Some(pos) = endpoints
            .iter()
            .position(|e| e.name.eq_ignore_ascii_case(name))
        else {
            return Err(ArmError::not_found(req.path));
        };
        if req.method == "PATCH" {
            let props = body.get("properties").cloned().unwrap_or(Value::Null);
            let status = props.get("endpointStatus").and_then(Value::as_str);
            let enabled = match status {
                None => None,
                Some(s) if s.eq_ignore_ascii_case("enabled") => Some(true),
                Some(s) if s.eq_ignore_ascii_case("disabled") => Some(false),
                Some(s) => {
                    return Err(ArmError::bad_request(
                        "BadRequest",
                        format!("endpointStatus '{s}' is not valid: use Enabled or Disabled."),
                    ));
                }
            };
            let priority = props.get("priority").and_then(Value::as_u64);
            if let Some(p) = priority {
                if !(1..=1000).contains(&p) {
                    return Err(ArmError::bad_request(
                        "BadRequest",
                        "Endpoint priority must be between 1 and 1000.",
                    ));
                }
                if endpoints
                    .iter()
                    .enumerate()
                    .any(|(k, e)| k != pos && e.priority as u64 == p)
                {
                    return Err(ArmError::bad_request(
                        "BadRequest",
                        format!(
                            "Priority {p} is already used by another endpoint of this profile: priorities must be unique."
                        ),
                    ));
                }
            }
            let weight = props.get("weight").and_then(Value::as_u64);
            if weight.is_some_and(|w| !(1..=1000).contains(&w)) {
                return Err(ArmError::bad_request(
                    "BadRequest",
                    "Endpoint weight must be between 1 and 1000.",
                ));
            }
            let target = props
                .get("target")
                .and_then(Value::as_str)
                .map(str::to_string);
            if target.as_deref().is_some_and(|t| t.trim().is_empty()) {
                return Err(ArmError::bad_request(
                    "BadRequest",
                    "Endpoint target must not be empty.",
                ));
            }
            if let State::TrafficManager { endpoints, .. } = &mut self.resources[i].state {
                let e = &mut endpoints[pos];
                if let Some(t) = target {
                    e.target = t;
                }
                // Traffic Manager accepts disabling every endpoint; guarding that is the runbook's job.
                if let Some(en) = enabled {
                    e.enabled = en;
                }
                if let Some(p) = priority {
                    e.priority = p as u32;
                }
                if let Some(w) = weight {
                    e.weight = w as u32;
                }
            }
        }
        let State::TrafficManager { endpoints, .. } = &self.resources[i].state else {
            unreachable!()
        };
        Ok(Reply::ok(render::tm_endpoint(
            self,
            &self.resources[i],
            &endpoints[pos],
        )))
    }

    fn origin_op(
        &mut self,
        req: &Request<'_>,
        i: usize,
        name: &str,
        body: &Value,
    ) -> Result<Reply, ArmError> {
        let State::FrontDoor { origins } = &self.resources[i].state else {
            unreachable!()
        };
        let Some(pos) = origins
            .iter()
            .position(|o| o.name.eq_ignore_ascii_case(name))
        else {
            return Err(ArmError::not_found(req.path));
        };
        if req.method == "GET" {
            return Ok(Reply::ok(render::origin(&self.resources[i], &origins[pos])));
        }
        if origins[pos].updating {
            return Err(ArmError::conflict(
                "Conflict",
                "The origin is being updated; retry when provisioningState is Succeeded.",
            ));
        }
        let props = body.get("properties").cloned().unwrap_or(Value::Null);
        let enabled = match props.get("enabledState").and_then(Value::as_str) {
            None => None,
            Some(s) if s.eq_ignore_ascii_case("enabled") => Some(true),
            Some(s) if s.eq_ignore_ascii_case("disabled") => Some(false),
            Some(s) => {
                return Err(ArmError::bad_request(
                    "BadRequest",
                    format!("enabledState '{s}' is not valid: use Enabled or Disabled."),
                ));
            }
        };
        let priority = props.get("priority").and_then(Value::as_u64);
        if priority.is_some_and(|p| !(1..=5).contains(&p)) {
            return Err(ArmError::bad_request(
                "BadRequest",
                "Origin priority must be between 1 and 5.",
            ));
        }
        let weight = props.get("weight").and_then(Value::as_u64);
        if weight.is_some_and(|w| !(1..=1000).contains(&w)) {
            return Err(ArmError::bad_request(
                "BadRequest",
                "Origin weight must be between 1 and 1000.",
            ));
        }
        let host = props
            .get("hostName")
            .and_then(Value::as_str)
            .map(str::to_string);
        if host.as_deref().is_some_and(|h| h.trim().is_empty()) {
            return Err(ArmError::bad_request(
                "BadRequest",
                "Origin hostName must not be empty.",
            ));
        }
        let oname = origins[pos].name.clone();
        if let State::FrontDoor { origins } = &mut self.resources[i].state {
            let o = &mut origins[pos];
            if let Some(h) = host {
                o.host = h;
            }
            if let Some(en) = enabled {
                o.enabled = en;
            }
            if let Some(p) = priority {
                o.priority = p as u32;
            }
            if let Some(w) = weight {
                o.weight = w as u32;
            }
            o.updating = true;
        }
        let State::FrontDoor { origins } = &self.resources[i].state else {
            unreachable!()
        };
        let body = render::origin(&self.resources[i], &origins[pos]);
        Ok(self.start_lro(
            req,
            i,
            LroSpec {
                action: Action::OriginUpdate { name: oname },
                duration_secs: 45,
                monitors: Monitors::AsyncLowercase,
                namespace: "Microsoft.Cdn",
                async_segment: "operationresults",
                location_segment: "operationresults",
                initial_status: 202,
                initial_body: Some(body),
                final_reply: FinalReply::Empty,
            },
        ))
    }
}

/// Keeps priorities unique and dense (0..n-1) in their current order.
fn normalise_priorities(c: &mut super::world::Cosmos) {
    let mut order: Vec<usize> = (0..c.regions.len()).collect();
    order.sort_by_key(|&k| (c.regions[k].priority, c.regions[k].offline));
    for (p, k) in order.into_iter().enumerate() {
        c.regions[k].priority = p as u32;
    }
}

fn agent_pool(cluster: &str, name: &str, profile: Value) -> Value {
    let mut props = profile;
    if let Some(m) = props.as_object_mut() {
        m.remove("name");
    }
    json!({"id": format!("{cluster}/agentPools/{name}"), "name": name,
           "type": "Microsoft.ContainerService/managedClusters/agentPools", "properties": props})
}
