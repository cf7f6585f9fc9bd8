//! The command line (clap): parsing and dispatch to the subcommands.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use crate::azure::{Access, ArmClient, ArmWriter, ClientOptions, connect};
use crate::config::Config;
use crate::exit;
use crate::health::collect::Collector;
use crate::sim::{Scenario, SimOptions, SimServer};

/// azfailover — multi-region disaster recovery console for Azure Machine Learning.
#[derive(Debug, Parser)]
#[command(name = "azfailover", version, about, long_about = None)]
pub struct Cli {
    /// Configuration file (default: config.toml in the platform config directory).
    #[arg(long, global = true, env = "AZFAILOVER_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Never change anything in Azure: mutating requests are impossible.
    #[arg(long, global = true)]
    pub read_only: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands of CONTRACT.md.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Azure simulator as a server until SIGINT/SIGTERM.
    Sim {
        /// Address to listen on (loopback by default).
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: SocketAddr,
        /// A built-in scenario name or a path to a scenario file.
        #[arg(long, value_name = "NAME_OR_PATH")]
        scenario: Option<String>,
        /// Simulated seconds per real second (long-running operations run this much faster).
        #[arg(long, value_name = "N")]
        time_scale: Option<f64>,
    },
    /// Print one health snapshot, then exit (0 healthy and ready, 1 degraded, 2 outage).
    Status {
        /// table (for people) or json (for scripts)
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Guide a failover to the secondary region (with --answers: run it with no terminal).
    Failover {
        /// Answers file (TOML) for a run with no terminal.
        #[arg(long, value_name = "FILE")]
        answers: Option<PathBuf>,
    },
    /// Guide a failback to the primary region (with --answers: run it with no terminal).
    Failback {
        /// Answers file (TOML) for a run with no terminal.
        #[arg(long, value_name = "FILE")]
        answers: Option<PathBuf>,
    },
    /// A DR drill against the built-in simulator, with a scenario's faults.
    Drill {
        /// A built-in scenario name or a path to a scenario file.
        #[arg(long, value_name = "NAME_OR_PATH")]
        scenario: String,
        /// Answers file (TOML) for a drill with no terminal.
        #[arg(long, value_name = "FILE")]
        answers: Option<PathBuf>,
        /// Simulated seconds per real second (default: the scenario's).
        #[arg(long, value_name = "N", hide = true)]
        time_scale: Option<f64>,
    },
    /// Print the runbook that would run now (nothing is changed).
    Plan {
        /// failover or failback
        #[arg(value_enum)]
        kind: KindArg,
        /// markdown (for people and wikis) or json (for scripts)
        #[arg(long, value_enum, default_value = "markdown")]
        format: PlanFormat,
    },
    /// Validate a configuration file.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
}

/// `config` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Validate a configuration (exit 0 when valid, 78 when not).
    Check {
        /// The file to check (default: --config, $AZFAILOVER_CONFIG, then the platform path).
        path: Option<PathBuf>,
    },
}

/// Which runbook.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Failover,
    Failback,
}

impl From<KindArg> for crate::config::RunbookKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Failover => crate::config::RunbookKind::Failover,
            KindArg::Failback => crate::config::RunbookKind::Failback,
        }
    }
}

/// Output formats of `plan`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PlanFormat {
    Markdown,
    Json,
}

/// Output formats of `status`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

/// Which configuration a command uses.
pub enum ConfigSource {
    File(PathBuf),
    Demo,
}

/// Whether the command runs the full-screen console (logs then go to a file).
pub fn is_interactive(cli: &Cli) -> bool {
    cli.command.is_none()
}

/// Resolves `--config`, `$AZFAILOVER_CONFIG` (both in `explicit`), then the platform path.
pub fn config_source(explicit: Option<PathBuf>) -> ConfigSource {
    if let Some(p) = explicit {
        return ConfigSource::File(p);
    }
    match Config::default_path() {
        Some(p) if p.exists() => ConfigSource::File(p),
        _ => ConfigSource::Demo,
    }
}

fn load(source: &ConfigSource) -> Result<Config, i32> {
    match source {
        ConfigSource::Demo => Ok(Config::demo()),
        ConfigSource::File(p) => Config::load(p).map_err(|e| {
            eprintln!("{e}");
            eprintln!("azfailover: the configuration is not valid; `azfailover config check` lists every problem (see config.example.toml)");
            exit::CONFIG
        }),
    }
}

/// Runs the command line; returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    let is_failover = matches!(cli.command, Some(Command::Failover { .. }));
    match cli.command {
        Some(Command::Config {
            action: ConfigAction::Check { path },
        }) => {
            let source = match path.or(cli.config) {
                Some(p) => ConfigSource::File(p),
                None => match Config::default_path() {
                    Some(p) => ConfigSource::File(p),
                    None => {
                        eprintln!(
                            "azfailover: no configuration path given and no platform config directory"
                        );
                        return exit::USAGE;
                    }
                },
            };
            match load(&source) {
                Ok(cfg) => {
                    println!(
                        "{}: valid — deployment '{}', {} components, {} → {}",
                        cfg.origin,
                        cfg.deployment.name,
                        cfg.components.len(),
                        cfg.deployment.primary_region,
                        cfg.deployment.secondary_region
                    );
                    exit::OK
                }
                Err(code) => code,
            }
        }
        Some(Command::Sim {
            listen,
            scenario,
            time_scale,
        }) => {
            let source = config_source(cli.config);
            let cfg = match load(&source) {
                Ok(c) => c,
                Err(code) => return code,
            };
            run_sim(&cfg, listen, scenario.as_deref(), time_scale).await
        }
        Some(Command::Failover {
            answers: Some(answers),
        })
        | Some(Command::Failback {
            answers: Some(answers),
        }) => {
            let kind = if is_failover {
                crate::config::RunbookKind::Failover
            } else {
                crate::config::RunbookKind::Failback
            };
            let source = config_source(cli.config);
            let access = if cli.read_only {
                Access::ReadOnly
            } else {
                Access::ReadWrite
            };
            let path = answers;
            match Target::open(&source, access, None).await {
                Ok(t) => t.scripted(kind, &path, None, None).await,
                Err(code) => code,
            }
        }
        Some(Command::Failover { .. }) | Some(Command::Failback { .. }) => {
            eprintln!(
                "azfailover: the interactive runbook screen is not available yet: use --answers FILE, or `azfailover plan failover` for the runbook with its az commands"
            );
            exit::USAGE
        }
        Some(Command::Drill {
            scenario,
            answers,
            time_scale,
        }) => {
            let scenario = match Scenario::resolve(&scenario) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("azfailover: {e}");
                    return exit::USAGE;
                }
            };
            let cfg = match cli
                .config
                .map(ConfigSource::File)
                .map_or_else(|| Ok(Config::demo()), |s| load(&s))
            {
                Ok(c) => c,
                Err(code) => return code,
            };
            let Some(path) = answers else {
                eprintln!(
                    "azfailover: the interactive drill console is not available yet: use --answers FILE"
                );
                return exit::USAGE;
            };
            match Target::simulated(cfg, scenario.clone(), time_scale, cli.read_only).await {
                Ok(t) => {
                    t.scripted(
                        crate::config::RunbookKind::Failover,
                        &path,
                        Some(scenario),
                        time_scale,
                    )
                    .await
                }
                Err(code) => code,
            }
        }
        Some(Command::Plan { kind, format }) => {
            let source = config_source(cli.config);
            match Target::open(&source, Access::ReadOnly, None).await {
                Ok(t) => t.plan(kind.into(), format).await,
                Err(code) => code,
            }
        }
        Some(Command::Status { format }) => {
            let source = config_source(cli.config);
            match Target::open(&source, Access::ReadOnly, None).await {
                Ok(t) => t.status(format).await,
                Err(code) => code,
            }
        }
        None => {
            eprintln!(
                "azfailover: the console is not built yet; run `azfailover sim` for the simulator (see --help)"
            );
            exit::USAGE
        }
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
    pub async fn open(
        source: &ConfigSource,
        access: Access,
        scenario: Option<Scenario>,
    ) -> Result<Target, i32> {
        let mut cfg = load(source)?;
        let mut sim = None;
        if matches!(source, ConfigSource::Demo) {
            let server = SimServer::start(
                &cfg,
                SimOptions {
                    scenario,
                    ..SimOptions::default()
                },
            )
            .await
            .map_err(|e| {
                eprintln!("azfailover: cannot start the simulator: {e}");
                exit::UNAVAILABLE
            })?;
            cfg.deployment.arm_endpoint = server.url().to_string();
            cfg.auth.method = crate::config::AuthMethod::Simulator;
            sim = Some(server);
        }
        let (client, writer) =
            connect(&cfg, access, ClientOptions::from_config(&cfg)).map_err(|e| {
                eprintln!("azfailover: {e}");
                exit::UNAVAILABLE
            })?;
        if let Err(e) = client.sign_in().await {
            eprintln!("azfailover: {e}");
            return Err(exit::UNAVAILABLE);
        }
        Ok(Target {
            cfg,
            client,
            writer,
            sim,
        })
    }

    /// A configuration run against the in-process simulator (drills).
    pub async fn simulated(
        mut cfg: Config,
        scenario: Scenario,
        time_scale: Option<f64>,
        read_only: bool,
    ) -> Result<Target, i32> {
        if time_scale.is_some_and(|s| !(s.is_finite() && s > 0.0)) {
            eprintln!("azfailover: --time-scale must be a positive number");
            return Err(exit::USAGE);
        }
        let server = SimServer::start(
            &cfg,
            SimOptions {
                scenario: Some(scenario),
                time_scale,
                ..SimOptions::default()
            },
        )
        .await
        .map_err(|e| {
            eprintln!("azfailover: cannot start the simulator: {e}");
            exit::UNAVAILABLE
        })?;
        cfg.deployment.arm_endpoint = server.url().to_string();
        cfg.auth.method = crate::config::AuthMethod::Simulator;
        let access = if read_only {
            Access::ReadOnly
        } else {
            Access::ReadWrite
        };
        let mut opts = ClientOptions::from_config(&cfg);
        opts.default_poll = Duration::from_secs(1);
        let (client, writer) = connect(&cfg, access, opts).map_err(|e| {
            eprintln!("azfailover: {e}");
            exit::UNAVAILABLE
        })?;
        Ok(Target {
            cfg,
            client,
            writer,
            sim: Some(server),
        })
    }

    /// A run driven by an answers file: prints the report's path as its last line.
    async fn scripted(
        self,
        kind: crate::config::RunbookKind,
        answers: &std::path::Path,
        scenario: Option<Scenario>,
        _time_scale: Option<f64>,
    ) -> i32 {
        use crate::runbook::operator::ScriptedOperator;
        use crate::runbook::run::{Outcome, RunContext, execute};
        let drill = scenario.is_some();
        let mut operator = match ScriptedOperator::load(answers, drill) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("azfailover: {e}");
                return exit::USAGE;
            }
        };
        if self.writer.is_none() {
            eprintln!(
                "azfailover: read-only mode: the runbook is walked and every action is refused"
            );
        }
        let mut outage_started_at = None;
        if let (Some(sc), Some(sim)) = (&scenario, &self.sim)
            && let Some(at) = sc.outage_starts_at
        {
            {
                // Let the scenario's outage unfold before the team reacts to it.
                let t = sim.scenario_time(at);
                if let Some(t) = t {
                    let wait = (t - sim.now()).as_seconds_f64().max(0.0) / sim.time_scale();
                    tokio::time::sleep(Duration::from_secs_f64(wait) + Duration::from_millis(100))
                        .await;
                }
                outage_started_at = t;
                eprintln!(
                    "azfailover: drill '{}': the outage started at {} (simulated)",
                    sc.name,
                    t.map(crate::timefmt::rfc3339).unwrap_or_default()
                );
            }
        }
        let loss_probe: Option<crate::runbook::run::LossProbe> = self.sim.as_ref().map(|s| {
            let w = s.world();
            let already = s.data_losses().len();
            std::sync::Arc::new(move || {
                let w = w.lock().expect("world lock");
                w.data_loss
                    .iter()
                    .skip(already)
                    .map(|d| (d.resource.clone(), d.seconds))
                    .collect()
            }) as crate::runbook::run::LossProbe
        });
        let ctx = RunContext {
            cfg: self.cfg.clone(),
            reader: self.client.clone(),
            writer: self.writer.clone(),
            scenario: scenario.as_ref().map(|s| s.name.clone()),
            outage_started_at,
            loss_probe,
            cancel: tokio_util::sync::CancellationToken::new(),
            journal_dir: crate::runbook::journal::journal_dir(),
            reports_dir: crate::runbook::report::reports_dir(),
            verify_interval: if drill {
                Duration::from_millis(500)
            } else {
                Duration::from_secs(10)
            },
        };
        let journal_kind = if drill {
            "drill"
        } else if kind == crate::config::RunbookKind::Failover {
            "failover"
        } else {
            "failback"
        };
        let result = execute(&ctx, kind, journal_kind, &mut operator, !drill).await;
        if let Some(sim) = self.sim {
            sim.stop().await;
        }
        match result {
            Err(e) => {
                eprintln!("azfailover: {e}");
                exit::UNAVAILABLE
            }
            Ok(r) => {
                if let Some(m) = operator.missing.as_ref().or(r.message.as_ref()) {
                    eprintln!(
                        "azfailover: stopped: {m} (journal: {})",
                        r.journal.display()
                    );
                }
                eprintln!(
                    "azfailover: {} — report: {}",
                    r.outcome.as_str(),
                    r.report_markdown.display()
                );
                println!("{}", r.report_json.display());
                match r.outcome {
                    Outcome::Completed => exit::OK,
                    Outcome::Aborted if r.declined => exit::ABORTED,
                    Outcome::Aborted => exit::ABORTED,
                    Outcome::Failed => exit::DEGRADED,
                }
            }
        }
    }

    /// `plan`: the runbook that would run now, printed.
    async fn plan(self, kind: crate::config::RunbookKind, format: PlanFormat) -> i32 {
        let collector = Collector::new(self.cfg.clone(), self.client.clone());
        let result = collector.collect_full().await;
        if let Some(sim) = self.sim {
            sim.stop().await;
        }
        let (obs, snap) = match result {
            Ok(r) => r,
            Err(e) => {
                eprintln!("azfailover: {e}");
                return exit::UNAVAILABLE;
            }
        };
        let rb = crate::runbook::plan(&self.cfg, &obs, &snap, kind);
        match format {
            PlanFormat::Json => println!(
                "{}",
                serde_json::to_string_pretty(&crate::runbook::markdown::to_json(&rb))
                    .unwrap_or_default()
            ),
            PlanFormat::Markdown => print!(
                "{}",
                crate::runbook::markdown::render(
                    &rb,
                    &self.cfg,
                    &crate::timefmt::rfc3339(snap.taken_at)
                )
            ),
        }
        exit::OK
    }

    /// `status`: one snapshot, printed; the exit code says how things are.
    async fn status(self, format: Format) -> i32 {
        if self.sim.is_some() {
            eprintln!(
                "azfailover: no configuration found: showing the built-in demo (simulated Azure)"
            );
        }
        let collector = Collector::new(self.cfg.clone(), self.client.clone());
        let result = collector.collect().await;
        if let Some(sim) = self.sim {
            sim.stop().await;
        }
        match result {
            Err(e) => {
                eprintln!("azfailover: {e}");
                exit::UNAVAILABLE
            }
            Ok(snap) => {
                crate::health::cache::save(&snap);
                match format {
                    Format::Json => println!(
                        "{}",
                        serde_json::to_string_pretty(&snap).unwrap_or_default()
                    ),
                    Format::Table => print!("{}", crate::health::report::render_table(&snap)),
                }
                snap.exit_code()
            }
        }
    }
}

async fn run_sim(
    cfg: &Config,
    listen: SocketAddr,
    scenario: Option<&str>,
    time_scale: Option<f64>,
) -> i32 {
    if time_scale.is_some_and(|s| !(s.is_finite() && s > 0.0)) {
        eprintln!("azfailover: --time-scale must be a positive number");
        return exit::USAGE;
    }
    let scenario = match scenario.map(Scenario::resolve).transpose() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("azfailover: {e}");
            return exit::USAGE;
        }
    };
    let scenario_name = scenario.as_ref().map(|s| s.name.clone());
    let server = match SimServer::start(
        cfg,
        SimOptions {
            listen,
            time_scale,
            scenario,
        },
    )
    .await
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("azfailover: cannot listen on {listen}: {e}");
            return exit::UNAVAILABLE;
        }
    };
    println!("listening on {}", server.url());
    let scale = server
        .world()
        .lock()
        .map(|w| w.clock.scale())
        .unwrap_or(1.0);
    if listen.ip().is_loopback() {
        eprintln!(
            "simulator bound to loopback only ({}); it is not reachable from other machines",
            server.url()
        );
    } else {
        eprintln!(
            "WARNING: simulator bound to {listen}, reachable beyond this machine; it accepts any bearer token"
        );
    }
    eprintln!(
        "simulating '{}' ({} components) from {}; time scale {scale}×{}",
        cfg.deployment.name,
        cfg.components.len(),
        cfg.origin,
        scenario_name
            .map(|n| format!("; scenario {n}"))
            .unwrap_or_default()
    );
    eprintln!(
        "control API: POST {0}/_sim/faults, GET {0}/_sim/state; Ctrl-C stops",
        server.url()
    );
    wait_for_shutdown().await;
    server.stop().await;
    exit::OK
}

async fn wait_for_shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
