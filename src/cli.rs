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
/// `--time-scale N`: a number the simulated clock can run at.
fn time_scale(s: &str) -> Result<f64, String> {
    use crate::sim::clock::{MAX_TIME_SCALE, MIN_TIME_SCALE, SimClock};
    match s.trim().parse::<f64>() {
        Ok(v) if SimClock::valid_scale(v) => Ok(v),
        _ => Err(format!(
            "must be a number from {MIN_TIME_SCALE} to {MAX_TIME_SCALE} (simulated seconds per real second)"
        )),
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The console against the built-in Azure simulator (no Azure account needed).
    Demo {
        /// A built-in scenario name or a path to a scenario file.
        #[arg(long, value_name = "NAME_OR_PATH")]
        scenario: Option<String>,
        /// Simulated seconds per real second (default: the scenario's).
        #[arg(long, value_name = "N", value_parser = time_scale)]
        time_scale: Option<f64>,
    },
    /// Run the Azure simulator as a server until SIGINT/SIGTERM.
    Sim {
        /// Address to listen on (loopback by default).
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: SocketAddr,
        /// A built-in scenario name or a path to a scenario file.
        #[arg(long, value_name = "NAME_OR_PATH")]
        scenario: Option<String>,
        /// Simulated seconds per real second (long-running operations run this much faster).
        #[arg(long, value_name = "N", value_parser = time_scale)]
        time_scale: Option<f64>,
        /// Serve HTTPS with a self-signed certificate (for az and the SDKs' credentials).
        #[arg(long)]
        tls: bool,
        /// Where --tls writes the certificate to trust (default: in the data directory).
        #[arg(long, value_name = "PATH", requires = "tls")]
        cert: Option<PathBuf>,
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
        #[command(flatten)]
        run: RunArgs,
    },
    /// Guide a failback to the primary region (with --answers: run it with no terminal).
    Failback {
        /// Answers file (TOML) for a run with no terminal.
        #[arg(long, value_name = "FILE")]
        answers: Option<PathBuf>,
        #[command(flatten)]
        run: RunArgs,
    },
    /// A DR drill against the built-in simulator, with a scenario's faults.
    Drill {
        /// A built-in scenario name or a path to a scenario file.
        #[arg(long, value_name = "NAME_OR_PATH")]
        scenario: String,
        /// Answers file (TOML) for a drill with no terminal.
        #[arg(long, value_name = "FILE")]
        answers: Option<PathBuf>,
        #[command(flatten)]
        run: RunArgs,
        /// Simulated seconds per real second (default: the scenario's).
        #[arg(long, value_name = "N", hide = true, value_parser = time_scale)]
        time_scale: Option<f64>,
        /// Also serve the drill's simulator over HTTPS, for participants' own az (prints where
        /// the lines to paste are).
        #[arg(long)]
        tls: bool,
    },
    /// List the reports of past drills, failovers and failbacks (newest first).
    Reports,
    /// Show a run's journal as a timeline (default: the newest); without journals, say so.
    Journal {
        /// A journal file, or a run id (as in the report's and journal's names).
        run: Option<String>,
        /// List the journals instead of showing one.
        #[arg(long)]
        list: bool,
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

/// What failover, failback and drill share: who runs them, and how much a scripted run says.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RunArgs {
    /// Who runs it, for the journal, the lock and the report (default: the answers file's
    /// `operator`; in the console, the signed-in identity, then $USER).
    #[arg(long, value_name = "NAME", value_parser = operator_name)]
    pub operator: Option<String>,
    /// With --answers: no progress lines on stderr (errors and the report's path still print).
    #[arg(long, requires = "answers")]
    pub quiet: bool,
}

/// `--operator NAME`: a name the journal, the lock tag and the report can hold.
fn operator_name(s: &str) -> Result<String, String> {
    crate::runbook::operator::check_operator_name(s)?;
    Ok(s.to_string())
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
    matches!(
        cli.command,
        None | Some(Command::Demo { .. })
            | Some(Command::Failover { answers: None, .. })
            | Some(Command::Failback { answers: None, .. })
            | Some(Command::Drill { answers: None, .. })
    )
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
    try_load(source).map_err(Failure::report)
}

fn try_load(source: &ConfigSource) -> Result<Config, Failure> {
    match source {
        ConfigSource::Demo => Ok(Config::demo()),
        ConfigSource::File(p) => Config::load(p).map_err(|e| Failure {
            exit: exit::CONFIG,
            code: "config",
            message: e.to_string(),
        }),
    }
}

/// Why a command got no further than its configuration or sign-in: the exit code, the error
/// code of `status --format json` (`unreachable | auth | config`) and the message.
pub struct Failure {
    pub exit: i32,
    pub code: &'static str,
    pub message: String,
}

impl Failure {
    /// Says it on stderr, as every command does, and gives the exit code.
    fn report(self) -> i32 {
        if self.code == "config" {
            eprintln!("{}", self.message);
            eprintln!(
                "azfailover: the configuration is not valid: every problem is listed above (config.example.toml documents every key; `azfailover config check` checks it again)"
            );
        } else {
            eprintln!("azfailover: {}", self.message);
        }
        self.exit
    }

    /// A failure reaching or signing in to Azure.
    fn azure(e: &crate::azure::AzureError) -> Failure {
        Failure {
            exit: exit::UNAVAILABLE,
            code: if matches!(e.kind, crate::azure::ErrorKind::Auth(_)) {
                "auth"
            } else {
                "unreachable"
            },
            message: e.to_string(),
        }
    }

    /// `status`: also the one JSON object of CONTRACT.md when the format is JSON.
    fn status(self, format: Format) -> i32 {
        if let Format::Json = format {
            let error = serde_json::json!({"error": {"code": self.code, "message": self.message}});
            crate::outln!("{}", crate::text::to_json_pretty(&error));
        }
        self.report()
    }
}

/// Runs the command line; returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    let is_failover = matches!(cli.command, Some(Command::Failover { .. }));
    match cli.command {
        Some(Command::Config {
            action: ConfigAction::Check { path },
        }) => {
            let Some(path) = path.or(cli.config).or_else(Config::default_path) else {
                eprintln!(
                    "azfailover: no configuration path given and no platform config directory"
                );
                return exit::USAGE;
            };
            match Config::load(&path) {
                Ok(cfg) => {
                    crate::outln!(
                        "{}: valid — deployment '{}', {} components, {} → {}",
                        cfg.origin,
                        cfg.deployment.name,
                        cfg.components.len(),
                        cfg.deployment.primary_region,
                        cfg.deployment.secondary_region
                    );
                    exit::OK
                }
                Err(e) => {
                    // This is the check: it says how many problems, not to run itself.
                    eprintln!("{e}");
                    let n = e.issues.len();
                    eprintln!(
                        "azfailover: {}: {n} problem{} (config.example.toml documents every key)",
                        e.origin,
                        if n == 1 { "" } else { "s" }
                    );
                    exit::CONFIG
                }
            }
        }
        Some(Command::Sim {
            listen,
            scenario,
            time_scale,
            tls,
            cert,
        }) => {
            let source = config_source(cli.config);
            let cfg = match load(&source) {
                Ok(c) => c,
                Err(code) => return code,
            };
            let tls = tls.then(|| crate::sim::TlsOptions {
                cert_path: Some(cert.unwrap_or_else(crate::sim::tls::default_cert_path)),
            });
            run_sim(&cfg, listen, scenario.as_deref(), time_scale, tls).await
        }
        Some(Command::Failover {
            answers: Some(answers),
            run,
        })
        | Some(Command::Failback {
            answers: Some(answers),
            run,
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
            match Target::open(&source, access).await {
                Ok(t) => t.scripted(kind, &path, None, &run).await,
                Err(code) => code,
            }
        }
        Some(Command::Failover { run, .. }) | Some(Command::Failback { run, .. }) => {
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
            let demo = matches!(source, ConfigSource::Demo);
            match Target::open(&source, access).await {
                Ok(t) => interactive_run(t, kind, None, demo, run.operator).await,
                Err(code) => code,
            }
        }
        Some(Command::Drill {
            scenario,
            answers,
            run,
            time_scale,
            tls,
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
            // A drill of this scenario that crashed goes on against the world it left.
            let resumable = if cli.read_only {
                None
            } else {
                resumable_drill(&cfg, &scenario)
            };
            let (restore, resumed) = match resumable {
                Some((journal, world)) => (Some(world), Some(journal)),
                None => (None, None),
            };
            let mut target = match Target::simulated(
                cfg,
                Some(scenario.clone()),
                time_scale,
                cli.read_only,
                restore,
            )
            .await
            {
                Ok(t) => t,
                Err(code) => return code,
            };
            if let (true, Some(sim)) = (tls, target.sim.as_mut()) {
                match crate::sim::tls::serve_for_clients(sim).await {
                    Ok((url, env)) => eprintln!(
                        "azfailover: the drill's simulator also serves {url} for your own az: . {}",
                        env.display()
                    ),
                    Err(e) => eprintln!("azfailover: cannot serve HTTPS for az: {e}"),
                }
            }
            let kind = crate::config::RunbookKind::Failover;
            let drill = DrillRun { scenario, resumed };
            match answers {
                None => interactive_run(target, kind, Some(drill), false, run.operator).await,
                Some(path) => target.scripted(kind, &path, Some(drill), &run).await,
            }
        }
        Some(Command::Reports) => list_reports(&crate::runbook::report::reports_dir()),
        Some(Command::Journal { run, list }) => crate::runbook::journal::view(
            &crate::runbook::journal::journal_dir(),
            run.as_deref(),
            list,
        ),
        Some(Command::Plan { kind, format }) => {
            let source = config_source(cli.config);
            match Target::open(&source, Access::ReadOnly).await {
                Ok(t) => t.plan(kind.into(), format).await,
                Err(code) => code,
            }
        }
        Some(Command::Status { format }) => {
            let source = config_source(cli.config);
            match Target::try_open(&source, Access::ReadOnly).await {
                Ok(t) => t.status(format).await,
                Err(failure) => failure.status(format),
            }
        }
        Some(Command::Demo {
            scenario,
            time_scale,
        }) => {
            let scenario = match scenario.map(|s| Scenario::resolve(&s)).transpose() {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("azfailover: {e}");
                    return exit::USAGE;
                }
            };
            console(ConfigSource::Demo, scenario, time_scale, cli.read_only).await
        }
        None => console(config_source(cli.config), None, None, cli.read_only).await,
    }
}

/// The interactive console: on the configuration, or on the demo against the in-process
/// simulator (with a scenario and fault injection). Runs can be started from it.
async fn console(
    source: ConfigSource,
    scenario: Option<Scenario>,
    time_scale: Option<f64>,
    read_only: bool,
) -> i32 {
    let access = if read_only {
        Access::ReadOnly
    } else {
        Access::ReadWrite
    };
    let demo = matches!(source, ConfigSource::Demo);
    let scenario_name = scenario.as_ref().map(|s| s.name.clone());
    let target = if demo {
        match Target::simulated(Config::demo(), scenario, time_scale, read_only, None).await {
            Ok(t) => t,
            Err(code) => return code,
        }
    } else {
        match Target::open(&source, access).await {
            Ok(t) => t,
            Err(code) => return code,
        }
    };
    console_session(target, None, None, demo, scenario_name, None).await
}

/// Lets a drill's scenario unfold until its declared incident (the first region outage) before
/// the team reacts to it; returns that moment (simulated time), if the scenario declares one.
async fn incident_start(sc: &Scenario, sim: &SimServer) -> Option<time::OffsetDateTime> {
    let t = sim.scenario_time(sc.outage_starts_at?)?;
    let wait = (t - sim.now()).as_seconds_f64().max(0.0) / sim.time_scale();
    tokio::time::sleep(Duration::from_secs_f64(wait) + Duration::from_millis(100)).await;
    Some(t)
}

/// The data the simulator actually lost from now on (drills' reports).
fn loss_probe(sim: &SimServer) -> crate::runbook::run::LossProbe {
    let w = sim.world();
    std::sync::Arc::new(move || {
        w.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .data_losses()
    })
}

/// A drill: its scenario, and the journal of the crashed drill it resumes, if it does.
struct DrillRun {
    scenario: Scenario,
    resumed: Option<PathBuf>,
}

/// The unfinished drill of this deployment and scenario that can go on: its journal and the
/// simulated world it left. A crashed drill without a readable saved world is not resumed (the
/// new drill closes it and writes its report).
fn resumable_drill(cfg: &Config, scenario: &Scenario) -> Option<(PathBuf, crate::sim::World)> {
    use crate::runbook::journal::{self, Event};
    let (path, entries) =
        journal::find_unfinished(&journal::journal_dir(), &cfg.deployment.name, "drill")?;
    let same = entries.iter().any(
        |e| matches!(&e.event, Event::RunStarted { scenario: Some(s), .. } if *s == scenario.name),
    );
    let state = crate::runbook::journal::saved_world_path(&path);
    if !same || !state.exists() {
        return None;
    }
    // Without its runbook the journal cannot go on: the new drill closes it instead.
    if journal::load_runbook(&path).is_none() {
        let _ = std::fs::remove_file(&state);
        return None;
    }
    match crate::sim::persist::load(&state) {
        Ok(world) => Some((path, world)),
        Err(e) => {
            eprintln!(
                "azfailover: the unfinished drill journaled in {} cannot be resumed: {e}; it is closed and a new drill starts",
                path.display()
            );
            None
        }
    }
}

/// What a drill does around its run: says that it resumes (and saves its world from now on),
/// or lets the scenario unfold to its declared incident; returns that moment for a new drill.
async fn drill_start(
    drill: &DrillRun,
    sim: &SimServer,
    say: &(dyn Fn(String) + Sync),
) -> Option<time::OffsetDateTime> {
    let sc = &drill.scenario;
    if let Some(journal) = &drill.resumed {
        sim.persist_to(&crate::runbook::journal::saved_world_path(journal));
        say(format!(
            "drill '{}': the simulated world of the drill journaled in {} is restored and goes on from where it stopped (simulated time now {})",
            sc.name,
            journal.display(),
            crate::timefmt::rfc3339(sim.now())
        ));
        return None;
    }
    sc.outage_starts_at?;
    say(format!(
        "drill '{}': the scenario unfolds until its declared incident…",
        sc.name
    ));
    let t = incident_start(sc, sim).await;
    say(format!(
        "drill '{}': the incident was declared at {} (simulated time)",
        sc.name,
        t.map(crate::timefmt::rfc3339).unwrap_or_default()
    ));
    t
}

/// The context of a run: with a simulator, the data it measures as lost; for a new drill, its
/// world saved beside the journal. `fast` checks postconditions every 500 ms (simulated time
/// runs faster), else every 10 s.
fn run_context(
    cfg: &Config,
    reader: crate::azure::ArmClient,
    writer: Option<crate::azure::ArmWriter>,
    sim: Option<&SimServer>,
    drill: Option<&DrillRun>,
    outage_started_at: Option<time::OffsetDateTime>,
    fast: bool,
) -> crate::runbook::run::RunContext {
    // A dry run's drill saves nothing: there is nothing of it to resume.
    let new_drill = drill.is_some_and(|d| d.resumed.is_none()) && writer.is_some();
    crate::runbook::run::RunContext {
        cfg: cfg.clone(),
        reader,
        writer,
        scenario: drill.map(|d| d.scenario.name.clone()),
        outage_started_at,
        journal_opened: sim.filter(|_| new_drill).map(save_beside_journal),
        loss_probe: sim.map(loss_probe),
        cancel: tokio_util::sync::CancellationToken::new(),
        journal_dir: crate::runbook::journal::journal_dir(),
        reports_dir: crate::runbook::report::reports_dir(),
        verify_interval: if fast {
            Duration::from_millis(500)
        } else {
            Duration::from_secs(10)
        },
    }
}

/// Saves a new drill's world beside its journal from the moment the journal exists.
fn save_beside_journal(sim: &SimServer) -> crate::runbook::run::JournalHook {
    let world = sim.world();
    std::sync::Arc::new(move |journal: &std::path::Path| {
        let mut w = world
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        w.persist_to = Some(crate::runbook::journal::saved_world_path(journal));
        w.persist();
    })
}

/// A failover, failback or drill with a person deciding: the console opens on the runbook.
async fn interactive_run(
    target: Target,
    kind: crate::config::RunbookKind,
    drill_run: Option<DrillRun>,
    demo: bool,
    operator: Option<String>,
) -> i32 {
    let scenario_name = drill_run.as_ref().map(|d| d.scenario.name.clone());
    console_session(target, Some(kind), drill_run, demo, scenario_name, operator).await
}

/// A console session: the health engine, the console, and the host that starts its run — at
/// once (`failover`, `failback`, `drill`) or when the operator asks (`:failover` in the
/// console). Prints the report's path on stdout, as the last line, once the terminal is
/// restored.
async fn console_session(
    target: Target,
    first: Option<crate::config::RunbookKind>,
    drill_run: Option<DrillRun>,
    demo: bool,
    scenario_name: Option<String>,
    operator: Option<String>,
) -> i32 {
    use crate::console::{Badge, ConsoleOptions, FaultInjector};
    use std::sync::Arc;
    let drill = drill_run.is_some();
    let Target {
        cfg,
        client,
        writer,
        sim,
    } = target;
    let read_only = writer.is_none();
    let sim = sim.map(Arc::new);
    let faults: Option<FaultInjector> = sim
        .clone()
        .filter(|_| drill || demo)
        .map(|s| Arc::new(move |f: &crate::sim::Fault| s.inject(f)) as FaultInjector);
    // Simulated time runs faster than real time: refresh more often, so that every stage of a
    // scenario shows (a minute of simulated degradation is 2 s at 30x).
    let every = if sim.is_some() {
        Duration::from_secs(u64::from(cfg.console.refresh_seconds).min(2))
    } else {
        Duration::from_secs(cfg.console.refresh_seconds.into())
    };
    let identity = match (drill, demo) {
        (true, _) => "simulator (drill)".to_string(),
        (_, true) => "simulator (demo)".to_string(),
        _ => client.identity().to_string(),
    };
    // Who decides: --operator, else who is signed in (a person or an application; the
    // simulator's sign-in names nobody), else $USER.
    let operator = operator.or_else(|| {
        let who = client.identity();
        let name = who
            .user
            .or_else(|| who.client_id.map(|c| format!("app {c}")))?;
        crate::runbook::operator::fit_operator_name(&name)
    });
    let initial = if sim.is_some() {
        None
    } else {
        crate::health::cache::load(&cfg.deployment.name)
    };
    let engine = crate::health::spawn(cfg.clone(), client.clone(), every);
    let host = Arc::new(Host {
        cfg: cfg.clone(),
        client,
        writer,
        sim: sim.clone(),
        drill: drill_run.map(Arc::new),
        operator,
        runtime: tokio::runtime::Handle::current(),
        stop: tokio_util::sync::CancellationToken::new(),
        task: std::sync::Mutex::new(None),
    });
    let opts = ConsoleOptions {
        config: cfg,
        badge: match (drill, demo) {
            (true, _) => Badge::Drill,
            (_, true) => Badge::Demo,
            _ => Badge::Live,
        },
        read_only,
        identity: Some(identity),
        scenario: scenario_name.clone(),
        faults,
        initial,
        reports_dir: crate::runbook::report::reports_dir(),
        host: Some(host.clone() as Arc<dyn crate::console::RunHost>),
        sim_clock: sim
            .clone()
            .map(|s| Arc::new(move || (s.now(), s.time_scale())) as crate::console::SimClock),
    };
    let code = match first {
        Some(kind) => match crate::console::RunHost::start(host.as_ref(), kind) {
            Ok(rx) => crate::console::run_with_runbook(opts, engine, rx).await,
            Err(e) => {
                eprintln!("azfailover: {e}");
                return exit::UNAVAILABLE;
            }
        },
        None => crate::console::run(opts, engine).await,
    };
    let started = host
        .task
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    // A run still going when the console closed (Ctrl-C) stays unfinished: the next
    // failover/failback resumes it from its journal.
    // `q` quits only after the run ended; anything else (Ctrl-C, no terminal) leaves it.
    let left = !matches!(code, Ok(c) if c != exit::ABORTED);
    let outcome = match started {
        Some((kind, task)) => {
            if left && !task.is_finished() {
                host.stop.cancel();
            }
            Some((kind, task.await.ok().flatten()))
        }
        None => None,
    };
    drop(host);
    if let Some(sim) = sim.and_then(|s| Arc::try_unwrap(s).ok()) {
        sim.stop().await;
    }
    let code = match code {
        Ok(code) => code,
        Err(e) => {
            eprintln!("azfailover: the console needs a terminal: {e}");
            return exit::USAGE;
        }
    };
    let Some((kind, result)) = outcome else {
        return code;
    };
    let journal_kind = if drill { "drill" } else { kind.as_str() };
    match result {
        Some(Ok(r)) => {
            print_run_end(r.message.as_ref(), &r);
            code
        }
        Some(Err(e)) => {
            eprintln!("azfailover: {e}");
            e.exit_code()
        }
        None => {
            let next = match (&scenario_name, drill) {
                (Some(sc), true) => format!("drill --scenario {sc}"),
                _ => kind.as_str().to_string(),
            };
            eprintln!(
                "azfailover: the {journal_kind} was left unfinished; its journal is in {} (the next `azfailover {next}` resumes it)",
                crate::runbook::journal::journal_dir().display(),
            );
            code
        }
    }
}

/// What a run started from the console finished with (None: left unfinished).
type RunTask = tokio::task::JoinHandle<
    Option<Result<crate::runbook::run::RunResult, crate::runbook::run::RunError>>,
>;

/// The console's run host: starts the executor of this console's run in its own task (one run
/// per console) and plans previews off the UI thread.
struct Host {
    cfg: Config,
    client: ArmClient,
    writer: Option<ArmWriter>,
    sim: Option<std::sync::Arc<SimServer>>,
    drill: Option<std::sync::Arc<DrillRun>>,
    /// Who decides at this console (--operator, the signed-in identity, or None: $USER).
    operator: Option<String>,
    runtime: tokio::runtime::Handle,
    stop: tokio_util::sync::CancellationToken,
    task: std::sync::Mutex<Option<(crate::config::RunbookKind, RunTask)>>,
}

impl crate::console::RunHost for Host {
    fn start(
        &self,
        kind: crate::config::RunbookKind,
    ) -> Result<crate::console::runbook_bridge::RunReceiver, String> {
        use crate::console::runbook_bridge::{ChannelOperator, RunEnd, RunMsg};
        use crate::runbook::run::execute;
        let mut slot = self
            .task
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if slot.is_some() {
            return Err(
                "this console already ran a run: one per console (quit, then start the next)"
                    .into(),
            );
        }
        let drill = self.drill.is_some();
        let journal_kind = if drill { "drill" } else { kind.as_str() };
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let (cfg, client, writer, sim, drill_run, stop) = (
            self.cfg.clone(),
            self.client.clone(),
            self.writer.clone(),
            self.sim.clone(),
            self.drill.clone(),
            self.stop.clone(),
        );
        let operator = self.operator.clone();
        let runtime = self.runtime.clone();
        // The executor's future is not Send: it runs on a blocking-pool thread of this
        // runtime, so it never shares the UI loop's thread.
        let task = tokio::task::spawn_blocking(move || {
            runtime.block_on(async move {
                let run = async move {
                    let say = |line: String| {
                        let _ = tx.send(RunMsg::Notify(line));
                    };
                    let mut outage_started_at = None;
                    if let Some(sim) = &sim {
                        say(format!(
                            "facilitator: inject faults with :fault, or from another terminal: curl -X POST {}/_sim/faults -d '{{\"kind\":\"region-outage\",\"region\":\"westus\"}}'",
                            sim.url()
                        ));
                    }
                    if let (Some(d), Some(sim)) = (&drill_run, &sim) {
                        outage_started_at = drill_start(d, sim, &say).await;
                    }
                    let resumed_drill = drill_run.as_ref().is_some_and(|d| d.resumed.is_some());
                    let ctx = run_context(
                        &cfg,
                        client,
                        writer,
                        sim.as_deref(),
                        drill_run.as_deref(),
                        outage_started_at,
                        sim.is_some(),
                    );
                    let operator = match operator {
                        Some(name) => ChannelOperator::named(tx.clone(), name),
                        None => ChannelOperator::new(tx.clone()),
                    };
                    let result =
                        execute(&ctx, kind, journal_kind, &operator, !drill || resumed_drill)
                            .await;
                    // The drill ended (its journal says how), or could not go on: nothing is
                    // left to resume (a journal left open is closed by the next drill).
                    if let (true, Some(sim)) = (drill, &sim) {
                        sim.stop_persisting();
                    }
                    drop(sim);
                    let end = match &result {
                        Ok(r) => RunEnd {
                            outcome: r.outcome.as_str().to_string(),
                            message: r.message.clone(),
                            report_json: Some(r.report_json.clone()),
                            report_markdown: Some(r.report_markdown.clone()),
                        },
                        Err(e) => RunEnd {
                            outcome: "error".into(),
                            message: Some(e.to_string()),
                            report_json: None,
                            report_markdown: None,
                        },
                    };
                    let _ = tx.send(RunMsg::Finished(end));
                    result
                };
                tokio::select! {
                    result = run => Some(result),
                    () = stop.cancelled() => None,
                }
            })
        });
        *slot = Some((kind, task));
        Ok(rx)
    }

    fn preview(&self, kind: crate::config::RunbookKind, done: crate::console::PreviewDone) {
        let (cfg, client) = (self.cfg.clone(), self.client.clone());
        self.runtime.spawn(async move {
            let result = Collector::new(cfg.clone(), client)
                .collect_full()
                .await
                .and_then(
                    |(obs, snap)| match crate::runbook::run::nothing_to_do(&snap, kind) {
                        Some(why) => Err(why),
                        None => Ok(crate::runbook::plan(&cfg, &obs, &snap, kind)),
                    },
                );
            done(result);
        });
    }
}

/// `reports`: one line per past run, newest first.
fn list_reports(dir: &std::path::Path) -> i32 {
    let listing = match crate::runbook::report::list(dir) {
        Ok(listing) => listing,
        Err(e) => {
            eprintln!("azfailover: {e}");
            return exit::IO_ERROR;
        }
    };
    for bad in &listing.unreadable {
        eprintln!("azfailover: skipped {bad}");
    }
    if listing.reports.is_empty() {
        crate::outln!("no reports yet in {}", dir.display());
        return exit::OK;
    }
    let secs = |v: Option<i64>| {
        v.map_or("-".to_string(), |s| {
            crate::timefmt::human(Duration::from_secs(s.max(0) as u64))
        })
    };
    // Without colour, a missed target says so beside its figure; a figure that leaves out
    // what was not measured (rpo_met null) is a lower bound.
    let against = |figure: String, met: Option<bool>| match met {
        Some(false) => format!("{figure} MISSED"),
        None if figure != "-" => format!("at least {figure}"),
        _ => figure,
    };
    crate::outln!(
        "{:<19}  {:<8}  {:<18}  {:<14}  {:<17}  {:<19}  REPORT",
        "STARTED (UTC)",
        "KIND",
        "SCENARIO",
        "OUTCOME",
        "RTO",
        "DATA LOSS"
    );
    for l in &listing.reports {
        let r = &l.report;
        let verdict = r.verdict();
        let started = crate::timefmt::parse_rfc3339(&r.started_at).map_or_else(
            || crate::health::report::sanitize(&r.started_at),
            |t| format!("{} {}", t.date(), crate::timefmt::hhmmss(t)),
        );
        crate::outln!(
            "{:<19}  {:<8}  {:<18}  {:<14}  {:<17}  {:<19}  {}",
            started,
            r.label(),
            crate::health::report::sanitize(r.scenario.as_deref().unwrap_or("-")),
            crate::health::report::sanitize(&verdict.short()),
            against(secs(r.rto_seconds), verdict.rto_met),
            against(secs(Some(r.data_loss_window_seconds)), verdict.rpo_met),
            l.markdown.display()
        );
    }
    exit::OK
}

/// Says how a run ended: why it stopped (stderr), and the report's path as the last stdout line.
fn print_run_end(message: Option<&String>, r: &crate::runbook::run::RunResult) {
    if let Some(m) = message {
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
    crate::outln!("{}", r.report_json.display());
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
    pub async fn open(source: &ConfigSource, access: Access) -> Result<Target, i32> {
        Target::try_open(source, access)
            .await
            .map_err(Failure::report)
    }

    /// As `open`, saying why not instead of printing it.
    pub async fn try_open(source: &ConfigSource, access: Access) -> Result<Target, Failure> {
        let mut cfg = try_load(source)?;
        let mut sim = None;
        if matches!(source, ConfigSource::Demo) {
            let server = SimServer::start(&cfg, SimOptions::default())
                .await
                .map_err(|e| Failure {
                    exit: exit::UNAVAILABLE,
                    code: "unreachable",
                    message: format!("cannot start the simulator: {e}"),
                })?;
            cfg.use_simulator(server.url());
            sim = Some(server);
        }
        let (client, writer) = connect(&cfg, access, ClientOptions::from_config(&cfg))
            .map_err(|e| Failure::azure(&e))?;
        client.sign_in().await.map_err(|e| Failure::azure(&e))?;
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
        scenario: Option<Scenario>,
        time_scale: Option<f64>,
        read_only: bool,
        restore: Option<crate::sim::World>,
    ) -> Result<Target, i32> {
        if time_scale.is_some_and(|s| !(s.is_finite() && s > 0.0)) {
            eprintln!("azfailover: --time-scale must be a positive number");
            return Err(exit::USAGE);
        }
        let server = SimServer::start(
            &cfg,
            SimOptions {
                scenario,
                time_scale,
                restore,
                ..SimOptions::default()
            },
        )
        .await
        .map_err(|e| {
            eprintln!("azfailover: cannot start the simulator: {e}");
            exit::UNAVAILABLE
        })?;
        cfg.use_simulator(server.url());
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
        drill_run: Option<DrillRun>,
        args: &RunArgs,
    ) -> i32 {
        use crate::runbook::operator::{Progress, ScriptedOperator};
        use crate::runbook::run::{Outcome, execute};
        let drill = drill_run.is_some();
        let resumed_drill = drill_run.as_ref().is_some_and(|d| d.resumed.is_some());
        let mut operator = match ScriptedOperator::load(answers, drill, args.operator.clone()) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("azfailover: {e}");
                return exit::USAGE;
            }
        };
        if !args.quiet {
            // Against a simulator the journal's clock is simulated: the lines say so once
            // (with its time scale when it runs in this process).
            let scale = self.sim.as_ref().map(SimServer::time_scale);
            let simulated =
                scale.is_some() || self.cfg.auth.method == crate::config::AuthMethod::Simulator;
            operator = operator.with_progress(Progress::new(simulated.then_some(scale)));
        }
        // --quiet keeps what must not be missed (a resume, a dry run, errors, the report).
        let say = |line: String| {
            if !args.quiet {
                eprintln!("azfailover: {line}");
            }
        };
        if let Some(sim) = &self.sim {
            say(format!(
                "simulator control API for the facilitator: POST {0}/_sim/faults, GET {0}/_sim/state",
                sim.url()
            ));
        }
        let mut outage_started_at = None;
        if let (Some(d), Some(sim)) = (&drill_run, &self.sim) {
            outage_started_at = drill_start(d, sim, &say).await;
        }
        let ctx = run_context(
            &self.cfg,
            self.client.clone(),
            self.writer.clone(),
            self.sim.as_ref(),
            drill_run.as_ref(),
            outage_started_at,
            drill,
        );
        let journal_kind = if drill { "drill" } else { kind.as_str() };
        let result = execute(&ctx, kind, journal_kind, &operator, !drill || resumed_drill).await;
        if let Some(sim) = self.sim {
            if drill {
                // The drill ended (its journal says how), or could not go on: nothing is left
                // to resume (a journal left open is closed by the next drill).
                sim.stop_persisting();
            }
            sim.stop().await;
        }
        match result {
            Err(e) => {
                eprintln!("azfailover: {e}");
                e.exit_code()
            }
            Ok(r) => {
                // A run that stopped on its own says why in its own words (what to check).
                let missing = operator.missing().filter(|_| r.stopped.is_none());
                print_run_end(missing.as_ref().or(r.message.as_ref()), &r);
                match (r.outcome, r.stopped) {
                    (_, Some(stopped)) => stopped.exit_code(),
                    (Outcome::Completed, _) => exit::OK,
                    (Outcome::Aborted, _) => exit::ABORTED,
                    (Outcome::Failed, _) => exit::DEGRADED,
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
        if let Some(why) = crate::runbook::run::nothing_to_do(&snap, kind) {
            eprintln!("azfailover: {why}");
            return exit::DEGRADED;
        }
        let rb = crate::runbook::plan(&self.cfg, &obs, &snap, kind);
        match format {
            PlanFormat::Json => crate::outln!(
                "{}",
                crate::text::to_json_pretty(&crate::runbook::markdown::to_json(&rb))
            ),
            PlanFormat::Markdown => crate::out!(
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
        let result = collector.try_collect().await;
        if let Some(sim) = self.sim {
            sim.stop().await;
        }
        match result {
            Err(e) => Failure {
                exit: exit::UNAVAILABLE,
                code: if e.auth { "auth" } else { "unreachable" },
                message: e.message,
            }
            .status(format),
            Ok((_, snap)) => {
                crate::health::cache::save(&snap);
                match format {
                    Format::Json => crate::outln!("{}", crate::text::to_json_pretty(&snap)),
                    Format::Table => crate::out!("{}", crate::health::report::render_table(&snap)),
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
    tls: Option<crate::sim::TlsOptions>,
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
            restore: None,
            tls,
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
    crate::outln!("listening on {}", server.url());
    if let Some(cert) = server.cert_path() {
        // Line 2: the certificate; then the lines that point a user's own az at it.
        crate::outln!("certificate {}", cert.display());
        for line in server.client_setup() {
            crate::outln!("{line}");
        }
    }
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
