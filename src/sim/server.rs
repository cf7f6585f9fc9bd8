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
use super::throttle::RateLimits;
use super::tls::{SimTls, TlsOptions};
use super::world::{ArmBehaviour, RegionStatus, World};
use crate::config::Config;

mod control;
mod decide;
use control::control;
pub use control::state;
use decide::{decide, is_read};

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
    /// ARM's token buckets (`throttle.rs`), which the `clear` fault also returns to. None: the
    /// documented ones for a new world, the saved ones for a restored world.
    pub rate_limits: Option<RateLimits>,
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
            rate_limits: None,
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
        let mut world = world;
        if let Some(limits) = opts.rate_limits {
            limits.check().map_err(std::io::Error::other)?;
            world.throttle = super::throttle::Throttle::new(limits);
        }
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
        if !is_read(&method, &path) {
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

/// A short, non-reversible fingerprint of a token (FNV-1a), so state never holds a token.
pub fn fingerprint(token: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in token.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The HTTP response with the headers ARM always sends (request ids, Date) and the reply's own
/// (the rate-limit headers among them: `decide` adds what the token buckets say).
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

#[cfg(test)]
mod tests;
