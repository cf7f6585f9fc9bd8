//! The simulator's HTTP server (hyper on tokio): authentication, api-version, transport faults,
//! the ARM routes, the `/_sim/` control API, and request logging.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request as HttpRequest, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::SimClock;
use super::faults::Fault;
use super::lro::OpStatus;
use super::reply::{ArmError, Reply};
use super::routes::Request;
use super::scenario::Scenario;
use super::tls::{SimTls, TlsOptions};
use super::world::{ArmBehaviour, RegionStatus, World};
use crate::config::Config;

type Shared = Arc<Mutex<World>>;

/// How to run the simulator.
#[derive(Debug)]
pub struct SimOptions {
    pub listen: SocketAddr,
    /// Simulated seconds per real second (default: the scenario's, else 1).
    pub time_scale: Option<f64>,
    pub scenario: Option<Scenario>,
    /// A saved world to go on from (a resumed drill) instead of a new one from the configuration.
    pub restore: Option<World>,
    /// Serve HTTPS (a fresh self-signed CA and loopback certificate) instead of plain HTTP.
    pub tls: Option<TlsOptions>,
}

impl Default for SimOptions {
    /// Loopback on a free port, a new world at the scenario's pace.
    fn default() -> Self {
        SimOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            time_scale: None,
            scenario: None,
            restore: None,
            tls: None,
        }
    }
}

/// What every connection of one listener shares: its scheme and the token endpoint's secret.
#[derive(Debug)]
struct Listener {
    https: bool,
    identity_header: String,
}

/// A running simulator.
pub struct SimServer {
    url: String,
    world: Shared,
    shutdown: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
    /// Listeners added later (`serve_tls_too`).
    extra: Vec<tokio::task::JoinHandle<()>>,
    /// The `X-IDENTITY-HEADER` secret of the token endpoint.
    identity_header: String,
    /// The certificate served, if HTTPS is served anywhere.
    tls: Option<SimTls>,
    /// Where the CA certificate was written.
    cert_path: Option<std::path::PathBuf>,
    /// The HTTPS URL, when HTTPS is served (the main URL, or a second listener's).
    tls_url: Option<String>,
}

/// `http(s)://host:port` of a bound address.
fn base_url(https: bool, addr: SocketAddr) -> String {
    let host = match addr {
        SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
        SocketAddr::V4(a) => a.to_string(),
    };
    format!("{}://{host}", if https { "https" } else { "http" })
}

/// Makes the certificate and writes its CA where `opts` says.
fn make_tls(opts: &TlsOptions) -> std::io::Result<SimTls> {
    let tls = super::tls::generate().map_err(std::io::Error::other)?;
    if let Some(path) = &opts.cert_path {
        super::tls::write_cert(path, &tls.ca_pem).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot write the certificate to {}: {e}", path.display()),
            )
        })?;
    }
    Ok(tls)
}

/// Marks a request whose connection is dropped without an answer (the `flaky` fault).
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    /// What the log says about a dropped connection.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by the flaky fault")
    }
}

impl std::error::Error for DropConnection {}

impl SimServer {
    /// Binds and starts serving the resources `cfg` names.
    pub async fn start(cfg: &Config, opts: SimOptions) -> std::io::Result<SimServer> {
        let scale = opts
            .time_scale
            .or(opts.scenario.as_ref().and_then(|s| s.time_scale))
            .unwrap_or(1.0);
        let world = match opts.restore {
            Some(mut world) => {
                if let Some(scale) = opts.time_scale {
                    world.clock.set_scale(scale);
                }
                world.advance();
                world
            }
            None => {
                let mut world = World::from_config(cfg, SimClock::new(scale));
                if let Some(s) = opts.scenario {
                    world.start_scenario(s);
                }
                world
            }
        };
        let tls = opts.tls.as_ref().map(make_tls).transpose()?;
        let listener = TcpListener::bind(opts.listen).await?;
        let addr = listener.local_addr()?;
        let url = base_url(tls.is_some(), addr);
        let identity_header = uuid::Uuid::new_v4().simple().to_string();
        let world = Arc::new(Mutex::new(world));
        let (tx, rx) = watch::channel(false);
        let ctx = Arc::new(Listener {
            https: tls.is_some(),
            identity_header: identity_header.clone(),
        });
        let task = tokio::spawn(accept_loop(
            listener,
            world.clone(),
            rx,
            tls.as_ref().map(|t| t.acceptor.clone()),
            ctx,
        ));
        Ok(SimServer {
            tls_url: tls.is_some().then(|| url.clone()),
            url,
            world,
            shutdown: tx,
            task,
            extra: Vec::new(),
            identity_header,
            cert_path: opts.tls.and_then(|t| t.cert_path),
            tls,
        })
    }

    /// Also serves HTTPS on another loopback port (same world), for clients that refuse a token
    /// over plain HTTP while azfailover's own client goes on over the first listener (a drill's
    /// in-process simulator). Returns the HTTPS URL.
    pub async fn serve_tls_too(&mut self, opts: TlsOptions) -> std::io::Result<String> {
        if let Some(url) = &self.tls_url {
            return Ok(url.clone());
        }
        let tls = make_tls(&opts)?;
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let url = base_url(true, listener.local_addr()?);
        let ctx = Arc::new(Listener {
            https: true,
            identity_header: self.identity_header.clone(),
        });
        self.extra.push(tokio::spawn(accept_loop(
            listener,
            self.world.clone(),
            self.shutdown.subscribe(),
            Some(tls.acceptor.clone()),
            ctx,
        )));
        self.tls = Some(tls);
        self.cert_path = opts.cert_path;
        self.tls_url = Some(url.clone());
        Ok(url)
    }

    /// The HTTPS URL, when the simulator serves HTTPS.
    pub fn tls_url(&self) -> Option<&str> {
        self.tls_url.as_deref()
    }

    /// The CA certificate (PEM) that HTTPS clients must trust, when it serves HTTPS.
    pub fn ca_pem(&self) -> Option<&str> {
        self.tls.as_ref().map(|t| t.ca_pem.as_str())
    }

    /// Where the CA certificate was written, if anywhere.
    pub fn cert_path(&self) -> Option<&std::path::Path> {
        self.cert_path.as_deref()
    }

    /// The secret a token request sends as `X-IDENTITY-HEADER` (`IDENTITY_HEADER`).
    pub fn identity_header(&self) -> &str {
        &self.identity_header
    }

    /// The token endpoint (`IDENTITY_ENDPOINT`) on the HTTPS listener if there is one.
    pub fn identity_endpoint(&self) -> String {
        format!(
            "{}{}",
            self.tls_url.as_deref().unwrap_or(&self.url),
            super::tls::TOKEN_PATH
        )
    }

    /// The shell lines that point a user's own `az` at this simulator (HTTPS only: empty when it
    /// serves plain HTTP).
    pub fn client_setup(&self) -> Vec<String> {
        match &self.tls_url {
            Some(url) => super::tls::client_setup(url, &self.identity_header, self.cert_path()),
            None => Vec::new(),
        }
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The simulated world (for in-process inspection and fault injection).
    pub fn world(&self) -> Arc<Mutex<World>> {
        self.world.clone()
    }

    /// Applies a fault directly (what `POST /_sim/faults` does).
    pub fn inject(&self, fault: &Fault) -> Result<String, String> {
        let mut w = self
            .world
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        w.advance();
        let result = w.apply_fault(fault);
        w.persist();
        result
    }

    /// From now on, saves the world to `path` after every change a request makes (and now), so
    /// that a crashed drill can go on from where it stopped.
    pub fn persist_to(&self, path: &std::path::Path) {
        let mut w = self
            .world
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        w.persist_to = Some(path.to_path_buf());
        w.persist();
    }

    /// Stops saving the world and removes the saved file (the drill ended: nothing to resume).
    pub fn stop_persisting(&self) {
        let mut w = self
            .world
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(path) = w.persist_to.take() {
            let _ = std::fs::remove_file(path);
        }
    }

    /// The simulated time of an offset into the running scenario (e.g. when its outage starts).
    pub fn scenario_time(&self, offset: Duration) -> Option<time::OffsetDateTime> {
        let w = self
            .world
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let tl = w.timeline.as_ref()?;
        let since_start = w.clock.elapsed_sim().saturating_sub(tl.started_at);
        let now = w.now();
        Some(if offset >= since_start {
            now + (offset - since_start)
        } else {
            now - (since_start - offset)
        })
    }

    /// The current simulated time.
    pub fn now(&self) -> time::OffsetDateTime {
        self.world
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .now()
    }

    /// Simulated seconds per real second.
    pub fn time_scale(&self) -> f64 {
        self.world
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clock
            .scale()
    }

    /// Data lost by forced failovers so far: (resource, seconds).
    pub fn data_losses(&self) -> Vec<(String, f64)> {
        self.world
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .data_losses()
    }

    /// Stops serving and closes every connection.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
        for t in self.extra {
            let _ = t.await;
        }
    }
}

/// Serves connections until shutdown, then closes every one (no request outlives `stop`).
async fn accept_loop(
    listener: TcpListener,
    world: Shared,
    mut shutdown: watch::Receiver<bool>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    ctx: Arc<Listener>,
) {
    let mut conns = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let world = world.clone();
                let ctx = ctx.clone();
                let mut stop = shutdown.clone();
                let tls = tls.clone();
                conns.spawn(async move {
                    let svc = service_fn(move |req| serve(world.clone(), ctx.clone(), req));
                    let builder = http1::Builder::new();
                    match tls {
                        None => {
                            let conn = builder.serve_connection(TokioIo::new(stream), svc);
                            tokio::select! {
                                _ = conn => {}
                                _ = stop.changed() => {}
                            }
                        }
                        Some(acceptor) => {
                            let handshake = tokio::time::timeout(
                                Duration::from_secs(10),
                                acceptor.accept(stream),
                            );
                            let stream = tokio::select! {
                                s = handshake => match s {
                                    Ok(Ok(s)) => s,
                                    _ => return,
                                },
                                _ = stop.changed() => return,
                            };
                            let conn = builder.serve_connection(TokioIo::new(stream), svc);
                            tokio::select! {
                                _ = conn => {}
                                _ = stop.changed() => {}
                            }
                        }
                    }
                });
            }
        }
        while conns.try_join_next().is_some() {}
    }
    conns.abort_all();
}

/// Query parameters with lowercase names, as ARM reads them case-insensitively.
fn query_map(q: Option<&str>) -> BTreeMap<String, String> {
    form_urlencoded::parse(q.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.to_ascii_lowercase(), v.into_owned()))
        .collect()
}

/// Whether an api-version has ARM's form (`YYYY-MM-DD` or `YYYY-MM-DD-preview`).
fn is_api_version(v: &str) -> bool {
    let (date, rest) = v.split_at(v.len().min(10));
    let b = date.as_bytes();
    date.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
        && (rest.is_empty() || rest == "-preview")
}

/// What the locked part of request handling decided.
struct Decision {
    reply: Option<Reply>,
    delay: Duration,
    hang: bool,
    malformed: bool,
    drop: bool,
    /// Dropped after the request took effect: the answer is lost (flaky `after_apply`).
    drop_after: bool,
    now: time::OffsetDateTime,
}

/// Answers one HTTP request: the control API, or ARM through `decide`, then the latency,
/// hang or dropped connection a fault asks for.
async fn serve(
    world: Shared,
    ctx: Arc<Listener>,
    req: HttpRequest<Incoming>,
) -> Result<Response<Full<Bytes>>, DropConnection> {
    let started = Instant::now();
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let query = query_map(req.uri().query());
    let host = req
        .headers()
        .get(hyper::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_string();
    let auth = req
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    let correlation = req
        .headers()
        .get("x-ms-correlation-request-id")
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let client_request_id = req
        .headers()
        .get("x-ms-client-request-id")
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    let identity_header = req
        .headers()
        .get("x-identity-header")
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    let scheme = if ctx.https { "https" } else { "http" };
    // Answered without a bearer token, as in Azure: the token endpoint (its own secret header)
    // and the cloud metadata.
    let unauthenticated = match (
        method.as_str(),
        format!("/{}", path.trim_start_matches('/')).trim_end_matches('/'),
    ) {
        ("GET", super::tls::TOKEN_PATH) => {
            // Real time, not simulated: clients compare expires_on with their own clock.
            Some(
                match super::tls::token_answer(
                    &query,
                    identity_header.as_deref(),
                    &ctx.identity_header,
                    time::OffsetDateTime::now_utc(),
                ) {
                    Ok(v) => Reply::ok(v),
                    Err((status, v)) => Reply {
                        status,
                        headers: Vec::new(),
                        body: Some(v),
                    },
                },
            )
        }
        ("GET", "/metadata/endpoints") => Some(Reply::ok(super::tls::cloud_metadata(&format!(
            "{scheme}://{host}"
        )))),
        _ => None,
    };
    if let Some(reply) = unauthenticated {
        log(&method, &path, reply.status, started);
        return Ok(respond(
            reply,
            &correlation,
            client_request_id.as_deref(),
            time::OffsetDateTime::now_utc(),
            false,
        ));
    }
    let body = match Limited::new(req.into_body(), 1 << 20).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            let reply = Reply::from(ArmError::bad_request(
                "RequestTooLarge",
                "The request body is larger than 1 MiB.",
            ));
            return Ok(respond(
                reply,
                &correlation,
                client_request_id.as_deref(),
                time::OffsetDateTime::now_utc(),
                false,
            ));
        }
    };

    if path.starts_with("/_sim/") || path == "/_sim" {
        let (reply, now) = control(&world, &method, &path, &body);
        log(&method, &path, reply.status, started);
        return Ok(respond(
            reply,
            &correlation,
            client_request_id.as_deref(),
            now,
            false,
        ));
    }

    let decision = {
        let mut w = world
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let base_url = format!("{scheme}://{host}");
        let decision = decide(
            &mut w,
            &method,
            &path,
            &query,
            &base_url,
            auth.as_deref(),
            &body,
        );
        // Saved under the lock, before the answer leaves: a client that saw the answer finds
        // the change in the saved world.
        if method != "GET" {
            w.persist();
        }
        decision
    };
    if decision.drop || decision.drop_after {
        log(&method, &path, 0, started);
        return Err(DropConnection);
    }
    if !decision.delay.is_zero() {
        tokio::time::sleep(decision.delay).await;
    }
    if decision.hang {
        // Hang as an unreachable region does; the client's deadline ends the wait.
        tokio::time::sleep(Duration::from_secs(600)).await;
    }
    let reply = decision.reply.unwrap_or_else(|| Reply::empty(500));
    log(&method, &path, reply.status, started);
    Ok(respond(
        reply,
        &correlation,
        client_request_id.as_deref(),
        decision.now,
        decision.malformed,
    ))
}

/// Logs a request and its outcome for the simulator's trace.
fn log(method: &str, path: &str, status: u16, started: Instant) {
    tracing::info!(
        target: "azfailover::sim",
        "{method} {path} -> {} ({} ms)",
        if status == 0 { "dropped".to_string() } else { status.to_string() },
        started.elapsed().as_millis()
    );
}

/// Decides an ARM request's fate under the lock: auth, api-version, transport faults, a
/// downed region's ARM behaviour, then the world's answer.
fn decide(
    w: &mut World,
    method: &str,
    path: &str,
    query: &BTreeMap<String, String>,
    base_url: &str,
    auth: Option<&str>,
    body: &Bytes,
) -> Decision {
    w.advance();
    w.requests += 1;
    let now = w.now();
    let mut d = Decision {
        reply: None,
        delay: Duration::ZERO,
        hang: false,
        malformed: false,
        drop: false,
        drop_after: false,
        now,
    };
    let token_ok = auth
        .and_then(|a| {
            a.strip_prefix("Bearer ")
                .or_else(|| a.strip_prefix("bearer "))
        })
        .is_some_and(|t| !t.trim().is_empty());
    if !token_ok {
        let msg = if auth.is_none() {
            "Authentication failed. The 'Authorization' header is missing."
        } else {
            "Authentication failed. The 'Authorization' header is provided in an invalid format."
        };
        d.reply = Some(
            Reply::from(ArmError::new(401, if auth.is_none() { "AuthenticationFailed" } else { "InvalidAuthenticationToken" }, msg))
                .header("WWW-Authenticate", "Bearer authorization_uri=\"https://login.microsoftonline.com/common\", error=\"invalid_token\""),
        );
        return d;
    }
    if let Some(t) = auth.and_then(|a| a.split_once(' ')).map(|(_, t)| t.trim())
        && w.token_fingerprints.len() < 64
    {
        w.token_fingerprints.insert(fingerprint(t));
    }
    let Some(api_version) = query.get("api-version").cloned() else {
        d.reply = Some(
            ArmError::bad_request(
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            )
            .into(),
        );
        return d;
    };
    if !is_api_version(&api_version) {
        d.reply = Some(ArmError::bad_request("InvalidApiVersionParameter",
            format!("The api-version '{api_version}' is invalid. The supported versions are of the form 'YYYY-MM-DD' or 'YYYY-MM-DD-preview'.")).into());
        return d;
    }

    // Transport faults: flaky connections and 5xx, then throttling.
    if let Some(f) = w.faults.flaky.clone() {
        let hits = f
            .methods
            .as_ref()
            .is_none_or(|m| m.iter().any(|m| m.eq_ignore_ascii_case(method)));
        if f.until.is_some_and(|u| Instant::now() >= u) {
            w.faults.flaky = None;
        } else if !hits {
        } else if fastrand::f64() < f.drop_rate {
            if fastrand::f64() < f.after_apply {
                // The request goes through; only its answer is lost.
                d.drop_after = true;
            } else {
                d.drop = true;
                return d;
            }
        } else if fastrand::f64() < f.error_rate {
            let (status, code) = if fastrand::bool() {
                (500, "InternalServerError")
            } else {
                (503, "ServiceUnavailable")
            };
            d.reply = Some(
                ArmError::new(
                    status,
                    code,
                    "The server encountered a transient error. Please retry the request.",
                )
                .into(),
            );
            return d;
        }
    }
    if let Some(until) = w.faults.throttle_until {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            w.faults.throttle_until = None;
        } else {
            let secs = left.as_secs_f64().ceil().max(1.0) as u64;
            let reply = Reply::from(ArmError::new(429, "TooManyRequests",
                format!("The request is being throttled as the limit has been reached for operation type - {}. Please try again after {secs} seconds.",
                    if method == "GET" { "Read" } else { "Write" })))
                .header("Retry-After", secs.to_string());
            d.reply = Some(reply);
            return d;
        }
    }

    // Region effects: latency, and the ARM behaviour of a downed region for its regional resources.
    let found = w.find(path).map(|(i, rest)| (i, rest.to_ascii_lowercase()));
    let region = found.as_ref().map(|(i, _)| w.serving_region(*i));
    // The region whose outage takes this request's control plane down (`World::outage_region`).
    let outage_region = found.as_ref().and_then(|(i, _)| w.outage_region(*i, path));
    let m = Some(method.to_ascii_uppercase());
    let mut keys = vec![(None, None), (None, m.clone())];
    if region.is_some() {
        keys.push((region.clone(), None));
        keys.push((region.clone(), m));
    }
    d.delay = keys.iter().filter_map(|k| w.faults.latency.get(k)).sum();
    if let (Some((_, rest)), Some(region)) = (&found, &outage_region) {
        let health_call = rest.starts_with("/providers/microsoft.resourcehealth");
        let st = w.regions.get(region);
        if !health_call && st.is_some_and(|s| s.status == RegionStatus::Down) {
            match st.map(|s| s.arm).unwrap_or_default() {
                ArmBehaviour::Error => {
                    d.reply = Some(ArmError::new(503, "ServiceUnavailable",
                        format!("The resource provider in region '{region}' is unavailable. Please retry later.")).into());
                    if method != "GET" {
                        w.log_mutation(method, path, 503);
                    }
                    return d;
                }
                ArmBehaviour::Hang => {
                    if method != "GET" {
                        w.log_mutation(method, path, 0);
                    }
                    d.hang = true;
                    d.reply = Some(Reply::empty(504));
                    return d;
                }
                ArmBehaviour::Up => {}
            }
        }
    }
    let key = found
        .as_ref()
        .map(|(i, _)| w.resources[*i].id.key())
        .unwrap_or_default();
    for k in [key, String::new()] {
        if let Some(n) = w.faults.malformed.get_mut(&k).filter(|n| **n > 0) {
            *n -= 1;
            d.malformed = true;
            break;
        }
    }

    let json_body = if body.is_empty() {
        None
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(v) => Some(v),
            Err(e) => {
                d.reply = Some(
                    ArmError::bad_request(
                        "InvalidRequestContent",
                        format!(
                            "The request content was invalid and could not be deserialized: {e}"
                        ),
                    )
                    .into(),
                );
                return d;
            }
        }
    };
    let req = Request {
        method,
        path,
        query,
        body: json_body,
        base_url,
        api_version: &api_version,
    };
    let reply = w.handle(&req).unwrap_or_else(Reply::from);
    if method != "GET" {
        w.log_mutation(method, path, reply.status);
    }
    d.reply = Some(reply);
    d
}

/// A short, non-reversible fingerprint of a token (FNV-1a), so state never holds a token.
pub fn fingerprint(token: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in token.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The HTTP response with the headers ARM always sends (request ids, rate limits, Date).
fn respond(
    reply: Reply,
    correlation: &str,
    client_request_id: Option<&str>,
    now: time::OffsetDateTime,
    malformed: bool,
) -> Response<Full<Bytes>> {
    let mut b = Response::builder()
        .status(StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header("x-ms-request-id", uuid::Uuid::new_v4().to_string())
        .header("x-ms-correlation-request-id", correlation)
        .header("x-ms-ratelimit-remaining-subscription-reads", "11999")
        .header("x-ms-ratelimit-remaining-subscription-writes", "1199")
        .header("Date", crate::timefmt::http_date(now))
        .header("Cache-Control", "no-cache");
    if let Some(id) = client_request_id {
        b = b.header("x-ms-client-request-id", id);
    }
    for (k, v) in &reply.headers {
        b = b.header(k.as_str(), v.as_str());
    }
    let body = match reply.body {
        Some(v) => {
            b = b.header("Content-Type", "application/json; charset=utf-8");
            let mut text = serde_json::to_vec(&v).unwrap_or_default();
            if malformed {
                // A truncated body, as a broken proxy or a cut connection would deliver.
                text.truncate(text.len() / 2);
            }
            Bytes::from(text)
        }
        None if malformed => {
            b = b.header("Content-Type", "application/json; charset=utf-8");
            Bytes::from_static(b"{\"value\": [")
        }
        None => Bytes::new(),
    };
    b.body(Full::new(body))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

/// The `/_sim/` control API.
fn control(
    world: &Shared,
    method: &str,
    path: &str,
    body: &Bytes,
) -> (Reply, time::OffsetDateTime) {
    let mut w = world
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    w.advance();
    let now = w.now();
    let bad = |msg: String| Reply::from(ArmError::bad_request("InvalidFault", msg));
    let reply = match (method, path.trim_end_matches('/')) {
        ("POST", "/_sim/faults") => match serde_json::from_slice::<Fault>(body) {
            Err(e) => bad(format!(
                "not a fault: {e}; see CONTRACT.md for the kinds and their fields"
            )),
            Ok(f) => match w.apply_fault(&f) {
                Ok(done) => Reply::ok(json!({"applied": done})),
                Err(why) => bad(why),
            },
        },
        ("DELETE", "/_sim/faults") => {
            let done = w.apply_fault(&Fault::Clear).unwrap_or_default();
            Reply::ok(json!({"applied": done}))
        }
        ("GET", "/_sim/state") => Reply::ok(state(&w)),
        ("POST", "/_sim/time-scale") => {
            match serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|v| v.get("scale").and_then(Value::as_f64))
            {
                Some(s) if super::clock::SimClock::valid_scale(s) => {
                    w.clock.set_scale(s);
                    Reply::ok(json!({"time_scale": s}))
                }
                _ => bad(format!(
                    "the body must be {{\"scale\": N}} with {} <= N <= {}",
                    super::clock::MIN_TIME_SCALE,
                    super::clock::MAX_TIME_SCALE
                )),
            }
        }
        _ => ArmError::not_found(path).into(),
    };
    if method != "GET" {
        w.persist();
    }
    (reply, now)
}

/// The simulated world as JSON (`GET /_sim/state`).
pub fn state(w: &World) -> Value {
    let resources: Vec<Value> = (0..w.resources.len())
        .map(|i| {
            let r = &w.resources[i];
            json!({
                "id": r.id, "component": r.component, "kind": r.kind, "home": r.home,
                "serving_region": w.serving_region(i), "down": r.down,
                "availability": w.availability(i).0,
                "arm": w.render(i, r.id.as_str(), true),
            })
        })
        .collect();
    let lros: Vec<Value> = w
        .ops
        .iter()
        .map(|o| {
            json!({
                "id": o.id, "resource": w.resources[o.resource].id, "action": format!("{:?}", o.action),
                "started": crate::timefmt::rfc3339(o.started), "completes": crate::timefmt::rfc3339(o.completes),
                "status": match &o.status {
                    OpStatus::InProgress => json!("InProgress"),
                    OpStatus::Succeeded => json!("Succeeded"),
                    OpStatus::Failed(e) => json!({"Failed": e}),
                },
            })
        })
        .collect();
    json!({
        "deployment": w.deployment,
        "subscription": w.subscription,
        "now": crate::timefmt::rfc3339(w.now()),
        "time_scale": w.clock.scale(),
        "primary_region": w.primary,
        "secondary_region": w.secondary,
        "regions": w.regions,
        "incidents": w.incidents,
        "resources": resources,
        "operations": w.log,
        "long_running_operations": lros,
        "data_loss": w.data_loss,
        "faults": {
            "throttled": w.faults.throttle_until.is_some_and(|u| u > Instant::now()),
            "latency_ms": w.faults.latency.iter().map(|((r, m), d)| json!({"region": r, "method": m, "millis": d.as_millis() as u64})).collect::<Vec<_>>(),
            "flaky": w.faults.flaky,
        },
        "scenario": w.timeline.as_ref().map(|t| json!({
            "name": t.scenario.name, "description": t.scenario.description,
            "events": t.scenario.events.len(), "applied": t.applied,
        })),
        "requests": w.requests,
        "token_fingerprints": w.token_fingerprints,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only ARM's two api-version forms are accepted.
    #[test]
    fn api_version_forms() {
        assert!(is_api_version("2025-01-01"));
        assert!(is_api_version("2024-10-01-preview"));
        assert!(!is_api_version("2025-1-01"));
        assert!(!is_api_version("latest"));
        assert!(!is_api_version("2025-01-01-beta"));
    }
}
