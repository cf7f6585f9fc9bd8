//! A run with no terminal (`failover|failback|drill --answers FILE`): the answers file decides,
//! progress goes to stderr (unless quiet), and the run's end comes back for the command line to
//! print (the report's path as the last stdout line).

use std::path::Path;

use crate::config::RunbookKind;
use crate::runbook::run::RunResult;
use crate::sim::SimServer;

use super::drill::{DrillRun, drill_start, run_context};
use super::error::AppError;
use super::session::Target;

/// How a scripted run ended (it wrote its report).
pub struct ScriptedEnd {
    pub result: RunResult,
    /// Why it stopped early, in the words to print (an answer the file did not give, or the
    /// run's own).
    pub message: Option<String>,
}

/// A run driven by an answers file.
pub async fn scripted(
    target: Target,
    kind: RunbookKind,
    answers: &Path,
    drill_run: Option<DrillRun>,
    operator_name: Option<String>,
    quiet: bool,
) -> Result<ScriptedEnd, AppError> {
    use crate::runbook::operator::{Progress, ScriptedOperator};
    use crate::runbook::run::execute;
    let drill = drill_run.is_some();
    let resumed_drill = drill_run.as_ref().is_some_and(|d| d.resumed.is_some());
    let mut operator =
        ScriptedOperator::load(answers, drill, operator_name).map_err(AppError::Usage)?;
    if !quiet {
        // Against a simulator the journal's clock is simulated: the lines say so once
        // (with its time scale when it runs in this process).
        let scale = target.sim.as_ref().map(SimServer::time_scale);
        let simulated =
            scale.is_some() || target.cfg.auth.method == crate::config::AuthMethod::Simulator;
        operator = operator.with_progress(Progress::new(simulated.then_some(scale)));
    }
    // --quiet keeps what must not be missed (a resume, a dry run, errors, the report).
    let say = |line: String| {
        if !quiet {
            eprintln!("azfailover: {line}");
        }
    };
    if let Some(sim) = &target.sim {
        say(format!(
            "simulator control API for the facilitator: POST {0}/_sim/faults, GET {0}/_sim/state",
            sim.url()
        ));
    }
    let mut outage_started_at = None;
    if let (Some(d), Some(sim)) = (&drill_run, &target.sim) {
        outage_started_at = drill_start(d, sim, &say).await;
    }
    let ctx = run_context(
        &target.cfg,
        target.client.clone(),
        target.writer.clone(),
        target.sim.as_ref(),
        drill_run.as_ref(),
        outage_started_at,
        drill,
    );
    let journal_kind = if drill { "drill" } else { kind.as_str() };
    let result = execute(&ctx, kind, journal_kind, &operator, !drill || resumed_drill).await;
    if let Some(sim) = target.sim {
        if drill {
            // The drill ended (its journal says how), or could not go on: nothing is left
            // to resume (a journal left open is closed by the next drill).
            sim.stop_persisting();
        }
        sim.stop().await;
    }
    let r = result?;
    // A run that stopped on its own says why in its own words (what to check).
    let missing = operator.missing().filter(|_| r.stopped.is_none());
    let message = missing.or_else(|| r.message.clone());
    Ok(ScriptedEnd { result: r, message })
}
