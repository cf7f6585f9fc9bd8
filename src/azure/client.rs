//! The ARM HTTP client: deadlines, retries with backoff and jitter, Retry-After, long-running
//! operations, paging — and the read-only capability: only an [`ArmWriter`] can send a mutating
//! request, and read-only mode never creates one.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::auth::{Identity, TokenSource};
use super::error::{AzureError, ErrorKind};
use crate::config::{Config, is_loopback_url};

/// Timeouts and retry limits.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Deadline of one HTTP request (a hanging region shows as "not responding" after it).
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    /// Attempts per call, the first included.
    pub max_attempts: u32,
    /// Deadline of one call, retries included.
    pub total_deadline: Duration,
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// Poll interval of a long-running operation that gives no Retry-After.
    pub default_poll: Duration,
    /// Longest wait for a sign-in.
    pub auth_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            request_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_attempts: 5,
            total_deadline: Duration::from_secs(60),
            base_backoff: Duration::from_millis(400),
            max_backoff: Duration::from_secs(20),
            default_poll: Duration::from_secs(10),
            auth_timeout: Duration::from_secs(30),
        }
    }
}

impl ClientOptions {
    /// The options the configuration's `[console]` table implies.
    pub fn from_config(cfg: &Config) -> ClientOptions {
        ClientOptions {
            request_timeout: Duration::from_secs(cfg.console.request_timeout_seconds.into()),
            ..ClientOptions::default()
        }
    }
}

/// Whether mutating requests are allowed at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadOnly,
    ReadWrite,
}

/// Azure's clock as the client knows it: the last `Date` header and when it came, and the time
/// last given.
#[derive(Debug, Default)]
struct ServerClock {
    date: Option<(time::OffsetDateTime, Instant)>,
    given: Option<time::OffsetDateTime>,
}

/// How far behind the time already given a new `Date` header may read and still be the same
/// clock: it is to the second, and it was written a round trip before it came.
const DATE_SLACK: time::Duration = time::Duration::seconds(2);

impl ServerClock {
    /// Azure's time at `at`: the last header's date plus the time since it came (the local clock
    /// before any came). Held at the time already given when that is up to [`DATE_SLACK`] ahead,
    /// so it never steps back on a header's rounding; a larger step back is a real change of
    /// Azure's clock (a restarted or rewound simulator) and is followed.
    fn now(&mut self, at: Instant) -> time::OffsetDateTime {
        let estimate = match self.date {
            Some((date, came)) => date + at.saturating_duration_since(came),
            None => time::OffsetDateTime::now_utc(),
        };
        let now = match self.given {
            Some(given) if estimate < given && given - estimate <= DATE_SLACK => given,
            _ => estimate,
        };
        self.given = Some(now);
        now
    }
}

struct Inner {
    http: reqwest::Client,
    base: String,
    tokens: TokenSource,
    requests: AtomicU64,
    /// Azure's clock, from the answers' `Date` headers.
    server_clock: std::sync::Mutex<ServerClock>,
    /// What ARM last said is left of this principal's request budget.
    budget: std::sync::Mutex<Budget>,
    /// Runs in flight through this client ([`RunPriority`]).
    runs: AtomicU32,
    /// GETs sent by every clone but the background ones (a run's, a plan's).
    foreground_reads: AtomicU64,
    /// Until when ARM said (429 with Retry-After) not to come back, per bucket (reads,
    /// writes, deletes): every request of that kind waits for it, not only the refused one.
    holds: std::sync::Mutex<[Option<Instant>; 3]>,
    /// Reads sent by every clone whose answer has not come back yet ([`InFlight`]).
    reads_in_flight: AtomicU32,
    /// Reads held at the read gate now ([`ArmClient::reads_waiting`]).
    reads_waiting: AtomicU32,
    /// Reads that waited at the read gate so far ([`ArmClient::reads_gated`]).
    reads_gated: AtomicU64,
    /// Told whenever a read's answer (or failure) comes back: the reads held at the gate look
    /// at the budget again.
    read_done: tokio::sync::Notify,
}

/// The reads a background client (the console's refreshes and probes) leaves in ARM's read
/// bucket: it sends a read only while more than these are left (the last figure ARM gave,
/// refilled since, less the reads in flight), so that a run's reads always find them there.
/// The health engine keeps the same reserve when it paces whole refreshes.
pub const BACKGROUND_READ_RESERVE: u32 = 60;

/// Connections kept open between requests (per host). The client speaks HTTP/1.1 (reqwest
/// without its `http2` feature): a request on the wire is a connection, and each one kept idle
/// holds its buffers, grown to the largest answer it carried (tens to hundreds of kilobytes:
/// 5 MB for the 136 of a `status` burst at 1,000 components, 5 MB more for 40 instead of 16
/// after the console's refreshes). A console refresh (`CollectOptions::console`: 32 and its
/// lists' 8) opens at most 24 again, and a one-shot burst's others (`status`, a runbook's
/// checks) close.
pub const IDLE_CONNECTIONS: usize = 16;

/// The longest a read waits at the read gate ([`read_gate`]); past it, it is sent anyway (a
/// 429 is then waited out as ARM says).
pub const READ_GATE_MAX_WAIT: Duration = Duration::from_secs(30);

/// The shortest and longest sleep of a read held at the gate before it looks again (an answer
/// coming back makes it look at once).
const READ_GATE_MIN_SLEEP: Duration = Duration::from_millis(20);
const READ_GATE_MAX_SLEEP: Duration = Duration::from_secs(1);

/// Whether a read may be sent now without emptying ARM's read bucket below `reserve`: None to
/// send, else how long to sleep before asking again. The estimate of what is left is the last
/// figure ARM gave (`remaining`, read `age` ago) refilled since at the documented rate (up to
/// the bucket's size), less the reads `in_flight` (sent, not answered: ARM may not have counted
/// them in that figure). A read goes while the estimate is above `reserve`; the sleep is what
/// the documented refill needs to make room (at least 20 ms, at most 1 s). With no figure yet
/// it goes: the first answers tell. A bucket that refills slower than documented is corrected
/// by every answer's figure.
pub fn read_gate(
    remaining: Option<u32>,
    age: Duration,
    in_flight: u32,
    reserve: u32,
) -> Option<Duration> {
    let remaining = remaining?;
    let left = refilled_after(
        remaining,
        age,
        Budget::READ_REFILL_PER_S,
        Budget::READ_BUCKET,
    );
    let estimate = i64::from(left) - i64::from(in_flight);
    if estimate > i64::from(reserve) {
        return None;
    }
    if left >= Budget::READ_BUCKET.max(remaining) {
        // Full by the estimate: refill makes no room, only answers coming back do.
        return Some(READ_GATE_MAX_SLEEP);
    }
    // Tokens short of one above the reserve and the reads in flight, at the documented refill.
    let rate = Budget::READ_REFILL_PER_S;
    let now = f64::from(remaining) + age.as_secs_f64() * rate;
    let short = f64::from(reserve) + 1.0 + f64::from(in_flight) - now;
    let sleep = Duration::from_secs_f64((short / rate).clamp(0.0, 1.0));
    Some(sleep.clamp(READ_GATE_MIN_SLEEP, READ_GATE_MAX_SLEEP))
}

/// A read in flight: counted in [`Inner::reads_in_flight`] until dropped (its answer or its
/// failure came back, or the call was cancelled), which tells the reads held at the gate.
struct InFlight {
    inner: Arc<Inner>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.inner.reads_in_flight.fetch_sub(1, Ordering::SeqCst);
        self.inner.read_done.notify_waiters();
    }
}

/// A read held at the gate: counted in [`Inner::reads_waiting`] until dropped.
struct Waiting {
    inner: Arc<Inner>,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.inner.reads_waiting.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The bucket a method draws on: reads (GET, HEAD), deletes, writes.
fn bucket_of(method: &Method) -> usize {
    match *method {
        Method::GET | Method::HEAD => 0,
        Method::DELETE => 2,
        _ => 1,
    }
}

/// What ARM says is left of the caller's request budget: its token buckets per subscription
/// and principal (reads refill at 25/s up to 250, writes and deletes at 10/s up to 200), read
/// from the `x-ms-ratelimit-remaining-subscription-{reads,writes,deletes}` headers of every
/// answer (and their `-global-` variants, the subscription's bucket across principals: the
/// smaller counts). None until an answer carried it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Budget {
    pub reads: Option<u32>,
    pub writes: Option<u32>,
    pub deletes: Option<u32>,
    /// Answers 429 (throttled) so far.
    pub throttled: u64,
    /// When the last 429 came.
    pub throttled_at: Option<Instant>,
    /// When the reads figure was last read.
    pub reads_at: Option<Instant>,
    /// Azure Resource Graph's own quota (its queries do not count against ARM's buckets): the
    /// queries left in its window (`x-ms-user-quota-remaining`; 15 per 5 s by default) and when
    /// the window starts again (`x-ms-user-quota-resets-after`, `hh:mm:ss`).
    pub graph_queries: Option<u32>,
    pub graph_resets_at: Option<Instant>,
    /// When the writes figure was last read.
    pub writes_at: Option<Instant>,
    /// The place in sending order ([`Inner::requests`]) of the request whose answer gave the
    /// reads figure, and the writes figure: an answer to a request sent earlier, which ARM
    /// counted before, does not replace them ([`Budget::note`]).
    pub reads_sent: u64,
    pub writes_sent: u64,
}

impl Budget {
    /// The documented refill of the read bucket, per second.
    pub const READ_REFILL_PER_S: f64 = 25.0;
    /// The documented size of the read bucket.
    pub const READ_BUCKET: u32 = 250;
    /// The documented refill of the write bucket, per second.
    pub const WRITE_REFILL_PER_S: f64 = 10.0;
    /// The documented size of the write bucket.
    pub const WRITE_BUCKET: u32 = 200;

    /// Reads left now: the last figure, refilled since at the documented rate (never above the
    /// bucket's size); None when no answer said.
    pub fn reads_now(&self) -> Option<u32> {
        refilled(
            self.reads?,
            self.reads_at?,
            Self::READ_REFILL_PER_S,
            Self::READ_BUCKET,
        )
    }

    /// Writes left now, as [`Budget::reads_now`] for the write bucket (what a mutation's answer
    /// said last, refilled since); None when no answer to a mutation said.
    pub fn writes_now(&self) -> Option<u32> {
        refilled(
            self.writes?,
            self.writes_at?,
            Self::WRITE_REFILL_PER_S,
            Self::WRITE_BUCKET,
        )
    }

    /// Whether Resource Graph's quota says a query would be refused now: none left in the
    /// window, and the window has not started again.
    pub fn graph_exhausted(&self) -> bool {
        self.graph_queries == Some(0) && self.graph_resets_at.is_some_and(|t| Instant::now() < t)
    }

    /// Takes the figures the headers of the answer to the `sent`-th request carry. ARM counts a
    /// request when it arrives, and answers cross on the way back when many are on the wire: a
    /// higher figure from a request sent before the one that gave the current figure is older,
    /// however late it comes back, and is not taken (it would raise the estimate by what was
    /// spent in between, and the read gate would let a burst into an empty bucket). A lower
    /// figure is always taken: sending order is only close to ARM's order (a request that opens
    /// a connection arrives after one sent later on an open one), and the lower is the safe one.
    fn note(&mut self, headers: &HeaderMap, sent: u64) {
        let get = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u32>().ok())
        };
        let pick = |kind: &str| {
            let own = get(&format!("x-ms-ratelimit-remaining-subscription-{kind}"));
            let global = get(&format!(
                "x-ms-ratelimit-remaining-subscription-global-{kind}"
            ));
            match (own, global) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
        };
        if let Some(r) = pick("reads") {
            take(
                (&mut self.reads, &mut self.reads_at, &mut self.reads_sent),
                r,
                sent,
            );
        }
        if let Some(w) = pick("writes") {
            take(
                (&mut self.writes, &mut self.writes_at, &mut self.writes_sent),
                w,
                sent,
            );
        }
        if let Some(d) = pick("deletes") {
            self.deletes = Some(d);
        }
        if let Some(q) = get("x-ms-user-quota-remaining") {
            self.graph_queries = Some(q);
            self.graph_resets_at = quota_resets_after(headers).map(|d| Instant::now() + d);
        }
    }
}

/// Takes `figure`, from the answer to the `sent`-th request, into a bucket's held figure, when
/// it was read then and in which request's answer ([`Budget::note`]): a lower figure always, a
/// higher one only from a request sent since the held one's.
fn take(
    (held, at, held_sent): (&mut Option<u32>, &mut Option<Instant>, &mut u64),
    figure: u32,
    sent: u64,
) {
    if held.is_none_or(|h| figure < h) || sent >= *held_sent {
        *held = Some(figure);
        *at = Some(Instant::now());
        *held_sent = (*held_sent).max(sent);
    }
}

/// `x-ms-user-quota-resets-after` (Resource Graph): `hh:mm:ss`, seconds maybe with a fraction.
fn quota_resets_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers
        .get("x-ms-user-quota-resets-after")?
        .to_str()
        .ok()?
        .trim();
    let mut parts = v.split(':');
    let (h, m, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let secs = h.parse::<u64>().ok()? as f64 * 3600.0
        + m.parse::<u64>().ok()? as f64 * 60.0
        + s.parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s >= 0.0)?;
    (secs <= 86_400.0).then(|| Duration::from_secs_f64(secs))
}

/// A figure read `at`, refilled since at `per_s` up to `size` (or the figure, if larger).
fn refilled(left: u32, at: Instant, per_s: f64, size: u32) -> Option<u32> {
    Some(refilled_after(left, at.elapsed(), per_s, size))
}

/// A figure read `age` ago, refilled since at `per_s` up to `size` (or the figure, if larger).
fn refilled_after(left: u32, age: Duration, per_s: f64, size: u32) -> u32 {
    let refill = age.as_secs_f64() * per_s;
    ((f64::from(left) + refill) as u32).min(size.max(left))
}

/// Held while a run is in flight through a client ([`ArmClient::run_priority`]): the console's
/// refreshes and probes through any clone of it yield to the run until it is dropped.
pub struct RunPriority {
    inner: Arc<Inner>,
}

impl Drop for RunPriority {
    fn drop(&mut self) {
        self.inner.runs.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Reads from ARM. Cheap to clone; every clone shares one connection pool and token cache.
#[derive(Clone)]
pub struct ArmClient {
    inner: Arc<Inner>,
    opts: Arc<ClientOptions>,
    /// The console's own reads (refreshes, probes): not counted in
    /// [`ArmClient::foreground_reads`].
    background: bool,
    /// A bound on this clone's requests in flight ([`ArmClient::bounded`]), taken by each
    /// attempt from before the read gate until its answer (or failure) is in.
    limit: Option<Arc<tokio::sync::Semaphore>>,
    /// The places of the same collection's lists ([`ArmClient::listing`]).
    lists_limit: Option<Arc<tokio::sync::Semaphore>>,
}

/// Places a bounded client keeps for its lists beside its bound ([`ArmClient::listing`]).
pub const LIST_PLACES: usize = 8;

/// Sends mutating requests. Only [`connect`] creates one, and only with [`Access::ReadWrite`].
#[derive(Clone)]
pub struct ArmWriter {
    client: ArmClient,
    /// The `x-ms-client-request-id` the next requests carry (journaled before they leave).
    client_request_id: Option<String>,
}

/// An answer from ARM.
#[derive(Debug, Clone)]
pub struct ArmResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub request_id: Option<String>,
    pub client_request_id: String,
}

impl ArmResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON (None when empty).
    pub fn json_value(&self) -> Result<Option<Value>, String> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        serde_json::from_slice(&self.body)
            .map(Some)
            .map_err(|e| format!("the body is not valid JSON ({e})"))
    }
}

/// Opens a session: a reader, and a writer unless read-only.
pub fn connect(
    cfg: &Config,
    access: Access,
    opts: ClientOptions,
) -> Result<(ArmClient, Option<ArmWriter>), AzureError> {
    let base = cfg
        .deployment
        .arm_endpoint
        .trim_end_matches('/')
        .to_string();
    if base.starts_with("http://") && !is_loopback_url(&base) {
        return Err(AzureError::new(
            ErrorKind::Auth(format!(
                "refusing to send a bearer token over plain HTTP to '{base}'"
            )),
            "CONNECT",
            &base,
        ));
    }
    let tokens = TokenSource::from_config(cfg, opts.auth_timeout)
        .map_err(|e| AzureError::new(ErrorKind::Auth(e.to_string()), "SIGN-IN", &base))?;
    let http = reqwest::Client::builder()
        .connect_timeout(opts.connect_timeout)
        .pool_idle_timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(IDLE_CONNECTIONS)
        .user_agent(concat!("azfailover/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| AzureError::new(ErrorKind::Unreachable(e.to_string()), "CONNECT", &base))?;
    let client = ArmClient {
        inner: Arc::new(Inner {
            http,
            base,
            tokens,
            requests: AtomicU64::new(0),
            server_clock: std::sync::Mutex::new(ServerClock::default()),
            budget: std::sync::Mutex::new(Budget::default()),
            runs: AtomicU32::new(0),
            foreground_reads: AtomicU64::new(0),
            holds: std::sync::Mutex::new([None; 3]),
            reads_in_flight: AtomicU32::new(0),
            reads_waiting: AtomicU32::new(0),
            reads_gated: AtomicU64::new(0),
            read_done: tokio::sync::Notify::new(),
        }),
        opts: Arc::new(opts),
        background: false,
        limit: None,
        lists_limit: None,
    };
    let writer = (access == Access::ReadWrite).then(|| ArmWriter {
        client: client.clone(),
        client_request_id: None,
    });
    Ok((client, writer))
}

/// How a request is sent again after a failure.
#[derive(Debug, Clone, Copy)]
struct How {
    /// It changes something: re-sent only when it certainly did not reach ARM.
    mutating: bool,
    /// A 429 is waited out (as `Retry-After` says) within the call's deadline.
    wait_throttled: bool,
}

/// Whether a failed attempt may be tried again.
enum Retry {
    No,
    After(Option<Duration>),
}

/// How long an answer says to wait: `Retry-After` (seconds or an HTTP date), else Resource
/// Graph's `x-ms-user-quota-resets-after` (its 429 names the end of its quota window).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let Some(v) = headers.get("retry-after") else {
        return quota_resets_after(headers);
    };
    let v = v.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<f64>() {
        return (secs >= 0.0 && secs.is_finite()).then(|| Duration::from_secs_f64(secs));
    }
    let when = crate::timefmt::parse_http_date(v)?;
    let left = (when - time::OffsetDateTime::now_utc()).as_seconds_f64();
    Some(Duration::from_secs_f64(left.max(0.0)))
}

/// Parses ARM's `{"error": {"code", "message"}}` (or a bare `{"code","message"}`).
fn arm_error(status: u16, body: &Bytes) -> ErrorKind {
    let v: Option<Value> = serde_json::from_slice(body).ok();
    let err = v.as_ref().map(|v| v.get("error").unwrap_or(v));
    let code = err.and_then(|e| e.get("code")).and_then(Value::as_str);
    let message = err.and_then(|e| e.get("message")).and_then(Value::as_str);
    // Resource Graph says what was wrong in `details` (its message only asks to quote ids).
    let detail = err
        .and_then(|e| e.get("details"))
        .and_then(Value::as_array)
        .and_then(|d| d.first())
        .and_then(|d| Some((d.get("code")?.as_str()?, d.get("message")?.as_str()?)));
    match (code, message) {
        (Some(c), m) => ErrorKind::Api {
            status,
            code: c.to_string(),
            message: match detail {
                Some((dc, dm)) => format!("{} ({dc}: {dm})", m.unwrap_or_default()),
                None => m.unwrap_or_default().to_string(),
            },
        },
        _ => ErrorKind::Api {
            status,
            code: StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Error")
                .replace(' ', ""),
            message: String::from_utf8_lossy(&body[..body.len().min(200)])
                .trim()
                .to_string(),
        },
    }
}

impl ArmClient {
    /// A client sharing this one's connections and tokens with at most `max_attempts` per call
    /// (health collection retries little: a region that fails keeps failing, and the screen
    /// must not wait on it).
    pub fn with_max_attempts(&self, max_attempts: u32) -> ArmClient {
        ArmClient {
            opts: Arc::new(ClientOptions {
                max_attempts: max_attempts.max(1),
                ..(*self.opts).clone()
            }),
            ..self.clone()
        }
    }

    /// A client sharing this one's connections, tokens and budget that has at most `n`
    /// requests on the wire at once (at least 1): one collection's bound. It counts requests,
    /// not the reads that make them — a read waiting for a list, for its page or for an
    /// earlier answer holds no place — and the time a request waits for a place is not
    /// counted against its deadline.
    pub fn bounded(&self, n: usize) -> ArmClient {
        ArmClient {
            limit: Some(Arc::new(tokio::sync::Semaphore::new(n.max(1)))),
            lists_limit: Some(Arc::new(tokio::sync::Semaphore::new(LIST_PLACES))),
            ..self.clone()
        }
    }

    /// The same bounded client for a subscription-wide list or query — what other reads wait
    /// for: its requests have [`LIST_PLACES`] places of their own beside the bound, so a list
    /// never queues behind the per-resource reads it would spare (a cold `status` of 210
    /// components waited 160 ms for its storage and role lists). Unbounded: the same client.
    pub fn listing(&self) -> ArmClient {
        match &self.lists_limit {
            Some(lists) => ArmClient {
                limit: Some(lists.clone()),
                ..self.clone()
            },
            None => self.clone(),
        }
    }

    /// A client sharing this one's connections, tokens and budget whose reads are the
    /// console's own (refreshes and probes): they yield to a run, and
    /// [`ArmClient::foreground_reads`] does not count them.
    pub fn background(&self) -> ArmClient {
        ArmClient {
            background: true,
            ..self.clone()
        }
    }

    /// Marks a run in flight until the guard is dropped (every clone sees it): the console's
    /// engine then refreshes only above the run's reserve of reads, and less often.
    pub fn run_priority(&self) -> RunPriority {
        self.inner.runs.fetch_add(1, Ordering::SeqCst);
        RunPriority {
            inner: self.inner.clone(),
        }
    }

    /// Whether a run is in flight through this client or a clone of it.
    pub fn run_in_flight(&self) -> bool {
        self.inner.runs.load(Ordering::SeqCst) > 0
    }

    /// GETs sent so far by every clone but the background ones (every attempt counts): a run's
    /// reads, while one is in flight.
    pub fn foreground_reads(&self) -> u64 {
        self.inner.foreground_reads.load(Ordering::Relaxed)
    }

    /// Reads (GET) held at the read gate now, by every clone: they wait for ARM's read bucket
    /// to refill (a background clone's above [`BACKGROUND_READ_RESERVE`]; see [`read_gate`]).
    pub fn reads_waiting(&self) -> u32 {
        self.inner.reads_waiting.load(Ordering::SeqCst)
    }

    /// Reads (GET) that waited at the read gate so far, by every clone (each attempt counts).
    pub fn reads_gated(&self) -> u64 {
        self.inner.reads_gated.load(Ordering::Relaxed)
    }

    /// Reads (GET) sent by every clone whose answer has not come back yet.
    pub fn reads_in_flight(&self) -> u32 {
        self.inner.reads_in_flight.load(Ordering::SeqCst)
    }

    /// Waits at the read gate until [`read_gate`] lets a read go (at most
    /// [`READ_GATE_MAX_WAIT`]), and counts it in flight: the budget is looked at and the read
    /// counted under one lock, so that reads held together do not all go at once. Returns the
    /// read in flight and how long it waited.
    async fn read_credit(&self) -> (InFlight, Duration) {
        let reserve = if self.background {
            BACKGROUND_READ_RESERVE
        } else {
            0
        };
        let started = Instant::now();
        let mut waiting: Option<Waiting> = None;
        loop {
            // Registered before the budget is looked at, so that no answer in between is missed.
            let answered = self.inner.read_done.notified();
            tokio::pin!(answered);
            answered.as_mut().enable();
            let sleep = {
                let budget = self
                    .inner
                    .budget
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let in_flight = self.inner.reads_in_flight.load(Ordering::SeqCst);
                let age = budget.reads_at.map_or(Duration::ZERO, |at| at.elapsed());
                let waited = started.elapsed();
                match read_gate(budget.reads, age, in_flight, reserve) {
                    Some(sleep) if waited < READ_GATE_MAX_WAIT => {
                        sleep.min(READ_GATE_MAX_WAIT - waited)
                    }
                    _ => {
                        self.inner.reads_in_flight.fetch_add(1, Ordering::SeqCst);
                        let credit = InFlight {
                            inner: self.inner.clone(),
                        };
                        return (credit, waited);
                    }
                }
            };
            if waiting.is_none() {
                self.inner.reads_waiting.fetch_add(1, Ordering::SeqCst);
                self.inner.reads_gated.fetch_add(1, Ordering::Relaxed);
                waiting = Some(Waiting {
                    inner: self.inner.clone(),
                });
            }
            tokio::select! {
                _ = tokio::time::sleep(sleep) => {}
                _ = answered => {}
            }
        }
    }

    /// Who is signed in.
    pub fn identity(&self) -> Identity {
        self.inner.tokens.identity()
    }

    /// What ARM last said is left of this principal's request budget (shared by every clone:
    /// the console's refreshes and a run's requests draw on the same buckets).
    pub fn budget(&self) -> Budget {
        *self
            .inner
            .budget
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Requests sent so far (every attempt counts).
    pub fn requests_sent(&self) -> u64 {
        self.inner.requests.load(Ordering::Relaxed)
    }

    /// Azure's current time, from the last answer's `Date` header (the local clock until one
    /// came). Lags such as `now - lastSyncTime` are computed on Azure's clock, so a skewed local
    /// clock — or the simulator's accelerated one — does not distort them.
    ///
    /// It never steps back by a second or two, which a `Date` header (to the second) can read
    /// behind the time already given ([`ServerClock`]), so "read N s ago" is never negative and
    /// a reading just taken is never "from the future".
    pub fn server_now(&self) -> time::OffsetDateTime {
        self.inner
            .server_clock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .now(Instant::now())
    }

    fn note_server_date(&self, headers: &HeaderMap) {
        let Some(v) = headers.get("date").and_then(|v| v.to_str().ok()) else {
            return;
        };
        if let Some(t) = crate::timefmt::parse_http_date(v) {
            self.inner
                .server_clock
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .date = Some((t, Instant::now()));
        }
    }

    /// Signs in now (to fail early with a clear message rather than on the first call).
    pub async fn sign_in(&self) -> Result<Identity, AzureError> {
        self.inner.tokens.token().await.map_err(|e| {
            AzureError::new(ErrorKind::Auth(e.to_string()), "SIGN-IN", &self.inner.base)
        })?;
        Ok(self.identity())
    }

    /// Turns a path or an absolute URL into a URL on this endpoint; refuses other hosts, so a
    /// token never follows a nextLink or monitor URL somewhere else.
    fn url(&self, path_or_url: &str, query: &[(&str, &str)]) -> Result<String, AzureError> {
        let mut url = if path_or_url.starts_with("http://") || path_or_url.starts_with("https://") {
            let origin = |u: &str| -> String {
                let rest = u
                    .split_once("://")
                    .map(|(s, r)| (s, r.split('/').next().unwrap_or_default()));
                rest.map(|(s, h)| format!("{s}://{}", h.to_ascii_lowercase()))
                    .unwrap_or_default()
            };
            if origin(path_or_url) != origin(&self.inner.base) {
                return Err(AzureError::new(
                    ErrorKind::Malformed(format!(
                        "refusing to follow a link to another host: {}",
                        origin(path_or_url)
                    )),
                    "GET",
                    path_or_url,
                ));
            }
            path_or_url.to_string()
        } else {
            format!("{}{}", self.inner.base, path_or_url)
        };
        for (k, v) in query {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(k);
            url.push('=');
            url.push_str(&form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>());
        }
        Ok(url)
    }

    /// One call with retries. Reads retry on 408/429/5xx and lost connections; a mutation is
    /// retried only when it certainly did not reach ARM (no connection, or 429).
    async fn send(
        &self,
        method: Method,
        url: String,
        body: Option<&Value>,
    ) -> Result<ArmResponse, AzureError> {
        let how = How {
            mutating: method != Method::GET,
            wait_throttled: true,
        };
        self.send_as(method, url, body, None, how).await
    }

    /// POSTs a query (Azure Resource Graph's, the only POST that reads): retried as a read,
    /// its timeout a deadline rather than an unknown outcome, allowed in read-only mode. A 429
    /// is not waited out: the caller has another way to read (Resource Graph's quota window is
    /// seconds long, and a refresh must not wait on it).
    pub(super) async fn post_query(
        &self,
        path: &str,
        api_version: &str,
        body: &Value,
    ) -> Result<ArmResponse, AzureError> {
        let url = self.url(path, &[("api-version", api_version)])?;
        let how = How {
            mutating: false,
            wait_throttled: false,
        };
        self.send_as(Method::POST, url, Some(body), None, how).await
    }

    /// `send` with a client request id chosen by the caller (journaled before it leaves).
    async fn send_as(
        &self,
        method: Method,
        url: String,
        body: Option<&Value>,
        client_request_id: Option<&str>,
        how: How,
    ) -> Result<ArmResponse, AzureError> {
        let o = &self.opts;
        let mutating = how.mutating;
        let path = url
            .strip_prefix(&self.inner.base)
            .unwrap_or(&url)
            .split('?')
            .next()
            .unwrap_or_default()
            .to_string();
        // When the call started, for its deadline: moved on by the time its reads wait at the
        // read gate (the deadline is the network's; a read sent late still gets all of it).
        let mut started = Instant::now();
        let client_request_id = client_request_id
            .map(str::to_string)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let mut attempt = 0;
        loop {
            attempt += 1;
            // ARM said to come back later for this bucket: every request of it waits (within
            // the call's deadline), so that concurrent requests do not walk into 429s one by one.
            if let Some(wait) = self.held(&method)
                && started.elapsed() + wait < o.total_deadline
            {
                tokio::time::sleep(wait).await;
            }
            // A place within the clone's bound on requests on the wire, if it has one.
            let slot = match &self.limit {
                Some(limit) => {
                    let asked = Instant::now();
                    let slot = limit.clone().acquire_owned().await.ok();
                    started += asked.elapsed();
                    slot
                }
                None => None,
            };
            // A read waits until ARM's read bucket has room for it (above the console's reserve
            // for a background client), and is counted in flight until its answer is back.
            let mut credit = if bucket_of(&method) == 0 {
                let (credit, waited) = self.read_credit().await;
                if !waited.is_zero() {
                    started += waited;
                    tracing::debug!(
                        "{method} {path}: waited {:.2} s at the read gate (ARM's read budget)",
                        waited.as_secs_f64()
                    );
                }
                Some(credit)
            } else {
                None
            };
            let token = self.inner.tokens.token().await.map_err(|e| {
                let mut err =
                    AzureError::new(ErrorKind::Auth(e.to_string()), method.as_str(), &path);
                err.client_request_id = Some(client_request_id.clone());
                err
            })?;
            let left = o.total_deadline.saturating_sub(started.elapsed());
            let timeout = o.request_timeout.min(left.max(Duration::from_millis(1)));
            let mut req = self
                .inner
                .http
                .request(method.clone(), &url)
                .timeout(timeout)
                .header(reqwest::header::AUTHORIZATION, token.header_value())
                .header("x-ms-client-request-id", &client_request_id)
                .header("x-ms-correlation-request-id", &client_request_id)
                .header(reqwest::header::ACCEPT, "application/json");
            if let Some(b) = body {
                req = req.json(b);
            } else if mutating {
                req = req.header(reqwest::header::CONTENT_LENGTH, "0");
            }
            let sent = self.inner.requests.fetch_add(1, Ordering::SeqCst);
            if !mutating && !self.background {
                self.inner.foreground_reads.fetch_add(1, Ordering::Relaxed);
            }
            let sent_at = Instant::now();
            let outcome = match req.send().await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let headers = resp.headers().clone();
                    match resp.bytes().await {
                        Ok(body) => Ok((status, headers, body)),
                        Err(e) => Err(e),
                    }
                }
                Err(e) => Err(e),
            };
            let (kind, retry, request_id) = match outcome {
                Ok((status, headers, body)) => {
                    self.note_server_date(&headers);
                    {
                        let mut b = self
                            .inner
                            .budget
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner);
                        b.note(&headers, sent);
                        if status == 429 {
                            b.throttled += 1;
                            b.throttled_at = Some(Instant::now());
                        }
                    }
                    // The figure is taken: the read is no longer in flight.
                    drop(credit.take());
                    let request_id = headers
                        .get("x-ms-request-id")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string);
                    if (200..300).contains(&status) {
                        tracing::debug!(
                            "{method} {path} -> {status} ({} ms)",
                            sent_at.elapsed().as_millis()
                        );
                        return Ok(ArmResponse {
                            status,
                            headers,
                            body,
                            request_id,
                            client_request_id,
                        });
                    }
                    let retry = match status {
                        429 if how.wait_throttled => Retry::After(retry_after(&headers)),
                        408 | 500 | 502 | 503 | 504 if !mutating => {
                            Retry::After(retry_after(&headers))
                        }
                        _ => Retry::No,
                    };
                    (arm_error(status, &body), retry, request_id)
                }
                Err(e) if e.is_timeout() => {
                    let kind = if mutating {
                        ErrorKind::Ambiguous(format!(
                            "no answer within {:.1} s after the request was sent",
                            timeout.as_secs_f64()
                        ))
                    } else {
                        ErrorKind::Deadline {
                            after_ms: sent_at.elapsed().as_millis() as u64,
                        }
                    };
                    // A hanging region usually keeps hanging: a timeout is not retried.
                    (kind, Retry::No, None)
                }
                Err(e) if e.is_connect() => (
                    ErrorKind::Unreachable(root_cause(&e)),
                    Retry::After(None),
                    None,
                ),
                Err(e) => {
                    if mutating {
                        (
                            ErrorKind::Ambiguous(format!(
                                "the connection broke after the request was sent: {}",
                                root_cause(&e)
                            )),
                            Retry::No,
                            None,
                        )
                    } else {
                        (
                            ErrorKind::Unreachable(format!(
                                "the connection broke: {}",
                                root_cause(&e)
                            )),
                            Retry::After(None),
                            None,
                        )
                    }
                }
            };
            // Failed without an answer's figure: no longer in flight either.
            drop(credit);
            drop(slot);
            let fail = |kind: ErrorKind| AzureError {
                kind,
                method: method.to_string(),
                path: path.clone(),
                request_id: request_id.clone(),
                client_request_id: Some(client_request_id.clone()),
                attempts: attempt,
            };
            let Retry::After(hint) = retry else {
                return Err(fail(kind));
            };
            // Throttling says when to come back: it is waited out within the total deadline
            // (up to 10 attempts); other failures get `max_attempts`.
            let throttled = matches!(kind, ErrorKind::Api { status: 429, .. });
            if attempt
                >= if throttled {
                    o.max_attempts.max(10)
                } else {
                    o.max_attempts
                }
            {
                return Err(fail(kind));
            }
            let backoff = o
                .base_backoff
                .saturating_mul(1 << (attempt - 1).min(16))
                .min(o.max_backoff);
            let jittered = backoff.mul_f64(0.5 + fastrand::f64() * 0.5);
            let wait = hint.map_or(jittered, |h| h.min(Duration::from_secs(120)));
            if throttled {
                self.hold(&method, wait);
            }
            if started.elapsed() + wait >= o.total_deadline {
                return Err(fail(kind));
            }
            tracing::info!(
                "{method} {path}: {} — retrying in {:.1} s (attempt {attempt})",
                fail(kind.clone()),
                wait.as_secs_f64()
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// How long requests of `method`'s bucket still wait after a 429 (None: they go).
    fn held(&self, method: &Method) -> Option<Duration> {
        let holds = self
            .inner
            .holds
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let until = holds[bucket_of(method)]?;
        let left = until.saturating_duration_since(Instant::now());
        (!left.is_zero()).then_some(left)
    }

    /// Holds requests of `method`'s bucket for `wait` (a 429's Retry-After).
    fn hold(&self, method: &Method, wait: Duration) {
        let mut holds = self
            .inner
            .holds
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let until = Instant::now() + wait;
        let slot = &mut holds[bucket_of(method)];
        if slot.is_none_or(|u| u < until) {
            *slot = Some(until);
        }
    }

    /// GET a path (query added) and return the raw answer.
    pub async fn get_raw(
        &self,
        path: &str,
        api_version: &str,
        query: &[(&str, &str)],
    ) -> Result<ArmResponse, AzureError> {
        let mut q = vec![("api-version", api_version)];
        q.extend_from_slice(query);
        let url = self.url(path, &q)?;
        self.send(Method::GET, url, None).await
    }

    /// GET a resource and parse it.
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        api_version: &str,
        query: &[(&str, &str)],
    ) -> Result<T, AzureError> {
        let resp = self.get_raw(path, api_version, query).await?;
        parse(&resp, "GET", path)
    }

    /// GET a paged list, following nextLink to the end.
    pub async fn list<T: DeserializeOwned>(
        &self,
        path: &str,
        api_version: &str,
        query: &[(&str, &str)],
    ) -> Result<Vec<T>, AzureError> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Page<T> {
            #[serde(default = "Vec::new")]
            value: Vec<T>,
            next_link: Option<String>,
        }
        let mut out = Vec::new();
        let mut page: Page<T> = self.get(path, api_version, query).await?;
        for _ in 0..10_000 {
            out.append(&mut page.value);
            let Some(next) = page.next_link.filter(|n| !n.is_empty()) else {
                return Ok(out);
            };
            let url = self.url(&next, &[])?;
            let resp = self.send(Method::GET, url, None).await?;
            page = parse(&resp, "GET", path)?;
        }
        Err(AzureError::new(
            ErrorKind::Malformed("more than 10000 pages".into()),
            "GET",
            path,
        ))
    }

    /// Polls a long-running operation once.
    pub async fn poll(&self, lro: &mut Lro) -> Result<LroState, AzureError> {
        let elapsed = lro.started.elapsed();
        if let Some(url) = lro.async_url.clone() {
            let resp = self.send(Method::GET, self.url(&url, &[])?, None).await?;
            let status: super::models::OperationStatus = parse(&resp, "GET", &lro.path)?;
            lro.retry_after = retry_after(&resp.headers);
            let s = status.status.to_ascii_lowercase();
            return match s.as_str() {
                "succeeded" => {
                    let body = match (&lro.location_url, lro.method.as_str()) {
                        (Some(loc), "POST") => {
                            let r = self.send(Method::GET, self.url(loc, &[])?, None).await?;
                            r.json_value().ok().flatten()
                        }
                        (_, "PUT" | "PATCH") => self
                            .get_raw(&lro.path, &lro.api_version, &[])
                            .await?
                            .json_value()
                            .ok()
                            .flatten(),
                        _ => None,
                    };
                    Ok(LroState::Done(body))
                }
                "failed" | "canceled" | "cancelled" => {
                    let (code, message) =
                        status
                            .error
                            .map(|e| (e.code, e.message))
                            .unwrap_or_else(|| {
                                (
                                    "Unknown".into(),
                                    "the operation gave no error detail".into(),
                                )
                            });
                    Err(AzureError {
                        kind: ErrorKind::OperationFailed {
                            status: status.status,
                            code,
                            message,
                        },
                        method: lro.method.clone(),
                        path: lro.path.clone(),
                        request_id: resp.request_id,
                        client_request_id: Some(resp.client_request_id),
                        attempts: 1,
                    })
                }
                _ => Ok(LroState::Running(LroProgress {
                    status: status.status,
                    percent: status.percent_complete,
                    elapsed,
                })),
            };
        }
        let Some(url) = lro.location_url.clone() else {
            return Ok(LroState::Done(None));
        };
        let target = self.url(&url, &[])?;
        match self.send(Method::GET, target, None).await {
            Ok(resp) if resp.status == 202 => {
                if let Some(l) = resp.header("location") {
                    lro.location_url = Some(l.to_string());
                }
                lro.retry_after = retry_after(&resp.headers);
                Ok(LroState::Running(LroProgress {
                    status: "InProgress".into(),
                    percent: None,
                    elapsed,
                }))
            }
            Ok(resp) => Ok(LroState::Done(resp.json_value().ok().flatten())),
            Err(e) => match e.kind {
                ErrorKind::Api {
                    status,
                    code,
                    message,
                } if (400..500).contains(&status) && ![404, 408, 429].contains(&status) => {
                    Err(AzureError {
                        kind: ErrorKind::OperationFailed {
                            status: "Failed".into(),
                            code,
                            message,
                        },
                        method: lro.method.clone(),
                        path: lro.path.clone(),
                        ..e
                    })
                }
                _ => Err(e),
            },
        }
    }

    /// Follows a long-running operation to its end, reporting progress; `cancel` stops waiting
    /// (ARM has no general cancel: the operation itself goes on in Azure).
    pub async fn wait(
        &self,
        mut lro: Lro,
        cancel: &CancellationToken,
        mut progress: impl FnMut(&LroProgress),
    ) -> Result<Option<Value>, AzureError> {
        loop {
            let pause = lro.retry_after.unwrap_or(self.opts.default_poll);
            tokio::select! {
                _ = cancel.cancelled() => {
                    return Err(AzureError::new(ErrorKind::Cancelled, &lro.method, &lro.path));
                }
                _ = tokio::time::sleep(pause) => {}
            }
            match self.poll(&mut lro).await? {
                LroState::Done(body) => return Ok(body),
                LroState::Running(p) => progress(&p),
            }
        }
    }
}

fn root_cause(e: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// The answer's body as `T`, or a malformed-answer error naming the request.
pub(super) fn parse<T: DeserializeOwned>(
    resp: &ArmResponse,
    method: &str,
    path: &str,
) -> Result<T, AzureError> {
    serde_json::from_slice(&resp.body).map_err(|e| {
        let mut err = AzureError::new(
            ErrorKind::Malformed(format!("the answer could not be read: {e}")),
            method,
            path,
        );
        err.request_id = resp.request_id.clone();
        err.client_request_id = Some(resp.client_request_id.clone());
        err
    })
}

/// A long-running operation in progress.
#[derive(Debug, Clone)]
pub struct Lro {
    pub(crate) async_url: Option<String>,
    pub(crate) location_url: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) started: Instant,
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) api_version: String,
    /// ARM's request id of the submission (for the journal).
    pub request_id: Option<String>,
}

/// Progress of a running operation.
#[derive(Debug, Clone, PartialEq)]
pub struct LroProgress {
    pub status: String,
    pub percent: Option<f64>,
    pub elapsed: Duration,
}

/// One poll's result.
#[derive(Debug, Clone)]
pub enum LroState {
    Running(LroProgress),
    Done(Option<Value>),
}

/// What a mutation's first answer says.
#[derive(Debug, Clone)]
pub enum Submitted {
    /// Finished synchronously (200/201/204 without a monitor).
    Done {
        status: u16,
        body: Option<Value>,
        request_id: Option<String>,
    },
    /// Accepted: follow it with [`ArmClient::wait`] or [`ArmClient::poll`].
    Running(Lro),
}

impl ArmWriter {
    /// The reader this writer belongs to.
    pub fn reader(&self) -> &ArmClient {
        &self.client
    }

    /// This writer, whose requests carry `id` as their `x-ms-client-request-id` (so that the
    /// journal can name a request before it leaves).
    pub fn with_client_request_id(&self, id: &str) -> ArmWriter {
        ArmWriter {
            client: self.client.clone(),
            client_request_id: Some(id.to_string()),
        }
    }

    /// Sends a mutating request (POST, PUT, PATCH); never re-sent after an ambiguous failure.
    pub async fn submit(
        &self,
        method: &str,
        path: &str,
        api_version: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Submitted, AzureError> {
        let method = match method {
            "POST" => Method::POST,
            "PUT" => Method::PUT,
            "PATCH" => Method::PATCH,
            "DELETE" => Method::DELETE,
            other => {
                return Err(AzureError::new(
                    ErrorKind::Malformed(format!("{other} is not a mutating method")),
                    other,
                    path,
                ));
            }
        };
        let mut q = vec![("api-version", api_version)];
        q.extend_from_slice(query);
        let url = self.client.url(path, &q)?;
        let resp = self
            .client
            .send_as(
                method.clone(),
                url,
                body,
                self.client_request_id.as_deref(),
                How {
                    mutating: true,
                    wait_throttled: true,
                },
            )
            .await?;
        let async_url = resp.header("azure-asyncoperation").map(str::to_string);
        let location_url = resp.header("location").map(str::to_string);
        let running = async_url.is_some() || (resp.status == 202 && location_url.is_some());
        if !running {
            return Ok(Submitted::Done {
                status: resp.status,
                body: resp.json_value().ok().flatten(),
                request_id: resp.request_id,
            });
        }
        Ok(Submitted::Running(Lro {
            async_url,
            location_url,
            retry_after: retry_after(&resp.headers),
            started: Instant::now(),
            method: method.to_string(),
            path: path.to_string(),
            api_version: api_version.to_string(),
            request_id: resp.request_id,
        }))
    }
}

#[cfg(test)]
mod tests;
