//! The session a command runs in: which configuration (a file or the embedded demo), the
//! client signed in to Azure or to the simulator, and the in-process simulator when there is
//! one. Nothing here prints: errors come back typed.

use std::path::PathBuf;
use std::time::Duration;

use crate::azure::{Access, ArmClient, ArmWriter, ClientOptions, connect};
use crate::config::Config;
use crate::sim::{Scenario, SimOptions, SimServer};

use super::error::SessionError;

/// The token buckets of the demo's and drills' own simulator: none. Measured against ARM's
/// documented buckets (reads 250, refilled 25 a second, per principal): a demo refresh takes 25
/// reads (44 the first), 40 during a regional outage (the retried 503s), every 2 s, and the
/// console probes each region once a second — 22 reads a second in an outage, just under the
/// refill; a run's live checks come on top, and a drill at ×60 reads many times a second. So
/// the demo runs unthrottled; `:fault rate-limit reset` turns the documented buckets on.
pub const DEMO_RATE_LIMITS: crate::sim::RateLimits = crate::sim::RateLimits::unlimited();

/// Which configuration a command uses.
pub enum ConfigSource {
    File(PathBuf),
    /// Several deployments: `--config` given more than once, or a directory of configurations.
    Fleet(Vec<PathBuf>),
    Demo,
}

/// Resolves `--config` (repeatable) and `$AZFAILOVER_CONFIG` (both in `explicit`), then the
/// platform path. More than one path, or a directory, is a fleet.
pub fn config_source(explicit: Vec<PathBuf>) -> ConfigSource {
    if crate::config::fleet::is_fleet(&explicit) {
        return ConfigSource::Fleet(explicit);
    }
    if let Some(p) = explicit.into_iter().next() {
        return ConfigSource::File(p);
    }
    match Config::default_path() {
        Some(p) if p.exists() => ConfigSource::File(p),
        _ => ConfigSource::Demo,
    }
}

/// The configuration of `source` (the demo's is embedded). A fleet has several: see
/// `load_fleet`; here it is refused (the command line routes fleets to `one_deployment` first).
pub fn load(source: &ConfigSource) -> Result<Config, SessionError> {
    match source {
        ConfigSource::Demo => Ok(Config::demo()),
        ConfigSource::File(p) => Ok(Config::load(p)?),
        ConfigSource::Fleet(paths) => Err(crate::config::ConfigError {
            origin: paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            issues: vec![crate::config::ConfigIssue {
                line: None,
                column: None,
                message: "this command works on one deployment: give one --config file".into(),
            }],
        }
        .into()),
    }
}

/// Every configuration of `source`: a fleet's in order (a directory's sorted by file name),
/// else the one.
pub fn load_fleet(source: &ConfigSource) -> Result<Vec<Config>, SessionError> {
    match source {
        ConfigSource::Fleet(paths) => Ok(crate::config::fleet::load_all(paths)?),
        other => Ok(vec![load(other)?]),
    }
}

/// `source` for a command that works on one deployment (`plan`, `failover`, `failback`,
/// `drill`): a fleet is a bad command line, with the files it names.
pub fn one_deployment(
    source: ConfigSource,
    command: &str,
) -> Result<ConfigSource, super::error::AppError> {
    let ConfigSource::Fleet(paths) = &source else {
        return Ok(source);
    };
    let files = crate::config::fleet::expand(paths).unwrap_or_else(|_| paths.clone());
    let listed: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    Err(super::error::AppError::Usage(format!(
        "`azfailover {command}` works on one deployment, and --config names {} ({}): give the one to use, e.g. --config {}",
        if listed.len() == 1 {
            "a directory".to_string()
        } else {
            format!("{} configurations", listed.len())
        },
        listed.join(", "),
        listed.first().map_or("PATH", String::as_str),
    )))
}

/// The access a session asks for: `--read-only` makes every mutating request impossible.
pub fn access(read_only: bool) -> Access {
    if read_only {
        Access::ReadOnly
    } else {
        Access::ReadWrite
    }
}

/// What a command runs against: a configuration, a client, and the in-process simulator when
/// the configuration is the demo's.
pub struct Target {
    pub cfg: Config,
    pub client: ArmClient,
    pub writer: Option<ArmWriter>,
    pub sim: Option<SimServer>,
}

impl Target {
    /// Loads the configuration and connects (starting the simulator for the demo).
    pub async fn open(source: &ConfigSource, access: Access) -> Result<Target, SessionError> {
        let mut cfg = load(source)?;
        let mut sim = None;
        if matches!(source, ConfigSource::Demo) {
            let server = SimServer::start(
                &cfg,
                SimOptions {
                    rate_limits: Some(DEMO_RATE_LIMITS),
                    ..SimOptions::default()
                },
            )
            .await
            .map_err(SessionError::Simulator)?;
            cfg.use_simulator(server.url());
            sim = Some(server);
        }
        let mut target = Target::signed_in(cfg, access).await?;
        target.sim = sim;
        Ok(target)
    }

    /// Connects to a loaded configuration's endpoint and signs in (no simulator of its own).
    pub async fn signed_in(cfg: Config, access: Access) -> Result<Target, SessionError> {
        let (client, writer) = connect(&cfg, access, ClientOptions::from_config(&cfg))?;
        client.sign_in().await?;
        Ok(Target {
            cfg,
            client,
            writer,
            sim: None,
        })
    }

    /// A configuration run against the in-process simulator (drills).
    pub async fn simulated(
        mut cfg: Config,
        scenario: Option<Scenario>,
        time_scale: Option<f64>,
        read_only: bool,
        restore: Option<crate::sim::World>,
    ) -> Result<Target, SessionError> {
        if time_scale.is_some_and(|s| !(s.is_finite() && s > 0.0)) {
            return Err(SessionError::TimeScale);
        }
        let server = SimServer::start(
            &cfg,
            SimOptions {
                scenario,
                time_scale,
                restore,
                rate_limits: Some(DEMO_RATE_LIMITS),
                ..SimOptions::default()
            },
        )
        .await
        .map_err(SessionError::Simulator)?;
        cfg.use_simulator(server.url());
        let mut opts = ClientOptions::from_config(&cfg);
        opts.default_poll = Duration::from_secs(1);
        let (client, writer) = connect(&cfg, access(read_only), opts)?;
        Ok(Target {
            cfg,
            client,
            writer,
            sim: Some(server),
        })
    }
}
