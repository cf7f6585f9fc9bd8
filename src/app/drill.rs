//! Drills around their run: resuming a crashed drill against the simulated world it left,
//! letting a scenario unfold to its declared incident, and the run context that measures the
//! data the simulator lost and saves a new drill's world beside its journal.

use std::path::PathBuf;
use std::time::Duration;

use crate::config::Config;
use crate::sim::{Scenario, SimServer};

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
pub struct DrillRun {
    pub scenario: Scenario,
    pub resumed: Option<PathBuf>,
}

/// The unfinished drill of this deployment and scenario that can go on: its journal and the
/// simulated world it left. A crashed drill without a readable saved world is not resumed (the
/// new drill closes it and writes its report).
pub fn resumable_drill(cfg: &Config, scenario: &Scenario) -> Option<(PathBuf, crate::sim::World)> {
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
pub async fn drill_start(
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
pub fn run_context(
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
