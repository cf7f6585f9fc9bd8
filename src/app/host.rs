//! The interactive run host: the console composed with the health engine, the simulator and
//! the runbook executor. This is the composition root of a console session: it may import the
//! console, runbooks, the simulator and the Azure client; it prints nothing but what the run's
//! own progress says, and returns how the session ended.

use std::time::Duration;

use crate::azure::{ArmClient, ArmWriter};
use crate::config::Config;
use crate::health::collect::Collector;
use crate::sim::{Scenario, SimServer};

use super::drill::{DrillRun, drill_start, run_context};
use super::error::AppError;
use super::session::{ConfigSource, Target, access};

/// How a console session ended.
pub struct ConsoleEnd {
    /// The console's own exit code (what its last screen asked for).
    pub code: i32,
    /// The run this console started, when it ended with a report.
    pub run: Option<crate::runbook::run::RunResult>,
    /// The run this console started, when it was left unfinished: what to tell the user.
    pub left_unfinished: Option<String>,
}

/// The interactive console: on the configuration, or on the demo against the in-process
/// simulator (with a scenario and fault injection). Runs can be started from it.
pub async fn console(
    source: ConfigSource,
    scenario: Option<Scenario>,
    time_scale: Option<f64>,
    read_only: bool,
) -> Result<ConsoleEnd, AppError> {
    let demo = matches!(source, ConfigSource::Demo);
    let scenario_name = scenario.as_ref().map(|s| s.name.clone());
    let target = if demo {
        Target::simulated(Config::demo(), scenario, time_scale, read_only, None).await?
    } else {
        Target::open(&source, access(read_only)).await?
    };
    console_session(target, None, None, demo, scenario_name, None).await
}

/// A failover, failback or drill with a person deciding: the console opens on the runbook.
pub async fn interactive_run(
    target: Target,
    kind: crate::config::RunbookKind,
    drill_run: Option<DrillRun>,
    demo: bool,
    operator: Option<String>,
) -> Result<ConsoleEnd, AppError> {
    let scenario_name = drill_run.as_ref().map(|d| d.scenario.name.clone());
    console_session(target, Some(kind), drill_run, demo, scenario_name, operator).await
}

/// A console session: the health engine, the console, and the host that starts its run — at
/// once (`failover`, `failback`, `drill`) or when the operator asks (`:failover` in the
/// console). Returns the run's end (the caller prints the report's path on stdout, as the
/// last line, once the terminal is restored).
pub async fn console_session(
    target: Target,
    first: Option<crate::config::RunbookKind>,
    drill_run: Option<DrillRun>,
    demo: bool,
    scenario_name: Option<String>,
    operator: Option<String>,
) -> Result<ConsoleEnd, AppError> {
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
    let initial = if sim.is_some() {
        None
    } else {
        crate::health::cache::load(&cfg.deployment.name)
    };
    let engine = crate::health::spawn(cfg.clone(), client.clone(), every);
    let host = Arc::new(Host::new(
        cfg.clone(),
        client,
        writer,
        sim.clone(),
        drill_run.map(Arc::new),
        operator,
    ));
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
            Err(e) => return Err(AppError::RunHost(e)),
        },
        None => crate::console::run(opts, engine).await,
    };
    let end = host.end(&code, scenario_name.as_deref()).await;
    drop(host);
    if let Some(sim) = sim.and_then(|s| Arc::try_unwrap(s).ok()) {
        sim.stop().await;
    }
    let code = code.map_err(AppError::Terminal)?;
    end.map(|end| ConsoleEnd { code, ..end })
}

impl Host {
    /// The run host of one deployment's console. `operator`: who decides (None: who is
    /// signed in when the run starts, else $USER).
    pub(super) fn new(
        cfg: Config,
        client: ArmClient,
        writer: Option<ArmWriter>,
        sim: Option<std::sync::Arc<SimServer>>,
        drill: Option<std::sync::Arc<DrillRun>>,
        operator: Option<String>,
    ) -> Host {
        Host {
            cfg,
            client,
            writer,
            sim,
            drill,
            operator,
            runtime: tokio::runtime::Handle::current(),
            stop: tokio_util::sync::CancellationToken::new(),
            task: std::sync::Mutex::new(None),
        }
    }

    /// Once the console closed with `code`: the run it started, ended with its report or left
    /// unfinished (what to tell the user). A run still going when the console closed (Ctrl-C)
    /// stays unfinished: the next failover/failback resumes it from its journal. `q` quits only
    /// after the run ended; anything else (Ctrl-C, no terminal) leaves it.
    pub(super) async fn end(
        &self,
        code: &std::io::Result<i32>,
        scenario_name: Option<&str>,
    ) -> Result<ConsoleEnd, AppError> {
        let drill = self.drill.is_some();
        let started = self
            .task
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        let left = !matches!(code, Ok(c) if *c != crate::exit::ABORTED);
        let outcome = match started {
            Some((kind, task)) => {
                if left && !task.is_finished() {
                    self.stop.cancel();
                }
                Some((kind, task.await.ok().flatten()))
            }
            None => None,
        };
        let mut end = ConsoleEnd {
            code: *code.as_ref().unwrap_or(&crate::exit::ABORTED),
            run: None,
            left_unfinished: None,
        };
        let Some((kind, result)) = outcome else {
            return Ok(end);
        };
        let journal_kind = if drill { "drill" } else { kind.as_str() };
        match result {
            Some(Ok(r)) => end.run = Some(r),
            Some(Err(e)) => return Err(AppError::Run(e)),
            None => {
                let next = match (scenario_name, drill) {
                    (Some(sc), true) => format!("drill --scenario {sc}"),
                    _ => kind.as_str().to_string(),
                };
                end.left_unfinished = Some(format!(
                    "the {journal_kind} of {} was left unfinished; its journal is in {} (the next `azfailover {next}` resumes it)",
                    self.cfg.deployment.name,
                    crate::runbook::journal::journal_dir().display(),
                ));
            }
        }
        Ok(end)
    }
}

/// What a run started from the console finished with (None: left unfinished).
type RunTask = tokio::task::JoinHandle<
    Option<Result<crate::runbook::run::RunResult, crate::runbook::run::RunError>>,
>;

/// The console's run host: starts the executor of this console's run in its own task (one run
/// per console) and plans previews off the UI thread.
pub(super) struct Host {
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
        // Who decides: --operator, else who is signed in (a person or an application; the
        // simulator's sign-in names nobody), else $USER.
        let operator = self.operator.clone().or_else(|| {
            let who = self.client.identity();
            let name = who
                .user
                .or_else(|| who.client_id.map(|c| format!("app {c}")))?;
            crate::runbook::operator::fit_operator_name(&name)
        });
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
                            error: None,
                        },
                        Err(e) => RunEnd {
                            outcome: "error".into(),
                            message: Some(e.to_string()),
                            report_json: None,
                            report_markdown: None,
                            error: Some(e.clone()),
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
