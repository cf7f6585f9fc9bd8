//! ARM's own request throttling, as Azure Resource Manager has done it since 2024 ("Understand
//! how Azure Resource Manager throttles requests", learn.microsoft.com): token buckets per
//! region, per subscription (or tenant, for requests that name no subscription), per principal
//! (the token's subject) and per operation type —
//!
//! | operations | bucket size | refill per second |
//! |------------|-------------|-------------------|
//! | reads      | 250         | 25                |
//! | writes     | 200         | 10                |
//! | deletes    | 200         | 10                |
//!
//! — and, for subscription requests, a global bucket per subscription and operation type shared
//! by every principal, [`GLOBAL_FACTOR`] (15) times the principal's in size and refill. A
//! request takes one token from its principal's bucket and from the global one; when either
//! holds less than one token it is refused with 429 and `Retry-After` (whole seconds until a
//! token is back, at least 1), and nothing else happens.
//!
//! Every answer says what is left after it: `x-ms-ratelimit-remaining-subscription-{reads,
//! writes,deletes}` (the principal's bucket, for the request's operation type) and
//! `x-ms-ratelimit-remaining-subscription-global-{…}` (the subscription's), or
//! `x-ms-ratelimit-remaining-tenant-{…}` for a tenant request. The refused answer's body is
//! the one ARM sends for an emptied bucket (`SubscriptionRequestsThrottled`, "Number of 'read'
//! requests for subscription '…' actor '…' exceeded. Please try again after '1' seconds after
//! additional tokens are available. …"; `TenantRequestsThrottled` for a tenant request).
//!
//! What counts: GET and HEAD are reads (a poll of a long-running operation's monitor too),
//! DELETE is a delete, everything else a write. The simulator's `/_sim/` control API, the
//! token endpoint and the cloud metadata never count, nor does a request without a bearer
//! token (it has no principal).
//!
//! The buckets refill on the wall clock (`Instant`), never on the simulated clock: a drill at
//! 600× runs its long-running operations and scenario faster, but its clients still send their
//! requests and sleep through `Retry-After` in real seconds, as they would against Azure, whose
//! buckets refill in real time. Refilling on the accelerated clock would hand a drill 15,000
//! reads a second and throttle nothing.
//!
//! The sizes and refills are settable ([`RateLimits`]): the `rate-limit` fault, the `azfailover
//! sim` flags (`--read-bucket`, `--read-refill`, …) and `SimOptions::rate_limits`. They can also
//! be turned off (no throttling and no rate-limit headers), which the demo's own simulator is.

use std::collections::HashMap;
use std::time::Instant;

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::reply::{ArmError, Reply};

/// The global subscription bucket is this many times the principal's, in size and refill.
pub const GLOBAL_FACTOR: f64 = 15.0;
/// The principal of a bearer token that names none (not a JWT, or one without `oid`/`sub`):
/// every such token shares one principal's buckets.
pub const SHARED_PRINCIPAL: &str = "unidentified";
/// The tenant of a tenant request whose token names none.
const DEFAULT_TENANT: &str = super::providers::TENANT;
/// Past this many buckets, the full ones (which are as good as new) are forgotten.
const MAX_BUCKETS: usize = 4096;
/// The largest bucket size and refill a rate limit may have.
const MAX_SIZE: u32 = 1_000_000_000;
const MAX_REFILL: f64 = 1_000_000.0;

/// The operation types ARM counts apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Read,
    Write,
    Delete,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Read, Kind::Write, Kind::Delete];

    /// What an HTTP method counts as: GET and HEAD read, DELETE deletes, the rest write.
    pub fn of(method: &str) -> Kind {
        if method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD") {
            Kind::Read
        } else if method.eq_ignore_ascii_case("DELETE") {
            Kind::Delete
        } else {
            Kind::Write
        }
    }

    /// The word of the headers: `reads`, `writes`, `deletes`.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Read => "reads",
            Kind::Write => "writes",
            Kind::Delete => "deletes",
        }
    }

    /// The word of ARM's error message: `read`, `write`, `delete`.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Read => "read",
            Kind::Write => "write",
            Kind::Delete => "delete",
        }
    }
}

/// One bucket's size (tokens) and refill (tokens per second).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Limit {
    pub size: u32,
    pub refill_per_second: f64,
}

impl Limit {
    /// The same limit times `factor` (the global bucket).
    fn times(self, factor: f64) -> Limit {
        Limit {
            size: (f64::from(self.size) * factor).min(f64::from(u32::MAX)) as u32,
            refill_per_second: self.refill_per_second * factor,
        }
    }

    /// Refuses a size of 0 (a bucket that never holds a token) or beyond `MAX_SIZE`, and a
    /// refill that is not a positive number up to `MAX_REFILL`.
    fn check(self, kind: Kind) -> Result<(), String> {
        if self.size == 0 || self.size > MAX_SIZE {
            return Err(format!(
                "the {} bucket's size must be from 1 to {MAX_SIZE}",
                kind.word()
            ));
        }
        let r = self.refill_per_second;
        if !(r.is_finite() && r > 0.0 && r <= MAX_REFILL) {
            return Err(format!(
                "the {} bucket's refill must be more than 0 and at most {MAX_REFILL} a second",
                kind.word()
            ));
        }
        Ok(())
    }
}

/// Azure Resource Graph's own quota ("Guidance for throttled requests in Azure Resource
/// Graph"): `queries` per principal in a window of `window_seconds` that starts with the first
/// query — 15 per 5 s by default. Its queries take nothing from ARM's buckets.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GraphQuota {
    pub queries: u32,
    pub window_seconds: f64,
}

impl GraphQuota {
    /// The documented quota: 15 queries per 5 seconds.
    pub const fn documented() -> GraphQuota {
        GraphQuota {
            queries: 15,
            window_seconds: 5.0,
        }
    }

    /// Refuses a quota of no query, or a window that is not 0 to 3600 seconds.
    fn check(self) -> Result<(), String> {
        if self.queries == 0 || self.queries > MAX_SIZE {
            return Err(format!(
                "Resource Graph's quota must be from 1 to {MAX_SIZE} queries"
            ));
        }
        let w = self.window_seconds;
        if !(w.is_finite() && w > 0.0 && w <= 3600.0) {
            return Err(
                "Resource Graph's quota window must be more than 0 and at most 3600 seconds".into(),
            );
        }
        Ok(())
    }
}

/// The per-principal buckets of the three operation types (the global ones are
/// [`GLOBAL_FACTOR`] times these) and Resource Graph's quota, or no throttling at all.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RateLimits {
    pub reads: Limit,
    pub writes: Limit,
    pub deletes: Limit,
    /// Resource Graph's queries (a saved world from before it had one: the documented quota).
    #[serde(default = "GraphQuota::documented")]
    pub graph: GraphQuota,
    /// Off: nothing is throttled and answers carry no rate-limit headers.
    pub enabled: bool,
}

impl Default for RateLimits {
    /// The documented buckets.
    fn default() -> Self {
        RateLimits::documented()
    }
}

impl RateLimits {
    /// ARM's documented buckets: reads 250 refilling 25/s, writes and deletes 200 refilling 10/s.
    pub const fn documented() -> RateLimits {
        RateLimits {
            reads: Limit {
                size: 250,
                refill_per_second: 25.0,
            },
            writes: Limit {
                size: 200,
                refill_per_second: 10.0,
            },
            deletes: Limit {
                size: 200,
                refill_per_second: 10.0,
            },
            graph: GraphQuota::documented(),
            enabled: true,
        }
    }

    /// No throttling (the documented sizes kept, should it be turned on again).
    pub const fn unlimited() -> RateLimits {
        let mut l = RateLimits::documented();
        l.enabled = false;
        l
    }

    /// One operation type's per-principal limit.
    pub fn of(&self, kind: Kind) -> Limit {
        match kind {
            Kind::Read => self.reads,
            Kind::Write => self.writes,
            Kind::Delete => self.deletes,
        }
    }

    fn of_mut(&mut self, kind: Kind) -> &mut Limit {
        match kind {
            Kind::Read => &mut self.reads,
            Kind::Write => &mut self.writes,
            Kind::Delete => &mut self.deletes,
        }
    }

    /// These limits with a kind's size and/or refill changed (None: kept), checked.
    pub fn with(
        mut self,
        kind: Kind,
        size: Option<u32>,
        refill_per_second: Option<f64>,
    ) -> Result<RateLimits, String> {
        let l = self.of_mut(kind);
        if let Some(s) = size {
            l.size = s;
        }
        if let Some(r) = refill_per_second {
            l.refill_per_second = r;
        }
        l.check(kind)?;
        Ok(self)
    }

    /// These limits with Resource Graph's quota changed (None: kept), checked.
    pub fn with_graph(
        mut self,
        queries: Option<u32>,
        window_seconds: Option<f64>,
    ) -> Result<RateLimits, String> {
        if let Some(q) = queries {
            self.graph.queries = q;
        }
        if let Some(w) = window_seconds {
            self.graph.window_seconds = w;
        }
        self.graph.check()?;
        Ok(self)
    }

    /// Every kind's limit is usable.
    pub fn check(&self) -> Result<(), String> {
        Kind::ALL.iter().try_for_each(|&k| self.of(k).check(k))?;
        self.graph.check()
    }

    /// What the fault's answer and the startup line say: `reads 250 (+25/s), ...` or `off`.
    pub fn describe(&self) -> String {
        if !self.enabled {
            return "off (no throttling)".into();
        }
        let buckets = Kind::ALL
            .iter()
            .map(|&k| {
                let l = self.of(k);
                format!("{} {} (+{}/s)", k.plural(), l.size, l.refill_per_second)
            })
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "{buckets}; Resource Graph {} queries per {} s",
            self.graph.queries, self.graph.window_seconds
        )
    }
}

/// What a request is counted against: its subscription, or the tenant when it names none.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// A lowercase subscription id.
    Subscription(String),
    /// A lowercase tenant id.
    Tenant(String),
}

impl Scope {
    /// The scope of a request path: `/subscriptions/{id}/…` is the subscription's, anything
    /// else (`/subscriptions`, `/tenants`, `/providers/…`) the tenant's.
    pub fn of(path: &str, tenant: Option<&str>) -> Scope {
        let mut segs = path.split('/').filter(|s| !s.is_empty());
        match (segs.next(), segs.next()) {
            (Some(s), Some(id)) if s.eq_ignore_ascii_case("subscriptions") => {
                Scope::Subscription(id.to_ascii_lowercase())
            }
            _ => Scope::Tenant(tenant.unwrap_or(DEFAULT_TENANT).to_ascii_lowercase()),
        }
    }

    /// `subscription` or `tenant`, as in the header names.
    fn word(&self) -> &'static str {
        match self {
            Scope::Subscription(_) => "subscription",
            Scope::Tenant(_) => "tenant",
        }
    }

    fn id(&self) -> &str {
        match self {
            Scope::Subscription(s) | Scope::Tenant(s) => s,
        }
    }
}

/// Who sent a request, as far as its bearer token tells: the JWT's object id (`oid`, what ARM
/// calls the actor), else its subject (`sub`), else [`SHARED_PRINCIPAL`]; and its tenant
/// (`tid`) if it names one. Nothing is verified (the simulator accepts any bearer token).
pub fn principal_of(authorization: Option<&str>) -> (String, Option<String>) {
    let claims = authorization
        .and_then(|a| a.split_once(' '))
        .map(|(_, t)| t.trim())
        .and_then(|t| t.split('.').nth(1))
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p.trim_end_matches('='))
                .ok()
        })
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok());
    let claim = |name: &str| {
        claims
            .as_ref()
            .and_then(|c| c.get(name))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty() && s.len() <= 128)
            .map(str::to_ascii_lowercase)
    };
    let principal = claim("oid")
        .or_else(|| claim("sub"))
        .unwrap_or_else(|| SHARED_PRINCIPAL.to_string());
    (principal, claim("tid"))
}

/// Which bucket.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    /// A principal's in a subscription or tenant.
    Principal {
        scope: Scope,
        principal: String,
        kind: Kind,
    },
    /// A subscription's, shared by every principal.
    Global { subscription: String, kind: Kind },
}

/// A bucket's level when it was last touched; it refills from there.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    level: f64,
    at: Instant,
}

impl Bucket {
    /// The level at `now`, refilled since `at` (never above the size).
    fn level(&self, limit: Limit, now: Instant) -> f64 {
        let refill = now.saturating_duration_since(self.at).as_secs_f64() * limit.refill_per_second;
        (self.level + refill).min(f64::from(limit.size))
    }
}

/// What the buckets said of a request.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The rate-limit headers of its answer (what is left after it).
    pub headers: Vec<(String, String)>,
    /// Refused: the 429 to answer (with its `Retry-After` and the headers).
    pub refused: Option<Reply>,
}

/// Every bucket of the simulator, and the limits they follow.
#[derive(Debug, Clone)]
pub struct Throttle {
    limits: RateLimits,
    /// What the simulator started with: the `clear` fault goes back to it.
    baseline: RateLimits,
    buckets: HashMap<Key, Bucket>,
    /// Resource Graph's quota windows: per principal, when the window started and the queries
    /// it took.
    graph_windows: HashMap<String, (Instant, u32)>,
    /// Requests refused (429) so far, by kind (`reads`, `writes`, `deletes`, `graph`): what a
    /// test of a client's pacing reads.
    pub refused: HashMap<&'static str, u64>,
}

impl Default for Throttle {
    /// The documented buckets, all full.
    fn default() -> Self {
        Throttle::new(RateLimits::documented())
    }
}

impl Throttle {
    /// Full buckets of these limits, which are also what `clear` returns to.
    pub fn new(limits: RateLimits) -> Throttle {
        Throttle {
            limits,
            baseline: limits,
            buckets: HashMap::new(),
            graph_windows: HashMap::new(),
            refused: HashMap::new(),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> RateLimits {
        self.limits
    }

    /// What the simulator started with.
    pub fn baseline(&self) -> RateLimits {
        self.baseline
    }

    /// New limits; every bucket starts again full at its new size (and Resource Graph's
    /// windows afresh).
    pub fn set(&mut self, limits: RateLimits) {
        self.limits = limits;
        self.buckets.clear();
        self.graph_windows.clear();
    }

    /// Counts a Resource Graph query of `principal` at `now` against ARG's quota: its window
    /// (which starts with the first query after the last one ended) takes it when it has a
    /// query left, else it is refused with ARG's 429. Every answer says what is left
    /// (`x-ms-user-quota-remaining`) and when the window starts again
    /// (`x-ms-user-quota-resets-after`, `hh:mm:ss`).
    pub fn take_graph(&mut self, principal: &str, now: Instant) -> Outcome {
        if !self.limits.enabled {
            return Outcome {
                headers: Vec::new(),
                refused: None,
            };
        }
        let quota = self.limits.graph;
        let window = std::time::Duration::from_secs_f64(quota.window_seconds);
        if self.graph_windows.len() >= MAX_BUCKETS {
            self.graph_windows
                .retain(|_, (start, _)| now.saturating_duration_since(*start) < window);
        }
        let (start, used) = self
            .graph_windows
            .entry(principal.to_string())
            .or_insert((now, 0));
        if now.saturating_duration_since(*start) >= window {
            (*start, *used) = (now, 0);
        }
        let refused = *used >= quota.queries;
        if !refused {
            *used += 1;
        }
        let left = (*start + window).saturating_duration_since(now);
        let headers = vec![
            (
                "x-ms-user-quota-remaining".to_string(),
                (quota.queries - *used).to_string(),
            ),
            ("x-ms-user-quota-resets-after".to_string(), hh_mm_ss(left)),
        ];
        let refused = refused.then(|| {
            *self.refused.entry("graph").or_default() += 1;
            let mut r = Reply {
                status: 429,
                headers: Vec::new(),
                body: Some(json!({"error": {
                    "code": "RateLimiting",
                    "message": support_message(),
                    "details": [{"code": "RateLimiting", "message": "Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help."}]
                }})),
            };
            r.headers.extend(headers.iter().cloned());
            r
        });
        Outcome { headers, refused }
    }

    /// Back to the limits the simulator started with, every bucket full.
    pub fn restore(&mut self) {
        self.set(self.baseline);
    }

    /// A bucket's limit.
    fn limit(&self, key: &Key) -> Limit {
        match key {
            Key::Principal { kind, .. } => self.limits.of(*kind),
            Key::Global { kind, .. } => self.limits.of(*kind).times(GLOBAL_FACTOR),
        }
    }

    /// A bucket's level at `now` (full when never touched).
    fn level(&self, key: &Key, now: Instant) -> f64 {
        let limit = self.limit(key);
        self.buckets
            .get(key)
            .map_or(f64::from(limit.size), |b| b.level(limit, now))
    }

    /// Counts a request of `principal` against `scope`'s buckets of `kind` at `now`: takes a
    /// token from each when every one holds one, else refuses it (taking nothing).
    pub fn take(&mut self, scope: &Scope, principal: &str, kind: Kind, now: Instant) -> Outcome {
        if !self.limits.enabled {
            return Outcome {
                headers: Vec::new(),
                refused: None,
            };
        }
        let own = Key::Principal {
            scope: scope.clone(),
            principal: principal.to_string(),
            kind,
        };
        let global = match scope {
            Scope::Subscription(s) => Some(Key::Global {
                subscription: s.clone(),
                kind,
            }),
            Scope::Tenant(_) => None,
        };
        let keys: Vec<Key> = std::iter::once(own).chain(global).collect();
        let levels: Vec<f64> = keys.iter().map(|k| self.level(k, now)).collect();
        let refused = levels.iter().any(|l| *l < 1.0);
        if refused {
            *self.refused.entry(kind.plural()).or_default() += 1;
        }
        if !refused {
            if self.buckets.len() >= MAX_BUCKETS {
                self.forget_full(now);
            }
            for (k, l) in keys.iter().zip(&levels) {
                self.buckets.insert(
                    k.clone(),
                    Bucket {
                        level: l - 1.0,
                        at: now,
                    },
                );
            }
        }
        let left: Vec<f64> = levels
            .iter()
            .map(|l| if refused { *l } else { l - 1.0 })
            .collect();
        let headers = keys
            .iter()
            .zip(&left)
            .map(|(k, l)| {
                (
                    header_name(scope, k, kind),
                    (l.max(0.0).floor() as u64).to_string(),
                )
            })
            .collect();
        let refused = refused.then(|| {
            // Whole seconds until every empty bucket holds a token again.
            let wait = keys
                .iter()
                .zip(&levels)
                .filter(|(_, l)| **l < 1.0)
                .map(|(k, l)| (1.0 - l) / self.limit(k).refill_per_second)
                .fold(0.0_f64, f64::max);
            let secs = (wait.ceil() as u64).max(1);
            let global_only = levels[0] >= 1.0;
            refusal(scope, principal, kind, secs, global_only)
        });
        Outcome { headers, refused }
    }

    /// Drops the buckets that are full again (a full bucket is as good as none).
    fn forget_full(&mut self, now: Instant) {
        let limits = self.limits;
        self.buckets.retain(|k, b| {
            let limit = match k {
                Key::Principal { kind, .. } => limits.of(*kind),
                Key::Global { kind, .. } => limits.of(*kind).times(GLOBAL_FACTOR),
            };
            b.level(limit, now) < f64::from(limit.size)
        });
    }

    /// The limits and the level of every bucket used so far (`GET /_sim/budget`); a bucket
    /// not listed is full.
    pub fn view(&self, now: Instant) -> Value {
        let mut keys: Vec<&Key> = self.buckets.keys().collect();
        keys.sort();
        let buckets: Vec<Value> = keys
            .into_iter()
            .map(|k| {
                let limit = self.limit(k);
                let level = (self.level(k, now) * 100.0).floor() / 100.0;
                match k {
                    Key::Principal {
                        scope,
                        principal,
                        kind,
                    } => json!({
                        "scope": scope.word(), scope.word(): scope.id(), "principal": principal,
                        "kind": kind.plural(), "level": level, "size": limit.size,
                        "refill_per_second": limit.refill_per_second,
                    }),
                    Key::Global { subscription, kind } => json!({
                        "scope": "subscription-global", "subscription": subscription,
                        "kind": kind.plural(), "level": level, "size": limit.size,
                        "refill_per_second": limit.refill_per_second,
                    }),
                }
            })
            .collect();
        json!({
            "enabled": self.limits.enabled,
            "limits": {
                "reads": self.limits.reads, "writes": self.limits.writes,
                "deletes": self.limits.deletes, "graph": self.limits.graph,
            },
            "global_factor": GLOBAL_FACTOR,
            "buckets": buckets,
            "refused": self.refused,
        })
    }
}

/// A duration as Resource Graph writes it in `x-ms-user-quota-resets-after`: `hh:mm:ss`,
/// whole seconds rounded up.
fn hh_mm_ss(d: std::time::Duration) -> String {
    let s = d.as_secs_f64().ceil() as u64;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// The message of Resource Graph's errors, which say what went wrong in `details`.
pub fn support_message() -> String {
    format!(
        "Please provide below info when asking for support: timestamp = {}, correlationId = {}.",
        crate::timefmt::rfc3339(time::OffsetDateTime::now_utc()),
        uuid::Uuid::new_v4()
    )
}

/// The header that says what is left of a bucket.
fn header_name(scope: &Scope, key: &Key, kind: Kind) -> String {
    match key {
        Key::Principal { .. } => {
            format!(
                "x-ms-ratelimit-remaining-{}-{}",
                scope.word(),
                kind.plural()
            )
        }
        Key::Global { .. } => {
            format!(
                "x-ms-ratelimit-remaining-subscription-global-{}",
                kind.plural()
            )
        }
    }
}

/// ARM's 429 for an emptied bucket, with `Retry-After`.
fn refusal(scope: &Scope, principal: &str, kind: Kind, secs: u64, global_only: bool) -> Reply {
    let after = format!(
        "Please try again after '{secs}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information."
    );
    let (code, message) = match scope {
        Scope::Subscription(s) if global_only => (
            "SubscriptionRequestsThrottled",
            format!(
                "Number of '{}' requests for subscription '{s}' across all principals exceeded. {after}",
                kind.word()
            ),
        ),
        Scope::Subscription(s) => (
            "SubscriptionRequestsThrottled",
            format!(
                "Number of '{}' requests for subscription '{s}' actor '{principal}' exceeded. {after}",
                kind.word()
            ),
        ),
        Scope::Tenant(t) => (
            "TenantRequestsThrottled",
            format!(
                "Number of '{}' requests for tenant '{t}' actor '{principal}' exceeded. {after}",
                kind.word()
            ),
        ),
    };
    Reply::from(ArmError::new(429, code, message)).header("Retry-After", secs.to_string())
}

/// The limits and baseline of a saved world (the levels are not saved: a resumed simulator's
/// buckets start full, as an `Instant` means nothing in another process).
pub mod persist {
    use super::*;
    use serde::{Deserializer, Serializer};

    #[derive(Serialize, Deserialize)]
    struct Saved {
        limits: RateLimits,
        baseline: RateLimits,
    }

    pub fn serialize<S: Serializer>(t: &Throttle, s: S) -> Result<S::Ok, S::Error> {
        Saved {
            limits: t.limits,
            baseline: t.baseline,
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Throttle, D::Error> {
        let saved = Saved::deserialize(d)?;
        Ok(Throttle {
            limits: saved.limits,
            baseline: saved.baseline,
            buckets: HashMap::new(),
            graph_windows: HashMap::new(),
            refused: HashMap::new(),
        })
    }
}

#[cfg(test)]
mod tests;
