//! The command line (clap): parsing, and dispatch to the application layer (`crate::app`),
//! whose values, text and typed errors it prints; `crate::exit` gives the exit code.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::app::drill::{DrillRun, resumable_drill};
use crate::app::host::{ConsoleEnd, console, interactive_run};
use crate::app::scripted::scripted;
use crate::app::session::one_deployment;
use crate::app::views::Text;
use crate::app::{AppError, ConfigSource, SessionError, Target, config_source};
use crate::azure::Access;
use crate::config::{Config, RunbookKind};
use crate::exit;
use crate::sim::Scenario;

/// azfailover — multi-region disaster recovery console for Azure Machine Learning.
#[derive(Debug, Parser)]
#[command(name = "azfailover", version, about, long_about = None)]
pub struct Cli {
    /// Configuration file (default: config.toml in the platform config directory). Give it
    /// more than once, or name a directory (every *.toml in it), for a fleet of deployments.
    #[arg(
        long,
        global = true,
        env = "AZFAILOVER_CONFIG",
        value_name = "PATH",
        action = clap::ArgAction::Append
    )]
    pub config: Vec<PathBuf>,
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
        #[command(flatten)]
        buckets: BucketArgs,
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

/// `azfailover sim`'s ARM token buckets per principal (the documented ones unless said; the
/// subscription's global buckets are 15 times these).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct BucketArgs {
    /// Read bucket size, tokens (documented: 250).
    #[arg(long, value_name = "N")]
    pub read_bucket: Option<u32>,
    /// Read refill, tokens a second (documented: 25).
    #[arg(long, value_name = "R")]
    pub read_refill: Option<f64>,
    /// Write bucket size (documented: 200).
    #[arg(long, value_name = "N")]
    pub write_bucket: Option<u32>,
    /// Write refill a second (documented: 10).
    #[arg(long, value_name = "R")]
    pub write_refill: Option<f64>,
    /// Delete bucket size (documented: 200).
    #[arg(long, value_name = "N")]
    pub delete_bucket: Option<u32>,
    /// Delete refill a second (documented: 10).
    #[arg(long, value_name = "R")]
    pub delete_refill: Option<f64>,
    /// No ARM throttling at all (and no rate-limit headers).
    #[arg(long, conflicts_with_all = ["read_bucket", "read_refill", "write_bucket", "write_refill", "delete_bucket", "delete_refill"])]
    pub no_rate_limit: bool,
}

impl BucketArgs {
    /// The buckets the flags ask for (None: no flag, the simulator's default).
    pub fn limits(&self) -> Result<Option<crate::sim::RateLimits>, String> {
        use crate::sim::throttle::Kind;
        if self.no_rate_limit {
            return Ok(Some(crate::sim::RateLimits::unlimited()));
        }
        let l = crate::sim::RateLimits::documented()
            .with(Kind::Read, self.read_bucket, self.read_refill)?
            .with(Kind::Write, self.write_bucket, self.write_refill)?
            .with(Kind::Delete, self.delete_bucket, self.delete_refill)?;
        Ok((l != crate::sim::RateLimits::documented()).then_some(l))
    }
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

/// Says an error on stderr, as every command does, and gives its exit code.
fn fail(e: AppError) -> i32 {
    if let AppError::Session(SessionError::Config(_)) = &e {
        eprintln!("{e}");
        eprintln!(
            "azfailover: the configuration is not valid: every problem is listed above (config.example.toml documents every key; `azfailover config check` checks it again)"
        );
    } else if let AppError::Session(SessionError::Fleet(fleet)) = &e {
        eprintln!("{e}");
        eprintln!(
            "azfailover: {} of the fleet's {} configurations are not valid: every problem is listed above, with its file (`azfailover config check --config DIR` checks them again)",
            fleet.errors.len(),
            fleet.files
        );
    } else {
        eprintln!("azfailover: {e}");
    }
    exit::code(&e)
}

/// `status`: also the one JSON object of CONTRACT.md when the format is JSON.
fn fail_status(e: AppError, format: Format) -> i32 {
    if let Format::Json = format {
        let error =
            serde_json::json!({"error": {"code": e.status_code(), "message": e.to_string()}});
        crate::outln!("{}", crate::text::to_json_pretty(&error));
    }
    fail(e)
}

/// Prints text: its notes on stderr, then its text on stdout.
fn print(text: &Text) {
    for note in &text.notes {
        eprintln!("azfailover: {note}");
    }
    crate::out!("{}", text.out);
}

/// A console session's end: the run's end, or that it was left unfinished.
fn console_end(end: Result<ConsoleEnd, AppError>) -> i32 {
    match end {
        Err(e) => fail(e),
        Ok(end) => {
            if let Some(r) = &end.run {
                print(&crate::app::views::run_end(r.message.as_ref(), r));
            }
            if let Some(note) = &end.left_unfinished {
                eprintln!("azfailover: {note}");
            }
            end.code
        }
    }
}

/// A scripted run's end: the report's path last, the code its outcome says.
fn scripted_end(end: Result<crate::app::scripted::ScriptedEnd, AppError>) -> i32 {
    match end {
        Err(e) => fail(e),
        Ok(end) => {
            print(&crate::app::views::run_end(
                end.message.as_ref(),
                &end.result,
            ));
            exit::of_run(&end.result)
        }
    }
}

/// `config check` of one file: valid (0) or every problem (78), as it always said.
fn config_check(path: &std::path::Path) -> i32 {
    match Config::load(path) {
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
            exit::code(&e.into())
        }
    }
}

/// `status` over a fleet: every deployment's snapshot, the worst code.
async fn fleet_status(source: &ConfigSource, format: Format) -> i32 {
    let cfgs = match crate::app::session::load_fleet(source) {
        Ok(c) => c,
        Err(e) => return fail_status(e.into(), format),
    };
    let fleet = crate::app::fleet::status(cfgs).await;
    match format {
        Format::Json => crate::outln!("{}", crate::text::to_json_pretty(&fleet.to_json())),
        Format::Table => crate::out!("{}", fleet.render_table()),
    }
    for e in &fleet.entries {
        if let Err(err) = &e.result {
            eprintln!("azfailover: {} ({}): {err}", e.name, e.origin);
        }
    }
    fleet.code()
}

/// A fleet console's end: each run's end and note, then its code.
fn fleet_end(end: Result<Vec<ConsoleEnd>, AppError>) -> i32 {
    match end {
        Err(e) => fail(e),
        Ok(ends) => {
            let codes: Vec<i32> = ends.into_iter().map(|end| console_end(Ok(end))).collect();
            codes.into_iter().max().unwrap_or(exit::OK)
        }
    }
}

/// Resolves a scenario name or path (a bad one is a bad command line).
fn scenario(name: &str) -> Result<Scenario, AppError> {
    Scenario::resolve(name).map_err(AppError::Usage)
}

/// Runs the command line; returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    let is_failover = matches!(cli.command, Some(Command::Failover { .. }));
    let kind = if is_failover {
        RunbookKind::Failover
    } else {
        RunbookKind::Failback
    };
    let access = crate::app::session::access(cli.read_only);
    match cli.command {
        Some(Command::Config {
            action: ConfigAction::Check { path },
        }) => {
            let paths = match path {
                Some(p) => vec![p],
                None if !cli.config.is_empty() => cli.config,
                None => Config::default_path().into_iter().collect(),
            };
            if paths.is_empty() {
                return fail(AppError::Usage(
                    "no configuration path given and no platform config directory".into(),
                ));
            }
            if crate::config::fleet::is_fleet(&paths) {
                let files = match crate::config::fleet::expand(&paths) {
                    Ok(files) => files,
                    Err(e) => return fail(SessionError::Fleet(e).into()),
                };
                // Every file is checked; the worst result is the exit code.
                let worst = files.iter().map(|f| config_check(f)).max();
                if worst != Some(exit::OK) {
                    return worst.unwrap_or(exit::CONFIG);
                }
                // Each file is valid on its own; the fleet also needs a name per deployment.
                return match crate::config::fleet::load_all(&paths) {
                    Ok(_) => exit::OK,
                    Err(e) => fail(SessionError::Fleet(e).into()),
                };
            }
            config_check(&paths[0])
        }
        Some(Command::Sim {
            listen,
            scenario,
            time_scale,
            tls,
            cert,
            buckets,
        }) => {
            let cfgs = match crate::app::session::load_fleet(&config_source(cli.config)) {
                Ok(c) => c,
                Err(e) => return fail(e.into()),
            };
            let limits = match buckets.limits() {
                Ok(l) => l,
                Err(e) => return fail(AppError::Usage(e)),
            };
            let tls = tls.then(|| crate::sim::TlsOptions {
                cert_path: Some(cert.unwrap_or_else(crate::sim::tls::default_cert_path)),
            });
            match crate::app::sim::serve(
                &cfgs,
                listen,
                scenario.as_deref(),
                time_scale,
                tls,
                limits,
            )
            .await
            {
                Ok(serving) => {
                    crate::outln!("{}", serving.listening);
                    for line in &serving.setup {
                        crate::outln!("{line}");
                    }
                    for note in &serving.notes {
                        eprintln!("{note}");
                    }
                    serving.run_until_shutdown().await;
                    exit::OK
                }
                Err(e) => fail(e),
            }
        }
        Some(Command::Failover {
            answers: Some(answers),
            run,
        })
        | Some(Command::Failback {
            answers: Some(answers),
            run,
        }) => {
            let source = match one_deployment(config_source(cli.config), kind.as_str()) {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            match Target::open(&source, access).await {
                Ok(t) => {
                    scripted_end(scripted(t, kind, &answers, None, run.operator, run.quiet).await)
                }
                Err(e) => fail(e.into()),
            }
        }
        Some(Command::Failover { run, .. }) | Some(Command::Failback { run, .. }) => {
            let source = match one_deployment(config_source(cli.config), kind.as_str()) {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            let demo = matches!(source, ConfigSource::Demo);
            match Target::open(&source, access).await {
                Ok(t) => console_end(interactive_run(t, kind, None, demo, run.operator).await),
                Err(e) => fail(e.into()),
            }
        }
        Some(Command::Drill {
            scenario: name,
            answers,
            run,
            time_scale,
            tls,
        }) => {
            let scenario = match scenario(&name) {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            let cfg = if cli.config.is_empty() {
                Config::demo()
            } else {
                let source = match one_deployment(config_source(cli.config), "drill") {
                    Ok(s) => s,
                    Err(e) => return fail(e),
                };
                match crate::app::session::load(&source) {
                    Ok(c) => c,
                    Err(e) => return fail(e.into()),
                }
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
                Err(e) => return fail(e.into()),
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
            let kind = RunbookKind::Failover;
            let drill = DrillRun { scenario, resumed };
            match answers {
                None => console_end(
                    interactive_run(target, kind, Some(drill), false, run.operator).await,
                ),
                Some(path) => scripted_end(
                    scripted(target, kind, &path, Some(drill), run.operator, run.quiet).await,
                ),
            }
        }
        Some(Command::Reports) => {
            match crate::app::views::reports(&crate::runbook::report::reports_dir()) {
                Ok(text) => {
                    print(&text);
                    exit::OK
                }
                Err(e) => fail(e),
            }
        }
        Some(Command::Journal { run, list }) => match crate::runbook::journal::view(
            &crate::runbook::journal::journal_dir(),
            run.as_deref(),
            list,
        ) {
            Ok(view) => {
                for w in &view.warnings {
                    eprintln!("azfailover: {w}");
                }
                crate::out!("{}", view.text);
                exit::OK
            }
            Err(e) => fail(e.into()),
        },
        Some(Command::Plan { kind, format }) => {
            let json = matches!(format, PlanFormat::Json);
            let source = match one_deployment(config_source(cli.config), "plan") {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            match Target::open(&source, Access::ReadOnly).await {
                Ok(t) => match crate::app::views::plan(t, kind.into(), json).await {
                    Ok(text) => {
                        crate::out!("{text}");
                        exit::OK
                    }
                    Err(e) => fail(e),
                },
                Err(e) => fail(e.into()),
            }
        }
        Some(Command::Status { format }) => {
            let source = config_source(cli.config);
            if let ConfigSource::Fleet(_) = &source {
                return fleet_status(&source, format).await;
            }
            let target = match Target::open(&source, Access::ReadOnly).await {
                Ok(t) => t,
                Err(e) => return fail_status(e.into(), format),
            };
            if target.sim.is_some() {
                eprintln!(
                    "azfailover: no configuration found: showing the built-in demo (simulated Azure)"
                );
            }
            match crate::app::views::status(target).await {
                Ok(snap) => {
                    match format {
                        Format::Json => crate::outln!("{}", crate::text::to_json_pretty(&snap)),
                        Format::Table => {
                            crate::out!("{}", crate::health::report::render_table(&snap))
                        }
                    }
                    exit::of_grade(snap.grade())
                }
                Err(e) => fail_status(e, format),
            }
        }
        Some(Command::Demo {
            scenario: name,
            time_scale,
        }) => {
            let scenario = match name.as_deref().map(scenario).transpose() {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            console_end(console(ConfigSource::Demo, scenario, time_scale, cli.read_only).await)
        }
        None => match config_source(cli.config) {
            ConfigSource::Fleet(paths) => {
                fleet_end(crate::app::fleet_host::console(&paths, cli.read_only).await)
            }
            source => console_end(console(source, None, None, cli.read_only).await),
        },
    }
}
